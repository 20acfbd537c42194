"""Fixtures of the Open311 tests: a key, published and unpublished reports, the parsers."""

from __future__ import annotations

import pytest

from tryggve.open311.services import api_key_create

BASE = "/open311/v2"


@pytest.fixture
def api_key(db):
    """(ApiKey, the key itself) for a client system."""
    return api_key_create(name="Polisens app", municipality=None, requests_per_hour=1000)


@pytest.fixture
def key(api_key) -> str:
    return api_key[1]


@pytest.fixture
def published(municipality, make_report):
    """A published open report with a reviewed public text, contact details and a private
    description that must never be shown."""
    return make_report(
        published=True,
        public_text="Trasig gatlampa vid skolan.",
        description="Min granne Kalle Svensson står där varje kväll.",
        contact_name="Anna Andersson",
        contact_email="anna@example.org",
        contact_phone="070-123 45 67",
    )


@pytest.fixture
def unpublished(municipality, make_report):
    return make_report(description="Inte publicerad ännu.")


@pytest.fixture
def filing(key):
    """The fields of a valid POST (a place by coordinates in Arvidsjaur)."""
    return {
        "api_key": key,
        "service_code": "belysning",
        "lat": "65.5900",
        "long": "19.1800",
        "attribute[time_of_day]": "evening",
        "attribute[severity]": "3",
        "description": "Gatlampan vid skolan är trasig.",
        "device_id": "telefon-1",
    }
