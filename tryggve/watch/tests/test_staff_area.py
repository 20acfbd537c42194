"""The staff area page (issue 9, "hard to use" and "one source"): households sorted naturally,
paginated, one form for the list, the bulk actions, access to contact details logged, and a
bounded number of queries."""

from __future__ import annotations

import re

import pytest

from tryggve.audit.models import AccessLog
from tryggve.watch.models import ContactRole, Household, WatchArea
from tryggve.watch.services import WatchError, household_assign


def page(client, area, query: str = "") -> str:
    return client.get(f"/personal/grannsamverkan/{area.slug}/{query}").content.decode()


def addresses(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+?)(?: <strong>|</th>)', html)


def test_households_are_sorted_by_street_then_house_number(police_officer, area, join):
    for street, number in [
        ("Storgatan", "101"),
        ("Lärkvägen", "3"),
        ("Storgatan", "11"),
        ("Storgatan", "2 B"),
        ("Storgatan", "2"),
    ]:
        join(area, street=street, number=number)
    assert addresses(page(police_officer, area)) == [
        "Lärkvägen 3",
        "Storgatan 2",
        "Storgatan 2 B",
        "Storgatan 11",
        "Storgatan 101",
    ]


def test_the_list_is_paginated_with_one_form(police_officer, make_area, fill):
    area = make_area(households=100)
    fill(area, 60)
    first = page(police_officer, area)
    assert len(addresses(first)) == 50
    assert "Sida 1 av 2" in first
    second = page(police_officer, area, "?sida=2")
    assert len(addresses(second)) == 10
    # One form for the household list, not one per row.
    assert first.count(f'action="/personal/grannsamverkan/{area.slug}/anmalningar/"') == 1
    assert first.count('type="checkbox" name="households"') == 50


def test_no_literal_roles_in_the_page_the_choices_come_from_the_model(police_officer, ready_area):
    html = page(police_officer, ready_area)
    for value, label in ContactRole.choices:
        assert f'value="role:{value}"' in html and str(label) in html


def test_bulk_role_change_and_assignment(police_officer, ready_area, join):
    members = list(Household.objects.filter(area=ready_area, contact_role="").order_by("pk"))[:12]
    url = f"/personal/grannsamverkan/{ready_area.slug}/anmalningar/"
    contact = ready_area.contact
    police_officer.post(
        url, {"households": [h.pk for h in members], "action": f"assign:{contact.pk}"}
    )
    assert set(contact.responsible_for.all()) == set(members)
    police_officer.post(url, {"households": [members[0].pk], "action": "role:approved"})
    members[0].refresh_from_db()
    assert members[0].contact_role == ContactRole.APPROVED
    # Removing a contact person's role frees their households.
    police_officer.post(url, {"households": [contact.pk], "action": "role:"})
    assert not Household.objects.filter(responsible=contact).exists()


def test_assigning_to_someone_who_is_not_a_contact_person_is_refused(
    police_officer, area, join, staff_user
):
    one, two = join(area), join(area)
    response = police_officer.post(
        f"/personal/grannsamverkan/{area.slug}/anmalningar/",
        {"households": [one.pk], "action": f"assign:{two.pk}"},
        follow=True,
    )
    assert "message-error" in response.content.decode()
    one.refresh_from_db()
    assert one.responsible is None
    with pytest.raises(WatchError, match="godkänt kontaktombud"):
        household_assign(households=[one], contact=two, actor=staff_user)


def test_a_refused_household_leaves_the_whole_batch_unsaved(police_officer, area, join, sign_up):
    confirmed = join(area)
    unconfirmed = sign_up(area)
    response = police_officer.post(
        f"/personal/grannsamverkan/{area.slug}/anmalningar/",
        {"households": [confirmed.pk, unconfirmed.pk], "action": "role:approved"},
        follow=True,
    )
    assert "inte bekräftat" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.contact_role == ContactRole.NONE


def test_staff_remove_made_up_sign_ups(police_officer, area, join):
    fake = join(area, name="Falsk")
    police_officer.post(
        f"/personal/grannsamverkan/{area.slug}/anmalningar/",
        {"households": [fake.pk], "action": "remove"},
    )
    assert not Household.objects.filter(pk=fake.pk).exists()
    event = area.events.last()
    assert event.actor == police_officer.user and str(fake) in event.text
    assert "Falsk" not in event.text  # the history keeps no name


def test_another_areas_household_cannot_be_changed(police_officer, area, make_area, join):
    other = join(make_area(name="Annat"))
    response = police_officer.post(
        f"/personal/grannsamverkan/{area.slug}/anmalningar/",
        {"households": [other.pk], "action": "remove"},
        follow=True,
    )
    assert response.status_code == 200
    assert Household.objects.filter(pk=other.pk).exists()


def test_reading_the_list_is_logged(case_handler, ready_area):
    page(case_handler, ready_area)
    log = AccessLog.objects.get()
    assert log.actor == case_handler.user
    assert log.action == AccessLog.Action.VIEW
    assert ready_area.slug in log.subject


def test_an_empty_list_logs_nothing(case_handler, area):
    page(case_handler, area)
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["council_reader", "staff_without_role"])
def test_wrong_roles_read_nothing_and_nothing_is_logged(request, ready_area, persona):
    client = request.getfixturevalue(persona)
    assert client.get(f"/personal/grannsamverkan/{ready_area.slug}/").status_code == 403
    assert client.post(f"/personal/grannsamverkan/{ready_area.slug}/granskad/").status_code == 403
    assert not AccessLog.objects.exists()
    assert WatchArea.objects.get(pk=ready_area.pk).signups_reviewed is not None  # by fixture


def test_anonymous_review_goes_to_login(client, area):
    response = client.post(f"/personal/grannsamverkan/{area.slug}/granskad/")
    assert response.status_code == 302 and "/logga-in/" in response["Location"]
    area.refresh_from_db()
    assert area.signups_reviewed is None


def test_the_area_page_queries_do_not_grow_with_households(
    police_officer, make_area, fill, django_assert_max_num_queries
):
    area = make_area(households=200)
    fill(area, 5)
    with django_assert_max_num_queries(25):
        page(police_officer, area)
    fill(area, 70)
    with django_assert_max_num_queries(25):
        html = page(police_officer, area)
    assert len(addresses(html)) == 50


def test_status_not_lage(police_officer, area):
    html = page(police_officer, area)
    assert "Status: <strong>Erbjudet</strong>" in html
    assert "Läge:" not in html
