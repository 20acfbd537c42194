"""Structured logs: one JSON object a line (`LOG_FORMAT=json`), each with its request's id.

What a line may hold, and what it never holds (residents' personal data):

- time (UTC), level, logger, message; the request id (`RequestLogMiddleware` gives each
  request one, or takes a well-formed `X-Request-ID` from the proxy in front);
- the logged-in user's id (staff only: residents never log in), and only once the request
  has loaded the user anyway, so that logging never runs a query;
- on the access line (logger `tryggve.access`): method, path, status, duration in ms.

Paths are logged without their query string (a search, a filter or a token may sit there)
and with the secret part of a link replaced by "…": the kwargs of the matched URL pattern
that are named like a token or key (`/rapport/<token>/` → `/rapport/…/`), and in a path no
pattern matched, every long token-like segment (`lib.tokens.mask_tokens`). No IP address is
logged: the proxy in front knows the address, and the app has no need to keep it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject, empty

from tryggve.lib.tokens import mask_tokens

# The request being answered in this thread (or task), for the log records made meanwhile.
current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)

# URL kwargs whose value is a secret of the link (tracking, confirmation, unit links).
SECRET_KWARG = re.compile(r"token|key|secret", re.IGNORECASE)
REDACTED = "…"
# Fields an access line carries besides the message (set with `extra=`).
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


def redact_path(request) -> str:
    """The request's path for a log: no query string, the secret parts of a link hidden."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        return mask_tokens(path)
    for name, value in match.kwargs.items():
        if SECRET_KWARG.search(name) and isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def user_id_of(request) -> int | None:
    """The logged-in user's id, if this request has already loaded its user (no query is
    ever run for a log line); None for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except AttributeError:
        return None


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record, and hides the secret part of a path
    in the messages Django itself logs about a request ("Not Found: /rapport/<token>/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        record_request = getattr(record, "request", None)
        if record_request is not None and hasattr(record_request, "path"):
            self._redact_args(record, record_request)
            request = request or record_request
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None)
        if not hasattr(record, "user_id"):
            record.user_id = user_id_of(request) if request is not None else None
        return True

    @staticmethod
    def _redact_args(record: logging.LogRecord, request) -> None:
        raw, redacted = request.path, redact_path(request)
        if raw == redacted:
            return
        if isinstance(record.args, tuple):
            record.args = tuple(redacted if arg == raw else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = record.msg.replace(raw, redacted)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, user_id, the access
    line's fields, and the traceback of an exception. Nothing else of the record (never
    Django's `request` object, whose headers and query string may hold personal data)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

