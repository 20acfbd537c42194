"""Outgoing mail through the task queue.

`mail_queue` writes the message as a row in the caller's transaction and enqueues its
delivery after commit, so a mail never speaks of data that was rolled back, and a mail
server that is down never fails what the user did: the row waits and is retried
(`send_pending_mail` picks up anything whose task was lost).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.lib import tenancy
from tryggve.lib.delivery import mail_deliver
from tryggve.lib.guard import recipient_allowed, sender_texts
from tryggve.lib.models import OutgoingMail
from tryggve.lib.sms import sms_recipient
from tryggve.lib.tasks import enqueue_delivery

__all__ = [
    "mail_deliver",
    "mail_prune",
    "mail_queue",
    "mail_send_pending",
    "mail_sender",
    "register_sender_rule",
    "register_sms_sender_rule",
    "sms_sender",
    "sms_queue",
    "without_sender_text",
]

log = logging.getLogger(__name__)


REDACTED = "[…]"
# Kept in the row of a message the outbox would not send (for the administrator).
NOT_SENT_TOO_MANY = "Not sent: too many messages to this recipient from the public forms"
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
    # Whole words only, so that a short name does not cut into our own words.
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(t) for t in texts) + r")(?!\w)", re.IGNORECASE
    )
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


# The sender rule: municipality code -> (From, Reply-To) for mail queued while that
# municipality is served. Written in `tryggve.areas.identity` (each municipality's public
# identity) and registered when the apps load, since `lib` must not import `areas`.
SenderRule = Callable[[str], tuple[str, str]]
_sender_rule: list[SenderRule] = []


def register_sender_rule(rule: SenderRule) -> None:
    _sender_rule[:] = [rule]


def mail_sender(code: str | None = None) -> tuple[str, str]:
    """(From, Reply-To) for mail that speaks for municipality `code` (default: the one
    served now); ("", "") without a registered rule: DEFAULT_FROM_EMAIL and no Reply-To."""
    if not _sender_rule:
        return "", ""
    return _sender_rule[0](code or tenancy.current_code())


# The SMS sender rule: municipality code -> the name its text messages show as from, ""
# for none of its own (`tryggve.areas.identity.sms_sender_for`, registered like the above).
_sms_sender_rule: list[Callable[[str], str]] = []


def register_sms_sender_rule(rule: Callable[[str], str]) -> None:
    _sms_sender_rule[:] = [rule]


def sms_sender(code: str | None = None) -> str:
    """The sender name of text messages that speak for municipality `code` (default: the
    one served now): its own, else settings.SMS_SENDER, else "" (the gateway's)."""
    own = _sms_sender_rule[0](code or tenancy.current_code()) if _sms_sender_rule else ""
    return own or settings.SMS_SENDER


def validate_subject(value: str) -> None:
    """A mail subject is one line: a line break would add a header (Bcc:) or, refused by
    Django at sending time, leave the mail failing in the queue. Forms use this."""
    if "\n" in value or "\r" in value:
        raise ValidationError(
            _("Rubriken får bara vara en rad. Ta bort radbrytningen."), code="line_break"
        )


def mail_queue(
    *,
    to: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes, str] | None = None,
    sender: tuple[str, str] | None = None,
) -> OutgoingMail:
    """Store a mail and deliver it through the task queue once the transaction commits.

    `attachment` is (file name, content, MIME type), e.g. a report as PDF; its file name is
    one line of our own making, like the subject.

    A subject with a line break is refused here (ValueError), in the caller's transaction,
    rather than failing later at every delivery attempt; forms refuse it first. Queued while
    a public form is handled, the mail carries none of what its sender typed.

    `sender` is (From, Reply-To); by default the municipality served now speaks
    (`mail_sender`), resolved here and kept in the row because delivery runs outside the
    request.
    """
    from_email, reply_to = sender if sender is not None else mail_sender()
    if any("\n" in v or "\r" in v for v in (from_email, reply_to)):
        raise ValueError("A sender or reply address must not contain a line break.")
    if "\n" in subject or "\r" in subject or "\n" in to or "\r" in to:
        raise ValueError("A mail subject or address must not contain a line break.")
    name, content, content_type = attachment or ("", b"", "")
    if "\n" in name or "\r" in name or "/" in name:
        raise ValueError("An attachment's name must be one line without a path.")
    message = OutgoingMail.objects.create(
        to=to,
        subject=without_sender_text(subject)[:200],
        body=without_sender_text(body),
        attachment_name=name[:100],
        attachment_type=content_type[:100],
        attachment=content,
        from_email=from_email[:254],
        reply_to=reply_to[:254],
        municipality_code=tenancy.current_code(),
        **_unsent_unless_allowed(to),
    )
    _deliver_after_commit(message)
    return message


def _unsent_unless_allowed(recipient: str) -> dict:
    """The fields of a row that must not be sent: past the limit per recipient of the
    public forms (`guard.recipient_allowed`), it is stored as failed, with the reason."""
    if recipient_allowed(recipient):
        return {}
    log.warning("Kept a message unsent: too many to one recipient from the public forms")
    return {"status": OutgoingMail.Status.FAILED, "last_error": NOT_SENT_TOO_MANY}


def _deliver_after_commit(message: OutgoingMail) -> None:
    if message.status == OutgoingMail.Status.PENDING:
        transaction.on_commit(lambda: enqueue_delivery(message.pk))


def sms_queue(*, to: str, body: str) -> OutgoingMail:
    """Store a text message and deliver it through the same queue as mail.

    Only to a Swedish mobile number (NotSwedishMobile otherwise), stored as +467…, and never
    with what the sender of a public form typed (their name or words); past the limit per
    recipient of the public forms it is kept unsent, like mail. It shows as from the
    municipality served now (`sms_sender`), kept in the row's `from_email` because delivery
    runs outside the request.
    """
    body = without_sender_text(body)
    number = sms_recipient(to)
    message = OutgoingMail.objects.create(
        channel=OutgoingMail.Channel.SMS,
        to=number,
        subject=" ".join(body.split())[:60],
        body=body,
        from_email=sms_sender(),
        municipality_code=tenancy.current_code(),
        **_unsent_unless_allowed(number),
    )
    _deliver_after_commit(message)
    return message


def mail_send_pending(*, include_not_due: bool = False) -> dict[str, int]:
    """Try every pending mail that is due now (or all, after a known outage), and any whose
    sender died mid-send (its lease ran out). Call it with no transaction open."""
    now = timezone.now()
    stalled = Q(status=OutgoingMail.Status.SENDING, next_attempt__lt=now)
    pending = OutgoingMail.objects.filter(Q(status=OutgoingMail.Status.PENDING) | stalled)
    if not include_not_due:
        pending = pending.filter(next_attempt__lte=now)
    counts: dict[str, int] = {"sent": 0, "failed": 0, "skipped": 0}
    for mail_id in pending.values_list("pk", flat=True):
        counts[mail_deliver(mail_id=mail_id)] += 1
    return counts


def mail_prune(*, days: int, dry_run: bool = False) -> int:
    """Delete sent and failed messages older than `days`: their bodies hold names, addresses
    and private links, and the delivery they record is done."""
    done = [OutgoingMail.Status.SENT, OutgoingMail.Status.FAILED]
    old = OutgoingMail.objects.filter(status__in=done).filter(
        created__lt=timezone.now() - timedelta(days=days)
    )
    count = old.count()
    if not dry_run:
        old.delete()
    return count
