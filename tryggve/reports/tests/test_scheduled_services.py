"""Scheduled work: the units' daily digest, the two-week question, and disposal (gallring)."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from tryggve.reports.models import (
    Category,
    Report,
    ReportPhoto,
    SafetyFeedback,
    Status,
    Unit,
)
from tryggve.reports.services import (
    report_create,
    safety_feedback_answer,
    safety_feedback_ask_due,
    unit_digests_send,
)


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "JPEG")
    return out.getvalue()


def make(**changes):
    report, _ = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="night",
        severity=2,
        description="Mörkt",
        lat=65.59,
        lon=19.18,
        contact_email="anna@example.se",
        contact_name="Anna",
        contact_phone="070-1234567",
    )
    if changes:
        Report.objects.filter(pk=report.pk).update(**changes)
        report.refresh_from_db()
    return report


@pytest.mark.django_db
def test_digest_goes_once_per_unit_and_day(municipality, django_capture_on_commit_callbacks):
    unit = Unit.objects.create(name="Gatubelysning", email="ljus@example.se")
    make(unit=unit)
    make(unit=unit, due=timezone.now() - timedelta(days=1))
    make(unit=unit, status=Status.RESOLVED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert unit_digests_send() == {"sent": 1, "skipped": 0}
        assert unit_digests_send() == {"sent": 0, "skipped": 1}
    assert len(mail.outbox) == 1
    assert "2 öppna ärenden, 1 försenade" in mail.outbox[0].subject
    out = io.StringIO()
    call_command("send_unit_digests", stdout=out)
    assert "sent=0 already_sent_today=1" in out.getvalue()


@pytest.mark.django_db
def test_feedback_is_asked_once_two_weeks_after_resolution(
    municipality, client, django_capture_on_commit_callbacks
):
    due = make(status=Status.RESOLVED, closed=timezone.now() - timedelta(days=15))
    make(status=Status.RESOLVED, closed=timezone.now() - timedelta(days=3))
    make(status=Status.RESOLVED, closed=timezone.now() - timedelta(days=20), contact_email="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert safety_feedback_ask_due() == 1
        assert safety_feedback_ask_due() == 0
    assert len(mail.outbox) == 1
    url = next(line for line in mail.outbox[0].body.splitlines() if "/tryggare/" in line)
    path = urlsplit(url.strip()).path
    assert client.get(path).status_code == 200
    bad = client.post(path, {"answer": "kanske"})
    assert bad.status_code == 200 and "Välj ett av svaren" in bad.content.decode()
    assert client.post(path, {"answer": "yes"}).status_code == 200
    feedback = SafetyFeedback.objects.get(report=due)
    assert feedback.answer == "yes" and feedback.answered is not None
    assert client.get("/tryggare/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_feedback_answer_rejects_unknown_values(municipality):
    report = make(status=Status.RESOLVED)
    feedback = SafetyFeedback.objects.create(report=report, token_hash="x")
    from tryggve.reports.services import CaseError

    with pytest.raises(CaseError):
        safety_feedback_answer(feedback=feedback, answer="maybe")


@pytest.mark.django_db
def test_retention_removes_contact_and_unpublished_photos(
    municipality, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_RETENTION_MONTHS = 12
    old = make(status=Status.RESOLVED, closed=timezone.now() - timedelta(days=400), published=True)
    recent = make(status=Status.RESOLVED, closed=timezone.now() - timedelta(days=30))
    still_open = make(created=timezone.now() - timedelta(days=900))
    kept = ReportPhoto.objects.create(report=old, image=ContentFile(jpeg(), "a.jpg"), approved=True)
    dropped = ReportPhoto.objects.create(report=old, image=ContentFile(jpeg(), "b.jpg"))
    dropped_path = dropped.image.path

    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "would remove: contact details of 1 closed cases, 1 unpublished photos" in (
        out.getvalue()
    )
    old.refresh_from_db()
    assert old.contact_email == "anna@example.se"

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", stdout=out)
    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.contact_phone) == ("", "", "")
    assert old.public_text == old.public_text and old.status == Status.RESOLVED
    assert ReportPhoto.objects.filter(pk=kept.pk).exists()
    assert not ReportPhoto.objects.filter(pk=dropped.pk).exists()
    import os

    assert not os.path.exists(dropped_path)
    for other in (recent, still_open):
        other.refresh_from_db()
        assert other.contact_email == "anna@example.se"
