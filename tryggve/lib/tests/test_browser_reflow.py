"""Reflow and text spacing in real headless Chromium (WCAG 2.1 1.4.10 and 1.4.12): an older
resident zooms a 1280 px screen to 400 % (320 CSS px by 256), or reads with wider letter,
word and line spacing, and never has to scroll the page sideways to read a line; a case
handler's wide table scrolls in its own box, its caption wrapping in view.

The axe checks run at 390 px, where a long Swedish compound (Tillgänglighetsredogörelse,
Integritetsskyddsmyndigheten) still fits; at 320 px it did not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tryggve.browser_fixtures import REFLOW, overflow, with_text_spacing
from tryggve.fixture_points import CENTRUM
from tryggve.reports.models import Category
from tryggve.reports.services import report_create

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/rapportera/",
    "/karta/",
    "/lagesbild/",
    "/grannsamverkan/",
    "/trygghetsenkat/",
    "/medborgarloften/",
    "/personuppgifter/",
    "/tillganglighet/",
    "/open311/",
]


def test_public_pages_reflow_at_400_percent_and_with_text_spacing(
    open_page, site, published_report, shot
):
    page = open_page()
    page.set_viewport_size(REFLOW)
    pages = [*PUBLIC_PAGES, f"/karta/{published_report.reference}/"]
    problems = []
    for lang in ("sv", "en"):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": site}])
        for path in pages:
            page.goto(path)
            problems.append(overflow(page))
            with_text_spacing(page)
            if problem := overflow(page):
                problems.append(f"with text spacing, {lang}: {problem}")
        shot(page, f"reflow-{lang}-public-report-text-spacing")
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_a_wide_tables_caption_wraps_in_view_while_the_table_scrolls(
    staff_page, make_staff, site, shot
):
    for _n in range(3):
        report_create(
            category=Category.objects.for_code("2505").get(slug="belysning"),
            time_of_day="night",
            severity=2,
            description="Mörkt vid gångtunneln",
            lat=CENTRUM[0],
            lon=CENTRUM[1],
        )
    handler = make_staff("karin", "case_handler")
    page = staff_page(handler, path="/personal/arenden/")
    page.set_viewport_size(REFLOW)
    box = page.locator(".table-scroll").first
    caption = box.locator("caption")
    expect(caption).to_contain_text("senast inkomna överst")
    caption.scroll_into_view_if_needed()
    shot(page, "reflow-inbox-caption")

    def inside() -> bool:
        return page.evaluate(
            """() => {
                const box = document.querySelector(".table-scroll").getBoundingClientRect();
                const caption = document.querySelector(".table-scroll caption");
                const r = caption.getBoundingClientRect();
                return r.left >= box.left - 1 && r.right <= box.right + 1;
            }"""
        )

    # The columns are wider than the screen: the table scrolls in its box, the caption's
    # words do not run off to the side with them.
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert inside(), "the caption runs off the side of the screen"
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert inside(), "the caption scrolls away with the columns"
    assert overflow(page) is None
