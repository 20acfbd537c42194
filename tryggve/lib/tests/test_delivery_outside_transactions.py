"""Mail and text messages are sent with no transaction (and so no SQLite write lock) open.

The backends below record what the database connection looked like at the moment of
sending. The tests use `transactional_db`, so no test-case transaction wraps them and
`in_atomic_block` tells the truth.
"""

import uuid
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection, transaction

from tryggve.conftest import CENTRUM
from tryggve.lib.delivery import DeliveryInTransaction, mail_deliver
from tryggve.lib.mail import mail_queue, mail_send_pending, sms_queue
from tryggve.lib.models import OutgoingMail

seen: list[bool] = []


class LockCheckingMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        seen.append(connection.in_atomic_block)
        mail.outbox.extend(messages)
        return len(messages)


class LockCheckingSmsBackend:
    def send(self, *, to, body):
        seen.append(connection.in_atomic_block)


@pytest.fixture
def checking(settings):
    seen.clear()
    settings.EMAIL_BACKEND = f"{__name__}.LockCheckingMailBackend"
    settings.SMS_BACKEND = f"{__name__}.LockCheckingSmsBackend"
    return seen


@pytest.mark.django_db(transaction=True)
def test_a_resident_s_receipt_is_sent_after_the_commit(checking, client, municipality):
    from tryggve.browser_fixtures import _restore_categories
    from tryggve.reports.models import Category, Report

    _restore_categories()  # an earlier transactional test's flush removed them
    response = client.post(
        "/rapportera/",
        {
            "submission_key": str(uuid.uuid4()),
            "lat": CENTRUM[0],
            "lon": CENTRUM[1],
            "category": Category.objects.for_code("2505").get(slug="belysning").pk,
            "time_of_day": "night",
            "severity": "2",
            "description": "Mörkt",
            "contact_email": "anna@example.se",
        },
    )
    assert response.status_code == 302
    assert Report.objects.count() == 1
    assert checking == [False], "the receipt must be sent with no transaction open"
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_queued_mail_and_sms_are_sent_outside_the_transaction_that_stored_them(checking):
    with transaction.atomic():
        mail_queue(to="a@example.se", subject="Hej", body="Text")
        sms_queue(to="+46701234567", body="Text")
        assert checking == []  # nothing goes out before the commit
    assert checking == [False, False]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_pending_mail_is_sent_outside_transactions(checking):
    OutgoingMail.objects.create(to="a@example.se", subject="s", body="b")
    assert mail_send_pending() == {"sent": 1, "failed": 0, "skipped": 0}
    assert checking == [False]


@pytest.mark.django_db(transaction=True)
def test_sending_inside_a_transaction_is_refused(checking):
    message = OutgoingMail.objects.create(to="a@example.se", subject="s", body="b")
    with pytest.raises(DeliveryInTransaction), transaction.atomic():
        mail_deliver(mail_id=message.pk)
    assert checking == []
    message.refresh_from_db()
    assert message.status == OutgoingMail.Status.PENDING and message.attempts == 0


@pytest.mark.django_db
def test_a_stalled_send_is_claimed_again_after_its_lease(checking):
    from datetime import timedelta

    from django.utils import timezone

    message = OutgoingMail.objects.create(
        to="a@example.se",
        subject="s",
        body="b",
        status=OutgoingMail.Status.SENDING,
        next_attempt=timezone.now() + timedelta(minutes=5),
    )
    assert mail_deliver(mail_id=message.pk) == "skipped"  # another worker is sending it
    OutgoingMail.objects.filter(pk=message.pk).update(
        next_attempt=timezone.now() - timedelta(seconds=1)
    )
    assert mail_send_pending() == {"sent": 1, "failed": 0, "skipped": 0}


def _database_away_when_recording_sent(monkeypatch, failures: int) -> list[float]:
    """OutgoingMail.save fails `failures` times when it records a sent message (PostgreSQL
    restarting after the mail went out); returns the waits the worker made."""
    from django.db import OperationalError

    from tryggve.lib import delivery

    original = OutgoingMail.save
    left = {"n": failures}

    def save(self, *args, **kwargs):
        if "sent" in (kwargs.get("update_fields") or []) and left["n"] > 0:
            left["n"] -= 1
            raise OperationalError("terminating connection due to administrator command")
        return original(self, *args, **kwargs)

    # A clock that the waits move on, so no test sleeps.
    waits: list[float] = []
    clock = SimpleNamespace(monotonic=lambda: sum(waits), sleep=waits.append)
    monkeypatch.setattr(OutgoingMail, "save", save)
    monkeypatch.setattr(delivery, "time", clock)
    return waits


@pytest.mark.django_db(transaction=True)
def test_a_sent_mail_is_recorded_once_the_database_is_back(checking, monkeypatch):
    """Left SENDING, the row would be claimed again when its lease ran out: a second mail."""
    message = OutgoingMail.objects.create(to="a@example.se", subject="Kvitto", body="Tack")
    waits = _database_away_when_recording_sent(monkeypatch, failures=3)
    assert mail_deliver(mail_id=message.pk) == "sent"
    message.refresh_from_db()
    assert message.status == OutgoingMail.Status.SENT
    assert message.sent is not None
    assert len(mail.outbox) == 1
    assert waits == [0.5, 1.0, 2.0]
    assert mail_send_pending(include_not_due=True) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_recording_a_sent_mail_gives_up_well_inside_the_lease(checking, monkeypatch):
    from django.db import OperationalError

    from tryggve.lib import delivery

    message = OutgoingMail.objects.create(to="a@example.se", subject="Kvitto", body="Tack")
    waits = _database_away_when_recording_sent(monkeypatch, failures=10_000)
    with pytest.raises(OperationalError):
        mail_deliver(mail_id=message.pk)
    assert delivery.RECORD_SENT_FOR < delivery.SEND_LEASE
    assert 0 < len(waits) < 100
    assert max(waits) == 10.0
    assert sum(waits) <= delivery.RECORD_SENT_FOR.total_seconds()
    assert len(mail.outbox) == 1  # sent once; the row stays SENDING until its lease runs out
