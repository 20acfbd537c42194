"""Django's database sessions, except that a database that is away at the end of a request
is reported as such (503 with Retry-After, `middleware.database_unavailable`).

`SESSION_SAVE_EVERY_REQUEST` saves the session after every request. Django's database store
turns any database error on that save into `UpdateError` ("the session was deleted"), which
the session middleware answers with 400; when PostgreSQL went away between reading the
session and saving it, the visitor got a 400 instead of "try again shortly". Found by
`bench/reliability.py` (docs/reliability.md).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        try:
            super().save(must_create=must_create)
        except UpdateError as exc:
            # A row that is gone stays UpdateError; a connection that is gone is re-raised.
            if isinstance(exc.__context__, (OperationalError, InterfaceError)):
                raise exc.__context__ from None
            raise
