"""Mail bombing a stranger through our forms: many clients (each within its own limit) sign
a stranger's address or mobile number up for neighbourhood watch, or file reports with it as
the receipt's address. The guard counts every message a public form queues per recipient
(`recipient` bucket), whichever client sent the form; past it the message is kept unsent."""

from __future__ import annotations

import pytest
from django.test import Client

from tryggve.lib.mail import NOT_SENT_TOO_MANY, mail_queue
from tryggve.lib.models import OutgoingMail
from tryggve.reports.tests.test_report_new_view import form_data
from tryggve.watch.tests.test_public_views import VALID, area_url

pytestmark = pytest.mark.django_db

LIMIT = 5  # settings.PUBLIC_POST_LIMITS["recipient"]: five a day


def from_address(n: int) -> Client:
    """A fresh browser at its own network address: the form's own limit never applies."""
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


def test_sign_ups_from_many_addresses_mail_one_stranger_at_most_five_times(area):
    for n in range(LIMIT + 3):
        data = {**VALID, "number": str(n + 1), "email": "Stranger@Example.se"}
        assert from_address(n).post(area_url(area), data).status_code == 302
    messages = OutgoingMail.objects.filter(to__iexact="stranger@example.se")
    assert messages.count() == LIMIT + 3  # every one kept for the administrator
    assert messages.filter(status=OutgoingMail.Status.PENDING).count() == LIMIT
    unsent = messages.filter(status=OutgoingMail.Status.FAILED)
    assert unsent.count() == 3
    assert {m.last_error for m in unsent} == {NOT_SENT_TOO_MANY}
    # Another person's sign-up is not held back by it.
    other = {**VALID, "number": "90", "email": "granne@example.se"}
    assert from_address(99).post(area_url(area), other).status_code == 302
    assert OutgoingMail.objects.get(to="granne@example.se").status == OutgoingMail.Status.PENDING


def test_one_mailbox_written_many_ways_counts_as_one(area):
    # Gmail delivers a.nna+1@gmail.com and ANNA+2@googlemail.com to anna@gmail.com.
    spellings = ["anna+1@gmail.com", "a.nna+2@gmail.com", "ANNA@googlemail.com", "an.na@gmail.com"]
    for n in range(LIMIT + 2):
        data = {**VALID, "number": str(n + 1), "email": spellings[n % 4]}
        assert from_address(n).post(area_url(area), data).status_code == 302
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING).count() == LIMIT


def test_text_messages_to_one_number_written_many_ways_count_together(area):
    spellings = ["070-123 45 67", "0701234567", "+46 70 123 45 67", "0046701234567"]
    for n in range(LIMIT + 2):
        data = {**VALID, "number": str(n + 1), "email": "", "phone": spellings[n % 4]}
        assert from_address(n).post(area_url(area), data).status_code == 302
    texts = OutgoingMail.objects.filter(channel=OutgoingMail.Channel.SMS, to="+46701234567")
    assert texts.filter(status=OutgoingMail.Status.PENDING).count() == LIMIT
    assert texts.filter(status=OutgoingMail.Status.FAILED).count() == 2


def test_receipts_of_reports_count_for_their_address_too(municipality):
    for n in range(LIMIT + 1):
        data = form_data(description=f"Plats {n}", contact_email="stranger@example.se")
        assert from_address(n).post("/rapportera/", data).status_code == 302
    receipts = OutgoingMail.objects.filter(to="stranger@example.se")
    assert receipts.filter(status=OutgoingMail.Status.PENDING).count() == LIMIT
    assert receipts.filter(status=OutgoingMail.Status.FAILED).count() == 1


def test_mail_queued_outside_the_public_forms_is_never_held_back(db):
    # Outside a public form (a staff action, a digest, a scheduled task) nothing is counted.
    for n in range(LIMIT * 2):
        mail_queue(to="enhet@example.se", subject=f"Ärende {n}", body="Text")
    assert not OutgoingMail.objects.exclude(status=OutgoingMail.Status.PENDING).exists()
