"""The same mail delivery on RQ with a real Redis (TASK_BACKEND=rq), for installations that
scale out. Without Redis the test skips with its reason, so `make test` passes on the embedded
defaults alone; `.ci/run` starts Redis and sets REQUIRE_REDIS=1, which turns the skip into a
failure."""

import os

import pytest
from django.core import mail

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
