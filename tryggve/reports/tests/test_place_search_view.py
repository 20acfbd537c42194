"""Finding the place by name on the report form: the JSON suggestions, and the search and
pick that work without JavaScript and keep everything the resident has entered."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache

from tryggve.areas.geocoder import MAX_QUERY
from tryggve.areas.tests.test_geocoder import nominatim  # noqa: F401 (fixture)
from tryggve.reports.models import Report
from tryggve.reports.tests.test_report_new_view import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_suggestions_while_typing_come_from_known_streets(citizen, streets):
    response = citizen.get("/rapportera/platser/", {"q": "torgg", "typing": "1"})
    assert response.status_code == 200
    data = response.json()
    assert [r["label"] for r in data["results"]] == ["Torggatan"]
    assert 65.58 < data["results"][0]["lat"] < 65.6


def test_suggestions_include_the_geocoder_when_searching(citizen, streets, nominatim):  # noqa: F811
    data = citizen.get("/rapportera/platser/", {"q": "Garvaregatan"}).json()
    assert [r["label"] for r in data["results"]] == ["Garvaregatan, Centrum, Arvidsjaur"]
    assert len(nominatim.requests) == 1


def test_hostile_queries_give_words_not_errors(citizen, municipality):
    for q in ["", "x", "\x00\x00", "a" * 5000, "<script>alert(1)</script>"]:
        response = citizen.get("/rapportera/platser/", {"q": q})
        assert response.status_code == 200
        assert len(response.json()["query"]) <= MAX_QUERY
        assert response.json()["message"]


def test_search_without_javascript_lists_places_and_keeps_the_form(citizen, streets):
    data = form_data(
        lat="", lon="", place_query="Torgg", place_search="1", description="Mörkt vid torget."
    )
    response = citizen.post("/rapportera/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Välj platsen i listan:" in page
    assert 'name="place_pick" value="65.5885|19.179|Torggatan"' in page
    assert "Mörkt vid torget." in page  # what the resident typed is still there
    assert 'value="Torgg"' in page
    assert "Beskriv kort" not in page  # no errors for fields not yet filled in
    assert not Report.objects.exists()


def test_picking_a_place_fills_the_position_and_description(citizen, streets):
    data = form_data(lat="", lon="", place_pick="65.5885|19.179|Torggatan")
    response = citizen.post("/rapportera/", data)
    page = response.content.decode()
    assert 'name="lat" value="65.5885"' in page
    assert 'name="lon" value="19.179"' in page
    assert 'name="place_description" value="Torggatan"' in page
    assert "Vald plats: Torggatan." in page
    assert not Report.objects.exists()
    # Then the report is sent as usual, with the picked place.
    data = form_data(lat="65.5885", lon="19.179", place_description="Torggatan")
    assert citizen.post("/rapportera/", data).status_code == 302
    assert Report.objects.get().area.name == "Centrum"


def test_a_pick_outside_the_municipality_is_ignored(citizen, streets):
    data = form_data(lat="", lon="", place_pick="59.3293|18.0686|Stockholm")
    page = citizen.post("/rapportera/", data).content.decode()
    assert "59.3293" not in page
    assert "Vald plats: Stockholm" not in page


def test_an_unreachable_geocoder_gives_a_swedish_message_and_keeps_the_typing(
    citizen, municipality, settings
):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.GEOCODER_URL = f"http://127.0.0.1:{s.getsockname()[1]}"
    data = form_data(place_query="Skogsstigen 4", place_search="1", description="Mörkt här.")
    response = citizen.post("/rapportera/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Adressökningen går inte att nå just nu" in page
    assert 'value="Skogsstigen 4"' in page
    assert "Mörkt här." in page


def test_in_english_the_message_is_english(citizen, municipality, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.GEOCODER_URL = f"http://127.0.0.1:{s.getsockname()[1]}"
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = citizen.get("/rapportera/platser/", {"q": "Skogsstigen"}).json()
    assert "address search cannot be reached" in data["message"]


def test_searching_does_not_use_up_the_report_limit(citizen, streets, settings):
    limits = {"report": (1, 3600), "place_search": (3, 3600)}
    settings.PUBLIC_POST_LIMITS = {**settings.PUBLIC_POST_LIMITS, **limits}
    for _ in range(3):
        response = citizen.post("/rapportera/", form_data(place_query="Torgg", place_search="1"))
        assert response.status_code == 200
    assert citizen.post("/rapportera/", form_data()).status_code == 302  # still one report
    # The place search has a limit of its own, and keeps what was typed past it.
    limited = citizen.post(
        "/rapportera/", form_data(place_query="Torgg", place_search="1", description="Mörkt.")
    )
    assert limited.status_code == 429
    assert "Mörkt." in limited.content.decode()
    assert Report.objects.count() == 1
