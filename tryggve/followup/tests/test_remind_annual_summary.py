"""`manage.py remind_annual_summary`: the editors are mailed once, a month before; with
several municipalities served, each one's own editors about its own promise, from it."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from tryggve.lib.models import OutgoingMail

from .conftest import make_promise

pytestmark = pytest.mark.django_db


def run(day: datetime.date, *args: str) -> str:
    out = io.StringIO()
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        call_command("remind_annual_summary", *args, stdout=out)
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


def test_a_deployment_of_one_municipality_mails_every_editor_without_membership(
    municipality, police_officer, administrator, django_capture_on_commit_callbacks
):
    """As before the municipalities: nobody need be a member, and the mail is sent as the
    deployment always sent it (no sender of its own)."""
    make_promise(municipality, 2026)
    for client, address in [(police_officer, "polis@example.org"), (administrator, "a@x.se")]:
        client.user.email = address
        client.user.save()
    with django_capture_on_commit_callbacks():
        assert run(datetime.date(2026, 11, 20)) == "sent=2"
    mails = OutgoingMail.objects.order_by("to")
    assert [m.to for m in mails] == ["a@x.se", "polis@example.org"]
    assert {(m.from_email, m.reply_to) for m in mails} == {("", "")}


# Several municipalities served (issue 14) ---------------------------------------------------

ARJEPLOG_FROM = '"Trygg i Arjeplog" <noreply@example.se>'


@pytest.fixture
def both(municipality, arjeplog, settings, django_user_model):
    """Arvidsjaur and Arjeplog served together, each with its promise and its own editors;
    a police officer of the police area who belongs to Arvidsjaur only, an administrator
    who belongs to neither and a council reader who belongs to both."""
    settings.SITE_URL = "https://trygg.example.se"
    settings.DEFAULT_FROM_EMAIL = "Tryggve <noreply@example.se>"
    arjeplog.service_name = "Trygg i Arjeplog"
    arjeplog.contact_email = "trygghet@arjeplog.se"
    arjeplog.save()
    make_promise(municipality, 2026)
    make_promise(arjeplog, 2026)
    people = {
        "arvidsjaur": ("case_handler", [municipality]),
        "arjeplog": ("case_handler", [arjeplog]),
        "polis": ("police_officer", [municipality]),
        "admin": ("administrator", []),
        "radet": ("council_reader", [municipality, arjeplog]),
    }
    for username, (role, places) in people.items():
        user = django_user_model.objects.create_user(username, f"{username}@example.se")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        for place in places:
            place.members.add(user)
    return municipality, arjeplog


def test_each_municipality_mails_only_its_own_editors_from_itself(
    both, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        assert run(datetime.date(2026, 11, 10)).splitlines() == ["2505 sent=2", "2506 sent=1"]
    arvidsjaur = OutgoingMail.objects.filter(to__in=["arvidsjaur@example.se", "polis@example.se"])
    assert arvidsjaur.count() == 2
    for mail in arvidsjaur:
        # The default municipality without a service name sends as before.
        assert (mail.from_email, mail.reply_to) == ("", "")
        assert "https://trygg.example.se/personal/uppfoljning/sammanfattning/2026/" in mail.body
    arjeplog = OutgoingMail.objects.get(to="arjeplog@example.se")
    assert (arjeplog.from_email, arjeplog.reply_to) == (ARJEPLOG_FROM, "trygghet@arjeplog.se")
    assert "https://trygg.arjeplog.se/personal/uppfoljning/sammanfattning/2026/" in arjeplog.body
    # Nobody else: not the reader, not the administrator of no municipality, and the police
    # officer of the police area only for the municipality they belong to.
    assert OutgoingMail.objects.count() == 3


def test_running_again_sends_nothing_more(both, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        run(datetime.date(2026, 11, 10))
        assert run(datetime.date(2026, 11, 10)).splitlines() == ["2505 sent=0", "2506 sent=0"]
        assert run(datetime.date(2026, 12, 1)).splitlines() == ["2505 sent=0", "2506 sent=0"]
    assert OutgoingMail.objects.count() == 3


def test_one_municipality_at_a_time(both, django_capture_on_commit_callbacks):
    day = datetime.date(2026, 11, 10)
    with django_capture_on_commit_callbacks():
        assert run(day, "--municipality", "2506") == "2506 sent=1"
        assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["arjeplog@example.se"]
        # The daily run afterwards sends Arvidsjaur's only: Arjeplog's went out.
        assert run(day).splitlines() == ["2505 sent=2", "2506 sent=0"]
    assert OutgoingMail.objects.count() == 3


def test_a_municipality_not_served_is_refused(both):
    with pytest.raises(CommandError, match="2510"):
        run(datetime.date(2026, 11, 10), "--municipality", "2510")
    assert not OutgoingMail.objects.exists()


def test_a_municipality_without_a_promise_is_not_reminded(both, django_capture_on_commit_callbacks):
    _arvidsjaur, arjeplog = both
    arjeplog.promises.all().delete()
    with django_capture_on_commit_callbacks():
        assert run(datetime.date(2026, 11, 10)).splitlines() == ["2505 sent=2", "2506 sent=0"]
    assert not OutgoingMail.objects.filter(to="arjeplog@example.se").exists()


def test_a_promise_replaced_after_the_reminder_is_not_reminded_again(
    both, django_capture_on_commit_callbacks
):
    _arvidsjaur, arjeplog = both
    with django_capture_on_commit_callbacks():
        run(datetime.date(2026, 11, 10))
        make_promise(arjeplog, 2026)
        assert run(datetime.date(2026, 11, 11)).splitlines() == ["2505 sent=0", "2506 sent=0"]
    assert OutgoingMail.objects.filter(to="arjeplog@example.se").count() == 1
