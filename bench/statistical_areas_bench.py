"""Time importing SCB's statistical areas for a whole municipality (import_statistical_areas).

    .venv/bin/python bench/statistical_areas_bench.py \
        --database-url sqlite:////tmp/tryggve-bench/deso.sqlite3 --count 1000 --vertices 400
    .venv/bin/python bench/statistical_areas_bench.py --create-db \
        --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench_deso --label deso-pg

In its own database (migrate, then Arvidsjaur's boundary): writes a GeoPackage of --count
synthetic DeSO in SWEREF 99 TM (irregular rings of --vertices points each, 600 m across,
on a grid around Arvidsjaur, GeoPackage binary with an envelope, little-endian) and SCB-like
CSV tables of households (per household type) and population (five-year bands, men and
women), then runs the management command --runs times: the first run creates the areas,
the others update them. Prints seconds per run and writes var/bench/results/<label>.json.
The data is synthetic; nothing is read from outside the repository or the network.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MUNICIPALITY_GEOJSON, ROOT, django_setup, manage  # noqa: E402

CENTRE_E, CENTRE_N = 692_600.0, 7_280_600.0


def ring(rng: random.Random, cx: float, cy: float, vertices: int):
    from shapely.geometry import Polygon

    points = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        radius = 300 * (0.85 + 0.15 * rng.random())
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return Polygon(points)


def write_files(folder: Path, count: int, vertices: int, seed: int) -> tuple[Path, Path, Path]:
    from tryggve.areas.tests.gpkg import write_gpkg

    rng = random.Random(seed)
    side = math.ceil(math.sqrt(count))
    codes = [f"2505C{i:04d}" for i in range(count)]
    rows = []
    for i, code in enumerate(codes):
        cx = CENTRE_E + (i % side - side / 2) * 700
        cy = CENTRE_N + (i // side - side / 2) * 700
        rows.append(
            {
                "desokod": code,
                "kommunkod": "2505",
                "kommunnamn": "Arvidsjaur",
                "geom": ring(rng, cx, cy, vertices),
            }
        )
    gpkg = write_gpkg(folder / "DeSO_bench.gpkg", rows)
    kinds = [
        "ensamstående utan barn",
        "ensamstående med barn",
        "sammanboende utan barn",
        "sammanboende med barn",
        "övriga hushåll",
    ]
    lines = ['"region";"hushållstyp";"2024"']
    for code in codes:
        lines += [f'"{code} Arvidsjaur";"{kind}";"{rng.randint(20, 200)}"' for kind in kinds]
    households = folder / "hushall.csv"
    households.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    lines = ['"region","ålder","kön","2024"']
    for code in codes:
        for low in range(0, 100, 5):
            for gender in ("män", "kvinnor"):
                lines.append(
                    f'"{code} Arvidsjaur","{low}-{low + 4} år","{gender}",{rng.randint(5, 60)}'
                )
    population = folder / "folkmangd.csv"
    population.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(gpkg), households, population


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/tryggve-bench/deso.sqlite3")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--vertices", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--label", default="statistical-areas")
    parser.add_argument("--create-db", action="store_true", help="PostgreSQL: CREATE DATABASE")
    args = parser.parse_args()
    if args.create_db:
        from seed import create_postgres_db

        create_postgres_db(args.database_url)
    if args.database_url.startswith("sqlite:////"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    manage(args.database_url, "migrate", "--noinput", "-v", "0")
    django_setup(args.database_url)
    from django.core.management import call_command

    from tryggve.areas.models import ResidentialArea
    from tryggve.areas.services import load_geojson_file, municipality_import

    municipality_import(
        data=load_geojson_file(str(MUNICIPALITY_GEOJSON)), code="2505", name="Arvidsjaurs kommun"
    )
    with tempfile.TemporaryDirectory(prefix="tryggve-deso-") as tmp:
        gpkg, households, population = write_files(Path(tmp), args.count, args.vertices, args.seed)
        size_mb = gpkg.stat().st_size / 1e6
        times = []
        for run in range(args.runs):
            out = StringIO()
            started = time.perf_counter()
            call_command(
                "import_statistical_areas",
                str(gpkg),
                "--municipality",
                "2505",
                "--households",
                str(households),
                "--population",
                str(population),
                stdout=out,
            )
            times.append(time.perf_counter() - started)
            print(f"run {run + 1}: {times[-1]:.2f} s  {out.getvalue().splitlines()[0]}")
    result = {
        "database": args.database_url.split(":", 1)[0],
        "features": args.count,
        "vertices": args.vertices,
        "gpkg_mb": round(size_mb, 1),
        "seconds": [round(t, 2) for t in times],
        "areas": ResidentialArea.objects.filter(scb_code__startswith="2505C").count(),
    }
    print(json.dumps(result))
    folder = ROOT / "var" / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{args.label}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
