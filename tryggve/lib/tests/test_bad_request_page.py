"""A request Django cannot take (too many fields, a body over the form limit, a Host
header outside ALLOWED_HOSTS) gets a Swedish page that says what to do, never Django's
English one and never a 500."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_too_many_fields_get_a_swedish_page(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    response = Client(raise_request_exception=False).post(
        "/trygghetsenkat/", {f"f{i}": "x" for i in range(60)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Det du skickade gick inte att ta emot" in page
    assert "bakåtknapp" in page and "Bad Request" not in page


@pytest.mark.django_db
def test_a_body_over_the_form_limit_gets_the_same_page(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client(raise_request_exception=False).post(
        "/trygghetsenkat/", {"q-comment": "x" * 5000}
    )
    assert response.status_code == 400
    assert "Det du skickade gick inte att ta emot" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_host_gets_the_page_too(settings):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Det du skickade gick inte att ta emot" in response.content.decode()
