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
