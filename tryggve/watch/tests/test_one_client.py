"""Issue 8 item 3: one client cannot push an area over the threshold. One mailbox or phone
confirms at most one household in the whole system; implausible house numbers are refused;
sign-ups in a burst are flagged for staff; and an area is ready only after staff have
reviewed the sign-up list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tryggve.watch.models import (
    MAX_HOUSE_NUMBER,
    AreaEvent,
    Household,
    WatchArea,
    WatchState,
    flag_bursts,
    normalise_phone,
)
from tryggve.watch.services import WatchError, household_confirm, household_sign_up
from tryggve.watch.tests.conftest import token_from_outbox


def test_85_sign_ups_from_one_client_do_not_make_the_area_ready(
    client, police_officer, make_area, approve, join, review
):
    area = make_area(households=120, name="Målet")  # 84 needed
    approve(join(area, name="Äkta Kontakt", email="akta@example.se"))
    review(area)

    def sign_up(n: int, address: str):
        return client.post(
            f"/grannsamverkan/{area.slug}/",
            {
                "street": "Lärkvägen",
                "number": str(n),
                "name": f"Falsk {n}",
                "email": f"falsk{n}@example.org",
                "residents": "1",
            },
            REMOTE_ADDR=address,
        )

    # From one network address the guard stops the sixth sign-up in an hour...
    statuses = [sign_up(n, "192.0.2.1").status_code for n in range(1, 7)]
    assert statuses == [302] * 5 + [429]
    # ...but a client with many addresses gets all 85 through, and confirms them.
    for n in range(6, 86):
        assert sign_up(n, f"10.0.{n}.1").status_code == 302
    for n in range(1, 86):
        token = token_from_outbox(f"falsk{n}@example.org")
        client.post(f"/grannsamverkan/bekrafta/{token}/", REMOTE_ADDR=f"10.1.{n}.1")
    area = WatchArea.objects.with_progress().get(pk=area.pk)
    assert area.progress["confirmed"] == 86 and area.progress["reached"]
    assert area.state == WatchState.GATHERING  # not ready: nobody has looked at the list
    # Staff see them flagged as a burst on the area page.
    flagged = flag_bursts(list(area.households_set.all()))
    assert len(flagged) >= 85
    page = police_officer.get(f"/personal/grannsamverkan/{area.slug}/").content.decode()
    assert "kan vara gjorda av en maskin" in page and "(flaggad)" in page
    only = police_officer.get(f"/personal/grannsamverkan/{area.slug}/?visa=flaggade&sida=2")
    assert only.content.decode().count("(flaggad)") == 36  # 86 flagged: 50 + 36


def test_review_counts_only_what_staff_saw(make_area, approve, join, fill, review):
    area = make_area(households=10)  # 7 needed
    approve(join(area))
    fill(area, 3)
    area = review(area)
    fill(area, 5)  # after the review: 9 confirmed, 4 reviewed
    area = WatchArea.objects.with_progress().get(pk=area.pk)
    assert (area.progress["confirmed"], area.progress["reviewed"]) == (9, 4)
    assert area.state == WatchState.GATHERING
    area = review(area)
    assert area.state == WatchState.READY
    event = area.events.filter(kind=AreaEvent.Kind.REVIEW).last()
    assert event.actor is not None and "9 bekräftade" in event.text


def test_staff_review_from_the_area_page(police_officer, make_area, approve, join, fill):
    area = make_area(households=4)
    approve(join(area))
    fill(area, 2)
    assert WatchArea.objects.get(pk=area.pk).state == WatchState.GATHERING
    police_officer.post(f"/personal/grannsamverkan/{area.slug}/granskad/")
    area.refresh_from_db()
    assert area.state == WatchState.READY
    assert area.events.get(kind=AreaEvent.Kind.REVIEW).actor == police_officer.user


@pytest.mark.parametrize("second", ["kim@example.se", "  KIM@Example.SE ", "Kim@example.se"])
def test_one_email_confirms_one_household_in_the_whole_system(make_area, join, sign_up, second):
    first_area, other_area = make_area(), make_area()
    join(first_area, email="kim@example.se")
    again = sign_up(other_area, number="5", email=second)
    with pytest.raises(WatchError, match="redan med"):
        household_confirm(token=again.confirm_token)
    assert Household.objects.confirmed().count() == 1


@pytest.mark.parametrize("second", ["070-123 45 67", "+46701234567", "0046 70 123 45 67"])
def test_one_phone_confirms_one_household(area, join, sign_up, second):
    join(area, phone="0701234567")
    again = sign_up(area, number="9", phone=second)
    with pytest.raises(WatchError):
        household_confirm(token=again.confirm_token)
    assert Household.objects.confirmed().count() == 1


def test_one_email_per_confirmed_household_is_a_database_rule(area, join):
    household = join(area, email="a@example.se")
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(
            area=area,
            street="Lärkvägen",
            number="1",
            address_key="lärkvägen 1",
            name="X",
            email="a@example.se",
            confirm_token_hash="c",
            manage_token_hash="m",
            confirmed=timezone.now(),
        )
    assert household.email == "a@example.se"


def test_the_confirm_page_explains_a_used_mailbox(client, area, join, sign_up):
    join(area, email="a@example.se")
    again = sign_up(area, number="8", email="A@example.se")
    response = client.post(f"/grannsamverkan/bekrafta/{again.confirm_token}/")
    assert response.status_code == 409
    assert "redan med i grannsamverkan för ett annat hushåll" in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("070-123 45 67", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("(070) 1234567", "+46701234567"),
        ("", ""),
    ],
)
def test_phone_numbers_are_normalised(raw, normal):
    assert normalise_phone(raw) == normal


# House numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [str(MAX_HOUSE_NUMBER + 1), "9999", "0", "12-14", "abc"])
def test_implausible_house_numbers_are_refused(area, number):
    with pytest.raises(WatchError):
        household_sign_up(area=area, street="Storgatan", number=number, name="X", email="x@e.se")
    assert not Household.objects.exists()


def test_a_street_range_narrows_the_numbers(make_area):
    area = make_area(streets="Storgatan 1-45\nLärkvägen 2–20\nTorget")
    assert area.street_list == ["Storgatan", "Lärkvägen", "Torget"]
    assert area.house_number_problem("Storgatan", "45 B") == ""
    assert "1–45" in area.house_number_problem("storgatan", "46")
    assert area.house_number_problem("Lärkvägen", "1")
    assert area.house_number_problem("Torget", str(MAX_HOUSE_NUMBER)) == ""
    household_sign_up(area=area, street="Storgatan", number="12", name="X", email="x@e.se")
    with pytest.raises(WatchError):
        household_sign_up(area=area, street="Storgatan", number="1085", name="Y", email="y@e.se")


def test_the_form_shows_the_house_number_problem_next_to_the_field(client, make_area):
    area = make_area(streets="Storgatan 1-45")
    response = client.post(
        f"/grannsamverkan/{area.slug}/",
        {"street": "Storgatan", "number": "1085", "name": "X", "email": "x@e.se", "residents": 1},
    )
    assert response.status_code == 400
    assert 'id="id_number_error"' in response.content.decode()
    assert "1–45" in response.content.decode()
    assert response.context["form"]["name"].value() == "X"  # what was typed is kept


# Bursts --------------------------------------------------------------------------------------


def test_sign_ups_spread_over_time_are_not_flagged(area, sign_up):
    households = [sign_up(area) for _ in range(8)]
    for i, household in enumerate(households):
        Household.objects.filter(pk=household.pk).update(
            created=timezone.now() - timedelta(hours=3 * i)
        )
    assert flag_bursts(list(Household.objects.all())) == set()


def test_a_burst_in_one_area_is_flagged_but_not_one_in_two_areas(make_area, sign_up):
    one, two = make_area(), make_area()
    burst = [sign_up(one) for _ in range(5)]
    spread = [sign_up(two if i % 2 else one) for i in range(2)]
    flagged = flag_bursts(list(Household.objects.filter(area=two)))
    assert flagged == set()
    assert {h.pk for h in burst} <= flag_bursts(list(Household.objects.all()))
    assert spread
