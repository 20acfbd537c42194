"""Tables on a 390 px phone: the page itself never scrolls sideways; a wide table scrolls in
its own focusable region (keyboard users reach it with Tab)."""

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
