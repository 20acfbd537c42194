"""Tables on a 390 px phone: the page itself never scrolls sideways; a wide table scrolls in
its own focusable region (keyboard users reach it with Tab); date and time fields are as
large as the other fields."""

from __future__ import annotations

import pytest

from tryggve.analytics.services import incidents_import
from tryggve.areas.models import ResidentialArea
from tryggve.browser_fixtures import overflow
from tryggve.demo.incidents import synthetic_incidents

pytestmark = pytest.mark.browser

REGION_SCROLLS = """() => {
    const region = document.querySelector('.table-scroll');
    const table = region.querySelector('table');
    return {
        scrollable: region.scrollWidth > region.clientWidth,
        overflowX: getComputedStyle(region).overflowX,
        focusable: region.tabIndex === 0,
        name: region.getAttribute('aria-label') || region.getAttribute('aria-labelledby'),
        tableWider: table.getBoundingClientRect().width > region.clientWidth,
    };
}"""


def _check(page) -> None:
    assert overflow(page) is None, overflow(page)
    region = page.evaluate(REGION_SCROLLS)
    assert region["overflowX"] == "auto"
    assert region["focusable"] and region["name"]
    # A table wider than the screen scrolls inside its region instead of being cut off.
    if region["tableWider"]:
        assert region["scrollable"]
        before = page.evaluate("document.querySelector('.table-scroll').scrollLeft")
        page.locator(".table-scroll").first.focus()
        page.evaluate("document.querySelector('.table-scroll').scrollLeft = 10000")
        after = page.evaluate("document.querySelector('.table-scroll').scrollLeft")
        assert after > before


def test_the_public_summary_fits_a_phone(open_page, site):
    areas = list(ResidentialArea.objects.all())
    incidents_import(incidents=synthetic_incidents(areas), synthetic=True)
    page = open_page(phone=True, path="/lagesbild/")
    _check(page)


def test_the_staff_inbox_fits_a_phone(staff_page, make_staff, make_report, site):
    for n in range(3):
        make_report(description=f"Rapport {n}")
    user = make_staff("handlaggare", "case_handler")
    page = staff_page(user, phone=True, path="/personal/arenden/")
    _check(page)


def test_the_presence_date_time_field_looks_like_the_other_fields(staff_page, make_staff, site):
    user = make_staff("polis", "police_officer")
    page = staff_page(user, phone=True, path="/personal/lagesbild/narvaro/")
    style = """el => {
        const s = getComputedStyle(el);
        return [s.borderTopWidth, s.paddingTop, s.fontSize, el.getBoundingClientRect().height];
    }"""
    started = page.locator("input[type=datetime-local]").first.evaluate(style)
    minutes = page.locator("input[type=number]").first.evaluate(style)
    assert started[:3] == minutes[:3]
    assert started[3] >= minutes[3] - 1
    assert page.locator("input[type=datetime-local]").first.bounding_box()["width"] >= 200


HINT = "Svep eller rulla i sidled för fler kolumner"
# Every table box on the page: does it scroll, and is its hint on screen.
HINTS = """() => [...document.querySelectorAll('.table-scroll')].map(region => {
    const hint = region.querySelector('.table-scroll-hint');
    const box = hint && hint.getBoundingClientRect();
    return {
        scrolls: region.scrollWidth > region.clientWidth + 1,
        shown: !!box && box.width > 0 && box.height > 0,
        text: hint ? hint.textContent.trim() : null,
    };
})"""


def _hints_match_scrolling(page) -> None:
    regions = page.evaluate(HINTS)
    assert regions
    for region in regions:
        assert region["text"] and region["text"].startswith(HINT)
        assert region["shown"] == region["scrolls"], regions


def _within_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360


def test_the_situation_tables_show_what_matters_on_a_narrow_phone(
    staff_page, make_staff, site, shot
):
    from datetime import timedelta

    from django.utils import timezone
    from playwright.sync_api import expect

    from tryggve.analytics.services import presence_log

    areas = list(ResidentialArea.objects.all())
    incidents_import(incidents=synthetic_incidents(areas), synthetic=True)
    # A real hot spot this year, so the areas are ranked and the table has its assessment
    # (the demo's few burglaries of one year alone may differ no more than chance makes).
    from tryggve.analytics.models import Incident
    from tryggve.analytics.tests.conftest import burglary_in

    centrum = ResidentialArea.objects.get(name="Centrum")
    new_year = timezone.localtime().replace(month=1, day=1, hour=0, minute=0, second=0)
    Incident.objects.bulk_create(
        burglary_in(centrum, external_id=f"het-{k}", when=new_year + timedelta(minutes=k))
        for k in range(30)
    )
    police = make_staff("polis", "police_officer")
    presence_log(
        officer=police,
        # Minutes ago: this year's table, whenever the test runs.
        started=timezone.now() - timedelta(minutes=5),
        minutes=90,
        kind="foot",
        area=ResidentialArea.objects.get(name="Centrum"),
    )
    page = staff_page(police, phone=True)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto("/personal/lagesbild/")
    ranking = page.get_by_role("region", name="Områden, mest utsatta först")
    expect(ranking.locator(".table-scroll-hint")).to_be_visible()
    expect(ranking.locator(".table-scroll-hint")).to_contain_text(HINT)
    # What the table is read for is on screen without swiping: the area and its assessment.
    for name in ("Område", "Bedömning"):
        assert _within_screen(page, ranking.get_by_role("columnheader", name=name, exact=True))
    probability = ranking.get_by_role("columnheader", name="Sannolikhet över kommunens takt")
    assert probability.bounding_box()["x"] < 360
    _hints_match_scrolling(page)
    assert overflow(page) is None, overflow(page)
    shot(page, "analytics-overview-360")
    # Swiped to the end, the area's name is still beside its figures.
    ranking.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    first_area = ranking.locator("tbody th[scope=row]").first
    assert _within_screen(page, first_area)
    assert first_area.bounding_box()["x"] <= 30

    page.goto("/personal/lagesbild/narvaro/")
    hours = page.get_by_role("region", name="Polisens närvaro i timmar")
    expect(hours.locator(".table-scroll-hint")).to_be_visible()
    # Months by name (a screen reader hears "januari", not "1"), the total first.
    headers = hours.locator("thead th")
    expect(headers).to_have_count(14)
    expect(headers.nth(1)).to_have_text("Summa")
    expect(headers.nth(2).locator("[aria-hidden=true]")).to_have_text("Jan")
    expect(hours.get_by_role("columnheader", name="januari", exact=True)).to_have_count(1)
    expect(hours.get_by_role("columnheader", name="december", exact=True)).to_have_count(1)
    assert _within_screen(page, hours.get_by_role("columnheader", name="Summa"))
    expect(hours.locator("tbody tr").first.locator("td").first).to_have_text("1,5")
    hours.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert _within_screen(page, hours.locator("tbody th[scope=row]").first)
    _hints_match_scrolling(page)
    assert overflow(page) is None, overflow(page)
    shot(page, "analytics-presence-360")

    # On a laptop the tables fit, and no hint stands over them.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/personal/lagesbild/narvaro/")
    expect(hours.locator(".table-scroll-hint")).to_be_hidden()
    _hints_match_scrolling(page)
