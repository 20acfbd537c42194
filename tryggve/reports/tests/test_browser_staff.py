"""Case handling in real headless Chromium: a report from a resident, handled by a case
handler who logs in with password and a TOTP code, and read back on the resident's tracking
page; who may see which staff page; axe-core on every staff page; the case page by keyboard.

Fixtures (the browser, the live server, pages cut off from the network, staff accounts and
ready-made staff sessions) live in conftest.py.
"""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tryggve.browser_fixtures import (
    REFERENCE_RE,
    STAFF_PASSWORD,
    blocking_violations,
    describe,
    focused,
    jpeg_bytes,
)
from tryggve.reports.models import Report, ReportEvent, SafetyFeedback, Status, Unit, hash_token

pytestmark = pytest.mark.browser

DESCRIPTION = "Lampan i gångtunneln under väg 95 är trasig. Det är helt mörkt när jag går hem."
PUBLIC_TEXT = "Trasig belysning i gångtunneln under väg 95."
UPDATE = "Gatubelysningen byter armaturen i gångtunneln på tisdag."
INTERNAL = "Internt: kontaktade Per på gatuenheten per telefon, nr 070-123 45 67."
RESOLVED_NOTE = "Nu lyser det i tunneln igen. Tack för att du hörde av dig!"


# --- Helpers -------------------------------------------------------------------------------


def current_totp(secret_text: str) -> str:
    """The code an authenticator app would show for the secret printed on the setup page."""
    from django_otp.oath import totp

    secret = secret_text.replace(" ", "").strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def action(page: Page, name: str):
    """One of the case page's action forms, found by its heading (its accessible name)."""
    return page.get_by_role("form", name=name)


def expect_saved(page: Page) -> None:
    expect(page.locator(".messages")).to_contain_text("Sparat.")
    expect(page.locator(".message-error")).to_have_count(0)


def assert_fits_the_screen(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen"


def log_in_with_password(page: Page, username: str, password: str = STAFF_PASSWORD) -> None:
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


@pytest.fixture
def case_with_contact(site):
    """A report with the resident's name, e-mail, phone and two photos."""
    from tryggve.conftest import CENTRUM
    from tryggve.lib.images import clean_image
    from tryggve.reports.models import Category
    from tryggve.reports.services import report_create

    report, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="evening",
        severity=3,
        description="Trasig lampa vid busshållplatsen. Ring mig gärna, jag heter Anna.",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
        contact_name="Anna Andersson",
        contact_email="anna@example.se",
        contact_phone="070-111 22 33",
        photos=[
            clean_image(jpeg_bytes(), "lampa.jpg"),
            clean_image(jpeg_bytes((480, 640), (120, 40, 40)), "tunnel.jpg"),
        ],
    )
    return report


# --- 1. End to end -------------------------------------------------------------------------


def test_report_is_handled_and_the_resident_follows_it(open_page, make_staff, shot):
    unit = Unit.objects.create(name="Gatu- och parkenheten", email="gata@arvidsjaur.example")
    make_staff("karin", "case_handler", first_name="Karin", last_name="Lind")

    # The resident files a report with an e-mail address.
    resident = open_page(path="/rapportera/")
    resident.get_by_label("Latitud").fill("65.5900")
    resident.get_by_label("Longitud").fill("19.1800")
    resident.get_by_label("Belysning").check()
    resident.get_by_label("Kväll").check()
    resident.get_by_label("Mycket otryggt").check()
    resident.get_by_label("Beskriv vad som känns otryggt").fill(DESCRIPTION)
    resident.get_by_label("E-post").fill("anna@example.se")
    resident.get_by_role("button", name="Skicka rapporten").click()
    resident.wait_for_url("**/rapportera/kvitto/")
    reference = resident.locator(".receipt .reference").inner_text()
    assert REFERENCE_RE.fullmatch(reference), reference
    tracking_url = resident.locator("a.tracking-link").get_attribute("href")
    assert [m.to for m in mail.outbox] == [["anna@example.se"]], "the receipt was not mailed"
    assert reference in mail.outbox[0].subject + mail.outbox[0].body

    # The case handler opens the inbox, logs in and enrols the authenticator app.
    staff = open_page()
    staff.goto("/personal/arenden/")
    staff.wait_for_url("**/personal/logga-in/?next=/personal/arenden/")
    log_in_with_password(staff, "karin")
    staff.wait_for_url("**/personal/tvafaktor/**")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Koppla en autentiseringsapp")
    expect(staff.locator(".qr svg")).to_be_visible()
    # Until the second factor is passed, the menu offers no pages that would send them back.
    expect(staff.get_by_role("link", name="Inkorgen")).to_have_count(0)
    secret = staff.locator("code.secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
    staff.get_by_label("Engångskod").fill(current_totp(secret))
    staff.get_by_role("button", name="Fortsätt").click()
    staff.wait_for_url("**/personal/arenden/")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Inkorgen: otrygga platser")

    # The new report is at the top of the inbox.
    first_row = staff.locator("table.cases tbody tr").first
    expect(first_row.locator("th")).to_have_text(reference)
    expect(first_row).to_contain_text("Mottagen")
    first_row.get_by_role("link", name=reference).click()
    staff.wait_for_url(f"**/personal/arenden/{reference}/")
    expect(staff.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(staff.locator(".user-text")).to_have_text(DESCRIPTION)
    shot(staff, "staff-e2e-case-received")

    # Triage.
    form = action(staff, "Ändra status")
    form.get_by_label("Ny status").select_option(label="Under utredning")
    form.get_by_role("button", name="Spara status").click()
    expect_saved(staff)
    expect(staff.locator(".status-line .status")).to_have_text("Under utredning")

    # A responsible unit, then the status that says so.
    form = action(staff, "Ansvarig enhet")
    form.get_by_label("Ansvarig enhet").select_option(label=unit.name)
    form.get_by_role("button", name="Skicka till enheten").click()
    expect_saved(staff)
    form = action(staff, "Ändra status")
    form.get_by_label("Ny status").select_option(label="Skickad till ansvarig")
    form.get_by_role("button", name="Spara status").click()
    expect_saved(staff)
    expect(staff.locator(".status-line .status")).to_have_text("Skickad till ansvarig")

    # A message to the resident and an internal note.
    form = action(staff, "Skriv ett besked eller en anteckning")
    form.get_by_label("Besked till den som rapporterade").check()
    form.get_by_label("Text").fill(UPDATE)
    form.get_by_role("button", name="Spara").click()
    expect_saved(staff)
    form = action(staff, "Skriv ett besked eller en anteckning")
    form.get_by_label("Intern anteckning").check()
    form.get_by_label("Text").fill(INTERNAL)
    form.get_by_role("button", name="Spara").click()
    expect_saved(staff)

    # Publish it with a reviewed text.
    form = action(staff, "Det som visas offentligt")
    expect(form.get_by_label("Text som visas offentligt")).to_have_value(DESCRIPTION)
    form.get_by_label("Text som visas offentligt").fill(PUBLIC_TEXT)
    form.get_by_label("Visa på den offentliga kartan").check()
    form.get_by_role("button", name="Spara publicering").click()
    expect_saved(staff)

    # Resolve.
    form = action(staff, "Ändra status")
    form.get_by_label("Ny status").select_option(label="Åtgärdad")
    form.get_by_label("Besked till den som rapporterade").fill(RESOLVED_NOTE)
    form.get_by_role("button", name="Spara status").click()
    expect_saved(staff)
    expect(staff.locator(".status-line .status")).to_have_text("Åtgärdad")
    history = staff.locator("ol.history")
    expect(history).to_contain_text(INTERNAL)
    expect(history.locator("li", has_text=INTERNAL)).to_contain_text("Syns för: Bara personal")
    shot(staff, "staff-e2e-case-resolved")

    report = Report.objects.get(reference=reference)
    assert report.status == Status.RESOLVED
    assert report.unit == unit
    assert report.published and report.public_text == PUBLIC_TEXT
    assert report.description == DESCRIPTION, "the resident's own text must never change"
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds.count(ReportEvent.Kind.STATUS) == 3
    assert ReportEvent.Kind.NOTE in kinds and ReportEvent.Kind.MODERATED in kinds

    # The resident's tracking page: the public history, never the internal note.
    resident.goto(tracking_url)
    expect(resident.locator(".status-line .status")).to_have_text("Åtgärdad")
    public_history = resident.locator("ol.history")
    expect(public_history).to_contain_text(UPDATE)
    expect(public_history).to_contain_text("Status ändrad till Under utredning.")
    expect(public_history).to_contain_text("Status ändrad till Skickad till ansvarig.")
    expect(public_history).to_contain_text("Status ändrad till Åtgärdad.")
    expect(public_history).to_contain_text(RESOLVED_NOTE)
    body = resident.locator("body").inner_text()
    assert INTERNAL not in body and "070-123" not in body
    assert unit.email not in body
    shot(resident, "staff-e2e-tracking-resolved")

    # The published report shows the reviewed text, not the resident's own.
    resident.goto(f"/karta/{reference}/")
    expect(resident.get_by_text(PUBLIC_TEXT)).to_be_visible()
    assert DESCRIPTION not in resident.locator("body").inner_text()

    # Mail: the unit got the case; the resident got the receipt and every public change.
    to_unit = [m for m in mail.outbox if m.to == [unit.email]]
    assert len(to_unit) == 1 and reference in to_unit[0].subject
    assert f"/personal/enhet/{reference}/" in to_unit[0].body
    to_resident = [m for m in mail.outbox if m.to == ["anna@example.se"]]
    bodies = "\n".join(m.body for m in to_resident)
    assert len(to_resident) == 5, [m.subject for m in to_resident]  # receipt, 3 statuses, update
    assert UPDATE in bodies and RESOLVED_NOTE in bodies and "Åtgärdad" in bodies
    assert all(INTERNAL not in m.body for m in mail.outbox), "an internal note was mailed"


# --- 2. Access -----------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(open_page):
    page = open_page(path="/personal/arenden/")
    page.wait_for_url("**/personal/logga-in/?next=/personal/arenden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in som personal")
    expect(page.get_by_role("link", name="Inkorgen")).to_have_count(0)


def test_police_officer_sees_figures_but_not_the_inbox(staff_page, make_staff, shot):
    police = make_staff("polis", "police_officer")
    page = staff_page(police)
    response = page.goto("/personal/arenden/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Du har inte behörighet till den här sidan"
    )
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    # The menu does not offer the inbox to a role that may not open it.
    menu = page.get_by_role("navigation", name="Personalmeny")
    expect(menu.get_by_role("link", name="Inkorgen")).to_have_count(0)
    expect(menu.get_by_role("link", name="Siffror")).to_be_visible()
    shot(page, "staff-police-403")
    response = page.goto("/personal/siffror/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Siffror: rapporter om otrygga platser"
    )
    # The case page and the export are closed too, not only the inbox.
    assert page.goto("/personal/arenden/export.csv").status == 403


# --- 3. axe-core on every staff page, desktop and phone ------------------------------------


def test_every_staff_page_passes_axe(open_page, staff_page, make_staff, case_with_contact, shot):
    from tryggve.reports.services import report_change_status

    found: dict[str, list[dict]] = {}
    too_wide: list[str] = []
    reference = case_with_contact.reference

    def check(page: Page, name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        found[name] = blocking_violations(page)
        shot(page, f"staff-{name}")
        if name.endswith("-phone"):
            try:
                assert_fits_the_screen(page)
            except AssertionError as exc:
                too_wide.append(f"[{name}] {exc}")

    handler = make_staff("karin", "case_handler", first_name="Karin", last_name="Lind")
    police = make_staff("polis", "police_officer")
    make_staff("per", "case_handler", enrolled=True)

    # A case resolved more than two weeks ago has been asked "Känns platsen tryggare nu?".
    other = Report.objects.exclude(pk=case_with_contact.pk)
    assert not other.exists()
    token = "tryggare-provnyckel-1234567890"
    report_change_status(report=case_with_contact, to_status=Status.RESOLVED, actor=handler)
    SafetyFeedback.objects.create(report=case_with_contact, token_hash=hash_token(token))
    report_change_status(report=case_with_contact, to_status=Status.UNDER_REVIEW, actor=handler)

    for device in ("desktop", "phone"):
        phone = device == "phone"
        # Login, second factor (first time: set-up), with and without errors.
        page = open_page(phone=phone, path="/personal/logga-in/")
        check(page, f"login-{device}")
        log_in_with_password(page, "karin", "fel-lösenord")
        expect(page.locator("#error-summary")).to_be_visible()
        check(page, f"login-error-{device}")
        if device == "desktop":
            log_in_with_password(page, "karin")
            page.wait_for_url("**/personal/tvafaktor/**")
            check(page, f"second-factor-setup-{device}")
            secret = page.locator("code.secret").inner_text()
            page.get_by_label("Engångskod").fill(current_totp(secret))
            page.get_by_role("button", name="Fortsätt").click()
            page.wait_for_url("**/personal/")
            check(page, f"home-after-login-{device}")
        else:
            # The phone meets the set-up page of a fresh account.
            make_staff("lisa", "case_handler")
            log_in_with_password(page, "lisa")
            page.wait_for_url("**/personal/tvafaktor/**")
            check(page, f"second-factor-setup-{device}")

        # A returning user's second factor, then a wrong code.
        page = open_page(phone=phone, path="/personal/logga-in/")
        log_in_with_password(page, "per")
        page.wait_for_url("**/personal/tvafaktor/**")
        expect(page.get_by_role("heading", level=1)).to_have_text("Skriv in engångskoden")
        check(page, f"second-factor-{device}")
        page.get_by_label("Engångskod").fill("12345x")
        page.get_by_role("button", name="Fortsätt").click()
        expect(page.locator("#error-summary")).to_be_visible()
        check(page, f"second-factor-error-{device}")

        # The case handler's pages.
        page = staff_page(handler, phone=phone)
        check(page, f"home-{device}", "/personal/")
        page.goto("/personal/arenden/")
        expect(page.locator(".leaflet-container")).to_be_visible()
        # No map tiles here: the words fit the inbox, whose table lists every case.
        expect(page.locator("#map-status")).to_have_text(
            "Kartbilden kunde inte laddas. Alla ärenden på sidan finns i tabellen ovan."
        )
        check(page, f"inbox-{device}")
        page.get_by_label("Status").select_option(label="Alla öppna")
        page.get_by_label("Kategori").select_option(label="Belysning")
        page.get_by_role("button", name="Visa").click()
        expect(page.locator("table.cases tbody tr")).to_have_count(1)
        check(page, f"inbox-filtered-{device}")
        page.get_by_label("Sök").fill("finns inte någonstans")
        page.get_by_role("button", name="Visa").click()
        expect(page.locator("table.cases")).to_contain_text("Inga ärenden matchar urvalet.")
        check(page, f"inbox-empty-{device}")

        page.goto(f"/personal/arenden/{reference}/")
        expect(page.get_by_role("heading", name="Kontaktuppgifter")).to_be_visible()
        images = page.locator(".photos img")
        expect(images).to_have_count(2)
        images.last.scroll_into_view_if_needed()
        for i in range(2):
            # Lazy images: wait for each to load instead of racing it.
            images.nth(i).scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0",
                arg=images.nth(i).element_handle(),
                timeout=10000,
            )
        check(page, f"case-{device}")
        form = action(page, "Dubblett")
        form.get_by_label("Ärendenummer som ärendet är en dubblett av").fill("OTR-1999-00001")
        form.get_by_role("button", name="Slå ihop").click()
        expect(page.locator(".message-error")).to_contain_text("Det finns inget ärende")
        check(page, f"case-error-{device}")
        check(page, f"print-{device}", f"/personal/arenden/{reference}/utskrift/")
        check(page, f"figures-{device}", "/personal/siffror/")
        expect(page.get_by_text("Frågan har skickats i 1 ärende,")).to_be_visible()

        # The police officer's 403 page.
        page = staff_page(police, phone=phone)
        response = page.goto("/personal/arenden/")
        assert response.status == 403
        check(page, f"forbidden-{device}")

        # Five wrong passwords lock the account (django-axes).
        page = open_page(phone=phone, path="/personal/logga-in/")
        for _attempt in range(5):
            log_in_with_password(page, f"gissning-{device}", "fel-lösenord")
        expect(page.get_by_role("heading", level=1)).to_have_text("Kontot är tillfälligt spärrat")
        check(page, f"locked-out-{device}")

        # The resident's "Känns platsen tryggare nu?" page.
        page = open_page(phone=phone, path=f"/tryggare/{token}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Känns platsen tryggare nu?")
        check(page, f"feedback-{device}")

    blocking = {name: v for name, v in found.items() if v}
    assert not blocking, "axe-core found serious or critical problems:\n" + describe(blocking)
    assert not too_wide, "Pages that stick out sideways on a phone:\n" + "\n".join(too_wide)


# --- 4. Keyboard ---------------------------------------------------------------------------


def tab_until(page: Page, selector: str, limit: int = 120) -> dict:
    """Press Tab until the focused element matches `selector`; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            now = focused(page)
            assert now["outline"] or now["shadow"], f"focus on {selector} is not visible"
            return now
    raise AssertionError(f"{selector} could not be reached with Tab")


def test_case_actions_work_with_the_keyboard(staff_page, make_staff, case_with_contact, shot):
    unit = Unit.objects.create(name="Gatu- och parkenheten", email="gata@arvidsjaur.example")
    handler = make_staff("karin", "case_handler")
    reference = case_with_contact.reference
    page = staff_page(handler, path=f"/personal/arenden/{reference}/")

    # Skip link, then straight to the status form.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    page.keyboard.press("Enter")
    tab_until(page, "#id_to_status")
    # Closed <select>: arrow keys change the value without opening a pop-up.
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_to_status").input_value() == Status.FORWARDED
    page.keyboard.press("ArrowUp")
    assert page.locator("#id_to_status").input_value() == Status.UNDER_REVIEW
    tab_until(page, "#id_note")
    page.keyboard.type("Vi tittar på platsen i veckan.")
    tab_until(page, "form[aria-labelledby='action-status'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_saved(page)
    expect(page.locator(".status-line .status")).to_have_text("Under utredning")

    # The unit form.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link
    tab_until(page, "#id_unit")
    page.keyboard.press("End")
    assert page.locator("#id_unit").input_value() == str(unit.pk)
    tab_until(page, "form[aria-labelledby='action-unit'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_saved(page)

    # An internal note: radio buttons with the arrow keys.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_until(page, "input[name=kind]")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_kind_1").is_checked()
    tab_until(page, "#id_text")
    page.keyboard.type("Intern anteckning skriven med tangentbordet.")
    tab_until(page, "form[aria-labelledby='action-update'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_saved(page)

    # Moderation: photo approval and publishing with the space bar.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_until(page, "#id_approved_photos_0")
    page.keyboard.press("Space")
    tab_until(page, "#id_published")
    page.keyboard.press("Space")
    shot(page, "staff-keyboard-case")
    tab_until(page, "form[aria-labelledby='action-moderate'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_saved(page)

    report = Report.objects.get(pk=case_with_contact.pk)
    assert report.status == Status.UNDER_REVIEW
    assert report.unit == unit
    assert report.published
    assert [p.approved for p in report.photos.order_by("pk")] == [True, False]
    note = report.events.get(kind=ReportEvent.Kind.NOTE)
    assert note.text == "Intern anteckning skriven med tangentbordet."
    assert note.audience == "internal"


@pytest.mark.browser
def test_a_response_template_fills_the_note(staff_page, make_staff, case_with_contact):
    from tryggve.reports.models import ResponseTemplate

    ResponseTemplate.objects.create(title="Tack", status="", text="Tack, vi tittar på platsen.")
    handler = make_staff("kim", "case_handler")
    page = staff_page(handler, path=f"/personal/arenden/{case_with_contact.reference}/")
    page.get_by_text("Svarsmallar").click()
    page.get_by_role("button", name="Använd ”Tack”").click()
    expect(page.locator("#id_note")).to_have_value("Tack, vi tittar på platsen.")
    expect(page.locator("#id_note")).to_be_focused()
