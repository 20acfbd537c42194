"""The map of unsafe places in real headless Chromium: the public results page draws only
the squares of five respondents or more, with the e-service's reports as a layer that can
be switched off; the staff pages draw the finer squares. axe-core checks each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.conftest import CENTRUM
from tryggve.surveys.importers import survey_for_year
from tryggve.surveys.tests.test_maps import CENTRUM_250, in_cell, respond

pytestmark = pytest.mark.browser

CELLS = ".leaflet-overlay-pane path.density-cell"
# The live server's first answer compiles templates and loads catalogues: on the shared
# two cores that alone has taken nine seconds, so the first page gets more than the usual 10.
FIRST_LOAD_MS = 40_000


def first_page(page, path: str):
    page.goto(path, timeout=FIRST_LOAD_MS)
    return page


@pytest.fixture
def marked(municipality, today):
    """Last year's closed survey: two squares of five respondents, one square of four people
    with three places each (never public)."""
    survey = survey_for_year(municipality=municipality, year=today.year - 1)
    for corner in (CENTRUM_250, (CENTRUM_250[0] + 500, CENTRUM_250[1])):
        for person in range(5):
            respond(survey, [in_cell(corner, person)], text="Mörk gångväg")
    lonely = (CENTRUM_250[0], CENTRUM_250[1] + 750)
    for person in range(4):
        respond(survey, [in_cell(lonely, 3 * person + k) for k in range(3)])
    return survey


def test_public_map_draws_only_the_cells_of_five(open_page, marked, make_report, shot):
    make_report(at=CENTRUM, published=True, public_text="Trasig lampa.")
    found: dict = {}
    page = first_page(open_page(), "/trygghetsenkat/resultat/")
    expect(page.locator(CELLS)).to_have_count(2)
    expect(page.locator(".leaflet-marker-pane .report-square")).to_have_count(1)
    square = page.locator(".leaflet-marker-pane .report-square")
    expect(square).to_have_attribute("title", re.compile(r"^Belysning, \w"))
    # The table under the map holds the same two squares.
    expect(page.locator(".places-table tbody tr")).to_have_count(2)
    shot(page, "survey-places-public")
    if violations := blocking_violations(page):
        found["public"] = violations
    page.get_by_role("checkbox", name="Otrygga platser enligt trygghetsenkäten").uncheck()
    expect(page.locator(CELLS)).to_have_count(0)
    page.get_by_role("checkbox", name="Rapporter från e-tjänsten").uncheck()
    expect(page.locator(".leaflet-marker-pane .report-square")).to_have_count(0)
    page.get_by_role("checkbox", name="Otrygga platser enligt trygghetsenkäten").check()
    expect(page.locator(CELLS)).to_have_count(2)
    # No cell is a tab stop, drawn anew or not: the table under the map has their figures,
    # and Chromium would make each shape with a tooltip one (dozens on a town's map).
    expect(page.locator(f'{CELLS}[tabindex="-1"]')).to_have_count(2)
    phone = open_page(phone=True, path="/trygghetsenkat/resultat/")
    expect(phone.locator(CELLS)).to_have_count(2)
    if violations := blocking_violations(phone):
        found["public-phone"] = violations
    assert not found, describe(found)


def test_public_places_without_javascript_are_a_table(open_page, marked):
    page = first_page(open_page(javascript=False), "/trygghetsenkat/resultat/")
    expect(page.locator("[data-map-block]")).to_be_hidden()
    expect(page.locator(".places-table tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="rapportkartan")).to_be_visible()


def test_staff_pages_draw_the_finer_cells(staff_page, make_staff, marked, shot):
    handler = make_staff("handlaggare", "case_handler")
    found: dict = {}
    page = first_page(staff_page(handler), f"/personal/enkater/{marked.pk}/resultat/")
    # 125 m squares: the twelve places of the four people now show too.
    expect(page.locator(CELLS)).to_have_count(3)
    expect(page.get_by_text("Mörk gångväg").first).to_be_visible()
    shot(page, "survey-places-staff")
    if violations := blocking_violations(page):
        found["staff-results"] = violations
    page = staff_page(handler, path="/personal/lagesbild/")
    expect(page.locator(CELLS)).to_have_count(3)
    expect(page.locator(f'{CELLS}[tabindex="-1"]')).to_have_count(3)
    page.get_by_role("checkbox", name="Otrygga platser enligt trygghetsenkäten").uncheck()
    expect(page.locator(CELLS)).to_have_count(0)
    shot(page, "survey-places-lagesbild")
    if violations := blocking_violations(page):
        found["lagesbild"] = violations
    assert not found, describe(found)
