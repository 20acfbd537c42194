"""`/healthz` (liveness) and `/readyz` (readiness) for load balancers and monitoring: JSON,
never cached, no personal data, and reachable over plain http on the server's own address."""

import json
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.utils import timezone

from tryggve.analytics.models import FeedFetch
from tryggve.lib import health
from tryggve.lib.models import OutgoingMail
from tryggve.lib.tasks import deliver_mail


@contextmanager
def database_down():
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 10.1.2.3, port 5432 failed: refused")

    with mock.patch.object(CursorWrapper, "_execute_with_wrappers", refuse):
        yield


def answer(response) -> dict:
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert answer(response) == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_answers_while_the_database_is_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = answer(response)
    assert body["status"] == "ready"
    assert body["failed"] == []
    checks = body["checks"]
    assert set(checks) >= {"database", "cache", "task_queue", "outgoing_mail", "police_feed"}
    assert all(check["ok"] for check in checks.values())
    assert checks["police_feed"] == {"ok": True, "last_success": None, "age_seconds": None}


@pytest.mark.django_db
def test_database_down_is_503_json_naming_the_database(client):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/readyz")
    assert response.status_code == 503
    body = answer(response)
    assert body["status"] == "unavailable"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["cache"]["ok"] is True
    # What needs the database is not tried again while it is down.
    assert body["checks"]["outgoing_mail"] == {"ok": False, "skipped": "database unavailable"}
    # The error's text (hosts, ports) goes to the log, not to whoever asks.
    assert b"10.1.2.3" not in response.content


@pytest.mark.django_db
def test_cache_down_is_503_naming_the_cache(client, settings):
    # Nothing listens on port 1: Redis refuses at once, as a stopped Redis would.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = answer(response)
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_a_cache_that_forgets_is_not_ready(client):
    with mock.patch.object(health.cache, "get", return_value=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert answer(response)["failed"] == ["cache"]


@pytest.mark.django_db
def test_a_failing_information_check_does_not_make_it_unready(client, monkeypatch):
    def broken():
        raise ValueError("no")

    monkeypatch.setitem(health.CHECKS, "extra", health.Check("extra", broken))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert answer(response)["checks"]["extra"] == {"ok": False, "error": "ValueError"}


@pytest.mark.django_db
def test_queue_depth_counts_waiting_tasks_of_the_database_queue(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    for mail_id in (1, 2, 3):
        deliver_mail.enqueue(mail_id)
    queue = answer(client.get("/readyz"))["checks"]["task_queue"]
    assert queue == {"ok": True, "backend": "DatabaseBackend", "depth": 3}


@pytest.mark.django_db
def test_queue_depth_is_zero_without_a_queue(client):
    queue = answer(client.get("/readyz"))["checks"]["task_queue"]
    assert queue == {"ok": True, "backend": "ImmediateBackend", "depth": 0}


@pytest.mark.django_db
def test_oldest_pending_mail_and_last_successful_police_fetch(client):
    now = timezone.now()
    OutgoingMail.objects.create(to="a@example.se", subject="s", body="b", created=now)
    OutgoingMail.objects.create(
        to="b@example.se", subject="s", body="b", created=now - timedelta(hours=2)
    )
    OutgoingMail.objects.create(
        to="c@example.se", subject="s", body="b", created=now - timedelta(days=3),
        status=OutgoingMail.Status.SENT,
    )
    FeedFetch.objects.create(started=now - timedelta(hours=1), url="u", outcome="ok")
    FeedFetch.objects.create(started=now - timedelta(minutes=5), url="u", outcome="failed")
    checks = answer(client.get("/readyz"))["checks"]
    mail = checks["outgoing_mail"]
    assert mail["pending"] == 2
    assert 2 * 3600 <= mail["oldest_pending_age_seconds"] < 3 * 24 * 3600
    feed = checks["police_feed"]
    assert feed["last_success"] == (now - timedelta(hours=1)).isoformat()
    assert 3600 <= feed["age_seconds"] < 2 * 3600


@pytest.mark.django_db
def test_no_personal_data_in_the_answer(client, municipality, make_report):
    report = make_report(contact_name="Anna Andersson", contact_email="anna.andersson@example.se")
    OutgoingMail.objects.create(
        to="anna.andersson@example.se", subject=f"Kvitto {report.reference}", body="Hej Anna"
    )
    response = client.get("/readyz")
    text = response.content.decode()
    for secret in ("anna", "example.se", report.reference, "Kvitto", "Hej"):
        assert secret.lower() not in text.lower()
    assert answer(response)["checks"]["outgoing_mail"]["pending"] >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_plain_http_on_any_host(path, settings):
    """A load balancer probes http://10.0.0.5:8000/readyz: no redirect to https, no 400 for
    a host outside ALLOWED_HOSTS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["trygg.example.se"]
    client = Client(raise_request_exception=False)
    assert client.get(path, HTTP_HOST="10.0.0.5:8000").status_code == 200
    # The same client on a page is redirected or refused: the settings above are in force.
    assert client.get("/karta/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/karta/", HTTP_HOST="trygg.example.se").status_code == 301


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_take_no_post(client, path):
    assert client.post(path).status_code == 405


def test_probes_are_in_the_url_configuration():
    from django.urls import reverse

    assert reverse("healthz") == "/healthz"
    assert reverse("readyz") == "/readyz"
