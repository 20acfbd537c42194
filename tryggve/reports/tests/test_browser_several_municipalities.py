"""Arjeplog served beside Arvidsjaur at /arjeplog/ in a real browser: its pages name it,
their links, scripts and map data stay under the prefix (static files do not), and they pass
the accessibility checks."""

import pytest
from playwright.sync_api import expect

from tryggve.browser_fixtures import blocking_violations

pytestmark = pytest.mark.browser


def test_arjeplogs_pages_under_the_path(open_page, arjeplog):
    page = open_page(path="/arjeplog/")
    expect(page.locator("h1")).to_have_text("Hjälp oss göra Arjeplogs kommun tryggare")
    expect(page.locator(".brand")).to_have_attribute("href", "/arjeplog/")
    assert blocking_violations(page) == []
    page.locator(".main-nav a", has_text="Karta över rapporter").click()
    expect(page).to_have_url(f"{page.url.split('/arjeplog/')[0]}/arjeplog/karta/")
    # The map asks Arjeplog's own GeoJSON and draws Arjeplog's boundary without errors
    # (open_page's teardown fails on any script error or missing file).
    expect(page.locator(".leaflet-container")).to_be_visible()
    page.goto("/arjeplog/rapportera/")
    assert blocking_violations(page) == []
