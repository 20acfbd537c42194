"""The risk map, the weekly suggestions and the time profiles per municipality and for the
whole police area (issue 14): built from the residential areas and incidents of the
municipalities shown only, chosen with `?kommun=` as on the overview
(tryggve.analytics.scope)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tryggve.analytics.tests.conftest import burglary_in
from tryggve.areas.models import ResidentialArea

RISKMAP = "/personal/lagesbild/riskkarta/"
SUGGESTIONS = "/personal/lagesbild/forslag/"
PROFILES = "/personal/lagesbild/tider/"
PAGES = [RISKMAP, SUGGESTIONS, PROFILES]
# Arvidsjaur's residential areas lie south of 65.8° N, Arjeplog's north of 65.9° N.
BETWEEN = 65.85


def member_of(client, municipality):
    municipality.members.add(client.user)
    return client


@pytest.fixture
def officer(police_officer, municipality, arjeplog):
    """A police officer of LPO Piteå Älvdal, a member of Arvidsjaur only."""
    return member_of(police_officer, municipality)


@pytest.fixture
def arvidsjaur_burglaries(make_incident, area_points):
    now = timezone.now()
    for n in range(5):
        make_incident(at=area_points["Centrum"], when=now - timedelta(days=3 + n, hours=n))
    make_incident(at=area_points["Söderbyn"], when=now - timedelta(days=40))


def arjeplog_burglaries(arjeplog, count: int = 8) -> None:
    """Burglaries in Arjeplog's areas, more of them than Arvidsjaur's: on a map over every
    area they would lead."""
    now = timezone.now()
    areas = list(ResidentialArea.objects.filter(municipality=arjeplog).order_by("name"))
    for n in range(count):
        burglary_in(
            areas[n % len(areas)],
            external_id=f"arjeplog-map-{n}",
            when=now - timedelta(days=2 + n % 4, hours=n),
            code="2506",
            name="Arjeplog",
        ).save()


def cell_latitudes(response) -> list[float]:
    return [
        lat
        for feature in response.context["layers"]["grid"]["features"]
        for _lon, lat in feature["geometry"]["coordinates"][0]
    ]


def riskmap_figures(response):
    return (
        response.context["layers"]["grid"],
        [(cell.x, cell.y, share) for cell, share, _place in response.context["top"]],
    )


def suggestion_figures(response):
    return [(s.lat, s.lon, s.area_name, s.reason) for s, _place in response.context["suggestions"]]


# Another municipality's data changes nothing --------------------------------------------


def test_arjeplogs_incidents_do_not_change_arvidsjaurs_risk_map(
    officer, arjeplog, arvidsjaur_burglaries
):
    before = officer.get(RISKMAP)
    assert before.status_code == 200
    assert before.context["top"]
    arjeplog_burglaries(arjeplog)
    after = officer.get(RISKMAP)
    assert riskmap_figures(after) == riskmap_figures(before)
    # No cell of the grid lies by Arjeplog's areas.
    assert cell_latitudes(after) and max(cell_latitudes(after)) < BETWEEN


def test_arjeplogs_incidents_do_not_change_arvidsjaurs_suggestions(
    officer, arjeplog, arvidsjaur_burglaries
):
    before = officer.get(SUGGESTIONS)
    assert before.status_code == 200
    assert suggestion_figures(before)
    arjeplog_burglaries(arjeplog)
    after = officer.get(SUGGESTIONS)
    assert suggestion_figures(after) == suggestion_figures(before)
    assert all(lat < BETWEEN for lat, _lon, _name, _reason in suggestion_figures(after))
    assert "Laisvall" not in after.content.decode()


def test_arjeplogs_incidents_do_not_change_arvidsjaurs_time_profile(
    officer, arjeplog, arvidsjaur_burglaries
):
    before = officer.get(PROFILES)
    arjeplog_burglaries(arjeplog)
    after = officer.get(PROFILES)
    assert after.context["profile"].total == before.context["profile"].total == 6
    assert after.context["profile"] == before.context["profile"]


# A police officer of the police area chooses ----------------------------------------------


def test_a_police_officer_sees_arjeplogs_map_and_suggestions(
    officer, arjeplog, arvidsjaur_burglaries
):
    arjeplog_burglaries(arjeplog)
    riskmap = officer.get(RISKMAP, {"kommun": "2506"})
    assert riskmap.status_code == 200
    assert 'name="kommun"' in riskmap.content.decode()
    assert cell_latitudes(riskmap) and min(cell_latitudes(riskmap)) > BETWEEN
    # The municipality served's own layers are not drawn over Arjeplog's grid.
    assert riskmap.context["layers"]["presence"] == []
    assert riskmap.context["layers"]["reports"] == []
    suggestions = officer.get(SUGGESTIONS, {"kommun": "2506"})
    names = {name for _lat, _lon, name, _reason in suggestion_figures(suggestions)}
    assert names and names <= {"Arjeplog centrum", "Laisvall", "Jäckvik"}
    profiles = officer.get(PROFILES, {"kommun": "2506"})
    assert profiles.context["profile"].total == 8
    areas = [label for _value, label in profiles.context["form"].fields["area"].choices][1:]
    assert sorted(areas) == ["Arjeplog centrum", "Jäckvik", "Laisvall"]


def test_the_whole_police_area_covers_both(officer, arjeplog, arvidsjaur_burglaries):
    arjeplog_burglaries(arjeplog)
    riskmap = officer.get(RISKMAP, {"kommun": "alla"})
    latitudes = cell_latitudes(riskmap)
    assert min(latitudes) < BETWEEN < max(latitudes)
    suggestions = suggestion_figures(officer.get(SUGGESTIONS, {"kommun": "alla"}))
    assert {lat < BETWEEN for lat, *_rest in suggestions} == {True, False}
    profiles = officer.get(PROFILES, {"kommun": "alla"})
    assert profiles.context["profile"].total == 6 + 8
    labels = [label for _value, label in profiles.context["form"].fields["area"].choices]
    assert labels[0] == "Hela lokalpolisområdet"
    assert "Laisvall (Arjeplogs kommun)" in labels and "Centrum (Arvidsjaurs kommun)" in labels


def test_an_area_of_another_municipality_is_not_a_choice(officer, arjeplog, arvidsjaur_burglaries):
    arjeplog_burglaries(arjeplog)
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    page = officer.get(PROFILES, {"area": laisvall.pk})
    # Refused: the whole municipality served, never Laisvall's incidents.
    assert page.context["area"] is None
    assert page.context["profile"].total == 6
    there = officer.get(PROFILES, {"area": laisvall.pk, "kommun": "2506"})
    assert there.context["area"] == laisvall
    assert there.context["profile"].total == 2


# Wrong municipality: 404 -----------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("value", ["2506", "alla", "2510", "<script>"])
def test_an_arvidsjaur_case_handler_never_gets_arjeplog(
    case_handler, municipality, arjeplog, path, value
):
    member_of(case_handler, municipality)
    arjeplog_burglaries(arjeplog)
    response = case_handler.get(path, {"kommun": value})
    assert response.status_code == 404
    assert b"Laisvall" not in response.content


@pytest.mark.parametrize("path", PAGES)
def test_an_unknown_municipality_is_a_404_for_the_police_too(officer, path):
    for value in ("9999", "ALLA", "x"):
        assert officer.get(path, {"kommun": value}).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_a_police_officer_of_another_police_area_cannot_choose(
    police_officer, municipality, arjeplog, path
):
    municipality.police_area = "LPO Luleå"
    municipality.save()
    member_of(police_officer, municipality)
    page = police_officer.get(path)
    assert page.status_code == 200
    assert 'name="kommun"' not in page.content.decode()
    assert police_officer.get(path, {"kommun": "2506"}).status_code == 404


# Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [RISKMAP, PROFILES])
def test_the_whole_area_costs_no_more_queries_with_more_areas(
    officer, arjeplog, arvidsjaur_burglaries, more_areas, path
):
    """Both measured with the whole area's risk map computed afresh (not yet cached; the
    new areas and incidents give a new cache key)."""
    query = {"kommun": "alla"}
    officer.get(path)  # warm the session (and only Arvidsjaur's map)
    with CaptureQueriesContext(connection) as few:
        assert officer.get(path, query).status_code == 200
    more_areas(arjeplog, like="Laisvall", n=5)
    arjeplog_burglaries(arjeplog)
    with CaptureQueriesContext(connection) as many:
        assert officer.get(path, query).status_code == 200
    assert len(many) == len(few)
