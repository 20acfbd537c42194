"""Manual indicators: the list, creating one, and its values with date and source."""

import pytest
from django.urls import reverse

from tryggve.followup.models import ManualIndicator, ManualIndicatorEntry
from tryggve.followup.services import manual_indicator_create, manual_indicator_entry_add

pytestmark = pytest.mark.django_db
LIST = reverse("followup:indicators")


@pytest.fixture
def indicator(municipality):
    return manual_indicator_create(
        municipality=municipality,
        name="Lagade gatlampor",
        definition="Gatlampor lagade efter rapport.",
        baseline=2,
    )


def test_anonymous_and_roleless_are_kept_out(client, staff_without_role, indicator):
    assert client.get(LIST).status_code == 302
    assert staff_without_role.get(LIST).status_code == 403
    path = reverse("followup:entry_create", args=[indicator.pk])
    assert client.post(path, {"date": "2026-03-01", "value": "3", "source": "x"}).status_code == 302
    assert not ManualIndicatorEntry.objects.exists()


def test_council_reader_reads_but_cannot_add(council_reader, indicator):
    page = council_reader.get(LIST).content.decode()
    assert "Lagade gatlampor" in page and "Lägg till en indikator" not in page
    assert council_reader.get(reverse("followup:indicator_create")).status_code == 403
    path = reverse("followup:entry_create", args=[indicator.pk])
    assert (
        council_reader.post(path, {"date": "2026-03-01", "value": "3", "source": "x"}).status_code
        == 403
    )


def test_create_and_add_values(police_officer, municipality):
    response = police_officer.post(
        reverse("followup:indicator_create"),
        {
            "name": "Trygghetsvandringar",
            "definition": "Vandringar med invånare.",
            "unit": "st",
        },
    )
    indicator = ManualIndicator.objects.get()
    assert response["Location"] == reverse("followup:indicator", args=[indicator.pk])
    path = reverse("followup:entry_create", args=[indicator.pk])
    data = {
        "date": "2026-03-01",
        "value": "2",
        "source": "Samordnarens anteckningar",
        "submission_key": "3f2b4c1d-0000-4000-8000-000000000001",
    }
    police_officer.post(path, data)
    police_officer.post(path, data)
    assert ManualIndicatorEntry.objects.count() == 1
    page = police_officer.get(reverse("followup:indicator", args=[indicator.pk])).content.decode()
    assert "Samordnarens anteckningar" in page and "2026-03-01" in page


def test_same_name_and_bad_values_get_swedish_messages(case_handler, indicator):
    response = case_handler.post(
        reverse("followup:indicator_create"),
        {"name": "Lagade gatlampor", "definition": "x", "unit": "st"},
    )
    assert response.status_code == 400
    assert "Det finns redan en indikator med det namnet." in response.content.decode()
    response = case_handler.post(
        reverse("followup:entry_create", args=[indicator.pk]),
        {"date": "2026-03-01", "value": "-1", "source": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "större än eller lika med 0" in page and "Detta fält måste fyllas i." in page
    assert not ManualIndicatorEntry.objects.exists()


def test_another_municipalitys_indicator_is_a_404(administrator, other_municipality):
    other = manual_indicator_create(municipality=other_municipality, name="Lampor", definition="x")
    assert administrator.get(reverse("followup:indicator", args=[other.pk])).status_code == 404
    response = administrator.post(
        reverse("followup:entry_create", args=[other.pk]),
        {"date": "2026-03-01", "value": "1", "source": "x"},
    )
    assert response.status_code == 404
    assert "Lampor" not in administrator.get(LIST).content.decode()


def test_list_queries_do_not_grow(
    council_reader, municipality, indicator, django_assert_max_num_queries
):
    import datetime

    council_reader.get(LIST)
    with django_assert_max_num_queries(12) as before:
        council_reader.get(LIST)
    for n in range(5):
        other = manual_indicator_create(
            municipality=municipality, name=f"Indikator {n}", definition="x"
        )
        manual_indicator_entry_add(
            indicator=other, date=datetime.date(2026, 3, 1), value=n, source="x", actor=None
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        council_reader.get(LIST)
