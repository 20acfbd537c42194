"""The survey in real headless Chromium, for what axe cannot see: the error summary tells
the places' mistakes apart (WCAG 3.3.1), and an English page reads the staff's Swedish title
in Swedish (3.1.2) and names the age groups in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tryggve.fixture_points import OUTSIDE

pytestmark = pytest.mark.browser


def test_each_places_mistake_is_told_apart_in_the_summary(open_page, survey, shot):
    page = open_page(javascript=False, path="/trygghetsenkat/")
    page.get_by_label("Mycket trygg", exact=True).check()
    for n in (1, 3):
        page.locator(f"[name='q-unsafe_places-{n}-lat']").fill(str(OUTSIDE[0]))
        page.locator(f"[name='q-unsafe_places-{n}-lon']").fill(str(OUTSIDE[1]))
    page.get_by_role("button", name="Skicka mina svar").click()
    links = page.locator("#error-summary a")
    expect(links).to_have_count(2)
    shot(page, "survey-places-errors-nojs")
    # Not twice "Latitud: Platsen ligger utanför …": which place, and each to its own field.
    expect(links.nth(0)).to_contain_text("Latitud (plats 1): Platsen ligger utanför")
    expect(links.nth(1)).to_contain_text("Latitud (plats 3): Platsen ligger utanför")
    hrefs = [links.nth(n).get_attribute("href") for n in range(2)]
    assert hrefs == ["#id_q-unsafe_places-1-lat", "#id_q-unsafe_places-3-lat"]


def test_an_english_page_reads_the_title_in_swedish_and_the_age_groups_in_english(
    open_page, staff_page, make_staff, site, survey
):
    english = [{"name": "django_language", "value": "en", "url": site}]
    page = open_page()
    page.context.add_cookies(english)
    page.goto("/trygghetsenkat/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(survey.title)
    expect(heading).to_have_attribute("lang", "sv")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page = staff_page(make_staff("handlaggare", "case_handler"))
    page.context.add_cookies(english)
    page.goto(f"/personal/enkater/{survey.pk}/")
    table = page.get_by_role("table", name="Answers so far: Age group")
    expect(table.get_by_role("rowheader", name="16–24 years")).to_be_visible()
    expect(table).not_to_contain_text(" år")
