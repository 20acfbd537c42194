"""Only the contact detail a sign-up proved (the one its confirmation link went to) counts:
for "the same household agreeing" and for "one e-mail or phone per household"."""

from __future__ import annotations

import pytest

from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import Household
from tryggve.watch.services import WatchError, household_confirm


def test_knowing_the_phone_number_does_not_replace_a_confirmed_household(
    client, area, join, sign_up
):
    victim = join(area, street="Storgatan", number="7 C", name="Offret", phone="070-222 33 44")
    attacker = sign_up(
        area,
        street="Storgatan",
        number="7 C",
        name="Attacker",
        email="attacker@example.org",
        phone="0702223344",
    )
    # The link went to the attacker's own mailbox: the phone number was never proven.
    assert OutgoingMail.objects.filter(to="attacker@example.org").exists()
    client.post(f"/grannsamverkan/bekrafta/{attacker.confirm_token}/")
    assert client.get(f"/grannsamverkan/mitt-hushall/{victim.manage_token}/").status_code == 200
    attacker.refresh_from_db()
    assert attacker.confirmed is None and attacker.is_waiting  # the victim is asked first
    assert Household.objects.confirmed().get().pk == victim.pk


def test_the_same_household_from_its_own_proven_channel_still_replaces_itself(area, join, sign_up):
    old = join(area, street="Storgatan", number="7 C", phone="070-222 33 44")
    again = sign_up(area, street="Storgatan", number="7 C", phone="0702223344")
    household_confirm(token=again.confirm_token)
    assert list(Household.objects.confirmed().values_list("pk", flat=True)) == [again.pk]
    assert not Household.objects.filter(pk=old.pk).exists()


def test_an_unproven_phone_does_not_keep_its_owner_out(area, join, sign_up):
    join(area, email="first@example.se", phone="070-555 66 77")
    owner = sign_up(area, number="12", phone="0705556677")
    assert household_confirm(token=owner.confirm_token).confirmed is not None
    assert Household.objects.confirmed().count() == 2


def test_the_refusal_names_only_what_the_person_proved(client, area, join, sign_up):
    join(area, phone="070-555 66 77")
    again = sign_up(area, number="8", email="new@example.se", phone="0705556677")
    # The e-mail was proven and is free; the phone (unproven here) is not revealed as taken.
    assert household_confirm(token=again.confirm_token).confirmed is not None
    join(area, email="used@example.se")
    third = sign_up(area, number="9", email="used@example.se")
    response = client.post(f"/grannsamverkan/bekrafta/{third.confirm_token}/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "mobilnumret" not in page and "E-postadressen" not in page
    with pytest.raises(WatchError):
        household_confirm(token=third.confirm_token)
