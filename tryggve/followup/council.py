"""Hälsa- och trygghetsrådet: its meetings, the follow-up report for each meeting (what
changed since the meeting before), its sending as PDF to the council's recipients, and the
council's decisions on activities.

The report reads everything from what the system already holds: the activities' progress
updates and status changes, the live indicators, the exposure ranking and the overdue cases.
The live indicators and the ranking cannot be computed as of a past date, so generating a
report stores them (`IndicatorSnapshot`) and the next meeting's report compares with those.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.ranking import exposure_ranking
from tryggve.areas.models import Municipality
from tryggve.followup.indicators import format_decimal, format_value, indicator_values
from tryggve.followup.models import (
    Activity,
    ActivityEvent,
    ActivityUpdate,
    CouncilDecision,
    CouncilDelivery,
    CouncilMeeting,
    IndicatorSnapshot,
    ReportRecipient,
)
from tryggve.followup.permissions import may_edit_activity
from tryggve.followup.services import FollowupRefused, _event, _once
from tryggve.lib.mail import mail_queue, mail_sender
from tryggve.lib.pdf import html_to_pdf
from tryggve.reports.models import Report

# How many of the most exposed areas the report follows ("new" = in this list now and not
# at the previous meeting).
EXPOSED_TOP = 3
# The overdue cases listed by reference; the count is always whole.
OVERDUE_LISTED = 20
# The PDF's style sheet (no <style> in templates: the CSP test reads them all).
PDF_CSS = Path(__file__).resolve().parent / "static" / "css" / "council-pdf.css"
DECIDERS_FOR_ALL = frozenset({"case_handler", "administrator"})


def last_meeting_of_year(municipality: Municipality, year: int) -> CouncilMeeting | None:
    """The council's last meeting in `year`: the annual summary is due by it."""
    return (
        CouncilMeeting.objects.for_municipality(municipality)
        .filter(date__year=year)
        .order_by("-date", "-id")
        .first()
    )


def previous_meeting(meeting: CouncilMeeting) -> CouncilMeeting | None:
    """The meeting before `meeting` in the same municipality (the report's starting point)."""
    return (
        CouncilMeeting.objects.for_municipality(meeting.municipality)
        .filter(date__lt=meeting.date)
        .order_by("-date", "-id")
        .first()
    )


# --- Services ------------------------------------------------------------------------


def council_meeting_create(
    *,
    municipality: Municipality,
    date: datetime.date,
    title: str,
    place: str = "",
    notes: str = "",
    submission_key: uuid.UUID | None = None,
) -> CouncilMeeting:
    """A new council meeting (one per day; a double submit saves once)."""
    if CouncilMeeting.objects.for_municipality(municipality).filter(date=date).exists():
        existing = CouncilMeeting.objects.filter(submission_key=submission_key).first()
        if submission_key is not None and existing is not None:
            return existing
        raise FollowupRefused(_("Rådet har redan ett möte den dagen."))
    return _once(
        CouncilMeeting,
        submission_key,
        lambda: CouncilMeeting.objects.create(
            municipality=municipality,
            date=date,
            title=title,
            place=place,
            notes=notes,
            submission_key=submission_key,
        ),
    )


MEETING_FIELDS = ("date", "title", "place", "notes")


def council_meeting_edit(
    *, meeting: CouncilMeeting, date: datetime.date, title: str, place: str = "", notes: str = ""
) -> CouncilMeeting:
    """Correct a meeting's date, title, place or notes (still one meeting per day). Saving
    the same values again (a double submit) changes nothing. A report already generated
    keeps its stored figures; it compares with whichever meeting is now the one before."""
    if (
        date != meeting.date
        and CouncilMeeting.objects.for_municipality(meeting.municipality)
        .filter(date=date)
        .exclude(pk=meeting.pk)
        .exists()
    ):
        raise FollowupRefused(_("Rådet har redan ett möte den dagen."))
    changes = {"date": date, "title": title, "place": place, "notes": notes}
    changed = [name for name, value in changes.items() if getattr(meeting, name) != value]
    if not changed:
        return meeting
    try:
        with transaction.atomic():
            for name in changed:
                setattr(meeting, name, changes[name])
            meeting.save(update_fields=changed)
    except IntegrityError:
        # Another meeting was put on that day at the same moment (the constraint held).
        meeting.refresh_from_db()
        raise FollowupRefused(_("Rådet har redan ett möte den dagen.")) from None
    return meeting


def report_recipient_add(
    *, municipality: Municipality, name: str, role: str, email: str
) -> ReportRecipient:
    """Add a recipient of the council's report (an address already listed is refused)."""
    email = email.strip().lower()
    listed = ReportRecipient.objects.for_municipality(municipality).filter(email__iexact=email)
    if listed.exists():
        raise FollowupRefused(_("Adressen finns redan bland mottagarna."))
    return ReportRecipient.objects.create(
        municipality=municipality, name=name, role=role, email=email
    )


def report_recipient_set_active(*, recipient: ReportRecipient, active: bool) -> ReportRecipient:
    """Stop or resume sending the report to a recipient (the delivery log keeps its rows)."""
    recipient.active = active
    recipient.save(update_fields=["active"])
    return recipient


@transaction.atomic
def council_decision_record(
    *,
    meeting: CouncilMeeting,
    kind: str,
    text: str,
    activity: Activity | None,
    actor,
    roles: Iterable[str],
    submission_key: uuid.UUID | None = None,
) -> CouncilDecision:
    """Record a decision or comment of the meeting, about an activity or in general, and
    write it in the activity's history. Police officers record them on the activities they
    edit; general ones are the meeting managers' (case handlers, administrators)."""
    roles = set(roles)
    if activity is None and not roles & DECIDERS_FOR_ALL:
        raise FollowupRefused(_("Välj den aktivitet beslutet gäller."))
    if activity is not None and not may_edit_activity(roles, activity):
        raise FollowupRefused(_("Du får inte ändra den här aktiviteten."))

    def create() -> CouncilDecision:
        decision = CouncilDecision.objects.create(
            meeting=meeting,
            activity=activity,
            kind=kind,
            text=text,
            author=actor,
            submission_key=submission_key,
        )
        if activity is not None:
            label = CouncilDecision.Kind(kind).label
            _event(activity, ActivityEvent.Kind.COUNCIL, actor, text=f"{label}: {text}")
        return decision

    return _once(CouncilDecision, submission_key, create)


# --- The report ----------------------------------------------------------------------


@dataclass
class ActivityChange:
    activity: Activity
    updates: list[ActivityUpdate] = field(default_factory=list)
    status_events: list[ActivityEvent] = field(default_factory=list)


@dataclass(frozen=True)
class Move:
    label: str
    before: str
    now: str
    moved: bool


@dataclass
class CouncilReport:
    meeting: CouncilMeeting
    previous: CouncilMeeting | None
    changes: list[ActivityChange]
    indicators: list[Move]
    compared: bool  # whether the previous meeting stored values to compare with
    exposed_areas: list[Move]  # the most exposed areas now; `moved` = new since last time
    overdue_count: int
    overdue: list[Report]
    previous_decisions: list[CouncilDecision]
    decisions: list[CouncilDecision]

    @property
    def new_exposed(self) -> list[Move]:
        return [area for area in self.exposed_areas if area.moved]

    @property
    def moved_indicators(self) -> list[Move]:
        return [move for move in self.indicators if move.moved]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _activity_changes(meeting: CouncilMeeting, since: datetime.date | None) -> list[ActivityChange]:
    """Progress updates dated after the previous meeting up to this one, and status
    changes made in that time, grouped by activity."""
    updates = ActivityUpdate.objects.for_municipality(meeting.municipality).filter(
        date__lte=meeting.date
    )
    events = ActivityEvent.objects.for_municipality(meeting.municipality).filter(
        kind=ActivityEvent.Kind.STATUS, created__lt=_day_start(meeting.date + datetime.timedelta(1))
    )
    if since is not None:
        updates = updates.filter(date__gt=since)
        events = events.filter(created__gte=_day_start(since + datetime.timedelta(1)))
    by_activity: dict[int, ActivityChange] = {}
    related = ("activity__commitment", "activity__responsible_user")
    for update in updates.select_related(*related).order_by("date", "id"):
        by_activity.setdefault(update.activity_id, ActivityChange(update.activity)).updates.append(
            update
        )
    for event in events.select_related(*related).order_by("created", "id"):
        change = by_activity.setdefault(event.activity_id, ActivityChange(event.activity))
        change.status_events.append(event)
    return sorted(
        by_activity.values(),
        key=lambda c: (c.activity.commitment.position, c.activity.title, c.activity.pk),
    )


def _live_snapshots(meeting: CouncilMeeting, today: datetime.date) -> list[IndicatorSnapshot]:
    """The indicators and the most exposed areas as they stand now (unsaved rows)."""
    as_of = min(meeting.date, today)
    rows = [
        IndicatorSnapshot(
            meeting=meeting,
            kind=IndicatorSnapshot.Kind.INDICATOR,
            code=value.indicator.code,
            label=str(value.indicator.name),
            value=value.value,
            unit=value.indicator.unit,
        )
        for value in indicator_values(
            municipality_code=meeting.municipality.code, year=as_of.year, today=as_of
        )
    ]
    _smoothing, ranked, _outside = exposure_ranking(
        group=OffenceGroup.RESIDENTIAL_BURGLARY, year=as_of.year
    )
    exposed = [r for r in ranked if r.rate.smoothed_rate is not None and r.rate.count > 0]
    rows += [
        IndicatorSnapshot(
            meeting=meeting,
            kind=IndicatorSnapshot.Kind.EXPOSED_AREA,
            code=str(r.area.pk),
            label=r.area.name,
            value=r.rate.smoothed_rate,
        )
        for r in exposed[:EXPOSED_TOP]
    ]
    return rows


def _moves(now: list[IndicatorSnapshot], before: list[IndicatorSnapshot] | None) -> list[Move]:
    earlier = {row.code: row for row in before or []}
    moves = []
    for row in now:
        old = earlier.get(row.code)
        before_value = old.value if old is not None else None
        moves.append(
            Move(
                label=row.label,
                before=format_value(before_value, row.unit) if old is not None else "–",
                now=format_value(row.value, row.unit),
                moved=before is not None
                and row.value is not None
                and (before_value is None or round(row.value, 4) != round(before_value, 4)),
            )
        )
    return moves


def _exposed(now: list[IndicatorSnapshot], before: list[IndicatorSnapshot] | None) -> list[Move]:
    earlier = {row.code for row in before or []}
    return [
        Move(
            label=row.label,
            before="",
            now=format_decimal(row.value),
            moved=before is not None and row.code not in earlier,
        )
        for row in now
    ]


def council_report(*, meeting: CouncilMeeting, today: datetime.date) -> CouncilReport:
    """The follow-up report for `meeting`: what changed since the previous meeting.

    A generated report shows the values stored when it was generated; before that, the
    live values (a preview). Indicators and exposed areas are compared with the values the
    previous meeting's report stored; without them nothing is said to have moved.
    """
    previous = previous_meeting(meeting)
    stored = list(meeting.snapshots.all())
    now = stored if meeting.report_generated else _live_snapshots(meeting, today)
    before = list(previous.snapshots.all()) if previous is not None else []
    compared = bool(before)
    kinds = IndicatorSnapshot.Kind
    # The meeting's municipality's cases only (also while one municipality is served).
    overdue = (
        Report.objects.for_municipality(meeting.municipality)
        .overdue()
        .select_related("category")
        .order_by("due", "id")
    )
    return CouncilReport(
        meeting=meeting,
        previous=previous,
        changes=_activity_changes(meeting, previous.date if previous else None),
        indicators=_moves(
            [r for r in now if r.kind == kinds.INDICATOR],
            [r for r in before if r.kind == kinds.INDICATOR] if compared else None,
        ),
        compared=compared,
        exposed_areas=_exposed(
            [r for r in now if r.kind == kinds.EXPOSED_AREA],
            [r for r in before if r.kind == kinds.EXPOSED_AREA] if compared else None,
        ),
        overdue_count=overdue.count(),
        overdue=list(overdue[:OVERDUE_LISTED]),
        previous_decisions=list(previous.decisions.select_related("activity") if previous else []),
        decisions=list(meeting.decisions.select_related("activity")),
    )


@transaction.atomic
def council_report_generate(*, meeting: CouncilMeeting, today: datetime.date) -> CouncilMeeting:
    """Store the indicators and exposed areas as they stand now for this meeting's report
    (replacing an earlier generation), so that it and the next meeting's report read the
    same figures."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    rows = _live_snapshots(meeting, today)
    meeting.snapshots.all().delete()
    IndicatorSnapshot.objects.bulk_create(rows)
    meeting.report_generated = timezone.now()
    meeting.save(update_fields=["report_generated"])
    return meeting


def council_report_html(report: CouncilReport) -> str:
    """The report as a standalone HTML document (the PDF's source)."""
    return render_to_string("followup/council/report_pdf.html", {"report": report})


def council_report_pdf(report: CouncilReport) -> bytes:
    """The report as a tagged PDF (PDF/UA-1): real headings, tables as tables, the
    document's language and title set."""
    return html_to_pdf(council_report_html(report), css=PDF_CSS.read_text(encoding="utf-8"))


def report_filename(meeting: CouncilMeeting) -> str:
    return f"uppfoljning-radet-{meeting.date.isoformat()}.pdf"


def council_report_send(
    *, meeting: CouncilMeeting, actor, today: datetime.date
) -> list[CouncilDelivery]:
    """Send the meeting's report as PDF to every active recipient, once per address: the
    report is generated if it was not, a delivery row is written per recipient and its
    mail queued, to go out after commit. Sending again (a double click) adds only
    recipients that have not had it. The PDF is drawn before the short transaction that
    writes the rows, so no lock is held while WeasyPrint works."""
    if meeting.report_generated is None:
        meeting = council_report_generate(meeting=meeting, today=today)
    report = council_report(meeting=meeting, today=today)
    pdf = council_report_pdf(report)
    subject = _("Uppföljning till %(title)s %(date)s") % {
        "title": meeting.title,
        "date": meeting.date.isoformat(),
    }
    body = render_to_string("followup/council/report_mail.txt", {"report": report})
    with transaction.atomic():
        # The lock makes a second click wait and then see the first one's deliveries.
        meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
        done = set(meeting.deliveries.values_list("email", flat=True))
        recipients = ReportRecipient.objects.for_municipality(meeting.municipality).filter(
            active=True
        )
        deliveries = []
        # The meeting's municipality sends it (its name as sender, its reply address).
        sender = mail_sender(meeting.municipality.code)
        for recipient in recipients:
            if recipient.email in done:
                continue
            mail = mail_queue(
                to=recipient.email,
                subject=subject,
                body=body,
                attachment=(report_filename(meeting), pdf, "application/pdf"),
                sender=sender,
            )
            deliveries.append(
                CouncilDelivery.objects.create(
                    meeting=meeting,
                    recipient=recipient,
                    name=recipient.name,
                    email=recipient.email,
                    mail=mail,
                    sent_by=actor,
                )
            )
        if deliveries:
            meeting.report_sent = timezone.now()
            meeting.save(update_fields=["report_sent"])
    return deliveries
