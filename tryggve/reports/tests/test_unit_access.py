"""Units and the police act on the cases sent to them (issue 9, item 5): through the link
mailed to the unit (one case, time-limited, revocable, logged) or, for the unit's staff
with accounts (the police's officers), behind the login. Who may open what, the matrix."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tryggve.audit.models import AccessLog
from tryggve.reports.models import Report, ReportEvent, Status, Unit, UnitLink
from tryggve.reports.services import (
    CaseError,
    report_assign_unit,
    report_unit_note,
    unit_link_revoke,
)

LINK = re.compile(r"https?://[^\s]+/enhet/([A-Za-z0-9_-]+)/")


@pytest.fixture
def street(db):
    return Unit.objects.create(name="Gatuenheten", email="gata@arvidsjaur.example")


@pytest.fixture
def police_unit(db, police_officer):
    unit = Unit.objects.create(name="Polisen LPO Piteå älvdal", email="polis@example.se")
    unit.members.add(police_officer.user)
    return unit


@pytest.fixture
def case(make_report, case_handler, street, django_capture_on_commit_callbacks):
    report = make_report(
        contact_name="Anna Andersson",
        contact_email="anna@example.se",
        contact_phone="070-111 22 33",
        description="Trasig lampa vid busshållplatsen.",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_assign_unit(report=report, unit=street, actor=case_handler.user)
    report.refresh_from_db()
    (sent,) = [m for m in mail.outbox if m.to == [street.email]]
    report.unit_token = LINK.search(sent.body).group(1)
    return report


def link(report) -> str:
    return f"/enhet/{report.unit_token}/"


# The link ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_link_opens_the_case_without_the_residents_contact_details(outsider, case):
    response = outsider.get(link(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert case.reference in body and "Trasig lampa vid busshållplatsen." in body
    for secret in ("Anna Andersson", "anna@example.se", "070-111"):
        assert secret not in body
    assert response["X-Robots-Tag"] == "noindex"
    # Every use is logged, naming the unit.
    log = AccessLog.objects.get()
    assert log.actor is None and case.reference in log.subject and "Gatuenheten" in log.subject


@pytest.mark.django_db
def test_the_unit_posts_a_note_and_marks_the_work_done(outsider, case_handler, case):
    response = outsider.post(f"{link(case)}besked/", {"text": "Ny armatur beställd."})
    assert response.status_code == 302 and response["Location"] == link(case)
    response = outsider.post(f"{link(case)}besked/", {"text": "", "done": "1"})
    assert response.status_code == 302
    note, done = case.events.filter(
        kind__in=[ReportEvent.Kind.UNIT_NOTE, ReportEvent.Kind.UNIT_DONE]
    ).order_by("id")
    assert (note.kind, note.text, note.unit, note.audience) == (
        "unit_note",
        "Ny armatur beställd.",
        case.unit,
        "internal",
    )
    assert done.kind == "unit_done" and done.actor is None
    # The status stays with the case handler, who sees both rows and is asked to confirm.
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    body = case_handler.get(f"/personal/arenden/{case.reference}/").content.decode()
    assert "Ny armatur beställd." in body
    assert "Gatuenheten via länken" in body
    assert "meddelade" in body and "att arbetet är klart" in body
    # Neither the resident nor the public sees the unit's notes.
    tracking = outsider.get(f"/rapport/{case.tracking_token}/").content.decode()
    assert "Ny armatur beställd." not in tracking


@pytest.mark.django_db
def test_an_empty_note_is_refused_with_a_message_and_nothing_saved(outsider, case):
    response = outsider.post(f"{link(case)}besked/", {"text": "  "})
    assert response.status_code == 200
    assert "Skriv ett besked." in response.content.decode()
    assert not case.events.filter(kind=ReportEvent.Kind.UNIT_NOTE).exists()


@pytest.mark.django_db
def test_a_wrong_token_is_404(outsider, case):
    assert outsider.get("/enhet/fel-nyckel-0123456789abcdefghij/").status_code == 404
    assert outsider.post("/enhet/fel/besked/", {"text": "x"}).status_code == 404


@pytest.mark.django_db
def test_an_expired_link_is_refused(outsider, case):
    UnitLink.objects.update(expires=timezone.now() - timedelta(minutes=1))
    response = outsider.get(link(case))
    assert response.status_code == 410
    body = response.content.decode()
    assert "Länken gäller inte längre" in body and case.description not in body
    assert outsider.post(f"{link(case)}besked/", {"text": "x"}).status_code == 410
    assert not case.events.filter(kind=ReportEvent.Kind.UNIT_NOTE).exists()
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_a_revoked_link_is_refused(outsider, case_handler, case):
    unit_link = UnitLink.objects.get()
    response = case_handler.post(
        f"/personal/arenden/{case.reference}/enhetslank/{unit_link.pk}/aterkalla/"
    )
    assert response.status_code == 302
    assert outsider.get(link(case)).status_code == 410
    assert case.events.filter(kind=ReportEvent.Kind.UNIT_LINK).exists()


@pytest.mark.django_db
def test_sending_the_case_to_another_unit_ends_the_first_units_link(
    outsider, case, case_handler
):
    other = Unit.objects.create(name="Fastighetsbolaget", email="fast@example.se")
    report_assign_unit(report=case, unit=other, actor=case_handler.user)
    assert outsider.get(link(case)).status_code == 410
    with pytest.raises(CaseError):
        report_unit_note(report=case, unit=Unit.objects.get(name="Gatuenheten"), text="x")


@pytest.mark.django_db
def test_a_link_opens_only_its_own_case_and_photos(outsider, case, make_report):
    from django.core.files.base import ContentFile

    from tryggve.lib.tests.imagefiles import jpeg_with_gps

    other = make_report(description="Ett annat ärende")
    photo = other.photos.create(image=ContentFile(jpeg_with_gps(), name="x.jpg"))
    assert outsider.get(f"{link(case)}bild/{photo.pk}/").status_code == 404
    own = case.photos.create(image=ContentFile(jpeg_with_gps(), name="y.jpg"))
    assert outsider.get(f"{link(case)}bild/{own.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_closed_case_takes_no_more_notes(outsider, case):
    Report.objects.filter(pk=case.pk).update(status=Status.RESOLVED, closed=timezone.now())
    body = outsider.get(link(case)).content.decode()
    assert "Ärendet är avslutat." in body and "Arbetet är klart" not in body
    response = outsider.post(f"{link(case)}besked/", {"text": "x"}, follow=True)
    assert "Ärendet är avslutat." in response.content.decode()
    assert not case.events.filter(kind=ReportEvent.Kind.UNIT_NOTE).exists()


@pytest.mark.django_db
def test_revoking_twice_writes_one_row(case, case_handler):
    unit_link = UnitLink.objects.get()
    unit_link_revoke(link=unit_link, actor=case_handler.user)
    unit_link_revoke(link=unit_link, actor=case_handler.user)
    assert case.events.filter(kind=ReportEvent.Kind.UNIT_LINK).count() == 1


# Behind the login: the police as a unit ----------------------------------------------------


@pytest.fixture
def police_case(make_report, case_handler, police_unit):
    report = make_report(contact_phone="070-999 88 77", description="Bilar kör för fort.")
    report_assign_unit(report=report, unit=police_unit, actor=case_handler.user)
    return report


def matrix_clients(client, police_officer, case_handler, council_reader, staff_without_role):
    return {
        "anonymous": client,
        "police_member": police_officer,
        "case_handler": case_handler,
        "council_reader": council_reader,
        "norole": staff_without_role,
    }


@pytest.mark.django_db
def test_the_matrix_behind_the_login(
    client, police_officer, case_handler, council_reader, staff_without_role, police_case, case
):
    clients = matrix_clients(
        client, police_officer, case_handler, council_reader, staff_without_role
    )
    # Only the police officer belongs to the police unit; `case` lies with the street unit.
    expected = {
        f"/personal/enhet/{police_case.reference}/": {"police_member": 200},
        f"/personal/enhet/{case.reference}/": {},
        "/personal/enhet/": {"police_member": 200, "case_handler": 200, "council_reader": 200},
    }
    for url, allowed in expected.items():
        for persona, http in clients.items():
            response = http.get(url)
            if persona == "anonymous":
                assert response.status_code == 302, url
                assert response["Location"].startswith("/personal/logga-in/")
            else:
                assert response.status_code == allowed.get(persona, 403), (url, persona)


@pytest.mark.django_db
def test_a_police_officer_opens_and_acts_on_the_case(police_officer, police_case, case):
    inbox = police_officer.get("/personal/enhet/").content.decode()
    assert police_case.reference in inbox and case.reference not in inbox
    page = police_officer.get(f"/personal/enhet/{police_case.reference}/")
    body = page.content.decode()
    assert "Bilar kör för fort." in body and "070-999" not in body
    assert AccessLog.objects.filter(actor=police_officer.user).exists()
    response = police_officer.post(
        f"/personal/enhet/{police_case.reference}/besked/",
        {"text": "Vi har hastighetskontroll på torsdag.", "done": "1"},
    )
    assert response.status_code == 302
    event = police_case.events.get(kind=ReportEvent.Kind.UNIT_DONE)
    assert event.actor == police_officer.user and event.unit.name.startswith("Polisen")
    police_case.refresh_from_db()
    assert police_case.status == Status.RECEIVED


@pytest.mark.django_db
def test_the_wrong_unit_posts_nothing(police_officer, case, staff_without_role, client):
    for http in (police_officer, staff_without_role):
        response = http.post(f"/personal/enhet/{case.reference}/besked/", {"text": "x"})
        assert response.status_code == 403
    assert client.post(f"/personal/enhet/{case.reference}/besked/", {"text": "x"})[
        "Location"
    ].startswith("/personal/logga-in/")
    assert police_officer.get(f"/personal/enhet/{case.reference}/bild/1/").status_code == 403
    assert not case.events.filter(kind=ReportEvent.Kind.UNIT_NOTE).exists()


@pytest.mark.django_db
def test_the_unit_inbox_is_one_query_per_page(police_officer, police_case, make_report,
                                              case_handler, police_unit,
                                              django_assert_max_num_queries):
    for _ in range(3):
        report_assign_unit(report=make_report(), unit=police_unit, actor=case_handler.user)
    with django_assert_max_num_queries(12):
        response = police_officer.get("/personal/enhet/")
    assert response.content.decode().count("/personal/enhet/OTR-") == 4


def _header_menu(client) -> str:
    page = client.get("/personal/lagesbild/").content.decode()
    return re.search(r'<nav class="wrap main-nav".*?</nav>', page, re.S).group(0)


@pytest.mark.django_db
def test_the_header_menu_links_the_unit_cases_for_members_only(
    police_officer, case_handler, police_unit
):
    assert 'href="/personal/enhet/"' in _header_menu(police_officer)
    assert "Min enhets ärenden" in _header_menu(police_officer)
    assert police_officer.get("/personal/enhet/").status_code == 200
    assert 'href="/personal/enhet/"' not in _header_menu(case_handler)


@pytest.mark.django_db
def test_the_unit_case_names_the_place_with_unambiguous_coordinates(
    outsider, police_officer, police_case, case
):
    import html

    from tryggve.areas.places import describe_place

    for client, url, report in (
        (outsider, link(case), case),
        (police_officer, f"/personal/enhet/{police_case.reference}/", police_case),
    ):
        body = html.unescape(client.get(url).content.decode())
        place = describe_place(report.lat, report.lon)
        assert place.summary[:1].upper() + place.summary[1:] in body
        assert place.coordinates in body  # "65.59…° N, 19.17…° E"
        assert f"{report.lat:.5f}".replace(".", ",") not in body  # not "65,59…, 19,17…"
