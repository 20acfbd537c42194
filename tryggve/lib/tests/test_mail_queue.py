"""Mail through the real database task queue and a real SMTP server on loopback.

The mail server is the one thing outside Tryggve, so the tests run a real one (aiosmtpd)
and take it down to see that nothing the resident did is lost and that each mail goes out
exactly once when the server is back.
"""

import socket
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tryggve.conftest import CENTRUM
from tryggve.lib.mail import mail_deliver, mail_queue
from tryggve.lib.models import OutgoingMail
from tryggve.reports.models import Category, Report


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings, monkeypatch):
    # The worker drops connections between tasks; inside a test's transaction on PostgreSQL
    # that would close the test's own connection, so it keeps it here.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield controller, inbox
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db
def test_mail_server_down_then_back_sends_exactly_once(
    smtp, client, municipality, django_capture_on_commit_callbacks
):
    controller, inbox = smtp
    data = {
        "submission_key": str(uuid.uuid4()),
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "category": Category.objects.for_code("2505").get(slug="belysning").pk,
        "time_of_day": "night",
        "severity": "2",
        "description": "Mörkt",
        "contact_email": "anna@example.se",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rapportera/", data)
    assert response.status_code == 302, "the resident's action must succeed with mail down"
    assert Report.objects.count() == 1
    message = OutgoingMail.objects.get()
    assert message.status == OutgoingMail.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.status == OutgoingMail.Status.PENDING
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    assert message.next_attempt > timezone.now()
    # The retry waits in the queue, deferred to the next attempt time.
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    controller.start()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
        call_command("send_pending_mail", "--all", verbosity=0)
        run_worker()
    message.refresh_from_db()
    assert message.status == OutgoingMail.Status.SENT
    assert len(inbox.messages) == 1
    assert inbox.messages[0].rcpt_tos == ["anna@example.se"]
    assert Report.objects.get().reference in inbox.messages[0].content.decode()


@pytest.mark.django_db
def test_sent_mail_is_never_sent_twice(smtp, django_capture_on_commit_callbacks):
    controller, inbox = smtp
    controller.start()
    with django_capture_on_commit_callbacks(execute=True):
        message = mail_queue(to="a@example.se", subject="Hej", body="Text")
    run_worker()
    assert mail_deliver(mail_id=message.pk) == "skipped"
    call_command("send_pending_mail", "--all", verbosity=0)
    assert len(inbox.messages) == 1


@pytest.mark.django_db
def test_gives_up_after_the_last_retry_and_shows_failed(settings, smtp):
    settings.MAIL_RETRY_MINUTES = [1]
    message = OutgoingMail.objects.create(to="a@example.se", subject="s", body="b")
    assert mail_deliver(mail_id=message.pk) == "failed"
    assert mail_deliver(mail_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == OutgoingMail.Status.FAILED
    assert message.attempts == 2


@pytest.mark.django_db
def test_old_sent_mail_is_pruned_but_pending_mail_is_kept():
    from datetime import timedelta

    from tryggve.lib.mail import mail_prune

    old = timezone.now() - timedelta(days=40)
    sent = OutgoingMail.objects.create(to="a@example.se", subject="s", body="b",
                                       status=OutgoingMail.Status.SENT, created=old)
    waiting = OutgoingMail.objects.create(to="a@example.se", subject="s", body="b", created=old)
    recent = OutgoingMail.objects.create(to="a@example.se", subject="s", body="b",
                                         status=OutgoingMail.Status.SENT)
    assert mail_prune(days=30, dry_run=True) == 1
    assert OutgoingMail.objects.filter(pk=sent.pk).exists()
    assert mail_prune(days=30) == 1
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
