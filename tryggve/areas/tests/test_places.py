"""A place named for people: area, nearest known street, unambiguous coordinates."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tryggve.areas.models import Street
from tryggve.areas.places import Place, describe_place, describe_places
from tryggve.conftest import CENTRUM


def test_coordinates_cannot_be_read_as_four_numbers():
    place = Place(lat=65.592494, lon=19.174561)
    assert place.coordinates == "65.59249° N, 19.17456° E"
    assert "," not in place.coordinates.split(", ")[0]


def test_sweref_is_given_for_staff():
    assert Place(lat=65.59, lon=19.18).sweref == "N 7280614, E 692644"


def test_a_place_in_centrum_names_its_area_and_nearest_street(streets):
    place = describe_place(*CENTRUM)
    assert place.area == "Centrum"
    assert place.street == "Torggatan"
    assert place.street_m == 50
    assert place.summary == "Centrum, nära Torggatan (cirka 50 m; gatans läge är ungefärligt)"
    assert str(place).endswith("65.59000° N, 19.18000° E")


@pytest.mark.parametrize(
    ("metres", "approximate", "words"),
    [
        (50, True, "nära Storgatan (cirka 50 m; gatans läge är ungefärligt)"),
        (50, False, "nära Storgatan (cirka 50 m)"),
        (10, True, "vid Storgatan (gatans läge är ungefärligt)"),
        (10, False, "vid Storgatan"),
    ],
)
def test_the_street_is_named_with_at_most_one_bracket(metres, approximate, words):
    place = Place(
        lat=65.59, lon=19.18, street="Storgatan", street_m=metres, street_approximate=approximate
    )
    assert place.street_text == words


def test_without_streets_the_area_alone_is_named(municipality):
    place = describe_place(*CENTRUM)
    assert place.summary == "Centrum"


def test_far_from_areas_and_streets(streets):
    place = describe_place(65.70, 19.00)
    assert place.summary == "utanför bostadsområdena"


def test_no_position_no_place(municipality):
    assert describe_place(None, None) is None


def test_many_places_cost_two_queries(streets, django_assert_num_queries):
    points = [CENTRUM, (65.5950, 19.2000), (65.5870, 19.1600)] * 4
    with django_assert_num_queries(2):
        places = describe_places(points)
    assert [p.area for p in places[:3]] == ["Centrum", "Ringelvägen", "Stationsområdet"]


def test_place_link_uses_the_setting(settings):
    settings.PLACE_LINK_URL = "https://karta.example/?y={lat}&x={lon}"
    assert Place(lat=65.5, lon=19.1).link == "https://karta.example/?y=65.50000&x=19.10000"


def test_import_streets_command(municipality, tmp_path):
    path = tmp_path / "gator.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Storgatan"},
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[19.17, 65.588], [19.19, 65.588]],
                        },
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "Torget", "approximate": True},
                        "geometry": {"type": "Point", "coordinates": [19.18, 65.589]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    call_command("import_streets", str(path), "--municipality", "2505")
    assert sorted(Street.objects.values_list("name", "approximate")) == [
        ("Storgatan", False),
        ("Torget", True),
    ]
    call_command("import_streets", str(path), "--municipality", "2505")
    assert Street.objects.count() == 2


def test_import_streets_refuses_a_polygon_and_saves_nothing(municipality, tmp_path):
    path = tmp_path / "fel.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Bra"},
                        "geometry": {"type": "Point", "coordinates": [19.18, 65.589]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "Fel"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [[19.1, 65.5], [19.2, 65.5], [19.2, 65.6], [19.1, 65.5]]
                            ],
                        },
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="linje"):
        call_command("import_streets", str(path), "--municipality", "2505")
    assert not Street.objects.exists()
