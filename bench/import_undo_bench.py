"""Time a staff upload and its undo: the write lock each holds, and the linking of the
police feed's events to the file's rows (one event, two records).

    .venv/bin/python bench/import_undo_bench.py --rows 25000 --feed 3000
    .venv/bin/python bench/import_undo_bench.py --rows 100000 --feed 3000 --create-db \
        --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench_undo

Its own database (default a SQLite file under /tmp/tryggve-bench), migrated, with the demo.
Seeds `--feed` police feed events (burglaries and vandalism at the municipality's centre,
spread over the last year), writes a CSV file of `--rows` rows of the same two groups over
the same year at residents' positions, uploads it as a case handler would
(`incident_import_upload`, `incident_import_start`) and runs the import in this process
(`incident_import_run`), timing the saving transaction (`services._write`, where SQLite's
write lock is held) and, inside it, `incidents_link_same`. Then times the undo
(`incident_import_undo`, one transaction throughout).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PointSampler, django_setup, fresh_database, manage  # noqa: E402

DEFAULT_URL = "sqlite:////tmp/tryggve-bench/undo.sqlite3"
CENTRE = (65.5917, 19.1800)
TYPES = {"Inbrott i villa": "residential_burglary", "Skadegörelse": "vandalism"}


class Timer:
    """Wraps a module function and adds up the seconds spent in it."""

    def __init__(self, module, name: str):
        self.seconds, self.calls = 0.0, 0
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(module, name, timed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--feed", type=int, default=3_000)
    parser.add_argument("--create-db", action="store_true", help="drop and create it first")
    args = parser.parse_args()
    if args.create_db or args.database_url == DEFAULT_URL:
        fresh_database(args.database_url)
    manage(args.database_url, "migrate", "-v0")
    manage(args.database_url, "load_demo")
    django_setup(args.database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tryggve.analytics import services
    from tryggve.analytics.models import Incident, IncidentSource
    from tryggve.analytics.uploads import incident_import_start, incident_import_upload
    from tryggve.areas.models import Municipality

    settings.INCIDENT_IMPORT_MAX_BYTES = 10**9  # the bench measures what the limit is for
    rng = random.Random(2505)
    now = timezone.now()
    Incident.objects.filter(incident_import__isnull=False).delete()
    Incident.objects.bulk_create(
        [
            Incident(
                source=IncidentSource.POLICE_FEED, external_id=f"bench-feed-{n}",
                occurred_at=now - timedelta(minutes=rng.randrange(365 * 24 * 60)),
                offence_group=rng.choice(list(TYPES.values())), lat=CENTRE[0], lon=CENTRE[1],
                municipality_code="2505", municipality_name="Arvidsjaur",
            )
            for n in range(args.feed)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    sampler = PointSampler(2505)
    lines = ["Ärende;Datum;Brottstyp;Latitud;Longitud"]
    for n in range(args.rows):
        lat, lon = sampler.sample()
        when = timezone.localtime(now - timedelta(minutes=rng.randrange(365 * 24 * 60)))
        kind = rng.choice(list(TYPES))
        lines.append(f"B-{n};{when:%Y-%m-%d %H:%M};{kind};{lat:.6f};{lon:.6f}")
    data = ("\n".join(lines) + "\n").encode()
    user = get_user_model().objects.get(username="handlaggare")
    municipality = Municipality.objects.get(code="2505")
    upload = incident_import_upload(
        municipality=municipality, uploaded_by=user, file_name="bench.csv", data=data
    )
    mapping = {"time": "Datum", "type": "Brottstyp", "lat": "Latitud", "lon": "Longitud",
               "id": "Ärende"}
    incident_import_start(incident_import=upload, mapping=mapping)
    write, link = Timer(services, "_write"), Timer(services, "incidents_link_same")
    started = time.perf_counter()
    done = services.incident_import_run(import_id=upload.pk)
    whole = time.perf_counter() - started
    linked = Incident.objects.filter(same_as__incident_import=done).count()
    print(f"{args.rows} rows ({len(data) / 1e6:.1f} MB), {args.feed} feed events, "
          f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[1]}")
    print(f"import: {done.status}, {done.imported} imported, {done.rejected} rejected; "
          f"whole {whole:.1f} s, saving transaction {write.seconds:.2f} s, of which "
          f"linking {link.seconds:.2f} s ({linked} feed events linked)")
    link.seconds = 0.0
    started = time.perf_counter()
    removed = services.incident_import_undo(incident_import=done, user=user)
    undo = time.perf_counter() - started
    left = Incident.objects.filter(same_as__isnull=False).count()
    print(f"undo: {removed} removed in {undo:.2f} s (one transaction), of which re-linking "
          f"{link.seconds:.2f} s; feed events still linked: {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
