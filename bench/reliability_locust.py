"""Locust users for bench/reliability.py (not run on its own: the script sets the environment).

Three kinds of visitors, spread over the app servers the way a reverse proxy would (round
robin; a server that refuses the connection, or drops a GET before answering, is skipped and
the next one tried, like nginx's `proxy_next_upstream error`; a POST that broke off is not
sent again by the proxy, nginx answers 502):

- a resident filing a report with a small JPEG: GET the form, POST it multipart (with the
  guard's honeypot and timestamp), confirm it is new when the form shows open reports
  nearby, then read the receipt and record its reference;
- a map reader asking the public GeoJSON for a bbox (the mix of bench/run.py);
- a household signing up for neighbourhood watch in an area that takes sign-ups.

A POST that got no usable answer (the connection broke, or 502/503) is sent again, as a
resident pressing the button again would: the same form, the same submission key, after the
answer's Retry-After (at most 5 s). Every response is written to RELIAB_RECORD as one JSON
line: kind, status, server, start and end time, Retry-After; every receipt as a line too.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import sys
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import geojson_requests, multipart  # noqa: E402

PORTS = [int(p) for p in os.environ["RELIAB_PORTS"].split(",")]
RECORD = open(os.environ["RELIAB_RECORD"], "a", buffering=1)  # noqa: SIM115
RUN_ID = os.environ["RELIAB_RUN_ID"]
CATEGORIES = json.loads(os.environ["RELIAB_CATEGORIES"])
WATCH = json.loads(os.environ["RELIAB_WATCH"])  # [{"slug": ..., "streets": [[name, lo, hi]]}]
PREFIX = os.environ.get("REPORT_REFERENCE_PREFIX", "OTR")
EMAIL_SHARE = float(os.environ.get("RELIAB_EMAIL_SHARE", "0.5"))
MAX_TRIES = 4

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED_RE = re.compile(r'name="form_started" value="([^"]+)"')
CATEGORY_RE = re.compile(r'name="category" value="(\d+)"')
REFERENCE_RE = re.compile(re.escape(PREFIX) + r"-\d{4}-\d{5,}")
GEOJSON = geojson_requests(5000, int(os.environ.get("RELIAB_SEED", "1")), CATEGORIES)

_counter = {"n": 0}


def small_jpeg() -> bytes:
    """A 640x480 JPEG (about 30 kB), a photo shrunk by the phone before upload."""
    from PIL import Image, ImageDraw

    rng = random.Random(11)
    image = Image.new("RGB", (640, 480), (90, 110, 95))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(640), rng.randrange(480)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + rng.randrange(4, 30), y + rng.randrange(4, 30)), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


PHOTO = small_jpeg()


def record(**fields) -> None:
    RECORD.write(json.dumps(fields) + "\n")


def refused(error) -> bool:
    """The connection was refused (nothing was sent): safe to try the next server."""
    text = repr(error)
    return "Connection refused" in text or "NewConnectionError" in text


class Visitor(HttpUser):
    # Each user is one browser after another; the host is only locust's default.
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.next_port = random.randrange(len(PORTS))

    def send(self, kind: str, method: str, path: str, **kwargs):
        """One request through the "proxy": round robin, next server on a refused connection.
        Returns the response (status 0 when no server answered)."""
        start_port = self.next_port
        self.next_port = (self.next_port + 1) % len(PORTS)
        response = None
        for step in range(len(PORTS)):
            port = PORTS[(start_port + step) % len(PORTS)]
            t0 = time.time()
            response = self.client.request(
                method,
                f"http://127.0.0.1:{port}{path}",
                name=kind,
                allow_redirects=False,
                timeout=60,
                **kwargs,
            )
            t1 = time.time()
            error = getattr(response, "error", None) if response.status_code == 0 else None
            if error is not None and (refused(error) or method == "GET"):
                # proxy_next_upstream error: the request never reached this server, or it is
                # idempotent and the server died before its answer began.
                status = "refused" if refused(error) else "reset"
                record(kind=kind, status=status, port=port, t0=t0, t1=t1, next_upstream=True)
                continue
            record(
                kind=kind,
                status=response.status_code or "reset",
                port=port,
                t0=t0,
                t1=t1,
                retry_after=response.headers.get("Retry-After") if response.status_code else None,
                error=repr(error)[:200] if error is not None else None,
            )
            return response
        return response

    def post_again(self, kind: str, path: str, body: bytes, ctype: str):
        """POST until a real answer (not 0/502/503/504), at most MAX_TRIES times."""
        for attempt in range(MAX_TRIES):
            response = self.send(
                kind if not attempt else kind + "_retry",
                "POST",
                path,
                data=body,
                headers={"Content-Type": ctype},
            )
            if response.status_code not in (0, 502, 503, 504):
                return response
            try:
                wait = float(response.headers.get("Retry-After", "1"))
            except ValueError:
                wait = 1.0
            time.sleep(min(max(wait, 0.5), 5.0))
        return response

    def form(self, kind: str, path: str):
        """GET a page, reloading it after a 503 (or no answer) as a resident would, after
        Retry-After (at most 5 s), at most MAX_TRIES times."""
        for _ in range(MAX_TRIES):
            response = self.send(kind, "GET", path)
            if response.status_code == 200:
                return response.text
            try:
                wait = float(response.headers.get("Retry-After", "1"))
            except ValueError:
                wait = 1.0
            time.sleep(min(max(wait, 0.5), 5.0))
        return None

    @task(2)
    def submit_report(self):
        self.client.cookies.clear()  # a new visitor
        page = self.form("report_form", "/rapportera/")
        if page is None:
            return
        token, started = CSRF_RE.search(page), STARTED_RE.search(page)
        categories = CATEGORY_RE.findall(page)
        if not token or not categories:
            record(kind="report_form", status="unparsable", t0=time.time(), t1=time.time())
            return
        _counter["n"] += 1
        n = _counter["n"]
        key = str(uuid.uuid4())
        email = f"r-{key[:13]}@bench.invalid" if random.random() < EMAIL_SHARE else ""
        # Around the town, where most residents are (bench/_common.py PLACES).
        lat = round(random.gauss(65.5917, 0.006), 6)
        lon = round(random.gauss(19.18, 0.02), 6)
        fields = [
            ("csrfmiddlewaretoken", token.group(1)),
            ("ovrigt_falt", ""),
            ("form_started", started.group(1) if started else ""),
            ("submission_key", key),
            ("lat", str(lat)),
            ("lon", str(lon)),
            ("category", random.choice(categories)),
            ("time_of_day", "evening"),
            ("severity", "3"),
            ("description", f"Tillförlitlighetstest {RUN_ID} nr {n}: mörkt vid gångvägen."),
            ("contact_email", email),
        ]
        response = None
        for extra, files in (([], [("photos", "bild.jpg", PHOTO)]), ([("confirm_new", "1")], [])):
            body, ctype = multipart(fields + extra, files)
            response = self.post_again("report_post", "/rapportera/", body, ctype)
            if response.status_code != 200 or 'name="agree_with"' not in response.text:
                break
        location = response.headers.get("Location", "") if response is not None else ""
        if response is None or response.status_code != 302 or "kvitto" not in location:
            record(
                kind="report_lost",
                status=getattr(response, "status_code", 0),
                key=key,
                n=n,
                t0=time.time(),
                t1=time.time(),
            )
            return
        receipt = self.form("receipt", "/rapportera/kvitto/")
        found = REFERENCE_RE.search(receipt) if receipt else None
        record(
            kind="receipt_ref",
            status=200 if receipt else 0,
            reference=found.group(0) if found else None,
            key=key,
            n=n,
            email=email,
            photo=True,
            t0=time.time(),
            t1=time.time(),
        )

    @task(6)
    def read_map(self):
        _kind, path = random.choice(GEOJSON)
        self.send("geojson", "GET", path)

    @task(1)
    def watch_signup(self):
        if not WATCH:
            return
        self.client.cookies.clear()
        area = random.choice(WATCH)
        path = f"/grannsamverkan/{area['slug']}/"
        page = self.form("watch_form", path)
        if page is None:
            return
        token, started = CSRF_RE.search(page), STARTED_RE.search(page)
        if not token:
            record(kind="watch_form", status="unparsable", t0=time.time(), t1=time.time())
            return
        street, low, high = random.choice(area["streets"])
        fields = [
            ("csrfmiddlewaretoken", token.group(1)),
            ("ovrigt_falt", ""),
            ("form_started", started.group(1) if started else ""),
            ("street", street),
            ("number", str(random.randint(low, high))),
            ("name", "Test Testsson"),
            ("email", f"w-{uuid.uuid4().hex[:13]}@bench.invalid"),
            ("phone", ""),
            ("residents", "2"),
        ]
        body, ctype = multipart(fields, [])
        response = self.post_again("watch_post", path, body, ctype)
        if response.status_code == 302:
            self.send("watch_thanks", "GET", response.headers.get("Location", path))
