"""Seed a benchmark database with N reports spread over the Arvidsjaur demo geography.

    .venv/bin/python bench/seed.py --database-url sqlite:////tmp/tryggve-bench/100k.sqlite3 \
        --count 100000
    .venv/bin/python bench/seed.py --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench \
        --count 1000000 --create-db

Migrates the database, loads the demo geography (manage.py load_demo) and then bulk-inserts
the reports: COPY on PostgreSQL, executemany in batches on SQLite. Refuses a database that
already holds more than the demo's reports unless --reset is given.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from _common import PointSampler, django_setup, manage

BATCH = 20_000
STATUSES = [  # (status, weight among all reports); published mostly once handled
    ("received", 0.15),
    ("under_review", 0.10),
    ("forwarded", 0.10),
    ("planned", 0.10),
    ("resolved", 0.45),
    ("not_actionable", 0.07),
    ("duplicate", 0.03),
]
TEXTS = [
    "Trasig gatlampa vid gångtunneln, mörkt på kvällen.",
    "Igenvuxna buskar längs cykelvägen skymmer sikten.",
    "Dold passage mellan garagen.",
    "Sönderslagen busskur med glas på marken.",
    "Skräp och flaskor vid badplatsen efter helger.",
    "Mörkt övergångsställe där bilar kör fort.",
    "Obehaglig stämning på parkeringen sena kvällar.",
]


def create_postgres_db(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def rows(
    count: int,
    categories: list[int],
    seed: int,
    years: float,
    municipality: int | None,
    part: tuple[int, int] = (0, 1),
    now: datetime | None = None,
):
    """Yield report rows, oldest first, as reports arrive in real life (ids follow time).

    part (j, n): only the j-th of n equal slices of the count, with its own random stream
    (--jobs), so several processes can generate and COPY at once."""
    j, n = part
    sampler = PointSampler(seed if n == 1 else seed * 1000 + j)
    rng = sampler.rng
    now = now or datetime.now(UTC)
    start = now - timedelta(days=365 * years)
    span = (now - start).total_seconds()
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    for i in range(j * count // n, (j + 1) * count // n):
        created = start + timedelta(seconds=span * i / count + rng.random())
        status = rng.choices(statuses, weights)[0]
        # Staff publish most handled reports; new ones wait for review.
        published = status != "received" and rng.random() < 0.8
        positioned = rng.random() < 0.95
        lat, lon = sampler.sample() if positioned else (None, None)
        text = TEXTS[i % len(TEXTS)]
        closed = created + timedelta(days=20) if status in ("resolved", "not_actionable") else None
        yield (
            f"BEN-{i:08d}",
            # Unique like a hash, but rising: random keys make the unique index's inserts
            # random too, and COPY slowed to a crawl past a few million rows.
            f"{seed:08x}{i:056x}",
            rng.choice(categories),
            status,
            lat,
            lon,
            "" if positioned else "Vid gamla affären",
            rng.choice(["day", "evening", "night", "always"]),
            rng.randint(1, 4),
            text,
            published,
            text if published else "",
            "sv",
            rng.choice([0, 0, 0, 1, 2, 5]),
            created,
            created,
            closed,
            municipality,
        )


COLUMNS = [
    "reference",
    "tracking_token_hash",
    "category_id",
    "status",
    "lat",
    "lon",
    "place_description",
    "time_of_day",
    "severity",
    "description",
    "published",
    "public_text",
    "language",
    "voice_count",
    "created",
    "updated",
    "closed",
    "municipality_id",
]
# Blank text columns the form leaves empty.
BLANKS = ["contact_name", "contact_email", "contact_phone", "client"]


def drop_plain_indexes(cursor, table: str) -> list[str]:
    """PostgreSQL: drop the table's indexes that back no constraint (inside the seed's
    transaction) and return their definitions, to create them again after COPY."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _row_context():
    from django.conf import settings

    from tryggve.areas.models import Municipality
    from tryggve.reports.models import Category, Report

    # Every report is placed in the default municipality (Arvidsjaur), as the form does,
    # under its categories (not also the demo's Arjeplog ones: the map would look up
    # those names in an extra query on every answer).
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    categories = list(
        Category.objects.for_code(settings.MUNICIPALITY_CODE).values_list("pk", flat=True)
    )
    return Report._meta.db_table, categories, home.pk if home else None


def copy_part(count: int, seed: int, years: float, part: tuple[int, int], now: datetime) -> None:
    """PostgreSQL, one of --jobs processes: COPY its slice in its own transaction."""
    from django.db import connection, transaction

    table, categories, municipality = _row_context()
    columns = COLUMNS + BLANKS
    started = time.monotonic()
    done = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows(count, categories, seed, years, municipality, part, now):
            copy.write_row((*row, *[""] * len(BLANKS)))
            done += 1
            if done % 500_000 == 0:
                print(
                    f"  part {part[0]}: {done:>9} rows, {time.monotonic() - started:.0f} s",
                    flush=True,
                )


def insert_parallel(url: str, count: int, seed: int, years: float, jobs: int) -> None:
    """PostgreSQL: drop the plain indexes, COPY in `jobs` processes, rebuild, analyze."""
    import subprocess

    from django.db import connection, transaction

    from tryggve.reports.models import Report

    table = Report._meta.db_table
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        rebuild = drop_plain_indexes(cursor, table)
    now = datetime.now(UTC).isoformat()
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--database-url", url, "--count", str(count),
             "--seed", str(seed), "--years", str(years), "--part", f"{j}/{jobs}",
             "--now", now]
        )
        for j in range(jobs)
    ]
    failed = [c.args for c in children if c.wait() != 0]
    if failed:
        raise RuntimeError(f"a COPY process failed: {failed}")
    print(f"Inserted {count} reports in {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for definition in rebuild:
            cursor.execute(definition)
        print(f"  rebuilt {len(rebuild)} indexes in {time.monotonic() - started:.0f} s",
              flush=True)
        cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"Indexed and analyzed in {time.monotonic() - started:.1f} s", flush=True)


def insert(count: int, seed: int, years: float) -> None:
    from django.db import connection, transaction

    table, categories, municipality = _row_context()
    columns = COLUMNS + BLANKS
    started = time.monotonic()
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rebuild = drop_plain_indexes(cursor, table)
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows(count, categories, seed, years, municipality):
                    copy.write_row((*row, *[""] * len(BLANKS)))
                    done += 1
                    if done % 100_000 == 0:
                        print(f"  {done:>9} rows, {time.monotonic() - started:.0f} s", flush=True)
            started_index = time.monotonic()
            # Sorting each index once is much faster than millions of inserts into it.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in rebuild:
                cursor.execute(definition)
            print(
                f"  rebuilt {len(rebuild)} indexes in {time.monotonic() - started_index:.0f} s",
                flush=True,
            )
        else:
            markers = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({markers})"  # noqa: S608
            # Store datetimes the way Django does on SQLite (naive UTC text).
            adapt = connection.ops.adapt_datetimefield_value
            batch = []
            for row in rows(count, categories, seed, years, municipality):
                *head, created, updated, closed, home_pk = row
                batch.append(
                    (
                        *head, adapt(created), adapt(updated), adapt(closed), home_pk,
                        *[""] * len(BLANKS),
                    )
                )
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    done += len(batch)
                    batch = []
                    if done % 100_000 == 0:
                        print(f"  {done:>9} rows, {time.monotonic() - started:.0f} s", flush=True)
            if batch:
                cursor.executemany(sql, batch)
                done += len(batch)
    print(f"Inserted {done} reports in {time.monotonic() - started:.1f} s", flush=True)
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM sets the visibility map too; it cannot run inside a transaction.
            cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
    print(f"Analyzed in {time.monotonic() - started:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2505)
    parser.add_argument("--years", type=float, default=5.0, help="spread of created dates")
    parser.add_argument("--create-db", action="store_true", help="CREATE DATABASE on PostgreSQL")
    parser.add_argument("--reset", action="store_true", help="delete existing reports first")
    parser.add_argument(
        "--jobs", type=int, default=1, help="PostgreSQL: generate and COPY in this many processes"
    )
    # Internal: one --jobs process's slice ("j/n") and the common "now".
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 0 < args.count <= 10_000_000:
        parser.error("--count must be between 1 and 10,000,000")
    if not 1 <= args.jobs <= 8:
        parser.error("--jobs must be between 1 and 8")
    if args.part:
        django_setup(args.database_url)
        j, n = (int(v) for v in args.part.split("/"))
        copy_part(args.count, args.seed, args.years, (j, n), datetime.fromisoformat(args.now))
        return 0

    url = args.database_url
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    elif args.create_db:
        create_postgres_db(url)
    manage(url, "migrate", "--verbosity", "0")
    manage(url, "load_demo")
    django_setup(url)

    from tryggve.reports.models import Report

    existing = Report.objects.count()
    if existing > 100:
        if not args.reset:
            print(f"{existing} reports already there; use --reset to replace them.")
            return 1
        from django.db import connection

        table = Report._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE reference LIKE 'BEN-%%'")  # noqa: S608
            print(f"Deleted {cursor.rowcount} benchmark reports from {table}")
    if args.jobs > 1 and not url.startswith("sqlite"):
        insert_parallel(url, args.count, args.seed, args.years, args.jobs)
    else:
        insert(args.count, args.seed, args.years)
    total = Report.objects.count()
    published = Report.objects.filter(published=True, lat__isnull=False).count()
    print(f"Database now holds {total} reports, {published} published with a position.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
