"""Every map opens on the municipality served (issue 14): the default municipality's on its
town (MAP_CENTER), another's on its own boundary, never on Arvidsjaur."""

import json
import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

CONFIG_RE = re.compile(r'<script id="map-config" type="application/json">(.*?)</script>', re.S)


def config(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    return json.loads(CONFIG_RE.search(response.content.decode()).group(1))


@pytest.mark.parametrize("page", ["karta/", "rapportera/", "grannsamverkan/"])
def test_arjeplogs_maps_open_on_arjeplog(client, arjeplog, page):
    cfg = config(client, f"/arjeplog/{page}")
    lat, lon = cfg["center"]
    assert arjeplog.min_lat < lat < arjeplog.max_lat
    assert arjeplog.min_lon < lon < arjeplog.max_lon
    assert cfg["townZoom"] is False


@pytest.mark.parametrize("page", ["karta/", "rapportera/"])
def test_the_default_municipalitys_maps_open_on_its_town(client, arjeplog, page):
    cfg = config(client, f"/{page}")
    assert tuple(cfg["center"]) == tuple(settings.MAP_CENTER)
    assert cfg["townZoom"] is True
