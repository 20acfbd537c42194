"""Measure the public GeoJSON endpoint and report submissions under gunicorn, on loopback.

    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench \
        --label pg-1m --port 18101

Starts `gunicorn tryggve.wsgi -w WORKERS -b 127.0.0.1:PORT` against the (seeded) benchmark
database, runs a bounded number of requests with a thread pool of http.client connections,
stops gunicorn and writes the figures as JSON to var/bench/results/<label>.json. Every loop
is bounded by a request count and a deadline; only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from _common import ROOT, PointSampler, bench_env, django_setup

HOST = "127.0.0.1"
VIEW_PX = (1280, 800)  # a laptop browser window; a phone sees about a quarter of this
MUNICIPALITY_BBOX = (18.15, 65.12, 20.05, 66.08)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def view_bbox(lat: float, lon: float, zoom: float) -> tuple[float, float, float, float]:
    """The bbox Leaflet asks for: a VIEW_PX window at a Web Mercator zoom level."""
    lon_span = 360 * VIEW_PX[0] / (256 * 2**zoom)
    lat_span = lon_span * math.cos(math.radians(lat)) * VIEW_PX[1] / VIEW_PX[0]
    return (
        round(lon - lon_span / 2, 6),
        round(lat - lat_span / 2, 6),
        round(lon + lon_span / 2, 6),
        round(lat + lat_span / 2, 6),
    )


def geojson_requests(count: int, seed: int, categories: list[str]) -> list[tuple[str, str]]:
    """A mix of map views, as (kind, path): whole municipality, town, street, random place."""
    sampler = PointSampler(seed)
    rng = sampler.rng
    requests = []
    for _ in range(count):
        r = rng.random()
        if r < 0.10:
            kind, bbox = "municipality", MUNICIPALITY_BBOX
        elif r < 0.40:
            lat, lon = rng.gauss(65.5917, 0.004), rng.gauss(19.18, 0.012)
            kind, bbox = "town z13-14", view_bbox(lat, lon, rng.uniform(13, 14))
        elif r < 0.80:
            lat, lon = sampler.sample()  # where people are, so where reports are
            kind, bbox = "street z16-17", view_bbox(lat, lon, rng.uniform(16, 17))
        else:
            lat, lon = sampler.anywhere()
            kind, bbox = "random place z10-17", view_bbox(lat, lon, rng.uniform(10, 17))
        params = {"bbox": ",".join(f"{v:.6f}" for v in bbox)}
        # The map's filter form: some visitors narrow by category, status or period.
        f = rng.random()
        if f < 0.08:
            params["category"] = rng.choice(categories)
        elif f < 0.12:
            params["status"] = rng.choice(["received", "under_review", "planned", "resolved"])
        elif f < 0.15:
            params["since"] = "2026-01-01"
        if len(params) > 1:
            kind += " +filter"
        requests.append((kind, "/api/reports.geojson?" + urlencode(params)))
    return requests


class Client:
    """One keep-alive-if-possible HTTP connection per thread, with its own cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn's sync workers close idle connections; reconnect once.
                self.conn.close()
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data

    def close(self):
        self.conn.close()


def run_pool(jobs: list, worker, concurrency: int, port: int, deadline: float) -> list[dict]:
    """Run jobs on `concurrency` threads; stop taking new jobs after the deadline."""
    lock = threading.Lock()
    queue = list(reversed(jobs))
    results: list[dict] = []

    def loop():
        client = Client(port)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if not queue:
                        return
                    job = queue.pop()
                result = worker(client, job)
                with lock:
                    results.append(result)
        finally:
            client.close()

    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(loop) for _ in range(concurrency)]:
            future.result()
    return results


def geojson_worker(client: Client, job: tuple[str, str]) -> dict:
    kind, path = job
    started = time.perf_counter()
    status, _headers, body = client.request("GET", path)
    elapsed = (time.perf_counter() - started) * 1000
    features, truncated = -1, None
    if status == 200:
        data = json.loads(body)
        features, truncated = len(data["features"]), data["truncated"]
    return {"kind": kind, "ms": elapsed, "status": status, "features": features, "trunc": truncated}


def summarize(results: list[dict], wall: float) -> dict:
    ms = [r["ms"] for r in results]
    return {
        "requests": len(results),
        "errors": sum(1 for r in results if r["status"] != 200),
        "per_second": round(len(results) / wall, 1) if wall else None,
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else None,
    }


def geojson_phase(args, categories: list[str]) -> dict:
    out = {}
    warmup = geojson_requests(args.warmup, args.seed + 1, categories)
    run_pool(warmup, geojson_worker, 2, args.port, time.monotonic() + 120)
    for concurrency in args.concurrency:
        jobs = geojson_requests(args.geojson_requests, args.seed, categories)
        # The machine is shared: the load average before and after says what else ran.
        load_before = os.getloadavg()
        started = time.monotonic()
        results = run_pool(jobs, geojson_worker, concurrency, args.port, started + args.max_seconds)
        wall = time.monotonic() - started
        load_after = os.getloadavg()
        kinds = {}
        for kind in sorted({r["kind"] for r in results}):
            subset = [r for r in results if r["kind"] == kind]
            feats = [r["features"] for r in subset if r["features"] >= 0]
            kinds[kind] = {
                **summarize(subset, 0),
                "features_median": statistics.median(feats) if feats else None,
                "features_max": max(feats) if feats else None,
                "truncated_share": round(sum(1 for r in subset if r["trunc"]) / len(subset), 2),
            }
            del kinds[kind]["per_second"]
        feats = [r["features"] for r in results if r["features"] >= 0]
        out[f"c{concurrency}"] = {
            "concurrency": concurrency,
            "all": {**summarize(results, wall), "features_max": max(feats) if feats else None},
            "kinds": kinds,
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in load_after],
        }
        print(f"  geojson c={concurrency}: {json.dumps(out[f'c{concurrency}']['all'])}", flush=True)
        print(f"  load average before {load_before}, after {load_after}", flush=True)
    return out


def photo_bytes() -> bytes:
    """A phone-like photo: 1600x1200 JPEG with some texture (about 200-400 kB)."""
    from PIL import Image, ImageDraw

    rng = random.Random(7)
    image = Image.new("RGB", (1600, 1200), (90, 110, 95))
    draw = ImageDraw.Draw(image)
    for _ in range(3000):
        x, y = rng.randrange(1600), rng.randrange(1200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + rng.randrange(4, 40), y + rng.randrange(4, 40)), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, filename, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The shared guard's signed time the form was shown (tryggve/lib/guard.py); its honeypot
# is posted empty, as a person's browser does.
STAMP_RE = re.compile(rb'name="form_started" value="([^"]+)"')
CATEGORY_RE = re.compile(rb'name="category" value="(\d+)"')


def submission_worker_factory(photo: bytes, photo_share: float, seed: int):
    sampler = PointSampler(seed)
    lock = threading.Lock()

    def worker(client: Client, index: int) -> dict:
        with lock:
            lat, lon = sampler.sample()
            with_photo = sampler.rng.random() < photo_share
            pick = sampler.rng.random()
        client.cookies.clear()  # a new visitor each time
        started = time.perf_counter()
        status, _h, page = client.request("GET", "/rapportera/")
        token = CSRF_RE.search(page)
        categories = CATEGORY_RE.findall(page)
        if status != 200 or not token or not categories:
            return {"ok": False, "ms": 0, "posts": 0, "photo": with_photo, "why": f"GET {status}"}
        stamp = STAMP_RE.search(page)
        fields = [
            ("csrfmiddlewaretoken", token.group(1).decode()),
            ("form_started", stamp.group(1).decode() if stamp else ""),
            ("ovrigt_falt", ""),
            ("submission_key", str(uuid.uuid4())),
            ("lat", str(lat)),
            ("lon", str(lon)),
            ("category", categories[int(pick * len(categories))].decode()),
            ("time_of_day", "evening"),
            ("severity", "3"),
            ("description", f"Benchmark {index}: mörkt och obehagligt på kvällen."),
        ]
        files = [("photos", "bild.jpg", photo)] if with_photo else []
        posts = 0
        post_ms = []
        # First without confirm_new, as a resident would; if the form answers with open
        # reports nearby, confirm that this one is new (photos wait under pending/).
        for extra in ([], [("confirm_new", "1")]):
            body, ctype = multipart(fields + extra, files if not extra else [])
            t0 = time.perf_counter()
            status, headers, page = client.request(
                "POST", "/rapportera/", body, {"Content-Type": ctype}
            )
            post_ms.append((time.perf_counter() - t0) * 1000)
            posts += 1
            if status == 302 and "kvitto" in headers.get("Location", ""):
                elapsed = (time.perf_counter() - started) * 1000
                return {
                    "ok": True,
                    "ms": elapsed,
                    "posts": posts,
                    "post_ms": post_ms,
                    "photo": with_photo,
                    "nearby": posts > 1,
                }
            if status != 200 or b'name="agree_with"' not in page:
                break
        return {
            "ok": False,
            "ms": 0,
            "posts": posts,
            "post_ms": post_ms,
            "photo": with_photo,
            "why": f"POST {status} {headers.get('Location', '')}",
        }

    return worker


def submission_phase(args) -> dict:
    from tryggve.reports.models import Report, ReportPhoto

    before = Report.objects.count()
    photos_before = ReportPhoto.objects.count()
    worker = submission_worker_factory(photo_bytes(), args.photo_share, args.seed + 2)
    started = time.monotonic()
    results = run_pool(
        list(range(args.submissions)),
        worker,
        args.submit_concurrency,
        args.port,
        started + args.max_seconds,
    )
    wall = time.monotonic() - started
    ok = [r for r in results if r["ok"]]
    new_reports = Report.objects.count() - before
    new_photos = ReportPhoto.objects.count() - photos_before
    failures = sorted({r.get("why", "") for r in results if not r["ok"]})
    post_ms = [ms for r in results for ms in r.get("post_ms", [])]
    summary = {
        "attempted": len(results),
        "succeeded": len(ok),
        "new_reports_in_db": new_reports,
        "count_matches": new_reports == len(ok),
        "with_photo": sum(1 for r in ok if r["photo"]),
        "new_photos_in_db": new_photos,
        "needed_confirm_after_nearby": sum(1 for r in ok if r["nearby"]),
        "posts": len(post_ms),
        "concurrency": args.submit_concurrency,
        "wall_s": round(wall, 2),
        "submissions_per_second": round(len(ok) / wall, 1) if wall else None,
        "flow_p50_ms": round(percentile([r["ms"] for r in ok], 50), 1),
        "flow_p95_ms": round(percentile([r["ms"] for r in ok], 95), 1),
        "post_p50_ms": round(percentile(post_ms, 50), 1),
        "post_p95_ms": round(percentile(post_ms, 95), 1),
        "failures": failures[:5],
    }
    print(f"  submissions: {json.dumps(summary)}", flush=True)
    return summary


def start_gunicorn(args) -> subprocess.Popen:
    log = open(ROOT / "var" / "bench" / f"gunicorn-{args.label}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tryggve.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"{HOST}:{args.port}",
            "--timeout",
            "60",
        ],
        # Every simulated resident comes from 127.0.0.1 and sends at once: the guard's
        # per-address limit and fill time are lifted for the bench only (its honeypot and
        # signed time stay checked).
        env=bench_env(
            args.database_url,
            PUBLIC_POST_LIMITS="report=100000/3600,voice=100000/3600",
            PUBLIC_FORM_MIN_SECONDS="0",
            # Several municipalities served (the demo's Arjeplog at /arjeplog/): every map
            # answer is then scoped to the municipality asked for, as in such a deployment.
            MUNICIPALITY_ROUTING="1" if args.routing else "0",
        ),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log.name}")
        try:
            status, _h, _b = Client(args.port).request("GET", "/api/reports.geojson?bbox=0,0,1,1")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not answer within 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--label", required=True, help="name of the result file")
    parser.add_argument("--port", type=int, default=18101)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--geojson-requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument(
        "--concurrency", type=lambda s: [int(c) for c in s.split(",")], default=[1, 4]
    )
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--submit-concurrency", type=int, default=4)
    parser.add_argument("--photo-share", type=float, default=0.05)
    parser.add_argument("--max-seconds", type=float, default=180, help="deadline per phase")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--routing",
        action="store_true",
        help="serve several municipalities (MUNICIPALITY_ROUTING=1): answers are scoped",
    )
    args = parser.parse_args()
    if not 18100 <= args.port <= 18199:
        parser.error("--port must be in 18100-18199")
    if args.geojson_requests > 20_000 or args.submissions > 5_000:
        parser.error("keep the counts bounded: at most 20,000 requests, 5,000 submissions")

    (ROOT / "var" / "bench" / "results").mkdir(parents=True, exist_ok=True)
    django_setup(args.database_url)
    from django.db import connection

    from tryggve.reports.models import Category, Report

    categories = list(Category.objects.filter(active=True).values_list("slug", flat=True))
    published = Report.objects.filter(published=True, lat__isnull=False).count()
    result = {
        "label": args.label,
        "vendor": connection.vendor,
        "reports": Report.objects.count(),
        "published_with_position": published,
        "workers": args.workers,
        "routing": args.routing,
    }
    connection.close()
    print(f"{args.label}: {result['reports']} reports, {published} on the map", flush=True)
    process = start_gunicorn(args)
    try:
        result["geojson"] = geojson_phase(args, categories)
        if args.submissions:
            result["submissions"] = submission_phase(args)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    path = ROOT / "var" / "bench" / "results" / f"{args.label}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
