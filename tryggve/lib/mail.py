"""Outgoing mail. Sent after the transaction commits, so a mail never speaks of data that
was rolled back, and a failing mail server never undoes what the user did."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger(__name__)


def send_on_commit(*, to: str, subject: str, body: str) -> None:
    def deliver() -> None:
        try:
            send_mail(subject, body, None, [to])
        except Exception:  # the mail server is outside us; its failure must not become a 500
            log.exception("Mail to a resident could not be sent; subject=%r", subject)

    transaction.on_commit(deliver)
