"""Which area a point lies in, and whether it lies in the municipality."""

import pytest

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.selectors import area_for_point, home_municipality, point_in_municipality
from tryggve.conftest import CENTRUM, OUTSIDE
from tryggve.lib.geo import polygon_from_geojson


def square(min_lon, min_lat, max_lon, max_lat):
    return polygon_from_geojson(
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [min_lon, min_lat],
                    [max_lon, min_lat],
                    [max_lon, max_lat],
                    [min_lon, max_lat],
                    [min_lon, min_lat],
                ]
            ],
        }
    )


@pytest.mark.parametrize(
    ("point", "name"),
    [
        (CENTRUM, "Centrum"),
        ((65.5870, 19.1450), "Söderbyn"),
        ((65.5950, 19.1800), "Norrbyn"),
        ((65.2650, 19.6300), "Glommersträsk"),
        ((65.8750, 19.4500), "Moskosel"),
    ],
)
def test_area_for_point(municipality, point, name):
    assert area_for_point(lat=point[0], lon=point[1]).name == name


def test_point_in_no_area(municipality):
    assert area_for_point(lat=65.7, lon=19.0) is None  # in the forest, inside the municipality
    assert area_for_point(lat=OUTSIDE[0], lon=OUTSIDE[1]) is None


def test_point_in_bbox_but_outside_polygon(municipality):
    # Centrum's bounding box reaches 65.5929 at its north-east corner, but its northern edge
    # slopes: this point lies in the box and in Norrbyn, not in Centrum.
    centrum = ResidentialArea.objects.get(name="Centrum")
    lat, lon = 65.5925, 19.1730
    assert centrum.min_lat <= lat <= centrum.max_lat and centrum.min_lon <= lon <= centrum.max_lon
    assert not centrum.contains_point(lat, lon)
    assert area_for_point(lat=lat, lon=lon).name == "Norrbyn"


def test_point_on_a_shared_edge_gets_one_area(municipality):
    # 19.1734, 65.5837 is a corner shared by Stationsområdet and Centrum.
    assert area_for_point(lat=65.5837, lon=19.1734).name in {"Stationsområdet", "Centrum"}


def test_overlapping_areas_give_the_smallest(municipality):
    small = ResidentialArea(municipality=municipality, name="Torget", slug="torget")
    small.set_geometry(square(19.1790, 65.5890, 19.1810, 65.5910))
    small.save()
    assert area_for_point(lat=CENTRUM[0], lon=CENTRUM[1]).name == "Torget"
    assert area_for_point(lat=65.5870, lon=19.1800).name == "Centrum"


def test_point_in_municipality(municipality):
    assert point_in_municipality(lat=CENTRUM[0], lon=CENTRUM[1])
    assert point_in_municipality(lat=65.7, lon=19.0)
    assert not point_in_municipality(lat=OUTSIDE[0], lon=OUTSIDE[1])
    # Inside the bounding box (18.15..20.05, 65.12..66.08) but outside the slanted edge.
    assert not point_in_municipality(lat=66.05, lon=18.2)


def test_point_on_the_boundary_counts_as_inside(municipality):
    assert point_in_municipality(lat=65.62, lon=18.15)  # a vertex of the boundary


@pytest.mark.django_db
def test_without_a_municipality_nothing_is_inside():
    assert home_municipality() is None
    assert not point_in_municipality(lat=CENTRUM[0], lon=CENTRUM[1])
    assert area_for_point(lat=CENTRUM[0], lon=CENTRUM[1]) is None


def test_home_municipality_follows_the_setting(municipality, settings):
    assert home_municipality() == municipality
    settings.MUNICIPALITY_CODE = "0180"
    assert home_municipality() is None
    assert not Municipality.objects.filter(code="0180").exists()
