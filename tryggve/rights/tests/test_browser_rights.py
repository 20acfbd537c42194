"""The registerutdrag page in real headless Chromium: an administrator searches for a
resident's e-mail address, sees what is held, is stopped without the confirmation and
erases; axe-core checks each state in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.lib.mail import mail_queue
from tryggve.reports.models import Category
from tryggve.reports.services import report_create

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 40_000


def test_an_administrator_finds_and_erases_a_residents_data(staff_page, make_staff, shot):
    category = Category.objects.for_code("2505").get(slug="belysning")
    report = report_create(
        category=category, time_of_day="night", severity=2, description="Mörkt",
        lat=65.59, lon=19.18, contact_email="anna@example.se",
    )[0]
    mail_queue(to="anna@example.se", subject="Hej", body="Text")
    page = staff_page(make_staff("dso", "administrator"))
    page.goto("/personal/registerutdrag/", timeout=FIRST_LOAD_MS)
    found = {}
    if violations := blocking_violations(page):
        found["empty"] = violations
    page.get_by_label("E-post").fill("anna@example.se")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("link", name=report.reference)).to_be_visible()
    # The address is in the form's body, never in the address bar.
    assert "anna" not in page.url
    shot(page, "rights-found")
    if violations := blocking_violations(page):
        found["found"] = violations
    page.get_by_role("button", name="Radera", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text("Bekräfta att begäran är prövad.")
    if violations := blocking_violations(page):
        found["error"] = violations
    page.get_by_label("Jag har prövat begäran").check()
    page.get_by_role("button", name="Radera", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Raderat: 0 hushåll")
    shot(page, "rights-erased")
    assert not found, describe(found)
