"""The council's pages: who may open and post what, the other municipality's meetings,
bad input, the decisions on the activity page, and the query counts."""

import datetime

import pytest
from django.urls import reverse

from tryggve.followup.council import council_meeting_create, report_recipient_add
from tryggve.followup.models import CouncilDecision, CouncilMeeting, Party, ReportRecipient

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"followup:{name}", args=args)


@pytest.fixture
def meeting(municipality, today):
    return council_meeting_create(
        municipality=municipality, date=datetime.date(today.year, 3, 10), title="Rådsmöte"
    )


@pytest.fixture
def other_meeting(other_municipality, today):
    return council_meeting_create(
        municipality=other_municipality, date=datetime.date(today.year, 3, 10), title="Luleå"
    )


def test_anonymous_goes_to_login(client, meeting):
    for name, args in (("council", ()), ("council_meeting", (meeting.pk,))):
        response = client.get(url(name, *args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(url("council_send", meeting.pk))
    assert response.status_code == 302
    assert not meeting.deliveries.exists()


def test_council_reader_reads_the_report_but_cannot_send_or_decide(council_reader, meeting):
    page = council_reader.get(url("council_meeting", meeting.pk)).content.decode()
    assert "Uppföljningsrapport" in page
    assert "Skicka rapporten" not in page and "Anteckna ett beslut" not in page
    assert council_reader.post(url("council_send", meeting.pk)).status_code == 403
    assert council_reader.post(url("council_generate", meeting.pk)).status_code == 403
    data = {"kind": "decision", "text": "x"}
    assert council_reader.post(url("council_decision", meeting.pk), data).status_code == 403
    assert council_reader.get(url("council_recipients")).status_code == 403
    assert not CouncilDecision.objects.exists()


def test_police_cannot_manage_recipients_or_meetings(police_officer, municipality):
    assert police_officer.get(url("council_recipients")).status_code == 403
    data = {"name": "X", "role": "Y", "email": "x@example.se"}
    assert police_officer.post(url("council_recipients"), data).status_code == 403
    assert police_officer.get(url("council_create")).status_code == 403
    assert not ReportRecipient.objects.exists()


def test_police_records_a_decision_on_a_police_activity_only(
    police_officer, meeting, make_activity
):
    ours, theirs = make_activity(Party.POLICE), make_activity(Party.MUNICIPALITY)
    page = police_officer.get(url("council_meeting", meeting.pk)).content.decode()
    assert ours.title in page and theirs.title not in page  # only theirs to choose
    data = {"kind": "decision", "text": "Mer närvaro", "activity": ours.pk}
    response = police_officer.post(url("council_decision", meeting.pk), data)
    assert response.status_code == 302
    data["activity"] = theirs.pk
    response = police_officer.post(url("council_decision", meeting.pk), data)
    assert response.status_code == 400
    assert list(CouncilDecision.objects.values_list("activity", flat=True)) == [ours.pk]
    # Shown on the activity page.
    page = police_officer.get(url("activity", ours.pk)).content.decode()
    assert "Mer närvaro" in page


def test_another_municipalitys_meeting_is_a_404(administrator, other_meeting):
    for name in ("council_meeting", "council_pdf"):
        assert administrator.get(url(name, other_meeting.pk)).status_code == 404
    assert administrator.post(url("council_send", other_meeting.pk)).status_code == 404
    assert "Luleå" not in administrator.get(url("council")).content.decode()


def test_another_municipalitys_recipient_cannot_be_toggled(administrator, other_municipality):
    other = report_recipient_add(
        municipality=other_municipality, name="L", role="R", email="l@example.se"
    )
    response = administrator.post(url("council_recipient_toggle", other.pk))
    assert response.status_code == 404
    assert ReportRecipient.objects.get(pk=other.pk).active


def test_case_handler_creates_a_meeting_once_on_double_submit(case_handler, municipality, today):
    data = {
        "submission_key": "0b7f4c52-5a0e-4a53-9a3b-1f2a2b4c5d6e",
        "date": f"{today.year}-09-15",
        "title": "Rådet",
        "place": "Kommunhuset",
    }
    first = case_handler.post(url("council_create"), data)
    second = case_handler.post(url("council_create"), data)
    assert first.status_code == second.status_code == 302
    assert CouncilMeeting.objects.count() == 1


def test_bad_meeting_input_says_why_and_saves_nothing(case_handler, municipality):
    response = case_handler.post(url("council_create"), {"date": "igår", "title": ""})
    assert response.status_code == 400
    assert "aria-invalid" in response.content.decode()
    assert not CouncilMeeting.objects.exists()


def test_bad_recipient_email_is_refused_next_to_the_field(administrator, municipality):
    data = {"name": "Karin", "role": "Kommunalråd", "email": "karin@"}
    response = administrator.post(url("council_recipients"), data)
    assert response.status_code == 400
    assert "Skriv en e-postadress" in response.content.decode()
    assert not ReportRecipient.objects.exists()


def test_send_from_the_page_twice_sends_once(
    administrator, meeting, municipality, django_capture_on_commit_callbacks, mailoutbox
):
    report_recipient_add(municipality=municipality, name="Karin", role="K", email="k@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        administrator.post(url("council_send", meeting.pk))
        administrator.post(url("council_send", meeting.pk))
    assert len(mailoutbox) == 1
    page = administrator.get(url("council_meeting", meeting.pk)).content.decode()
    assert "k@example.se" in page and "Skickat" in page


def test_pdf_download(council_reader, meeting):
    response = council_reader.get(url("council_pdf", meeting.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_query_counts_stay_flat(administrator, municipality, today, django_assert_max_num_queries):
    for month in range(1, 11):
        council_meeting_create(
            municipality=municipality, date=datetime.date(today.year, month, 5), title="Rådet"
        )
        report_recipient_add(
            municipality=municipality, name=f"R{month}", role="L", email=f"r{month}@example.se"
        )
    with django_assert_max_num_queries(12):
        assert administrator.get(url("council")).status_code == 200
    with django_assert_max_num_queries(12):
        assert administrator.get(url("council_recipients")).status_code == 200
