"""The icon in the browser: linked from every page, served, and no request for it fails."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_every_page_links_an_icon_that_loads(open_page, staff_page, make_staff, site):
    page = open_page(path="/")
    icon = page.locator('link[rel="icon"]')
    expect(icon).to_have_attribute("href", "/static/favicon.svg")
    for path in ["/static/favicon.svg", "/favicon.ico"]:
        response = page.request.get(path)
        assert response.status == 200, path
    assert "<svg" in page.request.get("/favicon.ico").text()
    for path in ["/rapportera/", "/karta/", "/lagesbild/", "/personal/logga-in/", "/finns-inte/"]:
        page.goto(path)
        expect(page.locator('link[rel="icon"]')).to_have_count(1)
    # The admin has its own page frame (templates/admin/base_site.html) with the icon too.
    admin = make_staff("ada", "administrator", is_staff=True, is_superuser=True)
    admin_page = staff_page(admin, path="/admin/")
    expect(admin_page.locator('link[rel="icon"]')).to_have_count(1)
    # open_page's teardown fails the test if any page's request answered 404.
