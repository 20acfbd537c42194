"""The council in real headless Chromium: a case handler opens the next meeting, generates
its report and sees what changed since the previous meeting, records a decision and sends
the report; axe-core checks every council page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.followup.council import council_meeting_create, council_report_generate
from tryggve.followup.models import CouncilDelivery, Party
from tryggve.followup.services import activity_create, activity_update_create, promise_create

pytestmark = pytest.mark.browser
ADMIN = {"administrator"}


def check(page: Page, name: str, shot, found: dict) -> None:
    page.wait_for_load_state("load")
    shot(page, f"council-{name}")
    violations = blocking_violations(page)
    if violations:
        found[name] = violations


def test_a_case_handler_walks_a_council_meeting_report(
    staff_page, make_staff, municipality, today, shot
):
    year = today.year
    promise = promise_create(
        municipality=municipality,
        police_area="LPO Piteå Älvdal",
        title="Medborgarlöften",
        text="Text",
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        commitments=[("Grannsamverkan", "")],
    )
    activity = activity_create(
        commitment=promise.commitments.get(),
        title="Trygghetsvandring i Centrum",
        responsible_party=Party.MUNICIPALITY,
        actor=None,
        roles=ADMIN,
    )
    activity_update_create(
        activity=activity, date=datetime.date(year, 1, 20), text="Planerad", actor=None, roles=ADMIN
    )
    activity_update_create(
        activity=activity,
        date=datetime.date(year, 4, 20),
        text="Tolv boende gick med.",
        actor=None,
        roles=ADMIN,
    )
    first = council_meeting_create(
        municipality=municipality, date=datetime.date(year, 3, 1), title="Rådsmöte"
    )
    council_report_generate(meeting=first, today=first.date)
    council_meeting_create(
        municipality=municipality, date=datetime.date(year, 6, 1), title="Sommarmöte"
    )
    from tryggve.followup.council import report_recipient_add

    report_recipient_add(
        municipality=municipality, name="Karin Öberg", role="Kommunalråd", email="k@example.se"
    )
    handler = make_staff("samordnare", "case_handler", first_name="Hanna")
    found: dict = {}
    page = staff_page(handler, path="/personal/uppfoljning/")
    page.get_by_role("link", name="Hälsa- och trygghetsrådet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hälsa- och trygghetsrådet")
    check(page, "list", shot, found)
    page.get_by_role("link", name="Sommarmöte").click()
    expect(page.get_by_text("Förhandsvisning med dagens siffror")).to_be_visible()
    page.get_by_role("button", name="Skapa rapporten").click()
    expect(page.get_by_role("status")).to_contain_text("Rapporten är skapad")
    # What changed since the meeting before: this update, not the one before it.
    expect(page.get_by_text("Tolv boende gick med.", exact=False)).to_be_visible()
    expect(page.get_by_text("Planerad", exact=False)).to_have_count(0)
    expect(page.get_by_role("heading", name="Indikatorer som har rört sig")).to_be_visible()
    check(page, "meeting", shot, found)
    page.locator("#id_activity").select_option(label=activity.title)
    page.get_by_label("Beslut eller kommentar").fill("Fortsätt till hösten.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är sparat.")
    expect(page.get_by_text("Fortsätt till hösten.", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Skicka rapporten som PDF till mottagarna").click()
    expect(page.get_by_role("status")).to_contain_text("Rapporten skickas till 1 mottagare.")
    expect(page.get_by_role("cell", name="k@example.se")).to_be_visible()
    assert CouncilDelivery.objects.count() == 1
    # A wrong place is corrected on the meeting's own form; the meeting page shows it.
    page.get_by_role("link", name="Ändra datum, rubrik, plats eller anteckningar").click()
    check(page, "meeting-edit", shot, found)
    page.get_by_label("Plats").fill("Kommunhuset, sal B")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_text("Kommunhuset, sal B")).to_be_visible()
    page.get_by_role("link", name="Mottagare av rapporten").first.click()
    check(page, "recipients", shot, found)
    page.goto("/personal/uppfoljning/radet/nytt-mote/")
    check(page, "meeting-form", shot, found)
    assert not found, describe(found)
