"""In real headless Chromium: a resident reads "Du sa, vi gjorde" and the headline
indicators on /medborgarloften/, and staff open the live indicators and next year's draft
page; axe-core checks each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.followup.demo import load_demo_followup
from tryggve.followup.models import Promise
from tryggve.surveys import figures as survey_figures
from tryggve.surveys.figures import ThemeYear

pytestmark = pytest.mark.browser


def check(page: Page, name: str, shot, found: dict) -> None:
    page.wait_for_load_state("load")
    shot(page, f"followup-{name}")
    violations = blocking_violations(page)
    if violations:
        found[name] = violations


def test_resident_sees_you_said_we_did_and_staff_plan_next_year(
    open_page, staff_page, make_staff, municipality, today, shot, monkeypatch
):
    load_demo_followup(municipality=municipality, today=today)
    # The survey's themes as the surveys app gives them (the survey demo is loaded apart).
    years = [
        ThemeYear(
            year=today.year,
            texts=60,
            counts={"belysning": 21, "polisnarvaro": 14, "grannsamverkan": 9, "trafik": None},
            is_demo=True,
        )
    ]
    monkeypatch.setattr(survey_figures, "theme_counts", lambda **kwargs: years)
    found: dict = {}
    resident = open_page(path="/medborgarloften/")
    expect(resident.get_by_role("heading", name="Du sa, vi gjorde")).to_be_visible()
    said = resident.locator(".you-said")
    expect(said.get_by_role("heading", name="Du sa: Belysning (21 svar)")).to_be_visible()
    expect(said).to_contain_text("Laga belysning och röja sly där invånarna rapporterat")
    expect(said.get_by_role("heading", name="Du sa: Synlig polis (14 svar)")).to_be_visible()
    expect(said).not_to_contain_text("Trafik")
    expect(resident.get_by_role("heading", name="Några siffror i år")).to_be_visible()
    headlines = resident.locator(".headlines")
    expect(headlines).to_contain_text("Inkomna synpunkter")
    expect(headlines).to_contain_text("Otrygga ute sent på kvällen")
    expect(headlines).to_contain_text("Startade grannsamverkansområden")
    check(resident, "public-you-said", shot, found)
    handler = make_staff("handlaggare2", "case_handler", first_name="Hanna")
    page = staff_page(handler, path="/personal/uppfoljning/indikatorer/live/")
    expect(page.get_by_role("heading", name="Inkomna synpunkter")).to_be_visible()
    check(page, "live-indicators", shot, found)
    current = Promise.objects.current(today)
    page.goto(f"/personal/uppfoljning/lofte/{current.pk}/nasta-ar/")
    check(page, "draft", shot, found)
    page.get_by_role("button", name="Skapa utkast till nästa års löfte").click()
    expect(page.get_by_role("status")).to_contain_text("Utkastet till nästa års löfte finns nu.")
    assert Promise.objects.filter(drafted_from=current, published=False).count() == 1
    assert not found, describe(found)
