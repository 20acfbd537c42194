"""Shared fixtures: the Arvidsjaur geography and the personas every test speaks of."""

from pathlib import Path

import pytest

from tryggve.areas.models import Municipality
from tryggve.areas.services import areas_import, load_geojson_file, municipality_import

DEMO_DIR = Path(__file__).resolve().parent / "areas" / "demo"

# Points inside the demo geography.
CENTRUM = (65.5900, 19.1800)  # lat, lon in Arvidsjaur centre
OUTSIDE = (59.3293, 18.0686)  # Stockholm


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def municipality(db) -> Municipality:
    municipality = municipality_import(
        data=load_geojson_file(DEMO_DIR / "arvidsjaur_kommun.geojson"),
        code="2505",
        name="Arvidsjaurs kommun",
        police_area="LPO Piteå Älvdal",
    )
    result = areas_import(
        data=load_geojson_file(DEMO_DIR / "arvidsjaur_omraden.geojson"), municipality=municipality
    )
    assert not result.errors
    return municipality


@pytest.fixture
def citizen(client):
    """A resident: anonymous, on the public pages."""
    return client
