"""Near-repeat alerts: a new residential burglary prepares one alert per nearby area."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from shapely.geometry import Point

from tryggve.analytics.importers import IncidentData
from tryggve.analytics.models import IncidentSource, NearRepeatAlert, OffenceGroup
from tryggve.analytics.services import incidents_import, near_repeat_alerts_prepare
from tryggve.areas.models import ResidentialArea
from tryggve.lib.geo import geometry_to_sweref, to_sweref, to_wgs84


def burglary(external_id: str, lat: float, lon: float, *, days_ago: float = 1, **fields):
    values = {
        "source": IncidentSource.POLICE_FEED,
        "external_id": external_id,
        "occurred_at": timezone.now() - timedelta(days=days_ago),
        "offence_group": OffenceGroup.RESIDENTIAL_BURGLARY,
        "lat": lat,
        "lon": lon,
        "precise": True,
    }
    return IncidentData(**(values | fields))


def expected_areas(lat: float, lon: float) -> dict[str, float]:
    point = Point(*to_sweref(lon, lat))
    found = {}
    for area in ResidentialArea.objects.all():
        distance = geometry_to_sweref(area.shape).distance(point)
        if distance <= settings.NEAR_REPEAT_RADIUS_M:
            found[area.name] = distance
    return found


def alerts() -> dict[str, float]:
    return dict(NearRepeatAlert.objects.values_list("area__name", "distance_m"))


def test_one_alert_per_area_within_the_radius(municipality, area_points):
    lat, lon = area_points["Centrum"]
    expected = expected_areas(lat, lon)
    assert len(expected) >= 2, "the test point should lie near more than one area"
    incidents_import(incidents=[burglary("b1", lat, lon)])
    found = alerts()
    assert found.keys() == expected.keys()
    assert found["Centrum"] == 0
    for name, distance in found.items():
        assert distance == pytest.approx(expected[name], abs=0.01)
        assert 0 <= distance <= settings.NEAR_REPEAT_RADIUS_M
    assert NearRepeatAlert.objects.filter(incident__external_id="b1").count() == len(expected)


def test_a_burglary_just_outside_an_area(municipality):
    area = ResidentialArea.objects.get(name="Moskosel")
    shape = geometry_to_sweref(area.shape)
    minx, miny, maxx, maxy = shape.bounds
    lon, lat = to_wgs84(maxx + 200, (miny + maxy) / 2)
    incidents_import(incidents=[burglary("b2", lat, lon)])
    found = alerts()
    assert list(found) == ["Moskosel"]
    # 200 m east of the bounding box: outside, at a distance the shape decides.
    assert 200 - 0.01 <= found["Moskosel"] <= settings.NEAR_REPEAT_RADIUS_M
    assert found["Moskosel"] == pytest.approx(expected_areas(lat, lon)["Moskosel"], abs=0.01)
    lon, lat = to_wgs84(maxx + settings.NEAR_REPEAT_RADIUS_M + 50, (miny + maxy) / 2)
    incidents_import(incidents=[burglary("b3", lat, lon)])
    assert NearRepeatAlert.objects.count() == 1


def test_a_history_import_prepares_nothing(municipality, area_points):
    lat, lon = area_points["Centrum"]
    result = incidents_import(
        incidents=[burglary(f"old{n}", lat, lon, days_ago=15 + n * 30) for n in range(20)]
    )
    assert result.imported == 20
    assert not NearRepeatAlert.objects.exists()


def test_a_reimport_adds_no_alerts(municipality, area_points):
    lat, lon = area_points["Tallbacka"]
    items = [burglary("r1", lat, lon), burglary("r2", lat, lon, days_ago=3)]
    incidents_import(incidents=items)
    before = NearRepeatAlert.objects.count()
    assert before == 2 * len(expected_areas(lat, lon))
    again = incidents_import(incidents=items)
    assert again.duplicates == 2
    assert NearRepeatAlert.objects.count() == before
    # Preparing again for the same incidents adds nothing either.
    from tryggve.analytics.models import Incident

    near_repeat_alerts_prepare(incidents=Incident.objects.all())
    assert NearRepeatAlert.objects.count() == before


@pytest.mark.parametrize(
    "group", [g for g in OffenceGroup.values if g != OffenceGroup.RESIDENTIAL_BURGLARY]
)
def test_other_groups_prepare_nothing(municipality, area_points, group):
    lat, lon = area_points["Centrum"]
    incidents_import(incidents=[burglary("o1", lat, lon, offence_group=group)])
    assert not NearRepeatAlert.objects.exists()


def test_an_imprecise_burglary_prepares_nothing(municipality, area_points):
    lat, lon = area_points["Centrum"]
    incidents_import(incidents=[burglary("i1", lat, lon, precise=False)])
    assert not NearRepeatAlert.objects.exists()


def test_alerts_are_listed_on_the_overview(case_handler, municipality, area_points):
    # Staff who work with single incidents: the council sees figures, not single burglaries.
    lat, lon = area_points["Lappstaden"]
    incidents_import(incidents=[burglary("v1", lat, lon)], synthetic=True)
    response = case_handler.get("/personal/lagesbild/")
    page = response.content.decode()
    [(incident, alerts)] = response.context["alert_incidents"]
    assert incident.synthetic and "Lappstaden" in [alert.area.name for alert in alerts]
    assert "(syntetisk)</h3>" in page
    assert "<strong>Lappstaden</strong>: i området." in page
