"""Mail and text messages are sent with no transaction (and so no SQLite write lock) open.

The backends below record what the database connection looked like at the moment of
sending. The tests use `transactional_db`, so no test-case transaction wraps them and
`in_atomic_block` tells the truth.
"""

import uuid

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
            "category": Category.objects.get(slug="belysning").pk,
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
