"""The threshold rule: an area is ready when the threshold share of its households (rounded
up) have confirmed, staff have reviewed them, and at least one contact person is approved;
watch_area_evaluate, WatchArea.objects.with_progress() and watch_area_set_households."""

from __future__ import annotations

import pytest

from tryggve.watch.models import AreaEvent, ContactRole, Household, WatchArea, WatchState
from tryggve.watch.services import (
    WatchError,
    household_confirm,
    household_leave,
    watch_area_set_households,
)


@pytest.mark.parametrize(
    ("households", "percent", "needed"),
    [
        (61, 70, 43),
        (60, 70, 42),
        (10, 70, 7),
        (1, 70, 1),
        (61, 100, 61),
        (61, 1, 1),
        (150, 1, 2),
        (3, 50, 2),
        (100, 70, 70),
    ],
)
def test_required_households_is_the_share_rounded_up(households, percent, needed):
    area = WatchArea(households=households, threshold_percent=percent)
    assert area.required_households == needed


def test_contact_persons_needed_is_one_per_eleven_households():
    assert WatchArea(households=1).contact_persons_needed == 1
    assert WatchArea(households=11).contact_persons_needed == 1
    assert WatchArea(households=12).contact_persons_needed == 2
    assert WatchArea(households=61).contact_persons_needed == 6


def test_new_area_is_offered_with_the_municipality_threshold(area):
    assert area.state == WatchState.OFFERED
    assert area.threshold_percent == 70
    assert area.events.filter(kind=AreaEvent.Kind.STATE, to_value="offered").exists()


def test_42_of_61_is_not_ready_43_reviewed_with_a_contact_person_is(
    area, fill, join, approve, review
):
    contact = approve(join(area, volunteer=True))
    fill(area, 41)
    area.refresh_from_db()
    progress = WatchArea.objects.with_progress().get(pk=area.pk).progress
    assert (progress["confirmed"], progress["required"], progress["missing"]) == (42, 43, 1)
    assert not progress["reached"]
    assert area.state == WatchState.GATHERING

    join(area)
    area.refresh_from_db()
    assert WatchArea.objects.with_progress().get(pk=area.pk).progress["reached"]
    assert area.state == WatchState.GATHERING  # staff have not looked at the list yet
    area = review(area)
    assert area.state == WatchState.READY
    assert contact.is_contact_person
    event = area.events.filter(to_value=WatchState.READY).get()
    assert "43 av 61" in event.text


def test_threshold_reached_without_approved_contact_person_is_not_ready(
    area, fill, join, approve, review
):
    volunteer = join(area, volunteer=True)
    fill(area, 44)
    area = review(area)
    assert volunteer.contact_role == ContactRole.VOLUNTEERED
    assert area.state == WatchState.GATHERING  # volunteering is not approval

    approve(volunteer)
    assert volunteer.area.state == WatchState.READY
    approve(volunteer, role=ContactRole.NONE)
    assert volunteer.area.state == WatchState.GATHERING


def test_a_lead_contact_person_counts_as_approved(area, fill, join, approve, review):
    fill(area, 42)
    lead = join(area)
    review(area)
    approve(lead, role=ContactRole.LEAD)
    area.refresh_from_db()
    assert area.state == WatchState.READY


def test_one_percent_needs_one_household(make_area, join, approve, review):
    area = make_area(households=61, threshold=1)
    approve(join(area))
    area = review(area)
    assert area.required_households == 1
    assert area.state == WatchState.READY


def test_hundred_percent_needs_every_household(make_area, fill, join, approve, review):
    area = make_area(households=5, threshold=100)
    approve(join(area))
    fill(area, 3)
    area = review(area)
    assert area.state == WatchState.GATHERING
    join(area)
    area = review(area)
    assert area.state == WatchState.READY


def test_unconfirmed_sign_ups_never_count(make_area, sign_up, join, approve):
    area = make_area(households=3)
    approve(join(area))
    for _ in range(5):
        sign_up(area)
    area.refresh_from_db()
    progress = WatchArea.objects.with_progress().get(pk=area.pk).progress
    assert progress["confirmed"] == 1
    assert area.state == WatchState.GATHERING
    assert Household.objects.filter(area=area, confirmed__isnull=True).count() == 5


def test_household_count_corrected_midway_moves_ready_back_and_keeps_the_reason(
    ready_area, staff_user
):
    area = watch_area_set_households(
        area=ready_area, households=70, reason="Nya radhus på Lärkvägen", actor=staff_user
    )
    assert area.required_households == 49
    assert area.state == WatchState.GATHERING
    change = area.events.get(kind=AreaEvent.Kind.HOUSEHOLDS)
    assert (change.from_value, change.to_value) == ("61", "70")
    assert change.text == "Nya radhus på Lärkvägen"
    assert change.actor == staff_user
    assert area.events.filter(from_value="ready", to_value="gathering").exists()

    # Corrected down again, the same sign-ups are enough.
    area = watch_area_set_households(
        area=area, households=61, reason="Radhusen är inte inflyttade", actor=staff_user
    )
    assert area.state == WatchState.READY


def test_household_count_corrected_down_can_make_an_area_ready(
    area, fill, join, approve, staff_user, review
):
    approve(join(area))
    fill(area, 29)
    area = review(area)
    assert area.state == WatchState.GATHERING
    area = watch_area_set_households(area=area, households=40, reason="Räknat om", actor=staff_user)
    assert area.required_households == 28
    assert area.state == WatchState.READY


@pytest.mark.parametrize(("count", "reason"), [(0, "Fel"), (-3, "Fel"), (50, ""), (50, "   ")])
def test_household_count_needs_a_positive_number_and_a_reason(area, staff_user, count, reason):
    with pytest.raises(WatchError):
        watch_area_set_households(area=area, households=count, reason=reason, actor=staff_user)
    area.refresh_from_db()
    assert area.households == 61
    assert not area.events.filter(kind=AreaEvent.Kind.HOUSEHOLDS).exists()


def test_withdrawn_sign_up_drops_ready_to_gathering(ready_area):
    leaver = Household.objects.filter(area=ready_area, contact_role=ContactRole.NONE).first()
    household_leave(household=leaver)
    ready_area.refresh_from_db()
    assert ready_area.state == WatchState.GATHERING
    assert ready_area.progress["missing"] == 1


def test_contact_person_leaving_drops_ready_and_is_noted(ready_area):
    household_leave(household=ready_area.contact)
    ready_area.refresh_from_db()
    assert ready_area.state == WatchState.GATHERING
    assert ready_area.events.filter(kind=AreaEvent.Kind.CONTACT, text__contains="lämnade").exists()


def test_last_household_leaving_keeps_the_area_gathering(area, join):
    household = join(area)
    area.refresh_from_db()
    assert area.state == WatchState.GATHERING
    household_leave(household=household)
    area.refresh_from_db()
    assert area.state == WatchState.GATHERING  # it never goes back to "offered"


def test_active_area_is_not_demoted(active_area, staff_user):
    for household in list(Household.objects.filter(area=active_area))[:20]:
        household_leave(household=household)
    watch_area_set_households(
        area=active_area, households=500, reason="Fel i registret", actor=staff_user
    )
    active_area.refresh_from_db()
    assert active_area.state == WatchState.ACTIVE


# Duplicates --------------------------------------------------------------------------------


def test_same_address_twice_unconfirmed_is_two_rows_and_neither_counts(area, sign_up):
    sign_up(area, number="7", email="a@example.se")
    sign_up(area, number="7", email="b@example.se")
    assert Household.objects.filter(area=area, address_key="storgatan 7").count() == 2
    assert WatchArea.objects.with_progress().get(pk=area.pk).progress["confirmed"] == 0


def test_same_person_sending_twice_updates_their_own_sign_up(area, sign_up):
    first = sign_up(area, number="7", email="a@example.se", name="Första")
    second = sign_up(area, number="7", email="a@example.se", name="Andra")
    assert first.pk == second.pk
    assert Household.objects.get(area=area).name == "Andra"
    # Only the newest link works.
    assert household_confirm(token=first.confirm_token) is None
    assert household_confirm(token=second.confirm_token).confirmed


def test_the_same_household_signing_up_again_from_its_own_mailbox_replaces_itself(
    area, join, sign_up
):
    join(area, number="7", email="a@example.se", name="Första")
    again = sign_up(area, number="7", email="A@Example.se ", name="Andra")
    household_confirm(token=again.confirm_token)
    assert list(Household.objects.filter(area=area).values_list("name", flat=True)) == ["Andra"]
    assert WatchArea.objects.with_progress().get(pk=area.pk).progress["confirmed"] == 1


@pytest.mark.parametrize(
    ("street", "number"),
    [
        ("storgatan", "12b"),
        ("STORGATAN", "12 B"),
        ("  Storgatan ", " 12  b "),
        ("Storgatan", "12B"),
    ],
)
def test_address_case_and_space_variants_count_as_one(area, join, sign_up, street, number):
    join(area, street="Storgatan", number="12 B", email="a@example.se")
    second = sign_up(area, street=street, number=number, email="b@example.se")
    assert household_confirm(token=second.confirm_token).is_waiting  # the same address
    assert Household.objects.filter(area=area, confirmed__isnull=False).count() == 1
    assert WatchArea.objects.with_progress().get(pk=area.pk).progress["confirmed"] == 1
    assert Household.objects.get(area=area, confirmed__isnull=False).street == "Storgatan"


def test_different_numbers_on_the_same_street_are_different_households(area, join):
    join(area, number="12")
    join(area, number="12 A")
    join(area, number="12", street="Lärkvägen")
    assert WatchArea.objects.with_progress().get(pk=area.pk).progress["confirmed"] == 3
