"""The demo's synthetic incident history and load_demo's incidents and presence."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tryggve.analytics.models import Incident, NearRepeatAlert, OffenceGroup, PolicePresence
from tryggve.areas.models import ResidentialArea
from tryggve.demo.incidents import YEARS, synthetic_incidents

NOW = timezone.make_aware(datetime(2026, 9, 15, 12, 0))


def test_the_history_is_deterministic(municipality):
    areas = list(ResidentialArea.objects.order_by("name"))
    first = synthetic_incidents(areas, now=NOW)
    again = synthetic_incidents(areas, now=NOW)
    assert first == again
    assert synthetic_incidents(areas, now=NOW, seed=1) != first
    assert len({item.external_id for item in first}) == len(first)
    assert all(item.precise and item.summary == "Syntetisk demohändelse" for item in first)
    assert all(NOW - timedelta(days=365 * YEARS + 1) <= item.occurred_at <= NOW for item in first)
    times = [item.occurred_at for item in first]
    assert times == sorted(times)
    # Something true to find: near repeats and two recent burglaries for the alerts.
    recent = [
        item
        for item in first
        if item.offence_group == OffenceGroup.RESIDENTIAL_BURGLARY
        and item.occurred_at >= NOW - timedelta(days=10)
    ]
    assert len(recent) >= 2


@pytest.fixture
def demo(db):
    def load():
        call_command("load_demo", stdout=StringIO())

    return load


def test_load_demo_is_idempotent_and_everything_is_synthetic(demo):
    demo()
    incidents = Incident.objects.count()
    presence = PolicePresence.objects.count()
    alerts = NearRepeatAlert.objects.count()
    assert incidents > 300
    assert presence == 40
    assert alerts >= 1, "the two recent burglaries prepare alerts"
    assert not Incident.objects.filter(synthetic=False).exists()
    assert not Incident.objects.filter(precise=False).exists()

    demo()
    assert Incident.objects.count() == incidents
    assert PolicePresence.objects.count() == presence
    assert NearRepeatAlert.objects.count() == alerts


def test_demo_pages_say_synthetic(demo, client):
    demo()
    page = client.get("/lagesbild/").content.decode()
    assert "Syntetiska data:" in page
