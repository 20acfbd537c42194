"""Importing municipalities and residential areas, and placing points in them."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from shapely.geometry import LineString, MultiLineString, Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from tryggve.areas.models import Municipality, PopulationCount, ResidentialArea, Street
from tryggve.areas.population import PopulationFileError, aggregate, read_population
from tryggve.lib.geo import (
    GeometryError,
    crs_of,
    geometry_to_wgs84,
    guess_srid,
    polygon_from_geojson,
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _features(data: dict) -> list[dict]:
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise GeometryError("FeatureCollection saknar en lista 'features'.")
        return features
    if kind == "Feature":
        return [data]
    raise GeometryError("Filen måste vara en GeoJSON Feature eller FeatureCollection.")


def _srid_for(data: dict, srid: int | None) -> int | None:
    """An explicit SRID wins, then the file's `crs` member; None lets the coordinates tell."""
    if srid:
        return srid
    return crs_of(data) if "crs" in data else None


def _int_property(props: dict, *names: str) -> int:
    for name in names:
        value = props.get(name)
        if value not in (None, ""):
            number = int(value)
            if number < 0:
                raise ValueError(f"{name} får inte vara negativt")
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
        try:
            geom = polygon_from_geojson(feature.get("geometry") or {}, crs)
            households = _int_property(props, "households", "hushall", "hushåll")
            population = _int_property(props, "population", "invanare", "invånare")
        except (GeometryError, ValueError, TypeError) as exc:
            result.errors.append(f"Objekt {number} ({name}): {exc}")
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
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeometryError(f"Kunde inte läsa {path}: {exc}") from exc


def _line_or_point(data: dict, srid: int | None) -> BaseGeometry:
    """A street as a (Multi)LineString or a place as a Point, reprojected to WGS84."""
    try:
        geom = shape(data)
    except Exception as exc:  # shapely raises several types for malformed input
        raise GeometryError(f"Ogiltig geometri: {exc}") from exc
    if not isinstance(geom, LineString | MultiLineString | Point) or geom.is_empty:
        raise GeometryError("En gata ska vara en linje (LineString) eller en punkt (Point).")
    geom = geometry_to_wgs84(geom, srid if srid is not None else guess_srid(geom))
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryError("Koordinaterna ligger utanför jorden: fel koordinatsystem?")
    return geom


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
            geom = _line_or_point(feature.get("geometry") or {}, crs)
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
    areas = list(municipality.areas.all())
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
