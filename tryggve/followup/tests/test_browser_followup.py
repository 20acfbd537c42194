"""The follow-up in real headless Chromium: a coordinator records progress on an activity
and publishes it, and a resident then reads it on /medborgarloften/; axe-core checks every
follow-up page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.followup.demo import load_demo_followup
from tryggve.followup.models import Activity, ActivityUpdate, Party

pytestmark = pytest.mark.browser


def check(page: Page, name: str, shot, found: dict) -> None:
    page.wait_for_load_state("load")
    shot(page, f"followup-{name}")
    violations = blocking_violations(page)
    if violations:
        found[name] = violations


def test_a_coordinator_publishes_progress_and_residents_read_it(
    staff_page, open_page, make_staff, municipality, today, shot
):
    load_demo_followup(municipality=municipality, today=today)
    coordinator = make_staff("samordnare", "case_handler", first_name="Hanna")
    activity = Activity.objects.filter(
        commitment__promise__period_start__year=today.year,
        responsible_party=Party.MUNICIPALITY,
    ).first()
    found: dict = {}
    page = staff_page(coordinator, path="/personal/uppfoljning/")
    check(page, "overview", shot, found)
    page.get_by_role("link", name=activity.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(activity.title)
    check(page, "activity", shot, found)
    page.get_by_label("Vad har hänt").fill("Fem nya gatlampor längs Storgatan.")
    page.get_by_label("Andel klar (%)").fill("80")
    page.get_by_label("Publicera på sidan Medborgarlöften").check()
    page.get_by_role("button", name="Spara lägesrapporten").click()
    expect(page.get_by_role("status")).to_contain_text("Lägesrapporten är sparad.")
    expect(page.get_by_text("Fem nya gatlampor längs Storgatan.", exact=True)).to_be_visible()
    update = ActivityUpdate.objects.get(text="Fem nya gatlampor längs Storgatan.")
    assert update.public and update.percent == 80 and update.author == coordinator
    # The status form says why next to the field when the reason is missing.
    page.get_by_label("Ny status").select_option("postponed")
    page.get_by_role("button", name="Spara status").click()
    expect(page.locator("#id_reason_error")).to_have_text(
        "Skriv varför aktiviteten skjuts upp eller ställs in."
    )
    for path, name in [
        ("/personal/uppfoljning/indikatorer/", "indicators"),
        ("/personal/uppfoljning/dialoger/", "dialogues"),
        ("/personal/uppfoljning/dialoger/ny/", "dialogue-form"),
    ]:
        page.goto(path)
        check(page, name, shot, found)
    resident = open_page(path="/")
    resident.get_by_role("link", name="Se löftena och hur långt vi har kommit").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Medborgarlöften")
    expect(resident.locator(".public-update").filter(has_text="Fem nya gatlampor")).to_contain_text(
        "80 % klart): Fem nya gatlampor längs Storgatan."
    )
    expect(resident.get_by_text("Demodata:")).to_be_visible()
    check(resident, "public", shot, found)
    resident = open_page(phone=True, path="/medborgarloften/")
    check(resident, "public-phone", shot, found)
    assert not found, describe(found)
