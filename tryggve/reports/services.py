"""Workflows of the unsafe-place e-service: filing a report and agreeing with one."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality
from tryggve.areas.selectors import area_for_point, home_municipality, served_municipality_at
from tryggve.areas.serving import serving_for
from tryggve.lib.images import CleanImage
from tryggve.lib.links import absolute_url
from tryggve.lib.mail import mail_queue
from tryggve.reports.models import (
    CLOSED_STATUSES,
    Audience,
    Category,
    ReferenceCounter,
    Report,
    ReportEvent,
    ReportPhoto,
    SafetyFeedback,
    Status,
    Unit,
    UnitDigest,
    UnitLink,
    Voice,
    hash_token,
    new_tracking_token,
    stored_submission_key,
)


def reference_prefix_of(municipality: Municipality | None) -> str:
    """The municipality's own prefix, else the deployment's (settings.REPORT_REFERENCE_PREFIX)."""
    return (municipality.reference_prefix if municipality else "") or (
        settings.REPORT_REFERENCE_PREFIX
    )


def reference_next(*, prefix: str | None = None, year: int | None = None) -> str:
    """Take the next number in the series of a prefix and year; call inside a transaction.

    Each municipality numbers under its own prefix (`reference_prefix_of`); the counter row
    of a prefix and year is locked while its number is taken, so two app servers never hand
    out the same reference, and `Report.reference` is unique besides."""
    prefix = prefix or settings.REPORT_REFERENCE_PREFIX
    year = year or timezone.localdate().year
    last = _counter_step(prefix, year)
    if last is None:
        # The series' first report: create its row (a concurrent first one may win the
        # race; get_or_create then finds its row), then take a number as always.
        ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
        last = _counter_step(prefix, year)
    return f"{prefix}-{year}-{last:05d}"


def _counter_step(prefix: str, year: int) -> int | None:
    """Add one to the counter of a series and return it, or None when it has no row yet.

    One UPDATE … RETURNING (PostgreSQL, SQLite 3.35+): the update locks the row until the
    transaction ends, as SELECT … FOR UPDATE did, in one round trip instead of three."""
    counters = ReferenceCounter.objects.filter(prefix=prefix, year=year)
    if not connection.features.can_return_columns_from_insert:
        if counters.update(last=F("last") + 1) == 0:
            return None
        return counters.values_list("last", flat=True).get()
    table, last, prefix_, year_ = map(
        connection.ops.quote_name, (ReferenceCounter._meta.db_table, "last", "prefix", "year")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 "  # noqa: S608
            f"WHERE {prefix_} = %s AND {year_} = %s RETURNING {last}",
            [prefix, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def tracking_url(token: str, request=None) -> str:
    return absolute_url("reports:tracking", request, args=[token])


def tracking_token_for(submission_key: uuid.UUID) -> str:
    """The tracking token of the report filed from the form with this one-time key.

    An HMAC of the form's random key under the secret key: only the browser that holds the
    form (and so the key) can recompute it, so a retried submission whose first attempt
    committed can show the receipt with its link, while the server still stores only the
    token's hash and keeps no plaintext token anywhere (not in the session either).
    """
    return salted_hmac(
        "tryggve.reports.tracking", str(submission_key), algorithm="sha256"
    ).hexdigest()[:43]


def _category_of(category: Category, municipality: Municipality | None) -> Category:
    """The category a report routed to a neighbour files under: that municipality's own of
    the same short name, if it keeps one; else the one the resident chose."""
    if municipality is None or category.municipality_id == municipality.pk:
        return category
    if category.municipality_id is None and municipality.code == settings.MUNICIPALITY_CODE:
        return category
    return (
        Category.objects.for_municipality(municipality).filter(slug=category.slug).first()
        or category
    )


def report_create(
    *,
    category: Category,
    time_of_day: str,
    severity: int,
    description: str,
    lat: float | None = None,
    lon: float | None = None,
    place_description: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    photos: Sequence[CleanImage] = (),
    submission_key: uuid.UUID | None = None,
    received_at: datetime | None = None,
    client: str = "",
) -> tuple[Report, str | None]:
    """File a resident's report in one transaction, then mail a receipt if asked for.

    Returns the report and its tracking token. With a submission key the token is derived
    from it (`tracking_token_for`), so a second call with the same key (a double click, a
    reload, a retry after a lost answer) files nothing and returns the first report with
    the same token. Without a key (other channels, the demo) the token is random.
    `client` names the system that filed it for the resident (an Open311 client).

    The report belongs to the served municipality whose boundary holds its position: a
    position in a neighbour this deployment also serves files it there (the receipt says
    so, `report_routed_elsewhere`). Without a position, or outside all of them (forms check
    that first), it belongs to the municipality served now.
    """
    stored_key = stored_submission_key(submission_key) if submission_key is not None else None
    if stored_key is not None:
        existing = Report.objects.filter(submission_key=stored_key).first()
        if existing is not None:
            return existing, tracking_token_for(submission_key)
    token = tracking_token_for(submission_key) if submission_key else new_tracking_token()
    # Reports arriving by other channels (or the demo's history) keep their own time.
    received_at = received_at or timezone.now()
    municipality = (
        served_municipality_at(lat=lat, lon=lon) if lat is not None and lon is not None else None
    ) or home_municipality()
    category = _category_of(category, municipality)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reference=reference_next(
                    prefix=reference_prefix_of(municipality),
                    year=timezone.localtime(received_at).year,
                ),
                created=received_at,
                tracking_token_hash=hash_token(token),
                submission_key=stored_key,
                category=category,
                time_of_day=time_of_day,
                severity=severity,
                description=description.strip(),
                lat=lat,
                lon=lon,
                place_description=place_description.strip(),
                municipality=municipality,
                area=area_for_point(lat=lat, lon=lon) if lat is not None else None,
                contact_name=contact_name.strip(),
                contact_email=contact_email.strip(),
                contact_phone=contact_phone.strip(),
                language=translation.get_language() or "sv",
                client=client,
                due=received_at + timedelta(days=category.target_days),
            )
            ReportEvent.objects.create(
                report=report,
                kind=ReportEvent.Kind.CREATED,
                to_status=report.status,
                audience=Audience.PUBLIC,
                created=received_at,
            )
            for photo in photos:
                ReportPhoto.objects.create(
                    report=report, image=ContentFile(photo.content, name="photo.jpg")
                )
            if report.contact_email:
                _mail_receipt(report, token)
    except IntegrityError:
        # A concurrent submit of the same form won the race: answer with its report.
        if stored_key is not None:
            existing = Report.objects.filter(submission_key=stored_key).first()
            if existing is not None:
                return existing, tracking_token_for(submission_key)
        raise
    return report, token


def report_routed_elsewhere(
    report: Report, *, filed_with: Municipality | None = None
) -> Municipality | None:
    """The municipality a report was filed with when that is not the one it was sent to
    (`filed_with`: an Open311 client's jurisdiction_id; else the one served now), because
    its position lies in a neighbour this deployment also serves; else None."""
    home = filed_with or home_municipality()
    if report.municipality_id is None or home is None or report.municipality_id == home.pk:
        return None
    return report.municipality


def speaking_for(report: Report):
    """Mail about `report` comes from its municipality and links to its own site, whoever
    writes it (a staff page served for another, a scheduled task); rows without one are
    the default municipality's."""
    return serving_for(
        report.municipality.code if report.municipality_id else settings.MUNICIPALITY_CODE
    )


def _mail_receipt(report: Report, token: str) -> None:
    with speaking_for(report), translation.override(report.language):
        context = {
            "report": report,
            "tracking_url": tracking_url(token),
            "months": settings.CONTACT_RETENTION_MONTHS,
        }
        mail_queue(
            to=report.contact_email,
            subject=_("Vi har tagit emot din rapport %(reference)s")
            % {"reference": report.reference},
            body=render_to_string("reports/mail/receipt.txt", context),
        )


def voter_hash(session_key: str) -> str:
    """Pseudonymous: counts one voice per browser session without storing who it was."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:voice:{session_key}".encode()).hexdigest()


def report_add_voice(*, report: Report, session_key: str, time_of_day: str = "") -> bool:
    """Add 'Jag håller också med' to an open report; False if this visitor already did."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Voice.objects.create(
                    report=report, voter_hash=voter_hash(session_key), time_of_day=time_of_day
                )
        except IntegrityError:
            return False
        Report.objects.filter(pk=report.pk).update(voice_count=F("voice_count") + 1)
        ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.VOICE)
    report.refresh_from_db(fields=["voice_count"])
    return True


# Case handling by staff -----------------------------------------------------------------

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {
        Status.UNDER_REVIEW,
        Status.FORWARDED,
        Status.PLANNED,
        Status.RESOLVED,
        Status.NOT_ACTIONABLE,
    },
    Status.UNDER_REVIEW: {Status.FORWARDED, Status.PLANNED, Status.RESOLVED, Status.NOT_ACTIONABLE},
    Status.FORWARDED: {Status.UNDER_REVIEW, Status.PLANNED, Status.RESOLVED, Status.NOT_ACTIONABLE},
    Status.PLANNED: {Status.FORWARDED, Status.RESOLVED, Status.NOT_ACTIONABLE},
    Status.RESOLVED: {Status.UNDER_REVIEW},
    Status.NOT_ACTIONABLE: {Status.UNDER_REVIEW},
    Status.DUPLICATE: set(),
}
REOPEN_DAYS = 30


class CaseError(ValueError):
    """A case action that is not allowed; the message is for the case handler."""


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("category").get(pk=report.pk)


def _mail_resident(report: Report, subject: str, template: str, context: dict) -> None:
    if not report.contact_email:
        return
    with speaking_for(report), translation.override(report.language):
        mail_queue(
            to=report.contact_email,
            subject=subject,
            body=render_to_string(template, {"report": report, **context}),
        )


def report_change_status(*, report: Report, to_status: str, actor, note: str = "") -> Report:
    """Move a case to a new status, with a history row; the resident hears of it by mail.

    "Not actionable" needs a reason, which is shown to the resident. A bare status change
    is public; a note is written to the resident, so the row is for the resident (the
    public page shows only the new status until staff publish an edited note).
    """
    with transaction.atomic():
        report = _locked(report)
        if to_status not in ALLOWED_TRANSITIONS.get(report.status, set()):
            raise CaseError(
                _("Ett ärende med status %(from)s kan inte få status %(to)s.")
                % {"from": Status(report.status).label, "to": Status(to_status).label}
            )
        if to_status == Status.NOT_ACTIONABLE and not note.strip():
            raise CaseError(
                _("Skriv varför ingen åtgärd görs; svaret visas för den som rapporterade.")
            )
        from_status = report.status
        report.status = to_status
        report.closed = timezone.now() if to_status in CLOSED_STATUSES else None
        report.save(update_fields=["status", "closed", "updated"])
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.STATUS,
            from_status=from_status,
            to_status=to_status,
            text=note.strip(),
            audience=Audience.RESIDENT if note.strip() else Audience.PUBLIC,
            actor=actor,
        )
        _mail_resident(
            report,
            _("Ärende %(reference)s: %(status)s")
            % {"reference": report.reference, "status": Status(to_status).label},
            "reports/mail/update.txt",
            {"text": note.strip(), "status": Status(to_status).label},
        )
    return report


def report_add_update(*, report: Report, text: str, to_resident: bool, actor) -> ReportEvent:
    """A message to the resident (shown on the tracking page and mailed, never public until
    staff publish an edited version) or an internal note."""
    text = text.strip()
    if not text:
        raise CaseError(_("Skriv en text."))
    with transaction.atomic():
        event = ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.PUBLIC_UPDATE if to_resident else ReportEvent.Kind.NOTE,
            text=text,
            audience=Audience.RESIDENT if to_resident else Audience.INTERNAL,
            actor=actor,
        )
        Report.objects.filter(pk=report.pk).update(updated=timezone.now())
        if to_resident:
            _mail_resident(
                report,
                _("Nytt besked i ärende %(reference)s") % {"reference": report.reference},
                "reports/mail/update.txt",
                {"text": text, "status": report.get_status_display()},
            )
    return event


UNIT_LINK_DAYS = 30


def unit_case_url(report: Report) -> str:
    """The case for the unit's own staff, after logging in."""
    return absolute_url("reports:unit_staff_case", args=[report.reference])


def unit_link_url(token: str) -> str:
    return absolute_url("reports:unit_link", args=[token])


def report_assign_unit(*, report: Report, unit: Unit | None, actor) -> Report:
    """Make a unit responsible. Links sent to an earlier unit stop working; the new unit
    gets a mail with the case, a link that opens this case only (valid UNIT_LINK_DAYS
    days) and, for its staff with accounts, the page behind the login."""
    with transaction.atomic():
        report = _locked(report)
        previous = report.unit
        report.unit = unit
        report.save(update_fields=["unit", "updated"])
        report.unit_links.filter(revoked__isnull=True).update(revoked=timezone.now())
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.ASSIGNED,
            actor=actor,
            text=f"{previous or '–'} → {unit or '–'}",
        )
        if unit is not None and unit.email:
            token = new_tracking_token()
            link = UnitLink.objects.create(
                report=report,
                unit=unit,
                token_hash=hash_token(token),
                expires=timezone.now() + timedelta(days=UNIT_LINK_DAYS),
                created_by=actor,
            )
            with speaking_for(report):
                _mail_unit_assigned(report, unit, token, link)
    return report


def _mail_unit_assigned(report: Report, unit: Unit, token: str, link: UnitLink) -> None:
    mail_queue(
        to=unit.email,
        subject=_("Ärende %(reference)s till %(unit)s")
        % {"reference": report.reference, "unit": unit.name},
        body=render_to_string(
            "reports/mail/unit_assigned.txt",
            {
                "report": report,
                "unit": unit,
                "link_url": unit_link_url(token),
                "expires": link.expires,
                "url": unit_case_url(report),
            },
        ),
    )


def unit_link_revoke(*, link: UnitLink, actor) -> UnitLink:
    """Stop a unit's case link before it expires; a history row says who did."""
    with transaction.atomic():
        link = UnitLink.objects.select_for_update().select_related("unit").get(pk=link.pk)
        if link.revoked is not None:
            return link
        link.revoked = timezone.now()
        link.save(update_fields=["revoked"])
        ReportEvent.objects.create(
            report_id=link.report_id,
            kind=ReportEvent.Kind.UNIT_LINK,
            actor=actor,
            unit=link.unit,
            text=_("Länken till %(unit)s återkallad.") % {"unit": link.unit.name},
        )
    return link


def report_unit_note(
    *, report: Report, unit: Unit, text: str, done: bool = False, actor=None
) -> ReportEvent:
    """The responsible unit reports on its work: a status note, or that the work is done.

    A history row for the case handler only; the case's status does not change. "Done"
    asks the handler to confirm (by setting "Åtgärdad"), since only the handler answers
    the resident. `actor` is the unit's logged-in member, or None for the unit's link.
    """
    text = text.strip()
    if not text and not done:
        raise CaseError(_("Skriv ett besked."))
    with transaction.atomic():
        report = _locked(report)
        if report.unit_id != unit.pk:
            raise CaseError(_("Ärendet ligger inte längre hos %(unit)s.") % {"unit": unit.name})
        if not report.is_open:
            raise CaseError(_("Ärendet är avslutat."))
        event = ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.UNIT_DONE if done else ReportEvent.Kind.UNIT_NOTE,
            text=text[:4000],
            actor=actor,
            unit=unit,
        )
        report.save(update_fields=["updated"])
    return event


def report_set_category(*, report: Report, category: Category, actor) -> Report:
    """Correct the category; the deadline follows the new category's target days."""
    with transaction.atomic():
        report = _locked(report)
        previous = report.category
        if previous == category:
            return report
        report.category = category
        report.due = report.created + timedelta(days=category.target_days)
        report.save(update_fields=["category", "due", "updated"])
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.CATEGORY,
            actor=actor,
            text=f"{previous.name_sv} → {category.name_sv}",
        )
    return report


def report_moderate(
    *,
    report: Report,
    public_text: str,
    published: bool,
    approved_photo_ids: Sequence[int],
    actor,
) -> Report:
    """Decide what the public sees. The resident's own text is never changed."""
    with transaction.atomic():
        report = _locked(report)
        if published and not report.has_position:
            raise CaseError(
                _("Ett ärende utan position kan inte visas på kartan. Sätt en position först.")
            )
        changes = []
        if report.public_text != public_text.strip():
            changes.append("text")
        if report.published != published:
            changes.append("publicerad" if published else "avpublicerad")
        report.public_text = public_text.strip()
        report.published = published
        report.save(update_fields=["public_text", "published", "updated"])
        photos = report.photos.all()
        for photo in photos:
            approved = photo.pk in set(approved_photo_ids)
            if photo.approved != approved:
                photo.approved = approved
                photo.save(update_fields=["approved"])
                changes.append(f"bild {photo.pk} {'godkänd' if approved else 'dold'}")
        if changes:
            ReportEvent.objects.create(
                report=report,
                kind=ReportEvent.Kind.MODERATED,
                actor=actor,
                text=", ".join(changes),
            )
    return report


def report_merge_duplicate(*, report: Report, into: Report, actor) -> Report:
    """Close a case as a duplicate of another; its voices (and its reporter) count there."""
    if into.pk == report.pk:
        raise CaseError(_("Ett ärende kan inte vara dubblett av sig självt."))
    with transaction.atomic():
        first, second = sorted([report, into], key=lambda r: r.pk)
        first, second = _locked(first), _locked(second)
        report, into = (first, second) if first.pk == report.pk else (second, first)
        if into.status == Status.DUPLICATE:
            raise CaseError(
                _("%(reference)s är själv en dubblett.") % {"reference": into.reference}
            )
        if report.status == Status.DUPLICATE:
            raise CaseError(_("Ärendet är redan en dubblett."))
        moved = 0
        existing = set(into.voices.values_list("voter_hash", flat=True))
        for voice in report.voices.all():
            if voice.voter_hash not in existing:
                voice.report = into
                voice.save(update_fields=["report"])
                moved += 1
        # The duplicate's own reporter is one more voice for the case that stays.
        Report.objects.filter(pk=into.pk).update(voice_count=F("voice_count") + moved + 1)
        from_status = report.status
        report.status = Status.DUPLICATE
        report.duplicate_of = into
        report.closed = timezone.now()
        report.published = False
        report.save(update_fields=["status", "duplicate_of", "closed", "published", "updated"])
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.STATUS,
            from_status=from_status,
            to_status=Status.DUPLICATE,
            audience=Audience.RESIDENT,
            actor=actor,
            text=_("Samma plats och problem som ärende %(reference)s, som vi arbetar vidare med.")
            % {"reference": into.reference},
        )
        ReportEvent.objects.create(
            report=into,
            kind=ReportEvent.Kind.MERGED,
            actor=actor,
            text=f"{report.reference} ({moved + 1})",
        )
        _mail_resident(
            report,
            _("Ärende %(reference)s: %(status)s")
            % {"reference": report.reference, "status": Status.DUPLICATE.label},
            "reports/mail/update.txt",
            {
                "text": _(
                    "Samma plats och problem som ärende %(reference)s, som vi arbetar vidare med."
                )
                % {"reference": into.reference},
                "status": Status.DUPLICATE.label,
            },
        )
    into.refresh_from_db()
    return report


def report_event_publish(*, event: ReportEvent, public_text: str, actor) -> ReportEvent:
    """Publish an edited version of a text meant for the resident (their own addition, or a
    message to them); an empty text withdraws it. The original stays in the case, and the
    change is a history row of its own."""
    public_text = public_text.strip()
    with transaction.atomic():
        event = ReportEvent.objects.select_for_update().get(pk=event.pk)
        if not event.can_publish:
            raise CaseError(_("Bara texter som den som rapporterade ser kan publiceras."))
        if event.public_text == public_text:
            return event
        event.public_text = public_text
        event.save(update_fields=["public_text"])
        ReportEvent.objects.create(
            report_id=event.report_id,
            kind=ReportEvent.Kind.MODERATED,
            actor=actor,
            text=(
                _("Redigerad version av historikrad %(id)s publicerad.")
                if public_text
                else _("Publicerad version av historikrad %(id)s borttagen.")
            )
            % {"id": event.pk},
        )
        Report.objects.filter(pk=event.report_id).update(updated=timezone.now())
    return event


def report_add_resident_info(*, report: Report, text: str) -> ReportEvent:
    """The resident adds something to their case from the tracking page."""
    text = text.strip()
    if not text:
        raise CaseError(_("Skriv det du vill lägga till."))
    with transaction.atomic():
        event = ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.RESIDENT_INFO,
            text=text[:4000],
            audience=Audience.RESIDENT,
        )
        Report.objects.filter(pk=report.pk).update(updated=timezone.now())
    return event


def report_can_reopen(report: Report) -> bool:
    return (
        report.status == Status.RESOLVED
        and report.closed is not None
        and report.closed >= timezone.now() - timedelta(days=REOPEN_DAYS)
    )


def report_reopen(*, report: Report, text: str) -> Report:
    """The resident says the place is not fixed: within 30 days of resolution, back to review."""
    with transaction.atomic():
        report = _locked(report)
        if not report_can_reopen(report):
            raise CaseError(
                _("Ärendet kan bara öppnas igen inom 30 dagar efter att det åtgärdats.")
            )
        report.status = Status.UNDER_REVIEW
        report.closed = None
        report.due = timezone.now() + timedelta(days=report.category.target_days)
        report.save(update_fields=["status", "closed", "due", "updated"])
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.REOPENED,
            from_status=Status.RESOLVED,
            to_status=Status.UNDER_REVIEW,
            text=text.strip()[:4000],
            audience=Audience.RESIDENT,
        )
    return report


# Scheduled work ---------------------------------------------------------------------------

FEEDBACK_AFTER_DAYS = 14


def safety_feedback_ask_due() -> int:
    """Ask 'Känns platsen tryggare nu?' of residents whose case was resolved two weeks ago.

    Asked once per case (a row per report), so running it every day is safe.
    """
    cutoff = timezone.now() - timedelta(days=FEEDBACK_AFTER_DAYS)
    due = Report.objects.filter(
        status=Status.RESOLVED, closed__lte=cutoff, feedback__isnull=True
    ).exclude(contact_email="")
    asked = 0
    for report in due:
        token = new_tracking_token()
        with transaction.atomic(), speaking_for(report):
            SafetyFeedback.objects.create(report=report, token_hash=hash_token(token))
            _mail_resident(
                report,
                _("Känns platsen tryggare nu? (%(reference)s)") % {"reference": report.reference},
                "reports/mail/feedback_question.txt",
                {"url": absolute_url("reports:safety_feedback", args=[token])},
            )
        asked += 1
    return asked


def safety_feedback_answer(*, feedback: SafetyFeedback, answer: str) -> SafetyFeedback:
    """Record the resident's answer; a later answer replaces an earlier one."""
    if answer not in SafetyFeedback.Answer.values:
        raise CaseError(_("Välj ett av svaren."))
    feedback.answer = answer
    feedback.answered = timezone.now()
    feedback.save(update_fields=["answer", "answered"])
    return feedback


def unit_digests_send(*, day=None) -> dict[str, int]:
    """Mail each unit its open and overdue cases, once per unit and day."""
    day = day or timezone.localdate()
    sent = skipped = 0
    for unit in Unit.objects.filter(active=True).exclude(email="").select_related("municipality"):
        open_cases = list(
            Report.objects.open().filter(unit=unit).select_related("category").order_by("due")
        )
        if not open_cases:
            continue
        overdue = [r for r in open_cases if r.is_overdue]
        # The unit's municipality speaks, and its cases link to that municipality's site.
        code = unit.municipality.code if unit.municipality_id else settings.MUNICIPALITY_CODE
        with transaction.atomic(), serving_for(code):
            _digest, created = UnitDigest.objects.get_or_create(
                unit=unit,
                day=day,
                defaults={"open_count": len(open_cases), "overdue_count": len(overdue)},
            )
            if not created:
                skipped += 1
                continue
            mail_queue(
                to=unit.email,
                subject=_("%(unit)s: %(open)s öppna ärenden, %(overdue)s försenade")
                % {"unit": unit.name, "open": len(open_cases), "overdue": len(overdue)},
                body=render_to_string(
                    "reports/mail/unit_digest.txt",
                    {
                        "unit": unit,
                        "cases": open_cases,
                        "overdue": overdue,
                        "day": day,
                        "urls": {r.reference: unit_case_url(r) for r in open_cases},
                    },
                ),
            )
        sent += 1
    return {"sent": sent, "skipped": skipped}


def retention_apply(*, dry_run: bool = False, now=None) -> dict[str, int]:
    """Remove contact details and unpublished photos of cases closed longer than the rule.

    The public record (category, place, status, public text and history) stays.
    """
    now = now or timezone.now()
    months = settings.CONTACT_RETENTION_MONTHS
    cutoff = now - timedelta(days=round(months * 365.25 / 12))
    closed = Report.objects.filter(status__in=CLOSED_STATUSES, closed__lt=cutoff)
    with_contact = closed.exclude(contact_name="", contact_email="", contact_phone="")
    photos = ReportPhoto.objects.filter(report__in=closed).exclude(
        approved=True, report__published=True
    )
    result = {"reports": with_contact.count(), "photos": photos.count()}
    if dry_run:
        return result
    with transaction.atomic():
        for report in with_contact.select_for_update():
            report.contact_name = report.contact_email = report.contact_phone = ""
            report.save(update_fields=["contact_name", "contact_email", "contact_phone"])
            ReportEvent.objects.create(
                report=report,
                kind=ReportEvent.Kind.NOTE,
                text=f"Kontaktuppgifter gallrade efter {months} månader.",
            )
        files = [photo.image.name for photo in photos]
        photos.delete()
        storage = ReportPhoto._meta.get_field("image").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return result
