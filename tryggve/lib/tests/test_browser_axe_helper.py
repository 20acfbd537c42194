"""The shared axe-core check covers both languages and both widths (browser_fixtures): the
page's own language at both, the other language at the phone's."""

import pytest
from playwright.sync_api import expect

from tryggve import browser_fixtures
from tryggve.browser_fixtures import blocking_violations

pytestmark = pytest.mark.browser


def test_one_check_runs_sv_at_both_widths_and_en_at_the_phones(open_page):
    page = open_page(phone=True, path="/karta/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert blocking_violations(page) == []
    checked = {(key[1], key[2]) for key in browser_fixtures._AXE.done}
    assert checked == {("sv", 390), ("sv", 1366), ("en", 390)}
    # The page is left as the test had it: its own width and language.
    assert page.viewport_size["width"] == 390
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_a_page_made_by_a_post_is_checked_at_both_widths_in_its_own_language(open_page):
    page = open_page(path="/rapportera/")
    page.locator("[data-submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    browser_fixtures._AXE.done.clear()
    blocking_violations(page)
    checked = {(key[1], key[2]) for key in browser_fixtures._AXE.done}
    assert checked == {("sv", 390), ("sv", 1366)}
