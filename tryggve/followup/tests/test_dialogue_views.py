"""Staff and citizen dialogues: the list and the record of a new one."""

import datetime

import pytest
from django.urls import reverse

from tryggve.followup.models import Dialogue
from tryggve.followup.services import dialogue_create

pytestmark = pytest.mark.django_db
LIST = reverse("followup:dialogues")
NEW = reverse("followup:dialogue_create")
DATA = {
    "kind": "citizen",
    "date": "2026-10-05",
    "title": "Medborgardialog på biblioteket",
    "participant_count": "23",
    "participant_groups": "boende i Centrum",
    "concerns": "Belysningen.",
    "submission_key": "9e0c1d2b-0000-4000-8000-000000000002",
}


def test_anonymous_roleless_and_readers_cannot_add(client, staff_without_role, council_reader):
    assert client.get(LIST).status_code == 302
    assert staff_without_role.get(LIST).status_code == 403
    assert council_reader.get(LIST).status_code == 200
    assert council_reader.post(NEW, DATA).status_code == 403
    assert client.post(NEW, DATA).status_code == 302
    assert not Dialogue.objects.exists()


def test_record_a_dialogue_once(case_handler, municipality):
    case_handler.post(NEW, DATA)
    response = case_handler.post(NEW, DATA)
    assert response["Location"] == LIST
    assert Dialogue.objects.get().municipality == municipality
    page = case_handler.get(LIST).content.decode()
    assert "Medborgardialog på biblioteket" in page and "23 deltagare" in page


def test_missing_fields_are_named(case_handler, municipality):
    response = case_handler.post(NEW, {**DATA, "participant_count": "0", "concerns": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "större än eller lika med 1" in page and "Detta fält måste fyllas i." in page


def test_only_this_municipalitys_dialogues_are_listed(
    case_handler, other_municipality, django_assert_max_num_queries
):
    dialogue_create(
        municipality=other_municipality,
        kind="staff",
        date=datetime.date(2026, 3, 1),
        title="Luleås dialog",
        participant_count=3,
        participant_groups="polisen",
        concerns="x",
        actor=None,
    )
    with django_assert_max_num_queries(12):
        page = case_handler.get(LIST).content.decode()
    assert "Luleås dialog" not in page
