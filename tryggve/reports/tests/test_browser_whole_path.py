"""The whole path of a case in real headless Chromium (issues 8.1, 9.4, 9.5): the resident
reports, reads the receipt and adds a neighbour's name on the tracking page; the case handler
triages it from the inbox, sees the response templates follow the chosen status, sends the
case to a unit, writes to the resident and publishes edited texts; the unit opens the link
from its mail, posts a note and marks the work done; a police officer opens a case sent to
the police. Every page is checked with axe-core, and each step is photographed at phone
(390 px) and laptop (1366 px) width under pytest's tmp_path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import REFERENCE_RE, blocking_violations, describe, overflow
from tryggve.reports.models import Report, ResponseTemplate, Status, Unit

pytestmark = pytest.mark.browser

DESCRIPTION = "Lampan vid gångtunneln under väg 95 är trasig; helt mörkt på kvällen."
NEIGHBOUR = "Min granne Sven Svensson, 070-555 12 34, har också sett att den är trasig."
EDITED_ADDITION = "En granne har också sett att lampan är trasig."
PUBLIC_TEXT = "Trasig belysning i gångtunneln under väg 95."
TO_RESIDENT = "Hej! Gatuenheten byter armaturen i gångtunneln nästa vecka."
EDITED_UPDATE = "Gatuenheten byter armaturen nästa vecka."
FORWARDED_TEMPLATE = "Vi har skickat ärendet till den enhet som ansvarar för platsen."
RESOLVED_TEMPLATE = "Nu är platsen åtgärdad. Tack för att du hörde av dig!"
UNIT_NOTE = "Ny armatur beställd, monteras på tisdag."
POLICE_NOTE = "Vi har hastighetskontroll här på torsdag kväll."
LINK_RE = re.compile(r"https?://[^\s]+(/enhet/[A-Za-z0-9_-]+/)")

PHONE_WIDTH, LAPTOP_WIDTH = 390, 1366


class Checks:
    """axe-core, sideways overflow on a phone, and a screenshot at both widths per page."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.violations: dict[str, list[dict]] = {}
        self.too_wide: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        self.violations[name] = blocking_violations(page)
        height = page.viewport_size["height"] if page.viewport_size else 900
        original = page.viewport_size
        for label, width in (("phone", PHONE_WIDTH), ("laptop", LAPTOP_WIDTH)):
            page.set_viewport_size({"width": width, "height": height})
            if width == PHONE_WIDTH and (problem := overflow(page)):
                self.too_wide.append(f"[{name}] {problem}")
            page.screenshot(path=str(self.folder / f"{name}-{label}.png"), full_page=True)
        if original:
            page.set_viewport_size(original)

    def assert_clean(self) -> None:
        blocking = {name: v for name, v in self.violations.items() if v}
        assert not blocking, "axe-core found serious or critical problems:\n" + describe(
            blocking
        )
        assert not self.too_wide, "Pages wider than a phone:\n" + "\n".join(self.too_wide)
        assert len(list(self.folder.glob("*.png"))) == 2 * len(self.violations)


@pytest.fixture
def check(tmp_path) -> Checks:
    folder = tmp_path / "shots"
    folder.mkdir()
    return Checks(folder)


def action(page: Page, name: str):
    return page.get_by_role("form", name=name)


def expect_saved(page: Page) -> None:
    expect(page.locator(".messages")).to_contain_text("Sparat.")
    expect(page.locator(".message-error")).to_have_count(0)


def test_the_whole_path(open_page, staff_page, make_staff, check):
    street = Unit.objects.create(name="Gatuenheten", email="gata@arvidsjaur.example")
    police_unit = Unit.objects.create(name="Polisen LPO Piteå älvdal", email="polis@example.se")
    handler = make_staff("karin", "case_handler", first_name="Karin", last_name="Lind")
    officer = make_staff("per", "police_officer", first_name="Per", last_name="Polis")
    police_unit.members.add(officer)
    ResponseTemplate.objects.create(
        title="Skickat vidare", status=Status.FORWARDED, text=FORWARDED_TEMPLATE
    )
    ResponseTemplate.objects.create(
        title="Åtgärdat", status=Status.RESOLVED, text=RESOLVED_TEMPLATE
    )

    # 1. The resident, on a phone: report, receipt, tracking page, an addition. --------------
    resident = open_page(phone=True, path="/rapportera/")
    check(resident, "01-resident-form")
    resident.get_by_label("Latitud").fill("65.5900")
    resident.get_by_label("Longitud").fill("19.1800")
    resident.get_by_label("Belysning").check()
    resident.get_by_label("Kväll").check()
    resident.get_by_label("Mycket otryggt").check()
    resident.get_by_label("Beskriv vad som känns otryggt").fill(DESCRIPTION)
    resident.get_by_role("button", name="Skicka rapporten").click()
    resident.wait_for_url("**/rapportera/kvitto/")
    expect(resident.get_by_role("heading", level=1)).to_contain_text("Tack")
    reference = resident.locator(".receipt .reference").inner_text()
    assert REFERENCE_RE.fullmatch(reference), reference
    expect(resident.get_by_role("heading", name="Följ ditt ärende")).to_be_visible()
    check(resident, "02-resident-receipt")
    resident.locator("a.tracking-link").click()
    resident.wait_for_url("**/rapport/*/")
    tracking_path = resident.url
    expect(resident.get_by_role("heading", level=1)).to_contain_text(reference)
    resident.get_by_label("Det du vill lägga till").fill(NEIGHBOUR)
    resident.get_by_role("button", name="Skicka tillägget").click()
    expect(resident.locator(".messages")).to_contain_text("Tack! Det du skrev finns nu i ärendet.")
    expect(resident.locator("ol.history")).to_contain_text(NEIGHBOUR)
    check(resident, "03-resident-tracking")

    # 2. The case handler, on a laptop: inbox, case, templates, unit, resident, publish. ------
    staff = staff_page(handler, path="/personal/arenden/")
    staff.set_viewport_size({"width": LAPTOP_WIDTH, "height": 900})
    first_row = staff.locator("table.cases tbody tr").first
    expect(first_row.locator("th")).to_have_text(reference)
    check(staff, "04-handler-inbox")
    first_row.get_by_role("link", name=reference).click()
    staff.wait_for_url(f"**/personal/arenden/{reference}/")
    history = staff.locator("ol.history")
    addition = history.locator("li", has_text=NEIGHBOUR)
    expect(addition).to_contain_text("Syns för: Den som rapporterade")
    expect(history.locator("li").first).to_contain_text("Syns för: Alla")

    # The templates follow the status being set, from the first status of a new case.
    status_form = action(staff, "Ändra status")
    status_form.get_by_text("Svarsmallar").click()
    status_form.get_by_label("Ny status").select_option(label="Skickad till ansvarig")
    expect(status_form.get_by_text(FORWARDED_TEMPLATE)).to_be_visible()
    expect(status_form.get_by_text(RESOLVED_TEMPLATE)).to_be_hidden()
    status_form.get_by_label("Ny status").select_option(label="Åtgärdad")
    expect(status_form.get_by_text(RESOLVED_TEMPLATE)).to_be_visible()
    expect(status_form.get_by_text(FORWARDED_TEMPLATE)).to_be_hidden()
    status_form.get_by_label("Ny status").select_option(label="Skickad till ansvarig")
    check(staff, "05-handler-case-templates")

    # Send to the unit, then the status that says so.
    form = action(staff, "Ansvarig enhet")
    form.get_by_label("Ansvarig enhet").select_option(label=street.name)
    form.get_by_role("button", name="Skicka till enheten").click()
    expect_saved(staff)
    expect(staff.get_by_text("Länken till Gatuenheten gäller till")).to_be_visible()
    form = action(staff, "Ändra status")
    form.get_by_label("Ny status").select_option(label="Skickad till ansvarig")
    form.get_by_role("button", name="Spara status").click()
    expect_saved(staff)
    expect(staff.locator(".status-line .status")).to_have_text("Skickad till ansvarig")

    # A message to the resident: for the resident, not for everyone.
    form = action(staff, "Skriv ett besked eller en anteckning")
    form.get_by_label("Besked till den som rapporterade").check()
    form.get_by_label("Text").fill(TO_RESIDENT)
    form.get_by_role("button", name="Spara").click()
    expect_saved(staff)
    update_row = staff.locator("ol.history li", has_text=TO_RESIDENT)
    expect(update_row).to_contain_text("Syns för: Den som rapporterade")

    # Publish the case with a reviewed text.
    form = action(staff, "Det som visas offentligt")
    form.get_by_label("Text som visas offentligt").fill(PUBLIC_TEXT)
    form.get_by_label("Visa på den offentliga kartan").check()
    form.get_by_role("button", name="Spara publicering").click()
    expect_saved(staff)

    # Publish edited versions of the message and of the resident's addition.
    for original, edited in ((TO_RESIDENT, EDITED_UPDATE), (NEIGHBOUR, EDITED_ADDITION)):
        row = staff.locator("ol.history li", has_text=original)
        row.get_by_text("Publicera en redigerad version").click()
        row.get_by_label("Version som visas för alla").fill(edited)
        row.get_by_role("button", name="Publicera versionen").click()
        expect_saved(staff)
        row = staff.locator("ol.history li", has_text=original)
        expect(row).to_contain_text("Publicerad version: " + edited)
        expect(row).to_contain_text("alla ser den redigerade versionen")
    check(staff, "06-handler-case-published")

    # What everyone sees: the edited versions, never the resident's or the message's words.
    public = open_page(phone=True, path=f"/karta/{reference}/")
    expect(public.get_by_text(PUBLIC_TEXT)).to_be_visible()
    public_history = public.locator("ol.history")
    expect(public_history).to_contain_text(EDITED_ADDITION)
    expect(public_history).to_contain_text(EDITED_UPDATE)
    expect(public_history).to_contain_text("Status ändrad till Skickad till ansvarig.")
    body = public.locator("body").inner_text()
    for private in ("Sven", "070-555", TO_RESIDENT, DESCRIPTION):
        assert private not in body, private
    check(public, "07-public-case")
    geojson = public.request.get("/api/reports.geojson").text()
    assert reference in geojson and "070-555" not in geojson and "Sven" not in geojson

    # The resident still reads everything meant for them, in their own words.
    resident.goto(tracking_path)
    expect(resident.locator("ol.history")).to_contain_text(TO_RESIDENT)
    expect(resident.locator("ol.history")).to_contain_text(NEIGHBOUR)

    # 3. The unit, from the link in its mail, on a phone: a note, then "done". ---------------
    (unit_mail,) = [m for m in mail.outbox if m.to == [street.email]]
    unit_path = LINK_RE.search(unit_mail.body).group(1)
    unit = open_page(phone=True, path=unit_path)
    expect(unit.get_by_role("heading", level=1)).to_have_text(
        f"Ärende {reference} för Gatuenheten"
    )
    expect(unit.locator(".user-text")).to_have_text(DESCRIPTION)
    expect(unit.get_by_text("Den boendes kontaktuppgifter visas inte här.")).to_be_visible()
    check(unit, "08-unit-link")
    unit.get_by_label("Besked till handläggaren").fill(UNIT_NOTE)
    unit.get_by_role("button", name="Skicka beskedet").click()
    expect(unit.locator(".messages")).to_contain_text("Handläggaren ser ert besked")
    expect(unit.locator("ol.history")).to_contain_text(UNIT_NOTE)
    unit.get_by_role("button", name="Arbetet är klart").click()
    expect(unit.locator(".messages")).to_contain_text("arbetet är klart")
    check(unit, "09-unit-done")

    # The case handler sees both in the history and is asked to confirm; status unchanged.
    staff.reload()
    expect(staff.locator("#unit-done")).to_contain_text("Gatuenheten meddelade")
    unit_rows = staff.locator("ol.history li", has_text="Gatuenheten via länken")
    expect(unit_rows).to_have_count(2)
    expect(unit_rows.first).to_contain_text(UNIT_NOTE)
    expect(unit_rows.first).to_contain_text("Syns för: Bara personal")
    expect(staff.locator(".status-line .status")).to_have_text("Skickad till ansvarig")
    check(staff, "10-handler-sees-unit")
    assert Report.objects.get(reference=reference).status == Status.FORWARDED
    # Neither the resident nor the public sees the unit's note.
    resident.goto(tracking_path)
    assert UNIT_NOTE not in resident.locator("body").inner_text()

    # 4. A police officer opens a case sent to the police. -----------------------------------
    from tryggve.conftest import CENTRUM
    from tryggve.reports.models import Category
    from tryggve.reports.services import report_assign_unit, report_create

    speeding, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="evening",
        severity=2,
        description="Bilar kör för fort förbi skolan på kvällarna.",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
        contact_phone="070-999 88 77",
    )
    report_assign_unit(report=speeding, unit=police_unit, actor=None)
    police = staff_page(officer, phone=True, path="/personal/")
    # The header menu links it too; follow the start page's own list.
    police.get_by_role("main").get_by_role("link", name="Min enhets ärenden").click()
    expect(police.get_by_role("heading", level=1)).to_have_text("Min enhets ärenden")
    expect(police.locator("table.cases")).not_to_contain_text(reference)
    check(police, "11-police-unit-inbox")
    police.get_by_role("link", name=speeding.reference).click()
    expect(police.locator(".user-text")).to_have_text(
        "Bilar kör för fort förbi skolan på kvällarna."
    )
    assert "070-999" not in police.locator("body").inner_text()
    police.get_by_label("Besked till handläggaren").fill(POLICE_NOTE)
    police.get_by_role("button", name="Skicka beskedet").click()
    expect(police.locator("ol.history")).to_contain_text(POLICE_NOTE)
    check(police, "12-police-case")
    # The case sent to the street unit stays closed to the police.
    assert police.goto(f"/personal/enhet/{reference}/").status == 403

    check.assert_clean()
