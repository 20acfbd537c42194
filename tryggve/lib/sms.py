"""Text messages through a pluggable gateway, chosen by settings.SMS_BACKEND.

A gateway is any class with `send(*, to, body)` that raises on failure; the outbox in
`mail.py` retries it like mail. Tryggve ships a console backend (the default, like Django's
console mail) and an in-memory one for tests; a real gateway is a small class of its own.
"""

from __future__ import annotations

import logging
import re
import sys

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

# A Swedish mobile number in international form: +46 7n nnn nn nn.
SWEDISH_MOBILE_RE = re.compile(r"^\+467\d{8}$")


class NotSwedishMobile(ValueError):
    """Text messages go only to Swedish mobile numbers (no SMS pumping to paid numbers)."""


def swedish_mobile(raw: str) -> str | None:
    """The number as +467 followed by eight digits, or None when it is not a Swedish mobile number.

    Accepts the ways people write it: 070-123 45 67, 0701234567, +46 70 123 45 67, 0046701234567.
    """
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    return digits if SWEDISH_MOBILE_RE.match(digits) else None


def sms_recipient(raw: str) -> str:
    """The normalised number, or NotSwedishMobile: every SMS passes here before it is queued
    and again before it is sent."""
    number = swedish_mobile(raw)
    if number is None:
        raise NotSwedishMobile(f"Not a Swedish mobile number: {raw[:4]}…")
    return number

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
