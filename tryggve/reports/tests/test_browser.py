"""The resident's side of the e-service in real headless Chromium: filing a report on a
phone with the map, without JavaScript, with the keyboard only, and axe-core on every page.

Fixtures (the browser, the live server, pages cut off from the network) live in conftest.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import REFERENCE_RE, blocking_violations, describe, focused
from tryggve.reports.models import Report

pytestmark = pytest.mark.browser

DESCRIPTION = "Gatlampan vid gångtunneln är trasig och det är helt mörkt på kvällen."


def choose_problem(page: Page) -> None:
    page.get_by_label("Belysning").check()
    page.get_by_label("Kväll").check()
    page.get_by_label("Mycket otryggt").check()
    page.get_by_label("Beskriv vad som känns otryggt").fill(DESCRIPTION)


def send_and_read_receipt(page: Page) -> str:
    page.get_by_role("button", name="Skicka rapporten").click()
    page.wait_for_url("**/rapportera/kvitto/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tack")
    reference = page.locator(".receipt .reference").inner_text()
    assert REFERENCE_RE.fullmatch(reference), reference
    return reference


def assert_fits_the_screen(page: Page) -> None:
    """Nothing sticks out sideways: a phone user never has to scroll left and right."""
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen"


def open_tracking_link(page: Page, reference: str) -> None:
    page.locator("a.tracking-link").click()
    page.wait_for_url("**/rapport/*/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.locator(".user-text")).to_contain_text(DESCRIPTION)


def test_resident_on_phone_reports_by_tapping_the_map(open_page, photo, shot):
    page = open_page(phone=True, path="/rapportera/")
    map_element = page.locator("#report-map")
    expect(map_element).to_be_visible()
    # The tile server is unreachable here: the resident is told, and the map still works.
    expect(page.locator("#map-status")).to_contain_text("Kartbilden kunde inte laddas")
    shot(page, "phone-form-empty")
    assert_fits_the_screen(page)

    map_element.scroll_into_view_if_needed()
    box = map_element.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#id_lat")).not_to_have_value("")
    lat = float(page.locator("#id_lat").input_value())
    lon = float(page.locator("#id_lon").input_value())
    assert 65.4 < lat < 65.8 and 18.9 < lon < 19.5, (lat, lon)
    expect(page.locator("#map-status")).to_contain_text("Vald plats")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)

    choose_problem(page)
    page.locator("#id_photos").set_input_files(photo)
    shot(page, "phone-form-filled")
    reference = send_and_read_receipt(page)
    shot(page, "phone-receipt")

    open_tracking_link(page, reference)
    image = page.locator(".photos img")
    expect(image).to_have_count(1)
    # The photo loads lazily: bring it into view and wait for it, rather than race it.
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10000
    )
    shot(page, "phone-tracking")

    report = Report.objects.get(reference=reference)
    assert report.lat == pytest.approx(lat, abs=1e-5)
    assert report.area is not None
    assert report.photos.count() == 1


def test_resident_without_javascript_describes_the_place_in_words(open_page, photo, shot):
    page = open_page(javascript=False, path="/rapportera/")
    # Without JavaScript there is no map, only the fields that work everywhere.
    expect(page.locator("[data-map-block]")).to_be_hidden()
    expect(page.locator("#id_lat")).to_be_visible()
    page.get_by_label("Beskriv platsen med ord").fill("Gångtunneln under väg 95 vid skolan")
    choose_problem(page)
    page.locator("#id_photos").set_input_files(photo)
    page.get_by_label("E-post").fill("anna@example.se")
    shot(page, "desktop-nojs-form-filled")
    reference = send_and_read_receipt(page)
    expect(page.get_by_text("Vi har också skickat ett kvitto")).to_be_visible()
    shot(page, "desktop-nojs-receipt")

    open_tracking_link(page, reference)
    expect(page.locator(".facts")).to_contain_text("Gångtunneln under väg 95 vid skolan")
    expect(page.locator(".photos img")).to_have_count(1)
    shot(page, "desktop-nojs-tracking")
    report = Report.objects.get(reference=reference)
    assert report.lat is None and report.place_description.startswith("Gångtunneln")


def test_resident_on_phone_without_javascript_types_coordinates(open_page, shot):
    page = open_page(phone=True, javascript=False, path="/rapportera/")
    page.get_by_label("Latitud").fill("65.5900")
    page.get_by_label("Longitud").fill("19.1800")
    choose_problem(page)
    reference = send_and_read_receipt(page)
    assert_fits_the_screen(page)
    open_tracking_link(page, reference)
    expect(page.locator(".facts")).to_contain_text("Centrum")
    shot(page, "phone-nojs-tracking")
    assert_fits_the_screen(page)
    report = Report.objects.get(reference=reference)
    assert (report.lat, report.lon) == (65.59, 19.18)
    assert report.area.name == "Centrum"


def test_without_javascript_a_missing_answer_is_explained_and_text_kept(open_page, shot):
    page = open_page(phone=True, javascript=False, path="/rapportera/")
    page.get_by_label("Beskriv vad som känns otryggt").fill(DESCRIPTION)
    page.get_by_role("button", name="Skicka rapporten").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Välj vad som gör platsen otrygg")
    expect(summary).to_contain_text("beskriv platsen med ord")
    expect(page.get_by_label("Beskriv vad som känns otryggt")).to_have_value(DESCRIPTION)
    expect(page.locator("#id_place_description")).to_have_attribute("aria-invalid", "true")
    shot(page, "phone-nojs-errors")
    assert_fits_the_screen(page)
    assert not Report.objects.exists()


# --- Keyboard only -------------------------------------------------------------------------


def tab_to(page: Page, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element with this id has focus, and check the focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["id"] == element_id:
            assert now["outline"] or now["shadow"], f"focus on #{element_id} is not visible"
            return
    raise AssertionError(f"#{element_id} could not be reached with Tab")


def test_skip_link_moves_focus_to_the_content(open_page, shot):
    page = open_page(path="/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link is off screen when focused"
    shot(page, "desktop-skip-link")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    # The next Tab lands in the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_form_can_be_filled_and_sent_with_the_keyboard_only(open_page, shot):
    page = open_page(path="/rapportera/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link
    # Sending at once gives the error summary, which takes focus and links to each field.
    tab_to(page, "report-form-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    first_error = page.locator("#error-summary a").first
    expect(first_error).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_place_description")).to_be_focused()

    page.keyboard.type("Parkeringen bakom sporthallen")
    tab_to(page, "id_category_0")
    page.keyboard.press("Space")
    tab_to(page, "id_time_of_day_0")
    page.keyboard.press("ArrowDown")  # Kväll
    tab_to(page, "id_severity_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # Mycket otryggt
    tab_to(page, "id_description")
    page.keyboard.type(DESCRIPTION)
    tab_to(page, "id_contact_email")
    page.keyboard.type("anna@example.se")
    shot(page, "desktop-keyboard-filled")
    tab_to(page, "report-form-submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/rapportera/kvitto/")
    reference = page.locator(".receipt .reference").inner_text()
    report = Report.objects.get(reference=reference)
    assert report.category.slug == "belysning"
    assert report.time_of_day == "evening"
    assert report.severity == 3
    assert report.place_description == "Parkeringen bakom sporthallen"
    assert report.contact_email == "anna@example.se"
    # Back to the form (the submit button was disabled against double clicks): it can be used.
    page.go_back()
    expect(page.locator("#report-form-submit")).to_be_enabled()


def test_open_reports_nearby_take_focus_before_the_form(open_page, published_report):
    """report-form.js starts at the nearby reports; the shared error-summary.js, which runs
    after it, leaves that choice alone."""
    page = open_page(path="/rapportera/")
    page.get_by_label("Latitud").fill(str(published_report.lat))
    page.get_by_label("Longitud").fill(str(published_report.lon))
    choose_problem(page)
    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.locator("#nearby")).to_be_focused()


# --- axe-core ------------------------------------------------------------------------------


def test_every_public_page_passes_axe_in_swedish_and_english(open_page, published_report, shot):
    page = open_page()
    found: dict[str, list[dict]] = {}
    reference = published_report.reference

    def check(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        found[name] = blocking_violations(page)
        shot(page, f"axe-{name}")

    def map_ready() -> None:
        expect(page.locator(".leaflet-container")).to_be_visible()

    def visit_all(lang: str) -> None:
        check(f"{lang}-start", "/")
        page.goto("/rapportera/")
        map_ready()
        check(f"{lang}-form")
        page.locator("[data-submit]").click()
        expect(page.locator("#error-summary")).to_be_visible()
        check(f"{lang}-form-errors")
        page.goto("/karta/")
        map_ready()
        expect(page.locator("#public-map .status-marker")).to_have_count(1)
        if lang == "sv":
            # The missing map tiles are explained in words that fit this page.
            expect(page.locator("#map-status")).to_have_text(
                "Kartbilden kunde inte laddas. Alla rapporter finns i listan nedan."
            )
        check(f"{lang}-map")
        marker = page.locator("#public-map .status-marker")
        # Names come once per answer (names), the link from its address pattern (url).
        expect(marker).to_have_attribute(
            "title", "Belysning, Mottagen" if lang == "sv" else "Lighting, Received"
        )
        marker.click()
        expect(page.locator(".leaflet-popup-content a")).to_contain_text(reference)
        expect(page.locator(".leaflet-popup-content a")).to_have_attribute(
            "href", f"/karta/{reference}/"
        )
        # axe measures colours as they are: wait for the popup to finish fading in.
        expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
        check(f"{lang}-map-popup")
        check(f"{lang}-public-report", f"/karta/{reference}/")
        check(f"{lang}-privacy", "/personuppgifter/")
        check(f"{lang}-accessibility", "/tillganglighet/")

    visit_all("sv")

    # A report at the same spot as the published one: first the nearby reports, then the
    # receipt and the tracking page.
    page.goto("/rapportera/")
    map_ready()
    page.get_by_label("Latitud").fill(str(published_report.lat))
    page.get_by_label("Longitud").fill(str(published_report.lon))
    choose_problem(page)
    page.locator("[data-submit]").click()
    expect(page.locator("#nearby")).to_be_visible()
    check("sv-form-nearby")
    page.get_by_role("button", name="Skicka min rapport").click()
    page.wait_for_url("**/rapportera/kvitto/")
    check("sv-receipt")
    page.locator("a.tracking-link").click()
    page.wait_for_url("**/rapport/*/")
    tracking_path = page.url
    check("sv-tracking")
    page.goto(f"/karta/{reference}/")
    page.get_by_role("button", name="Jag håller också med").click()
    expect(page.locator(".messages")).to_be_visible()
    check("sv-public-report-voice")

    page.goto("/")
    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    visit_all("en")
    check("en-receipt", "/rapportera/kvitto/")
    check("en-tracking", tracking_path)
    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    blocking = {name: v for name, v in found.items() if v}
    assert not blocking, "axe-core found serious or critical problems:\n" + describe(blocking)


def test_phone_pages_pass_axe(open_page, published_report, shot):
    page = open_page(phone=True)
    found = {}
    for name, path in [
        ("start", "/"),
        ("form", "/rapportera/"),
        ("map", "/karta/"),
        ("public-report", f"/karta/{published_report.reference}/"),
    ]:
        page.goto(path)
        found[name] = blocking_violations(page)
        shot(page, f"phone-{name}")
        assert_fits_the_screen(page)
    blocking = {name: v for name, v in found.items() if v}
    assert not blocking, "axe-core found serious or critical problems:\n" + describe(blocking)
