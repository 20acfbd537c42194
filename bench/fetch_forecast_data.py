"""Extract real burglary events for bench/forecast_real.py (kept outside the repo).

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
  (no liability; locations are offset and must not be read as a specific property; no
  explicit licence grant).
* ``vancouver_commercial.csv``: the same file, TYPE "Break and Enter Commercial", 2,787
  events (a second burglary series of the same city and year; shops and offices).
* ``vancouver_long_residential.csv``: ten years (2016-2025) of the same VPD GeoDASH data,
  one per-year file ``crimedata_csv_AllNeighbourhoods_<year>`` (``.csv``, or the GeoDASH
  ``.zip`` holding it) per year, TYPE "Break and Enter Residential/Other", 18,001 events,
  minute resolution, X/Y offset to the hundred block as above. The files (``VANCOUVER_YEARS``):
  2016 github.com/amanbinepal/VPD-Data-Analysis at 9be19026e754958e26ad8261903f950b08c1f25c,
  ``Data/crimedata_csv_AllNeighbourhoods_2016.csv``; 2017 and 2018 github.com/UBC-MDS/group16
  at 2a75bd83cd671d9136be42018469c386e8f82ecc, ``data/raw/crimedata_csv_AllNeighbourhoods_
  2017.zip`` and ``..._2018.zip``; 2019 github.com/LeoNg-analysis/vpd_crime_analysis at
  411ba0b0148937c93622825227fc43128e15bace, ``data/raw/crimedata_csv_AllNeighbourhoods_
  2019.zip``; 2020-2025 github.com/UBC-MDS/DSCI-532_2026_4_VanCrimeWatch at
  f0b23b216c2d5b2e2ff15c5975f853b61cac0f65, ``data/raw/crimedata_csv_AllNeighbourhoods_
  <year>.csv``. VPD terms: the legal disclaimer in the zips (no liability; locations offset
  to the hundred block and not to be read as a specific property); no explicit licence grant.
  Re-published copies of one VPD year differ slightly between extracts (revised totals, up
  to a few hundred rows of ~35,000 break-ins and other crimes; some coordinates moved by
  1-2 m); the newest extract found was used.
* ``vancouver_long_commercial.csv``: the same files, TYPE "Break and Enter Commercial",
  20,669 events (one exact repeat of time and place is kept: VPD rows carry no incident id).
* ``st_louis_long.csv``: St. Louis Metropolitan Police Department (SLMPD) monthly crime files
  ``<Month><year>.csv`` 2008-2019; 2008-2014 from github.com/kylesykes/stl-crime-data at
  a14ed07622924e1a73db25b9660bc5c3151c3d1a, ``raw_data/<Month><year>.csv`` (or ``.CSV``;
  repository MIT); 2015-2019 from github.com/slu-soc5650/crime-data-sp22 at
  d7f8ed2c7140f497af94761ace4b6669c369ae30, ``data/raw/<year>/<month><year>.csv``
  (repository ODC-By). Burglary is crime code 50000-59999 (UCR Part 1); 58,001 events
  occurred 2008-2019, minute resolution, X/Y in NAD83 Missouri East state-plane US feet as
  geocoded by SLMPD (the files state no precision). SLMPD terms: public records; no explicit
  licence found.

    .venv/bin/python bench/fetch_forecast_data.py --mirror DIR [--out DIR]

Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

from pyproj import CRS, Transformer

CRIMEMAPPINGDATA = "mpjashby/crimemappingdata"

VPD_RESIDENTIAL = "Break and Enter Residential/Other"
VPD_COMMERCIAL = "Break and Enter Commercial"

_VANCRIMEWATCH = (
    "UBC-MDS/DSCI-532_2026_4_VanCrimeWatch",
    "f0b23b216c2d5b2e2ff15c5975f853b61cac0f65",
)
_GROUP16 = ("UBC-MDS/group16", "2a75bd83cd671d9136be42018469c386e8f82ecc")
# (year, repository, commit, path): one VPD per-year file each, pinned to the commit read.
VANCOUVER_YEARS: tuple[tuple[int, str, str, str], ...] = (
    (
        2016,
        "amanbinepal/VPD-Data-Analysis",
        "9be19026e754958e26ad8261903f950b08c1f25c",
        "Data/crimedata_csv_AllNeighbourhoods_2016.csv",
    ),
    (2017, *_GROUP16, "data/raw/crimedata_csv_AllNeighbourhoods_2017.zip"),
    (2018, *_GROUP16, "data/raw/crimedata_csv_AllNeighbourhoods_2018.zip"),
    (
        2019,
        "LeoNg-analysis/vpd_crime_analysis",
        "411ba0b0148937c93622825227fc43128e15bace",
        "data/raw/crimedata_csv_AllNeighbourhoods_2019.zip",
    ),
    *(
        (year, *_VANCRIMEWATCH, f"data/raw/crimedata_csv_AllNeighbourhoods_{year}.csv")
        for year in range(2020, 2026)
    ),
)

_STL_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_STL_OLD = ("kylesykes/stl-crime-data", "a14ed07622924e1a73db25b9660bc5c3151c3d1a")
_STL_NEW = ("slu-soc5650/crime-data-sp22", "d7f8ed2c7140f497af94761ace4b6669c369ae30")


def _stl_sources() -> list[tuple[str, str, str]]:
    """(repository, commit, path) of every SLMPD monthly file, January 2008 to December 2019."""
    sources = []
    for year in range(2008, 2015):
        for month in _STL_MONTHS:
            # The scraped copies keep SLMPD's own file names, whose extension is upper case
            # in November 2012 and from March 2013 on.
            upper = (year, month) == (2012, "November") or year >= 2014
            upper = upper or (year == 2013 and month not in ("January", "February"))
            name = f"raw_data/{month}{year}.{'CSV' if upper else 'csv'}"
            sources.append((*_STL_OLD, name))
    for year in range(2015, 2020):
        for month in _STL_MONTHS:
            sources.append((*_STL_NEW, f"data/raw/{year}/{month.lower()}{year}.csv"))
    return sources


def _git_show(mirror: Path, repo: str, commit: str, path: str) -> bytes:
    """One file of a pinned commit, from the bare clone ``mirror/owner+name/repo``."""
    git_dir = mirror / repo.replace("/", "+") / "repo"
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def _to_latlon(crs: str):
    """A converter from the projection ``crs`` to latitude and longitude in degrees, on its
    own datum (NAD83 here: within a metre of WGS84, far below a 250 m cell)."""
    source = CRS(crs)
    transformer = Transformer.from_crs(source, source.geodetic_crs, always_xy=True)

    def convert(x: float, y: float) -> tuple[float, float]:
        lon, lat = transformer.transform(x, y)
        return lat, lon

    return convert


# VPD: NAD83 / UTM zone 10N; SLMPD: NAD83 / Missouri East in US survey feet.
utm_to_latlon = _to_latlon("EPSG:26910")
missouri_east_to_latlon = _to_latlon("ESRI:102696")


def cincinnati(mirror: Path) -> list[tuple[str, float, float]]:
    path = "inst/extdata/cincinnati_burglary.csv.gz"
    text = gzip.decompress(_git_show(mirror, CRIMEMAPPINGDATA, "HEAD", path))
    rows = []
    for row in csv.DictReader(io.StringIO(text.decode("utf-8"))):
        if row["latitude"] not in ("", "NA") and row["longitude"] not in ("", "NA"):
            rows.append((row["offense_date"][:10], float(row["latitude"]), float(row["longitude"])))
    # The file lists one row per offence of an incident; one burglary is one event.
    return sorted(set(rows))


def _vpd_text(blob: bytes, path: str) -> str:
    """The CSV text of a VPD file, unpacked when it is the GeoDASH download zip."""
    if path.endswith(".zip"):
        archive = zipfile.ZipFile(io.BytesIO(blob))
        # The zip also holds the legal disclaimer and a PDF; exactly one member is the data.
        (name,) = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        blob = archive.read(name)
    return blob.decode("utf-8-sig")


def _vpd_events(text: str, kind: str, year: int | None = None) -> list[tuple[str, float, float]]:
    """(local time, lat, lon) of the rows of TYPE ``kind``; unplaced rows (X 0 or empty) dropped.

    With ``year``, every row must be of that year: a mislabelled file would silently shift
    or double a year of the long series.
    """
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        if year is not None and int(row["YEAR"]) != year:
            raise ValueError(f"a row of {row['YEAR']} in the VPD file of {year}")
        if row["TYPE"] != kind or not row["X"] or float(row["X"]) <= 0:
            continue
        lat, lon = utm_to_latlon(float(row["X"]), float(row["Y"]))
        when = f"{int(row['YEAR']):04d}-{int(row['MONTH']):02d}-{int(row['DAY']):02d}T"
        when += f"{int(float(row['HOUR'] or 0)):02d}:{int(float(row['MINUTE'] or 0)):02d}"
        rows.append((when, round(lat, 6), round(lon, 6)))
    return rows


def vancouver(mirror: Path, kind: str = VPD_RESIDENTIAL) -> list[tuple[str, float, float]]:
    path = "data-raw/raw/vancouver_crimes_2020.zip"
    text = _vpd_text(_git_show(mirror, CRIMEMAPPINGDATA, "HEAD", path), path)
    return sorted(_vpd_events(text, kind))


def vancouver_long(mirror: Path, kind: str) -> list[tuple[str, str, str]]:
    """All ``kind`` events of ``VANCOUVER_YEARS``, coordinates written with six decimals.

    Identical rows are kept: VPD rows have no incident id, so a repeat may be a second break-in.
    """
    rows = []
    for year, repo, commit, path in VANCOUVER_YEARS:
        text = _vpd_text(_git_show(mirror, repo, commit, path), path)
        events = _vpd_events(text, kind, year)
        rows += [(when, f"{lat:.6f}", f"{lon:.6f}") for when, lat, lon in events]
    # Sorted as text, the order of the written file.
    return sorted(rows)


StlRecord = tuple[str, int, int, dt.datetime | None, float, float]


def _stl_time(text: str) -> dt.datetime | None:
    for pattern in ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern)
        except ValueError:
            pass
    return None


def _stl_burglaries(text: str) -> list[StlRecord]:
    """(complaint, crime code, count, occurred, x, y) of the burglary rows of one SLMPD file.

    Burglary is SLMPD crime code 50000-59999 (UCR Part 1). Rows without a readable code or
    count are skipped; a missing time is None and a missing position 0 (dropped later).
    """
    reader = csv.DictReader(io.StringIO(text))
    # The headers vary by year ("Date Occur", "DateOccur", "DateOccured", "X-Coord", ...).
    reader.fieldnames = [re.sub(r"[^a-z]", "", name.lower()) for name in reader.fieldnames or []]
    records = []
    for row in reader:
        try:
            code = int((row.get("crime") or "").strip())
            count = int((row.get("count") or "0").strip())
        except ValueError:
            continue
        if not 50000 <= code <= 59999:
            continue
        when = _stl_time(row.get("dateoccur") or row.get("dateoccured") or "")
        try:
            x, y = float(row["xcoord"]), float(row["ycoord"])
        except (ValueError, KeyError, TypeError):
            x = y = 0.0
        records.append(((row.get("complaint") or "").strip(), code, count, when, x, y))
    return records


def st_louis(mirror: Path) -> list[tuple[str, str, str]]:
    """SLMPD burglaries that occurred 2008-2019, one event per reported burglary.

    Each monthly file lists the crimes recorded that month; a later unfounding or
    reclassification appears as a row with Count -1. From 2014 on rows carry a complaint
    number, so counts are netted per complaint and crime code, and a complaint yields at most
    one event; earlier rows have no id and every Count 1 row is an event.
    """
    records = [
        record
        for repo, commit, path in _stl_sources()
        for record in _stl_burglaries(
            _git_show(mirror, repo, commit, path).decode("utf-8-sig", errors="replace")
        )
    ]
    net: Counter[tuple[str, int]] = Counter()
    for complaint, code, count, *_ in records:
        if complaint:
            net[complaint, code] += count
    seen: set[str] = set()
    events = []
    for complaint, code, count, when, x, y in records:
        if count != 1:
            continue
        if complaint:
            if net[complaint, code] <= 0 or complaint in seen:
                continue
            seen.add(complaint)
        if when is None or not dt.datetime(2008, 1, 1) <= when < dt.datetime(2020, 1, 1):
            continue
        if x <= 0 or y <= 0:
            continue
        lat, lon = missouri_east_to_latlon(x, y)
        # A handful of positions fall outside the city (mistyped coordinates).
        if 38.4 < lat < 38.9 and -90.45 < lon < -90.1:
            events.append((when.strftime("%Y-%m-%dT%H:%M"), lat, lon))
    return [(when, f"{lat:.6f}", f"{lon:.6f}") for when, lat, lon in sorted(events)]


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
        "vancouver_commercial": lambda mirror: vancouver(mirror, VPD_COMMERCIAL),
        "vancouver_long_residential": lambda mirror: vancouver_long(mirror, VPD_RESIDENTIAL),
        "vancouver_long_commercial": lambda mirror: vancouver_long(mirror, VPD_COMMERCIAL),
        "st_louis_long": st_louis,
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
