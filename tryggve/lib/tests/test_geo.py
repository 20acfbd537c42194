"""lib/geo.py: WGS84 and SWEREF 99 TM, distances and polygon checks."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from tryggve.lib.geo import (
    SWEREF99TM,
    WGS84,
    GeometryError,
    bbox_around,
    crs_of,
    distance_m,
    geometry_to_sweref,
    geometry_to_wgs84,
    guess_srid,
    polygon_from_geojson,
    to_geojson,
    to_sweref,
    to_wgs84,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[19.17, 65.58], [19.19, 65.58], [19.19, 65.59], [19.17, 65.59], [19.17, 65.58]]
    ],
}  # noqa: E501


def test_known_point_in_sweref():
    # Arvidsjaur centre: SWEREF 99 TM easting about 693 km, northing about 7 278 km.
    easting, northing = to_sweref(19.18, 65.59)
    assert 690_000 < easting < 700_000
    assert 7_270_000 < northing < 7_290_000


@settings(max_examples=50, deadline=None)
@given(lon=st.floats(10.5, 24.5), lat=st.floats(55.0, 69.5))
def test_sweref_round_trip_within_a_millimetre(lon, lat):
    back_lon, back_lat = to_wgs84(*to_sweref(lon, lat))
    assert distance_m(lat, lon, back_lat, back_lon) < 0.001


def test_distance_of_one_degree_latitude():
    assert distance_m(65.0, 19.0, 66.0, 19.0) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(65.59, 19.18, 65.59, 19.18) == 0


@settings(max_examples=50, deadline=None)
@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-179, 179),
    radius=st.floats(1, 5_000),
    bearing=st.floats(0, 2 * math.pi),
)
def test_bbox_around_encloses_the_circle(lat, lon, radius, bearing):
    min_lon, min_lat, max_lon, max_lat = bbox_around(lat, lon, radius)
    # A point just inside the circle in any direction lies in the box.
    d = radius * 0.999 / 6_371_008.8
    plat = lat + math.degrees(d * math.cos(bearing))
    plon = lon + math.degrees(d * math.sin(bearing) / math.cos(math.radians(plat)))
    if distance_m(lat, lon, plat, plon) <= radius:
        assert min_lat <= plat <= max_lat
        assert min_lon <= plon <= max_lon


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("urn:ogc:def:crs:EPSG::3006", SWEREF99TM),
        ("EPSG:3006", SWEREF99TM),
        ("urn:ogc:def:crs:EPSG::4326", WGS84),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", WGS84),
    ],
)
def test_crs_member_is_understood(name, code):
    assert crs_of({"crs": {"type": "name", "properties": {"name": name}}}) == code


def test_no_crs_member_means_wgs84():
    assert crs_of({}) == WGS84


def test_unknown_crs_is_refused_by_name():
    with pytest.raises(GeometryError, match="Okänt koordinatsystem"):
        crs_of({"crs": {"properties": {"name": "EPSG:3857"}}})


def test_guess_srid_from_coordinates():
    assert guess_srid(box(19, 65, 20, 66)) == WGS84
    assert guess_srid(box(690_000, 7_270_000, 700_000, 7_280_000)) == SWEREF99TM


def test_polygon_from_geojson_accepts_dict_and_string():
    assert polygon_from_geojson(SQUARE).equals(polygon_from_geojson(json.dumps(SQUARE)))


def test_polygon_in_sweref_comes_back_in_wgs84():
    original = polygon_from_geojson(SQUARE)
    in_sweref = geometry_to_sweref(original)
    assert in_sweref.bounds[0] > 100_000
    for srid in (SWEREF99TM, None):  # explicit, and guessed from the metre-sized numbers
        back = polygon_from_geojson(to_geojson(in_sweref, precision=3), srid)
        assert back.symmetric_difference(original).area < 1e-9


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ("{not json", "Ogiltig GeoJSON: fel på rad 1, tecken 2."),
        ({"type": "Polygon", "coordinates": "nonsense"}, "Ogiltig geometri"),
        ({"type": "Point", "coordinates": [19.18, 65.59]}, "Point, men en polygon behövs"),
        ({"type": "LineString", "coordinates": [[19, 65], [20, 66]]}, "polygon behövs"),
        ({"type": "Polygon", "coordinates": []}, "tom"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "Geometrin är trasig: kanten korsar sig själv vid 0.5, 0.5.",
        ),
        (
            {"type": "Polygon", "coordinates": [[[170, 0], [200, 0], [200, 10], [170, 0]]]},
            "utanför jorden",
        ),
        (
            {"type": "Polygon", "coordinates": [
                [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]
            ]},
            "Geometrin är trasig: ett hål ligger utanför ytan vid 5, 5.",
        ),
    ],
)
def test_unusable_geometry_is_refused_with_a_message(geometry, message):
    with pytest.raises(GeometryError, match=message):
        polygon_from_geojson(geometry, WGS84 if isinstance(geometry, dict) else None)


def test_to_geojson_rounds_coordinates():
    data = to_geojson(Polygon([(19.1234567891, 65.1), (19.2, 65.1), (19.2, 65.2)]))
    assert data["type"] == "Polygon"
    assert data["coordinates"][0][0] == [19.123457, 65.1]


def test_geometry_to_wgs84_is_identity_for_wgs84():
    point = Point(19.18, 65.59)
    assert geometry_to_wgs84(point, WGS84) is point
