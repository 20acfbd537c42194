"""The representativeness in real headless Chromium: what staff and residents see, and
axe-core on the pages that show it (with the demo's surveys and population)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tryggve.areas.services import population_import
from tryggve.browser_fixtures import blocking_violations, describe, overflow

pytestmark = pytest.mark.browser

DEMO_POPULATION = (
    Path(__file__).resolve().parents[2] / "areas" / "demo" / "arvidsjaur_befolkning.csv"
)


def test_representativeness_pages_are_clear_and_axe_clean(
    open_page, staff_page, make_staff, survey, shot
):
    from tryggve.surveys.demo import load_demo_surveys
    from tryggve.surveys.models import Survey

    municipality = survey.municipality
    survey.delete()
    load_demo_surveys(municipality=municipality, today=survey.opens_on)
    result = population_import(
        municipality=municipality,
        data=DEMO_POPULATION.read_bytes(),
        year=survey.year - 1,
        source="Demo",
        is_demo=True,
    )
    assert not result.errors
    current = Survey.objects.get(year=survey.year)
    last = Survey.objects.get(year=survey.year - 1)
    handler = make_staff("handlaggare", "case_handler")
    found: dict = {}

    # The light survey page first: the server's first answer is its slowest, and the
    # results page (trends over three years) is the heaviest.
    page = staff_page(handler, phone=True, path=f"/personal/enkater/{current.pk}/")
    expect(page.get_by_role("table", name="Svar hittills: Åldersgrupp")).to_be_visible()
    expect(page.get_by_text("befolkningstalen är ungefärliga exempel").first).to_be_visible()
    shot(page, "survey-progress-phone")
    found["staff-progress-phone"] = blocking_violations(page)
    assert overflow(page) is None

    page = staff_page(handler, path=f"/personal/enkater/{last.pk}/resultat/")
    expect(page.get_by_role("heading", name="Vilka svarade?")).to_be_visible()
    expect(page.get_by_role("table", name="Svar och befolkning: Åldersgrupp")).to_be_visible()
    page.get_by_role("link", name="Visa vägda och ovägda andelar sida vid sida").click()
    page.wait_for_load_state("load")
    expect(
        page.get_by_role("columnheader", name="Vägd andel (95 % intervall)").first
    ).to_be_visible()
    shot(page, "survey-weighted")
    found["staff-weighted"] = blocking_violations(page)

    Survey.objects.filter(pk=current.pk).update(
        opens_on=survey.opens_on - datetime.timedelta(days=60),
        closes_on=survey.opens_on - datetime.timedelta(days=30),
    )
    page = open_page(phone=True, path="/trygghetsenkat/resultat/")
    expect(page.get_by_role("heading", name="Vilka svarade?")).to_be_visible()
    expect(page.get_by_text("Grupper som är dåligt representerade")).to_be_visible()
    shot(page, "survey-public-representativeness-phone")
    found["public-phone"] = blocking_violations(page)
    found = {name: v for name, v in found.items() if v}
    assert not found, describe(found)
