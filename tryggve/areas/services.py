"""Importing municipalities and residential areas, and placing points in them."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from shapely import make_valid
from shapely.geometry import (
    MultiPolygon,
    Polygon,
)
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from tryggve.areas.models import (
    AreaKind,
    Municipality,
    PopulationCount,
    ResidentialArea,
    Street,
)
from tryggve.areas.population import (
    MAX_COUNT,
    PopulationFileError,
    aggregate,
    read_population,
)
from tryggve.areas.selectors import households_problem, outline_problem
from tryggve.areas.statistical import (
    LEVEL_LABELS,
    STAT_COLUMNS,
    HouseholdFileError,
    StatArea,
    StatFile,
    column_for,
    detect_level,
    feature_attributes,
    read_households,
)
from tryggve.lib.geo import (
    GeometryError,
    checked_wgs84,
    declared_srid,
    line_or_point_from_geojson,
    polygon_from_geojson,
)
from tryggve.lib.parsing import decode_text, json_error_place


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _features(data: dict) -> list[dict]:
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise GeometryError("FeatureCollection saknar en lista 'features'.")
        # Every caller reads a feature's members; anything else in the list (a number, a
        # bare geometry's coordinates) would end the import in a traceback.
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                raise GeometryError(f"Objekt {number} är ingen GeoJSON Feature.")
        return features
    if kind == "Feature":
        return [data]
    raise GeometryError("Filen måste vara en GeoJSON Feature eller FeatureCollection.")


def _srid_for(data: dict, srid: int | None) -> int | None:
    """An explicit SRID wins, then the file's `crs` member; None lets the coordinates tell."""
    return srid or declared_srid(data)


def _int_property(props: dict, *names: str) -> int:
    for name in names:
        value = props.get(name)
        if value not in (None, ""):
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} är inget heltal: {value!r}") from None
            if number < 0:
                raise ValueError(f"{name} får inte vara negativt")
            if number > MAX_COUNT:
                raise ValueError(f"{name} är för stort: {number}")
            return number
    return 0


def municipality_import(
    *,
    data: dict,
    code: str,
    name: str,
    police_area: str = "",
    domain: str = "",
    srid: int | None = None,
) -> Municipality:
    """Create or replace a municipality's boundary from GeoJSON (WGS84 or SWEREF 99 TM).
    An empty `domain` keeps the one already saved."""
    features = _features(data)
    if len(features) != 1:
        raise GeometryError("Kommungränsen ska vara exakt en polygon.")
    geom = polygon_from_geojson(features[0].get("geometry") or {}, _srid_for(data, srid))
    with transaction.atomic():
        municipality = Municipality.objects.filter(code=code).first() or Municipality(code=code)
        municipality.name = name
        municipality.police_area = police_area
        if domain:
            municipality.domain = domain.strip().lower()
        municipality.set_geometry(geom)
        municipality.save()
    return municipality


def areas_import(
    *, data: dict, municipality: Municipality, srid: int | None = None
) -> ImportResult:
    """Create or update residential areas from a GeoJSON FeatureCollection.

    Each feature needs `name` and may carry `households` (or `hushall`) and `population`
    (or `invanare`). All features are checked first; if any is broken nothing is saved, so
    a half-imported map never reaches the reports.
    """
    result = ImportResult()
    crs = _srid_for(data, srid)
    parsed = []
    for number, feature in enumerate(_features(data), start=1):
        props = feature.get("properties") or {}
        name = str(props.get("name") or props.get("namn") or "").strip()
        if not name:
            result.errors.append(f"Objekt {number}: saknar namn ('name').")
            continue
        if len(name) > 100:
            result.errors.append(f"Objekt {number}: namnet är längre än 100 tecken.")
            continue
        try:
            geom = polygon_from_geojson(feature.get("geometry") or {}, crs)
            households = _int_property(props, "households", "hushall", "hushåll")
            population = _int_property(props, "population", "invanare", "invånare")
        except (GeometryError, ValueError, TypeError) as exc:
            result.errors.append(f"Objekt {number} ({name}): {exc}")
            continue
        problem = households_problem(
            municipality=None, households=households, population=population
        ) or outline_problem(municipality=municipality, geometry=geom)
        if problem:
            result.errors.append(f"Objekt {number} ({name}): {problem}")
            continue
        parsed.append((name, geom, households, population))
    if result.errors:
        return result
    with transaction.atomic():
        for name, geom, households, population in parsed:
            slug = _area_slug(name)
            area = ResidentialArea.objects.filter(municipality=municipality, slug=slug).first()
            if area is None:
                area = ResidentialArea(municipality=municipality, slug=slug)
                result.created += 1
            else:
                result.updated += 1
            area.name = name
            area.households = households
            area.population = population
            area.set_geometry(geom)
            area.save()
    return result


def load_geojson_file(path: str) -> dict:
    """A GeoJSON file read as every file is (`lib.parsing.decode_text`: with a BOM too);
    a file that cannot be read or is no JSON, nested thousands deep included, is a
    GeometryError in words, never a traceback."""
    try:
        with open(path, "rb") as handle:
            text = decode_text(handle.read())
    except OSError as exc:
        raise GeometryError(f"Kunde inte läsa {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise GeometryError(f"Kunde inte läsa {path} som GeoJSON: {json_error_place(exc)}") from exc


def streets_import(
    *, data: dict, municipality: Municipality, srid: int | None = None
) -> ImportResult:
    """Create or update streets (lines) and named places (points) from GeoJSON.

    Each feature needs `name` (or `namn`); `approximate: true` marks a hand-drawn position.
    Features with the same name are joined into one street. As with areas, nothing is saved
    if any feature is broken.
    """
    result = ImportResult()
    crs = _srid_for(data, srid)
    parsed: dict[str, tuple[list[BaseGeometry], bool]] = {}
    for number, feature in enumerate(_features(data), start=1):
        props = feature.get("properties") or {}
        name = str(props.get("name") or props.get("namn") or "").strip()[:100]
        if not name:
            result.errors.append(f"Objekt {number}: saknar namn ('name').")
            continue
        try:
            geom = line_or_point_from_geojson(feature.get("geometry") or {}, crs)
        except GeometryError as exc:
            result.errors.append(f"Objekt {number} ({name}): {exc}")
            continue
        parts, approximate = parsed.get(name, ([], False))
        parsed[name] = ([*parts, geom], approximate or bool(props.get("approximate")))
    if result.errors:
        return result
    with transaction.atomic():
        for name, (parts, approximate) in parsed.items():
            geom = parts[0] if len(parts) == 1 else unary_union(parts)
            street = Street.objects.filter(municipality=municipality, name=name).first()
            if street is None:
                street = Street(municipality=municipality, name=name)
                result.created += 1
            else:
                result.updated += 1
            street.approximate = approximate
            street.set_geometry(geom)
            street.save()
    return result


@dataclass
class PopulationImportResult:
    year: int | None = None
    saved: int = 0
    errors: list[str] = field(default_factory=list)


_MUNICIPALITY_REGION = re.compile(r"^(\d{4})(?:\s+\D.*)?$")
_STATISTICAL_AREA = re.compile(r"^(\d{4}[A-Z]\d{3,4})(?:\s+(.*))?$", re.IGNORECASE)


def _area_slug(name: str) -> str:
    return slugify(name.replace("å", "a").replace("ä", "a").replace("ö", "o"))


def _region_resolver(municipality: Municipality):
    """A function from a file's region text to an area (None: the whole municipality);
    raises ValueError naming what it could not place."""
    areas = list(municipality.areas.defer("geometry"))
    by_key = {a.slug: a for a in areas} | {a.name.lower(): a for a in areas}

    def resolve(text: str) -> ResidentialArea | None:
        if not text or text.lower() in {"hela kommunen", municipality.name.lower()}:
            return None
        if match := _MUNICIPALITY_REGION.match(text):
            if match[1] == municipality.code:
                return None
            raise ValueError(f"kommunen {text!r} är inte {municipality.code}")
        # A DeSO or RegSO code names the area whose short name is that code (how areas
        # imported from SCB's statistical areas are named); a name after it may match too.
        if match := _STATISTICAL_AREA.match(text):
            candidates = [match[1].lower(), (match[2] or "").lower()]
        else:
            candidates = [text.lower(), _area_slug(text)]
        for key in candidates:
            if key and key in by_key:
                return by_key[key]
        raise ValueError(f"okänt område {text!r}")

    return resolve


def population_import(
    *,
    municipality: Municipality,
    data: bytes,
    year: int | None = None,
    source: str = "",
    is_demo: bool = False,
) -> PopulationImportResult:
    """Save a population table per area and age band (`areas.population` reads the file).

    All or nothing: any bad line and nothing is saved; errors name the line. The counts of
    the areas (and the whole municipality) the file covers replace those of the same year;
    areas it does not mention keep theirs.
    """
    result = PopulationImportResult()
    try:
        parsed = read_population(data, year=year)
    except PopulationFileError as exc:
        result.errors.append(str(exc))
        return result
    result.errors.extend(parsed.errors)
    result.year = parsed.year or year
    if result.year is None:
        result.errors.append("Filen säger inte vilket år den gäller: ange --year.")
    elif not 1900 <= result.year <= 2100:
        result.errors.append(f"Året {result.year} är inte rimligt.")
    resolve = _region_resolver(municipality)
    regions: dict[str, ResidentialArea | None] = {}
    for row in parsed.rows:
        if row.region in regions:
            continue
        try:
            regions[row.region] = resolve(row.region)
        except ValueError as exc:
            result.errors.append(f"Rad {row.line}: {exc}.")
            regions[row.region] = None
    if not parsed.rows and not result.errors:
        result.errors.append("Filen innehåller inga invånare från 16 år.")
    if result.errors:
        return result
    counts: dict[tuple[int | None, str], int] = defaultdict(int)
    for (region, band), count in aggregate(parsed.rows).items():
        area = regions[region]
        counts[(area.pk if area else None, band)] += count
    area_ids = {area_id for area_id, _band in counts}
    with transaction.atomic():
        existing = PopulationCount.objects.filter(municipality=municipality, year=result.year)
        existing.filter(area_id__in=[a for a in area_ids if a is not None]).delete()
        if None in area_ids:
            existing.filter(area=None).delete()
        PopulationCount.objects.bulk_create(
            PopulationCount(
                municipality=municipality,
                area_id=area_id,
                age_band=band,
                year=result.year,
                count=count,
                source=source[:200],
                is_demo=is_demo,
            )
            for (area_id, band), count in sorted(counts.items(), key=str)
        )
    result.saved = len(counts)
    return result


@dataclass
class StatisticalImportResult:
    level: str = ""
    created: int = 0
    updated: int = 0
    other_municipalities: int = 0  # features of other municipalities, left out
    repaired: int = 0  # invalid polygons made valid
    households: int = 0  # areas given a number of households
    without_households: list[str] = field(default_factory=list)  # suppressed or missing
    households_year: int | None = None
    population: PopulationImportResult | None = None
    errors: list[str] = field(default_factory=list)


class _RollBack(Exception):
    """Raised inside the import's transaction to undo it when a later step fails."""


def _stat_polygon(geom: BaseGeometry, srid: int) -> tuple[BaseGeometry, bool]:
    """The polygon in WGS84 and whether it had to be repaired (SCB's polygons are sometimes
    invalid by a hair; refusing a whole municipality for that would help no one)."""
    repaired = False
    if geom.is_empty:
        raise GeometryError("Geometrin är tom.")
    if not geom.is_valid:
        fixed = make_valid(geom)
        parts = [
            g for g in getattr(fixed, "geoms", [fixed]) if isinstance(g, Polygon | MultiPolygon)
        ]
        if not parts:
            raise GeometryError("Trasig polygon som inte går att laga.")
        geom, repaired = unary_union(parts), True
    # As polygon_from_geojson, without a round trip through GeoJSON (a third of the time).
    geom = checked_wgs84(geom, srid)
    return (geom if geom.is_valid else make_valid(geom)), repaired


def statistical_areas_import(
    *,
    municipality: Municipality,
    stat_file: StatFile,
    level: str | None = None,
    as_layer: bool = False,
    households: bytes | None = None,
    population: bytes | None = None,
    year: int | None = None,
    source: str = "",
) -> StatisticalImportResult:
    """Create or update areas from SCB's DeSO or RegSO boundaries (`areas.statistical`).

    Only the municipality's own features are kept (its code in the feature's municipality
    column, or the code's first four digits). `as_layer` False makes them residential areas
    (short name the code in lower case, so SCB's population tables find them); True keeps
    them as a statistical layer (`AreaKind.STATISTICAL`, short name `deso-<code>`), hidden
    from everything that uses the residential areas. `households` is SCB's households CSV
    (`read_households`), `population` a population table by age band for
    `population_import` (residential areas only). All or nothing: any broken feature or line
    and nothing is saved; errors name the feature or line.
    """
    result = StatisticalImportResult()
    keys = {str(k).lower() for f in stat_file.features for k in f.properties}
    try:
        result.level = level or detect_level(keys)
    except GeometryError as exc:
        result.errors.append(str(exc))
        return result
    if column_for(keys, result.level) is None:
        result.errors.append(
            f"Filen saknar kolumnen med {result.level.upper()}-kod (någon av "
            + ", ".join(STAT_COLUMNS[result.level]) + ")."
        )
        return result
    if population is not None and as_layer:
        result.errors.append(
            "Befolkning per åldersgrupp kan bara läsas in till bostadsområden, inte till ett "
            "lager."
        )
        return result
    parsed: dict[str, tuple[StatArea, list[BaseGeometry]]] = {}
    for feature in stat_file.features:
        try:
            attrs = feature_attributes(feature.properties, result.level)
        except ValueError as exc:
            result.errors.append(f"Objekt {feature.number}: {exc}.")
            continue
        if attrs.municipality_code != municipality.code:
            result.other_municipalities += 1
            continue
        label = f"Objekt {feature.number} ({attrs.code})"
        if feature.error or feature.geometry is None:
            result.errors.append(f"{label}: {feature.error or 'saknar geometri'}.")
            continue
        try:
            geom, repaired = _stat_polygon(feature.geometry, stat_file.srid)
        except GeometryError as exc:
            result.errors.append(f"{label}: {exc}")
            continue
        result.repaired += repaired
        known = parsed.get(attrs.code)
        parsed[attrs.code] = (attrs, [*(known[1] if known else []), geom])
    if not parsed and not result.errors:
        result.errors.append(
            f"Filen har inga {result.level.upper()}-områden i kommun {municipality.code}."
        )
    counts: dict[str, int] = {}
    if households is not None:
        try:
            table = read_households(households, year=year)
        except HouseholdFileError as exc:
            result.errors.append(f"Hushållsfilen: {exc}")
        else:
            result.households_year = table.year
            result.errors.extend(f"Hushållsfilen, {e}" for e in table.errors)
            for code, line in sorted(table.lines.items(), key=lambda item: item[1]):
                if code[:4] == municipality.code and code not in parsed:
                    result.errors.append(
                        f"Hushållsfilen, rad {line}: området {code} finns inte i gränsfilen."
                    )
            counts = {c: n for c, n in table.by_code.items() if c in parsed}
            result.without_households = sorted(set(parsed) - set(counts))
    if result.errors:
        return result
    kind = AreaKind.STATISTICAL if as_layer else AreaKind.RESIDENTIAL
    slugs = {code: (f"{result.level}-{code}" if as_layer else code).lower() for code in parsed}
    try:
        with transaction.atomic():
            existing = {
                a.slug: a
                for a in ResidentialArea.all_kinds.filter(
                    municipality=municipality, slug__in=slugs.values()
                ).defer("geometry")  # replaced below; decoding it is most of a re-import
            }
            new, changed = [], []
            for code, (attrs, parts) in parsed.items():
                area = existing.get(slugs[code])
                if area is None:
                    area = ResidentialArea(municipality=municipality, slug=slugs[code])
                    new.append(area)
                else:
                    changed.append(area)
                town = attrs.municipality_name or municipality.name
                area.name = (attrs.name or f"{town} {LEVEL_LABELS[result.level]} {code}")[:100]
                area.kind = kind
                area.scb_code = code
                if code in counts:
                    area.households = counts[code]
                area.set_geometry(parts[0] if len(parts) == 1 else unary_union(parts))
            ResidentialArea.all_kinds.bulk_create(new, batch_size=500)
            fields = [
                "name", "kind", "scb_code", "households", "geometry",
                "min_lon", "min_lat", "max_lon", "max_lat",
            ]
            # One UPDATE per area: bulk_update's CASE over large JSON is several times slower.
            for area in changed:
                area.save(update_fields=fields)
            result.created, result.updated = len(new), len(changed)
            result.households = len(counts)
            if population is not None:
                result.population = population_import(
                    municipality=municipality, data=population, year=year, source=source
                )
                if result.population.errors:
                    result.errors.extend(
                        f"Befolkningsfilen: {e}" for e in result.population.errors
                    )
                    raise _RollBack
    except _RollBack:
        result.created = result.updated = result.households = 0
    return result
