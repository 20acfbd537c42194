"""presence_log: a stretch of visible police presence, in an area or at a point."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tryggve.analytics.models import PolicePresence
from tryggve.analytics.services import presence_log
from tryggve.areas.models import ResidentialArea
from tryggve.conftest import CENTRUM, OUTSIDE


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="polisen")


def test_a_point_is_placed_in_its_area(municipality, officer):
    started = timezone.now() - timedelta(hours=2)
    presence = presence_log(
        officer=officer,
        started=started,
        minutes=45,
        kind="foot",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
        note="  Pratade med ungdomar vid kiosken.  ",
    )
    presence.refresh_from_db()
    assert presence.area.name == "Centrum"
    assert (presence.minutes, presence.kind, presence.started) == (45, "foot", started)
    assert presence.note == "Pratade med ungdomar vid kiosken."


def test_an_area_alone_is_enough(municipality, officer):
    area = ResidentialArea.objects.get(name="Norrbyn")
    presence = presence_log(
        officer=officer, started=timezone.now(), minutes=1440, kind="car", area=area
    )
    assert (presence.area, presence.lat, presence.lon) == (area, None, None)


def test_a_point_outside_the_areas_keeps_no_area(municipality, officer):
    presence = presence_log(
        officer=officer,
        started=timezone.now(),
        minutes=10,
        kind="event",
        lat=OUTSIDE[0],
        lon=OUTSIDE[1],
    )
    assert presence.area is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"lat": None, "lon": None}, "area", "Ange ett område eller en plats."),
        ({"lon": None}, "lat", "Ange både latitud och longitud"),
        ({"minutes": 0}, "minutes", "Ange mellan 1 och 1 440 minuter."),
        ({"minutes": 2000}, "minutes", "Ange mellan 1 och 1 440 minuter."),
        ({"kind": "helikopter"}, "kind", "Välj hur ni var på plats."),
        ({"started": timezone.now() + timedelta(days=1)}, "started", "framtiden"),
    ],
)
def test_refused_with_the_field_named(municipality, officer, changes, field, message):
    fields = {
        "officer": officer,
        "started": timezone.now() - timedelta(hours=1),
        "minutes": 30,
        "kind": "foot",
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
    }
    with pytest.raises(ValidationError) as caught:
        presence_log(**(fields | changes))
    assert list(caught.value.message_dict) == [field]
    assert message in caught.value.message_dict[field][0]
    assert not PolicePresence.objects.exists()


def test_a_few_minutes_ahead_is_tolerated(municipality, officer):
    presence = presence_log(
        officer=officer,
        started=timezone.now() + timedelta(minutes=3),
        minutes=5,
        kind="foot",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
    )
    assert presence.pk
