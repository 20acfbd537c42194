"""report_create: numbering, placement, one transaction, receipt after commit."""

import uuid

import pytest
from django.core import mail
from django.utils import timezone

from tryggve.conftest import CENTRUM
from tryggve.lib.images import clean_image
from tryggve.lib.tests.imagefiles import jpeg_with_gps
from tryggve.reports import services
from tryggve.reports.models import (
    Category,
    ReferenceCounter,
    Report,
    ReportEvent,
    ReportPhoto,
    hash_token,
)
from tryggve.reports.services import reference_next, report_create

pytestmark = pytest.mark.django_db


def create(**overrides):
    values = {
        "category": Category.objects.for_code("2505").get(slug="belysning"),
        "time_of_day": "night",
        "severity": 4,
        "description": "  Helt mörkt vid busshållplatsen.  ",
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
    }
    values.update(overrides)
    return report_create(**values)


def test_references_count_up_in_this_years_series(municipality):
    year = timezone.localdate().year
    references = [create()[0].reference for _ in range(3)]
    assert references == [f"OTR-{year}-00001", f"OTR-{year}-00002", f"OTR-{year}-00003"]
    assert ReferenceCounter.objects.get(prefix="OTR", year=year).last == 3


def test_numbering_continues_an_existing_series(municipality):
    year = timezone.localdate().year
    ReferenceCounter.objects.create(prefix="OTR", year=year, last=41)
    assert create()[0].reference == f"OTR-{year}-00042"


def test_each_prefix_and_year_is_its_own_series(settings):
    assert reference_next(prefix="OTR", year=2025) == "OTR-2025-00001"
    assert reference_next(prefix="OTR", year=2026) == "OTR-2026-00001"
    assert reference_next(prefix="OTR", year=2025) == "OTR-2025-00002"
    settings.REPORT_REFERENCE_PREFIX = "TRY"
    assert reference_next(year=2025) == "TRY-2025-00001"


def test_report_is_placed_in_its_area_and_cleaned(municipality):
    report, token = create(contact_name=" Anna ", place_description=" Vid torget ")
    report.refresh_from_db()
    assert report.area.name == "Centrum"
    assert report.description == "Helt mörkt vid busshållplatsen."
    assert (report.contact_name, report.place_description) == ("Anna", "Vid torget")
    assert report.status == "received"
    assert not report.published
    assert report.language == "sv"
    assert report.tracking_token_hash == hash_token(token)
    assert len(token) >= 32


def test_description_only_report_has_no_area(municipality):
    report, _token = create(lat=None, lon=None, place_description="Gångtunneln vid Coop")
    assert report.area is None
    assert not report.has_position


def test_position_outside_every_area_has_no_area(municipality):
    assert create(lat=65.7, lon=19.0)[0].area is None


def test_first_history_row_is_public_and_created(municipality):
    report, _token = create()
    event = ReportEvent.objects.get(report=report)
    assert (event.kind, event.to_status, event.audience) == ("created", "received", "public")


def test_photos_are_saved_with_random_names(municipality):
    photo = clean_image(jpeg_with_gps(), "hemma-hos-anna.jpg")
    report, _token = create(photos=[photo, photo])
    saved = list(report.photos.all())
    assert len(saved) == 2
    for item in saved:
        assert not item.approved
        assert item.image.name.endswith(".jpg")
        assert "anna" not in item.image.name
        assert (item.width, item.height) == (40, 20)
        with item.image.open("rb") as handle:
            assert handle.read() == photo.content
    assert saved[0].image.name != saved[1].image.name


def test_failure_midway_rolls_everything_back(
    municipality, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ReportPhoto.objects, "create", broken)
    photo = clean_image(jpeg_with_gps())
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(OSError):
        create(photos=[photo], contact_email="anna@example.se")
    assert not Report.objects.exists()
    assert not ReportEvent.objects.exists()
    assert not ReferenceCounter.objects.filter(last__gt=0).exists()
    assert callbacks == []
    assert mail.outbox == []


def test_receipt_is_mailed_only_after_commit(municipality, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report, token = create(contact_email="anna@example.se")
    assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.se"]
    assert report.reference in message.subject
    assert message.subject.startswith("Vi har tagit emot din rapport")
    assert f"/rapport/{token}/" in message.body


def test_no_email_no_mail(municipality, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        create(contact_phone="070-123 45 67")
    assert callbacks == []
    assert mail.outbox == []


def test_failing_mail_server_neither_loses_the_report_nor_raises(
    municipality, broken_mail, django_capture_on_commit_callbacks
):
    from tryggve.lib.models import OutgoingMail

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report, token = create(contact_email="anna@example.se")
    assert callbacks  # delivery was tried after the commit ...
    assert mail.outbox == []  # ... and failed,
    assert Report.objects.get() == report  # but the report stays,
    assert token
    waiting = OutgoingMail.objects.get()  # and the receipt waits to be tried again.
    assert waiting.status == OutgoingMail.Status.PENDING
    assert waiting.attempts == 1
    assert "ConnectionRefusedError" in waiting.last_error


def test_failing_mail_server_through_the_form(
    citizen, municipality, broken_mail, django_capture_on_commit_callbacks
):
    from tryggve.reports.tests.test_report_new_view import form_data

    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post("/rapportera/", form_data(contact_email="anna@example.se"))
    assert response.status_code == 302
    assert Report.objects.count() == 1


def test_same_submission_key_saves_once(municipality, django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first, token = create(submission_key=key, contact_email="anna@example.se")
        again, same_token = create(submission_key=key, contact_email="anna@example.se")
    assert again == first
    # The token follows from the form's key, so the retry's receipt can show the link.
    assert token and same_token == token
    assert first.tracking_token_hash == hash_token(token)
    assert Report.objects.count() == 1
    assert ReportEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_concurrent_submit_that_loses_the_race_returns_the_winner(municipality, monkeypatch):
    key = uuid.uuid4()
    winner, _token = create(submission_key=key)
    # Make the first lookup miss, as if the other request had not committed yet.
    real_filter = Report.objects.filter
    calls = []

    def filter_missing_once(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            return Report.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(services.Report.objects, "filter", filter_missing_once)
    report, token = create(submission_key=key)
    assert report == winner
    assert hash_token(token) == winner.tracking_token_hash
    assert Report.objects.count() == 1


def test_different_submission_keys_file_two_reports(municipality):
    create(submission_key=uuid.uuid4())
    create(submission_key=uuid.uuid4())
    create()
    create()
    assert Report.objects.count() == 4
