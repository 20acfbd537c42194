"""Where a report submission's time goes: the benchmark's flow in-process, queries counted.

    .venv/bin/python bench/flow_profile.py \
        --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench --flows 50 --profile

Runs `--flows` submissions as `bench/run.py` does (a new visitor GETs /rapportera/, POSTs a
fresh submission_key and a position drawn like the seed, 5 % with a 1600x1200 JPEG, and
confirms with confirm_new when the form shows open reports nearby), but through Django's
test client in this process, with CSRF checks on. For each kind of request it prints the
number of queries, the time in SQL and in total, and the statements that repeat within one
request; with `--profile` also cProfile's top functions. The reports it files (and their
history rows and photos) are deleted again at the end, so the database is as it was.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict

from _common import PointSampler, django_setup

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP_RE = re.compile(r'name="form_started" value="([^"]+)"')
CATEGORY_RE = re.compile(r'name="category" value="(\d+)"')
LITERAL_RE = re.compile(r"'[^']*'|\b\d+(\.\d+)?\b")


def shape_of(sql: str) -> str:
    """A statement with its literals replaced, to see the same query asked twice."""
    return LITERAL_RE.sub("?", sql)[:160]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--flows", type=int, default=50)
    parser.add_argument("--photo-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=44)
    parser.add_argument("--profile", action="store_true", help="cProfile the flows")
    parser.add_argument("--show-sql", action="store_true", help="print one flow's statements")
    args = parser.parse_args()
    if not 0 < args.flows <= 1000:
        parser.error("--flows must be between 1 and 1,000")

    import os

    os.environ.update(PUBLIC_POST_LIMITS="report=100000/3600,voice=100000/3600")
    os.environ.update(PUBLIC_FORM_MIN_SECONDS="0")
    django_setup(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from run import multipart, photo_bytes

    from tryggve.reports.models import Report

    sampler = PointSampler(args.seed)
    photo = photo_bytes()
    first_id = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    # Per kind of request: (queries, SQL ms, total ms, statements asked more than once).
    stats: dict[str, list[tuple[int, float, float, Counter]]] = defaultdict(list)
    shown_sql = not args.show_sql
    profiler = cProfile.Profile() if args.profile else None

    def timed(kind: str, call, *args, **kwargs):
        nonlocal shown_sql
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            if profiler:
                profiler.enable()
            response = call(*args, **kwargs)
            if profiler:
                profiler.disable()
            elapsed = (time.perf_counter() - t0) * 1000
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        shapes = Counter(shape_of(q["sql"]) for q in queries.captured_queries)
        repeated = Counter({shape: n for shape, n in shapes.items() if n > 1})
        stats[kind].append((len(queries), sql_ms, elapsed, repeated))
        if not shown_sql:
            print(f"--- {kind}: {len(queries)} queries")
            for q in queries.captured_queries:
                print(f"  {q['time']:>6} {q['sql'][:220]}")
        return response

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.get("/rapportera/")  # loads the middleware once, as a server process does
    started = time.perf_counter()
    ok = 0
    for index in range(args.flows):
        lat, lon = sampler.sample()
        with_photo = sampler.rng.random() < args.photo_share
        client.cookies.clear()  # a new visitor each time
        page = timed("GET form", client.get, "/rapportera/").content.decode()
        fields = [
            ("csrfmiddlewaretoken", CSRF_RE.search(page).group(1)),
            ("form_started", STAMP_RE.search(page).group(1)),
            ("ovrigt_falt", ""),
            ("submission_key", str(uuid.uuid4())),
            ("lat", str(lat)),
            ("lon", str(lon)),
            ("category", CATEGORY_RE.findall(page)[index % 7]),
            ("time_of_day", "evening"),
            ("severity", "3"),
            ("description", f"Profil {index}: mörkt och obehagligt på kvällen."),
        ]
        files = [("photos", "bild.jpg", photo)] if with_photo else []
        for extra in ([], [("confirm_new", "1")]):
            body, ctype = multipart(fields + extra, files if not extra else [])
            kind = "POST confirm" if extra else ("POST photo" if with_photo else "POST")
            response = timed(kind, client.post, "/rapportera/", body, content_type=ctype)
            if response.status_code == 302:
                ok += 1
                break
            if b'name="agree_with"' not in response.content:
                print(f"flow {index}: {response.status_code}", file=sys.stderr)
                break
            stats["(POST that showed nearby reports)"].append(stats[kind].pop())
        shown_sql = True
    wall = time.perf_counter() - started

    print(f"{ok}/{args.flows} flows saved in {wall:.1f} s ({ok / wall:.1f} flows/s in-process)")
    # Means of the queries and of the time Django's cursor measured; the median wall time.
    print(f"{'request':<34} {'n':>4} {'queries':>8} {'SQL ms':>7} {'total ms':>9}")
    for kind, rows in stats.items():
        if rows:
            print(
                f"{kind:<34} {len(rows):>4} {statistics.mean(r[0] for r in rows):>8.1f} "
                f"{statistics.mean(r[1] for r in rows):>7.1f} "
                f"{statistics.median(r[2] for r in rows):>9.1f}"
            )
    for kind, rows in stats.items():
        repeats = sum((r[3] for r in rows), Counter())
        for shape, n in repeats.most_common(5):
            print(f"repeated in {kind}: {n / len(rows):.1f}x per request: {shape}")
    if profiler:
        out = io.StringIO()
        profile = pstats.Stats(profiler, stream=out)
        profile.sort_stats("cumulative").print_stats(r"tryggve|template|forms|sessions|db/", 60)
        profile.sort_stats("tottime").print_stats(30)
        print(out.getvalue())

    new = Report.objects.filter(id__gte=first_id)
    print(f"deleting the {new.count()} reports filed here: {new.delete()[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
