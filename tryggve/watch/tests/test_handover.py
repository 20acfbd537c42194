"""Issue 8 item 2: a stranger cannot remove a confirmed household by signing up at its address
and confirming from their own mailbox. The new sign-up waits; the household at the address is
told (with no text chosen by the stranger) and decides with its own link, or staff replace it."""

from __future__ import annotations

import re

import pytest

from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import AreaEvent, Household, WatchState
from tryggve.watch.services import (
    WatchError,
    household_confirm,
    household_handover,
    household_replace,
)
from tryggve.watch.tests.conftest import MANAGE_RE, token_from_outbox

HANDOVER_RE = re.compile(r"/grannsamverkan/overlamna/([^/\s]+)/")


@pytest.fixture
def stranger(ready_area, sign_up):
    """Someone signs up at the contact person's address and confirms from their own mailbox."""
    contact = ready_area.contact
    household = sign_up(
        ready_area,
        street=contact.street,
        number=contact.number,
        name="Sven Främling <a href=http://evil.example>klicka</a>",
        email="sven@evil.example",
    )
    confirmed = household_confirm(token=household.confirm_token)
    confirmed.confirm_token = household.confirm_token
    return confirmed


def test_a_strangers_confirmation_waits_and_removes_nobody(ready_area, stranger):
    contact = Household.objects.get(pk=ready_area.contact.pk)
    assert contact.confirmed and contact.is_contact_person
    assert stranger.is_waiting and stranger.confirmed is None
    ready_area.refresh_from_db()
    assert ready_area.state == WatchState.READY
    assert ready_area.progress["confirmed"] == 43
    # No welcome (and no household page) for the waiting sign-up.
    assert not OutgoingMail.objects.filter(to="sven@evil.example", subject__startswith="Välkommen")
    assert ready_area.events.filter(kind=AreaEvent.Kind.HOUSEHOLD, text__contains="väntar")


def test_the_household_at_the_address_is_told_without_the_strangers_words(ready_area, stranger):
    notice = OutgoingMail.objects.filter(to="kim@example.se").order_by("-pk").first()
    assert notice.subject == "Ny anmälan för er adress i grannsamverkan"
    assert str(ready_area.contact) in notice.body
    assert HANDOVER_RE.search(notice.body)
    for chosen_by_stranger in ("Sven", "Främling", "evil.example", "klicka", "href"):
        assert chosen_by_stranger not in notice.subject + notice.body


def test_confirming_twice_sends_one_notice(ready_area, stranger):
    assert household_confirm(token=stranger.confirm_token).is_waiting
    assert OutgoingMail.objects.filter(to="kim@example.se", body__contains="overlamna").count() == 1


def test_the_household_keeps_its_place_by_refusing(client, ready_area, stranger):
    token = token_from_outbox("kim@example.se", HANDOVER_RE)
    page = client.get(f"/grannsamverkan/overlamna/{token}/")
    assert page.status_code == 200
    assert "Sven" not in page.content.decode()
    response = client.post(f"/grannsamverkan/overlamna/{token}/", {"answer": "0"})
    assert "Ni är kvar" in response.content.decode()
    assert not Household.objects.filter(pk=stranger.pk).exists()
    assert Household.objects.get(pk=ready_area.contact.pk).is_contact_person
    # The link is used up.
    assert client.get(f"/grannsamverkan/overlamna/{token}/").status_code == 404


def test_the_household_lets_the_new_one_in_by_agreeing(client, ready_area, stranger):
    token = token_from_outbox("kim@example.se", HANDOVER_RE)
    response = client.post(f"/grannsamverkan/overlamna/{token}/", {"answer": "1"})
    assert response.status_code == 200
    assert not Household.objects.filter(pk=ready_area.contact.pk).exists()
    new = Household.objects.get(pk=stranger.pk)
    assert new.confirmed and not new.is_waiting
    assert token_from_outbox("sven@evil.example", MANAGE_RE)
    # The contact person left: the history says so and the area is no longer ready.
    ready_area.refresh_from_db()
    assert ready_area.state == WatchState.GATHERING
    assert ready_area.events.filter(kind=AreaEvent.Kind.CONTACT).exists()


def test_staff_may_replace_the_household(ready_area, stranger, staff_user):
    household_replace(household=stranger, actor=staff_user)
    assert Household.objects.get(pk=stranger.pk).confirmed
    assert not Household.objects.filter(pk=ready_area.contact.pk).exists()
    event = ready_area.events.filter(kind=AreaEvent.Kind.CONTACT, actor=staff_user).last()
    assert "Ersatt" in event.text


def test_staff_replace_through_the_area_page(police_officer, ready_area, stranger):
    response = police_officer.post(
        f"/personal/grannsamverkan/{ready_area.slug}/anmalningar/",
        {"households": [stranger.pk], "action": "replace"},
        follow=True,
    )
    assert "Sparat." in response.content.decode()
    assert Household.objects.get(pk=stranger.pk).confirmed


def test_only_a_waiting_sign_up_can_replace(ready_area, staff_user):
    with pytest.raises(WatchError):
        household_replace(household=ready_area.contact, actor=staff_user)


@pytest.mark.parametrize("token", ["gissat", "x" * 100])
def test_unknown_handover_link_is_404(client, ready_area, stranger, token):
    assert client.get(f"/grannsamverkan/overlamna/{token}/").status_code == 404
    assert client.post(f"/grannsamverkan/overlamna/{token}/", {"answer": "1"}).status_code == 404
    assert household_handover(token=token, agree=True) is None
    assert Household.objects.get(pk=ready_area.contact.pk).confirmed


def test_confirm_page_of_a_waiting_sign_up_says_it_waits(client, ready_area, stranger):
    html = client.get(f"/grannsamverkan/bekrafta/{stranger.confirm_token}/").content.decode()
    assert "Anmälan väntar" in html
    assert "Ja, vi vill vara med" not in html
