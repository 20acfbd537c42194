"""Sending one stored mail or text message, outside every transaction and lock.

A mail server or SMS gateway may take up to EMAIL_TIMEOUT (10 s) to answer or fail. On SQLite
a transaction holds the whole database's write lock, so sending inside one stopped every
other writer (residents' reports included) for that long. Delivery therefore runs in three
steps: claim the row in a short transaction (PENDING -> SENDING, with a lease), send with no
transaction open, and record the outcome in another short transaction.

A row stays SENDING only while a worker sends it; if that worker dies, the lease runs out and
the row is claimed again (the one case where a message may go out twice, rather than never).
A database that is away when a sent message is to be recorded (PostgreSQL restarting) must
not leave the row SENDING: its lease would run out and the message go out again. The worker
keeps trying to record it, for well under the lease (`RECORD_SENT_FOR`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from tryggve.lib.models import OutgoingMail
from tryggve.lib.sms import sms_send, swedish_mobile

log = logging.getLogger(__name__)

# Longer than any send can take (EMAIL_TIMEOUT), so a live worker never loses its claim.
SEND_LEASE = timedelta(minutes=10)
# How long a worker tries to record a sent message while the database is away: well inside
# the lease, so that nobody claims (and sends) the message again meanwhile.
RECORD_SENT_FOR = timedelta(minutes=5)


class DeliveryInTransaction(RuntimeError):
    """Raised when someone tries to send while a transaction (and its locks) is open."""


def _claim(mail_id: int) -> OutgoingMail | None:
    now = timezone.now()
    claimable = Q(status=OutgoingMail.Status.PENDING) | Q(
        status=OutgoingMail.Status.SENDING, next_attempt__lt=now
    )
    with transaction.atomic():
        message = OutgoingMail.objects.select_for_update().filter(claimable, pk=mail_id).first()
        if message is None:
            return None
        message.status = OutgoingMail.Status.SENDING
        message.attempts += 1
        message.next_attempt = now + SEND_LEASE
        message.save(update_fields=["status", "attempts", "next_attempt"])
    return message


def _send(message: OutgoingMail) -> None:
    if message.channel == OutgoingMail.Channel.SMS:
        # Its sender name was resolved when it was queued (`mail.sms_queue`); a row queued
        # before that existed takes the deployment's (settings.SMS_SENDER).
        sms_send(
            to=message.to, body=message.body, sender=message.from_email or settings.SMS_SENDER
        )
    else:
        # Blank sender fields (rows queued before they existed): DEFAULT_FROM_EMAIL, no
        # Reply-To, as those mails were always sent.
        mail = EmailMessage(
            message.subject,
            message.body,
            message.from_email or None,
            [message.to],
            reply_to=[message.reply_to] if message.reply_to else None,
        )
        if message.attachment_name:
            mail.attach(
                message.attachment_name, bytes(message.attachment), message.attachment_type
            )
        mail.send()


def in_transaction() -> bool:
    """Whether a transaction of ours is open (a test case's own wrapper does not count)."""
    return any(not block._from_testcase for block in connection.atomic_blocks)


def mail_deliver(*, mail_id: int) -> str:
    """Send one stored message at most once per successful send; on failure schedule the
    next attempt (`MAIL_RETRY_MINUTES`) or, after the last, mark it failed.

    Must be called with no transaction open (the task worker, `send_pending_mail`, or
    `transaction.on_commit`): it raises DeliveryInTransaction otherwise.
    """
    if in_transaction():
        raise DeliveryInTransaction(f"mail {mail_id}: send after commit, not inside a transaction")
    message = _claim(mail_id)
    if message is None:
        return "skipped"
    if message.channel == OutgoingMail.Channel.SMS and swedish_mobile(message.to) is None:
        # Never retried: only Swedish mobile numbers get text messages.
        message.status = OutgoingMail.Status.FAILED
        message.last_error = "Not a Swedish mobile number"
        message.save(update_fields=["status", "last_error"])
        return "failed"
    try:
        _send(message)
    except Exception as exc:  # the mail server is outside us; any failure is retried
        delays = settings.MAIL_RETRY_MINUTES
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts > len(delays):
            message.status = OutgoingMail.Status.FAILED
        else:
            message.status = OutgoingMail.Status.PENDING
            message.next_attempt = timezone.now() + timedelta(
                minutes=delays[message.attempts - 1]
            )
        message.save(update_fields=["last_error", "status", "next_attempt"])
        log.warning("Mail %s failed (attempt %s): %s", mail_id, message.attempts, exc)
        return "failed"
    message.status = OutgoingMail.Status.SENT
    message.sent = timezone.now()
    message.last_error = ""
    _record_sent(message)
    return "sent"


def _record_sent(message: OutgoingMail) -> None:
    """Save a sent message's outcome, waiting for a database that is away (at most
    RECORD_SENT_FOR; then the error is raised and the lease decides)."""
    deadline = time.monotonic() + RECORD_SENT_FOR.total_seconds()
    delay = 0.5
    while True:
        try:
            message.save(update_fields=["status", "sent", "last_error"])
            return
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("Mail %s sent, database away; recording it again: %s", message.pk, exc)
            # A broken connection is opened anew at the next query.
            with contextlib.suppress(DatabaseError):
                connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 10.0)
