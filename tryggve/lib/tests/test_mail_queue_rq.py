"""The same mail delivery on RQ with a real Redis (TASK_BACKEND=rq), for installations that
scale out. .ci/run starts Redis; the test fails, never skips, when Redis is down."""

import pytest
from django.core import mail

from tryggve.lib.mail import mail_queue
from tryggve.lib.models import OutgoingMail

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def rq_queue(settings, monkeypatch):
    import django_rq.settings
    from django_tasks_rq.backend import Job

    queues = {"default": {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 60}}
    settings.RQ_QUEUES = queues
    monkeypatch.setattr(django_rq.settings, "QUEUES", queues)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    queue = django_rq.get_queue("default", job_class=Job)
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


@pytest.mark.django_db
def test_mail_goes_through_rq_and_redis(rq_queue, django_capture_on_commit_callbacks):
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    with django_capture_on_commit_callbacks(execute=True):
        message = mail_queue(to="anna@example.se", subject="Kvitto", body="Tack")
    assert rq_queue.count == 1
    assert mail.outbox == []
    # SimpleWorker runs the job in this process, inside the test's database transaction.
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job).work(burst=True)
    message.refresh_from_db()
    assert message.status == OutgoingMail.Status.SENT
    assert [m.to for m in mail.outbox] == [["anna@example.se"]]
