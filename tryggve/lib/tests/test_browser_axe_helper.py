"""The shared axe-core check covers both languages and both widths (browser_fixtures): the
page's own language at both, the other language at the phone's; TRYGGVE_AXE=quick (CI's
second pass) checks the page once, as it is."""

import pytest
from playwright.sync_api import expect

from tryggve import browser_fixtures
from tryggve.browser_fixtures import blocking_violations

pytestmark = pytest.mark.browser

LOW_CONTRAST = """() => {
    const p = document.createElement('p');
    p.textContent = 'Grå text på vitt';
    p.style.cssText = 'color:#ccc;background:#fff;font-size:14px';
    document.querySelector('main').prepend(p);
}"""


@pytest.fixture
def full(monkeypatch):
    monkeypatch.setattr(browser_fixtures, "AXE_FULL", True)


def checked() -> set[tuple[str, int]]:
    return {(key[1], key[2]) for key in browser_fixtures._AXE.done}


def test_one_check_runs_sv_at_both_widths_and_en_at_the_phones(open_page, full):
    page = open_page(phone=True, path="/karta/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert blocking_violations(page) == []
    assert checked() == {("sv", 390), ("sv", 1366), ("en", 390)}
    # The page is left as the test had it: its own width and language.
    assert page.viewport_size["width"] == 390
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_a_page_made_by_a_post_is_checked_at_both_widths_in_its_own_language(open_page, full):
    page = open_page(path="/rapportera/")
    page.locator("[data-submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    browser_fixtures._AXE.done.clear()
    blocking_violations(page)
    assert checked() == {("sv", 390), ("sv", 1366)}


def test_poor_contrast_is_found_at_both_widths(open_page, full):
    page = open_page(phone=True, path="/karta/")
    page.evaluate(LOW_CONTRAST)
    found = blocking_violations(page)
    contexts = {v["context"] for v in found if v["id"] == "color-contrast"}
    assert contexts == {"sv, 390 px", "sv, 1366 px"}


def test_the_quick_check_runs_once_as_the_page_is(open_page, monkeypatch):
    monkeypatch.setattr(browser_fixtures, "AXE_FULL", False)
    page = open_page(phone=True, path="/karta/")
    page.evaluate(LOW_CONTRAST)
    found = blocking_violations(page)
    assert checked() == {("sv", 390)}
    assert [v["context"] for v in found if v["id"] == "color-contrast"] == ["sv, 390 px"]
