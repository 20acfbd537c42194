"""message_send and alert_text: messages to contact persons by mail or SMS through the outbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from tryggve.lib import sms
from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import ContactRole, Delivery, WatchMessage
from tryggve.watch.services import WatchError, alert_text, message_send


@pytest.fixture
def phone_contact(active_area, join, approve):
    return approve(join(active_area, phone="070-111 22 33", name="Sam Sms"))


def test_message_to_one_area_reaches_its_contact_persons_by_mail_and_sms(
    active_area, phone_contact, staff_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            sender=staff_user,
            subject=" Inbrott på Storgatan ",
            body="Lås dörren.",
            area=active_area,
        )
    assert message.subject == "Inbrott på Storgatan"
    deliveries = {d.household.name: d for d in message.deliveries.select_related("household")}
    assert set(deliveries) == {"Kim Kontakt", "Sam Sms"}
    assert deliveries["Kim Kontakt"].channel == "email"
    assert deliveries["Sam Sms"].channel == "sms"
    for delivery in deliveries.values():
        assert delivery.outgoing is not None
        assert delivery.area == active_area
        delivery.outgoing.refresh_from_db()
        assert delivery.outgoing.status == OutgoingMail.Status.SENT
    assert [m.to for m in mail.outbox] == [["kim@example.se"]]
    assert "Lås dörren." in mail.outbox[0].body
    assert "112" in mail.outbox[0].body
    assert [m["to"] for m in sms.outbox] == ["+46701112233"]
    assert sms.outbox[0]["body"].startswith("Inbrott på Storgatan\nLås dörren.")


def test_only_approved_and_lead_contact_persons_receive(active_area, join, approve, staff_user):
    approve(join(active_area, name="Lea Lead"), role=ContactRole.LEAD)
    join(active_area, name="Vera Volontär", volunteer=True)
    join(active_area, name="Nils Medlem")
    message = message_send(sender=staff_user, subject="S", body="B", area=active_area)
    names = set(message.deliveries.values_list("household__name", flat=True))
    assert names == {"Kim Kontakt", "Lea Lead"}


def test_message_to_all_reaches_only_active_areas(
    active_area, make_area, join, approve, staff_user
):
    gathering = make_area(name="Samlar")
    approve(join(gathering, name="Gert Gathering"))
    message = message_send(sender=staff_user, subject="Alla", body="Till alla")
    assert message.area is None
    assert set(message.deliveries.values_list("household__name", flat=True)) == {"Kim Kontakt"}
    assert set(message.deliveries.values_list("area", flat=True)) == {active_area.pk}


def test_message_needs_subject_and_body(active_area, staff_user):
    for subject, body in (("", "B"), ("S", ""), ("  ", "\n")):
        with pytest.raises(WatchError):
            message_send(sender=staff_user, subject=subject, body=body, area=active_area)
    assert not WatchMessage.objects.exists()


def test_mail_server_down_loses_nothing(
    active_area, phone_contact, staff_user, broken_mail, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(sender=staff_user, subject="S", body="B", area=active_area)
    assert WatchMessage.objects.filter(pk=message.pk).exists()
    assert Delivery.objects.filter(message=message).count() == 2
    by_mail = Delivery.objects.get(message=message, channel="email").outgoing
    assert by_mail.status == OutgoingMail.Status.PENDING
    assert by_mail.attempts == 1
    assert "down" in by_mail.last_error
    # The SMS gateway is not the mail server: the text still went out.
    assert Delivery.objects.get(message=message, channel="sms").outgoing.status == "sent"
    assert len(sms.outbox) == 1


def test_alert_text_in_the_area_and_nearby(alert):
    subject, body = alert_text(alert)
    assert subject == "Inbrott nära Centrum"
    assert "i ert område" in body
    assert "114 14" in body and "112" in body
    alert.distance_m = 347
    _subject, body = alert_text(alert)
    assert "ungefär 350 meter från ert område" in body


def test_alert_text_of_a_burglary_without_clock_time_gives_its_date_only(alert):
    local = timezone.localtime(alert.incident.occurred_at)
    _subject, body = alert_text(alert)
    assert f"skedde {local:%Y-%m-%d %H:%M} " in body
    alert.incident.time_known = False
    _subject, body = alert_text(alert)
    assert f"skedde {local:%Y-%m-%d} i ert område" in body


def test_message_keeps_its_alert(active_area, alert, staff_user):
    subject, body = alert_text(alert)
    message = message_send(
        sender=staff_user, subject=subject, body=body, area=active_area, alert=alert
    )
    assert message.alert == alert
