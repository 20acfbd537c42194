"""Coordinates and geometry: WGS84 (EPSG:4326) and SWEREF 99 TM (EPSG:3006), no GDAL."""

from __future__ import annotations

import json
import math
from functools import lru_cache

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyproj import Transformer
from shapely import make_valid
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
    mapping,
    shape,
)
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from tryggve.lib.parsing import json_error_place

WGS84 = 4326
SWEREF99TM = 3006
EARTH_RADIUS_M = 6_371_008.8


class GeometryError(ValueError):
    """A geometry that cannot be used, with a message fit to show a person."""


@lru_cache(maxsize=4)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_wgs84(x: float, y: float, srid: int = SWEREF99TM) -> tuple[float, float]:
    """Return (lon, lat) for a point given in `srid` as (x=easting, y=northing)."""
    lon, lat = _transformer(srid, WGS84).transform(x, y)
    return lon, lat


def to_sweref(lon: float, lat: float) -> tuple[float, float]:
    """Return (easting, northing) in SWEREF 99 TM."""
    return _transformer(WGS84, SWEREF99TM).transform(lon, lat)


def _reproject(geom: BaseGeometry, src: int, dst: int) -> BaseGeometry:
    transformer = _transformer(src, dst)
    return shapely.transform(
        geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def sweref_arrays(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole arrays of WGS84 positions to SWEREF 99 TM (easting, northing) in one call."""
    return _transformer(WGS84, SWEREF99TM).transform(lon, lat)


def wgs84_arrays(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole arrays of SWEREF 99 TM positions to WGS84 (lon, lat) in one call."""
    return _transformer(SWEREF99TM, WGS84).transform(x, y)


def geometry_to_wgs84(geom: BaseGeometry, srid: int) -> BaseGeometry:
    return geom if srid == WGS84 else _reproject(geom, srid, WGS84)


def geometry_to_sweref(geom: BaseGeometry) -> BaseGeometry:
    return _reproject(geom, WGS84, SWEREF99TM)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; accurate to well under a metre at the scales we compare."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) enclosing a circle, for an index prefilter."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def crs_of(geojson: dict) -> int:
    """EPSG code named by a GeoJSON `crs` member (old-style), WGS84 when absent."""
    name = (((geojson.get("crs") or {}).get("properties") or {}).get("name") or "").upper()
    if not name:
        return WGS84
    for code in (SWEREF99TM, WGS84):
        if name.endswith(f":{code}") or name.endswith(f"::{code}"):
            return code
    if name.endswith("CRS84"):
        return WGS84
    raise GeometryError(
        _("Okänt koordinatsystem %(name)s: använd WGS84 eller SWEREF 99 TM.") % {"name": repr(name)}
    )


def declared_srid(data) -> int | None:
    """The EPSG code a GeoJSON object's `crs` member names (`crs_of`; raises for an unknown
    one), None without one: the coordinates then tell (`guess_srid`)."""
    return crs_of(data) if isinstance(data, dict) and data.get("crs") else None


def guess_srid(geom: BaseGeometry) -> int:
    """Coordinates far outside degrees can only be metres; SWEREF 99 TM is what Sweden uses."""
    minx, miny, maxx, maxy = geom.bounds
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        return WGS84
    return SWEREF99TM


# GEOS's reasons (`explain_validity`, "Self-intersection[19.0 65.5]"), in words.
_INVALIDITY = {
    "Self-intersection": gettext_lazy("kanten korsar sig själv"),
    "Ring Self-intersection": gettext_lazy("kanten korsar sig själv"),
    "Hole lies outside shell": gettext_lazy("ett hål ligger utanför ytan"),
    "Holes are nested": gettext_lazy("ett hål ligger i ett annat hål"),
    "Interior is disconnected": gettext_lazy("hålen delar ytan i flera delar"),
    "Nested shells": gettext_lazy("en yta ligger inuti en annan"),
    "Duplicate Rings": gettext_lazy("samma kant finns två gånger"),
    "Too few points in geometry component": gettext_lazy("en kant har för få punkter"),
    "Ring is not closed": gettext_lazy("en kant slutar inte där den börjar"),
    "Invalid Coordinate": gettext_lazy("en koordinat är inget tal"),
    "Repeated Point": gettext_lazy("en punkt upprepas"),
}


def invalidity(geom: BaseGeometry) -> str:
    """Why `geom` is not valid, in words, with where (GEOS's first problem found)."""
    reason, _bracket, place = explain_validity(geom).partition("[")
    words = _INVALIDITY.get(reason.strip(), gettext_lazy("formen är ogiltig"))
    place = place.rstrip("]").split()
    if len(place) == 2:
        return _("%(reason)s vid %(x)s, %(y)s") % {"reason": words, "x": place[0], "y": place[1]}
    return str(words)


def polygon_from_geojson(data: dict | str, srid: int | None = None) -> BaseGeometry:
    """Parse a (Multi)Polygon, reproject it to WGS84 and check that it is usable."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:  # nesting deeper than Python recurses
            raise GeometryError(
                _("Ogiltig GeoJSON: %(where)s") % {"where": json_error_place(exc)}
            ) from exc
    try:
        geom = shape(data)
    except (Exception, RecursionError) as exc:  # shapely raises several types
        raise GeometryError(_("Ogiltig geometri: ingen läsbar polygon.")) from exc
    if not isinstance(geom, Polygon | MultiPolygon):
        raise GeometryError(
            _("Geometrin är %(kind)s, men en polygon behövs.") % {"kind": geom.geom_type}
        )
    if geom.is_empty:
        raise GeometryError(_("Geometrin är tom."))
    if not geom.is_valid:
        raise GeometryError(
            _("Geometrin är trasig: %(reason)s.") % {"reason": invalidity(geom)}
        )
    geom = checked_wgs84(geom, srid)
    if not geom.is_valid:
        # Reprojection can fold a barely valid ring; repair rather than refuse.
        geom = make_valid(geom)
    return geom


def line_or_point_from_geojson(data: dict, srid: int | None = None) -> BaseGeometry:
    """A street as a (Multi)LineString or a place as a Point, reprojected to WGS84."""
    try:
        geom = shape(data)
    except (Exception, RecursionError) as exc:  # shapely raises several types
        raise GeometryError(_("Ogiltig geometri: ingen läsbar linje eller punkt.")) from exc
    if not isinstance(geom, LineString | MultiLineString | Point) or geom.is_empty:
        raise GeometryError(_("En gata ska vara en linje (LineString) eller en punkt (Point)."))
    return checked_wgs84(geom, srid)


def checked_wgs84(geom: BaseGeometry, srid: int | None) -> BaseGeometry:
    """`geom` reprojected to WGS84 from `srid` (guessed when None), refused when it then
    lies outside the earth's degrees (metres read as degrees, or the wrong system)."""
    geom = geometry_to_wgs84(geom, srid if srid is not None else guess_srid(geom))
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryError(_("Koordinaterna ligger utanför jorden: fel koordinatsystem?"))
    return geom


def to_geojson(geom: BaseGeometry, precision: int = 6) -> dict:
    def rnd(coords):
        if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], float | int):
            return [round(c, precision) for c in coords]
        return [rnd(c) for c in coords]

    data = mapping(geom)
    return {"type": data["type"], "coordinates": rnd(data["coordinates"])}
