"""A case handler's CSV upload in real headless Chromium with JavaScript off: the file
sent, its columns mapped, the import started; the progress page's script (which polls and
reloads) does not run, so its visible "Uppdatera" link is the way on, and it leads to the
result with the focus on it. A finished upload is then undone by its plain confirmation
form. axe-core checks each page as the user meets it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tryggve.analytics.models import Incident, IncidentImport
from tryggve.analytics.services import incident_import_run
from tryggve.analytics.tests.test_browser_import import CSV
from tryggve.browser_fixtures import blocking_violations, overflow

pytestmark = pytest.mark.browser

IMPORT = "/personal/lagesbild/import/"
RESULT = "Importen är klar: 2 händelser importerade"


def upload_and_map(page: Page, path) -> None:
    """Send the file and accept the columns the page chose from their names."""
    page.get_by_label("CSV-fil").set_input_files(path)
    page.get_by_role("button", name="Ladda upp och granska").click()
    expect(page.get_by_role("heading", name="Filens första rader")).to_be_visible()
    expect(page.get_by_label("Datum (och tid)", exact=True)).to_have_value("Datum")
    page.get_by_role("button", name="Importera").click()


def test_without_javascript_the_update_link_leads_from_the_progress_to_the_result(
    staff_page, make_staff, dummy_queue, tmp_path, shot
):
    # The queue holds the task until the test runs it, so the progress page can be seen.
    path = tmp_path / "händelser.csv"
    path.write_bytes(CSV)
    page = staff_page(make_staff("karin", "case_handler"), javascript=False, path=IMPORT)
    upload_and_map(page, path)

    main = page.get_by_role("main")
    expect(main.locator("#import-phase")).to_have_text("I kö – importen startar snart")
    expect(main.get_by_role("progressbar", name="Importens förlopp")).to_be_visible()
    update = main.get_by_role("link", name="Uppdatera")
    expect(update).to_be_visible()
    expect(main.get_by_role("link", name="importhistoriken")).to_be_visible()
    assert blocking_violations(page) == []
    shot(page, "analytics-import-progress-without-javascript")

    # Half-way: the link shows how far it has come, as the script would have.
    upload = IncidentImport.objects.get()
    IncidentImport.objects.filter(pk=upload.pk).update(
        status=IncidentImport.Status.RUNNING, total_rows=100, rows_done=40
    )
    update.click()
    expect(main.locator("#import-phase")).to_have_text("Importeras: 40 %")
    expect(main.locator("progress#import-bar")).to_have_attribute("value", "40")
    expect(page.get_by_role("heading", name=RESULT)).to_have_count(0)

    IncidentImport.objects.filter(pk=upload.pk).update(
        status=IncidentImport.Status.QUEUED, total_rows=4, rows_done=0
    )
    incident_import_run(import_id=upload.pk)
    update.click()

    # The result, in the page's main landmark, with the focus on its heading (autofocus,
    # no script needed): a screen reader reads how it went first.
    result = main.get_by_role("heading", name=RESULT, level=2)
    expect(result).to_be_visible()
    expect(result).to_be_focused()
    expect(main.locator(".import-result dt")).to_have_text(
        ["Importerade", "Dubbletter (fanns redan)", "Avvisade rader"]
    )
    expect(main.locator(".import-result dd")).to_have_text(["2", "0", "2"])
    expect(main).to_contain_text("rad 4: tiden 'inte en tid' går inte att tolka")
    # The progress is gone: no link left to press, no bar standing still.
    expect(main.get_by_role("link", name="Uppdatera")).to_have_count(0)
    expect(main.get_by_role("progressbar")).to_have_count(0)
    expect(main.get_by_role("link", name="Ångra importen")).to_be_visible()
    assert blocking_violations(page) == []
    shot(page, "analytics-import-result-without-javascript")
    assert Incident.objects.count() == 2


def test_without_javascript_an_upload_is_undone_by_its_confirmation_form(
    staff_page, make_staff, tmp_path, shot
):
    # The tests' task queue runs the import at once: the form leads straight to the result.
    path = tmp_path / "fel-kolumner.csv"
    path.write_bytes(CSV)
    handler = make_staff("karin", "case_handler", first_name="Karin")
    page = staff_page(handler, javascript=False, path=IMPORT)
    upload_and_map(page, path)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=RESULT)).to_be_visible()
    assert Incident.objects.count() == 2

    main.get_by_role("link", name="Ångra importen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ångra importen av fel-kolumner.csv?"
    )
    expect(main).to_contain_text("2 händelser finns kvar att ta bort")
    confirm = main.get_by_role("button", name="Ta bort händelserna")
    expect(confirm).to_be_visible()
    expect(main.get_by_role("link", name="Nej, tillbaka till importen")).to_be_visible()
    assert blocking_violations(page) == []
    shot(page, "analytics-import-undo-without-javascript")
    confirm.click()

    # Back on the import's page, which now says it was undone, by whom and how much.
    expect(page.locator(".messages")).to_contain_text("Importen är ångrad: 2 händelser togs bort.")
    result = main.get_by_role("heading", name="Importen är ångrad", level=2)
    expect(result).to_be_visible()
    expect(result).to_be_focused()
    expect(main.locator("#import-undone")).to_contain_text(
        "av Karin: 2 händelser togs bort ur lägesbilden."
    )
    expect(main.get_by_role("link", name="Ångra importen")).to_have_count(0)
    assert blocking_violations(page) == []
    shot(page, "analytics-import-undone-without-javascript")
    assert not Incident.objects.exists()
    upload = IncidentImport.objects.get()
    assert (upload.removed, upload.undone_by) == (2, handler)

    # Asked again (the back button, an old tab), the page says it cannot, and why.
    page.goto(f"{IMPORT}{upload.pk}/angra/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importen av fel-kolumner.csv kan inte ångras"
    )
    expect(main).to_contain_text("Den är redan ångrad.")
    expect(main.get_by_role("button", name="Ta bort händelserna")).to_have_count(0)


def test_on_a_360_px_phone_a_long_file_name_never_widens_the_pages(
    staff_page, make_staff, tmp_path
):
    """Exported files have long names without spaces ("Incidentrapporter_…_v47-48.csv"):
    in a heading such a name would not wrap, and the officer's phone would scroll sideways
    on the mapping, the result and the undo page."""
    path = tmp_path / "Incidentrapporter_Arvidsjaurs_kommun_vecka_47-48_export.csv"
    path.write_bytes(CSV)
    page = staff_page(
        make_staff("polis", "police_officer"), phone=True, javascript=False, path=IMPORT
    )
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_label("CSV-fil").set_input_files(path)
    page.get_by_role("button", name="Ladda upp och granska").click()
    expect(page.get_by_role("heading", name="Filens första rader")).to_be_visible()
    assert overflow(page) is None, overflow(page)
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("heading", name=RESULT)).to_be_visible()
    assert overflow(page) is None, overflow(page)
    page.get_by_role("main").get_by_role("link", name="Ångra importen").click()
    expect(page.get_by_role("button", name="Ta bort händelserna")).to_be_visible()
    assert overflow(page) is None, overflow(page)
