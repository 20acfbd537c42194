"""Outgoing mail through the task queue.

`mail_queue` writes the message as a row in the caller's transaction and enqueues its
delivery after commit, so a mail never speaks of data that was rolled back, and a mail
server that is down never fails what the user did: the row waits and is retried
(`send_pending_mail` picks up anything whose task was lost).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.lib.guard import sender_texts
from tryggve.lib.models import OutgoingMail
from tryggve.lib.sms import sms_backend, sms_recipient, swedish_mobile

log = logging.getLogger(__name__)


REDACTED = "[…]"
URL_RE = re.compile(r"https?://\S+")


def without_sender_text(text: str) -> str:
    """`text` with every piece of what an anonymous sender typed in this request removed.

    The public forms' guard (tryggve.lib.guard) remembers what was posted; nothing of it may
    travel to an address or phone nobody has confirmed (phishing or spam sent from the
    municipality's own sender). Links are left whole: we write them, not the sender.
    """
    texts = sorted(sender_texts(), key=len, reverse=True)
    if not texts:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE)
    parts, last, changed = [], 0, False
    for url in URL_RE.finditer(text):
        cleaned = pattern.sub(REDACTED, text[last : url.start()])
        changed |= cleaned != text[last : url.start()]
        parts += [cleaned, url.group()]
        last = url.end()
    cleaned = pattern.sub(REDACTED, text[last:])
    changed |= cleaned != text[last:]
    if changed:
        log.warning("Removed text an anonymous sender typed from an outgoing message")
    return "".join(parts) + cleaned


def validate_subject(value: str) -> None:
    """A mail subject is one line: a line break would add a header (Bcc:) or, refused by
    Django at sending time, leave the mail failing in the queue. Forms use this."""
    if "\n" in value or "\r" in value:
        raise ValidationError(
            _("Rubriken får bara vara en rad. Ta bort radbrytningen."), code="line_break"
        )


def mail_queue(*, to: str, subject: str, body: str) -> OutgoingMail:
    """Store a mail and deliver it through the task queue once the transaction commits.

    A subject with a line break is refused here (ValueError), in the caller's transaction,
    rather than failing later at every delivery attempt; forms refuse it first. Queued while
    a public form is handled, the mail carries none of what its sender typed.
    """
    from tryggve.lib.tasks import deliver_mail

    if "\n" in subject or "\r" in subject or "\n" in to or "\r" in to:
        raise ValueError("A mail subject or address must not contain a line break.")
    message = OutgoingMail.objects.create(
        to=to, subject=without_sender_text(subject)[:200], body=without_sender_text(body)
    )
    transaction.on_commit(lambda: _enqueue(deliver_mail, message.pk))
    return message


def sms_queue(*, to: str, body: str) -> OutgoingMail:
    """Store a text message and deliver it through the same queue as mail.

    Only to a Swedish mobile number (NotSwedishMobile otherwise), stored as +467…, and never
    with what the sender of a public form typed (their name or words).
    """
    from tryggve.lib.tasks import deliver_mail

    body = without_sender_text(body)
    message = OutgoingMail.objects.create(
        channel=OutgoingMail.Channel.SMS,
        to=sms_recipient(to),
        subject=" ".join(body.split())[:60],
        body=body,
    )
    transaction.on_commit(lambda: _enqueue(deliver_mail, message.pk))
    return message


def _enqueue(task, mail_id: int, run_after=None) -> None:
    try:
        (task.using(run_after=run_after) if run_after else task).enqueue(mail_id)
    except Exception:  # a queue that is down must not fail the user's action
        log.exception("Could not enqueue mail %s; send_pending_mail will pick it up", mail_id)


def mail_deliver(*, mail_id: int) -> str:
    """Send one stored mail at most once; on failure schedule the next attempt.

    The row is locked while sending, so two workers never send the same mail, and a sent
    mail is never sent again.
    """
    with transaction.atomic():
        message = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if message is None or message.status != OutgoingMail.Status.PENDING:
            return "skipped"
        message.attempts += 1
        if message.channel == OutgoingMail.Channel.SMS and swedish_mobile(message.to) is None:
            # Never retried: only Swedish mobile numbers get text messages.
            message.status = OutgoingMail.Status.FAILED
            message.last_error = "Not a Swedish mobile number"
            message.save(update_fields=["attempts", "last_error", "status"])
            return "failed"
        try:
            if message.channel == OutgoingMail.Channel.SMS:
                sms_backend().send(to=sms_recipient(message.to), body=message.body)
            else:
                send_mail(message.subject, message.body, None, [message.to])
        except Exception as exc:  # the mail server is outside us; any failure is retried
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            delays = settings.MAIL_RETRY_MINUTES
            if message.attempts > len(delays):
                message.status = OutgoingMail.Status.FAILED
            else:
                message.next_attempt = timezone.now() + timedelta(
                    minutes=delays[message.attempts - 1]
                )
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt"])
            log.warning("Mail %s failed (attempt %s): %s", mail_id, message.attempts, exc)
            if message.status == OutgoingMail.Status.PENDING:
                from tryggve.lib.tasks import deliver_mail

                run_after = message.next_attempt
                transaction.on_commit(lambda: _enqueue(deliver_mail, mail_id, run_after))
            return "failed"
        message.status = OutgoingMail.Status.SENT
        message.sent = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent", "last_error"])
        return "sent"


def mail_send_pending(*, include_not_due: bool = False) -> dict[str, int]:
    """Try every pending mail that is due now (or all, after a known outage)."""
    pending = OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING)
    if not include_not_due:
        pending = pending.filter(next_attempt__lte=timezone.now())
    counts: dict[str, int] = {"sent": 0, "failed": 0, "skipped": 0}
    for mail_id in pending.values_list("pk", flat=True):
        counts[mail_deliver(mail_id=mail_id)] += 1
    return counts


def mail_prune(*, days: int, dry_run: bool = False) -> int:
    """Delete sent and failed messages older than `days`: their bodies hold names, addresses
    and private links, and the delivery they record is done."""
    old = OutgoingMail.objects.exclude(status=OutgoingMail.Status.PENDING).filter(
        created__lt=timezone.now() - timedelta(days=days)
    )
    count = old.count()
    if not dry_run:
        old.delete()
    return count
