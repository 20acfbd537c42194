"""A mail may carry one attachment (the council's report as PDF): stored with the row, sent
as a real MIME attachment by a real SMTP server, the same file on a retry."""

import email

import pytest

from tryggve.lib.mail import mail_deliver, mail_queue
from tryggve.lib.models import OutgoingMail
from tryggve.lib.tests.test_mail_queue import smtp  # noqa: F401 (a fixture)


@pytest.mark.django_db
def test_attachment_is_sent_as_a_mime_part(smtp, django_capture_on_commit_callbacks):  # noqa: F811
    controller, inbox = smtp
    controller.start()
    content = b"%PDF-1.7 council report"
    with django_capture_on_commit_callbacks(execute=False):
        message = mail_queue(
            to="rad@example.se",
            subject="Uppföljning",
            body="Rapporten bifogas.",
            attachment=("rapport.pdf", content, "application/pdf"),
        )
    assert mail_deliver(mail_id=message.pk) == "sent"
    assert len(inbox.messages) == 1
    parsed = email.message_from_bytes(inbox.messages[0].content)
    parts = [p for p in parsed.walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == ["rapport.pdf"]
    assert parts[0].get_content_type() == "application/pdf"
    assert parts[0].get_payload(decode=True) == content
    assert "Rapporten bifogas." in parsed.get_payload()[0].get_payload(decode=True).decode()


@pytest.mark.django_db
def test_mail_without_attachment_has_none(smtp):  # noqa: F811
    controller, inbox = smtp
    controller.start()
    message = mail_queue(to="rad@example.se", subject="Hej", body="Text")
    assert mail_deliver(mail_id=message.pk) == "sent"
    parsed = email.message_from_bytes(inbox.messages[0].content)
    assert not parsed.is_multipart()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../etc/passwd", "a\nBcc: x@example.se"])
def test_attachment_name_with_a_path_or_line_break_is_refused(name):
    with pytest.raises(ValueError):
        mail_queue(to="rad@example.se", subject="Hej", body="x", attachment=(name, b"x", "a/b"))
    assert not OutgoingMail.objects.exists()
