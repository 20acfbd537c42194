"""Load and faults: two app servers, RQ workers, locust, and PostgreSQL / app / worker crashes.

    .venv/bin/pip install -e '.[bench]'          # locust (and aiosmtpd, the mail sink)
    .venv/bin/python bench/reliability.py --create-db                 # the full run, 600 s
    .venv/bin/python bench/reliability.py --create-db --duration 150 --no-pg-restart  # a trial

One command, its own PostgreSQL database (`--create-db` runs CREATE DATABASE if it is missing;
then `migrate` and `load_demo`) and its own Redis database number (`--redis-url`, /7: the
task queue and the cache, flushed at the start). It starts:

- two gunicorn app servers (`--ports`, 18141 and 18142) with TASK_BACKEND=rq, CACHE_URL on
  the same Redis database, photos on the file system (MEDIA_ROOT under /tmp/tryggve-bench;
  no S3-compatible store is available on this machine) and mail through Django's SMTP
  backend to a sink in this process (aiosmtpd on `--smtp-port`), which records every message;
- two RQ workers (`manage.py rqworker --job-class django_tasks_rq.backend.Job default`);
- locust, headless, for `--duration` seconds (bench/reliability_locust.py): residents filing
  reports with a photo, map readers, watch sign-ups, over both app servers.

On a schedule (fractions of the duration): PostgreSQL stopped for `--pg-down` seconds and
started again at 1/4 (`--no-pg-restart` leaves it alone: other people's tests may be using
the server), one app server killed (SIGKILL, its whole process group) at 1/2 and started again
after `--app-down` seconds, one RQ worker killed (SIGKILL) at 3/4 and started again after
`--worker-down` seconds, as systemd would. `send_pending_mail` runs every `--cron-every`
seconds, as the cron file does in production.

Afterwards it waits (at most `--drain` seconds) for the outbox to empty and checks: every
report with a receipt is in the database exactly once with its photo file; no report was
filed twice; every queued mail was sent exactly once (outbox rows against the messages the
sink received); no 500; during the PostgreSQL outage only 503 with Retry-After (or success);
service back within 5 s of PostgreSQL accepting connections. Figures and checks are printed
and written to var/bench/results/reliability-<label>.json; the exit status is 1 when a check
failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from _common import ROOT, bench_env
from seed import create_postgres_db

PYTHON = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
RECOVERY_LIMIT_S = 5.0
SUCCESS = {200, 301, 302, 303, 304}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/tryggve_bench_reliab"
    )
    p.add_argument("--create-db", action="store_true")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    p.add_argument("--ports", default="18141,18142")
    p.add_argument("--smtp-port", type=int, default=18149)
    p.add_argument("--app-workers", type=int, default=2, help="gunicorn workers per server")
    p.add_argument("--rq-workers", type=int, default=2)
    p.add_argument("--duration", type=int, default=600, help="seconds of load (max 1800)")
    p.add_argument("--users", type=int, default=40, help="locust users")
    p.add_argument("--spawn-rate", type=float, default=10)
    p.add_argument("--email-share", type=float, default=0.5, help="reports with a mail address")
    p.add_argument("--no-pg-restart", action="store_true", help="leave PostgreSQL alone")
    p.add_argument(
        "--pg-cluster", default="", help="VERSION/NAME (default: the one in /etc/postgresql, main)"
    )
    p.add_argument("--pg-at", type=float, default=0.25)
    p.add_argument("--pg-down", type=float, default=5.0, help="seconds stopped (0: restart)")
    p.add_argument("--app-at", type=float, default=0.5)
    p.add_argument("--app-down", type=float, default=5.0)
    p.add_argument("--worker-at", type=float, default=0.75)
    p.add_argument("--worker-down", type=float, default=10.0)
    p.add_argument("--cron-every", type=float, default=300.0, help="send_pending_mail period")
    p.add_argument("--drain", type=float, default=180.0, help="max seconds to wait for mail")
    p.add_argument("--label", default="")
    p.add_argument("--media-root", default="/tmp/tryggve-bench/reliab-media")
    p.add_argument(
        "--profile", default="", help="py-spy: record app server 1 (.svg flame graph, .txt stacks)"
    )
    args = p.parse_args(argv)
    args.duration = max(30, min(args.duration, 1800))
    args.ports = [int(x) for x in args.ports.split(",")]
    for port in [*args.ports, args.smtp_port]:
        if not 18100 <= port <= 18199:
            p.error("ports must be in 18100-18199 (loopback bench range)")
    if "127.0.0.1" not in args.database_url and "localhost" not in args.database_url:
        p.error("the bench runs against a local PostgreSQL only")
    args.label = args.label or datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return args


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


# --- the mail sink ---------------------------------------------------------------------


class Sink:
    """An SMTP server on loopback that keeps every message it accepts (the mail server)."""

    def __init__(self, port: int, path: Path):
        from aiosmtpd.controller import Controller

        self.messages: list[dict] = []
        self.file = open(path, "a", buffering=1)  # noqa: SIM115
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                message = message_from_bytes(envelope.content, policy=policy.default)
                for rcpt in envelope.rcpt_tos:
                    subject = " ".join(str(message["Subject"] or "").split())
                    item = {"to": rcpt, "subject": subject, "t": time.time()}
                    sink.messages.append(item)
                    sink.file.write(json.dumps(item) + "\n")
                return "250 OK"

        self.controller = Controller(Handler(), hostname=HOST, port=port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.file.close()


# --- processes ---------------------------------------------------------------------------


class Proc:
    """A child in its own process group, so that a kill takes its workers too."""

    def __init__(self, name: str, argv: list[str], env: dict, logdir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.logpath = logdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self):
        log_file = open(self.logpath, "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def stop(self):
        self.kill(signal.SIGTERM)


def app_server(port: int, args, env, logdir) -> Proc:
    argv = [str(BIN / "gunicorn"), "tryggve.wsgi", "-w", str(args.app_workers),
            "-b", f"{HOST}:{port}", "--timeout", "60"]  # fmt: skip
    return Proc(f"app-{port}", argv, env, logdir)


def rq_worker(n: int, env, logdir) -> Proc:
    argv = [PYTHON, "manage.py", "rqworker", "--job-class", "django_tasks_rq.backend.Job",
            "default"]  # fmt: skip
    return Proc(f"rqworker-{n}", argv, env, logdir)


def wait_http(port: int, timeout: float = 60) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return time.time()
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"app server on {port} did not answer within {timeout} s")


def pg_accepting(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=1) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def pg_cluster(args) -> tuple[str, str]:
    if args.pg_cluster:
        version, _, name = args.pg_cluster.partition("/")
        return version, name or "main"
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1], "main"


def pg_ctl(args, action: str) -> None:
    version, name = pg_cluster(args)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast", version, name, action],
        check=True,
        timeout=120,
    )


def manage_json(env: dict, code: str):
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


SETUP_CODE = """
import json
from tryggve.reports.models import Category
from tryggve.watch.models import WatchArea
areas = []
for a in WatchArea.objects.public():
    if a.accepts_sign_ups and a.street_ranges:
        streets = [[s, int(lo), int(min(hi, lo + 40))] for s, (lo, hi) in a.street_ranges.items()]
        areas.append({"slug": a.slug, "streets": streets})
print(json.dumps({
    "categories": list(Category.objects.filter(active=True).values_list("slug", flat=True)),
    "watch": areas,
}))
"""


# --- the run -------------------------------------------------------------------------------


class Run:
    def __init__(self, args):
        self.args = args
        self.logdir = ROOT / "var" / "bench" / f"reliability-{args.label}"
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.record = self.logdir / "requests.jsonl"
        self.record.write_text("")
        self.events: dict[str, float] = {}
        self.load: list[tuple[float, float]] = []
        self.cron_runs: list[str] = []
        self.env = bench_env(
            args.database_url,
            TASK_BACKEND="rq",
            REDIS_URL=args.redis_url,
            CACHE_URL=args.redis_url,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=HOST,
            EMAIL_PORT=str(args.smtp_port),
            MEDIA_ROOT=args.media_root,
            # Plain http on loopback (nginx ends TLS in production): cookies without Secure.
            SECURE_COOKIES="0",
            # Every simulated visitor comes from 127.0.0.1 and sends at once; the honeypot
            # and the timestamp are still posted and checked.
            PUBLIC_POST_LIMITS="report=10000000/3600,voice=10000000/3600,watch_signup=10000000/3600",
            PUBLIC_FORM_MIN_SECONDS="0",
        )
        self.apps = [app_server(port, args, self.env, self.logdir) for port in args.ports]
        self.workers = [rq_worker(n + 1, self.env, self.logdir) for n in range(args.rq_workers)]

    def prepare(self):
        a = self.args
        if a.create_db:
            create_postgres_db(a.database_url)
        for command in (["migrate", "--no-input", "-v", "0"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], env=self.env, cwd=ROOT, check=True,
                           timeout=1800, stdout=subprocess.DEVNULL)  # fmt: skip
        import redis

        redis.Redis.from_url(a.redis_url).flushdb()
        self.setup = manage_json(self.env, SETUP_CODE)
        log(f"watch areas taking sign-ups: {[w['slug'] for w in self.setup['watch']]}")

    def start(self):
        for proc in [*self.apps, *self.workers]:
            proc.start()
        for port in self.args.ports:
            wait_http(port)
        # Warm-up: each gunicorn worker loads its code, templates and translations.
        for port in self.args.ports:
            for path in ("/rapportera/", "/api/reports.geojson?bbox=19.1,65.5,19.3,65.7"):
                for _ in range(4):
                    urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30).read()

    def component(self, cmdline: str) -> str:
        ports = [str(port) for port in self.args.ports]
        if "gunicorn" in cmdline and any(f":{port}" in cmdline for port in ports):
            return "app servers (gunicorn)"
        if "rqworker" in cmdline:
            return "RQ workers"
        if "locust" in cmdline:
            return "locust (the clients)"
        if cmdline.startswith("postgres:"):
            name = self.args.database_url.rsplit("/", 1)[-1]
            return "PostgreSQL (this database)" if f" {name} " in cmdline else "PostgreSQL (other)"
        if "redis-server" in cmdline:
            return "Redis"
        if "bench/reliability.py" in cmdline:
            return "this script (mail sink)"
        return "other processes (other people's jobs)"

    def sample_load(self, stop: threading.Event):
        """Load average every 5 s, and CPU seconds per component (psutil, every 2 s)."""
        import psutil

        seen: dict[int, float] = {}
        self.cpu: Counter = Counter()
        ticks = 0
        while not stop.wait(2):
            ticks += 1
            if ticks % 5 == 0:
                self.load.append((time.time(), os.getloadavg()[0]))
            for proc in psutil.process_iter(["pid", "cmdline", "cpu_times"]):
                try:
                    times = proc.info["cpu_times"]
                    used = times.user + times.system
                    cmdline = " ".join(proc.info["cmdline"] or [])
                except (psutil.Error, TypeError):
                    continue
                before = seen.get(proc.info["pid"])
                seen[proc.info["pid"]] = used
                if before is not None and used >= before:
                    self.cpu[self.component(cmdline)] += used - before

    def cron(self, stop: threading.Event):
        while not stop.wait(self.args.cron_every):
            self.send_pending()

    def send_pending(self, *extra):
        out = subprocess.run([PYTHON, "manage.py", "send_pending_mail", *extra], env=self.env,
                             cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
        self.cron_runs.append(f"{datetime.now(UTC):%H:%M:%S} rc={out.returncode} "
                              f"{out.stdout.strip()} {out.stderr.strip()[-200:]}")  # fmt: skip

    def locust(self) -> Proc:
        a = self.args
        env = dict(self.env)
        env.update(
            RELIAB_PORTS=",".join(map(str, a.ports)),
            RELIAB_RECORD=str(self.record),
            RELIAB_RUN_ID=a.label,
            RELIAB_CATEGORIES=json.dumps(self.setup["categories"]),
            RELIAB_WATCH=json.dumps(self.setup["watch"]),
            RELIAB_EMAIL_SHARE=str(a.email_share),
        )
        argv = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "reliability_locust.py"),
                "--headless", "-u", str(a.users), "-r", str(a.spawn_rate),
                "--run-time", f"{a.duration}s", "--stop-timeout", "20",
                "--host", f"http://{HOST}:{a.ports[0]}", "--only-summary",
                "--csv", str(self.logdir / "locust"), "--loglevel", "WARNING"]  # fmt: skip
        return Proc("locust", argv, env, self.logdir)

    def faults(self, started: float):
        """The schedule, in this thread; each step waits for its time."""
        a, ev = self.args, self.events
        plan = []
        if not a.no_pg_restart:
            plan.append((a.pg_at, "pg"))
        plan += [(a.app_at, "app"), (a.worker_at, "worker")]
        for at, what in sorted(plan):
            delay = started + at * a.duration - time.time()
            if delay > 0:
                time.sleep(delay)
            if what == "pg":
                log("fault: PostgreSQL goes away")
                self.events["pg_stop"] = time.time()
                if a.pg_down > 0:
                    pg_ctl(a, "stop")
                    self.events["pg_stopped"] = time.time()
                    time.sleep(a.pg_down)
                    pg_ctl(a, "start")
                else:
                    pg_ctl(a, "restart")
                while not pg_accepting(a.database_url):
                    time.sleep(0.05)
                self.events["pg_up"] = time.time()
                log(f"fault: PostgreSQL back after {ev['pg_up'] - ev['pg_stop']:.1f} s")
            elif what == "app":
                log(f"fault: app server {a.ports[-1]} killed")
                self.events["app_kill"] = time.time()
                self.apps[-1].kill()
                time.sleep(a.app_down)
                self.apps[-1].start()
                self.events["app_up"] = wait_http(a.ports[-1])
                log(f"fault: app server back after {ev['app_up'] - ev['app_kill']:.1f} s")
            else:
                log("fault: RQ worker 1 killed")
                self.events["worker_kill"] = time.time()
                self.workers[0].kill()
                time.sleep(a.worker_down)
                self.workers[0].start()
                self.events["worker_up"] = time.time()

    def run(self) -> dict:
        a = self.args
        sink = Sink(a.smtp_port, self.logdir / "mail.jsonl")
        sink.start()
        stop = threading.Event()
        profiler = None
        try:
            self.prepare()
            self.start()
            for name, target in (("load", self.sample_load), ("cron", self.cron)):
                threading.Thread(target=target, args=(stop,), name=name, daemon=True).start()
            locust = self.locust()
            started = time.time()
            self.events["start"] = started
            locust.start()
            log(f"locust: {a.users} users for {a.duration} s; logs in {self.logdir}")
            if a.profile:
                profiler = subprocess.Popen(
                    [str(BIN / "py-spy"), "record", "-o", a.profile, "--subprocesses",
                     "--format", "raw" if a.profile.endswith(".txt") else "flamegraph",
                     "-d", str(min(60, a.duration // 3)), "-p", str(self.apps[0].process.pid)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                )  # fmt: skip
            self.faults(started)
            locust.process.wait(timeout=a.duration + 120)
            self.events["end"] = time.time()
            log("load over; waiting for the outbox to drain")
            stop.set()
            result = self.check(sink)
        finally:
            stop.set()
            for proc in [*self.apps, *self.workers]:
                proc.stop()
            if profiler is not None:
                profiler.wait(timeout=120)
            sink.stop()
        return result

    # --- afterwards --------------------------------------------------------------------

    def drain(self, queue_len) -> dict:
        from tryggve.lib.models import OutgoingMail

        since = datetime.fromtimestamp(self.events["start"] - 5, UTC)
        rows = OutgoingMail.objects.filter(created__gte=since)
        deadline = time.monotonic() + self.args.drain
        last_cron = time.monotonic()
        while time.monotonic() < deadline:
            open_rows = rows.exclude(status__in=["sent", "failed"]).count()
            if open_rows == 0 and queue_len() == 0:
                break
            # The cron job picks up mail whose task was lost (a killed worker); here every
            # 30 s rather than every 5 minutes, so that the run ends.
            if queue_len() == 0 and time.monotonic() - last_cron > 30:
                self.send_pending()
                last_cron = time.monotonic()
            time.sleep(2)
        self.events["drained"] = time.time()
        return {"waited_s": round(self.events["drained"] - self.events["end"], 1)}

    def check(self, sink: Sink) -> dict:
        import redis

        os.environ.update(self.env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tryggve.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.files.storage import default_storage

        from tryggve.lib.models import OutgoingMail
        from tryggve.reports.models import Report, ReportPhoto

        r = redis.Redis.from_url(self.args.redis_url)
        drain = self.drain(lambda: r.llen("rq:queue:default"))
        records = [json.loads(line) for line in self.record.read_text().splitlines() if line]
        requests = [x for x in records if x["kind"] not in ("receipt_ref", "report_lost")]
        receipts = [x for x in records if x["kind"] == "receipt_ref"]
        lost = [x for x in records if x["kind"] == "report_lost"]
        ev = self.events
        result: dict = {
            "label": self.args.label,
            "args": dict(vars(self.args)),
            "events": {k: round(v - ev["start"], 2) for k, v in ev.items()},
            "drain": drain,
            "cron_runs": self.cron_runs,
        }

        # Requests: figures per kind, over the load period.
        wall = max(x["t1"] for x in requests) - ev["start"] if requests else 1
        by_kind: dict[str, list] = defaultdict(list)
        for x in requests:
            by_kind[x["kind"]].append(x)
        result["requests"] = {
            "total": len(requests),
            "per_second": round(len(requests) / wall, 1),
            "statuses": dict(Counter(str(x["status"]) for x in requests)),
            "kinds": {
                kind: {
                    "count": len(xs),
                    "per_second": round(len(xs) / wall, 2),
                    "p50_ms": round(percentile([(x["t1"] - x["t0"]) * 1000 for x in xs], 50), 1),
                    "p95_ms": round(percentile([(x["t1"] - x["t0"]) * 1000 for x in xs], 95), 1),
                    "p99_ms": round(percentile([(x["t1"] - x["t0"]) * 1000 for x in xs], 99), 1),
                    "errors": dict(
                        Counter(str(x["status"]) for x in xs if x["status"] not in SUCCESS)
                    ),
                }
                for kind, xs in sorted(by_kind.items())
            },
        }
        # CPU seconds per component while the load ran (processes that lived under 2 s,
        # such as RQ's work horses, are missed), as a share of both cores.
        cores = os.cpu_count() or 1
        result["cpu_share_of_machine"] = {
            name: round(seconds / (wall * cores), 3)
            for name, seconds in sorted(getattr(self, "cpu", {}).items(), key=lambda x: -x[1])
        }
        loads = [v for t, v in self.load if ev["start"] <= t <= ev["end"]]
        result["load_average_1m"] = {
            "mean": round(sum(loads) / len(loads), 2) if loads else None,
            "max": max(loads) if loads else None,
        }

        # Reports: every receipt once in the database, with its photo; nothing filed twice.
        references = [x["reference"] for x in receipts if x["reference"]]
        keys = [x["key"] for x in receipts if x["reference"]]
        in_db = Counter(
            Report.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        photos = defaultdict(list)
        for ref, name in ReportPhoto.objects.filter(report__reference__in=references).values_list(
            "report__reference", "image"
        ):
            photos[ref].append(name)
        missing_photo = [
            ref for ref in references
            if not photos[ref] or not all(default_storage.exists(n) for n in photos[ref])
        ]  # fmt: skip
        marker = f"Tillförlitlighetstest {self.args.label} nr "
        filed = Counter(
            d.split(":", 1)[0]
            for d in Report.objects.filter(description__startswith=marker).values_list(
                "description", flat=True
            )
        )
        key_reports = Counter(
            Report.objects.filter(submission_key__in=keys).values_list("reference", flat=True)
        )
        result["reports"] = {
            "receipts": len(references),
            "receipt_pages_without_reference": len(receipts) - len(references),
            "lost_without_receipt": len(lost),
            "filed_in_db": sum(filed.values()),
            # Filed, but the resident saw no receipt (the answer was lost and not retried).
            "filed_without_receipt": max(0, len(filed) - len(references)),
            "receipt_not_in_db": [ref for ref in references if in_db[ref] == 0],
            "receipt_in_db_twice": [ref for ref in references if in_db[ref] > 1],
            "same_report_filed_twice": [k for k, n in filed.items() if n > 1],
            "receipts_with_key_in_db": len(key_reports),
            "missing_photo": missing_photo,
        }
        rep = result["reports"]

        # Mail: each row sent once and the sink got it once.
        since = datetime.fromtimestamp(ev["start"] - 5, UTC)
        rows = list(
            OutgoingMail.objects.filter(created__gte=since).values("to", "subject", "status")
        )
        for m in rows:
            m["subject"] = " ".join(m["subject"].split())
        sent_rows = Counter((m["to"], m["subject"]) for m in rows if m["status"] == "sent")
        received = Counter((m["to"], m["subject"]) for m in sink.messages)
        all_rows = Counter((m["to"], m["subject"]) for m in rows)
        row_keys = set(all_rows)
        result["mail"] = {
            "queued": len(rows),
            "statuses": dict(Counter(m["status"] for m in rows)),
            "received_by_sink": sum(received[k] for k in row_keys),
            "received_twice": sum(1 for k in row_keys if received[k] > all_rows[k]),
            # Went out, but the row does not say so: it would go out again after its lease.
            "received_but_not_recorded": sum(
                1 for k in row_keys if sent_rows[k] < received[k] <= all_rows[k]
            ),
            "sent_not_received": sum(1 for k in row_keys if received[k] < sent_rows[k]),
            "not_sent": sum(1 for m in rows if m["status"] != "sent"),
            "sink_unmatched": sum(n for k, n in received.items() if k not in row_keys),
        }
        mail = result["mail"]

        # Faults: what clients saw while PostgreSQL was away, and how soon it was back.
        outage = {}
        if "pg_up" in ev:
            during = [x for x in requests if ev["pg_stop"] <= x["t0"] <= ev["pg_up"]]
            after = sorted((x for x in requests if x["t0"] >= ev["pg_up"]), key=lambda x: x["t1"])
            first_ok = next((x for x in after if x["status"] in SUCCESS), None)
            # Answers the database's absence caused (5xx), until the next fault begins.
            until = min(ev["pg_up"] + 60, ev.get("app_kill", math.inf))
            bad_after = [x for x in after if x["status"] in (500, 502, 503, 504)
                         and x["t0"] < until]  # fmt: skip
            last_bad = max((x["t1"] for x in bad_after), default=ev["pg_up"])
            outage = {
                "pg_down_s": round(ev["pg_up"] - ev["pg_stop"], 2),
                "statuses": dict(Counter(str(x["status"]) for x in during)),
                "503_without_retry_after": sum(
                    1 for x in during if x["status"] == 503 and not x.get("retry_after")
                ),
                "other_errors": sum(
                    1 for x in during if x["status"] not in SUCCESS and x["status"] != 503
                ),
                "first_success_after_up_s": round(first_ok["t1"] - ev["pg_up"], 2)
                if first_ok
                else None,
                "last_error_after_up_s": round(last_bad - ev["pg_up"], 2),
            }
            outage["recovery_s"] = max(
                outage["first_success_after_up_s"] or math.inf, outage["last_error_after_up_s"]
            )
        result["pg_outage"] = outage
        if "app_kill" in ev:
            window = [x for x in requests if ev["app_kill"] <= x["t0"] <= ev["app_up"] + 5]
            result["app_kill"] = {"statuses": dict(Counter(str(x["status"]) for x in window))}

        fivehundreds = result["requests"]["statuses"].get("500", 0)
        checks = {
            "load_served": rep["receipts"] > 0 and result["requests"]["statuses"].get("200", 0) > 0,
            "receipts_in_db_once": not rep["receipt_not_in_db"] and not rep["receipt_in_db_twice"],
            "no_report_filed_twice": not rep["same_report_filed_twice"],
            "photos_present": not rep["missing_photo"],
            "mail_sent_exactly_once": mail["received_twice"] == 0
            and mail["sent_not_received"] == 0
            and mail["not_sent"] == 0,
            "no_500": fivehundreds == 0,
        }
        if outage:
            checks["outage_503_with_retry_after"] = (
                outage["503_without_retry_after"] == 0 and outage["other_errors"] == 0
            )
            checks["recovery_within_5s"] = outage["recovery_s"] <= RECOVERY_LIMIT_S
        result["checks"] = checks
        result["passed"] = all(checks.values())
        return result


def main(argv=None) -> int:
    args = parse_args(argv)
    if not args.no_pg_restart:
        log("PostgreSQL WILL be stopped and started during the run (--no-pg-restart to skip)")
    result = Run(args).run()
    out = ROOT / "var" / "bench" / "results" / f"reliability-{args.label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    keys = ("requests", "load_average_1m", "cpu_share_of_machine", "reports", "mail",
            "pg_outage", "checks", "passed")  # fmt: skip
    summary = {k: result[k] for k in keys}
    summary["app_kill"] = result.get("app_kill")
    summary["events"] = result["events"]
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    log(f"written {out}")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
