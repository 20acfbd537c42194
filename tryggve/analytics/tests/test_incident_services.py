"""incidents_import (batches, duplicates) and incident_record_observation."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tryggve.analytics.importers import IncidentData, Rejection
from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
from tryggve.analytics.services import incident_record_observation, incidents_import
from tryggve.conftest import ARJEPLOG, CENTRUM, OUTSIDE
from tryggve.lib import tenancy

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def data(external_id: str, source=IncidentSource.CSV, **fields) -> IncidentData:
    defaults = {
        "occurred_at": datetime(2026, 8, 1, 12, tzinfo=STOCKHOLM),
        "offence_group": OffenceGroup.THEFT,
    }
    return IncidentData(source=source, external_id=external_id, **(defaults | fields))


@pytest.mark.django_db
def test_duplicates_counted_within_and_across_batches():
    items = [
        data("1"),
        data("2"),
        Rejection("rad 4", "typ saknas"),
        data("1"),  # same file, next batch
        data("3"),
        data("3"),  # same batch
        data("1", source=IncidentSource.POLICE_FEED),  # another source's id 1
    ]
    seen = []
    result = incidents_import(incidents=items, batch_size=2, on_progress=seen.append)
    assert (result.imported, result.duplicates, result.rejected) == (4, 2, 1)
    assert result.errors == ["rad 4: typ saknas"]
    assert seen == list(range(1, 8))
    assert Incident.objects.count() == 4

    again = incidents_import(incidents=items, batch_size=1000, synthetic=True)
    assert (again.imported, again.duplicates, again.rejected) == (0, 6, 1)
    assert not Incident.objects.filter(synthetic=True).exists()


def test_a_file_s_ids_are_its_municipality_s_own(arjeplog):
    """Arjeplog's file numbering its rows as Arvidsjaur's did is not a file of duplicates
    (nor a way to learn which ids Arvidsjaur holds); within one municipality it is."""
    here = {"lat": CENTRUM[0], "lon": CENTRUM[1], "precise": True}
    there = {"lat": ARJEPLOG[0], "lon": ARJEPLOG[1], "precise": True}
    with tenancy.serving("2505"):
        first = incidents_import(incidents=[data(f"K-{n}", **here) for n in range(3)])
    with tenancy.serving("2506"):
        second = incidents_import(incidents=[data(f"K-{n}", **there) for n in range(5)])
        again = incidents_import(incidents=[data(f"K-{n}", **there) for n in range(5)])
    assert (first.imported, second.imported, second.duplicates) == (3, 5, 0)
    assert (again.imported, again.duplicates) == (0, 5)
    codes = Incident.objects.values_list("municipality_code", flat=True)
    assert sorted(codes) == ["2505"] * 3 + ["2506"] * 5


def test_the_police_feed_s_ids_are_the_whole_country_s(arjeplog):
    feed = IncidentSource.POLICE_FEED
    incidents_import(incidents=[data("650297", source=feed, municipality_code="2505")])
    again = incidents_import(incidents=[data("650297", source=feed, municipality_code="2506")])
    assert (again.imported, again.duplicates) == (0, 1)


@pytest.mark.django_db
def test_all_or_nothing_finds_duplicates_across_batches_before_saving():
    items = [data("1"), data("2"), data("1"), data("3"), data("2")]
    result = incidents_import(incidents=items, batch_size=2, all_or_nothing=True)
    assert (result.imported, result.duplicates) == (3, 2)
    assert sorted(Incident.objects.values_list("external_id", flat=True)) == ["1", "2", "3"]
    again = incidents_import(incidents=items, batch_size=2, all_or_nothing=True)
    assert (again.imported, again.duplicates) == (0, 5)


@pytest.mark.django_db
def test_synthetic_is_marked():
    incidents_import(incidents=[data("1")], synthetic=True)
    assert Incident.objects.get().synthetic


def test_observation_with_a_position_is_placed(municipality, django_user_model):
    staff = django_user_model.objects.create_user(username="fältassistent")
    when = timezone.now() - timedelta(hours=2)
    incident = incident_record_observation(
        reported_by=staff,
        occurred_at=when,
        lat=CENTRUM[0],
        lon=CENTRUM[1],
        offence_group=OffenceGroup.VANDALISM,
        summary="  Nytt klotter på busskuren.  ",
    )
    incident.refresh_from_db()
    assert incident.source == IncidentSource.STAFF
    assert (incident.precise, incident.area.name, incident.municipality_code) == (
        True,
        "Centrum",
        "2505",
    )
    assert incident.reported_by == staff
    assert incident.summary == "Nytt klotter på busskuren."
    assert incident.occurred_at == when


def test_observation_without_a_position_counts_for_the_municipality(municipality):
    incident = incident_record_observation(
        reported_by=None,
        occurred_at=timezone.now(),
        lat=None,
        lon=None,
        offence_group=OffenceGroup.DISTURBANCE,
        summary="Oro kring skolan på kvällarna.",
    )
    assert (incident.precise, incident.area, incident.municipality_code) == (False, None, "2505")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lat": OUTSIDE[0], "lon": OUTSIDE[1]}, "utanför kommunen"),
        ({"lat": 65.59, "lon": None}, "både latitud och longitud"),
        ({"lat": 95.0, "lon": 19.0}, "utanför jorden"),
        ({"offence_group": "mord"}, "Okänd brottsgrupp"),
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "framtiden"),
    ],
)
def test_observation_refused(municipality, changes, message):
    fields = {
        "reported_by": None,
        "occurred_at": timezone.now(),
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "offence_group": OffenceGroup.VANDALISM,
        "summary": "",
    }
    with pytest.raises(ValidationError, match=message):
        incident_record_observation(**(fields | changes))
    assert not Incident.objects.exists()


def test_import_places_points_as_area_for_point_does(municipality):
    """The import's preloaded areas give the same answer as the selector, edges included."""
    from tryggve.areas.selectors import area_for_point

    points = [(65.5837 + i * 0.0009, 19.13 + j * 0.005) for i in range(20) for j in range(20)]
    items = [data(f"p{n}", lat=lat, lon=lon, precise=True) for n, (lat, lon) in enumerate(points)]
    incidents_import(incidents=items)
    placed = dict(Incident.objects.values_list("external_id", "area__name"))
    expected = {}
    for n, (lat, lon) in enumerate(points):
        area = area_for_point(lat=lat, lon=lon)
        expected[f"p{n}"] = area.name if area else None
    assert placed == expected
    assert len({name for name in expected.values() if name}) == 10
