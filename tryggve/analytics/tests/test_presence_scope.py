"""The presence page per municipality and for the whole police area (issue 14): the same
`?kommun=<code>|alla` choice as the overview and the risk map (tryggve.analytics.scope),
offered only for municipalities the user may use; logging keeps its own rule (the area's
municipality, else the one whose boundary holds the point)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.analytics.models import PolicePresence
from tryggve.analytics.tests.test_police_area_maps import member_of
from tryggve.areas.models import ResidentialArea
from tryggve.conftest import ARJEPLOG

URL = "/personal/lagesbild/narvaro/"
ARJEPLOG_NOTE = "Patrull vid Laisvall"
ARVIDSJAUR_NOTE = "Rundor kring skolan"


@pytest.fixture
def officer(police_officer, municipality, arjeplog):
    """A police officer of LPO Piteå Älvdal who belongs to Arvidsjaur only."""
    return member_of(police_officer, municipality)


def log(officer, area: ResidentialArea, note: str, *, hours_ago: int = 1) -> PolicePresence:
    return PolicePresence.objects.create(
        officer=officer,
        started=timezone.now() - timedelta(hours=hours_ago),
        minutes=60,
        kind="foot",
        area=area,
        note=note,
        municipality=area.municipality,
    )


@pytest.fixture
def logged(officer, municipality, arjeplog):
    """An hour of presence in Arvidsjaur's Centrum and one in Arjeplog's Laisvall."""
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    return log(officer.user, centrum, ARVIDSJAUR_NOTE), log(officer.user, laisvall, ARJEPLOG_NOTE)


def notes(response) -> set[str]:
    return {p.note for p in response.context["recent"]}


def test_anonymous_visitors_go_to_the_login(client, arjeplog):
    response = client.get(URL, {"kommun": "alla"})
    assert response.status_code == 302
    assert "/personal/" in response["Location"]


def test_a_role_without_the_operational_pages_is_refused(council_reader, municipality, arjeplog):
    member_of(council_reader, municipality)
    member_of(council_reader, arjeplog)
    assert council_reader.get(URL, {"kommun": "2506"}).status_code == 403


def test_a_member_of_one_municipality_cannot_choose_another(
    case_handler, municipality, arjeplog, logged
):
    member_of(case_handler, municipality)
    page = case_handler.get(URL)
    assert page.status_code == 200
    assert page.context["scope"].choices == ()
    assert 'name="kommun"' not in page.content.decode()
    assert notes(page) == {ARVIDSJAUR_NOTE}
    for value in ("2506", "alla"):
        response = case_handler.get(URL, {"kommun": value})
        assert response.status_code == 404
        assert ARJEPLOG_NOTE not in response.content.decode()
    assert case_handler.get("/arjeplog" + URL).status_code == 404


def test_a_police_officer_of_the_area_chooses_a_municipality_or_the_whole_area(officer, logged):
    page = officer.get(URL)
    assert page.context["scope"].choices == (
        ("2505", "Arvidsjaurs kommun"),
        ("2506", "Arjeplogs kommun"),
        ("alla", "Hela lokalpolisområdet Piteå Älvdal"),
    )
    assert 'name="kommun"' in page.content.decode()
    assert notes(page) == {ARVIDSJAUR_NOTE}  # the municipality served, by default
    assert [name for name, _months, _total in page.context["hours"]] == ["Centrum"]

    arjeplog = officer.get(URL, {"kommun": "2506"})
    assert notes(arjeplog) == {ARJEPLOG_NOTE}
    assert [name for name, _months, _total in arjeplog.context["hours"]] == ["Laisvall"]
    assert "<h1>Synlighet och närvaro: Arjeplogs kommun</h1>" in arjeplog.content.decode()

    whole = officer.get(URL, {"kommun": "alla"})
    assert whole.status_code == 200
    assert notes(whole) == {ARVIDSJAUR_NOTE, ARJEPLOG_NOTE}
    # Over several municipalities each area is named with its municipality.
    assert sorted(name for name, _months, _total in whole.context["hours"]) == [
        "Centrum (Arvidsjaurs kommun)",
        "Laisvall (Arjeplogs kommun)",
    ]
    assert "Laisvall (Arjeplogs kommun)" in whole.content.decode()


@pytest.mark.parametrize("value", ["9999", "2510", "ALLA", "2505,2506", "<script>", " "])
def test_a_value_not_offered_is_a_404(officer, other_area, value):
    assert officer.get(URL, {"kommun": value}).status_code == 404


def test_logging_over_the_whole_area_keeps_the_municipality_rule(officer, municipality, arjeplog):
    started = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    post = {"started": started, "minutes": "30", "kind": "car", "area": ""}
    response = officer.post(
        URL + "?kommun=alla", post | {"lat": str(ARJEPLOG[0]), "lon": str(ARJEPLOG[1])}
    )
    assert response.status_code == 302
    assert response["Location"] == URL + "?kommun=alla"
    # A point in Arjeplog counts for Arjeplog, though logged on Arvidsjaur's page.
    assert PolicePresence.objects.get().municipality == arjeplog
    officer.post(URL, post | {"lat": "65.5900", "lon": "19.1800"})
    assert PolicePresence.objects.latest("pk").municipality == municipality


def test_the_form_offers_the_areas_of_the_municipalities_chosen(officer, municipality, arjeplog):
    """The page's heading and list follow `kommun`, and so do the areas to log presence in:
    Arjeplog's page offered Arvidsjaur's areas and refused Arjeplog's."""

    def offered(kommun: str | None) -> set[int]:
        page = officer.get(URL, {"kommun": kommun} if kommun else {})
        return {a.municipality_id for a in page.context["form"].fields["area"].queryset}

    assert offered(None) == {municipality.pk}
    assert offered("2506") == {arjeplog.pk}
    assert offered("alla") == {municipality.pk, arjeplog.pk}
    both = officer.get(URL, {"kommun": "alla"}).content.decode()
    assert "Laisvall (Arjeplogs kommun)" in both
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    started = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = officer.post(
        URL + "?kommun=2506",
        {"started": started, "minutes": "30", "kind": "foot", "area": str(laisvall.pk)},
    )
    assert response.status_code == 302
    assert PolicePresence.objects.get().municipality == arjeplog


def test_the_list_costs_the_same_queries_however_many_rows(
    officer, municipality, arjeplog, django_assert_num_queries
):
    areas = list(ResidentialArea.objects.filter(municipality__in=[municipality, arjeplog]))

    def page_queries(rows: int) -> int:
        PolicePresence.objects.all().delete()
        for n in range(rows):
            log(officer.user, areas[n % len(areas)], f"Runda {n}", hours_ago=n + 1)
        with django_assert_num_queries(QUERIES):
            response = officer.get(URL, {"kommun": "alla"})
        assert len(response.context["recent"]) == min(rows, 20)
        return response

    officer.get(URL)  # the routing table, read once and cached
    page_queries(2)
    page_queries(25)


# Session, user, second factor, roles, membership, the municipality served and the others
# offered, the hours, the menu's unit check, the form's areas, the list (with its areas,
# officers and municipalities), and the session saved (savepoint, update, release).
QUERIES = 14


def test_a_single_municipality_deployment_shows_no_choice(police_officer, municipality):
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    log(police_officer.user, centrum, ARVIDSJAUR_NOTE)
    page = police_officer.get(URL)
    assert page.context["scope"].choices == ()
    assert 'name="kommun"' not in page.content.decode()
    assert notes(page) == {ARVIDSJAUR_NOTE}
    assert police_officer.get(URL, {"kommun": "alla"}).status_code == 404


def test_a_row_from_before_the_municipality_column_follows_its_area(officer, arjeplog, logged):
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    PolicePresence.objects.create(
        officer=officer.user,
        started=timezone.now(),
        minutes=30,
        kind="car",
        area=laisvall,
        note="Äldre rad",
        municipality=None,
    )
    assert "Äldre rad" in notes(officer.get(URL, {"kommun": "2506"}))
    assert "Äldre rad" in notes(officer.get(URL, {"kommun": "alla"}))
    assert "Äldre rad" not in notes(officer.get(URL))
