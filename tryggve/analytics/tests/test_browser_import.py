"""A case handler uploads a CSV file in real headless Chromium: the column mapping with the
file's first rows, the file's own types mapped onto groups with the keyboard, the progress
while the task queue works, the result (axe-core clean)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tryggve.analytics.models import Incident, IncidentImport
from tryggve.analytics.services import incident_import_run
from tryggve.browser_fixtures import blocking_violations
from tryggve.conftest import CENTRUM

pytestmark = pytest.mark.browser

LAT, LON = CENTRUM
CSV = (
    "Datum;Brottstyp;Latitud;Longitud;Beskrivning\n"
    f"2026-11-20 22:15;Inbrott;{LAT};{LON};Inbrott i villa, altandörr uppbruten\n"
    f"2026-11-21 01:40;Skadegörelse;{LAT};{LON};Krossad ruta i busskur\n"
    f"inte en tid;Stöld;{LAT};{LON};Cykel stulen\n"
    f"inte heller;Stöld;{LAT};{LON};Spark stulen\n"
).encode()


def record_what_is_said(page) -> None:
    """From now on, every text the status line (#import-announce) is given goes into
    `window.said`, in order: what a screen reader says."""
    page.evaluate(
        """() => {
            window.said = [];
            const line = document.getElementById("import-announce");
            new MutationObserver(() => window.said.push(line.textContent))
                .observe(line, {childList: true, characterData: true, subtree: true});
        }"""
    )


def test_upload_mapping_progress_and_result(staff_page, make_staff, dummy_queue, tmp_path, shot):
    # The queue holds the task until the test runs it, so the progress page can be seen.
    path = tmp_path / "händelser.csv"
    path.write_bytes(CSV)
    page = staff_page(make_staff("karin", "case_handler"), path="/personal/lagesbild/import/")
    assert blocking_violations(page) == []
    page.get_by_label("CSV-fil").set_input_files(path)
    page.get_by_role("button", name="Ladda upp och granska").click()

    expect(page.get_by_role("heading", name="Filens första rader")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("Inbrott i villa, altandörr uppbruten")
    expect(page.get_by_label("Datum (och tid)", exact=True)).to_have_value("Datum")
    expect(page.get_by_label("Typ av händelse")).to_have_value("Brottstyp")
    assert blocking_violations(page) == []
    shot(page, "analytics-import-mapping")
    page.get_by_role("button", name="Importera").click()

    # Queued: no "0 %", a word that one may leave, and nothing said aloud yet.
    expect(page.locator("#import-phase")).to_have_text("I kö – importen startar snart")
    expect(page.locator("main")).to_contain_text(
        "Du kan lämna sidan; importen fortsätter och resultatet finns i importhistoriken."
    )
    expect(page.get_by_role("link", name="importhistoriken")).to_be_visible()
    expect(page.get_by_role("link", name="Uppdatera")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("")
    assert page.locator("progress#import-bar").get_attribute("value") is None
    assert blocking_violations(page) == []
    shot(page, "analytics-import-progress")
    # Everything the status line says from here on, in order.
    record_what_is_said(page)
    upload = IncidentImport.objects.get()
    bar = page.locator("progress#import-bar")
    for done in (10, 20, 30, 40, 60):
        IncidentImport.objects.filter(pk=upload.pk).update(
            status=IncidentImport.Status.RUNNING, total_rows=100, rows_done=done
        )
        expect(bar).to_have_js_property("value", done, timeout=5_000)
        expect(page.locator("#import-phase")).to_have_text(f"Importeras: {done} %")
    # Five polls that moved the bar, three things said: the start and two quarters.
    assert page.evaluate("window.said") == [
        "Importen har startat.",
        "Importeras: 30 %",
        "Importeras: 60 %",
    ]
    IncidentImport.objects.filter(pk=upload.pk).update(
        status=IncidentImport.Status.QUEUED, total_rows=4, rows_done=0
    )
    incident_import_run(import_id=upload.pk)

    # The page's script sees the import finish and shows the result without a click, with
    # the focus on it: a screen reader reads how it went.
    result = page.get_by_role("heading", name="Importen är klar: 2 händelser importerade")
    expect(result).to_be_visible(timeout=15_000)
    expect(result).to_be_focused()
    expect(page.locator(".import-result dd")).to_have_text(["2", "0", "2"])
    # The two rows that fail alike are one reason with its count, above each row's line.
    causes = page.get_by_role("table", name="Orsaker som flera rader delar")
    expect(causes.locator("tbody tr")).to_have_count(1)
    expect(causes.locator("tbody td")).to_have_text(
        ["tiden '…' går inte att tolka; skriv till exempel 2026-03-04 22:15", "2", "rad 4, rad 5"]
    )
    expect(page.locator("main")).to_contain_text("rad 4: tiden 'inte en tid' går inte att tolka")
    assert blocking_violations(page) == []
    shot(page, "analytics-import-result")
    assert Incident.objects.count() == 2

    page.get_by_role("link", name="Alla importer").click()
    expect(page.locator("main table").first).to_contain_text("händelser.csv")


def test_a_mapping_error_takes_focus_to_the_summary(staff_page, make_staff, municipality, tmp_path):
    """The mapping page has no script of its own: the shared one (error-summary.js) starts a
    keyboard user at the list of what to fix, and its link leads into the field."""
    path = tmp_path / "händelser.csv"
    path.write_bytes(CSV)
    page = staff_page(
        make_staff("karin", "case_handler"), phone=True, path="/personal/lagesbild/import/"
    )
    page.get_by_label("CSV-fil").set_input_files(path)
    page.get_by_role("button", name="Ladda upp och granska").click()
    page.get_by_label("Longitud (WGS84)").select_option("")
    page.get_by_role("button", name="Importera").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Välj också kolumnen för longitud")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Longitud (WGS84)")).to_be_focused()
    # Its label in view too (a bare fragment link scrolls the select to the top, the label
    # above it out of view; 0.9: the block scrolled to the top may clip a fraction of a pixel).
    expect(page.locator("label[for=id_lon]")).to_be_in_viewport(ratio=0.9)
    assert not IncidentImport.objects.exclude(status="uploaded").exists()


TWO_DATES = (
    "Datum;Datum;Brottstyp;Latitud;Longitud\n"
    f"2026-11-20 22:15;2026-11-23 09:00;Skadegörelse;{LAT};{LON}\n"
).encode()


def test_the_second_of_two_columns_of_one_name_can_be_chosen(
    staff_page, make_staff, municipality, tmp_path
):
    """An export's event date and reported date, both "Datum": the second is offered as
    "Datum (2)" in the table and the selects, and choosing it reads it (it read the first)."""
    path = tmp_path / "två-datum.csv"
    path.write_bytes(TWO_DATES)
    page = staff_page(make_staff("karin", "case_handler"), path="/personal/lagesbild/import/")
    page.get_by_label("CSV-fil").set_input_files(path)
    page.get_by_role("button", name="Ladda upp och granska").click()

    expect(page.locator("main table thead th")).to_have_text(
        ["Datum", "Datum (2)", "Brottstyp", "Latitud", "Longitud", "Vid importen"]
    )
    time = page.get_by_label("Datum (och tid)", exact=True)
    expect(time.locator("option")).to_have_text(
        ["(ingen kolumn)", "Datum", "Datum (2)", "Brottstyp", "Latitud", "Longitud"]
    )
    expect(time).to_have_value("Datum")
    time.select_option(label="Datum (2)")
    page.get_by_role("button", name="Pröva kolumnerna").click()
    expect(page.get_by_label("Datum (och tid)", exact=True)).to_have_value("Datum (2)")
    expect(page.locator("td.trial")).to_have_text(["Importeras i gruppen Skadegörelse"])
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Importera").click()

    result = page.get_by_role("heading", name="Importen är klar: 1 händelse importerad")
    expect(result).to_be_visible(timeout=15_000)
    occurred = timezone.localtime(Incident.objects.get().occurred_at)
    assert occurred.strftime("%Y-%m-%d %H:%M") == "2026-11-23 09:00"


OWN_TYPES = (
    "Datum;Brottstyp;Latitud;Longitud;Beskrivning\n"
    f"2026-11-20 22:15;Tagg;{LAT};{LON};Tags på skolans vägg\n"
    f"2026-11-20 23:15;Tagg;{LAT};{LON};Tags på busskuren\n"
    f"2026-11-21 01:40;Nedskräpning;{LAT};{LON};Sopor vid återvinningen\n"
    f"2026-11-21 02:40;Tjuvjakt;{LAT};{LON};Skott i skogen\n"
    f"2026-11-21 03:40;Skadegörelse;{LAT};{LON};Krossad ruta\n"
).encode()


def test_the_files_own_types_are_mapped_with_the_keyboard(
    staff_page, make_staff, municipality, tmp_path, shot
):
    """The types the importer does not know get a select each, in a group named by its
    legend, reached with Tab and set by typing; the import then counts them."""
    path = tmp_path / "kommunens-rapporter.csv"
    path.write_bytes(OWN_TYPES)
    page = staff_page(make_staff("karin", "case_handler"), path="/personal/lagesbild/import/")
    page.get_by_label("CSV-fil").set_input_files(path)
    page.get_by_role("button", name="Ladda upp och granska").click()

    types = page.get_by_role("group", name="Typer som inte känns igen")
    expect(types.get_by_role("combobox")).to_have_count(3)
    tagg = types.get_by_label("Tagg (2 rader)")
    expect(tagg).to_have_value("")
    expect(tagg.locator("option:checked")).to_have_text("(avvisa raderna)")
    assert blocking_violations(page) == []
    shot(page, "analytics-import-types")

    # From the source system, the field after the columns' selects, Tab goes on to the
    # file's types, in the page's order.
    page.get_by_label("Källsystem").focus()
    page.keyboard.press("Tab")
    expect(tagg).to_be_focused()
    page.keyboard.type("Skad")
    expect(tagg).to_have_value("vandalism")
    page.keyboard.press("Tab")
    expect(types.get_by_label("Nedskräpning (1 rad)")).to_be_focused()
    page.keyboard.type("Ord")
    expect(types.get_by_label("Nedskräpning (1 rad)")).to_have_value("disturbance")
    page.keyboard.press("Tab")
    expect(types.get_by_label("Tjuvjakt (1 rad)")).to_be_focused()  # left: rows rejected
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Importera")).to_be_focused()
    page.keyboard.press("Enter")

    result = page.get_by_role("heading", name="Importen är klar: 4 händelser importerade")
    expect(result).to_be_visible(timeout=15_000)
    expect(page.locator(".import-result dd")).to_have_text(["4", "0", "1"])
    expect(page.locator("main")).to_contain_text("rad 5: okänd typ 'Tjuvjakt'")
    assert blocking_violations(page) == []
    shot(page, "analytics-import-types-result")
    assert sorted(Incident.objects.values_list("offence_group", flat=True)) == [
        "disturbance",
        "vandalism",
        "vandalism",
        "vandalism",
    ]


def test_the_history_pages_by_keyboard(staff_page, make_staff, municipality, shot):
    """Two lists, two pagers, each named: the uploads' next page is reached with the keyboard,
    opens at the list, and the fetches keep their page."""
    from datetime import timedelta

    from tryggve.analytics.models import FeedFetch

    handler = make_staff("karin", "case_handler", first_name="Karin")
    IncidentImport.objects.bulk_create(
        IncidentImport(municipality=municipality, uploaded_by=handler, file_name=f"fil-{i}.csv")
        for i in range(60)
    )
    now = timezone.now()
    FeedFetch.objects.bulk_create(
        FeedFetch(started=now - timedelta(hours=i), url="x", outcome="ok") for i in range(15)
    )
    page = staff_page(handler, path="/personal/lagesbild/import/?hamtningar=2")
    uploads = page.get_by_role("navigation", name="Sidor med tidigare importer")
    fetches = page.get_by_role("navigation", name="Sidor med polisens hämtningar")
    expect(uploads.locator("[aria-current=page]")).to_have_text("Sida 1 av 2")
    expect(fetches.locator("[aria-current=page]")).to_have_text("Sida 2 av 2")
    assert blocking_violations(page) == []
    uploads.get_by_role("link", name="Nästa").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/import/?hamtningar=2&sida=2#history-caption")
    expect(uploads.locator("[aria-current=page]")).to_have_text("Sida 2 av 2")
    expect(fetches.locator("[aria-current=page]")).to_have_text("Sida 2 av 2")
    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(10)
    shot(page, "analytics-import-history-page-2")


def test_an_import_that_stalls_while_its_page_is_open(staff_page, make_staff, municipality, shot):
    """The worker dies while the page polls: the line says the import stands still, set
    apart as a notice; the status line says it once, not at every poll; and "the import
    carries on" goes from beside it (it stayed until the page was reloaded)."""
    from datetime import timedelta

    handler = make_staff("karin", "case_handler")
    upload = IncidentImport.objects.create(
        municipality=municipality,
        uploaded_by=handler,
        file_name="händelser.csv",
        status=IncidentImport.Status.RUNNING,
        total_rows=100,
        rows_done=42,
        queued=timezone.now(),
        progressed=timezone.now(),
    )
    page = staff_page(handler, phone=True, path=f"/personal/lagesbild/import/{upload.pk}/")
    phase = page.locator("#import-phase")
    leave = page.get_by_text("Du kan lämna sidan; importen fortsätter")
    expect(phase).to_have_text("Importeras: 42 %")
    expect(leave).to_be_visible()
    record_what_is_said(page)
    since = timezone.now() - timedelta(minutes=16)
    IncidentImport.objects.filter(pk=upload.pk).update(progressed=since)
    expect(phase).to_contain_text("Importen har stått still sedan kl.", timeout=5_000)
    expect(phase).to_have_class("notice")
    expect(leave).to_be_hidden()
    # Two more polls: nothing more is said.
    for _poll in range(2):
        with page.expect_response(lambda r: r.url.endswith("/status.json")):
            pass
    said = page.evaluate("window.said")
    assert len(said) == 1 and said[0].startswith("Importen har stått still sedan kl.")
    assert blocking_violations(page) == []
    shot(page, "analytics-import-stalled")
