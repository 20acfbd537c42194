"""Neighbourhood watch in real headless Chromium: staff offer an area, households sign up and
confirm until the threshold, a volunteer is approved, the start-up meeting is held, the area
starts, the police send an alert and the contact person reads it. axe-core on every public
and staff watch page, on desktop and phone.

Fixtures (the browser, the live server, pages cut off from the network) live in
tryggve/browser_fixtures.py (through tryggve/conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import blocking_violations, describe, overflow
from tryggve.lib.models import OutgoingMail

pytestmark = pytest.mark.browser

CONFIRM_RE = re.compile(r"/grannsamverkan/bekrafta/([^/\s]+)/")
MANAGE_RE = re.compile(r"/grannsamverkan/mitt-hushall/([^/\s]+)/")


def link_for(recipient: str, pattern: re.Pattern) -> str:
    for row in OutgoingMail.objects.filter(to=recipient).order_by("-pk"):
        found = pattern.search(row.body)
        if found:
            return found.group(0)
    raise AssertionError(f"no link for {recipient}")


def check(page: Page, name: str, shot, found: dict, *, phone: bool = False) -> None:
    """axe-core (serious and critical count), a screenshot, and on a phone no sideways scroll."""
    page.wait_for_load_state("load")
    shot(page, f"watch-{name}")
    violations = blocking_violations(page)
    if violations:
        found[name] = violations
    if phone and (problem := overflow(page)):
        found.setdefault(name, []).append(
            {"id": "overflow", "impact": "serious", "help": problem, "nodes": []}
        )


def sign_up_in_browser(
    page: Page,
    slug: str,
    *,
    number: str,
    name: str,
    email: str,
    volunteer: bool = False,
    street: str = "Storgatan",
) -> None:
    page.goto(f"/grannsamverkan/{slug}/")
    page.get_by_label("Gata", exact=True).select_option(street)
    page.get_by_label("Husnummer").fill(number)
    page.get_by_label("Namn", exact=True).fill(name)
    page.get_by_role("textbox", name="E-post").fill(email)
    if volunteer:
        page.get_by_label("Jag kan tänka mig att vara kontaktombud").check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("bekräfta er anmälan")


def confirm_in_browser(page: Page, email: str) -> None:
    page.goto(link_for(email, CONFIRM_RE))
    page.get_by_role("button", name="Ja, vi vill vara med").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack, ert hushåll är med!")


def make_alert():
    from tryggve.analytics.models import Incident, IncidentSource, NearRepeatAlert, OffenceGroup
    from tryggve.areas.models import ResidentialArea

    centrum = ResidentialArea.objects.get(name="Centrum")
    incident = Incident.objects.create(
        source=IncidentSource.CSV,
        external_id="browser-1",
        occurred_at=timezone.now() - timedelta(hours=3),
        lat=65.59,
        lon=19.18,
        precise=True,
        municipality_code="2505",
        area=centrum,
        offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
    )
    return NearRepeatAlert.objects.create(incident=incident, area=centrum, distance_m=0)


def test_offer_gather_start_and_alert(open_page, staff_page, make_staff, shot):
    from tryggve.watch.models import WatchArea
    from tryggve.watch.services import household_confirm, household_sign_up

    found: dict[str, list[dict]] = {}
    police = make_staff("polis", "police_officer", first_name="Petra", last_name="Polis")
    staff = staff_page(police, path="/personal/grannsamverkan/")

    # Staff offer Centrum's east part: 10 households, so 7 (70 %) are needed.
    staff.locator("#id_residential_area").select_option(label="Centrum")
    # The form fills the residential area's name and households; staff narrow it down.
    from tryggve.areas.models import ResidentialArea

    centrum = ResidentialArea.objects.get(name="Centrum")
    expect(staff.get_by_label("Namn på grannsamverkansområdet")).to_have_value("Centrum")
    expect(staff.get_by_role("spinbutton", name="Hushåll i området")).to_have_value(
        str(centrum.households)
    )
    staff.get_by_label("Namn på grannsamverkansområdet").fill("Lärkan")
    staff.get_by_role("spinbutton", name="Hushåll i området").fill("10")
    staff.locator("#id_streets").fill("Storgatan\nLärkvägen")
    staff.get_by_role("button", name="Erbjud grannsamverkan").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Grannsamverkan Lärkan")
    area = WatchArea.objects.get()
    assert area.state == "offered"

    # Two households sign up and confirm in the browser; one volunteers.
    resident = open_page(phone=True)
    sign_up_in_browser(
        resident,
        area.slug,
        number="1",
        name="Vera Volontär",
        email="vera@example.se",
        volunteer=True,
    )
    confirm_in_browser(resident, "vera@example.se")
    sign_up_in_browser(resident, area.slug, number="2", name="Bo Granne", email="bo@example.se")
    confirm_in_browser(resident, "bo@example.se")
    # Four more through the service: six of ten, one short.
    for n in range(3, 7):
        household = household_sign_up(
            area=area,
            street="Lärkvägen",
            number=str(n),
            name=f"Granne {n}",
            email=f"granne{n}@example.se",
        )
        household_confirm(token=link_for(household.email, CONFIRM_RE).split("/")[-2])
    resident.goto(f"/grannsamverkan/{area.slug}/")
    expect(resident.locator("main")).to_contain_text("6 av 10 hushåll, 70 % behövs")
    expect(resident.locator("main")).to_contain_text("1 hushåll till")

    # The seventh in the browser: the threshold is reached, but nobody is approved yet.
    sign_up_in_browser(resident, area.slug, number="7", name="Sju Sjöberg", email="sju@example.se")
    confirm_in_browser(resident, "sju@example.se")
    area.refresh_from_db()
    assert area.state == "gathering"

    # Staff approve the volunteer (one form for the list: tick, choose, do).
    staff.reload()
    staff.get_by_label("Välj Storgatan 1").check()
    staff.get_by_label("Åtgärd").select_option("role:approved")
    staff.get_by_role("button", name="Utför för valda hushåll").click()
    expect(staff.locator(".messages")).to_contain_text("Sparat")
    # ...and make Vera responsible for Bo.
    staff.get_by_label("Välj Storgatan 2").check()
    staff.get_by_label("Åtgärd").select_option(label="Storgatan 1 (Vera Volontär)")
    staff.get_by_role("button", name="Utför för valda hushåll").click()
    expect(staff.locator(".messages")).to_contain_text("Sparat")
    area.refresh_from_db()
    assert area.state == "gathering"  # the list is not reviewed yet

    # Staff look through the sign-ups: the area becomes ready.
    staff.get_by_role("button", name="Jag har granskat listan").click()
    expect(staff.locator("main")).to_contain_text("Redo att starta")
    area.refresh_from_db()
    assert area.state == "ready"

    # Starting before the meeting is refused.
    staff.get_by_label("Ny status").select_option("active")
    staff.get_by_role("button", name="Spara status").click()
    expect(staff.locator("main")).to_contain_text("Håll startmötet")

    # Schedule and hold the start-up meeting (it was yesterday), then start.
    yesterday = timezone.localtime() - timedelta(days=1)
    staff.get_by_label("Tid", exact=True).fill(f"{yesterday:%Y-%m-%dT%H:%M}")
    staff.get_by_label("Plats", exact=True).fill("Skolans aula")
    staff.get_by_label("Från polisen (valfritt)").fill("Petra Polis")
    staff.get_by_role("button", name="Spara mötet").click()
    staff.get_by_label("Storgatan 1 (Vera Volontär)").check()
    staff.get_by_role("button", name="Spara vilka som kom").click()
    expect(staff.locator("main")).to_contain_text("genomfört")
    check(staff, "flow-staff-area-ready", shot, found)
    staff.get_by_label("Ny status").select_option("active")
    staff.get_by_role("button", name="Spara status").click()
    expect(staff.locator("main")).to_contain_text("Aktivt")
    area.refresh_from_db()
    assert area.state == "active" and area.started

    # A burglary nearby: the police use the prepared alert.
    alert = make_alert()
    staff.goto("/personal/grannsamverkan/meddelanden/")
    staff.get_by_role("link", name="Skicka till kontaktombuden").click()
    expect(staff.get_by_label("Rubrik")).to_have_value("Inbrott nära Centrum")
    expect(staff.locator(".alert-targets")).to_contain_text(area.name)
    check(staff, "flow-staff-messages-alert", shot, found)
    staff.get_by_role("button", name="Skicka").click()
    expect(staff.locator("main")).to_contain_text("skickat till 1 kontaktombud")
    message = area.messages.get()
    assert message.alert == alert

    # The contact person sees it on their own page, with the households they look after.
    contact = open_page(phone=True)
    contact.goto(link_for("vera@example.se", MANAGE_RE))
    expect(contact.get_by_role("heading", name="Inbrott nära Centrum")).to_be_visible()
    expect(contact.locator("main")).to_contain_text("Polisen informerar")
    expect(contact.get_by_role("table")).to_contain_text("Bo Granne")
    expect(contact.get_by_role("table")).to_contain_text("Vill inte dela")
    expect(contact.locator("main")).not_to_contain_text("bo@example.se")
    expect(contact.locator("main")).not_to_contain_text("Sju Sjöberg")
    check(contact, "flow-contact-page", shot, found, phone=True)

    # An ordinary member sees neither the message nor the others.
    member = open_page()
    member.goto(link_for("bo@example.se", MANAGE_RE))
    expect(member.locator("main")).not_to_contain_text("Inbrott nära Centrum")
    expect(member.locator("main")).not_to_contain_text("Vera")
    assert not found, "axe-core or layout problems:\n" + describe(found)


@pytest.fixture
def watch_scene(site):
    """An active area with a contact person and a message, a gathering area, and households
    for each page a resident can reach."""
    from django.contrib.auth import get_user_model

    from tryggve.areas.models import ResidentialArea
    from tryggve.watch.models import ContactRole
    from tryggve.watch.services import (
        contact_person_set,
        household_confirm,
        household_sign_up,
        meeting_record,
        meeting_schedule,
        message_send,
        watch_area_change_state,
        watch_area_offer,
        watch_area_review,
    )

    sender = get_user_model().objects.create_user(username="avsandare", password="x" * 20)
    centrum = ResidentialArea.objects.get(name="Centrum")
    active = watch_area_offer(
        name="Lärkan",
        households=4,
        streets="Storgatan\nLärkvägen",
        actor=sender,
        residential_area=centrum,
    )
    gathering = watch_area_offer(
        name="Tallbacka norra med ett långt namn",
        households=120,
        streets="Tallvägen",
        actor=sender,
        residential_area=ResidentialArea.objects.get(name="Tallbacka"),
    )

    def join(area, number, email, **kwargs):
        household_sign_up(
            area=area,
            street=area.street_list[0],
            number=number,
            name=kwargs.pop("name", f"Granne {number}"),
            email=email,
            **kwargs,
        )
        return household_confirm(token=link_for(email, CONFIRM_RE).split("/")[-2])

    contact = join(active, "1", "kontakt@example.se", name="Kim Kontakt", volunteer=True)
    contact_person_set(household=contact, role=ContactRole.APPROVED, actor=sender)
    for n in range(2, 5):
        join(active, str(n), f"g{n}@example.se")
    join(gathering, "5", "t5@example.se")
    watch_area_review(area=active, actor=sender)
    meeting = meeting_schedule(area=active, when=timezone.now(), place="Skolan", actor=sender)
    meeting_record(meeting=meeting, attended=[contact], actor=sender)
    watch_area_change_state(area=active, to_state="active", actor=sender)
    make_alert()
    message_send(
        sender=sender,
        subject="Inbrott nära Centrum",
        body="Polisen informerar: ett inbrott i natt.",
        area=active,
    )
    return {"active": active, "gathering": gathering, "join": join}


def test_police_send_an_alert_from_the_situation_picture(
    open_page, staff_page, make_staff, shot, watch_scene
):
    """Issue 9, item 7: from /personal/lagesbild/ to a prefilled message, only to the active
    area the burglary touches; the contact person reads it on their household page."""
    from tryggve.analytics.models import NearRepeatAlert
    from tryggve.areas.models import ResidentialArea

    found: dict[str, list[dict]] = {}
    alert = NearRepeatAlert.objects.get()
    NearRepeatAlert.objects.create(
        incident=alert.incident, area=ResidentialArea.objects.get(name="Tallbacka"), distance_m=310
    )
    police = make_staff("polis-larm", "police_officer")
    staff = staff_page(police, path="/personal/lagesbild/")
    burglary = staff.locator(".alert-group")
    expect(burglary.get_by_role("listitem").filter(has_text="Tallbacka")).to_contain_text(
        "Ingen aktiv grupp"
    )
    centrum = burglary.get_by_role("listitem").filter(has_text="Centrum")
    expect(centrum).to_contain_text("Aktiv grupp: 1 kontaktombud")
    expect(burglary.get_by_role("link", name="Skicka till kontaktombuden")).to_have_count(1)
    check(staff, "overview-alerts", shot, found)
    centrum.get_by_role("link", name="Skicka till kontaktombuden").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Meddelanden till kontaktombud")
    expect(staff.get_by_label("Rubrik")).to_have_value("Inbrott nära Centrum")
    expect(staff.get_by_label("Text")).to_have_value(re.compile("Polisen informerar"))
    expect(staff.locator(".alert-targets")).to_have_text(
        "Till: Lärkan (1 kontaktombud i aktiva grupper)"
    )
    check(staff, "messages-alert-prefilled", shot, found)
    staff.get_by_role("button", name="Skicka", exact=True).click()
    expect(staff.locator("main")).to_contain_text("skickat till 1 kontaktombud")
    expect(staff.locator(".alert-group")).to_contain_text("Skickat ")
    assert not OutgoingMail.objects.filter(to="t5@example.se", subject__contains="Inbrott").exists()

    contact = open_page(phone=True)
    contact.goto(link_for("kontakt@example.se", MANAGE_RE))
    expect(contact.locator("main")).to_contain_text("ett bostadsinbrott skedde")
    expect(contact.get_by_role("heading", name="Inbrott nära Centrum").first).to_be_visible()
    assert not found, "axe-core or layout problems:\n" + describe(found)


def test_every_watch_page_passes_axe(open_page, staff_page, make_staff, shot, watch_scene):
    """On a phone (touch, its viewport): every check also runs at a laptop's width."""
    from tryggve.watch.services import household_sign_up

    phone = True
    device = "phone"
    found: dict[str, list[dict]] = {}
    active, gathering = watch_scene["active"], watch_scene["gathering"]

    page = open_page(phone=phone)
    for name, path in [
        ("list", "/grannsamverkan/"),
        ("area", f"/grannsamverkan/{gathering.slug}/"),
        ("area-active", f"/grannsamverkan/{active.slug}/"),
    ]:
        page.goto(path)
        if name == "list":
            # Without tiles the map says so; wait for the status before measuring.
            page.wait_for_timeout(300)
        check(page, f"{device}-{name}", shot, found, phone=phone)

    # The form with errors: everything wrong at once.
    page.goto(f"/grannsamverkan/{gathering.slug}/")
    page.get_by_label("Husnummer").fill("tolv")
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, f"{device}-area-errors", shot, found, phone=phone)

    email = f"ny-{device}@example.se"
    sign_up_in_browser(
        page, gathering.slug, number="9", name="Nina Ny", email=email, street="Tallvägen"
    )
    check(page, f"{device}-thanks", shot, found, phone=phone)
    page.goto(link_for(email, CONFIRM_RE))
    check(page, f"{device}-confirm", shot, found, phone=phone)
    page.get_by_role("button", name="Ja, vi vill vara med").click()
    check(page, f"{device}-confirmed", shot, found, phone=phone)

    page.goto(link_for(email, MANAGE_RE))
    check(page, f"{device}-my-household-member", shot, found, phone=phone)
    page.goto(link_for("kontakt@example.se", MANAGE_RE))
    expect(page.locator("main")).to_contain_text("Polisen informerar")
    check(page, f"{device}-my-household-contact", shot, found, phone=phone)

    page.goto(link_for(email, MANAGE_RE))
    page.get_by_role("link", name="Lämna grannsamverkan").click()
    check(page, f"{device}-leave-question", shot, found, phone=phone)
    page.get_by_role("button", name="Ja, lämna och ta bort våra uppgifter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ni har lämnat grannsamverkan")
    check(page, f"{device}-left", shot, found, phone=phone)

    # Staff pages, with a pending sign-up so every table row kind is there.
    household_sign_up(
        area=active, street="Lärkvägen", number="3", name="Olle Obekräftad", email="olle@example.se"
    )
    police = make_staff(f"polis-{device}", "police_officer")
    staff = staff_page(police, phone=phone)
    for name, path in [
        ("staff-index", "/personal/grannsamverkan/"),
        ("staff-area", f"/personal/grannsamverkan/{active.slug}/"),
        ("staff-area-gathering", f"/personal/grannsamverkan/{gathering.slug}/"),
        ("staff-messages", "/personal/grannsamverkan/meddelanden/"),
        ("staff-figures", "/personal/grannsamverkan/siffror/"),
    ]:
        staff.goto(path)
        check(staff, f"{device}-{name}", shot, found, phone=phone)
    # The offer form with errors.
    staff.goto("/personal/grannsamverkan/")
    staff.get_by_role("button", name="Erbjud grannsamverkan").click()
    expect(staff.locator("#error-summary")).to_be_visible()
    check(staff, f"{device}-staff-index-errors", shot, found, phone=phone)
    assert not found, "axe-core or layout problems:\n" + describe(found)


def test_the_public_map_draws_every_area(open_page, watch_scene, shot):
    """Issue 9 item 1: the map was always empty (the view sent a layer the script ignored)."""
    page = open_page()
    page.goto("/grannsamverkan/")
    shapes = page.locator("#analytics-map path.leaflet-interactive")
    expect(shapes).to_have_count(2)  # Lärkan and Tallbacka norra, one shape each
    # The list above the map names each area and its status: the shapes are no tab stops
    # and nothing for a screen reader (Chromium made each an unnamed one).
    expect(page.locator("#analytics-map path[tabindex='-1'][aria-hidden=true]")).to_have_count(2)
    shapes.first.hover()
    expect(page.locator(".leaflet-tooltip")).to_contain_text(": ")
    shot(page, "watch-map-drawn")


def test_leaving_asks_first_and_staying_keeps_the_household(open_page, watch_scene):
    """Issue 9 item 10: leaving takes a confirmation step; one tap deletes nothing."""
    from tryggve.watch.models import Household

    page = open_page(phone=True)
    page.goto(link_for("g2@example.se", MANAGE_RE))
    page.get_by_role("link", name="Lämna grannsamverkan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vill ni lämna grannsamverkan?")
    assert Household.objects.filter(email="g2@example.se").exists()
    page.get_by_role("link", name="Nej, vi stannar kvar").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grannsamverkan i Lärkan")
    assert Household.objects.filter(email="g2@example.se").exists()
    page.get_by_role("link", name="Lämna grannsamverkan").click()
    page.get_by_role("button", name="Ja, lämna och ta bort våra uppgifter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ni har lämnat grannsamverkan")
    assert not Household.objects.filter(email="g2@example.se").exists()
