"""A GET to a POST-only address: a page in the visitor's language, and the language switch
never sends the visitor to such an address."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_a_get_to_a_post_only_page_shows_a_page_with_a_way_back(citizen, make_report):
    token = make_report().tracking_token
    response = citizen.get(f"/rapport/{token}/komplettera/")
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    body = html.unescape(response.content.decode())
    assert "Sidan kan inte öppnas direkt" in body
    assert f'href="/rapport/{token}/"' in body
    # The language switch there leads to the page above, not back to this address.
    assert f'name="next" type="hidden" value="/rapport/{token}/"' in body


def test_the_page_is_in_english_after_the_switch(citizen, make_report):
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    token = make_report().tracking_token
    response = citizen.get(f"/rapport/{token}/komplettera/")
    assert response.status_code == 405
    assert "Sidan kan inte öppnas direkt" not in response.content.decode()
    assert "<h1>" in response.content.decode()


def test_the_json_api_keeps_a_bare_405(client):
    response = client.post("/api/reports.geojson")
    assert response.status_code == 405
    assert b"<h1>" not in response.content


def test_the_language_switch_on_a_form_error_page_returns_to_a_page_that_opens(
    citizen, make_report
):
    token = make_report().tracking_token
    # "Lägg till något" sent empty: the form comes back at its POST address.
    page = citizen.post(
        f"/rapport/{token}/komplettera/", {"text": ""}, HTTP_REFERER=f"http://testserver/rapport/{token}/"
    )
    assert page.status_code == 200
    nxt = re.search(r'name="next" type="hidden" value="([^"]*)"', page.content.decode()).group(1)
    assert nxt == f"/rapport/{token}/"
    # Without a referer it is still the page above the form's address.
    page = citizen.post(f"/rapport/{token}/komplettera/", {"text": ""})
    nxt = re.search(r'name="next" type="hidden" value="([^"]*)"', page.content.decode()).group(1)
    assert nxt == f"/rapport/{token}/"
    switched = citizen.post("/i18n/setlang/", {"language": "en", "next": nxt}, follow=True)
    assert switched.status_code == 200
