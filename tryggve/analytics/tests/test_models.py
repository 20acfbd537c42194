"""Incident: its constraints and query helpers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
from tryggve.areas.models import ResidentialArea

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def make(**fields) -> Incident:
    defaults = {
        "source": IncidentSource.CSV,
        "external_id": str(Incident.objects.count() + 1),
        "occurred_at": datetime(2026, 8, 1, 12, tzinfo=STOCKHOLM),
        "offence_group": OffenceGroup.THEFT,
    }
    return Incident.objects.create(**(defaults | fields))


@pytest.mark.django_db
def test_same_source_and_id_only_once():
    make(external_id="1")
    make(external_id="1", source=IncidentSource.POLICE_FEED)
    with pytest.raises(IntegrityError), transaction.atomic():
        make(external_id="1")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"precise": True},  # a precise incident needs its position
        {"lat": 65.59},  # half a position
        {"lat": 95.0, "lon": 19.0},
    ],
)
def test_impossible_positions_are_refused(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(**fields)


def test_an_area_needs_a_precise_position(municipality):
    area = ResidentialArea.objects.get(name="Centrum")
    with pytest.raises(IntegrityError), transaction.atomic():
        make(lat=65.59, lon=19.18, precise=False, area=area)
    assert make(lat=65.59, lon=19.18, precise=True, area=area).area == area


def test_query_helpers(municipality):
    centrum = ResidentialArea.objects.get(name="Centrum")
    august = datetime(2026, 8, 1, tzinfo=STOCKHOLM)
    september = datetime(2026, 9, 1, tzinfo=STOCKHOLM)
    in_centrum = make(lat=65.59, lon=19.18, precise=True, area=centrum, municipality_code="2505")
    feed = make(
        offence_group=OffenceGroup.FIRE,
        municipality_code="2505",
        lat=65.592077,
        lon=19.180283,
        occurred_at=september,  # the first moment of September is not in August
    )
    elsewhere = make(municipality_code="2580", offence_group=OffenceGroup.VANDALISM)

    assert set(Incident.objects.in_municipality("2505")) == {in_centrum, feed}
    assert list(Incident.objects.precise()) == [in_centrum]
    assert list(Incident.objects.in_area(centrum)) == [in_centrum]
    assert list(Incident.objects.of_group("fire")) == [feed]
    assert set(Incident.objects.of_group(["fire", "vandalism"])) == {feed, elsewhere}
    assert set(Incident.objects.between(august, september)) == {in_centrum, elsewhere}
    assert str(feed) == "Brand 2026-09-01 00:00"
