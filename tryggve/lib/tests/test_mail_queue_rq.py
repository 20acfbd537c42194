"""The same mail delivery on RQ with a real Redis (TASK_BACKEND=rq), for installations that
scale out. Without Redis the test skips with its reason, so `make test` passes on the embedded
defaults alone; `.ci/run` starts Redis and sets REQUIRE_REDIS=1, which turns the skip into a
failure."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tryggve.lib.mail import mail_queue
from tryggve.lib.models import OutgoingMail

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def require_redis(url: str, *, required: bool) -> None:
    """Skip (or, when Redis is required, fail) unless Redis answers at `url`."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        reason = f"Redis at {url} is unreachable ({type(exc).__name__})"
        if required:
            pytest.fail(f"{reason}; REQUIRE_REDIS=1 makes this test required", pytrace=False)
        pytest.skip(f"{reason}: the RQ test runs when Redis is up (REQUIRE_REDIS=1 requires it)")


@pytest.fixture
def rq_queue(settings, monkeypatch):
    require_redis(REDIS_TEST_URL, required=os.environ.get("REQUIRE_REDIS") == "1")
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


# The guard itself, against an address where nothing listens --------------------------------

NOBODY = "redis://127.0.0.1:1/0"


def test_unreachable_redis_skips_by_default():
    with pytest.raises(pytest.skip.Exception, match="unreachable"):
        require_redis(NOBODY, required=False)


def test_unreachable_redis_fails_when_required():
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_REDIS=1"):
        require_redis(NOBODY, required=True)


# Tasks queued for later ---------------------------------------------------------------------

DOCS = ("README.md", "docs/operations.md", "docs/architecture.md")


def test_every_documented_rq_worker_runs_the_scheduler():
    """RQ keeps a task queued for later (a mail's retry, an upload waiting for another of
    its municipality, the risk maps warmed a minute after an import, a survey's recount) in
    its scheduled registry, and only a worker started with its scheduler moves it to the
    queue: the workers the docs started never ran any of them (an upload that had to wait
    stayed 'I kö' until the sweep failed it two hours later)."""
    from django.conf import settings

    commands = []
    for name in DOCS:
        text = (settings.BASE_DIR / name).read_text(encoding="utf-8")
        commands += re.findall(r"rqworker[^`]*?(?:default|counting)", text)
    assert len(commands) >= 4
    assert [c for c in commands if "--with-scheduler" not in c] == []


@pytest.mark.django_db
def test_a_task_queued_for_later_runs_on_a_worker_with_the_scheduler(rq_queue):
    """What the documented worker does with a mail's retry: run it once its time has come."""
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    from tryggve.lib.tasks import deliver_mail

    later = timezone.now() + timedelta(milliseconds=200)
    deliver_mail.using(run_after=later).enqueue(1)
    time.sleep(0.5)
    worker = SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job)
    worker.work(burst=True)
    assert rq_queue.scheduled_job_registry.count == 1, "without the scheduler it never runs"
    worker.work(burst=True, with_scheduler=True)
    assert rq_queue.scheduled_job_registry.count == 0
