"""The sign-up form in real headless Chromium: the household's own name, e-mail and mobile
number say what they hold, so that the browser (or an assistive tool) can fill them in
(WCAG 1.3.5), and the mobile field brings up a phone's digit keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_browser_may_fill_in_the_households_own_details(open_page, site, make_area):
    area = make_area(name="Lärkan")
    page = open_page(phone=True, path=f"/grannsamverkan/{area.slug}/")
    expect(page.get_by_label("Namn")).to_have_attribute("autocomplete", "name")
    expect(page.get_by_role("textbox", name="E-post")).to_have_attribute("autocomplete", "email")
    mobile = page.get_by_label("Mobiltelefon")
    expect(mobile).to_have_attribute("autocomplete", "tel")
    expect(mobile).to_have_attribute("type", "tel")
    # It looks like the other fields (the shared style names each type it draws).
    assert mobile.evaluate(
        "el => [getComputedStyle(el).display, getComputedStyle(el).borderTopStyle]"
    ) == ["block", "solid"]
