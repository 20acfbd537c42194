"""Reading SCB's statistical areas (DeSO and RegSO) and their household tables (no Django).

**Boundaries.** SCB publishes DeSO ("Demografiska statistikområden") and RegSO ("Regionala
statistikområden") as GeoPackage in SWEREF 99 TM (EPSG:3006); GeoJSON exports of them are
read too. A GeoPackage is a SQLite database, so it is read here with `sqlite3` and shapely,
without GDAL (`read_geopackage`):

- `gpkg_contents` names the feature tables (`data_type = 'features'`); a file with several
  needs `layer`.
- `gpkg_geometry_columns` names the table's geometry column and its `srs_id`;
  `gpkg_spatial_ref_sys` says what that is (`organization` EPSG and
  `organization_coordsys_id` 3006 or 4326; anything else is refused, as no other
  system is reprojected here).
- Each geometry is a GeoPackage binary: `GP`, a version byte, a flags byte (bit 0: the
  header's byte order, 1 little-endian; bits 1-3: the envelope, 0-4 for 0, 32, 48, 48 or
  64 bytes; bit 4: empty; bit 5: an extended type, not supported), the `srs_id` as int32,
  the envelope, then standard WKB (ISO or extended, Z and M dropped).

**Attributes** (`STAT_COLUMNS`, matched case-insensitively): SCB has renamed them between
editions. DeSO 2018 files have `deso`, `kommun`, `kommunnamn`, `lan`, `lannamn`; DeSO 2025
files `desokod`, `regsokod`, `kommunkod`, `lanskod`; RegSO files `regsokod` (`0180R009`),
the name as `regsonamn` (2025) or `regso` (2020), `kommunkod`, `kommunnamn`. A missing code
column is an error naming the columns looked for; a municipality column that holds no
four-digit code is ignored (the area code's first four digits tell). The level (DeSO or
RegSO) is given, or taken as DeSO when a DeSO code column exists and RegSO otherwise;
`--level regso` on a DeSO 2025 file (which names each DeSO's RegSO) joins the DeSO into
their RegSO.

**Households** (`read_households`): SCB's PxWeb CSV export "Antal hushåll efter region,
hushållstyp och år" for DeSO or RegSO: title lines above the header are skipped; columns
`region` ("2505A0010 Arvidsjaur" or the code alone), optionally `hushållstyp` (the "totalt"
row is used when there is one, otherwise the types are summed) and either one column per
year or `år` beside a value column. `;`, `,` or tab; UTF-8 with or without BOM, UTF-16 or
Windows-1252 (`lib.parsing.decode_text`). SCB's ".." (suppressed) leaves the area without
a figure (counted, not an error).
"""

from __future__ import annotations

import re
import sqlite3
import struct
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from tryggve.areas.population import MAX_COUNT, scb_table
from tryggve.lib.geo import SWEREF99TM, WGS84, GeometryError, crs_of
from tryggve.lib.parsing import parse_number

DESO, REGSO = "deso", "regso"
LEVELS = (DESO, REGSO)
LEVEL_LABELS = {DESO: "DeSO", REGSO: "RegSO"}

# Column names per meaning, in the order tried (lower case; SCB's editions differ).
STAT_COLUMNS: dict[str, tuple[str, ...]] = {
    "deso": ("desokod", "deso", "deso_kod", "deso_2018", "deso_2025", "desokod_2025"),
    "regso": ("regsokod", "regso_kod", "regsokod_2020", "regsokod_2025"),
    "regso_name": ("regsonamn", "regso_namn", "regso", "regso_2020", "regso_2025"),
    "municipality": ("kommunkod", "kommun", "kommun_kod", "kn"),
    "municipality_name": ("kommunnamn", "kommun_namn", "knnamn"),
}
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
SQLITE_MAGIC = b"SQLite format 3\x00"
SUPPRESSED = {"..", ".", "-", "–"}
_CODE = re.compile(r"^(\d{4}[A-Za-z]\d{3,4})(?:\s+(.*))?$")


@dataclass
class StatFeature:
    """One statistical area: its number in the file (1-based), attributes and geometry in
    the file's coordinate system (None with an error when the geometry is unreadable)."""

    number: int
    properties: dict[str, object]
    geometry: BaseGeometry | None
    error: str = ""


@dataclass
class StatFile:
    srid: int
    features: list[StatFeature] = field(default_factory=list)


def _lower_keys(props: dict) -> dict[str, object]:
    return {str(key).strip().lower(): value for key, value in props.items()}


def column_for(keys: set[str] | list[str], meaning: str) -> str | None:
    """The first column (lower case) of `keys` that means `meaning`, or None."""
    lowered = {k.lower() for k in keys}
    return next((name for name in STAT_COLUMNS[meaning] if name in lowered), None)


def detect_level(keys: set[str] | list[str]) -> str:
    """DeSO when the file has a DeSO code column, RegSO when it has a RegSO code."""
    if column_for(keys, "deso"):
        return DESO
    if column_for(keys, "regso"):
        return REGSO
    raise GeometryError(
        "Hittar ingen kolumn med DeSO-kod (" + ", ".join(STAT_COLUMNS["deso"]) + ") eller "
        "RegSO-kod (" + ", ".join(STAT_COLUMNS["regso"]) + ")."
    )


@dataclass
class StatArea:
    """What one feature says, in Tryggve's terms."""

    code: str
    municipality_code: str
    municipality_name: str
    name: str  # the RegSO's own name, empty for DeSO (which have none)


def feature_attributes(props: dict, level: str) -> StatArea:
    """The code, municipality and name of one feature; ValueError naming a missing column."""
    props = _lower_keys(props)
    code_column = column_for(props.keys(), level)
    if code_column is None:
        raise ValueError(
            f"saknar kolumnen med {level.upper()}-kod (någon av "
            + ", ".join(STAT_COLUMNS[level])
            + ")"
        )
    code = str(props.get(code_column) or "").strip().upper()
    if not _CODE.match(code):
        raise ValueError(f"{code_column} {code!r} är ingen {level.upper()}-kod")
    municipality_column = column_for(props.keys(), "municipality")
    municipality = str(props.get(municipality_column) or "").strip() if municipality_column else ""
    if municipality.isdigit() and len(municipality) < 4:
        municipality = municipality.zfill(4)  # read as a number somewhere on the way
    if not (municipality.isdigit() and len(municipality) == 4):
        municipality = ""  # a name, not a code: the area's code tells (its first four digits)
    name_column = column_for(props.keys(), "municipality_name")
    regso_name = ""
    if level == REGSO and (column := column_for(props.keys(), "regso_name")):
        regso_name = str(props.get(column) or "").strip()
    return StatArea(
        code=code,
        municipality_code=municipality or code[:4],
        municipality_name=str(props.get(name_column) or "").strip() if name_column else "",
        name=regso_name,
    )


# -- GeoPackage ------------------------------------------------------------------------


def parse_gpkg_geometry(blob: bytes) -> tuple[int, BaseGeometry]:
    """(srs_id, geometry) of a GeoPackage binary geometry; GeometryError if unreadable."""
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise GeometryError("geometrin är ingen GeoPackage-geometri")
    blob = bytes(blob)
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryError("geometrin saknar GeoPackage-huvudet 'GP'")
    version, flags = blob[2], blob[3]
    if version != 0:
        raise GeometryError(f"okänd GeoPackage-geometriversion {version}")
    if flags & 0b0010_0000:
        raise GeometryError("utökade GeoPackage-geometrier (ExtendedGeoPackageBinary) stöds inte")
    order = "<" if flags & 1 else ">"
    envelope = (flags >> 1) & 0b111
    if envelope not in ENVELOPE_BYTES:
        raise GeometryError(f"ogiltig envelope-kod {envelope} i geometrins huvud")
    (srs_id,) = struct.unpack(f"{order}i", blob[4:8])
    start = 8 + ENVELOPE_BYTES[envelope]
    if flags & 0b0001_0000:
        raise GeometryError("geometrin är tom")
    if len(blob) <= start:
        raise GeometryError("geometrin är avkortad")
    try:
        geom = shapely.from_wkb(blob[start:])
    except Exception as exc:  # shapely raises GEOSException and others on bad WKB
        raise GeometryError(f"oläslig WKB: {exc}") from exc
    if geom is None or geom.is_empty:
        raise GeometryError("geometrin är tom")
    return srs_id, shapely.force_2d(geom)


def _srid_of(conn: sqlite3.Connection, srs_id: int) -> int:
    row = conn.execute(
        "SELECT srs_name, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys "
        "WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if row is None:
        raise GeometryError(f"Koordinatsystemet {srs_id} saknas i gpkg_spatial_ref_sys.")
    name, organization, code = row
    if str(organization or "").upper() == "EPSG" and code in (SWEREF99TM, WGS84):
        return int(code)
    raise GeometryError(
        f"Koordinatsystemet {name or srs_id} ({organization}:{code}) stöds inte: SCB:s "
        "områden ska vara i SWEREF 99 TM (EPSG:3006); WGS84 (EPSG:4326) går också."
    )


def _feature_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' "
            "ORDER BY table_name"
        )
    ]


def read_geopackage(path: str | Path, *, layer: str | None = None) -> StatFile:
    """The features of one feature table of a GeoPackage (see the module's docstring)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise GeometryError(f"Kunde inte läsa {path}: {exc}") from exc
    if magic != SQLITE_MAGIC:
        raise GeometryError(f"{path.name} är ingen GeoPackage (ingen SQLite-databas).")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _read_open_geopackage(conn, layer)
    except sqlite3.DatabaseError as exc:
        raise GeometryError(f"{path.name} är ingen läsbar GeoPackage: {exc}") from exc
    finally:
        conn.close()


def _read_open_geopackage(conn: sqlite3.Connection, layer: str | None) -> StatFile:
    tables = _feature_tables(conn)
    if not tables:
        raise GeometryError("GeoPackage-filen har inget lager med objekt (gpkg_contents).")
    if layer is None:
        if len(tables) > 1:
            raise GeometryError("Filen har flera lager; välj ett med --layer: " + ", ".join(tables))
        layer = tables[0]
    elif layer not in tables:
        raise GeometryError(f"Lagret {layer!r} finns inte; filen har: " + ", ".join(tables))
    row = conn.execute(
        "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
    ).fetchone()
    if row is None:
        raise GeometryError(f"Lagret {layer!r} saknas i gpkg_geometry_columns.")
    geometry_column, srs_id = row
    srid = _srid_of(conn, srs_id)
    quoted = '"' + layer.replace('"', '""') + '"'
    cursor = conn.execute(f"SELECT * FROM {quoted}")  # noqa: S608 -- a name from gpkg_contents
    columns = [d[0] for d in cursor.description]
    at = columns.index(geometry_column)
    result = StatFile(srid=srid)
    for number, values in enumerate(cursor, start=1):
        props = {c: v for i, (c, v) in enumerate(zip(columns, values, strict=True)) if i != at}
        feature = StatFeature(number=number, properties=props, geometry=None)
        try:
            blob_srs, geom = parse_gpkg_geometry(values[at])
            if blob_srs not in (srs_id, 0, -1):
                raise GeometryError(f"geometrin har koordinatsystem {blob_srs}, lagret {srs_id}")
            feature.geometry = _polygonal(geom)
        except GeometryError as exc:
            feature.error = str(exc)
        result.features.append(feature)
    return result


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if isinstance(g, Polygon | MultiPolygon)]
        if parts and len(parts) == len(geom.geoms):
            return shapely.union_all(parts)
    raise GeometryError(f"geometrin är {geom.geom_type}, men en polygon behövs")


# -- GeoJSON ---------------------------------------------------------------------------


def read_geojson_features(data: dict) -> StatFile:
    """The features of a GeoJSON FeatureCollection of statistical areas; its `crs` member
    (`urn:ogc:def:crs:EPSG::3006`) says SWEREF 99 TM, none means WGS84 as RFC 7946 does."""
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise GeometryError("GeoJSON-filen ska vara en FeatureCollection med 'features'.")
    srid = crs_of(data)
    result = StatFile(srid=srid)
    for number, raw in enumerate(data["features"], start=1):
        raw = raw if isinstance(raw, dict) else {}
        properties = raw.get("properties")
        feature = StatFeature(
            number=number,
            properties=dict(properties) if isinstance(properties, dict) else {},
            geometry=None,
        )
        try:
            geom = shape(raw.get("geometry") or {})
            feature.geometry = _polygonal(shapely.force_2d(geom))
        except GeometryError as exc:
            feature.error = str(exc)
        except Exception:  # shapely raises several types for malformed input
            feature.error = "ogiltig geometri"
        result.features.append(feature)
    return result


# -- Households ------------------------------------------------------------------------

REGION_COLUMNS = {"region", "deso", "regso", "område", "omrade", "desokod", "regsokod"}
TYPE_COLUMNS = {"hushållstyp", "hushallstyp", "typ av hushåll", "household type"}
YEAR_COLUMNS = {"år", "ar", "year", "tid"}
VALUE_COLUMNS = {"antal", "antal hushåll", "hushåll", "hushall", "households", "värde", "count"}
TOTAL_WORDS = {"totalt", "total", "samtliga", "samtliga hushåll", "alla", "totalt antal"}
_YEAR_IN_HEADER = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


class HouseholdFileError(ValueError):
    """The whole households file cannot be read; the message is for people."""


@dataclass
class HouseholdTable:
    year: int | None
    by_code: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # the first line naming each code
    suppressed: set[str] = field(default_factory=set)
    other_regions: int = 0  # lines for a municipality or county rather than an area
    errors: list[str] = field(default_factory=list)


def read_households(data: bytes, *, year: int | None = None) -> HouseholdTable:
    """Households per DeSO or RegSO code (upper case) from an SCB CSV export."""
    table = scb_table(
        data, is_header=lambda names: bool(names & REGION_COLUMNS), error=HouseholdFileError
    )
    if table is None:
        raise HouseholdFileError(
            "Hittar ingen rubrikrad med kolumnen region: väntade SCB:s export med region, "
            "hushållstyp och ett år per kolumn."
        )
    header, table_rows = table
    region_at = next(i for i, name in enumerate(header) if name in REGION_COLUMNS)
    type_at = next((i for i, name in enumerate(header) if name in TYPE_COLUMNS), None)
    year_at = next((i for i, name in enumerate(header) if name in YEAR_COLUMNS), None)
    rows = [(line, row) for line, row in table_rows if any(c.strip() for c in row)]
    if year_at is not None:
        value_at = next((i for i, name in enumerate(header) if name in VALUE_COLUMNS), None)
        if value_at is None:
            rest = [i for i in range(len(header)) if i not in {region_at, type_at, year_at}]
            if not rest:
                raise HouseholdFileError("Hittar ingen kolumn med antal hushåll.")
            value_at = rest[-1]
        cells = {r[year_at].strip() for _n, r in rows if len(r) > year_at}
        years = sorted(int(c) for c in cells if c.isdigit())
        if not years:
            raise HouseholdFileError("Kolumnen år innehåller inget årtal.")
        chosen = year if year is not None else years[-1]
        if chosen not in years:
            raise HouseholdFileError(f"Filen har inget år {chosen}.")
        rows = [(n, r) for n, r in rows if len(r) > year_at and r[year_at].strip() == str(chosen)]
    else:
        by_year = {
            int(m[1]): i for i, name in enumerate(header) if (m := _YEAR_IN_HEADER.search(name))
        }
        if not by_year:
            raise HouseholdFileError(
                "Hittar varken en kolumn per år (som 2024) eller kolumnerna år och antal."
            )
        chosen = year if year is not None else max(by_year)
        if chosen not in by_year:
            found = ", ".join(str(y) for y in sorted(by_year))
            raise HouseholdFileError(f"Filen har inget år {chosen} (den har {found}).")
        value_at = by_year[chosen]
    table = HouseholdTable(year=chosen)
    totals: dict[str, int | None] = {}
    summed: dict[str, int | None] = {}
    for number, row in rows:
        if len(row) <= max(region_at, value_at, type_at or 0):
            table.errors.append(f"Rad {number}: för få kolumner.")
            continue
        region = " ".join(row[region_at].split())
        match = _CODE.match(region)
        if not match:
            if re.match(r"^\d{2,4}(\s|$)", region) or region.lower() in {"riket", "sverige"}:
                table.other_regions += 1  # a county, municipality or the country
                continue
            table.errors.append(f"Rad {number}: {region!r} är ingen DeSO- eller RegSO-kod.")
            continue
        code = match[1].upper()
        table.lines.setdefault(code, number)
        raw = row[value_at].strip()
        if raw in SUPPRESSED:
            value = None
        else:
            number_value = parse_number(raw)
            if number_value is None or number_value < 0 or number_value != int(number_value):
                table.errors.append(f"Rad {number}: antalet {raw!r} är inget heltal från 0.")
                continue
            if number_value > MAX_COUNT:
                table.errors.append(f"Rad {number}: antalet {raw} är för stort.")
                continue
            value = int(number_value)
        kind = row[type_at].strip().lower() if type_at is not None else "totalt"
        if kind in TOTAL_WORDS or kind.startswith("totalt"):
            totals[code] = value
        else:
            before = summed.get(code, 0)
            summed[code] = None if before is None or value is None else before + value
    for code in totals.keys() | summed.keys():
        value = totals[code] if code in totals else summed[code]
        if value is None:
            table.suppressed.add(code)
        else:
            table.by_code[code] = value
    return table
