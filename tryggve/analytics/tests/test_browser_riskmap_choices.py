"""The risk map's choices (offence group, cell size) in real headless Chromium, with and
without JavaScript. The form is a plain GET form whose "Visa" button sends it: no script
hides the button or sends the form on a change, so without JavaScript the page works the
same, minus the map (its heading and key show with it only)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tryggve.analytics.tests.test_browser_analytics import demo_history  # noqa: F401 (fixture)
from tryggve.browser_fixtures import blocking_violations

pytestmark = pytest.mark.browser

RISKMAP = "/personal/lagesbild/riskkarta/"
TOP_TEN = "De tio rutorna med högst risk ({} m)"


def top_cells(page: Page) -> list[str]:
    return page.get_by_role("table", name="Rutor med högst risk, högst först").locator(
        "tbody th"
    ).all_inner_texts()


def choose_vandalism_in_500_m_cells(page: Page) -> None:
    page.get_by_label("Brottsgrupp").select_option(label="Skadegörelse")
    page.get_by_label("Rutstorlek").select_option("500")


def test_without_javascript_the_button_shows_what_was_chosen(
    staff_page, make_staff, demo_history, shot  # noqa: F811
):
    page = staff_page(make_staff("polis", "police_officer"), javascript=False, path=RISKMAP)
    show = page.get_by_role("button", name="Visa")
    expect(show).to_be_visible()
    # No map without a script, and no heading or key of one.
    expect(page.locator("#analytics-map")).to_be_hidden()
    expect(page.get_by_role("heading", name="Karta", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name=TOP_TEN.format(250))).to_be_visible()
    expect(page.locator(".method-note")).to_contain_text("risken för bostadsinbrott")
    # The presence the map would draw is there in words.
    expect(page.get_by_role("list", name="Polisens närvaro senaste 30 dagarna")).to_be_visible()
    burglary_cells = top_cells(page)
    assert len(burglary_cells) == 10

    choose_vandalism_in_500_m_cells(page)
    show.click()
    expect(page).to_have_url(re.compile(r"group=vandalism&cell=500"))
    expect(page.get_by_role("heading", name=TOP_TEN.format(500))).to_be_visible()
    expect(page.locator(".method-note")).to_contain_text("risken för skadegörelse")
    expect(page.locator(".method-note")).not_to_contain_text("upprepad utsatthet")
    # The selects show what is drawn, and the table holds other cells.
    expect(page.get_by_label("Brottsgrupp")).to_have_value("vandalism")
    expect(page.get_by_label("Rutstorlek")).to_have_value("500")
    assert top_cells(page) and top_cells(page) != burglary_cells
    assert blocking_violations(page) == []
    shot(page, "analytics-riskmap-without-javascript")


def test_with_javascript_the_button_sends_the_choice_and_a_change_alone_does_not(
    staff_page, make_staff, demo_history  # noqa: F811
):
    page = staff_page(make_staff("polis", "police_officer"), path=RISKMAP)
    expect(page.locator("#analytics-map.leaflet-container")).to_be_visible()
    cells_250 = page.locator("#analytics-map path.leaflet-interactive").count()
    choose_vandalism_in_500_m_cells(page)
    # A choice is not sent by itself (a keyboard user walks through a select's options).
    show = page.get_by_role("button", name="Visa")
    expect(show).to_be_visible()
    expect(page).to_have_url(re.compile(r"/riskkarta/$"))
    expect(page.get_by_role("heading", name=TOP_TEN.format(250))).to_be_visible()
    show.click()
    expect(page).to_have_url(re.compile(r"group=vandalism&cell=500"))
    expect(page.get_by_role("heading", name=TOP_TEN.format(500))).to_be_visible()
    expect(page.locator(".method-note")).to_contain_text("risken för skadegörelse")
    expect(page.get_by_role("heading", name="Karta", exact=True)).to_be_visible()
    expect(page.locator("#analytics-map.leaflet-container")).to_be_visible()
    # Fewer, larger cells drawn for the new choice.
    cells_500 = page.locator("#analytics-map path.leaflet-interactive")
    expect(cells_500.first).to_be_attached()
    assert 0 < cells_500.count() < cells_250
