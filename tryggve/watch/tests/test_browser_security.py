"""Stored HTML in names never runs on our maps, and the Content-Security-Policy holds on
every public page without blocking anything of ours (issue 8, item 7), in real Chromium.

Here in watch's tests because it walks pages of reports, analytics and watch alike (watch
is the highest of the three layers)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tryggve.areas.models import ResidentialArea
from tryggve.conftest import CENTRUM
from tryggve.reports.models import Category
from tryggve.reports.services import report_create
from tryggve.watch.services import watch_area_offer

pytestmark = pytest.mark.browser

AREA_XSS = '<img src=x onerror="window.__xss=1">'
CATEGORY_XSS = '<img src=x onerror="window.__xss=2">'

# Collects what the policy blocked, from before the page's own scripts run.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""


def listen(page: Page) -> list[str]:
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return console


def violations(page: Page, console: list[str]) -> list[str]:
    return page.evaluate("window.__csp || []") + console


@pytest.fixture
def hostile_names(site):
    """Every residential area and one category named with HTML, as an admin or a GeoJSON
    import could store them, and a report of that category on the map."""
    for area in ResidentialArea.objects.all():
        area.name = f"{AREA_XSS} {area.pk}"
        area.save(update_fields=["name"])
    Category.objects.filter(slug="belysning").update(name_sv=CATEGORY_XSS, name_en=CATEGORY_XSS)
    report, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="evening",
        severity=3,
        description="Lampan är trasig.",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
    )
    return report


def test_html_in_area_and_category_names_is_text_in_the_staff_map_tooltips(
    staff_page, make_staff, hostile_names, shot
):
    police = make_staff("polis", "police_officer")
    page = staff_page(police)
    console = listen(page)

    page.goto("/personal/lagesbild/")
    areas = page.locator("#analytics-map path.leaflet-interactive")
    expect(areas.first).to_be_attached()
    areas.first.dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(AREA_XSS)
    expect(tooltip.locator("img")).to_have_count(0)
    shot(page, "security-area-tooltip")

    page.goto("/personal/lagesbild/riskkarta/")
    square = page.locator("#analytics-map .report-square")
    expect(square).to_have_count(1)
    square.dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(f"{hostile_names.reference}: {CATEGORY_XSS}")
    expect(tooltip.locator("img")).to_have_count(0)

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert violations(page, console) == []


def test_every_public_page_has_the_policy_and_breaks_none_of_it(
    open_page, published_report, site
):
    area = watch_area_offer(
        name="Lärkan",
        households=61,
        streets="Storgatan",
        actor=get_user_model().objects.create_user(username="polisen"),
        residential_area=ResidentialArea.objects.get(name="Centrum"),
    )
    pages = [
        "/",
        "/rapportera/",
        "/karta/",
        f"/karta/{published_report.reference}/",
        "/grannsamverkan/",
        f"/grannsamverkan/{area.slug}/",
        "/lagesbild/",
        "/personuppgifter/",
        "/tillganglighet/",
    ]
    for phone in (False, True):
        page = open_page(phone=phone)
        console = listen(page)
        for path in pages:
            response = page.goto(path)
            assert response.status == 200, path
            policy = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in policy, path
            assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, path
            assert "report-uri /csp-report/" in policy, path
            page.wait_for_load_state("load")
            assert violations(page, console) == [], path
