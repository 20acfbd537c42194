"""The resident's forms and pages in real headless Chromium, for what axe cannot see: the
contact fields say what they hold (WCAG 1.3.5), a wrong latitude is told once and rightly
(3.3.3), an addition sent empty says so at the top of
the tracking page, as a unit's empty note does on its link's page (3.3.1), and the
municipality's Swedish texts on an English page are marked Swedish, so that a screen reader
reads them in Swedish (3.1.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.fixture_points import CENTRUM
from tryggve.lib.tokens import hash_token
from tryggve.reports.models import Category, Unit, UnitLink
from tryggve.reports.services import report_add_resident_info, report_add_update, report_create

pytestmark = pytest.mark.browser


def language_of(page: Page, selector: str) -> str:
    """The language a screen reader reads the element's text in: its nearest lang."""
    return page.locator(selector).first.evaluate("el => el.closest('[lang]').lang")


@pytest.fixture
def tracked(site):
    report, token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="night",
        severity=2,
        description="Mörkt vid gångtunneln.",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
    )
    return report, token


def test_a_latitude_out_of_range_is_told_once_and_rightly(open_page, shot):
    page = open_page(phone=True, javascript=False, path="/rapportera/")
    page.get_by_label("Latitud").fill("95")
    page.get_by_label("Longitud").fill("19.18")
    page.get_by_role("button", name="Skicka rapporten").click()
    summary = page.locator("#error-summary li").filter(has_text="Latitud")
    shot(page, "report-form-latitude-out-of-range")
    # Both were given: "give both latitude and longitude" would send the resident astray.
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("90")
    expect(page.get_by_label("Latitud")).to_have_value("95")


def test_the_browser_may_fill_in_the_residents_own_contact_details(open_page):
    page = open_page(phone=True, path="/rapportera/")
    expect(page.get_by_label("Namn")).to_have_attribute("autocomplete", "name")
    expect(page.get_by_label("E-post")).to_have_attribute("autocomplete", "email")
    phone = page.get_by_label("Telefon")
    expect(phone).to_have_attribute("autocomplete", "tel")
    # A phone shows its digit keyboard, and the field looks like the others.
    expect(phone).to_have_attribute("type", "tel")
    assert phone.evaluate(
        "el => [getComputedStyle(el).display, getComputedStyle(el).borderTopStyle]"
    ) == ["block", "solid"]


@pytest.mark.parametrize("javascript", [True, False])
def test_an_empty_addition_is_named_at_the_top_of_the_tracking_page(
    open_page, tracked, javascript, shot
):
    _report, token = tracked
    page = open_page(phone=True, javascript=javascript, path=f"/rapport/{token}/")
    page.get_by_role("button", name="Skicka tillägget").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Skriv det du vill lägga till.")
    # Right under the heading, where the page opens, not only beside the field far below.
    assert page.evaluate(
        "() => document.querySelector('main h1').nextElementSibling.id"
    ) == "error-summary"
    assert summary.bounding_box()["y"] < page.viewport_size["height"]
    shot(page, f"tracking-empty-addition-{'js' if javascript else 'nojs'}")
    if javascript:
        expect(summary).to_be_focused()
        summary.get_by_role("link").click()
        expect(page.get_by_label("Det du vill lägga till")).to_be_focused()
    found = blocking_violations(page)
    assert not found, describe({"tracking-error": found})


def test_an_empty_note_is_named_at_the_top_of_the_units_link_page(open_page, tracked, shot):
    report, _token = tracked
    unit = Unit.objects.create(name="Gatu- och parkenheten", email="gata@example.se")
    report.unit = unit
    report.save(update_fields=["unit"])
    UnitLink.objects.create(
        report=report, unit=unit, token_hash=hash_token("enhetens-lank"),
        expires=timezone.now() + timedelta(days=30),
    )
    page = open_page(phone=True, path="/enhet/enhetens-lank/")
    page.get_by_role("button", name="Skicka beskedet").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.evaluate(
        "() => document.querySelector('main h1').nextElementSibling.id"
    ) == "error-summary"
    shot(page, "unit-link-empty-note")


def test_the_municipalitys_swedish_texts_are_marked_swedish_on_english_pages(
    open_page, site, published_report, tracked, make_staff
):
    report, token = tracked
    report_add_update(
        report=report, text="Vi byter lampan nästa vecka.", to_resident=True,
        actor=make_staff("karin", "case_handler"),
    )
    report_add_resident_info(report=report, text="It is still dark here.")
    page = open_page()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])

    page.goto("/karta/")
    expect(page.locator(".report-list p")).to_have_text(published_report.public_text)
    assert language_of(page, ".report-list p") == "sv"
    assert language_of(page, ".report-list a") == "en"

    page.goto(f"/karta/{published_report.reference}/")
    assert language_of(page, "p.user-text") == "sv"
    assert language_of(page, "h1") == "en"

    # The report form's "someone has already reported something similar here".
    page.goto("/rapportera/")
    page.evaluate(
        "([lat, lon]) => { document.getElementById('id_lat').value = lat;"
        " document.getElementById('id_lon').value = lon; }",
        [str(CENTRUM[0]), str(CENTRUM[1])],
    )
    page.get_by_label("Lighting").check()
    page.locator("#id_time_of_day_0").check()
    page.locator("#id_severity_0").check()
    page.get_by_label("Describe what feels unsafe").fill("Dark.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("#nearby blockquote")).to_have_text(published_report.public_text)
    assert language_of(page, "#nearby blockquote") == "sv"

    # The tracking page: the municipality's message is Swedish, the resident's own words
    # are in whatever language they wrote (the page's).
    page.goto(f"/rapport/{token}/")
    assert language_of(page, ".history p:text('Vi byter lampan')") == "sv"
    assert language_of(page, ".history p:text('It is still dark')") == "en"
