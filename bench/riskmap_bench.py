"""Time the risk map with many incidents: fetch from the database, reproject, forecast.

    .venv/bin/python bench/riskmap_bench.py --create-db --count 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench_risk

Seeds N precise residential burglaries (distributed like the demo's residents, spread over
five years) into its own database, then times `risk_cells` (the staff risk map's work: one
query, whole-array reprojection, the forecast over 250 m cells) a few times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PointSampler, django_setup, fresh_database, manage  # noqa: E402


def seed(count: int, seed_value: int) -> None:
    from django.utils import timezone

    from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup

    if Incident.objects.count() >= count:
        return
    Incident.objects.all().delete()
    sampler = PointSampler(seed_value)
    now = timezone.now()
    batch = []
    for n in range(count):
        lat, lon = sampler.sample()
        batch.append(Incident(
            source=IncidentSource.CSV, external_id=f"bench-{n}", precise=True, lat=lat, lon=lon,
            occurred_at=now - timedelta(days=sampler.rng.uniform(0, 5 * 365)),
            offence_group=OffenceGroup.RESIDENTIAL_BURGLARY, municipality_code="2505",
        ))
        if len(batch) == 10_000:
            Incident.objects.bulk_create(batch)
            batch = []
    Incident.objects.bulk_create(batch)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--create-db", action="store_true")
    args = parser.parse_args()
    if args.create_db:
        fresh_database(args.database_url)
    manage(args.database_url, "migrate", "-v0")
    manage(args.database_url, "load_demo")
    django_setup(args.database_url)
    from tryggve.analytics.models import Incident, OffenceGroup
    from tryggve.analytics.riskmap import risk_cells

    started = time.perf_counter()
    seed(args.count, 2505)
    print(f"seeded {Incident.objects.count()} incidents in {time.perf_counter() - started:.1f} s")
    # What autovacuum does within minutes of a large import: without statistics the planner
    # guesses one row and walks the time index through the whole table (2.4 s instead of 0.4).
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE analytics_incident")
    from tryggve.analytics.riskmap import incident_points, scoped_rows

    loads = []
    for _ in range(args.runs):
        _areas, incidents = scoped_rows(OffenceGroup.RESIDENTIAL_BURGLARY, None)
        started = time.perf_counter()
        points = incident_points(incidents)
        loads.append(time.perf_counter() - started)
    print(f"incident_points: {len(points)} rows, runs {', '.join(f'{t:.2f}' for t in loads)} s")
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        cells = risk_cells(group=OffenceGroup.RESIDENTIAL_BURGLARY)
        times.append(time.perf_counter() - started)
    print(f"risk_cells: {len(cells)} cells, runs {', '.join(f'{t:.2f}' for t in times)} s, "
          f"median {statistics.median(times):.2f} s")
    # The page reads the cache warm_riskmap fills after each import: time a warm read (the
    # data-version query and the cache) and, once, the cold miss that fills it.
    from tryggve.analytics.riskmap import risk_cells_cached

    started = time.perf_counter()
    risk_cells_cached(group=OffenceGroup.RESIDENTIAL_BURGLARY)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(args.runs):
        started = time.perf_counter()
        risk_cells_cached(group=OffenceGroup.RESIDENTIAL_BURGLARY)
        warm.append(time.perf_counter() - started)
    runs = ", ".join(f"{t:.3f}" for t in warm)
    print(f"risk_cells_cached: cold {cold:.2f} s, warm runs {runs} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
