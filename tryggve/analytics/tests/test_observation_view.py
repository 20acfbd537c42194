"""The municipality's observations: recorded, placed, refused next to their field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.analytics.models import Incident, IncidentSource, NearRepeatAlert
from tryggve.conftest import CENTRUM, OUTSIDE

URL = "/personal/lagesbild/observation/"


def valid(**changes) -> dict:
    when = timezone.localtime(timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    return {
        "occurred_at": when,
        "offence_group": "vandalism",
        "lat": str(CENTRUM[0]),
        "lon": str(CENTRUM[1]),
        "summary": "Krossad ruta i busskuren vid skolan.",
    } | changes


def test_a_case_handler_records_an_observation(case_handler, municipality):
    response = case_handler.post(URL, valid(), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    page = response.content.decode()
    assert "Observationen är sparad." in page
    incident = Incident.objects.get()
    assert (incident.source, incident.precise, incident.area.name) == (
        IncidentSource.STAFF,
        True,
        "Centrum",
    )
    assert incident.reported_by == case_handler.user
    assert not incident.synthetic
    assert "Krossad ruta i busskuren vid skolan." in page
    assert "Skadegörelse" in page


def test_without_a_position_it_counts_for_the_municipality(administrator, municipality):
    response = administrator.post(URL, valid(lat="", lon="", offence_group="disturbance"))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.precise, incident.area, incident.municipality_code) == (False, None, "2505")
    assert "hela kommunen" in administrator.get(URL).content.decode()


def test_a_burglary_observed_today_prepares_alerts(case_handler, municipality):
    case_handler.post(URL, valid(offence_group="residential_burglary"))
    assert NearRepeatAlert.objects.filter(area__name="Centrum", distance_m=0).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"lat": str(OUTSIDE[0]), "lon": str(OUTSIDE[1])},
            "lat",
            "Platsen ligger utanför kommunen.",
        ),
        ({"lon": ""}, "lat", "Ange både latitud och longitud, eller ingen av dem."),
        (
            {"occurred_at": f"{timezone.localdate().year + 1}-06-01T10:00"},
            "occurred_at",
            "Tidpunkten ligger i framtiden.",
        ),
        ({"occurred_at": "i förrgår"}, "occurred_at", "Skriv tiden som 2026-11-26 18:30."),
        ({"occurred_at": ""}, "occurred_at", "Ange när."),
        ({"offence_group": ""}, "offence_group", "Välj vad det gällde."),
        ({"summary": "   "}, "summary", "Beskriv kort vad ni såg."),
        (
            {"lat": "7280600"},
            "lat",
            "Latitud anges i decimalgrader, till exempel 65,59. Ser ut som en SWEREF 99 "
            "TM-koordinat (N). Skriv antingen båda i decimalgrader, eller båda i SWEREF 99 "
            "TM: N i Latitud och E i Longitud.",
        ),
    ],
)
def test_refusals_are_shown_next_to_their_field(
    case_handler, municipality, changes, field, message
):
    response = case_handler.post(URL, valid(**changes))
    assert response.status_code == 400
    assert not Incident.objects.exists()
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page


@pytest.mark.parametrize("when", ["0001-01-01T00:30", "0001-01-02T12:00", "1899-06-01T12:00"])
def test_a_date_in_year_one_is_a_form_error_not_a_500(case_handler, municipality, when):
    response = case_handler.post(URL, valid(occurred_at=when))
    assert response.status_code == 400
    assert "Ange ett datum mellan år 2000" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_sweref_pair_is_placed_and_a_refused_one_kept(case_handler, municipality):
    from tryggve.lib.geo import to_sweref

    response = case_handler.post(URL, valid(lat="7280600", lon=str(CENTRUM[1])))
    assert 'value="7280600"' in response.content.decode()
    easting, northing = to_sweref(CENTRUM[1], CENTRUM[0])
    response = case_handler.post(URL, valid(lat=f"{northing:.1f}", lon=f"{easting:.1f}"))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.precise, incident.area.name) == (True, "Centrum")


def test_the_list_costs_the_same_queries_however_many_rows(
    case_handler, municipality, django_assert_num_queries
):
    from tryggve.analytics.services import incident_record_observation

    def page_with(rows: int):
        Incident.objects.all().delete()
        for n in range(rows):
            incident_record_observation(
                reported_by=case_handler.user,
                occurred_at=timezone.now() - timedelta(hours=n + 1),
                # Every other one placed in its area, the rest for the whole municipality.
                lat=CENTRUM[0] if n % 2 else None,
                lon=CENTRUM[1] if n % 2 else None,
                offence_group="vandalism",
                summary=f"Klotter {n}",
            )
        with django_assert_num_queries(QUERIES):
            response = case_handler.get(URL)
        assert len(response.context["recent"]) == min(rows, 20)

    case_handler.get(URL)  # the session and caches, warmed
    page_with(2)
    page_with(25)


# Session, user, second factor, roles, the menu's unit check, the list (its areas and
# reporters joined) and the session saved (savepoint, update, release).
QUERIES = 9
