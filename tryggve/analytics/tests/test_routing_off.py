"""The situation picture with routing off (issue 14): only the default municipality
(Arvidsjaur, 2505) is served, but a neighbour's residential areas (Arjeplog, 2506, always
created by the shared fixture) and its incidents, alerts and presence may be kept beside it.
They must not show or count: the risk grid lies over Arvidsjaur's areas only, and an
incident without a municipality code is still the default municipality's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.analytics.models import (
    Incident,
    IncidentSource,
    NearRepeatAlert,
    OffenceGroup,
    PolicePresence,
)
from tryggve.analytics.selectors import alerts_here, incidents_here
from tryggve.analytics.tests.test_police_area_maps import (
    BETWEEN,
    arjeplog_burglaries,
    arvidsjaur_burglaries,  # noqa: F401  (a fixture)
    cell_latitudes,
    riskmap_figures,
    suggestion_figures,
)
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.serving import serves_several
from tryggve.conftest import ARJEPLOG

RISKMAP = "/personal/lagesbild/riskkarta/"
SUGGESTIONS = "/personal/lagesbild/forslag/"
SECRET = "Hemlig-Arjeplog-observation"


@pytest.fixture
def neighbour(municipality) -> Municipality:
    """Arjeplog, kept beside Arvidsjaur but not served (routing off)."""
    assert not serves_several()
    return Municipality.objects.get(code="2506")


def neighbours_alert(neighbour) -> NearRepeatAlert:
    laisvall = ResidentialArea.objects.get(municipality=neighbour, name="Laisvall")
    point = laisvall.shape.representative_point()
    incident = Incident.objects.create(
        source=IncidentSource.CSV,
        external_id="arjeplog-alert",
        occurred_at=timezone.now() - timedelta(days=1),
        lat=point.y,
        lon=point.x,
        precise=True,
        municipality_code="2506",
        area=laisvall,
        offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
        summary=SECRET,
        synthetic=True,
    )
    return NearRepeatAlert.objects.create(incident=incident, area=laisvall, distance_m=0)


def test_incidents_here_leaves_out_the_neighbours_and_keeps_those_without_a_code(
    neighbour, make_incident
):
    own = make_incident(at=None)
    neighbours_alert(neighbour)
    without = Incident.objects.create(
        source=IncidentSource.CSV,
        external_id="no-code",
        occurred_at=timezone.now() - timedelta(days=2),
        offence_group=OffenceGroup.VANDALISM,
    )
    assert set(incidents_here()) == {own, without}


def test_alerts_here_leave_out_the_neighbours(neighbour, make_incident, area_points):
    neighbours_alert(neighbour)
    centrum = ResidentialArea.objects.get(municipality__code="2505", name="Centrum")
    ours = NearRepeatAlert.objects.create(
        incident=make_incident(at=area_points["Centrum"]), area=centrum, distance_m=0
    )
    assert list(alerts_here()) == [ours]


@pytest.mark.usefixtures("arvidsjaur_burglaries")
def test_the_risk_grid_lies_over_the_served_municipalitys_areas_only(police_officer, neighbour):
    before = police_officer.get(RISKMAP)
    assert before.status_code == 200
    assert before.context["top"]
    # No cell of the grid lies by Arjeplog's areas, with or without its incidents.
    assert cell_latitudes(before) and max(cell_latitudes(before)) < BETWEEN
    arjeplog_burglaries(neighbour)
    after = police_officer.get(RISKMAP)
    assert riskmap_figures(after) == riskmap_figures(before)
    assert max(cell_latitudes(after)) < BETWEEN


@pytest.mark.usefixtures("arvidsjaur_burglaries")
def test_the_suggestions_leave_out_the_neighbour(police_officer, neighbour):
    before = police_officer.get(SUGGESTIONS)
    assert suggestion_figures(before)
    arjeplog_burglaries(neighbour)
    after = police_officer.get(SUGGESTIONS)
    assert suggestion_figures(after) == suggestion_figures(before)
    assert "Laisvall" not in after.content.decode()


@pytest.mark.usefixtures("arvidsjaur_burglaries")
def test_the_pages_leave_out_the_neighbours_alerts_presence_and_demo_data(
    police_officer, case_handler, neighbour
):
    alert = neighbours_alert(neighbour)
    PolicePresence.objects.create(
        officer=police_officer.user,
        started=timezone.now() - timedelta(days=1),
        minutes=45,
        kind="foot",
        area=alert.area,
        lat=ARJEPLOG[0],
        lon=ARJEPLOG[1],
        municipality=neighbour,
        note=SECRET,
    )
    overview = police_officer.get("/personal/lagesbild/")
    assert overview.status_code == 200
    assert "Laisvall" not in overview.content.decode()
    # The neighbour's incident is synthetic: no page says Arvidsjaur's figures are demo data.
    assert overview.context["synthetic"] is False
    presence = police_officer.get("/personal/lagesbild/narvaro/")
    assert list(presence.context["recent"]) == []
    assert SECRET not in presence.content.decode()
    watch = case_handler.get("/personal/grannsamverkan/meddelanden/")
    assert watch.status_code == 200
    assert watch.context["alert_incidents"] == []
    assert "Laisvall" not in watch.content.decode()
