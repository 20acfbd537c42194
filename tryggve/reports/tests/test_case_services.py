"""Case handling services: status flow, updates, units, moderation, duplicates, residents."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tryggve.reports.models import Category, Report, ReportEvent, Status, Unit, Voice
from tryggve.reports.services import (
    CaseError,
    report_add_resident_info,
    report_add_update,
    report_add_voice,
    report_assign_unit,
    report_change_status,
    report_create,
    report_merge_duplicate,
    report_moderate,
    report_reopen,
    report_set_category,
)


@pytest.fixture
def report(municipality):
    report, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="night",
        severity=3,
        description="Lampan är trasig, ring mig på 070-1234567",
        lat=65.59,
        lon=19.18,
        contact_email="anna@example.se",
    )
    mail.outbox.clear()
    return report


@pytest.fixture
def actor(django_user_model):
    return django_user_model.objects.create_user(username="hanna", password="x" * 16)


@pytest.mark.django_db
def test_status_flow_writes_history_and_mails_resident(
    report, actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_change_status(
            report=report, to_status=Status.UNDER_REVIEW, actor=actor, note="Vi tittar på det"
        )
        report_change_status(
            report=report, to_status=Status.RESOLVED, actor=actor, note="Lampan är lagad"
        )
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert report.closed is not None
    changes = list(
        report.events.filter(kind=ReportEvent.Kind.STATUS).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert changes == [
        ("received", "under_review", actor.pk),
        ("under_review", "resolved", actor.pk),
    ]
    assert len(mail.outbox) == 2
    assert "Lampan är lagad" in mail.outbox[1].body


@pytest.mark.django_db
def test_not_actionable_needs_a_reason(report, actor):
    with pytest.raises(CaseError):
        report_change_status(report=report, to_status=Status.NOT_ACTIONABLE, actor=actor)
    report.refresh_from_db()
    assert report.status == Status.RECEIVED
    assert not report.events.filter(kind=ReportEvent.Kind.STATUS).exists()


@pytest.mark.django_db
def test_disallowed_transition_is_refused(report, actor):
    report_change_status(report=report, to_status=Status.RESOLVED, actor=actor)
    with pytest.raises(CaseError):
        report_change_status(report=report, to_status=Status.PLANNED, actor=actor)


@pytest.mark.django_db
def test_internal_note_is_not_public_and_not_mailed(
    report, actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_add_update(
            report=report, text="Ring gatubelysningen", to_resident=False, actor=actor
        )
        report_add_update(
            report=report, text="Vi har beställt en ny lampa", to_resident=True, actor=actor
        )
    note, update = report.events.filter(kind__in=["note", "public_update"]).order_by("id")
    assert (note.audience, update.audience) == ("internal", "resident")
    assert len(mail.outbox) == 1
    assert "ny lampa" in mail.outbox[0].body
    with pytest.raises(CaseError):
        report_add_update(report=report, text="   ", to_resident=True, actor=actor)


@pytest.mark.django_db
def test_assigning_a_unit_mails_the_unit_with_a_link(
    report, actor, django_capture_on_commit_callbacks
):
    unit = Unit.objects.create(name="Gatubelysning", email="ljus@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        report_assign_unit(report=report, unit=unit, actor=actor)
    report.refresh_from_db()
    assert report.unit == unit
    assert mail.outbox[0].to == ["ljus@example.se"]
    # The unit's own page behind the login, and a link for this case that needs no account.
    assert f"/personal/enhet/{report.reference}/" in mail.outbox[0].body
    assert "/enhet/" in mail.outbox[0].body.replace("/personal/enhet/", "")
    assert report.events.filter(kind=ReportEvent.Kind.ASSIGNED).exists()


@pytest.mark.django_db
def test_category_change_moves_the_deadline(report, actor):
    vegetation = Category.objects.for_code("2505").get(slug="vegetation")
    report_set_category(report=report, category=vegetation, actor=actor)
    report.refresh_from_db()
    assert report.category == vegetation
    assert report.due == report.created + timedelta(days=vegetation.target_days)


@pytest.mark.django_db
def test_moderation_keeps_the_original(report, actor):
    report_moderate(
        report=report,
        public_text="Lampan är trasig",
        published=True,
        approved_photo_ids=[],
        actor=actor,
    )
    report.refresh_from_db()
    assert report.published
    assert report.public_text == "Lampan är trasig"
    assert "070-1234567" in report.description
    assert report.events.filter(kind=ReportEvent.Kind.MODERATED).exists()


@pytest.mark.django_db
def test_report_without_position_cannot_be_published(municipality, actor):
    report, _ = report_create(
        category=Category.objects.for_code("2505").get(slug="annat"),
        time_of_day="day",
        severity=1,
        description="x",
        place_description="Torget",
    )
    with pytest.raises(CaseError):
        report_moderate(
            report=report, public_text="x", published=True, approved_photo_ids=[], actor=actor
        )


@pytest.mark.django_db
def test_merge_carries_voices_over(report, actor):
    other, _ = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="night",
        severity=2,
        description="Samma lampa",
        lat=65.5901,
        lon=19.1801,
    )
    report_add_voice(report=other, session_key="a")
    report_add_voice(report=other, session_key="b")
    report_add_voice(report=report, session_key="a")  # the same visitor on both
    report_merge_duplicate(report=other, into=report, actor=actor)
    other.refresh_from_db()
    report.refresh_from_db()
    assert other.status == Status.DUPLICATE and other.duplicate_of == report
    assert not other.published
    # Voice "b" moves, "a" was already there, plus the duplicate's own reporter.
    assert report.voice_count == 1 + 1 + 1
    assert Voice.objects.filter(report=report).count() == 2
    with pytest.raises(CaseError):
        report_merge_duplicate(report=report, into=report, actor=actor)
    with pytest.raises(CaseError):
        report_merge_duplicate(report=report, into=other, actor=actor)


@pytest.mark.django_db
def test_resident_reopens_within_30_days_only(report, actor):
    report_change_status(report=report, to_status=Status.RESOLVED, actor=actor)
    report_reopen(report=report, text="Lampan är fortfarande trasig")
    report.refresh_from_db()
    assert report.status == Status.UNDER_REVIEW and report.closed is None
    report_change_status(report=report, to_status=Status.RESOLVED, actor=actor)
    Report.objects.filter(pk=report.pk).update(closed=timezone.now() - timedelta(days=31))
    with pytest.raises(CaseError):
        report_reopen(report=report, text="igen")


@pytest.mark.django_db
def test_resident_adds_information(report):
    report_add_resident_info(report=report, text="Det är värst efter kl 22")
    event = report.events.get(kind=ReportEvent.Kind.RESIDENT_INFO)
    assert event.audience == "resident" and event.actor is None
    with pytest.raises(CaseError):
        report_add_resident_info(report=report, text="")
