"""Time the map query in-process (no HTTP): the id selection alone and the whole answer.

    .venv/bin/python bench/query_times.py --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench_1m

Uses the same bbox mix as run.py, so the HTTP figures can be split into database time and
the rest (rendering 500 features, JSON, gunicorn, the client).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from urllib.parse import parse_qsl, urlsplit

from _common import django_setup
from run import geojson_requests, percentile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--whole-only",
        action="store_true",
        help="skip timing the bounded steps alone (slow at 10 M; PostgreSQL uses the grid)",
    )
    parser.add_argument(
        "--through-django",
        action="store_true",
        help="time each answer through Django's whole stack (test client: middleware, view,"
        " response) with routing on, instead of the map query alone",
    )
    args = parser.parse_args()
    if not 0 < args.requests <= 20_000:
        parser.error("--requests must be between 1 and 20,000")
    if args.through_django:
        # As run.py --routing: several municipalities, so each answer is scoped.
        os.environ["MUNICIPALITY_ROUTING"] = "1"
    django_setup(args.database_url)
    from django.conf import settings

    from tryggve.reports import geojson
    from tryggve.reports.models import Category

    categories = list(Category.objects.filter(active=True).values_list("slug", flat=True))
    ids_by_slug = dict(Category.objects.values_list("slug", "pk"))
    jobs = geojson_requests(args.requests, args.seed, categories)
    id_ms, all_ms = {}, {}
    if args.through_django:
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        for _kind, path in jobs[:20]:  # warm caches (routing table, templates, translations)
            client.get(path)
    for kind, path in jobs:
        query = geojson.parse_query(dict(parse_qsl(urlsplit(path).query)))
        started = time.perf_counter()
        if args.through_django:
            middle = started
            assert client.get(path).status_code == 200, path
            ended = time.perf_counter()
            id_ms.setdefault(kind.split(" +")[0], []).append(0.0)
            all_ms.setdefault(kind.split(" +")[0], []).append((ended - middle) * 1000)
            continue
        if not args.whole_only:
            geojson._report_ids(
                query, ids_by_slug.get(query.category), settings.GEOJSON_MAX_FEATURES + 1
            )
        middle = time.perf_counter()
        geojson.map_answer(query)
        ended = time.perf_counter()
        id_ms.setdefault(kind.split(" +")[0], []).append((middle - started) * 1000)
        all_ms.setdefault(kind.split(" +")[0], []).append((ended - middle) * 1000)
    print(f"{'kind':22} {'n':>5} {'ids p50':>8} {'ids p95':>8} {'all p50':>8} {'all p95':>8}")
    for kind in sorted(id_ms) + ["ALL"]:
        ids = sum(id_ms.values(), []) if kind == "ALL" else id_ms[kind]
        whole = sum(all_ms.values(), []) if kind == "ALL" else all_ms[kind]
        print(
            f"{kind:22} {len(ids):>5} {percentile(ids, 50):>8.1f} {percentile(ids, 95):>8.1f} "
            f"{percentile(whole, 50):>8.1f} {percentile(whole, 95):>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
