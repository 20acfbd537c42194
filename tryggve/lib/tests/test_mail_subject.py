"""A mail subject is one line (issue 8, item 11): the outbox refuses a line break at once,
in the caller's transaction, instead of failing at every delivery attempt."""

import pytest
from django.core.exceptions import ValidationError

from tryggve.lib.mail import mail_queue, sms_queue, validate_subject
from tryggve.lib.models import OutgoingMail


@pytest.mark.django_db
@pytest.mark.parametrize(
    "to,subject",
    [
        ("a@example.se", "Hej\nBcc: b@example.se"),
        ("a@example.se", "Hej\r"),
        ("a@example.se\nBcc: b@example.se", "Hej"),
    ],
)
def test_outbox_refuses_a_line_break(to, subject):
    with pytest.raises(ValueError):
        mail_queue(to=to, subject=subject, body="Text")
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_a_text_message_over_several_lines_gets_a_one_line_subject():
    message = sms_queue(to="+46701234567", body="Rad ett\nRad två")
    assert message.subject == "Rad ett Rad två"


def test_the_form_validator_speaks_swedish():
    with pytest.raises(ValidationError) as refused:
        validate_subject("Hej\nda")
    assert refused.value.messages == ["Rubriken får bara vara en rad. Ta bort radbrytningen."]
    validate_subject("Hej då")
