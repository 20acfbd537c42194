"""Each municipality's SMS sender name (issue 14): validated by the SMS rules, kept with the
queued message, handed to the gateway; settings.SMS_SENDER, else the gateway's own, when
the municipality has none."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tryggve.lib import sms, tenancy
from tryggve.lib.mail import sms_queue
from tryggve.lib.models import OutgoingMail

pytestmark = pytest.mark.django_db

PHONE = "070-111 22 33"


@pytest.mark.parametrize("name", ["Arjeplog", "Trygg2506", "A", "ABCDEFGHIJK"])
def test_a_sender_of_letters_and_digits_is_accepted(arjeplog, name):
    arjeplog.sms_sender = name
    arjeplog.full_clean()


@pytest.mark.parametrize(
    "name", ["Arjeplogs kommun", "ABCDEFGHIJKL", "Åre", "Trygg-i-By", "0701234567", "Arje\nplog"]
)
def test_a_sender_the_sms_rules_do_not_allow_is_refused_in_swedish(arjeplog, name):
    arjeplog.sms_sender = name
    with pytest.raises(ValidationError) as refused:
        arjeplog.full_clean()
    assert "sms_sender" in refused.value.message_dict
    assert "Högst elva tecken" in " ".join(refused.value.message_dict["sms_sender"])


def _sent(django_capture_on_commit_callbacks, code: str | None) -> tuple[OutgoingMail, dict]:
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if code is None:
            queued = sms_queue(to=PHONE, body="Hej")
        else:
            with tenancy.serving(code):
                queued = sms_queue(to=PHONE, body="Hej")
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.SENT
    return queued, sms.outbox[-1]


def test_a_message_for_arjeplog_shows_arjeplogs_name(
    arjeplog, municipality, settings, django_capture_on_commit_callbacks
):
    settings.SMS_SENDER = "Tryggve"
    arjeplog.sms_sender = "Arjeplog"
    arjeplog.save()
    queued, sent = _sent(django_capture_on_commit_callbacks, "2506")
    assert queued.from_email == "Arjeplog"
    assert sent["sender"] == "Arjeplog"
    # Arvidsjaur has none of its own: the deployment's.
    assert _sent(django_capture_on_commit_callbacks, "2505")[1]["sender"] == "Tryggve"
    assert _sent(django_capture_on_commit_callbacks, None)[1]["sender"] == "Tryggve"


def test_a_name_changed_after_queueing_does_not_change_the_message(
    arjeplog, django_capture_on_commit_callbacks
):
    arjeplog.sms_sender = "Arjeplog"
    arjeplog.save()
    with tenancy.serving("2506"):
        queued = sms_queue(to=PHONE, body="Hej")
    arjeplog.sms_sender = "Annat"
    arjeplog.save()
    assert OutgoingMail.objects.get(pk=queued.pk).from_email == "Arjeplog"


class GatewayWithoutSender:
    """A gateway written before sender names: `send(*, to, body)` only."""

    calls: list[dict] = []

    def send(self, *, to: str, body: str) -> None:
        self.calls.append({"to": to, "body": body})


def test_without_any_sender_name_the_gateway_is_called_as_before(
    municipality, settings, django_capture_on_commit_callbacks
):
    settings.SMS_SENDER = ""
    settings.SMS_BACKEND = f"{__name__}.GatewayWithoutSender"
    GatewayWithoutSender.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queued = sms_queue(to=PHONE, body="Hej")
    queued.refresh_from_db()
    assert queued.from_email == "" and queued.status == OutgoingMail.Status.SENT
    assert GatewayWithoutSender.calls == [{"to": "+46701112233", "body": "Hej"}]


def test_a_row_queued_before_sender_names_takes_the_deployments(municipality, settings):
    from tryggve.lib.mail import mail_send_pending

    settings.SMS_SENDER = "Tryggve"
    OutgoingMail.objects.create(channel=OutgoingMail.Channel.SMS, to="+46701112233", body="Hej")
    sms.outbox.clear()
    mail_send_pending()
    assert [m["sender"] for m in sms.outbox] == ["Tryggve"]


def test_a_watch_sign_up_by_sms_in_arjeplog_comes_from_arjeplog(
    arjeplog, municipality, settings, django_capture_on_commit_callbacks
):
    """Through a real flow: the confirmation SMS of a household signing up in Arjeplog's
    watch area, written outside Arjeplog's site (as from a task)."""
    from tryggve.areas.models import ResidentialArea
    from tryggve.watch.services import household_sign_up, watch_area_offer

    settings.SMS_SENDER = "Tryggve"
    arjeplog.sms_sender = "Arjeplog"
    arjeplog.save()
    area = watch_area_offer(
        name="Jäckviks by",
        households=25,
        streets="Storgatan",
        actor=None,
        residential_area=ResidentialArea.objects.get(name="Jäckvik"),
    )
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        household_sign_up(area=area, street="Storgatan", number="1", name="Eva", phone=PHONE)
    assert [m["sender"] for m in sms.outbox] == ["Arjeplog"]
