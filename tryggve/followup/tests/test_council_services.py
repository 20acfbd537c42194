"""The council's services: the follow-up report's content on fixed data, the snapshots it
compares with, the decisions with their history row, and the sending (one delivery per
recipient, once on a double submit, the PDF read back)."""

import datetime
import io
import uuid

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tryggve.areas.models import Municipality
from tryggve.followup.council import (
    _exposed,
    _moves,
    council_decision_record,
    council_meeting_create,
    council_report,
    council_report_generate,
    council_report_pdf,
    council_report_send,
    last_meeting_of_year,
    report_recipient_add,
)
from tryggve.followup.models import (
    ActivityEvent,
    CouncilDelivery,
    IndicatorSnapshot,
    Party,
)
from tryggve.followup.services import FollowupRefused, activity_set_status, activity_update_create
from tryggve.lib.models import OutgoingMail
from tryggve.reports.models import Report

pytestmark = pytest.mark.django_db
ADMIN = {"administrator"}


@pytest.fixture
def meetings(municipality, today):
    year = today.year
    first = council_meeting_create(
        municipality=municipality, date=datetime.date(year, 3, 10), title="Rådet"
    )
    second = council_meeting_create(
        municipality=municipality, date=datetime.date(year, 6, 10), title="Rådet"
    )
    return first, second


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_progress_between_meetings_appears_and_before_does_not(meetings, activity, today):
    first, second = meetings
    year = today.year
    for day, text in (
        (datetime.date(year, 2, 1), "Före förra mötet"),
        (datetime.date(year, 4, 1), "Mellan mötena"),
        (datetime.date(year, 7, 1), "Efter mötet"),
    ):
        activity_update_create(activity=activity, date=day, text=text, actor=None, roles=ADMIN)
    activity_set_status(activity=activity, status="ongoing", actor=None, roles=ADMIN)
    ActivityEvent.objects.filter(kind="status").update(created=at(datetime.date(year, 5, 2)))

    report = council_report(meeting=second, today=today)
    assert [c.activity for c in report.changes] == [activity]
    assert [u.text for u in report.changes[0].updates] == ["Mellan mötena"]
    assert [e.to_status for e in report.changes[0].status_events] == ["ongoing"]
    # The first meeting's report covers everything up to it, and not the later status.
    earlier = council_report(meeting=first, today=today)
    assert [u.text for u in earlier.changes[0].updates] == ["Före förra mötet"]
    assert earlier.changes[0].status_events == []
    assert earlier.previous is None and report.previous == first


def test_overdue_cases_are_listed(meetings, make_report, today):
    late = make_report()
    on_time = make_report()
    # Arjeplog's late case (kept beside Arvidsjaur, not served) is not the council's; one
    # without a municipality (from before reports had one) is the default municipality's.
    neighbours, unassigned = make_report(), make_report(at=None)
    late_due = timezone.now() - datetime.timedelta(days=3)
    Report.objects.filter(pk__in=[late.pk, neighbours.pk]).update(due=late_due)
    Report.objects.filter(pk=unassigned.pk).update(due=late_due, municipality=None)
    Report.objects.filter(pk=neighbours.pk).update(
        municipality=Municipality.objects.get(code="2506")
    )
    Report.objects.filter(pk=on_time.pk).update(due=timezone.now() + datetime.timedelta(days=3))
    report = council_report(meeting=meetings[1], today=today)
    assert report.overdue_count == 2
    assert {case.reference for case in report.overdue} == {late.reference, unassigned.reference}


def test_indicators_compare_with_the_previous_meetings_snapshot(meetings, today):
    first, second = meetings
    council_report_generate(meeting=first, today=today)
    assert first.snapshots.filter(kind=IndicatorSnapshot.Kind.INDICATOR).exists()
    # Nothing changed since: no indicator moved.
    report = council_report(meeting=second, today=today)
    assert report.compared and report.moved_indicators == []
    # A stored value that differs is a move, shown with both values.
    received = first.snapshots.get(code="reports_received")
    received.value = 7
    received.save()
    moved = council_report(meeting=second, today=today).moved_indicators
    assert [(m.label, m.before) for m in moved] == [(received.label, "7")]


def test_without_a_previous_snapshot_nothing_is_said_to_move(meetings, today):
    report = council_report(meeting=meetings[1], today=today)
    assert not report.compared
    assert report.moved_indicators == [] and report.new_exposed == []
    assert report.indicators  # the values now are still shown


def test_generating_again_replaces_the_snapshots(meetings, today):
    first = meetings[0]
    council_report_generate(meeting=first, today=today)
    count = first.snapshots.count()
    council_report_generate(meeting=first, today=today)
    assert first.snapshots.count() == count
    first.refresh_from_db()
    assert first.report_generated is not None


def test_decision_on_an_activity_writes_its_history_and_shows_next_time(meetings, activity, today):
    first, second = meetings
    council_decision_record(
        meeting=first,
        kind="decision",
        text="Fler trygghetsvandringar",
        activity=activity,
        actor=None,
        roles=ADMIN,
    )
    event = activity.events.get(kind=ActivityEvent.Kind.COUNCIL)
    assert event.text == "Beslut: Fler trygghetsvandringar"
    report = council_report(meeting=second, today=today)
    assert [d.text for d in report.previous_decisions] == ["Fler trygghetsvandringar"]


def test_police_record_decisions_only_on_their_activities(meetings, make_activity):
    police = {"police_officer"}
    ours = make_activity(Party.POLICE)
    theirs = make_activity(Party.MUNICIPALITY)
    council_decision_record(
        meeting=meetings[0], kind="comment", text="Bra", activity=ours, actor=None, roles=police
    )
    for activity in (theirs, None):
        with pytest.raises(FollowupRefused):
            council_decision_record(
                meeting=meetings[0],
                kind="comment",
                text="x",
                activity=activity,
                actor=None,
                roles=police,
            )


def test_decision_double_submit_saves_once(meetings, activity):
    key = uuid.uuid4()
    for _ in range(2):
        council_decision_record(
            meeting=meetings[0],
            kind="decision",
            text="Ett beslut",
            activity=activity,
            actor=None,
            roles=ADMIN,
            submission_key=key,
        )
    assert meetings[0].decisions.count() == 1
    assert activity.events.filter(kind=ActivityEvent.Kind.COUNCIL).count() == 1


def test_one_meeting_per_day(municipality, meetings):
    with pytest.raises(FollowupRefused):
        council_meeting_create(municipality=municipality, date=meetings[0].date, title="Igen")


def test_last_meeting_of_year(municipality, other_municipality, meetings, today):
    council_meeting_create(
        municipality=other_municipality, date=datetime.date(today.year, 12, 20), title="Luleå"
    )
    assert last_meeting_of_year(municipality, today.year) == meetings[1]
    assert last_meeting_of_year(municipality, today.year + 1) is None


def test_recipient_address_is_listed_once(municipality):
    report_recipient_add(municipality=municipality, name="A", role="Ledamot", email="a@example.se")
    with pytest.raises(FollowupRefused):
        report_recipient_add(
            municipality=municipality, name="B", role="Ledamot", email="A@Example.se"
        )


def test_sending_makes_one_delivery_per_recipient_and_sends_once(
    meetings, municipality, administrator, today, django_capture_on_commit_callbacks, mailoutbox
):
    for name, email in (("Karin", "karin@example.se"), ("Per", "per@example.se")):
        report_recipient_add(municipality=municipality, name=name, role="Ledamot", email=email)
    inactive = report_recipient_add(
        municipality=municipality, name="Ola", role="Ledamot", email="ola@example.se"
    )
    inactive.active = False
    inactive.save()
    meeting = meetings[1]
    with django_capture_on_commit_callbacks(execute=True):
        sent = council_report_send(meeting=meeting, actor=administrator.user, today=today)
        again = council_report_send(meeting=meeting, actor=administrator.user, today=today)
    assert len(sent) == 2 and again == []
    assert sorted(CouncilDelivery.objects.values_list("email", flat=True)) == [
        "karin@example.se",
        "per@example.se",
    ]
    assert OutgoingMail.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["karin@example.se", "per@example.se"]
    name, content, mimetype = mailoutbox[0].attachments[0]
    assert name == f"uppfoljning-radet-{meeting.date.isoformat()}.pdf"
    assert mimetype == "application/pdf"
    assert "Rådet" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    meeting.refresh_from_db()
    assert meeting.report_generated is not None and meeting.report_sent is not None


def test_pdf_text_reads_back(meetings, activity, make_report, today):
    first, second = meetings
    activity_update_create(
        activity=activity,
        date=datetime.date(today.year, 4, 1),
        text="Vandring i Centrum",
        actor=None,
        roles=ADMIN,
    )
    late = make_report()
    Report.objects.filter(pk=late.pk).update(due=timezone.now() - datetime.timedelta(days=1))
    pdf = council_report_pdf(council_report(meeting=second, today=today))
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Uppföljningsrapport",
        "Aktiviteternas framsteg",
        "Vandring i Centrum",
        "Ärenden som är försenade",
        late.reference,
    ):
        assert expected in text
    assert reader.trailer["/Root"].get("/StructTreeRoot") is not None  # tagged
    assert reader.trailer["/Root"].get("/Lang") == "sv"


def test_making_a_pdf_leaves_pillows_truncated_image_check_on(meetings, today):
    from PIL import ImageFile

    council_report_pdf(council_report(meeting=meetings[0], today=today))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_reports_numbers_are_written_in_the_active_language():
    from django.utils import translation

    def row(code, value, unit, kind=IndicatorSnapshot.Kind.INDICATOR):
        return IndicatorSnapshot(kind=kind, code=code, label=code, value=value, unit=unit)

    before = [row("presence_hours", 2.0, "hours")]
    now = [row("presence_hours", 3.46, "hours")]
    areas = [row("7", 12.25, "", IndicatorSnapshot.Kind.EXPOSED_AREA)]
    assert [(m.before, m.now) for m in _moves(now, before)] == [("2,0 timmar", "3,5 timmar")]
    assert [m.now for m in _exposed(areas, None)] == ["12,2"]
    with translation.override("en"):
        assert [(m.before, m.now) for m in _moves(now, before)] == [("2.0 hours", "3.5 hours")]
        assert [m.now for m in _exposed(areas, None)] == ["12.2"]
