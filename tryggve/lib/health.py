"""`/healthz` (liveness) and `/readyz` (readiness), and what `/readyz` checks: the database,
the cache, the task queue, the outbox, and whatever higher apps register (the police feed's
last successful fetch, from `analytics`).

`lib` is the lowest layer and cannot import `analytics`, so an app that has something to
report registers a check here in its `AppConfig.ready` (as apps register their start-page
figures with `accounts.dashboard`). Every check answers counts, ages and times only: never
an address, a name or a text, since the answer is shown to anyone who can reach `/readyz`.

Only the database and the cache decide readiness (503 when either fails); the rest is
information for monitoring, shown with `"ok": false` when it could not be read.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    read: Callable[[], dict]
    critical: bool = False
    needs_database: bool = True


CHECKS: dict[str, Check] = {}


def register_check(
    *, name: str, read: Callable[[], dict], critical: bool = False, needs_database: bool = True
) -> None:
    """Add `read()` (a dict of counts, ages or times; no personal data) to `/readyz`.

    A critical check that raises makes `/readyz` answer 503; `needs_database` checks are
    skipped while the database is down (they would only fail the same way)."""
    CHECKS[name] = Check(name, read, critical, needs_database)


def age_seconds(moment: datetime | None, *, now: datetime) -> int | None:
    """Whole seconds since `moment` (None for never)."""
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict:
    # A fresh value each time: a cache that answers an old value from elsewhere is no proof.
    key, value = "tryggve:readyz", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def task_backend() -> str:
    """The task backend's class name (DatabaseBackend, RQBackend, ImmediateBackend)."""
    return settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]


def task_queue_depth() -> int:
    """Tasks waiting to run: READY rows of the database backend (those scheduled for later
    included), the RQ queue's length; 0 for a backend without a queue (tests)."""
    backend = task_backend()
    if backend == "DatabaseBackend":
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    if backend == "RQBackend":
        import django_rq

        return sum(
            django_rq.get_queue(name).count
            for name in settings.TASKS["default"].get("QUEUES", ["default"])
        )
    return 0


def check_task_queue() -> dict:
    return {"backend": task_backend(), "depth": task_queue_depth()}


def check_outgoing_mail() -> dict:
    from tryggve.lib.models import OutgoingMail

    pending = OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created")
    )
    return {
        "pending": pending["count"],
        "oldest_pending_age_seconds": age_seconds(pending["oldest"], now=timezone.now()),
    }


register_check(name="database", read=check_database, critical=True)
register_check(name="cache", read=check_cache, critical=True, needs_database=False)
register_check(name="task_queue", read=check_task_queue)
register_check(name="outgoing_mail", read=check_outgoing_mail)


def readiness() -> tuple[bool, dict]:
    """Run every check: (ready, the JSON answer). Errors are named by their class only; the
    message (which may hold a host name or more) goes to the log."""
    results: dict[str, dict] = {}
    failed: list[str] = []
    database_down = False
    # The database first: the checks that need it are skipped while it is down.
    ordered = sorted(CHECKS.values(), key=lambda check: check.name != "database")
    for check in ordered:
        if check.needs_database and database_down:
            results[check.name] = {"ok": False, "skipped": "database unavailable"}
            continue
        try:
            results[check.name] = {"ok": True, **check.read()}
        except Exception as exc:  # a check that fails is an answer, never a 500
            log.warning("Readiness check %s failed: %r", check.name, exc)
            results[check.name] = {"ok": False, "error": type(exc).__name__}
            if check.critical:
                failed.append(check.name)
            if check.name == "database":
                database_down = True
    ready = not failed
    body = {"status": "ready" if ready else "unavailable", "failed": failed, "checks": results}
    return ready, body


def _probe_answer(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the cache, so a
    restart is never ordered because PostgreSQL is away (that is readiness)."""
    return _probe_answer({"status": "ok"}, 200)


@require_safe
def readyz(request):
    """Readiness: 200 when the database and the cache answer, else 503 naming the failed
    checks; with the task queue's depth, the outbox's oldest pending mail and the police
    feed's last successful fetch for monitoring. Served by `ProbeMiddleware` before the
    host check and the https redirect (see docs/operations.md)."""
    ready, body = readiness()
    return _probe_answer(body, 200 if ready else 503)
