"""Helpers for testing public forms through the guard (tryggve.lib.guard)."""

from __future__ import annotations

import html
import time

from django.conf import settings
from django.core import signing

from tryggve.lib.guard import HONEYPOT_FIELD, STAMP_SALT, STARTED_FIELD


def shown_seconds_ago(seconds: float) -> str:
    """A form timestamp as the page would have signed it `seconds` ago (no sleeping)."""
    return signing.dumps(int(time.time() - seconds), salt=STAMP_SALT)


def human(**data) -> dict:
    """Form data as a person's browser sends it: honeypot empty, form shown a minute ago."""
    return {HONEYPOT_FIELD: "", STARTED_FIELD: shown_seconds_ago(60), **data}


def set_limit(bucket: str, count: int) -> None:
    """Lower one bucket's limit for this test (settings fixture restores it)."""
    settings.PUBLIC_POST_LIMITS = {**settings.PUBLIC_POST_LIMITS, bucket: (count, 3600)}


def text(response) -> str:
    return html.unescape(response.content.decode())


def assert_limited(response, *typed: str, english: bool = False) -> None:
    """HTTP 429 with Retry-After, the notice in the page's language, and what was typed."""
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    body = text(response)
    if english:
        assert "Try again in" in body and "Försök igen" not in body
        assert "still here" in body if typed else True
    else:
        assert "Försök igen om" in body and "klockan" in body
    for value in typed:
        assert value in body, value


def assert_refused_as_bot(response) -> None:
    """A polite page that does not say which check tripped."""
    assert response.status_code == 400
    body = text(response)
    assert "Vi kunde inte ta emot formuläret" in body
    for telltale in ("honeypot", "för snabbt", "spam.example"):
        assert telltale not in body
