"""The task that delivers the outbox, and the one way to enqueue it.

Imports only downwards (`delivery`), so `mail` -> `tasks` -> `delivery` has no cycle.
"""

import datetime
import logging

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from tryggve.lib.delivery import mail_deliver
from tryggve.lib.models import OutgoingMail

log = logging.getLogger(__name__)


def enqueue_delivery(mail_id: int, run_after=None) -> None:
    """Queue one message's delivery; a queue that is down must not fail the user's action.
    A message removed before its transaction committed (the demo's invented households)
    gets no task."""
    if not OutgoingMail.objects.filter(pk=mail_id).exists():
        return
    try:
        (deliver_mail.using(run_after=run_after) if run_after else deliver_mail).enqueue(mail_id)
    except Exception:
        log.exception("Could not enqueue mail %s; send_pending_mail will pick it up", mail_id)


@task()
def deliver_mail(mail_id: int) -> str:
    result = mail_deliver(mail_id=mail_id)
    if result == "failed":
        # The retry waits in the queue until the message's next attempt.
        retry = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.PENDING)
        run_after = retry.values_list("next_attempt", flat=True).first()
        if run_after is not None:
            enqueue_delivery(mail_id, run_after)
    return result


def enqueue_once(
    task, *args, key: str, delay_seconds: int, hold_seconds: int | None = None
) -> None:
    """Queue `task(*args)` to run `delay_seconds` from now (at once on a backend that cannot
    wait), unless `key` was queued within that time: a burst of changes (a busy hour's
    answers, a feed run and an upload) is handled once, after it. With `hold_seconds` the
    key is held that long instead, and the task deletes it when it starts: then it is
    queued once until it runs, however long it runs or waits for the worker. A queue that
    is down must not fail the change that asked: it is logged, and the reader computes
    what it needs."""
    if not cache.add(key, True, hold_seconds or delay_seconds):
        return
    try:
        if task.get_backend().supports_defer:
            later = timezone.now() + datetime.timedelta(seconds=delay_seconds)
            task.using(run_after=later).enqueue(*args)
        else:
            task.enqueue(*args)
    except Exception:
        log.exception("Could not queue %s%r", task.name, args)
