"""Text messages through a pluggable gateway, chosen by settings.SMS_BACKEND.

A gateway is any class with `send(*, to, body)` that raises on failure; the outbox in
`mail.py` retries it like mail. Tryggve ships a console backend (the default, like Django's
console mail) and an in-memory one for tests; a real gateway is a small class of its own.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

# Messages "sent" by LocmemSmsBackend, for tests (like django.core.mail.outbox).
outbox: list[dict] = []


class ConsoleSmsBackend:
    def send(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{body}\n{'-' * 40}\n")


class LocmemSmsBackend:
    def send(self, *, to: str, body: str) -> None:
        outbox.append({"to": to, "body": body})


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
