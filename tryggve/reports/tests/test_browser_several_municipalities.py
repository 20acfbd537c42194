"""Arjeplog served beside Arvidsjaur at /arjeplog/ in a real browser: its pages name it,
their links, scripts and map data stay under the prefix (static files do not), and they pass
the accessibility checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from tryggve.areas.tests.test_identity import png_bytes
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
    # It opens on Arjeplog: its whole outline in view, filling the map (MAP_CENTER, the
    # default municipality's town, lies outside it).
    outline = page.locator(".leaflet-overlay-pane path").first
    expect(outline).to_be_visible()
    box, frame = outline.bounding_box(), page.locator(".leaflet-container").bounding_box()
    for start, size in (("x", "width"), ("y", "height")):
        assert frame[start] - 1 <= box[start]
        assert box[start] + box[size] <= frame[start] + frame[size] + 1
    assert box["width"] > frame["width"] / 2 or box["height"] > frame["height"] / 2
    page.goto("/arjeplog/rapportera/")
    assert blocking_violations(page) == []


def test_arjeplogs_own_colour_and_logo(open_page, arjeplog, settings, tmp_path):
    """The header takes Arjeplog's colour from its stylesheet (the Content-Security-Policy
    lets it load) and shows its logo with the name as alt text; the page stays accessible."""
    settings.MEDIA_ROOT = tmp_path
    arjeplog.brand_colour = "#5a2d6e"
    arjeplog.logo = SimpleUploadedFile("arjeplog.png", png_bytes(), content_type="image/png")
    arjeplog.full_clean()
    arjeplog.save()
    page = open_page(path="/arjeplog/")
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(90, 45, 110)")
    logo = page.get_by_role("img", name="Arjeplogs kommun")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert blocking_violations(page) == []
    # Arvidsjaur keeps the stylesheet's own colour and its name as text.
    page.goto("/")
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 79, 108)")
    expect(page.locator(".brand")).to_have_text("Trygg i Arvidsjaur")
