"""Issue 9 item 6: an area cannot start before its start-up meeting has happened, and the
invitation, the appointment as contact person and the start are each sent to those concerned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import ContactRole, StartMeeting, WatchState
from tryggve.watch.services import (
    WatchError,
    meeting_record,
    meeting_schedule,
    watch_area_change_state,
)


def test_a_meeting_in_the_future_cannot_be_recorded_as_held(ready_area, staff_user):
    meeting = meeting_schedule(
        area=ready_area,
        when=timezone.now() + timedelta(days=5),
        place="Skolan",
        actor=staff_user,
    )
    with pytest.raises(WatchError, match="inte hållits än"):
        meeting_record(meeting=meeting, attended=[ready_area.contact], actor=staff_user)
    meeting.refresh_from_db()
    assert not meeting.held and not meeting.attended.exists()
    with pytest.raises(WatchError, match="startmötet"):
        watch_area_change_state(area=ready_area, to_state=WatchState.ACTIVE, actor=staff_user)
    ready_area.refresh_from_db()
    assert ready_area.state == WatchState.READY and ready_area.started is None


def test_the_attendance_form_refuses_a_future_meeting(police_officer, ready_area):
    meeting = StartMeeting.objects.create(
        area=ready_area, when=timezone.now() + timedelta(days=2), place="Aulan"
    )
    response = police_officer.post(
        f"/personal/grannsamverkan/{ready_area.slug}/narvaro/",
        {"meeting": meeting.pk, "attended": [ready_area.contact.pk]},
        follow=True,
    )
    assert "Mötet har inte hållits än" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.held


def test_invitation_goes_to_every_confirmed_household_with_date_and_place(
    ready_area, sign_up, staff_user
):
    unconfirmed = sign_up(ready_area, number="200", email="ny@example.se")
    when = timezone.now() + timedelta(days=7)
    meeting_schedule(area=ready_area, when=when, place="Medborgarhuset, sal 2", actor=staff_user)
    invitations = OutgoingMail.objects.filter(subject__startswith="Inbjudan till startmöte")
    assert invitations.count() == 43
    assert not invitations.filter(to=unconfirmed.email).exists()
    body = invitations.get(to="kim@example.se").body
    assert "Medborgarhuset, sal 2" in body
    assert timezone.localtime(when).strftime("%H:%M") in body
    assert "inbjudan till 43 hushåll" in ready_area.events.last().text


def test_a_meeting_noted_afterwards_invites_nobody(ready_area, staff_user):
    meeting_schedule(
        area=ready_area, when=timezone.now() - timedelta(days=1), place="Skolan", actor=staff_user
    )
    assert not OutgoingMail.objects.filter(subject__startswith="Inbjudan").exists()


def test_an_invitation_by_sms_when_only_a_phone_is_known(area, join, staff_user):
    join(area, phone="070-111 22 33")
    meeting_schedule(
        area=area, when=timezone.now() + timedelta(days=3), place="Skolan", actor=staff_user
    )
    sms = OutgoingMail.objects.get(to="+46701112233", subject__startswith="Inbjudan")
    assert sms.channel == OutgoingMail.Channel.SMS and "Skolan" in sms.body


def test_appointment_as_contact_person_is_sent_once(area, join, approve):
    household = join(area, email="ombud@example.se", volunteer=True)
    approve(household)
    approve(household, role=ContactRole.LEAD)  # already a contact person: no second notice
    notices = OutgoingMail.objects.filter(
        to="ombud@example.se", subject__startswith="Ni är kontaktombud"
    )
    assert notices.count() == 1
    assert area.name in notices.get().subject


def test_volunteering_is_not_an_appointment(area, join, approve):
    household = join(area, email="frivillig@example.se", volunteer=True)
    approve(household, role=ContactRole.VOLUNTEERED)
    assert not OutgoingMail.objects.filter(subject__startswith="Ni är kontaktombud").exists()


def test_the_start_is_sent_to_every_confirmed_household_once(active_area, staff_user):
    started = OutgoingMail.objects.filter(subject__endswith="har startat")
    assert started.count() == 43
    watch_area_change_state(area=active_area, to_state=WatchState.PAUSED, actor=staff_user)
    watch_area_change_state(area=active_area, to_state=WatchState.ACTIVE, actor=staff_user)
    assert started.count() == 43  # resuming is not a new start


@pytest.mark.parametrize("when", ["0001-01-01T18:00", "9999-12-31T18:00", "in 400 days"])
def test_a_meeting_date_far_off_is_refused_next_to_the_field(police_officer, area, when):
    plausible_but_far = when == "in 400 days"
    if plausible_but_far:
        when = f"{timezone.localtime() + timedelta(days=400):%Y-%m-%dT%H:%M}"
    response = police_officer.post(
        f"/personal/grannsamverkan/{area.slug}/startmote/",
        {"when": when, "place": "Skolan"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "message-error" in html and "Tid:" in html
    if plausible_but_far:
        assert "Välj en tid inom ett år från i dag." in html
    assert not StartMeeting.objects.exists()
