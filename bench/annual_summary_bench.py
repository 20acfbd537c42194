"""Time the annual summary (PDF and DOCX) for a year with many reports.

    .venv/bin/python bench/annual_summary_bench.py --seed \
        --database-url sqlite:////tmp/tryggve-bench/summary.sqlite3 --count 10000

--seed first fills the database with bench/seed.py (the demo, its promise, and --count
reports spread over the last year); then `render_summary` runs --runs times per format and
the median and worst wall-clock times are printed. Not a test: the goal (under 10 s) is read
from the output and written up in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, django_setup  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", action="store_true", help="seed the database first")
    args = parser.parse_args()
    if args.seed:
        subprocess.run(
            [
                str(PYTHON),
                str(ROOT / "bench" / "seed.py"),
                "--database-url",
                args.database_url,
                "--count",
                str(args.count),
                "--years",
                "1",
                "--reset",
            ],
            check=True,
            timeout=1800,
        )
    django_setup(args.database_url)
    from django.utils import timezone

    from tryggve.areas.selectors import home_municipality
    from tryggve.followup.documents import FORMATS, render_summary
    from tryggve.followup.summary import promise_for_year
    from tryggve.reports.models import Report

    today = timezone.localdate()
    promise = promise_for_year(home_municipality(), today.year)
    if promise is None:
        print("no promise for this year: run with --seed (the demo has one)", file=sys.stderr)
        return 1
    year_reports = Report.objects.filter(created__year=today.year).count()
    print(f"reports this year: {year_reports}")
    for fmt in FORMATS:
        times, cpu, size = [], [], 0
        for _ in range(args.runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            size = len(render_summary(promise=promise, year=today.year, today=today, fmt=fmt))
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        # The CPU time this process used: on a shared machine the wall clock also counts the
        # time other processes had the cores, the CPU time does not (the database is SQLite,
        # in this process; PostgreSQL's share would not be counted).
        print(
            f"{fmt}: median {statistics.median(times):.2f} s, worst {max(times):.2f} s, "
            f"CPU median {statistics.median(cpu):.2f} s, worst {max(cpu):.2f} s, "
            f"{size // 1024} KiB ({args.runs} runs)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
