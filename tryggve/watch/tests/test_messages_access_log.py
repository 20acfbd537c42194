"""The messages page names each recipient household by its address: reading it is logged."""

from __future__ import annotations

from tryggve.audit.models import AccessLog
from tryggve.watch.models import Delivery
from tryggve.watch.services import message_send

MESSAGES = "/personal/grannsamverkan/meddelanden/"


def test_reading_the_recipients_of_sent_messages_is_logged(
    police_officer, active_area, staff_user
):
    assert police_officer.get(MESSAGES).status_code == 200
    assert not AccessLog.objects.exists()  # nothing sent yet: no household shown
    message_send(sender=staff_user, subject="Inbrott", body="Lås dörren.", area=active_area)
    household = Delivery.objects.select_related("household").first().household
    page = police_officer.get(MESSAGES).content.decode()
    assert str(household) in page
    log = AccessLog.objects.get()
    assert log.actor == police_officer.user
    assert log.action == AccessLog.Action.VIEW and log.purpose == AccessLog.Purpose.WATCH
