"""Places in real headless Chromium: the public map's markers in the legend's colours and
shapes, the mini-maps on the case page and the public report page, the place search on the
report form (suggestions, picking one moves the marker; also without JavaScript), Leaflet's
controls in the page's language, and axe-core on these pages at phone and laptop width."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tryggve.areas.tests.test_geocoder import nominatim  # noqa: F401 (fixture)
from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.reports.models import STATUS_MARKERS, Report
from tryggve.reports.services import report_create

pytestmark = pytest.mark.browser

SYMBOL_JS = """el => {
    const g = el.querySelector('svg g');
    const shape = [...el.querySelector('svg').classList]
        .find(c => c.startsWith('marker-') && c !== 'marker-shape');
    return {shape: shape, fill: g.getAttribute('fill')};
}"""


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def second_report(published_report):
    """A resolved published report a little way from the first, so both markers show."""
    from tryggve.reports.models import Category

    report, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="vegetation"),
        time_of_day="evening",
        severity=2,
        description="Sly vid gångvägen.",
        lat=published_report.lat + 0.002,
        lon=published_report.lon + 0.004,
    )
    Report.objects.filter(pk=report.pk).update(
        published=True, public_text="Sly vid gångvägen.", status="resolved"
    )
    return report


def axe_clean(page: Page, found: dict, name: str) -> None:
    found[name] = blocking_violations(page)


def assert_no_violations(found: dict) -> None:
    blocking = {name: v for name, v in found.items() if v}
    assert not blocking, "axe-core found serious or critical problems:\n" + describe(blocking)


def test_public_map_markers_wear_the_legend_symbols(open_page, second_report, shot):
    page = open_page(path="/karta/")
    markers = page.locator("#public-map .status-marker")
    expect(markers).to_have_count(2)
    legend = page.locator(".map-legend")
    expect(legend).to_be_visible()
    for status in ("received", "resolved"):
        marker = page.locator(f"#public-map .status-marker-{status}")
        expect(marker).to_be_visible()
        seen = marker.evaluate(SYMBOL_JS)
        item = legend.locator(f'[data-marker-status="{status}"]')
        assert seen == item.evaluate(SYMBOL_JS)
        shape, colour = STATUS_MARKERS[status]
        assert seen == {"shape": f"marker-{shape}", "fill": colour}
    # The two statuses differ in shape as well as colour.
    shapes = {m.evaluate(SYMBOL_JS)["shape"] for m in markers.all()}
    assert len(shapes) == 2
    shot(page, "places-public-map-legend")


def test_an_open_popup_stays_open_when_the_map_loads_its_view_again(open_page, second_report):
    """Opening a popup pans the map and every pan loads the view again: the markers still in
    view are kept, so the popup the resident opened is not closed under them."""
    page = open_page(path="/karta/")
    marker = page.locator("#public-map .status-marker-resolved")
    expect(marker).to_be_visible()
    marker.click()
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_contain_text(second_report.reference)
    page.locator("#public-map").focus()
    with page.expect_response(lambda r: "reports.geojson" in r.url):
        page.keyboard.press("ArrowUp")
    # The reload has been drawn once the status line is written after it.
    page.wait_for_timeout(300)
    expect(popup).to_contain_text(second_report.reference)
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    expect(page.locator("#public-map .status-marker")).to_have_count(2)


def test_the_legend_is_there_without_javascript(open_page, second_report):
    page = open_page(javascript=False, path="/karta/")
    expect(page.locator(".map-legend")).to_be_visible()
    expect(page.locator('.map-legend [data-marker-status="resolved"]')).to_contain_text("Åtgärdad")
    expect(page.locator(".report-list .marker-star")).to_have_count(1)


def test_an_unknown_category_shows_a_message_and_an_empty_map(open_page, second_report):
    page = open_page(path="/karta/?category=nonsense")
    expect(page.locator(".message-error")).to_contain_text("värde som inte finns")
    expect(page.locator("#id_category_error")).to_contain_text("ingen sådan kategori")
    expect(page.locator("#map-status")).to_contain_text("kartan visar inget")
    expect(page.locator("#public-map .status-marker")).to_have_count(0)
    expect(page.locator(".report-list li")).to_have_count(0)


def test_leaflet_controls_speak_the_page_language(open_page, published_report):
    page = open_page(path="/karta/")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zooma in")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Zooma ut")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("aria-label", "Zooma in")
    prefix = page.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")
    expect(prefix).to_have_attribute("title", "Ett JavaScript-bibliotek för interaktiva kartor")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom in")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Zoom out")


def test_public_report_page_draws_the_place(open_page, published_report, streets, shot):
    page = open_page(path=f"/karta/{published_report.reference}/")
    mini = page.locator("#place-map")
    expect(mini).to_be_visible()
    marker = mini.locator(".leaflet-marker-icon")
    expect(marker).to_have_count(1)
    expect(marker).to_be_visible()
    expect(marker).to_have_attribute(
        "title", "Centrum, nära Torggatan (cirka 50 m; gatans läge är ungefärligt)"
    )
    # The marker sits where the map is centred: on the place.
    box, at = mini.bounding_box(), marker.bounding_box()
    assert abs(at["x"] + at["width"] / 2 - (box["x"] + box["width"] / 2)) < 3
    expect(page.locator(".place-coords")).to_have_text("65.59000° N, 19.18000° E")
    shot(page, "places-public-report")


def test_without_javascript_the_place_has_words_and_a_link(open_page, published_report, streets):
    page = open_page(javascript=False, path=f"/karta/{published_report.reference}/")
    expect(page.locator(".place-summary")).to_contain_text("Centrum, nära Torggatan")
    expect(page.locator("#place-map")).to_be_hidden()
    expect(page.locator("a.place-link")).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=65.59000&mlon=19.18000#map=17/65.59000/19.18000"
    )


def test_case_page_draws_the_place(make_staff, staff_page, published_report, streets, shot):
    handler = make_staff("hanna", "case_handler")
    page = staff_page(handler, path=f"/personal/arenden/{published_report.reference}/")
    marker = page.locator("#place-map .leaflet-marker-icon")
    expect(marker).to_have_count(1)
    expect(marker).to_be_visible()
    expect(page.locator(".place-coords")).to_contain_text("SWEREF 99 TM: N 7280614, E 692644")
    zoom_in = page.locator("#place-map .leaflet-control-zoom-in")
    expect(zoom_in).to_have_attribute("title", "Zooma in")
    found = {}
    axe_clean(page, found, "case")
    shot(page, "places-case-page")
    page.set_viewport_size({"width": 390, "height": 844})
    axe_clean(page, found, "case-phone")
    assert_no_violations(found)


def pick(page: Page, label: str) -> None:
    page.locator("#place-results").get_by_role("button", name=label, exact=True).click()


def test_search_suggests_known_streets_and_picking_moves_the_marker(open_page, streets, shot):
    page = open_page(phone=True, path="/rapportera/")
    expect(page.locator("#report-map")).to_be_visible()
    page.get_by_label("Sök gata eller plats").fill("torgg")
    expect(page.locator("#place-results")).to_contain_text("Välj platsen i listan:")
    pick(page, "Torggatan")
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#map-status")).to_contain_text("Vald plats: Torggatan")
    first = (
        float(page.locator("#id_lat").input_value()),
        float(page.locator("#id_lon").input_value()),
    )
    assert abs(first[0] - 65.5885) < 1e-4 and abs(first[1] - 19.179) < 1e-4
    expect(page.locator("#id_place_description")).to_have_value("Torggatan")
    marker_at = page.locator("#report-map .leaflet-marker-icon").bounding_box()
    shot(page, "places-search-picked")

    page.get_by_label("Sök gata eller plats").fill("skolg")
    pick(page, "Skolgatan")
    expect(page.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#id_lon")).to_have_value("19.188000")
    # The resident's own words are kept; the map moved to the new place.
    expect(page.locator("#id_place_description")).to_have_value("Torggatan")
    assert page.locator("#report-map .leaflet-marker-icon").bounding_box() is not None
    assert marker_at is not None
    found = {}
    axe_clean(page, found, "form-with-suggestions")
    assert_no_violations(found)


def test_search_asks_the_geocoder_when_the_resident_searches(
    open_page, streets, nominatim  # noqa: F811
):
    page = open_page(path="/rapportera/")
    page.get_by_label("Sök gata eller plats").fill("Garvaregatan")
    page.get_by_role("button", name="Sök plats").click()
    pick(page, "Garvaregatan, Centrum, Arvidsjaur")
    expect(page.locator("#id_lat")).to_have_value("65.589300")
    # Nothing the resident typed while suggestions ran went to the geocoder; one search did.
    assert [r["query"]["q"] for r in nominatim.requests] == [["Garvaregatan"]]


def test_search_without_javascript(open_page, streets, shot):
    page = open_page(javascript=False, path="/rapportera/")
    page.get_by_label("Beskriv vad som känns otryggt").fill("Mörkt vid torget.")
    page.get_by_label("Sök gata eller plats").fill("Torgg")
    page.get_by_role("button", name="Sök plats").click()
    pick(page, "Torggatan")
    expect(page.locator("#id_lat")).to_have_value("65.5885")
    expect(page.locator("#id_lon")).to_have_value("19.179")
    expect(page.get_by_label("Beskriv vad som känns otryggt")).to_have_value("Mörkt vid torget.")
    expect(page.locator(".place-results")).to_contain_text("Vald plats: Torggatan")
    # (axe-core needs JavaScript to run; the same markup is checked with it on elsewhere.)
    shot(page, "places-search-no-js")


@pytest.mark.parametrize("phone", [False, True])
def test_map_pages_pass_axe_in_both_languages(open_page, second_report, streets, phone):
    page = open_page(phone=phone, path="/karta/")
    found = {}
    for lang in ("sv", "en"):
        if lang == "en":
            page.get_by_role("button", name="In English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/karta/")
        expect(page.locator("#public-map .status-marker")).to_have_count(2)
        axe_clean(page, found, f"{lang}-map")
        page.goto(f"/karta/{second_report.reference}/")
        expect(page.locator("#place-map .leaflet-marker-icon")).to_have_count(1)
        axe_clean(page, found, f"{lang}-public-report")
        page.goto("/rapportera/")
        label = "Sök gata eller plats" if lang == "sv" else "Search for a street or place"
        page.get_by_label(label).fill("torg")
        expect(page.locator("#place-results li").first).to_be_visible()
        axe_clean(page, found, f"{lang}-form-suggestions")
    assert_no_violations(found)
