"""The public-form guard as a resident sees it in Chromium (issue 8, item 4): the honeypot is
invisible, a person gets through with every check on, and past the limit the form comes back
with what was typed and when to try again, axe-core clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.reports.models import Report
from tryggve.reports.tests.test_browser import choose_problem, send_and_read_receipt

pytestmark = pytest.mark.browser

PLACE = "Gångtunneln under väg 95 vid skolan"


def fill(page) -> None:
    page.get_by_label("Beskriv platsen med ord").fill(PLACE)
    choose_problem(page)


def test_a_resident_past_the_limit_keeps_the_form_and_is_told_when(open_page, settings):
    # Every check as in production, except that the test does not wait three seconds.
    settings.PUBLIC_POST_BOT_CHECKS = True
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    settings.PUBLIC_POST_LIMITS = {**settings.PUBLIC_POST_LIMITS, "report": (1, 3600)}
    page = open_page(path="/rapportera/")
    expect(page.locator("input[name=ovrigt_falt]")).to_be_hidden()
    fill(page)
    send_and_read_receipt(page)

    page.goto("/rapportera/")
    fill(page)
    page.get_by_role("button", name="Skicka rapporten").click()
    notice = page.get_by_role("alert").filter(has_text="Försök igen om")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("klockan")
    expect(page.get_by_label("Beskriv platsen med ord")).to_have_value(PLACE)
    expect(page.get_by_label("Belysning")).to_be_checked()
    violations = blocking_violations(page)
    assert not violations, describe({"429": violations})
    assert Report.objects.count() == 1
