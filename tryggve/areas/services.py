"""Importing municipalities and residential areas, and placing points in them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.lib.geo import GeometryError, crs_of, polygon_from_geojson


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
    *, data: dict, code: str, name: str, police_area: str = "", srid: int | None = None
) -> Municipality:
    """Create or replace a municipality's boundary from GeoJSON (WGS84 or SWEREF 99 TM)."""
    features = _features(data)
    if len(features) != 1:
        raise GeometryError("Kommungränsen ska vara exakt en polygon.")
    geom = polygon_from_geojson(features[0].get("geometry") or {}, _srid_for(data, srid))
    with transaction.atomic():
        municipality = Municipality.objects.filter(code=code).first() or Municipality(code=code)
        municipality.name = name
        municipality.police_area = police_area
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
            slug = slugify(name.replace("å", "a").replace("ä", "a").replace("ö", "o"))
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
