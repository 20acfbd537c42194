"""Each queued mail keeps its sender (issue 14): From and Reply-To are resolved when it is
queued, for the municipality it speaks for, because delivery runs outside the request. A
row without them (queued before they existed) is sent as every mail was before."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import render_to_string

from tryggve.lib import tenancy
from tryggve.lib.delivery import mail_deliver
from tryggve.lib.mail import mail_queue
from tryggve.lib.models import OutgoingMail
from tryggve.settings import BASE_DIR


def test_a_row_without_a_sender_goes_from_the_default_address(db, settings):
    settings.DEFAULT_FROM_EMAIL = "Tryggve <noreply@example.se>"
    row = OutgoingMail.objects.create(to="anna@example.se", subject="Hej", body="Text")
    mail.outbox.clear()
    assert mail_deliver(mail_id=row.pk) == "sent"
    (sent,) = mail.outbox
    assert (sent.from_email, sent.reply_to) == ("Tryggve <noreply@example.se>", [])


def test_the_sender_is_the_served_municipalitys(arjeplog, settings):
    settings.DEFAULT_FROM_EMAIL = "Tryggve <noreply@example.se>"
    arjeplog.contact_email = "trygghet@arjeplog.se"
    arjeplog.save()
    with tenancy.serving(arjeplog.code):
        row = mail_queue(to="anna@example.se", subject="Hej", body="Text")
    # No service name set: the heading the site shows for Arjeplog names the sender.
    assert row.from_email == '"Trygghet i Arjeplogs kommun" <noreply@example.se>'
    assert row.reply_to == "trygghet@arjeplog.se"
    mail.outbox.clear()
    assert mail_deliver(mail_id=row.pk) == "sent"
    assert mail.outbox[0].reply_to == ["trygghet@arjeplog.se"]
    # Arvidsjaur, the default, without a service name or contact address: as before.
    default = mail_queue(to="anna@example.se", subject="Hej", body="Text")
    assert (default.from_email, default.reply_to) == ("", "")


def test_a_sender_with_a_line_break_is_refused(db):
    with pytest.raises(ValueError):
        mail_queue(to="a@example.se", subject="Hej", body="x", sender=("A\nBcc: b@x.se", ""))


@pytest.mark.django_db(transaction=True)
def test_mail_queued_before_the_migration_still_sends(settings):
    settings.DEFAULT_FROM_EMAIL = "Tryggve <noreply@example.se>"
    before = [("lib", "0004_outgoingmail_attachment")]
    executor = MigrationExecutor(connection)
    # Back to the latest, which the model below is (later ones add columns of their own).
    after = executor.loader.graph.leaf_nodes("lib")
    executor.migrate(before)
    old_model = executor.loader.project_state(before).apps.get_model("lib", "OutgoingMail")
    queued = old_model.objects.create(to="anna@example.se", subject="Hej", body="Text")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    row = OutgoingMail.objects.get(pk=queued.pk)
    assert (row.from_email, row.reply_to) == ("", "")
    mail.outbox.clear()
    assert mail_deliver(mail_id=row.pk) == "sent"
    assert mail.outbox[0].from_email == "Tryggve <noreply@example.se>"


def test_the_error_pages_name_no_municipality():
    """The 500 and 503 pages are static (the database may be away): they name no
    municipality rather than the wrong one."""
    page_500 = (BASE_DIR / "tryggve" / "templates" / "500.html").read_text()
    page_503 = render_to_string("503.html", {"retry_after": 30})
    for page in (page_500, page_503):
        assert "Arvidsjaur" not in page
        assert "kommun" not in page
