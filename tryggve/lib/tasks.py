"""The task that delivers the outbox, and the one way to enqueue it.

Imports only downwards (`delivery`), so `mail` -> `tasks` -> `delivery` has no cycle.
"""

import logging

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
