"""The staff overview /personal/uppfoljning/: the current promise, its commitments and
activities with their status by name and colour."""

import pytest
from django.urls import reverse

from tryggve.followup.models import Party
from tryggve.followup.services import activity_set_status

from .conftest import make_promise

pytestmark = pytest.mark.django_db
URL = reverse("followup:overview")


def test_anonymous_goes_to_login(client, promise):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_account_without_a_role_is_refused(staff_without_role, promise):
    assert staff_without_role.get(URL).status_code == 403


def test_council_reader_reads_commitments_and_status_without_edit_links(
    council_reader, make_activity
):
    activity = make_activity(Party.POLICE, title="Patrull i centrum")
    activity_set_status(activity=activity, status="ongoing", actor=None, roles={"administrator"})
    page = council_reader.get(URL).content.decode()
    for title in (
        "Polisens ökade synlighet och närvaro",
        "Grannsamverkan",
        "Trygga fysiska platser",
        "Uppföljning",
    ):
        assert title in page
    assert "Patrull i centrum" in page
    assert 'class="activity-status activity-status-ongoing">Pågår<' in page
    assert "Lägg till en aktivitet" not in page


def test_editors_get_the_add_links(case_handler, promise):
    page = case_handler.get(URL).content.decode()
    commitment = promise.commitments.get(position=2)
    assert reverse("followup:activity_create", args=[commitment.pk]) in page


def test_another_municipalitys_promise_is_not_shown_or_opened(case_handler, promise, other_promise):
    page = case_handler.get(URL).content.decode()
    assert promise.title in page
    assert case_handler.get(reverse("followup:promise", args=[other_promise.pk])).status_code == 404


def test_an_earlier_promise_opens_by_its_link(council_reader, promise, municipality, today):
    earlier = make_promise(municipality, today.year - 1)
    page = council_reader.get(reverse("followup:promise", args=[earlier.pk])).content.decode()
    assert f"({today.year - 1})" in page


def test_each_promise_has_a_title_of_its_own(council_reader, promise, municipality, today):
    """WCAG 2.4.2: the current promise and an earlier one are two pages, and a screen
    reader's list of tabs or the history tells them apart by the title (the reflow trial
    found both titled "Uppföljning av medborgarlöftena")."""
    import re

    earlier = make_promise(municipality, today.year - 1)
    titles = {
        re.search(r"<title>(.*?)</title>", client_page, re.S).group(1)
        for client_page in (
            council_reader.get(URL).content.decode(),
            council_reader.get(reverse("followup:promise", args=[earlier.pk])).content.decode(),
        )
    }
    assert len(titles) == 2
    assert {title.split(" – ")[0] for title in titles} == {
        f"{promise.title} ({promise.period_label})",
        f"{earlier.title} ({earlier.period_label})",
    }


def test_queries_do_not_grow_with_activities(
    council_reader, make_activity, django_assert_max_num_queries
):
    make_activity(Party.POLICE)
    council_reader.get(URL)
    with django_assert_max_num_queries(15) as before:
        council_reader.get(URL)
    for position in (1, 2, 3, 4):
        for party in Party.values:
            make_activity(party, position=position)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert council_reader.get(URL).status_code == 200
