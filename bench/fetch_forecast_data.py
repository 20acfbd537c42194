"""Extract real residential-burglary events for bench/forecast_real.py (kept outside the repo).

The sources are public GitHub repositories that re-publish police open data; the script reads
them from a local bare clone (``--mirror DIR``, required: one ``owner+name/repo`` git directory
per repository, e.g. ``git clone --mirror https://github.com/mpjashby/crimemappingdata
DIR/mpjashby+crimemappingdata/repo``) and
writes ``time,lat,lon`` CSV files to ``--out`` (default ``/tmp/tryggve-forecast-data``):

* ``cincinnati.csv``: github.com/mpjashby/crimemappingdata, ``inst/extdata/
  cincinnati_burglary.csv.gz``: City of Cincinnati police-reported burglaries 2016-2018,
  8,723 events, dates only (day resolution), positions at block level. Public domain (as
  stated by the package; City of Cincinnati open data).
* ``vancouver.csv``: the same repository, ``data-raw/raw/vancouver_crimes_2020.zip``: the
  Vancouver Police Department's GeoDASH open data for 2020 (all neighbourhoods); the rows of
  TYPE "Break and Enter Residential/Other", 2,083 events, X/Y in UTM zone 10N (NAD83)
  offset to the hundred block (the snapped case). VPD terms: the legal disclaimer in the zip
  (free use, no liability, locations are offset and must not be read as a specific property).
* ``vancouver_commercial.csv``: the same file, TYPE "Break and Enter Commercial", 2,787
  events (a second burglary series of the same city and year; shops and offices).

    .venv/bin/python bench/fetch_forecast_data.py --mirror DIR [--out DIR]

Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import subprocess
import zipfile
from pathlib import Path

REPO = "mpjashby+crimemappingdata/repo"


def _git_show(mirror: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={mirror / REPO}", "show", f"HEAD:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def utm_to_latlon(x: float, y: float, zone: int = 10) -> tuple[float, float]:
    """Inverse transverse Mercator (GRS80/WGS84, northern hemisphere), Snyder (1987) 8-18."""
    a, f, k0 = 6378137.0, 1 / 298.257222101, 0.9996
    e2 = f * (2 - f)
    ep2 = e2 / (1 - e2)
    x -= 500000.0
    m = y / k0
    mu = m / (a * (1 - e2 / 4 - 3 * e2**2 / 64 - 5 * e2**3 / 256))
    e1 = (1 - math.sqrt(1 - e2)) / (1 + math.sqrt(1 - e2))
    phi1 = (
        mu
        + (3 * e1 / 2 - 27 * e1**3 / 32) * math.sin(2 * mu)
        + (21 * e1**2 / 16 - 55 * e1**4 / 32) * math.sin(4 * mu)
        + (151 * e1**3 / 96) * math.sin(6 * mu)
        + (1097 * e1**4 / 512) * math.sin(8 * mu)
    )
    s, c = math.sin(phi1), math.cos(phi1)
    n1 = a / math.sqrt(1 - e2 * s * s)
    t1 = math.tan(phi1) ** 2
    c1 = ep2 * c * c
    r1 = a * (1 - e2) / (1 - e2 * s * s) ** 1.5
    d = x / (n1 * k0)
    lat = phi1 - (n1 * math.tan(phi1) / r1) * (
        d * d / 2
        - (5 + 3 * t1 + 10 * c1 - 4 * c1 * c1 - 9 * ep2) * d**4 / 24
        + (61 + 90 * t1 + 298 * c1 + 45 * t1 * t1 - 252 * ep2 - 3 * c1 * c1) * d**6 / 720
    )
    lon = (
        d
        - (1 + 2 * t1 + c1) * d**3 / 6
        + (5 - 2 * c1 + 28 * t1 - 3 * c1 * c1 + 8 * ep2 + 24 * t1 * t1) * d**5 / 120
    ) / c
    return math.degrees(lat), (zone - 1) * 6 - 180 + 3 + math.degrees(lon)


def cincinnati(mirror: Path) -> list[tuple[str, float, float]]:
    text = gzip.decompress(_git_show(mirror, "inst/extdata/cincinnati_burglary.csv.gz"))
    rows = []
    for row in csv.DictReader(io.StringIO(text.decode("utf-8"))):
        if row["latitude"] not in ("", "NA") and row["longitude"] not in ("", "NA"):
            rows.append((row["offense_date"][:10], float(row["latitude"]), float(row["longitude"])))
    # The file lists one row per offence of an incident; one burglary is one event.
    return sorted(set(rows))


def vancouver(mirror: Path, kind: str = "Break and Enter Residential/Other") -> list:
    archive = zipfile.ZipFile(
        io.BytesIO(_git_show(mirror, "data-raw/raw/vancouver_crimes_2020.zip"))
    )
    name = next(n for n in archive.namelist() if n.endswith(".csv"))
    rows = []
    for row in csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))):
        if row["TYPE"] != kind or not row["X"] or float(row["X"]) <= 0:
            continue
        lat, lon = utm_to_latlon(float(row["X"]), float(row["Y"]))
        when = f"{int(row['YEAR']):04d}-{int(row['MONTH']):02d}-{int(row['DAY']):02d}T"
        when += f"{int(float(row['HOUR'] or 0)):02d}:{int(float(row['MINUTE'] or 0)):02d}"
        rows.append((when, round(lat, 6), round(lon, 6)))
    return sorted(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mirror", type=Path, required=True, help="folder of bare clones (owner+name/repo)"
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/tryggve-forecast-data"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    readers = {
        "cincinnati": cincinnati,
        "vancouver": vancouver,
        "vancouver_commercial": lambda mirror: vancouver(mirror, "Break and Enter Commercial"),
    }
    for name, reader in readers.items():
        rows = reader(args.mirror)
        with open(args.out / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["time", "lat", "lon"])
            writer.writerows(rows)
        print(f"{name}: {len(rows)} events -> {args.out / f'{name}.csv'}")


if __name__ == "__main__":
    main()
