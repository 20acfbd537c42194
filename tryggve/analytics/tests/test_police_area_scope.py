"""The situation picture for one municipality of the police area or the whole of it
(issue 14): the `kommun` filter (tryggve.analytics.scope), who may use it, the whole area's
figures as the sum of its municipalities', and the pages that must never show another
municipality's rows (presence, observations, the risk map's reports, the public summary)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup, PolicePresence
from tryggve.areas.models import ResidentialArea
from tryggve.conftest import ARJEPLOG
from tryggve.lib import tenancy

URL = "/personal/lagesbild/"
EXPORT = "/personal/lagesbild/utsatthet.csv"
SECRET = "Hemlig-Arjeplog-observation"


@pytest.fixture
def year() -> int:
    return timezone.localdate().year - 1


def moment(year: int, day: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, 3, 1, 14)) + timedelta(days=day)


def member_of(client, municipality):
    municipality.members.add(client.user)
    return client


def arjeplog_incident(area: ResidentialArea | None, when: datetime, n: int, **extra) -> Incident:
    point = area.shape.representative_point() if area else None
    return Incident.objects.create(
        source=IncidentSource.CSV,
        external_id=f"arjeplog-{n}",
        occurred_at=when,
        lat=point.y if point else None,
        lon=point.x if point else None,
        precise=area is not None,
        municipality_code="2506",
        municipality_name="Arjeplog",
        area=area,
        offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
        **extra,
    )


@pytest.fixture
def history(arjeplog, make_incident, area_points, year):
    """Burglaries in both municipalities, and one in each that only the municipality names."""
    for day in range(6):
        make_incident(at=area_points["Centrum"], when=moment(year, day * 10))
    make_incident(at=area_points["Söderbyn"], when=moment(year, 50))
    make_incident(at=None, when=moment(year))
    centrum, laisvall = (
        ResidentialArea.objects.get(municipality=arjeplog, name=name)
        for name in ("Arjeplog centrum", "Laisvall")
    )
    for n in range(4):
        arjeplog_incident(centrum, moment(year, n * 7), n)
    arjeplog_incident(laisvall, moment(year, 3), 10)
    arjeplog_incident(laisvall, moment(year - 1, 3), 11)
    arjeplog_incident(None, moment(year, 4), 12)
    return arjeplog


@pytest.fixture
def officer(police_officer, municipality, arjeplog):
    """A police officer of LPO Piteå Älvdal, a member of Arvidsjaur only."""
    return member_of(police_officer, municipality)


def counts(response) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (r.area.municipality.code, r.area.name): (r.rate.count, r.previous)
        for r in response.context["ranked"]
    }


# Who may choose what ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, EXPORT])
def test_anonymous_visitors_go_to_the_login(client, arjeplog, path):
    response = client.get(path, {"kommun": "alla"})
    assert response.status_code == 302
    assert "/logga-in/" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("path", [URL, EXPORT])
def test_a_role_without_the_situation_picture_is_refused(
    staff_without_role, municipality, arjeplog, path
):
    member_of(staff_without_role, municipality)
    assert staff_without_role.get(path, {"kommun": "2506"}).status_code == 403


def test_a_police_officer_of_the_area_chooses_a_municipality_or_the_whole_area(
    officer, history, year
):
    page = officer.get(URL, {"year": year})
    assert page.status_code == 200
    assert page.context["scope"].choices == (
        ("2505", "Arvidsjaurs kommun"),
        ("2506", "Arjeplogs kommun"),
        ("alla", "Hela lokalpolisområdet Piteå Älvdal"),
    )
    body = page.content.decode()
    assert 'name="kommun"' in body
    assert "Arjeplog centrum" not in body  # the municipality served, by default
    arjeplog = officer.get(URL, {"year": year, "kommun": "2506"})
    assert {code for code, _name in counts(arjeplog)} == {"2506"}
    assert "Arjeplog centrum" in arjeplog.content.decode()
    assert "Centrum" not in {name for _code, name in counts(arjeplog)}


def test_a_police_officer_of_another_police_area_cannot_choose(
    police_officer, municipality, history, year
):
    municipality.police_area = "LPO Luleå"
    municipality.save()
    member_of(police_officer, municipality)
    page = police_officer.get(URL, {"year": year})
    assert page.status_code == 200
    assert page.context["scope"].choices == ()
    assert 'name="kommun"' not in page.content.decode()
    for value in ("2506", "alla"):
        for path in (URL, EXPORT):
            assert police_officer.get(path, {"kommun": value}).status_code == 404
    assert police_officer.get("/arjeplog/personal/lagesbild/").status_code == 404


@pytest.mark.parametrize("value", ["2506", "alla", "2510", "x" * 40, "<script>"])
def test_an_arvidsjaur_case_handler_never_gets_arjeplog(case_handler, municipality, history, value):
    member_of(case_handler, municipality)
    for path in (URL, EXPORT):
        response = case_handler.get(path, {"kommun": value})
        assert response.status_code == 404
        assert b"Arjeplog centrum" not in response.content
    page = case_handler.get(URL)
    assert page.context["scope"].choices == ()
    assert "Arjeplog" not in page.content.decode()


def test_an_unknown_municipality_is_a_404_for_the_police_too(officer, history):
    for value in ("2510", "9999", "ALLA", "x"):
        assert officer.get(URL, {"kommun": value}).status_code == 404


def test_a_member_of_one_of_them_is_not_offered_the_whole_area(
    case_handler, municipality, arjeplog, history
):
    """A case handler of both municipalities chooses between them; with a third municipality
    of the police area served that they do not belong to, the whole area is not offered."""
    member_of(case_handler, municipality)
    member_of(case_handler, arjeplog)
    values = [v for v, _label in case_handler.get(URL).context["scope"].choices]
    assert values == ["2505", "2506", "alla"]
    from tryggve.areas.models import Municipality

    Municipality.objects.create(
        code="2581", name="Piteå kommun", police_area="LPO Piteå Älvdal", slug="pitea",
        geometry=arjeplog.geometry, min_lon=0, min_lat=0, max_lon=0, max_lat=0,
    )
    values = [v for v, _label in case_handler.get(URL).context["scope"].choices]
    assert values == ["2505", "2506"]
    assert case_handler.get(URL, {"kommun": "alla"}).status_code == 404
    assert case_handler.get(URL, {"kommun": "2581"}).status_code == 404


def test_with_one_municipality_served_there_is_nothing_to_choose(police_officer, municipality):
    page = police_officer.get(URL)
    assert page.status_code == 200
    assert page.context["scope"].choices == ()
    assert police_officer.get(URL, {"kommun": "alla"}).status_code == 404


# The whole police area -------------------------------------------------------------------


def test_the_whole_area_is_the_sum_of_its_municipalities(officer, history, year):
    query = {"year": year, "group": "residential_burglary"}
    arvidsjaur = officer.get(URL, query)
    arjeplog = officer.get(URL, {**query, "kommun": "2506"})
    whole = officer.get(URL, {**query, "kommun": "alla"})
    assert counts(whole) == {**counts(arvidsjaur), **counts(arjeplog)}
    assert counts(arvidsjaur)[("2505", "Centrum")] == (6, 0)
    assert counts(arjeplog)[("2506", "Arjeplog centrum")] == (4, 0)
    assert counts(arjeplog)[("2506", "Laisvall")] == (1, 1)
    assert whole.context["outside"] == arvidsjaur.context["outside"] + arjeplog.context["outside"]
    assert whole.context["outside"] == 2
    # The same honest handling of small numbers, against the police area's own level.
    smoothing = whole.context["smoothing"]
    assert smoothing.overall_rate > 0
    assert not smoothing.too_few
    rates = [r.rate.smoothed_rate for r in whole.context["ranked"]]
    known = [r for r in rates if r is not None]
    assert known == sorted(known, reverse=True)
    body = whole.content.decode()
    assert "Lokalpolisområdets takt" in body
    assert "Sannolikhet över lokalpolisområdets takt" in body
    # Each area named beside its municipality.
    assert "<td>Arjeplogs kommun</td>" in body and "<td>Arvidsjaurs kommun</td>" in body
    names = {f["properties"]["name"] for f in whole.context["layers"]["areas"]["features"]}
    assert "Arjeplog centrum (Arjeplogs kommun)" in names


def test_the_whole_area_export_names_the_municipality(officer, history, year):
    query = {"year": year, "group": "residential_burglary"}
    response = officer.get(EXPORT, {**query, "kommun": "alla"})
    assert response.status_code == 200
    assert f'utsatthet-alla-bostadsinbrott-{year}.csv' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Kommun", "Område", "Hushåll"]
    by_area = {(row[0], row[1]): int(row[3]) for row in rows[1:]}
    assert by_area[("Arjeplogs kommun", "Arjeplog centrum")] == 4
    assert by_area[("Arvidsjaurs kommun", "Centrum")] == 6
    per_municipality = 0
    for value in ("", "2506"):
        single = officer.get(EXPORT, {**query, "kommun": value})
        text = single.content.decode().lstrip("\ufeff")
        single_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert single_rows[0][0] == "Område"
        per_municipality += sum(int(row[2]) for row in single_rows[1:])
    assert sum(by_area.values()) == per_municipality == 12


def test_the_whole_area_costs_no_more_queries_with_more_areas(
    officer, history, year, arjeplog, more_areas
):
    query = {"year": year, "kommun": "alla"}
    officer.get(URL, query)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert officer.get(URL, query).status_code == 200
    for n, extra in enumerate(more_areas(arjeplog, like="Laisvall", n=10)):
        arjeplog_incident(extra, moment(year, n), 100 + n)
    with CaptureQueriesContext(connection) as many:
        assert officer.get(URL, query).status_code == 200
    assert len(many) == len(few)


# Another municipality's rows on the situation picture's pages ----------------------------


def test_other_pages_show_only_the_municipality_served(
    officer, case_handler, municipality, arjeplog, make_report, django_user_model
):
    member_of(case_handler, municipality)
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    PolicePresence.objects.create(
        officer=officer.user, started=timezone.now() - timedelta(days=1), minutes=45,
        kind="foot", area=laisvall, lat=ARJEPLOG[0], lon=ARJEPLOG[1], note=SECRET,
    )
    arjeplog_incident(laisvall, timezone.now() - timedelta(days=2), 50,
                      summary=SECRET)
    Incident.objects.filter(external_id="arjeplog-50").update(source=IncidentSource.STAFF)
    with tenancy.serving(arjeplog.code):
        report = make_report(at=ARJEPLOG)
    assert report.municipality == arjeplog

    presence = officer.get("/personal/lagesbild/narvaro/")
    assert presence.status_code == 200
    assert list(presence.context["recent"]) == []
    assert "Laisvall" not in presence.content.decode()
    riskmap = officer.get("/personal/lagesbild/riskkarta/")
    assert report.reference not in riskmap.content.decode()
    assert riskmap.context["layers"]["presence"] == []
    observation = case_handler.get("/personal/lagesbild/observation/")
    assert SECRET not in observation.content.decode()
    # Served at /arjeplog/, the police officer sees Arjeplog's own.
    there = officer.get("/arjeplog/personal/lagesbild/narvaro/")
    assert [p.area for p in there.context["recent"]] == [laisvall]


def test_the_public_summary_lists_the_areas_of_the_municipality_served(client, history):
    here = client.get("/lagesbild/").content.decode()
    assert "Centrum" in here and "Laisvall" not in here
    there = client.get("/arjeplog/lagesbild/").content.decode()
    assert "Laisvall" in there and "Söderbyn" not in there
