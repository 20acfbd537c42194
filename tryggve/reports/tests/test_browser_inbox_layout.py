"""The inbox on a 1366 px laptop, as a case handler sees it: the whole width, no sideways
scrolling (of the page or of the table), dates on one line, a status badge on every row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tryggve.browser_fixtures import blocking_violations, describe, overflow
from tryggve.fixture_points import CENTRUM
from tryggve.reports.models import Category, Report, Status, Unit
from tryggve.reports.services import report_create

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_inbox(site):
    unit = Unit.objects.create(name="Gatu- och parkenheten, drift och underhåll", email="g@x.se")
    statuses = list(Status)
    for n in range(14):
        report, _token = report_create(
            category=Category.objects.for_code("2505").get(slug="belysning"),
            time_of_day="night",
            severity=2,
            description="Mörkt vid gångtunneln",
            lat=CENTRUM[0],
            lon=CENTRUM[1],
        )
        Report.objects.filter(pk=report.pk).update(
            status=statuses[n % len(statuses)],
            unit=unit,
            created=timezone.now() - timedelta(days=n),
            due=timezone.now() + timedelta(days=10 - n),
        )


def test_inbox_fits_a_laptop_and_names_every_status(staff_page, make_staff, busy_inbox, shot):
    handler = make_staff("karin", "case_handler")
    page = staff_page(handler, path="/personal/arenden/")
    assert page.viewport_size["width"] == 1366
    expect(page.locator("table.cases tbody tr")).to_have_count(14)
    shot(page, "staff-inbox-1366")

    assert overflow(page) is None
    table = page.evaluate(
        "() => { const box = document.querySelector('.table-scroll');"
        " return [box.scrollWidth, box.clientWidth]; }"
    )
    assert table[0] <= table[1], f"the table scrolls sideways inside its box: {table}"
    # Not the 800 px reading column: the content uses the laptop's width.
    assert page.locator("main").bounding_box()["width"] > 1200

    rows = page.locator("table.cases tbody tr")
    for i in range(rows.count()):
        badge = rows.nth(i).locator(".status")
        expect(badge).to_be_visible()
        assert badge.inner_text().strip() in {str(s.label) for s in Status}
        # The status has a colour of its own (not the default grey of plain text).
        colour = badge.evaluate("el => getComputedStyle(el).backgroundColor")
        assert colour not in {"rgba(0, 0, 0, 0)", "transparent"}

    # Dates stay on one line: each date cell is one line high.
    for cell in page.locator("table.cases tbody td.nowrap").all():
        height = cell.evaluate(
            "el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)"
        )
        assert height < 2.2, f"a date wraps: {cell.inner_text()!r}"

    found = blocking_violations(page)
    assert not found, describe({"inbox": found})
