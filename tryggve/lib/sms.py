"""Text messages through a pluggable gateway, chosen by settings.SMS_BACKEND.

A gateway is any class with `send(*, to, body, sender="")` that raises on failure; the
outbox in `mail.py` retries it like mail. `sender` is the name the message shows as from
(at most eleven letters and digits, `SMS_SENDER_RE`): the municipality's own
(`Municipality.sms_sender`), else settings.SMS_SENDER; "" (neither set) leaves the
gateway's own, and is then not passed at all, so a gateway written before it still works.
Tryggve ships a console backend (the default, like Django's console mail) and an
in-memory one for tests; a real gateway is a small class of its own.
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
# An alphanumeric sender (the SMS standard's limit, GSM 03.40): at most eleven characters,
# letters A-Z and digits only, which every gateway and handset shows alike, and at least one
# letter (all digits would be read as a phone number one could answer).
SMS_SENDER_RE = re.compile(r"^(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,11}$")


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
    def send(self, *, to: str, body: str, sender: str = "") -> None:
        sys.stdout.write(f"SMS to {to} from {sender or '(gateway)'}:\n{body}\n{'-' * 40}\n")


class LocmemSmsBackend:
    def send(self, *, to: str, body: str, sender: str = "") -> None:
        outbox.append({"to": to, "body": body, "sender": sender})


def sms_send(*, to: str, body: str, sender: str = "") -> None:
    """Hand one message to the gateway; an empty `sender` is not passed (its own name)."""
    extra = {"sender": sender} if sender else {}
    sms_backend().send(to=sms_recipient(to), body=body, **extra)


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
