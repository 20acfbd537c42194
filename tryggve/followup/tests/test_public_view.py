"""/medborgarloften/: the current published promise, its activities and only the progress
staff published; earlier promises as an archive; linked from the start page."""

import datetime

import pytest
from django.urls import reverse

from tryggve.followup.services import activity_update_create, activity_update_publish

from .conftest import make_promise

pytestmark = pytest.mark.django_db
URL = reverse("followup:public")
ADMIN = {"administrator"}


def test_shows_the_promise_and_only_published_updates(client, activity):
    published = activity_update_create(
        activity=activity,
        date=datetime.date(2026, 3, 1),
        text="Tre områden har erbjudits grannsamverkan.",
        actor=None,
        roles=ADMIN,
        public=True,
    )
    activity_update_create(
        activity=activity,
        date=datetime.date(2026, 3, 2),
        text="Intern anteckning om budgeten.",
        actor=None,
        roles=ADMIN,
    )
    page = client.get(URL).content.decode()
    assert "Polisens ökade synlighet och närvaro" in page
    assert activity.title in page
    assert published.text in page
    assert "Intern anteckning om budgeten." not in page
    activity_update_publish(update=published, public=False, actor=None, roles=ADMIN)
    assert published.text not in client.get(URL).content.decode()


def test_a_draft_promise_is_not_public(client, municipality, today):
    make_promise(municipality, today.year, published=False)
    page = client.get(URL).content.decode()
    assert "Det finns inget publicerat medborgarlöfte för i år än." in page
    assert "Medborgarlöften " + str(today.year) not in page


def test_earlier_promises_are_an_archive(client, promise, municipality, today):
    earlier = make_promise(municipality, today.year - 1)
    page = client.get(URL).content.decode()
    archived = reverse("followup:public_archived", args=[earlier.pk])
    assert archived in page
    assert f"({today.year - 1})" in client.get(archived).content.decode()


def test_another_municipalitys_promise_is_not_shown(client, promise, other_promise):
    response = client.get(reverse("followup:public_archived", args=[other_promise.pk]))
    assert response.status_code == 404


def test_the_start_page_links_here(client, municipality):
    assert URL in client.get(reverse("reports:start")).content.decode()


def test_the_page_is_read_only(client, promise):
    assert client.post(URL, {}).status_code == 405


def test_queries_do_not_grow_with_activities(client, make_activity, django_assert_max_num_queries):
    make_activity()
    client.get(URL)
    # The headline indicators and "Du sa, vi gjorde" read each app's figures once (~11);
    # the survey's figures also ask which years are still open (one query per figure).
    with django_assert_max_num_queries(28) as before:
        client.get(URL)
    for position in (1, 2, 3, 4):
        activity = make_activity(position=position)
        activity_update_create(
            activity=activity,
            date=datetime.date(2026, 3, 1),
            text="x",
            actor=None,
            roles=ADMIN,
            public=True,
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(URL)
