"""The weekly suggestions and the risk map's top ten name their places in words, with
coordinates that cannot be misread and a map link, not as "65,59249, 19,17456"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.areas.places import describe_place

COORDS_RE = re.compile(r"\d{2}\.\d{5}° N, \d{2}\.\d{5}° E")
AMBIGUOUS_RE = re.compile(r"\d{2},\d{5}, \d{2},\d{5}")


@pytest.fixture
def burglaries_by_torggatan(make_incident, streets):
    now = timezone.now()
    for n in range(4):
        make_incident(at=(65.5895 + n * 0.0001, 19.1790), when=now - timedelta(days=3 + n * 5))


@pytest.mark.django_db
def test_suggestions_name_area_street_and_a_map_link(police_officer, burglaries_by_torggatan):
    response = police_officer.get("/personal/lagesbild/forslag/")
    page = response.content.decode()
    suggestion, place = response.context["suggestions"][0]
    assert place == describe_place(suggestion.lat, suggestion.lon)
    assert place.area == "Centrum" and place.street
    assert place.summary in page
    assert COORDS_RE.search(page) and not AMBIGUOUS_RE.search(page)
    assert "Visa på karta" in page and "openstreetmap.org/?mlat=65.5" in page


@pytest.mark.django_db
def test_risk_top_ten_names_its_places(police_officer, burglaries_by_torggatan):
    response = police_officer.get("/personal/lagesbild/riskkarta/")
    page = response.content.decode()
    cell, _share, place = response.context["top"][0]
    lat, lon = cell.centre_wgs84
    assert place == describe_place(lat, lon)
    table = page[page.index('id="top-caption"') :]
    assert place.summary in table
    assert place.coordinates in table
    assert not AMBIGUOUS_RE.search(table)


@pytest.mark.django_db
def test_top_ten_costs_a_fixed_number_of_queries(
    police_officer, burglaries_by_torggatan, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        police_officer.get("/personal/lagesbild/riskkarta/")
