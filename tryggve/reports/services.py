"""Workflows of the unsafe-place e-service: filing a report and agreeing with one."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tryggve.areas.selectors import area_for_point
from tryggve.lib.images import CleanImage
from tryggve.lib.mail import send_on_commit
from tryggve.reports.models import (
    Category,
    ReferenceCounter,
    Report,
    ReportEvent,
    ReportPhoto,
    Voice,
    hash_token,
    new_tracking_token,
)


def reference_next(*, prefix: str | None = None, year: int | None = None) -> str:
    """Take the next number in the municipality's series; call inside a transaction."""
    prefix = prefix or settings.REPORT_REFERENCE_PREFIX
    year = year or timezone.localdate().year
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{prefix}-{year}-{counter.last:05d}"


def tracking_url(token: str) -> str:
    return f"{settings.SITE_URL}/rapport/{token}/"


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
) -> tuple[Report, str | None]:
    """File a resident's report in one transaction, then mail a receipt if asked for.

    Returns the report and its tracking token. A second call with the same submission key
    (a double click, a reload) files nothing and returns the first report with token None,
    since only its hash is stored.
    """
    if submission_key is not None:
        existing = Report.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, None
    token = new_tracking_token()
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reference=reference_next(),
                tracking_token_hash=hash_token(token),
                submission_key=submission_key,
                category=category,
                time_of_day=time_of_day,
                severity=severity,
                description=description.strip(),
                lat=lat,
                lon=lon,
                place_description=place_description.strip(),
                area=area_for_point(lat=lat, lon=lon) if lat is not None else None,
                contact_name=contact_name.strip(),
                contact_email=contact_email.strip(),
                contact_phone=contact_phone.strip(),
                language=translation.get_language() or "sv",
            )
            ReportEvent.objects.create(
                report=report, kind=ReportEvent.Kind.CREATED, to_status=report.status, public=True
            )
            for photo in photos:
                ReportPhoto.objects.create(
                    report=report, image=ContentFile(photo.content, name="photo.jpg")
                )
            if report.contact_email:
                _mail_receipt(report, token)
    except IntegrityError:
        # A concurrent submit of the same form won the race: answer with its report.
        if submission_key is not None:
            existing = Report.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return existing, None
        raise
    return report, token


def _mail_receipt(report: Report, token: str) -> None:
    context = {"report": report, "tracking_url": tracking_url(token)}
    send_on_commit(
        to=report.contact_email,
        subject=_("Vi har tagit emot din rapport %(reference)s") % {"reference": report.reference},
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
        ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.VOICE, public=False)
    report.refresh_from_db(fields=["voice_count"])
    return True
