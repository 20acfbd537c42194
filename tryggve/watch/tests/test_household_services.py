"""household_sign_up, household_confirm, household_leave and contact_person_set."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import AreaEvent, ContactRole, Delivery, Household, WatchState
from tryggve.watch.services import (
    WatchError,
    contact_person_set,
    household_confirm,
    household_leave,
    household_sign_up,
    meeting_record,
    meeting_schedule,
    message_send,
    watch_area_change_state,
)


def test_sign_up_sends_a_confirmation_link_and_counts_nothing_yet(area, sign_up):
    household = sign_up(area, number="4", name="Alva", email="alva@example.se")
    assert household.confirmed is None
    assert household.address_key == "storgatan 4"
    mail = OutgoingMail.objects.get(to="alva@example.se")
    assert mail.channel == OutgoingMail.Channel.EMAIL
    assert "Bekräfta" in mail.subject and "Lärkan" in mail.subject
    # A mail to an address nobody has confirmed carries no words chosen by the sender.
    assert "Alva" not in mail.body
    # Only a hash of the token is stored.
    assert household.confirm_token not in household.confirm_token_hash


def test_sign_up_with_only_a_phone_confirms_by_sms(area, sign_up):
    household = sign_up(area, phone="070-123 45 67")
    row = OutgoingMail.objects.get(to="+46701234567")  # stored and sent in one form
    assert row.channel == OutgoingMail.Channel.SMS
    assert household.confirm_token in row.body


@pytest.mark.parametrize("street", ["Drottninggatan", "Storgatan 5", "", "Storgatan\x00"])
def test_sign_up_refuses_a_street_outside_the_area(area, street):
    with pytest.raises(WatchError, match="inte i området"):
        household_sign_up(area=area, street=street, number="1", name="X", email="x@example.se")
    assert not Household.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_sign_up_needs_email_or_phone(area):
    with pytest.raises(WatchError, match="e-post eller telefon"):
        household_sign_up(area=area, street="Storgatan", number="1", name="X")
    assert not Household.objects.exists()


@pytest.mark.parametrize("state", [WatchState.PAUSED, WatchState.ENDED])
def test_paused_or_ended_area_refuses_sign_ups(area, state):
    area.state = state
    area.save()
    with pytest.raises(WatchError, match="tar inte emot"):
        household_sign_up(area=area, street="Storgatan", number="1", name="X", email="x@x.se")
    assert not Household.objects.exists()


def test_active_area_still_accepts_sign_ups(active_area, join):
    household = join(active_area)
    assert household.confirmed


def test_a_household_must_be_reachable(area):
    base = {
        "area": area,
        "street": "S",
        "number": "1",
        "address_key": "s 1",
        "name": "X",
        "confirm_token_hash": "a",
        "manage_token_hash": "b",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(**base, email="", phone="")


def test_the_database_allows_one_confirmed_sign_up_per_address(area, join):
    first = join(area, number="3")
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(
            area=area,
            street="Storgatan",
            number="3",
            address_key=first.address_key,
            name="Y",
            email="y@x.se",
            confirm_token_hash="c",
            manage_token_hash="d",
            confirmed=first.confirmed,
        )


def test_confirm_sends_a_welcome_with_the_household_page(area, sign_up):
    household = sign_up(area, email="ny@example.se")
    confirmed = household_confirm(token=household.confirm_token)
    assert confirmed.confirmed is not None
    welcome = OutgoingMail.objects.filter(to="ny@example.se").order_by("-pk").first()
    assert "Välkommen" in welcome.subject
    assert "/grannsamverkan/mitt-hushall/" in welcome.body
    area.refresh_from_db()
    assert area.state == WatchState.GATHERING


def test_confirm_twice_changes_nothing_and_sends_one_welcome(area, sign_up):
    household = sign_up(area, email="ny@example.se")
    first = household_confirm(token=household.confirm_token)
    second = household_confirm(token=household.confirm_token)
    assert first.confirmed == second.confirmed
    assert first.manage_token_hash == second.manage_token_hash
    assert (
        OutgoingMail.objects.filter(to="ny@example.se", subject__startswith="Välkommen").count()
        == 1
    )


@pytest.mark.parametrize("token", ["", "nope", "x" * 5000, "\x00"])
def test_confirm_with_an_unknown_token_is_none(area, sign_up, token):
    sign_up(area)
    assert household_confirm(token=token) is None
    assert not Household.objects.confirmed().exists()


def test_leave_deletes_the_household_and_its_data(active_area, staff_user):
    contact = active_area.contact
    message_send(sender=staff_user, subject="Hej", body="Text", area=active_area)
    meeting = active_area.meetings.get()
    assert meeting.attended.filter(pk=contact.pk).exists()
    household_leave(household=contact)
    assert not Household.objects.filter(pk=contact.pk).exists()
    assert not Household.objects.filter(email="kim@example.se").exists()
    assert not meeting.attended.exists()
    # The delivery record stays (the message was sent) but no longer points at the household.
    assert Delivery.objects.get().household is None
    # No event or history row carries the name or e-mail.
    texts = " ".join(AreaEvent.objects.values_list("text", flat=True))
    assert "Kim" not in texts and "kim@example.se" not in texts


def test_contact_person_roles(area, join, sign_up, staff_user):
    household = join(area, volunteer=True)
    assert household.contact_role == ContactRole.VOLUNTEERED
    contact_person_set(household=household, role=ContactRole.APPROVED, actor=staff_user)
    event = area.events.filter(kind=AreaEvent.Kind.CONTACT).get()
    assert event.to_value == "Godkänt kontaktombud"
    assert event.actor == staff_user
    with pytest.raises(WatchError, match="Okänd roll"):
        contact_person_set(household=household, role="king", actor=staff_user)
    unconfirmed = sign_up(area)
    with pytest.raises(WatchError, match="inte bekräftat"):
        contact_person_set(household=unconfirmed, role=ContactRole.APPROVED, actor=staff_user)


# Starting an area -------------------------------------------------------------------------


def test_start_needs_a_held_start_up_meeting(ready_area, staff_user):
    with pytest.raises(WatchError, match="startmötet"):
        watch_area_change_state(area=ready_area, to_state="active", actor=staff_user)
    meeting = meeting_schedule(
        area=ready_area, when=ready_area.offered, place=" Skolans aula ", actor=staff_user
    )
    assert meeting.place == "Skolans aula"
    with pytest.raises(WatchError, match="startmötet"):  # planned is not held
        watch_area_change_state(area=ready_area, to_state="active", actor=staff_user)
    meeting_record(meeting=meeting, attended=[ready_area.contact], actor=staff_user)
    area = watch_area_change_state(area=ready_area, to_state="active", actor=staff_user, note="Nu")
    assert area.state == WatchState.ACTIVE
    assert area.started is not None
    assert area.events.filter(from_value="ready", to_value="active", text="Nu").exists()


def test_attendance_ignores_households_of_other_areas(ready_area, make_area, join, staff_user):
    other = join(make_area(name="Annat"))
    meeting = meeting_schedule(
        area=ready_area, when=ready_area.offered, place="X", actor=staff_user
    )
    meeting_record(meeting=meeting, attended=[ready_area.contact, other], actor=staff_user)
    assert list(meeting.attended.all()) == [ready_area.contact]


@pytest.mark.parametrize("to_state", ["active", "ready", "offered"])
def test_gathering_area_cannot_be_started_or_made_ready_by_hand(area, join, staff_user, to_state):
    join(area)
    area.refresh_from_db()
    with pytest.raises(WatchError):
        watch_area_change_state(area=area, to_state=to_state, actor=staff_user)
    area.refresh_from_db()
    assert area.state == WatchState.GATHERING


def test_paused_area_that_never_started_cannot_jump_to_active(area, join, staff_user):
    join(area)
    watch_area_change_state(area=area, to_state="paused", actor=staff_user)
    with pytest.raises(WatchError):
        watch_area_change_state(area=area, to_state="active", actor=staff_user)
    area.refresh_from_db()
    assert area.state == WatchState.PAUSED
    # Resuming goes back to gathering, and the sign-ups decide from there.
    area = watch_area_change_state(area=area, to_state="gathering", actor=staff_user)
    assert area.state == WatchState.GATHERING


def test_paused_active_area_resumes(active_area, staff_user):
    started = active_area.started
    watch_area_change_state(area=active_area, to_state="paused", actor=staff_user)
    area = watch_area_change_state(area=active_area, to_state="active", actor=staff_user)
    assert area.state == WatchState.ACTIVE
    assert area.started == started


def test_paused_ready_area_resumed_is_ready_again(ready_area, staff_user):
    watch_area_change_state(area=ready_area, to_state="paused", actor=staff_user)
    area = watch_area_change_state(area=ready_area, to_state="gathering", actor=staff_user)
    assert area.state == WatchState.READY


def test_ended_area_stays_ended(area, staff_user):
    watch_area_change_state(area=area, to_state="ended", actor=staff_user)
    for state in WatchState.values:
        with pytest.raises(WatchError):
            watch_area_change_state(area=area, to_state=state, actor=staff_user)
