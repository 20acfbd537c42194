"""The public map's legend (status by colour and shape, in the HTML) and filters that the
list and the map agree on."""

from __future__ import annotations

import json
import re

import pytest

from tryggve.reports.models import STATUS_MARKERS, Status

pytestmark = pytest.mark.django_db


def map_config(page: str) -> dict:
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page)
    return json.loads(match.group(1))


@pytest.fixture
def two(make_report, municipality):
    return [
        make_report(published=True, public_text="Lampa"),
        make_report(category="vegetation", published=True, public_text="Sly", status="resolved"),
    ]


def test_every_status_has_its_own_colour_and_shape():
    assert set(STATUS_MARKERS) == set(Status.values)
    assert len({shape for shape, _c in STATUS_MARKERS.values()}) == len(STATUS_MARKERS)
    assert len({colour for _s, colour in STATUS_MARKERS.values()}) == len(STATUS_MARKERS)


def test_the_legend_is_in_the_html(citizen, two):
    page = citizen.get("/karta/").content.decode()
    legend = page[page.index('class="map-legend"') :]
    for value, label in Status.choices:
        shape, colour = STATUS_MARKERS[value]
        item = re.search(rf'<li data-marker-status="{value}">(.*?)</li>', legend, re.S).group(1)
        assert f"marker-{shape}" in item and colour in item and str(label) in item


def test_the_list_shows_the_same_symbols(citizen, two):
    page = citizen.get("/karta/").content.decode()
    listing = page[page.index('class="report-list"') :]
    assert "marker-circle" in listing  # received
    assert "marker-star" in listing  # resolved


def test_an_unknown_category_empties_list_and_map_with_a_message(citizen, two):
    response = citizen.get("/karta/", {"category": "nonsense"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Det finns ingen sådan kategori. Välj en i listan." in page
    assert "Urvalet innehåller ett värde som inte finns" in page
    assert response.context["total"] == 0
    assert map_config(page)["filters"] is None  # the map draws nothing either
    assert 'aria-invalid="true"' in page


@pytest.mark.parametrize("query", [{"status": "nonsense"}, {"period": "7"}])
def test_other_unknown_filters_do_the_same(citizen, two, query):
    response = citizen.get("/karta/", query)
    assert response.context["total"] == 0
    assert map_config(response.content.decode())["filters"] is None


def test_valid_filters_reach_the_map_as_the_list_uses_them(citizen, two):
    response = citizen.get("/karta/", {"category": "vegetation", "status": "resolved"})
    assert response.context["total"] == 1
    filters = map_config(response.content.decode())["filters"]
    assert filters == {"category": "vegetation", "status": "resolved"}
    geojson = citizen.get("/api/reports.geojson", filters).json()
    assert [f["id"] for f in geojson["features"]] == [two[1].reference]


def test_the_period_uses_the_same_boundary_in_list_and_map(citizen, two):
    response = citizen.get("/karta/", {"period": "30"})
    filters = map_config(response.content.decode())["filters"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", filters["since"])
    geojson = citizen.get("/api/reports.geojson", filters).json()
    assert response.context["total"] == len(geojson["features"]) == 2


def test_without_filters_the_map_gets_none(citizen, two):
    assert map_config(citizen.get("/karta/").content.decode())["filters"] == {}
