"""Django's database sessions, except that a database that is away at the end of a request
is reported as such (503 with Retry-After, `middleware.database_unavailable`).

`SESSION_SAVE_EVERY_REQUEST` saves the session after every request. Django's database store
turns any database error on that save into `UpdateError` ("the session was deleted"), which
the session middleware answers with 400; when PostgreSQL went away between reading the
session and saving it, the visitor got a 400 instead of "try again shortly". Found by
`bench/reliability.py` (docs/reliability.md).

A new session's key is not looked up before it is saved: the save that creates it inserts
the row (`must_create`), and a key already taken fails that insert, upon which Django draws
another. Django's own check first was one query more for every new visitor (issue 14).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django.db import InterfaceError, OperationalError
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    def _get_new_session_key(self):
        # 32 characters of 36: a clash is not expected, and `create()` survives one.
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        try:
            super().save(must_create=must_create)
        except UpdateError as exc:
            # A row that is gone stays UpdateError; a connection that is gone is re-raised.
            if isinstance(exc.__context__, (OperationalError, InterfaceError)):
                raise exc.__context__ from None
            raise


def sessions_clear_expired(*, dry_run: bool = False) -> int:
    """Delete the session rows whose time is up. Django never deletes them by itself; a
    visitor's session holds which report their browser just sent (`last_receipt`), and a
    staff member's who they are, so expired ones go with the daily retention run."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    expired = Session.objects.filter(expire_date__lt=timezone.now())
    count = expired.count()
    if not dry_run:
        SessionStore.clear_expired()
    return count
