"""Workflows of the follow-up: each atomic, each change of an activity a history row.

Who may change an activity is decided here too (`permissions.may_edit_activity`), so that no
page, command or demo can skip it: the views check first only to show the right buttons.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.accounts.roles import PAGE_PERMISSIONS
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.selectors import home_municipality_code
from tryggve.followup.indicators import BY_CODE as INDICATOR_CODES
from tryggve.followup.models import (
    REASON_STATUSES,
    Activity,
    ActivityEvent,
    ActivityStatus,
    ActivityUpdate,
    Commitment,
    Dialogue,
    EvidenceKind,
    EvidenceLink,
    IndicatorSetting,
    ManualIndicator,
    ManualIndicatorEntry,
    Promise,
    PublishedSummary,
    Signatory,
)
from tryggve.followup.permissions import (
    FOLLOWUP_EDIT,
    FOLLOWUP_INDICATOR_SETTINGS,
    may_edit_activity,
    may_edit_party,
)
from tryggve.lib.periods import shift_year
from tryggve.reports.models import Category, Report
from tryggve.surveys.models import Survey
from tryggve.watch.models import WatchArea

M = TypeVar("M", bound=models.Model)

# The fields of an activity the edit form changes (status has its own service and reason).
ACTIVITY_FIELDS = (
    "title",
    "description",
    "responsible_party",
    "responsible_name",
    "responsible_user",
    "planned_start",
    "planned_end",
    "theme",
)


class FollowupRefused(Exception):
    """A change the rules do not allow; the message is Swedish and shown to the user."""


def _once(model: type[M], submission_key: uuid.UUID | None, create: Callable[[], M]) -> M:
    """Create a row once per form: the same `submission_key` again returns the first row,
    also when two submits race (the unique key refuses the second)."""
    if submission_key is not None:
        existing = model.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = (
            model.objects.filter(submission_key=submission_key).first()
            if submission_key is not None
            else None
        )
        if existing is None:
            raise
        return existing


def _check_may_edit(roles: Iterable[str], activity: Activity) -> None:
    if not may_edit_activity(set(roles), activity):
        raise FollowupRefused(_("Du får inte ändra den här aktiviteten."))


def _event(activity: Activity, kind: str, actor, **fields) -> ActivityEvent:
    return ActivityEvent.objects.create(activity=activity, kind=kind, actor=actor, **fields)


def promise_create(
    *,
    municipality: Municipality,
    police_area: str,
    title: str,
    text: str,
    period_start: datetime.date,
    period_end: datetime.date,
    signed_on: datetime.date | None = None,
    signatories: Iterable[tuple[str, str]] = (),
    commitments: Iterable[tuple[str, str]] = (),
    published: bool = False,
    is_demo: bool = False,
) -> Promise:
    """Record a promise with its signatories (name, title) and commitments (title,
    description), numbered in the order given."""
    if period_end < period_start:
        raise FollowupRefused(_("Perioden slutar innan den börjar."))
    with transaction.atomic():
        promise = Promise.objects.create(
            municipality=municipality,
            police_area=police_area,
            title=title,
            text=text,
            period_start=period_start,
            period_end=period_end,
            signed_on=signed_on,
            published=published,
            is_demo=is_demo,
        )
        Signatory.objects.bulk_create(
            Signatory(promise=promise, position=n, name=name, title=role)
            for n, (name, role) in enumerate(signatories, start=1)
        )
        Commitment.objects.bulk_create(
            Commitment(promise=promise, position=n, title=head, description=body)
            for n, (head, body) in enumerate(commitments, start=1)
        )
    return promise


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise FollowupRefused(_("Det planerade slutet ligger före starten."))


def activity_create(
    *,
    commitment: Commitment,
    title: str,
    responsible_party: str,
    actor,
    roles: Iterable[str],
    description: str = "",
    responsible_name: str = "",
    responsible_user=None,
    planned_start: datetime.date | None = None,
    planned_end: datetime.date | None = None,
    theme: str = "",
    submission_key: uuid.UUID | None = None,
) -> Activity:
    """Add an activity under a commitment, with its first history row. A user may create
    only activities of a party they may edit; the same form twice saves once."""
    if not may_edit_party(set(roles), responsible_party):
        raise FollowupRefused(_("Du får inte lägga till aktiviteter för den parten."))
    _check_period(planned_start, planned_end)

    def create() -> Activity:
        activity = Activity.objects.create(
            commitment=commitment,
            title=title,
            description=description,
            responsible_party=responsible_party,
            responsible_name=responsible_name,
            responsible_user=responsible_user,
            planned_start=planned_start,
            planned_end=planned_end,
            theme=theme,
            submission_key=submission_key,
        )
        _event(activity, ActivityEvent.Kind.CREATED, actor, to_status=activity.status)
        return activity

    return _once(Activity, submission_key, create)


def activity_edit(*, activity: Activity, actor, roles: Iterable[str], **changes) -> Activity:
    """Change an activity's description, party, person or period; the history row names
    the fields that changed (nothing changed, no row). Moving an activity to a party the
    user may not edit is refused, so nobody hands work away from themselves unseen."""
    _check_may_edit(roles, activity)
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    party = changes.get("responsible_party", activity.responsible_party)
    if not may_edit_party(set(roles), party):
        raise FollowupRefused(_("Du får inte lägga aktiviteten på den parten."))
    _check_period(
        changes.get("planned_start", activity.planned_start),
        changes.get("planned_end", activity.planned_end),
    )
    changed = [name for name, value in changes.items() if getattr(activity, name) != value]
    if not changed:
        return activity
    with transaction.atomic():
        for name in changed:
            setattr(activity, name, changes[name])
        activity.save()
        labels = ", ".join(str(Activity._meta.get_field(name).verbose_name) for name in changed)
        _event(activity, ActivityEvent.Kind.EDITED, actor, text=_("Ändrat: %s") % labels)
    return activity


def activity_set_status(
    *, activity: Activity, status: str, actor, roles: Iterable[str], reason: str = ""
) -> Activity:
    """Move an activity to another status; postponed and cancelled need a reason, which is
    kept on the activity and in the history row."""
    _check_may_edit(roles, activity)
    status = ActivityStatus(status)
    reason = reason.strip()
    if status in REASON_STATUSES and not reason:
        raise FollowupRefused(_("Skriv varför aktiviteten skjuts upp eller ställs in."))
    if status == activity.status and reason == activity.status_reason:
        return activity
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        previous = locked.status
        locked.status = status
        locked.status_reason = reason if status in REASON_STATUSES else ""
        locked.save(update_fields=["status", "status_reason", "updated"])
        _event(
            locked,
            ActivityEvent.Kind.STATUS,
            actor,
            from_status=previous,
            to_status=status,
            text=reason,
        )
    activity.status, activity.status_reason = locked.status, locked.status_reason
    return activity


def activity_update_create(
    *,
    activity: Activity,
    date: datetime.date,
    text: str,
    actor,
    roles: Iterable[str],
    percent: int | None = None,
    public: bool = False,
    submission_key: uuid.UUID | None = None,
) -> ActivityUpdate:
    """Record progress on an activity (a history row too). It stays internal unless
    `public` is set: staff decide explicitly what residents read."""
    _check_may_edit(roles, activity)
    if percent is not None and not 0 <= percent <= 100:
        raise FollowupRefused(_("Andelen ska vara mellan 0 och 100 procent."))

    def create() -> ActivityUpdate:
        update = ActivityUpdate.objects.create(
            activity=activity,
            date=date,
            text=text,
            percent=percent,
            public=public,
            author=actor,
            submission_key=submission_key,
        )
        _event(activity, ActivityEvent.Kind.UPDATE, actor, text=text)
        if public:
            _event(activity, ActivityEvent.Kind.PUBLISHED, actor, text=text)
        return update

    return _once(ActivityUpdate, submission_key, create)


def activity_update_publish(
    *, update: ActivityUpdate, public: bool, actor, roles: Iterable[str]
) -> ActivityUpdate:
    """Publish a progress update on /medborgarloften/ or take it off again (a history row
    each time; publishing what is already public changes nothing)."""
    _check_may_edit(roles, update.activity)
    if update.public == public:
        return update
    with transaction.atomic():
        update.public = public
        update.save(update_fields=["public"])
        kind = ActivityEvent.Kind.PUBLISHED if public else ActivityEvent.Kind.UNPUBLISHED
        _event(update.activity, kind, actor, text=update.text)
    return update


def _home_code() -> str:
    return home_municipality_code()


def _place_belongs(
    municipality: Municipality,
    *,
    area: ResidentialArea | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> bool:
    """Whether a record (a report, a presence, a watch area) lies in `municipality`: by its
    residential area, else by its position, else (records of this installation that carry
    neither, e.g. a report described only in words) when it is the installation's own."""
    if area is not None:
        return area.municipality_id == municipality.pk
    if lat is not None and lon is not None:
        return municipality.contains_point(lat, lon)
    return municipality.code == _home_code()


def _evidence_target_check(municipality: Municipality, link: EvidenceLink) -> None:
    """Refuse a target of another municipality (each kind knows where its target lies)."""
    if link.area is not None and link.area.municipality_id != municipality.pk:
        raise FollowupRefused(_("Bostadsområdet hör till en annan kommun."))
    # A report is its own municipality's (`Report.municipality`, as the case pages and the
    # figures read it), also one described only in words, which lies nowhere.
    if link.report is not None and not _reports_of(municipality).filter(
        pk=link.report.pk
    ).exists():
        raise FollowupRefused(_("Rapporten hör till en annan kommun."))
    if link.watch_area is not None:
        watch = link.watch_area
        centre = watch.shape.representative_point()
        if watch.municipality_id is not None:  # its own column says (watch.0004)
            belongs = watch.municipality_id == municipality.pk
        else:
            belongs = _place_belongs(
                municipality, area=watch.residential_area, lat=centre.y, lon=centre.x
            )
        if not belongs:
            raise FollowupRefused(_("Grannsamverkansområdet hör till en annan kommun."))
    if link.survey is not None and link.survey.municipality_id != municipality.pk:
        raise FollowupRefused(_("Enkäten hör till en annan kommun."))


def _reports_of(municipality: Municipality):
    return Report.objects.for_municipality(municipality)


def _references_check(municipality: Municipality, references: list[str]) -> None:
    """Every reference must be one of the municipality's reports; another municipality's
    is as unknown as one that does not exist (no telling which references exist there)."""
    found = set(
        _reports_of(municipality)
        .filter(reference__in=references)
        .values_list("reference", flat=True)
    )
    missing = [ref for ref in references if ref not in found]
    if missing:
        raise FollowupRefused(_("Okända diarienummer: %s") % ", ".join(missing))


def evidence_link_add(
    *,
    update: ActivityUpdate,
    kind: str,
    actor,
    roles: Iterable[str],
    report: Report | None = None,
    category: Category | None = None,
    area: ResidentialArea | None = None,
    references: Iterable[str] = (),
    watch_area: WatchArea | None = None,
    survey: Survey | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    note: str = "",
) -> EvidenceLink:
    """Point a progress update at what the system holds. The target must belong to the
    promise's municipality; a history row on the activity names the kind."""
    activity = update.activity
    _check_may_edit(roles, activity)
    municipality = activity.commitment.promise.municipality
    refs = [ref.strip() for ref in references if ref.strip()]
    link = EvidenceLink(
        update=update,
        kind=EvidenceKind(kind),
        report=report,
        category=category,
        area=area,
        references="\n".join(refs),
        watch_area=watch_area,
        survey=survey,
        date_from=date_from,
        date_to=date_to,
        note=note,
    )
    _evidence_target_check(municipality, link)
    if refs:
        _references_check(municipality, refs)
    if date_from and date_to and date_to < date_from:
        raise FollowupRefused(_("Perioden slutar innan den börjar."))
    try:
        with transaction.atomic():
            link.save()
            _event(activity, ActivityEvent.Kind.EVIDENCE, actor, text=link.get_kind_display())
    except IntegrityError:
        raise FollowupRefused(_("Underlaget saknar det som slaget kräver.")) from None
    return link


def manual_indicator_create(
    *,
    municipality: Municipality,
    name: str,
    definition: str,
    unit: str = "st",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    commitment: Commitment | None = None,
    is_demo: bool = False,
) -> ManualIndicator:
    """Add a manual indicator; a second one of the same name is refused."""
    if commitment is not None and commitment.promise.municipality_id != municipality.pk:
        raise FollowupRefused(_("Åtagandet hör till en annan kommun."))
    if ManualIndicator.objects.filter(municipality=municipality, name=name).exists():
        raise FollowupRefused(_("Det finns redan en indikator med det namnet."))
    try:
        with transaction.atomic():
            return ManualIndicator.objects.create(
                municipality=municipality,
                name=name,
                definition=definition,
                unit=unit,
                baseline=baseline,
                target=target,
                commitment=commitment,
                is_demo=is_demo,
            )
    except IntegrityError:
        raise FollowupRefused(_("Det finns redan en indikator med det namnet.")) from None


def manual_indicator_entry_add(
    *,
    indicator: ManualIndicator,
    date: datetime.date,
    value: Decimal,
    source: str,
    actor,
    note: str = "",
    submission_key: uuid.UUID | None = None,
) -> ManualIndicatorEntry:
    """Record one value of a manual indicator with its date and source; saves once per form."""
    if value < 0:
        raise FollowupRefused(_("Värdet kan inte vara negativt."))
    return _once(
        ManualIndicatorEntry,
        submission_key,
        lambda: ManualIndicatorEntry.objects.create(
            indicator=indicator,
            date=date,
            value=value,
            source=source,
            note=note,
            author=actor,
            submission_key=submission_key,
        ),
    )


def dialogue_create(
    *,
    municipality: Municipality,
    kind: str,
    date: datetime.date,
    title: str,
    participant_count: int,
    participant_groups: str,
    concerns: str,
    actor,
    submission_key: uuid.UUID | None = None,
    is_demo: bool = False,
) -> Dialogue:
    """Record a staff or citizen dialogue (groups and counts, never residents' names)."""
    return _once(
        Dialogue,
        submission_key,
        lambda: Dialogue.objects.create(
            municipality=municipality,
            kind=kind,
            date=date,
            title=title,
            participant_count=participant_count,
            participant_groups=participant_groups,
            concerns=concerns,
            author=actor,
            submission_key=submission_key,
            is_demo=is_demo,
        ),
    )


# The annual summary (imports kept local: this block is appended to ease merging) ----------


def summary_texts_save(*, promise: Promise, year: int, texts: dict[str, str], author) -> int:
    """Save a new version of each of the summary's editable sections that changed; the
    older versions stay as its history. Returns how many changed (a double submit saves
    once: the second finds nothing changed)."""
    from tryggve.followup.models import SummarySection, SummaryText
    from tryggve.followup.summary import current_texts

    with transaction.atomic():
        # Lock the promise so that two saves at once are compared one after the other.
        Promise.objects.select_for_update().filter(pk=promise.pk).first()
        current = current_texts(promise, year)
        changed = [
            SummaryText(promise=promise, year=year, section=section, text=text, author=author)
            for section, text in texts.items()
            if current[SummarySection(section).value] != text
        ]
        SummaryText.objects.bulk_create(changed)
    return len(changed)


def summary_publish(*, promise: Promise, year: int, actor, today: datetime.date):
    """Generate the year's summary as PDF (its public version: no reasons for postponed or
    cancelled activities, no dialogue notes) and keep it for the public archive, with who
    published it and when. Publishing again keeps the earlier file for staff; the public
    archive serves only the newest that is not withdrawn."""
    from django.core.files.base import ContentFile

    from tryggve.followup.documents import PDF, filename, render_summary

    data = render_summary(promise=promise, year=year, today=today, fmt=PDF, public=True)
    with transaction.atomic():
        published = PublishedSummary(promise=promise, year=year, published_by=actor)
        published.pdf.save(filename(promise, year, PDF), ContentFile(data), save=False)
        published.save()
    return published


def summary_withdraw(*, published: PublishedSummary, actor) -> bool:
    """Withdraw ("avpublicera") a published summary: its public address becomes a 404 and
    the previous version not withdrawn, if any, is public again. Who and when are kept on
    the row, as for publishing; the file stays for staff. Returns False when it was already
    withdrawn (a double submit changes nothing)."""
    with transaction.atomic():
        row = PublishedSummary.objects.select_for_update().get(pk=published.pk)
        if row.withdrawn is not None:
            return False
        row.withdrawn = timezone.now()
        row.withdrawn_by = actor
        row.save(update_fields=["withdrawn", "withdrawn_by"])
    published.withdrawn, published.withdrawn_by = row.withdrawn, row.withdrawn_by
    return True


def summary_reminders_send(
    *, today: datetime.date, municipality_code: str | None = None
) -> dict[str, int]:
    """For each municipality served (or only `municipality_code`), from a month before its
    summary is due, mail its follow-up editors once that the year's summary is due
    (`summary.summary_reminder`). Returns how many mails were queued per municipality code.

    Each municipality is served in turn (`areas.serving.serving_for`), so that its mail
    comes from it (sender and reply-to) and links to its own site."""
    from tryggve.areas.serving import served_codes, serving_for

    codes = [municipality_code] if municipality_code else served_codes() or [_home_code()]
    sent = {}
    for code in codes:
        with serving_for(code):
            sent[code] = _summary_reminder_send(today=today)
    return sent


def _summary_reminder_send(*, today: datetime.date) -> int:
    """The reminder of the municipality served now: its promise, its editors only (with
    several municipalities served, its members holding a `followup.edit` role; a police
    officer of another municipality of the police area is reminded by their own), once per
    municipality and year."""
    from django.contrib.auth import get_user_model

    from tryggve.accounts.roles import roles_for
    from tryggve.areas.selectors import home_municipality
    from tryggve.areas.serving import serves_several
    from tryggve.followup.models import SummaryReminder, covering
    from tryggve.followup.permissions import FOLLOWUP_EDIT
    from tryggve.followup.summary import summary_reminder
    from tryggve.lib.links import absolute_url
    from tryggve.lib.mail import mail_queue

    municipality = home_municipality()
    if municipality is None:
        return 0
    promise = covering(list(Promise.objects.for_municipality(municipality)), today)
    due = summary_reminder(promise, today)
    if due is None:
        return 0
    editors = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[r.value for r in roles_for(FOLLOWUP_EDIT)]
        )
        .exclude(email="")
    )
    if serves_several():
        # In a deployment of one municipality every staff user is its (`areas.access`).
        editors = editors.filter(municipalities=municipality)
    link = absolute_url("followup:summary", kwargs={"year": due.year})
    with transaction.atomic():
        # Once per municipality and year, also when its promise was replaced after a
        # reminder went out (the unique constraint covers two runs at once).
        done = SummaryReminder.objects.filter(promise__municipality=municipality, year=due.year)
        if done.exclude(promise=promise).exists():
            return 0
        _reminder, created = SummaryReminder.objects.get_or_create(promise=promise, year=due.year)
        if not created:
            return 0
        addresses = sorted(set(editors.values_list("email", flat=True)))
        for address in addresses:
            mail_queue(
                to=address,
                subject=_("Årssammanfattningen ska vara klar %(due)s") % {"due": due.isoformat()},
                body=_(
                    "Sammanfattningen av medborgarlöftet ska vara klar till rådets möte "
                    "%(due)s. Skriv inledningen, bedömningen och förslaget till nästa år "
                    "här: %(link)s"
                )
                % {"due": due.isoformat(), "link": link},
            )
    return len(addresses)


# Activities in these states go on into next year's draft; done and cancelled stay behind.
CARRIED_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.ONGOING, ActivityStatus.POSTPONED)


def promise_draft_next(*, promise: Promise, actor, roles: Iterable[str]) -> Promise:
    """Draft next period's promise from `promise`: unpublished, the period moved on a year,
    the same text, signatories and commitments, and each unfinished activity (planned,
    ongoing, postponed) copied as planned with a history row "Överförd från <år>". Done and
    cancelled activities are not carried. Drafting again returns the first draft (the
    one-to-one `drafted_from` refuses a second, also when two submits race)."""
    if not set(roles) & PAGE_PERMISSIONS[FOLLOWUP_EDIT]:
        raise FollowupRefused(_("Du får inte ta fram nästa års löfte."))
    existing = Promise.objects.filter(drafted_from=promise).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _draft(promise, actor)
    except IntegrityError:
        existing = Promise.objects.filter(drafted_from=promise).first()
        if existing is None:
            raise
        return existing


def _draft(promise: Promise, actor) -> Promise:
    year = promise.period_start.year
    draft = Promise.objects.create(
        municipality=promise.municipality,
        police_area=promise.police_area,
        title=_("Medborgarlöften %(year)s (utkast)") % {"year": promise.period_end.year + 1},
        text=promise.text,
        period_start=_next_year(promise.period_start),
        period_end=_next_year(promise.period_end),
        published=False,
        is_demo=promise.is_demo,
        drafted_from=promise,
    )
    Signatory.objects.bulk_create(
        Signatory(promise=draft, position=s.position, name=s.name, title=s.title)
        for s in promise.signatories.all()
    )
    carried = Activity.objects.filter(
        commitment__promise=promise, status__in=CARRIED_STATUSES
    ).order_by("planned_start", "id")
    by_commitment: dict[int, list[Activity]] = {}
    for activity in carried:
        by_commitment.setdefault(activity.commitment_id, []).append(activity)
    for commitment in promise.commitments.order_by("position"):
        copy = Commitment.objects.create(
            promise=draft,
            position=commitment.position,
            title=commitment.title,
            description=commitment.description,
        )
        for activity in by_commitment.get(commitment.pk, []):
            new = Activity.objects.create(
                commitment=copy,
                title=activity.title,
                description=activity.description,
                responsible_party=activity.responsible_party,
                responsible_name=activity.responsible_name,
                responsible_user=activity.responsible_user,
                planned_start=_next_year(activity.planned_start),
                planned_end=_next_year(activity.planned_end),
                theme=activity.theme,
            )
            _event(
                new,
                ActivityEvent.Kind.CREATED,
                actor,
                to_status=new.status,
                text=_("Överförd från %(year)s") % {"year": year},
            )
    return draft


def _next_year(day: datetime.date | None) -> datetime.date | None:
    return None if day is None else shift_year(day, 1)


def indicator_setting_save(
    *,
    municipality: Municipality,
    code: str,
    actor,
    roles: Iterable[str],
    baseline_year: int | None = None,
    target: Decimal | None = None,
    note: str = "",
) -> IndicatorSetting:
    """Set a live indicator's baseline year, target and note for the municipality, noting
    who changed it and when; one row per municipality and indicator (saving again updates)."""
    if not set(roles) & PAGE_PERMISSIONS[FOLLOWUP_INDICATOR_SETTINGS]:
        raise FollowupRefused(_("Du får inte ändra indikatorernas basår och mål."))
    if code not in INDICATOR_CODES:
        raise FollowupRefused(_("Det finns ingen sådan indikator."))
    with transaction.atomic():
        setting, _created = IndicatorSetting.objects.update_or_create(
            municipality=municipality,
            code=code,
            defaults={
                "baseline_year": baseline_year,
                "target": target,
                "note": note,
                "changed_by": actor,
                "changed": timezone.now(),
            },
        )
    return setting
