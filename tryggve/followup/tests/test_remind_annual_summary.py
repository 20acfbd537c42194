"""`manage.py remind_annual_summary`: the editors are mailed once, a month before."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command

from tryggve.lib.models import OutgoingMail

from .conftest import make_promise

pytestmark = pytest.mark.django_db


def run(day: datetime.date) -> str:
    out = io.StringIO()
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        call_command("remind_annual_summary", stdout=out)
    return out.getvalue().strip()


def test_editors_are_mailed_once_from_a_month_before(
    municipality, case_handler, council_reader, django_capture_on_commit_callbacks
):
    make_promise(municipality, 2026)
    case_handler.user.email = "handlaggare@example.org"
    case_handler.user.save()
    council_reader.user.email = "radet@example.org"  # a reader: not asked to write
    council_reader.user.save()
    with django_capture_on_commit_callbacks():
        assert run(datetime.date(2026, 11, 9)) == "sent=0"
        assert run(datetime.date(2026, 11, 10)) == "sent=1"
        assert run(datetime.date(2026, 11, 11)) == "sent=0"
    mail = OutgoingMail.objects.get()
    assert mail.to == "handlaggare@example.org"
    assert "2026-12-10" in mail.subject
    assert "/personal/uppfoljning/sammanfattning/2026/" in mail.body
