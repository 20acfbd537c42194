"""Who reads a history row: staff only, the resident, or everyone (issue 8, item 1).

What a resident adds through the tracking link, their reopen text, and what staff write to
the resident reach the public case page and the public map only as a version that staff
edit and publish; bare status changes may be public.
"""

import json

import pytest
from django.core import mail

from tryggve.reports.models import Audience, Report, ReportEvent, Status
from tryggve.reports.services import (
    CaseError,
    report_add_update,
    report_change_status,
    report_event_publish,
)

NEIGHBOUR = "Grannen Sven Svensson, 070-555 12 34, ser allt från sitt fönster."
EDITED = "En granne har sett samma sak."
TO_RESIDENT = "Hej Anna! Vi ringer dig på fredag om lampan."


@pytest.fixture
def published(make_report):
    report = make_report(
        published=True, public_text="Trasig gatlampa vid skolan.", contact_email="a@example.se"
    )
    return report


def public_page(client, report) -> str:
    response = client.get(f"/karta/{report.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def public_map(client) -> str:
    response = client.get("/api/reports.geojson")
    assert response.status_code == 200
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.django_db
def test_a_residents_addition_is_not_public(citizen, outsider, published):
    response = citizen.post(
        f"/rapport/{published.tracking_token}/komplettera/", {"text": NEIGHBOUR}, follow=True
    )
    # The resident sees their own addition on the tracking page ...
    assert NEIGHBOUR in response.content.decode()
    # ... but nobody else does, neither on the case page nor on the map.
    assert "070-555" not in public_page(outsider, published)
    assert "Sven" not in public_page(outsider, published)
    assert "070-555" not in public_map(outsider)
    event = published.events.get(kind=ReportEvent.Kind.RESIDENT_INFO)
    assert event.audience == Audience.RESIDENT


@pytest.mark.django_db
def test_a_reopen_text_is_not_public(citizen, outsider, published):
    from django.utils import timezone

    Report.objects.filter(pk=published.pk).update(
        status=Status.RESOLVED, closed=timezone.now()
    )
    citizen.post(f"/rapport/{published.tracking_token}/oppna-igen/", {"text": NEIGHBOUR})
    published.refresh_from_db()
    assert published.status == Status.UNDER_REVIEW
    body = public_page(outsider, published)
    assert "070-555" not in body
    # The status change itself may be public, bare.
    assert "Status ändrad till Under utredning." in body


@pytest.mark.django_db
def test_a_staff_message_to_the_resident_is_not_public(
    case_handler, outsider, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = case_handler.post(
            f"/personal/arenden/{published.reference}/meddelande/",
            {"kind": "public", "text": TO_RESIDENT},
        )
    assert response.status_code == 302
    assert TO_RESIDENT not in public_page(outsider, published)
    tracking = outsider.get(f"/rapport/{published.tracking_token}/").content.decode()
    assert TO_RESIDENT in tracking, "the resident must still see the message"
    assert any(TO_RESIDENT in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_a_status_note_is_for_the_resident_and_the_bare_status_is_public(
    case_handler, outsider, published
):
    case_handler.post(
        f"/personal/arenden/{published.reference}/status/",
        {"to_status": Status.RESOLVED, "note": TO_RESIDENT},
    )
    event = published.events.get(kind=ReportEvent.Kind.STATUS)
    assert event.audience == Audience.RESIDENT
    body = public_page(outsider, published)
    assert "Status ändrad till Åtgärdad." in body
    assert TO_RESIDENT not in body
    assert TO_RESIDENT in outsider.get(f"/rapport/{published.tracking_token}/").content.decode()
    bare = report_change_status(
        report=published, to_status=Status.UNDER_REVIEW, actor=case_handler.user
    )
    assert bare.events.last().audience == Audience.PUBLIC


@pytest.mark.django_db
def test_after_staff_publish_an_edited_text_only_the_edit_is_public(
    case_handler, outsider, published
):
    outsider.post(f"/rapport/{published.tracking_token}/komplettera/", {"text": NEIGHBOUR})
    event = published.events.get(kind=ReportEvent.Kind.RESIDENT_INFO)
    response = case_handler.post(
        f"/personal/arenden/{published.reference}/historik/{event.pk}/publicera/",
        {"public_text": EDITED},
    )
    assert response.status_code == 302
    body = public_page(outsider, published)
    assert EDITED in body
    assert "070-555" not in body and "Sven" not in body
    event.refresh_from_db()
    assert event.text == NEIGHBOUR, "the resident's original stays in the case"
    assert event.public_text == EDITED
    # The tracking page keeps the resident's own words.
    assert NEIGHBOUR in outsider.get(f"/rapport/{published.tracking_token}/").content.decode()
    # The publication is itself a history row.
    assert published.events.filter(kind=ReportEvent.Kind.MODERATED, actor=case_handler.user)
    # An empty text withdraws the published version.
    case_handler.post(
        f"/personal/arenden/{published.reference}/historik/{event.pk}/publicera/",
        {"public_text": ""},
    )
    assert EDITED not in public_page(outsider, published)


@pytest.mark.django_db
def test_internal_rows_cannot_be_published(case_handler, published):
    note = report_add_update(
        report=published, text="Internt", to_resident=False, actor=case_handler.user
    )
    with pytest.raises(CaseError):
        report_event_publish(event=note, public_text="Internt", actor=case_handler.user)
    response = case_handler.post(
        f"/personal/arenden/{published.reference}/historik/{note.pk}/publicera/",
        {"public_text": "Internt"},
        follow=True,
    )
    assert "Bara texter som den som rapporterade ser kan publiceras." in response.content.decode()
    note.refresh_from_db()
    assert note.public_text == ""


@pytest.mark.django_db
def test_a_row_of_another_case_is_404(case_handler, published, make_report):
    other = make_report()
    event = other.events.first()
    response = case_handler.post(
        f"/personal/arenden/{published.reference}/historik/{event.pk}/publicera/",
        {"public_text": "x"},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_publishing_is_for_case_handlers_only(
    client, police_officer, council_reader, staff_without_role, published
):
    report_add_update(report=published, text=TO_RESIDENT, to_resident=True, actor=None)
    event = published.events.get(kind=ReportEvent.Kind.PUBLIC_UPDATE)
    url = f"/personal/arenden/{published.reference}/historik/{event.pk}/publicera/"
    assert client.post(url, {"public_text": "x"})["Location"].startswith("/personal/logga-in/")
    for persona in (police_officer, council_reader, staff_without_role):
        assert persona.post(url, {"public_text": "x"}).status_code == 403
    event.refresh_from_db()
    assert event.public_text == ""


@pytest.mark.django_db
def test_the_case_page_says_who_sees_each_row(case_handler, published):
    report_add_update(report=published, text="Intern sak", to_resident=False, actor=None)
    report_add_update(report=published, text=TO_RESIDENT, to_resident=True, actor=None)
    body = case_handler.get(f"/personal/arenden/{published.reference}/").content.decode()
    assert "Syns för: Bara personal" in body
    assert "Syns för: Den som rapporterade" in body
    assert "Syns för: Alla" in body  # the arrival
    assert "Publicera en redigerad version" in body
