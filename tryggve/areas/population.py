"""Reading population tables: SCB's PxWeb CSV exports and a simple own format (no Django).

**Files.** Text is decoded by `lib.parsing` (UTF-8, UTF-16 or Windows-1252 as SCB's and
Excel's exports come); the delimiter is the header line's most frequent of `;`, `,` and tab.
Title lines above the header (PxWeb's "Folkmängd efter region, ålder, kön och år") are
skipped: the header is the first line naming a region column and an age column.

- *SCB* ("Folkmängden efter region, civilstånd, ålder och kön"; DeSO and RegSO tables
  alike): columns `region`, `ålder`, optionally `kön`, and either one column per year
  (`2024`, or `Folkmängd 2024`) or a column `år` beside one value column. The region is a
  municipality ("2505 Arvidsjaur": the whole municipality), a DeSO or RegSO code
  ("2505A0010", with or without a name after it), or an area's name.
- *Own format*: `area,age_band,count` (also `område,åldersgrupp,antal`), the area by name or
  short name, empty for the whole municipality; the year comes from `--year`.

**Ages into the survey's bands** (`AGE_BANDS`, the same codes as the survey's age question).
A band code (`16_24`) is taken as it is; SCB's single years ("16 år") go to the band holding
them; SCB's five-year bands ("15-19 år") are spread evenly over their single years, so
15–19 gives 4/5 of its inhabitants to 16–24 (the 15-year-olds are too young for the
survey) and every other five-year band lies wholly inside one of ours; "100+ år" and
"80 år eller äldre" go to 80+. Ages under 16 and "totalt" rows are left out. Counts are
summed as fractions and rounded once, per area and band, at the end.

**Gender.** Rows for women and men are summed; a "totalt" row is used only when the file
has no rows for women or men (otherwise everyone would be counted twice).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tryggve.lib.parsing import decode_text, parse_number

# (code, first age, last age or None for open-ended): the survey's bands, from 16.
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("16_24", 16, 24),
    ("25_44", 25, 44),
    ("45_64", 45, 64),
    ("65_79", 65, 79),
    ("80", 80, None),
]
BAND_CODES = [code for code, _low, _high in AGE_BANDS]

REGION_COLUMNS = {"region", "område", "omrade", "area", "deso", "regso", "bostadsområde"}
AGE_COLUMNS = {"ålder", "alder", "age", "åldersgrupp", "age_band", "ålder (år)"}
GENDER_COLUMNS = {"kön", "kon", "sex", "gender"}
YEAR_COLUMNS = {"år", "ar", "year", "tid"}
COUNT_COLUMNS = {"count", "antal", "folkmängd", "folkmangd", "värde", "varde", "invånare"}
TOTAL_WORDS = {"totalt", "total", "totalt ålder", "samtliga", "båda könen", "1+2", "alla"}
GENDER_WORDS = {"män", "man", "kvinnor", "kvinna", "1", "2", "men", "women"}

_YEAR_IN_HEADER = re.compile(r"(?<!\d)(19\d\d|20\d\d|2100)(?!\d)")
_AGE_RANGE = re.compile(r"^(\d{1,3})\s*[-–]\s*(\d{1,3})(?:\s*år)?$")
_AGE_SINGLE = re.compile(r"^(\d{1,3})(?:\s*år)?$")
_AGE_OPEN = re.compile(r"^(\d{1,3})\s*(?:\+|år\s*\+|\+\s*år|år\s+(?:och|el(?:ler)?)\s+äldre)$")


# The largest count the column holds (PositiveIntegerField on every database).
MAX_COUNT = 2_147_483_647


class PopulationFileError(ValueError):
    """The whole file cannot be read (no header, no year); the message is for people."""


@dataclass
class PopulationRow:
    line: int
    region: str
    band: str
    count: float


@dataclass
class PopulationFile:
    year: int | None
    rows: list[PopulationRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def band_shares(low: int, high: int | None) -> dict[str, float]:
    """How the inhabitants of ages low..high (high None: and older) spread over the survey's
    bands, assuming they are spread evenly over the single years."""
    if high is None:
        high = max(low, 100)
    years = high - low + 1
    shares: dict[str, float] = {}
    for code, first, last in AGE_BANDS:
        top = high if last is None else min(high, last)
        inside = top - max(low, first) + 1
        if inside > 0:
            shares[code] = inside / years
    return shares


def age_shares(text: str) -> dict[str, float] | None:
    """The bands an age cell counts towards ({} for ages under 16 and totals), or None if
    the text is no age."""
    value = " ".join(text.strip().lower().split())
    if value in BAND_CODES:
        return {value: 1.0}
    if value in TOTAL_WORDS or value.startswith("totalt"):
        return {}
    if value in {"80+", "80 år eller äldre", "80 år och äldre"}:
        return {"80": 1.0}
    if match := _AGE_RANGE.match(value):
        low, high = int(match[1]), int(match[2])
        return band_shares(low, high) if low <= high else None
    if match := _AGE_SINGLE.match(value):
        return band_shares(int(match[1]), int(match[1]))
    if match := _AGE_OPEN.match(value):
        return band_shares(int(match[1]), None)
    return None


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _names(line: str) -> list[str]:
    cells = next(csv.reader([line], delimiter=_delimiter(line)), [])
    return [c.strip().lstrip("\ufeff").strip().lower() for c in cells]


def scb_table(
    data: bytes, *, is_header: Callable[[set[str]], bool], error: type[ValueError] = ValueError
) -> tuple[list[str], Iterator[tuple[int, list[str]]]] | None:
    """An SCB table export: title lines first, then the table from the first line whose
    column names (lower case) `is_header` accepts. Its names, and its rows with their line
    numbers in the file; None when no line is a header. The export's separator (";", ","
    or tab) and encoding (UTF-8 with or without BOM, Windows-1252) are found here. A file
    the CSV reader gives up on (a cell over its limit of 131,072 characters: no export,
    some other file) raises `error` in words, never the reader's own exception."""
    lines = decode_text(data).splitlines()
    try:
        start = next((i for i, line in enumerate(lines) if is_header(set(_names(line)))), None)
        if start is None:
            return None
        delimiter = _delimiter(lines[start])
        reader = csv.reader(io.StringIO("\n".join(lines[start + 1 :])), delimiter=delimiter)
        rows = [(start + 2 + offset, row) for offset, row in enumerate(reader)]
    except csv.Error:
        raise error(
            "Filen går inte att läsa som en tabell (CSV): en cell är orimligt lång. "
            "Är det rätt fil?"
        ) from None
    return _names(lines[start]), iter(rows)


def _find(header: list[str], names: set[str]) -> int | None:
    return next((i for i, name in enumerate(header) if name in names), None)


def _population_header(names: set[str]) -> bool:
    return bool(names & REGION_COLUMNS and names & AGE_COLUMNS)


def read_population(data: bytes, *, year: int | None = None) -> PopulationFile:
    """The rows of an SCB export or an own-format file (see the module's docstring)."""
    table = scb_table(data, is_header=_population_header, error=PopulationFileError)
    if table is None:
        raise PopulationFileError(
            "Hittar ingen rubrikrad med område (region) och ålder. Väntade SCB:s kolumner "
            "region, ålder och år, eller area,age_band,count."
        )
    header, rows = table
    region_at, age_at = _find(header, REGION_COLUMNS), _find(header, AGE_COLUMNS)
    gender_at, year_at = _find(header, GENDER_COLUMNS), _find(header, YEAR_COLUMNS)
    value_at, chosen = _value_column(header, year, year_at)
    result = PopulationFile(year=chosen)
    totals: list[tuple[int, str, str]] = []  # rows for both genders, used only alone
    gender_rows = False
    raw = [(line, row) for line, row in rows if any(c.strip() for c in row)]
    if year_at is not None and chosen is None:
        years = {row[year_at].strip() for _line, row in raw if len(row) > year_at}
        known = sorted(int(y) for y in years if y.isdigit())
        if not known:
            raise PopulationFileError("Kolumnen år innehåller inget årtal.")
        result.year = chosen = known[-1]  # the latest year, unless --year says otherwise
    for line, row in raw:
        if len(row) <= max(region_at, age_at, value_at):
            result.errors.append(f"Rad {line}: för få kolumner.")
            continue
        if year_at is not None and row[year_at].strip() != str(chosen):
            continue
        shares = age_shares(row[age_at])
        if shares is None:
            result.errors.append(f"Rad {line}: okänd ålder {row[age_at].strip()!r}.")
            continue
        count = parse_number(row[value_at])
        if count is None or count < 0 or count != int(count):
            result.errors.append(
                f"Rad {line}: antalet {row[value_at].strip()!r} är inget heltal från 0."
            )
            continue
        if count > MAX_COUNT:
            result.errors.append(f"Rad {line}: antalet {count:.0f} är för stort.")
            continue
        gender = row[gender_at].strip().lower() if gender_at is not None else "totalt"
        if gender in GENDER_WORDS:
            gender_rows = True
        elif gender not in TOTAL_WORDS:
            result.errors.append(f"Rad {line}: okänt kön {row[gender_at].strip()!r}.")
            continue
        region = " ".join(row[region_at].split())
        for band, share in shares.items():
            result.rows.append(PopulationRow(line, region, band, count * share))
            totals.append((len(result.rows) - 1, gender, band))
    if gender_rows:
        # Women and men are given: a "totalt" row would count them twice.
        drop = {i for i, gender, _band in totals if gender not in GENDER_WORDS}
        result.rows = [r for i, r in enumerate(result.rows) if i not in drop]
    return result


def _value_column(
    header: list[str], year: int | None, year_at: int | None
) -> tuple[int, int | None]:
    """(index of the counts, the year they are for, None if a year column tells)."""
    if year_at is not None or _find(header, COUNT_COLUMNS) is not None:
        count_at = _find(header, COUNT_COLUMNS)
        if count_at is None:
            taken = {_find(header, s) for s in (REGION_COLUMNS, AGE_COLUMNS, GENDER_COLUMNS)}
            rest = [i for i in range(len(header)) if i not in taken | {year_at}]
            if not rest:
                raise PopulationFileError("Hittar ingen kolumn med antal invånare.")
            count_at = rest[0]
        return count_at, year
    by_year: dict[int, int] = {}
    for i, name in enumerate(header):
        if match := _YEAR_IN_HEADER.search(name):
            by_year.setdefault(int(match[1]), i)
    if not by_year:
        raise PopulationFileError(
            "Hittar varken en kolumn per år (som 2024) eller en kolumn med antal."
        )
    if year is None:
        year = max(by_year)  # the latest year, unless --year says otherwise
    if year not in by_year:
        found = ", ".join(str(y) for y in sorted(by_year))
        raise PopulationFileError(f"Filen har inget år {year} (den har {found}).")
    return by_year[year], year


def aggregate(rows: list[PopulationRow]) -> dict[tuple[str, str], int]:
    """Counts per (region, band), summed as fractions and rounded once."""
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        sums[(row.region, row.band)] += row.count
    return {key: int(value + 0.5) for key, value in sums.items()}
