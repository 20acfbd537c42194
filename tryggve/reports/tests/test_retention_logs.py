"""apply_retention beyond the cases: the access log, staff login records and expired
sessions go by their own rules (they hold who read what, usernames and network addresses)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record


def _read(actor, days_ago: int) -> AccessLog:
    row = access_log_record(
        actor=actor, action=AccessLog.Action.VIEW, purpose=AccessLog.Purpose.CASE,
        subject="OTR-2026-00001 ärendet",
    )
    AccessLog.objects.filter(pk=row.pk).update(created=timezone.now() - timedelta(days=days_ago))
    return row


def _login(model, days_ago: int):
    row = model.objects.create(
        username="handlaggare", ip_address=f"192.0.2.{days_ago}", user_agent="Firefox",
        **({"failures_since_start": 1} if model is AccessAttempt else {}),
    )
    # attempt_time is set on creation (auto_now_add): moved back afterwards.
    model.objects.filter(pk=row.pk).update(
        attempt_time=timezone.now() - timedelta(days=days_ago)
    )


@pytest.mark.django_db
def test_old_access_log_rows_go_after_the_retention_time(settings, case_handler):
    settings.ACCESS_LOG_RETENTION_MONTHS = 24
    old = _read(case_handler.user, days_ago=2 * 365 + 10)
    young = _read(case_handler.user, days_ago=300)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "1 access-log rows older than 24 months" in out.getvalue()
    assert AccessLog.objects.count() == 2
    call_command("apply_retention", stdout=out)
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [young.pk]
    assert not AccessLog.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_old_login_records_and_expired_sessions_go(settings, client, case_handler):
    settings.LOGIN_LOG_RETENTION_DAYS = 90
    for model in (LoginLog, AccessFailureLog, AccessAttempt):
        _login(model, days_ago=100)
        _login(model, days_ago=10)
    stale = Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    live = Session.objects.filter(expire_date__gt=timezone.now()).count()
    assert live  # the case handler's own session
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "3 login records older than 90 days" in out.getvalue()
    assert "1 expired sessions" in out.getvalue()
    for model in (LoginLog, AccessFailureLog, AccessAttempt):
        assert not model.objects.filter(ip_address="192.0.2.100").exists()
        assert model.objects.filter(ip_address="192.0.2.10").exists()
    assert not Session.objects.filter(pk=stale.pk).exists()
    assert Session.objects.count() == live
