"""The situation picture's maps with the keyboard, in real headless Chromium: Tab goes
through a map to the content after it by the map itself (arrow keys pan it) and its zoom
buttons, never by the shapes drawn on it. Chromium makes every SVG shape with a tooltip an
unnamed tab stop; the shapes' words are in a table or list on the same page instead."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tryggve.analytics.tests.test_browser_analytics import (  # noqa: F401 (a fixture)
    demo_history,
    log_tallbacka_as_a_whole,
)
from tryggve.browser_fixtures import blocking_violations, describe

pytestmark = pytest.mark.browser

MAP = "analytics-map"
SHAPES = f"#{MAP} path.leaflet-interactive"
# What a keyboard user meets in the map: the map itself (the arrow keys pan it), the zoom
# buttons (their titles in the page's language) and the credit's link to Leaflet.
MAP_OWN_STOPS = ["kartan", "Zooma in", "Zooma ut", "Leaflet"]

# The focused element: inside the map or not, what it is, and its name as a person sees it.
FOCUSED = """(mapId) => {
    const el = document.activeElement;
    const map = document.getElementById(mapId);
    const shape = el instanceof SVGElement || el.classList.contains("leaflet-marker-icon");
    const name = el === map ? "kartan"
        : el.getAttribute("aria-label") || el.textContent.trim() || el.getAttribute("title");
    return {inMap: map.contains(el), shape, name, html: el.outerHTML.slice(0, 120)};
}"""


def map_tab_stops(page: Page, start: Locator, *, limit: int = 120) -> list[dict]:
    """Every element that Tab stops at inside the map, from `start` (before the map) on to
    the first element after it, pressing Tab and reading document.activeElement."""
    page.wait_for_load_state("networkidle")
    start.focus()
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED, MAP)
        if now["inMap"]:
            stops.append(now)
        elif stops:
            return stops
    raise AssertionError(f"Tab never went through the map ({len(stops)} stops in it so far)")


def assert_only_the_maps_own_stops(stops: list[dict]) -> None:
    shapes = [s["html"] for s in stops if s["shape"]]
    assert not shapes, f"{len(shapes)} shapes are tab stops:\n" + "\n".join(shapes)
    assert [s["name"] for s in stops] == MAP_OWN_STOPS


def test_the_risk_maps_marks_are_no_tab_stops_and_are_listed_in_words(
    staff_page, make_staff, demo_history  # noqa: F811
):
    police = make_staff("polis", "police_officer")
    log_tallbacka_as_a_whole(police)
    page = staff_page(police, path="/personal/lagesbild/riskkarta/")
    expect(page.locator(f"#{MAP}.leaflet-container")).to_be_visible()
    # The demo's three logs with a point and the ring for Tallbacka's two are drawn...
    marks = page.locator(f"#{MAP} path.presence-point, #{MAP} path.presence-area")
    expect(marks).to_have_count(4)
    assert page.locator(SHAPES).count() > 10  # and the risk cells under them

    # ... and Tab goes past them: the map, its zoom buttons and the credit only (it stopped
    # at each of the four marks).
    stops = map_tab_stops(page, page.get_by_role("button", name="Visa"))
    assert_only_the_maps_own_stops(stops)
    # No shape is left for a screen reader as an unnamed focusable element.
    expect(page.locator(f"{SHAPES}:not([aria-hidden=true])")).to_have_count(0)

    # What the marks say is on the page in words, one line a mark, a point by its place.
    listed = page.get_by_role("list", name="Polisens närvaro senaste 30 dagarna")
    expect(listed.get_by_role("listitem")).to_have_count(4)
    expect(listed).to_contain_text("Tallbacka, hela området: 2 pass, 60 min")
    expect(listed.get_by_role("listitem").first).to_contain_text("Centrum")
    expect(listed.get_by_role("listitem").first).to_contain_text(": Till fots, 45 min")
    # A mouse still gets a mark's tooltip (the demo's three points lie on one spot: the
    # last drawn is on top).
    page.locator(f"#{MAP} path.presence-point").last.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text("Till fots, 60 min")
    assert blocking_violations(page) == []


def test_the_overviews_areas_are_no_tab_stops_drawn_anew_or_not(
    staff_page, make_staff, demo_history, layer_over_centrum  # noqa: F811
):
    """Twelve residential areas (their figures in the table above the map), and SCB's
    outlines drawn when the check box under the map asks (theirs in a table too)."""
    page = staff_page(make_staff("polis", "police_officer"), path="/personal/lagesbild/")
    expect(page.locator(SHAPES)).to_have_count(12)
    export = page.get_by_role("link", name="Exportera tabellen (CSV)")
    assert_only_the_maps_own_stops(map_tab_stops(page, export))

    # Leaflet draws a layer's shapes anew each time it is added: off, on, off and on again.
    layer = page.get_by_label("SCB:s statistiska områden (streckade gränser)")
    layer.check()
    expect(page.locator(SHAPES)).to_have_count(13)
    layer.uncheck()
    expect(page.locator(SHAPES)).to_have_count(12)
    layer.check()
    expect(page.locator(SHAPES)).to_have_count(13)
    assert_only_the_maps_own_stops(map_tab_stops(page, export))
    found = blocking_violations(page)
    assert not found, describe({"overview": found})
