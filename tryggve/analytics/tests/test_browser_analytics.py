"""The situation picture in real headless Chromium: a police officer's week (overview, risk
map, suggestions, time profiles, presence logged with the keyboard only), a case handler's
observation, axe-core on every analytics page and the public summary on desktop and phone,
and maps that still explain themselves when no map tiles load.

Fixtures (the browser, the live server, pages cut off from the network, staff sessions)
come from tryggve/browser_fixtures.py, through tryggve/conftest.py.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tryggve.analytics.models import Incident, IncidentSource, PolicePresence
from tryggve.analytics.services import incidents_import, presence_log
from tryggve.areas.models import ResidentialArea
from tryggve.browser_fixtures import blocking_violations, describe, focused, overflow
from tryggve.demo.incidents import synthetic_incidents

pytestmark = pytest.mark.browser

STAFF_PAGES = {
    "overview": "/personal/lagesbild/",
    "riskmap": "/personal/lagesbild/riskkarta/",
    "suggestions": "/personal/lagesbild/forslag/",
    "time-profiles": "/personal/lagesbild/tider/",
    "presence": "/personal/lagesbild/narvaro/",
    "observation": "/personal/lagesbild/observation/",
}
TILES_FAILED = {
    "overview": "Kartbilden kunde inte laddas. Samma siffror finns i tabellen ovan.",
    "riskmap": "Kartbilden kunde inte laddas. Siffrorna finns i tabellen på sidan.",
}


@pytest.fixture
def demo_history(site):
    """The demo's synthetic five years, and some presence logged by another officer."""
    from django.contrib.auth import get_user_model

    areas = list(ResidentialArea.objects.all())
    result = incidents_import(incidents=synthetic_incidents(areas), synthetic=True)
    assert result.imported > 300
    other = get_user_model().objects.create_user(username="kollega")
    centrum = ResidentialArea.objects.get(name="Centrum")
    for days, minutes in [(1, 45), (4, 30), (9, 60)]:
        presence_log(
            officer=other,
            started=timezone.now() - timedelta(days=days),
            minutes=minutes,
            kind="foot",
            area=centrum,
            lat=65.5895,
            lon=19.1790,
            note="Kvällsrunda",
        )
    return result


def tab_to(page: Page, *, element_id: str = "", text: str = "", limit: int = 80) -> None:
    """Press Tab until the element (by id or by its text) has focus, visibly."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if (element_id and now["id"] == element_id) or (text and now["text"] == text):
            assert now["outline"] or now["shadow"], f"focus on {element_id or text} is invisible"
            return
    raise AssertionError(f"{element_id or text} could not be reached with Tab")


def type_datetime_local(page: Page, when) -> None:
    """Type a moment into the focused datetime-local field, segment by segment.

    Debian's headless Chromium lays the field out as mm/dd/yyyy, hh:mm AM/PM whatever the
    page's language; the year takes up to six digits, so an arrow key leaves it.
    """
    for key in when.strftime("%m%d%Y"):
        page.keyboard.press(key)
    page.keyboard.press("ArrowRight")
    for key in when.strftime("%I%M") + ("P" if when.hour >= 12 else "A"):
        page.keyboard.press(key)


def expect_map_with_tile_note(page: Page, name: str) -> None:
    expect(page.locator("#analytics-map.leaflet-container")).to_be_visible()
    expect(page.locator("#map-status")).to_have_text(TILES_FAILED[name])


# --- 1. A police officer's week ------------------------------------------------------------


def test_a_police_officer_reads_the_situation_picture(staff_page, make_staff, demo_history, shot):
    police = make_staff("polis", "police_officer")
    page = staff_page(police, path=STAFF_PAGES["overview"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägesbild: utsatta bostadsområden")
    expect(page.get_by_role("note")).to_contain_text("Syntetiska data:")
    # The demo's burglaries of one year are few: whether they rank the areas or say that
    # chance could explain the differences, all twelve areas are listed.
    table = page.get_by_role("table", name=re.compile(r"^Områden, mest utsatta först$|^Områden i"))
    expect(table.locator("tbody tr")).to_have_count(12)
    expect_map_with_tile_note(page, "overview")
    expect(page.locator("#analytics-map path.leaflet-interactive")).to_have_count(12)
    expect(page.get_by_text("Förberedda larm om upprepade inbrott")).to_be_visible()
    shot(page, "analytics-police-overview")

    # Another group and year through the filter form.
    page.get_by_label("Brottsgrupp").select_option(label="Skadegörelse")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Skadegörelse")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera tabellen (CSV)").click()
    assert download.value.suggested_filename.startswith("utsatthet-skadegorelse-")

    page.get_by_role("link", name="Riskkarta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riskkarta för kommande vecka")
    expect_map_with_tile_note(page, "riskmap")
    assert page.locator("#analytics-map path.leaflet-interactive").count() > 10
    expect(page.locator("table.cases tbody tr")).to_have_count(10)
    page.get_by_label("Rutstorlek").select_option("500")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_text("De tio rutorna med högst risk (500 m)")).to_be_visible()
    shot(page, "analytics-police-riskmap")

    page.get_by_role("link", name="Veckans förslag").click()
    items = page.locator("ol.suggestions > li")
    expect(items).to_have_count(5)
    expect(items.first).to_contain_text("bostadsinbrott inom 400 m")
    shot(page, "analytics-police-suggestions")

    # The demo's few dozen burglaries in five years are too few for an hour × weekday table:
    # the page says so and shows the totals per four-hour period and per weekday.
    page.get_by_role("link", name="Tider").click()
    expect(page.locator("main")).to_contain_text("för få för att visa ett mönster per timme")
    days = page.get_by_role("table", name="Antal händelser per veckodag, lokal tid")
    expect(days).to_be_visible()
    bands = page.get_by_role("table", name="Antal händelser per fyratimmarsperiod, lokal tid")
    expect(bands.get_by_role("columnheader")).to_have_text(
        ["00–04", "04–08", "08–12", "12–16", "16–20", "20–24", "Summa"]
    )
    expect(page.get_by_role("rowheader", name="23")).to_have_count(0)
    page.get_by_label("Område").select_option(label="Centrum")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("main")).to_contain_text("Centrum")
    expect(page.locator("main")).to_contain_text("för få för att visa")
    shot(page, "analytics-police-time-profiles")

    # Presence, logged with the keyboard only.
    page.get_by_role("link", name="Polisnärvaro").click()
    expect(page.get_by_role("heading", name="Logga närvaro")).to_be_visible()
    when = timezone.localtime(timezone.now() - timedelta(hours=2))
    tab_to(page, element_id="id_started")
    type_datetime_local(page, when)
    assert page.locator("#id_started").input_value() == when.strftime("%Y-%m-%dT%H:%M")
    tab_to(page, element_id="id_minutes")
    page.keyboard.type("40")
    tab_to(page, element_id="id_kind_0")
    page.keyboard.press("Space")
    tab_to(page, element_id="id_area")
    page.keyboard.press("ArrowDown")
    tab_to(page, element_id="id_note")
    page.keyboard.type("Synlig på skolgården")
    shot(page, "analytics-police-presence-filled")
    tab_to(page, text="Spara närvaron")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Närvaron är sparad.")
    saved = PolicePresence.objects.get(officer=police)
    assert (saved.minutes, saved.kind, saved.note) == (40, "foot", "Synlig på skolgården")
    assert saved.area is not None
    assert saved.started == when.replace(second=0, microsecond=0)
    expect(page.get_by_role("table", name="Polisens närvaro i timmar")).to_contain_text(
        saved.area.name
    )
    shot(page, "analytics-police-presence-saved")

    # The municipality's observations are not the police's page.
    response = page.goto(STAFF_PAGES["observation"])
    assert response.status == 403


def test_presence_errors_are_shown_and_reachable(staff_page, make_staff, site, shot):
    police = make_staff("polis", "police_officer")
    page = staff_page(police, path=STAFF_PAGES["presence"])
    page.get_by_label("Minuter").fill("2000")
    page.get_by_role("button", name="Spara närvaron").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Högst 1 440 minuter (ett dygn).")
    expect(page.locator("#id_minutes_error")).to_have_text("Högst 1 440 minuter (ett dygn).")
    expect(page.locator("#id_area_error")).to_have_text("Välj ett område eller ange en plats.")
    shot(page, "analytics-presence-errors")
    assert not PolicePresence.objects.exists()


def test_a_case_handler_records_an_observation(staff_page, make_staff, site, shot):
    handler = make_staff("karin", "case_handler")
    page = staff_page(handler, path=STAFF_PAGES["observation"])
    when = timezone.localtime(timezone.now() - timedelta(hours=5))
    page.get_by_label("När").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Vad").select_option(label="Skadegörelse")
    page.get_by_label("Latitud").fill("65.5900")
    page.get_by_label("Longitud").fill("19.1800")
    page.get_by_label("Beskrivning").fill("Sprejat klotter på skolans gavel.")
    page.get_by_role("button", name="Spara observationen").click()
    expect(page.locator(".messages")).to_contain_text("Observationen är sparad.")
    expect(page.locator("main")).to_contain_text("Sprejat klotter på skolans gavel.")
    shot(page, "analytics-case-handler-observation")
    incident = Incident.objects.get()
    assert (incident.source, incident.area.name, incident.reported_by) == (
        IncidentSource.STAFF,
        "Centrum",
        handler,
    )
    # A case handler sees presence figures but no form.
    page.goto(STAFF_PAGES["presence"])
    expect(page.get_by_role("heading", name="Logga närvaro")).to_have_count(0)
    expect(page.get_by_role("table", name="Polisens närvaro i timmar")).to_be_visible()


# --- 2. axe-core, phones and failing tiles ------------------------------------------------


def test_every_analytics_page_passes_axe(open_page, staff_page, make_staff, demo_history, shot):
    admin = make_staff("admin", "administrator")
    found: dict[str, list[dict]] = {}
    too_wide: list[str] = []

    def check(page: Page, name: str) -> None:
        # axe measures colours as they are: let maps and tooltips settle first.
        page.wait_for_load_state("networkidle")
        found[name] = blocking_violations(page)
        shot(page, f"analytics-{name}")
        if name.endswith("-phone") and (problem := overflow(page)):
            too_wide.append(f"[{name}] {problem}")

    for device in ("desktop", "phone"):
        phone = device == "phone"
        page = staff_page(admin, phone=phone)
        for name, path in STAFF_PAGES.items():
            page.goto(path)
            if name in TILES_FAILED:
                expect_map_with_tile_note(page, name)
            check(page, f"{name}-{device}")
        # A form with its errors.
        page.goto(STAFF_PAGES["presence"])
        page.get_by_role("button", name="Spara närvaron").click()
        expect(page.locator("#error-summary")).to_be_visible()
        check(page, f"presence-errors-{device}")
        page.goto(STAFF_PAGES["observation"])
        page.get_by_role("button", name="Spara observationen").click()
        expect(page.locator("#error-summary")).to_be_visible()
        check(page, f"observation-errors-{device}")

        public = open_page(phone=phone, path="/lagesbild/")
        expect(public.get_by_role("note")).to_contain_text("Syntetiska data:")
        check(public, f"public-summary-{device}")

    blocking = {name: v for name, v in found.items() if v}
    assert not blocking, "axe-core found serious or critical problems:\n" + describe(blocking)
    assert not too_wide, "Pages that stick out sideways on a phone:\n" + "\n".join(too_wide)


def test_maps_explain_themselves_without_tiles_and_without_data(
    open_page, staff_page, make_staff, site
):
    police = make_staff("polis", "police_officer")
    for phone in (False, True):
        page = staff_page(police, phone=phone)
        for name in TILES_FAILED:
            page.goto(STAFF_PAGES[name])
            expect_map_with_tile_note(page, name)
    assert open_page.external, "the tile requests should have been tried and aborted"
    assert all(url.startswith("https://tiles.invalid/") for url in open_page.external)


def test_the_statistical_layer_is_drawn_when_asked_for(
    staff_page, make_staff, demo_history, layer_over_centrum
):
    """SCB's statistical areas: a check box under the map draws their dashed outlines over
    the twelve shaded residential areas, and their figures are in a table on the page."""
    police = make_staff("polis", "police_officer")
    page = staff_page(police, path=STAFF_PAGES["overview"])
    areas = page.locator("#analytics-map path.leaflet-interactive")
    expect(areas).to_have_count(12)
    dashed = page.locator('#analytics-map path.leaflet-interactive[stroke-dasharray="6 4"]')
    expect(dashed).to_have_count(0)
    box = page.get_by_label("SCB:s statistiska områden (streckade gränser)")
    box.focus()
    page.keyboard.press("Space")
    expect(dashed).to_have_count(1)
    expect(areas).to_have_count(13)
    page.keyboard.press("Space")
    expect(dashed).to_have_count(0)
    page.get_by_text("SCB:s statistiska områden: 1 område").click()
    table = page.get_by_role("table", name="SCB:s statistiska områden med hushåll och invånare")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("2505C0010")
    page.wait_for_load_state("networkidle")
    assert not blocking_violations(page), describe({"overview-layer": blocking_violations(page)})


def test_a_police_officer_of_the_area_chooses_a_municipality_on_each_page(
    staff_page, make_staff, demo_history, arjeplog, municipality, shot
):
    """With Arjeplog served beside Arvidsjaur, the risk map, the suggestions and the time
    profiles offer the police area's municipalities (issue 14); choosing one shows it, and
    the pages with the choice pass axe."""
    police = make_staff("polis", "police_officer")
    municipality.members.add(police)
    found: dict[str, list[dict]] = {}
    for name in ("riskmap", "suggestions", "time-profiles"):
        page = staff_page(police, path=STAFF_PAGES[name])
        page.get_by_label("Kommun").select_option("2506")
        page.get_by_role("button", name="Visa").click()
        page.wait_for_url("**kommun=2506**")
        expect(page.locator("h1")).to_contain_text("Arjeplogs kommun")
        page.wait_for_load_state("networkidle")
        found[name] = blocking_violations(page)
        shot(page, f"analytics-{name}-arjeplog")
    blocking = {name: v for name, v in found.items() if v}
    assert not blocking, "axe-core found serious or critical problems:\n" + describe(blocking)


def test_the_municipality_choice_fits_a_narrow_phone(
    staff_page, make_staff, demo_history, arjeplog, municipality
):
    """The choice of municipality names the whole police area, a long option: on a 360 px
    phone the select must shrink to the screen, not push every page sideways."""
    police = make_staff("polis", "police_officer")
    municipality.members.add(police)
    page = staff_page(police, phone=True)
    page.set_viewport_size({"width": 360, "height": 740})
    for name in ("overview", "riskmap", "suggestions"):
        page.goto(STAFF_PAGES[name])
        expect(page.locator("#id_kommun")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{name} is {width} px wide on a 360 px screen"


# --- The risk map's key ---------------------------------------------------------------------

# The risk cells' fills on the map and the key's swatches, by class.
DRAWN_FILLS = """() => [...document.querySelectorAll('#analytics-map path.leaflet-interactive')]
    .filter(p => !p.classList.contains('presence-point') && !p.classList.contains('presence-area'))
    .map(p => p.getAttribute('fill'))"""
SWATCHES = """() => [...document.querySelectorAll('.risk-legend li')].map(li => {
    const rect = li.querySelector('svg rect').getBoundingClientRect();
    return {fill: li.querySelector('svg rect').getAttribute('fill'), text: li.textContent.trim(),
            drawn: rect.width > 0 && rect.height > 0};
})"""


def log_tallbacka_as_a_whole(officer) -> None:
    """Two 30-minute logs for Tallbacka without a point: one dashed ring on the risk map."""
    tallbacka = ResidentialArea.objects.get(name="Tallbacka")
    for days in (2, 3):
        presence_log(
            officer=officer,
            started=timezone.now() - timedelta(days=days),
            minutes=30,
            kind="car",
            area=tallbacka,
        )


def test_the_risk_maps_key_matches_what_is_drawn(staff_page, make_staff, demo_history, shot):
    """Swatches in the map's own colours, each with words; the presence sentence counts the
    marks drawn, presence logged for a whole area included (a ring, not a point)."""
    police = make_staff("polis", "police_officer")
    log_tallbacka_as_a_whole(police)
    page = staff_page(police, phone=True, path=STAFF_PAGES["riskmap"])
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.locator("#analytics-map.leaflet-container")).to_be_visible()
    key = page.get_by_role("region", name="Teckenförklaring")
    swatches = page.evaluate(SWATCHES)
    assert [s["text"] for s in swatches] == [
        "Högsta 1 % av rutorna",
        "Högsta 1–5 %",
        "Högsta 5–10 %",
        "Högsta 10–25 %",
    ]
    assert all(s["drawn"] for s in swatches)
    drawn = set(page.evaluate(DRAWN_FILLS))
    assert drawn and drawn <= {s["fill"] for s in swatches}, (drawn, swatches)
    # Three logs with a point (the demo's), two for Tallbacka as a whole: both drawn, and
    # the key says so with their numbers.
    expect(page.locator("#analytics-map path.presence-point")).to_have_count(3)
    expect(page.locator("#analytics-map path.presence-area")).to_have_count(1)
    expect(key).to_contain_text(
        "Runda punkter: polisens närvaro på en plats senaste 30 dagarna (3 pass)."
    )
    expect(key).to_contain_text(
        "Streckade ringar: närvaro loggad för ett helt bostadsområde utan plats (2 pass), "
        "ritad inne i området."
    )
    shot(page, "analytics-riskmap-key-360")
    assert blocking_violations(page) == []


def test_the_risk_maps_key_names_no_presence_when_none_is_drawn(
    staff_page, make_staff, demo_history
):
    PolicePresence.objects.all().delete()
    page = staff_page(make_staff("polis", "police_officer"), path=STAFF_PAGES["riskmap"])
    expect(page.locator("#analytics-map.leaflet-container")).to_be_visible()
    key = page.get_by_role("region", name="Teckenförklaring")
    expect(key).to_contain_text("Ingen polisnärvaro loggad de senaste 30 dagarna.")
    expect(key).not_to_contain_text("Runda punkter")
    expect(page.locator("#analytics-map path.presence-point")).to_have_count(0)
