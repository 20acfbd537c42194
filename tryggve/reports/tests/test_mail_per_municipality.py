"""Mail speaks for its municipality (issue 14): a report filed with Arjeplog gets mail from
Arjeplog's name with Arjeplog's reply address, and its links go to Arjeplog's own site,
also when the mail is written by a staff page or a scheduled task served for Arvidsjaur.
Arvidsjaur's mail is sent exactly as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tryggve.conftest import ARJEPLOG, CENTRUM
from tryggve.lib import tenancy
from tryggve.lib.models import OutgoingMail
from tryggve.reports.models import Report, Status, Unit
from tryggve.reports.services import (
    FEEDBACK_AFTER_DAYS,
    report_assign_unit,
    report_change_status,
    safety_feedback_ask_due,
    unit_digests_send,
)
from tryggve.reports.tests.test_report_new_view import form_data

pytestmark = pytest.mark.django_db

ARJEPLOG_FROM = '"Trygg i Arjeplog" <noreply@example.se>'
DEFAULT_FROM = "Tryggve <noreply@example.se>"


@pytest.fixture
def arjeplog_identity(arjeplog, settings):
    settings.SITE_URL = "https://trygg.example.se"
    settings.DEFAULT_FROM_EMAIL = DEFAULT_FROM
    arjeplog.service_name = "Trygg i Arjeplog"
    arjeplog.contact_email = "trygghet@arjeplog.se"
    arjeplog.save()
    return arjeplog


def file(client, path: str, **data) -> Report:
    response = client.post(path, form_data(contact_email="anna@example.se", **data))
    assert response.status_code == 302
    return Report.objects.latest("pk")


def test_a_report_filed_at_arjeplog_gets_arjeplogs_receipt(
    citizen, arjeplog_identity, django_capture_on_commit_callbacks
):
    category = arjeplog_identity.categories.get(slug="belysning")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = file(
            citizen, "/arjeplog/rapportera/", lat=ARJEPLOG[0], lon=ARJEPLOG[1],
            category=category.pk,
        )
    assert report.municipality == arjeplog_identity
    queued = OutgoingMail.objects.get(to="anna@example.se")
    assert (queued.from_email, queued.reply_to) == (ARJEPLOG_FROM, "trygghet@arjeplog.se")
    (receipt,) = mail.outbox
    assert receipt.from_email == ARJEPLOG_FROM
    assert receipt.reply_to == ["trygghet@arjeplog.se"]
    assert "https://trygg.example.se/arjeplog/rapport/" in receipt.body
    # Signed by Arjeplog, never by Arvidsjaur.
    assert receipt.body.rstrip().endswith("Arjeplogs kommun och LPO Piteå Älvdal")
    assert "Arvidsjaur" not in receipt.body


def test_arvidsjaurs_receipt_is_unchanged(
    citizen, arjeplog_identity, municipality, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = file(citizen, "/rapportera/", lat=CENTRUM[0], lon=CENTRUM[1])
    assert report.municipality == municipality
    queued = OutgoingMail.objects.get(to="anna@example.se")
    assert (queued.from_email, queued.reply_to) == ("", "")
    (receipt,) = mail.outbox
    assert receipt.from_email == DEFAULT_FROM
    assert receipt.reply_to == []
    assert "https://trygg.example.se/rapport/" in receipt.body
    assert receipt.body.rstrip().endswith("Arvidsjaurs kommun och lokalpolisområde Piteå Älvdal")
    assert "arjeplog" not in receipt.body


def test_a_status_mail_written_outside_arjeplogs_site_still_comes_from_arjeplog(
    arjeplog_identity, make_report, case_handler, django_capture_on_commit_callbacks
):
    with tenancy.serving(arjeplog_identity.code):
        report = make_report(at=ARJEPLOG, contact_email="anna@example.se")
    mail.outbox.clear()
    # A staff page on the shared host serves the default municipality.
    with django_capture_on_commit_callbacks(execute=True):
        report_change_status(report=report, to_status=Status.PLANNED, actor=case_handler.user)
    (update,) = mail.outbox
    assert update.from_email == ARJEPLOG_FROM
    assert update.reply_to == ["trygghet@arjeplog.se"]


def test_the_unit_mails_link_to_the_municipalitys_own_site(
    arjeplog_identity, municipality, make_report, case_handler,
    django_capture_on_commit_callbacks,
):
    arjeplogs_unit = Unit.objects.create(
        municipality=arjeplog_identity, name="Gatubelysning", email="ljus@arjeplog.se"
    )
    arvidsjaurs_unit = Unit.objects.create(
        municipality=municipality, name="Gatubelysning", email="ljus@arvidsjaur.se"
    )
    with tenancy.serving(arjeplog_identity.code):
        theirs = make_report(at=ARJEPLOG)
    ours = make_report(at=CENTRUM)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_assign_unit(report=theirs, unit=arjeplogs_unit, actor=case_handler.user)
        report_assign_unit(report=ours, unit=arvidsjaurs_unit, actor=case_handler.user)
    assigned = {m.to[0]: m for m in mail.outbox}
    # Arjeplog is served at its own host name, trygg.arjeplog.se.
    assert "https://trygg.arjeplog.se/" in assigned["ljus@arjeplog.se"].body
    assert assigned["ljus@arjeplog.se"].from_email == ARJEPLOG_FROM
    assert "https://trygg.example.se/" in assigned["ljus@arvidsjaur.se"].body
    assert "arjeplog" not in assigned["ljus@arvidsjaur.se"].body
    assert assigned["ljus@arvidsjaur.se"].from_email == DEFAULT_FROM

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert unit_digests_send() == {"sent": 2, "skipped": 0}
    digests = {m.to[0]: m for m in mail.outbox}
    theirs_digest, ours_digest = digests["ljus@arjeplog.se"], digests["ljus@arvidsjaur.se"]
    assert "https://trygg.arjeplog.se/" in theirs_digest.body
    assert theirs.reference in theirs_digest.body
    assert theirs_digest.from_email == ARJEPLOG_FROM
    assert theirs_digest.reply_to == ["trygghet@arjeplog.se"]
    assert "https://trygg.example.se/" in ours_digest.body
    assert "arjeplog" not in ours_digest.body
    assert ours_digest.from_email == DEFAULT_FROM


def test_the_receipt_of_a_report_routed_to_arjeplog_links_to_arjeplogs_site(
    citizen, arjeplog_identity, django_capture_on_commit_callbacks
):
    """Filed on Arvidsjaur's form, placed in Arjeplog: its token opens only there."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = file(citizen, "/rapportera/", lat=ARJEPLOG[0], lon=ARJEPLOG[1])
    assert report.municipality == arjeplog_identity
    (receipt,) = mail.outbox
    assert "https://trygg.arjeplog.se/rapport/" in receipt.body
    assert "https://trygg.example.se/" not in receipt.body


def test_the_safety_feedback_question_links_to_the_reports_own_site(
    arjeplog_identity, municipality, make_report, django_capture_on_commit_callbacks
):
    with tenancy.serving(arjeplog_identity.code):
        theirs = make_report(at=ARJEPLOG, contact_email="anna@arjeplog.example")
    make_report(at=CENTRUM, contact_email="bo@arvidsjaur.example")
    Report.objects.update(
        status=Status.RESOLVED, closed=timezone.now() - timedelta(days=FEEDBACK_AFTER_DAYS + 1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert safety_feedback_ask_due() == 2
    asked = {m.to[0]: m for m in mail.outbox}
    theirs_mail, ours_mail = asked["anna@arjeplog.example"], asked["bo@arvidsjaur.example"]
    assert "https://trygg.arjeplog.se/tryggare/" in theirs_mail.body
    assert theirs_mail.from_email == ARJEPLOG_FROM
    assert "https://trygg.example.se/tryggare/" in ours_mail.body
    assert "arjeplog" not in ours_mail.body
    assert theirs.reference in theirs_mail.subject
