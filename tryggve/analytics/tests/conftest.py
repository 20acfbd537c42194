"""Fixtures for the situation picture: the real police-feed sample kept in tests/data,
incidents placed in the demo areas, and the browser fixtures shared with reports."""

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

# Test data lives in the repository, so a clone runs the suite on its own (see data/README.md).
POLICE_SAMPLE = Path(__file__).resolve().parent / "data" / "polisen_events_sample.json"


@pytest.fixture(scope="session")
def police_sample() -> Path:
    """The feed's real answer of 2026-08-22 (500 events). Missing, it fails: never skips."""
    if not POLICE_SAMPLE.is_file():
        pytest.fail(
            f"the real police-feed sample is missing: expected {POLICE_SAMPLE} "
            "(it belongs in the repository: restore it from git)"
        )
    return POLICE_SAMPLE


@pytest.fixture
def dummy_queue(settings):
    """A queue that keeps the task, so the test runs it as the worker does (outside any
    request, with no municipality chosen), and a page can be seen while it waits."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


@pytest.fixture
def forecasts(monkeypatch):
    """Counts the risk maps' forecasts actually computed."""
    from tryggve.analytics import riskmap

    calls = []
    real = riskmap.forecast_details

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(riskmap, "forecast_details", counted)
    return calls


# Incidents, places and browser pages for the situation-picture tests ----------------------

@pytest.fixture
def area_points(municipality) -> dict[str, tuple[float, float]]:
    """A point (lat, lon) well inside each demo residential area, by name."""
    from tryggve.areas.models import ResidentialArea

    points = {}
    for area in ResidentialArea.objects.all():
        point = area.shape.representative_point()
        points[area.name] = (point.y, point.x)
    return points


def burglary_in(
    area, *, external_id: str, when: datetime, code: str = "2505", name: str = "Arvidsjaur"
):
    """An unsaved, precisely placed residential burglary inside `area`, for tests that save
    many at once."""
    from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup

    point = area.shape.representative_point()
    return Incident(
        source=IncidentSource.CSV,
        external_id=external_id,
        occurred_at=when,
        lat=point.y,
        lon=point.x,
        precise=True,
        municipality_code=code,
        municipality_name=name,
        area=area,
        offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
    )


@pytest.fixture
def make_incident(municipality):
    """Save an incident the way an import would: placed in its area when precise."""
    from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
    from tryggve.areas.selectors import area_for_point

    numbers = itertools.count(1)

    def make(
        *,
        at: tuple[float, float] | None,
        when: datetime | None = None,
        group: str = OffenceGroup.RESIDENTIAL_BURGLARY,
        synthetic: bool = False,
        precise: bool = True,
    ) -> Incident:
        lat, lon = at if at else (None, None)
        return Incident.objects.create(
            source=IncidentSource.CSV,
            external_id=f"prov-{next(numbers)}",
            occurred_at=when or timezone.now() - timedelta(days=30),
            lat=lat,
            lon=lon,
            precise=precise and at is not None,
            municipality_code="2505",
            municipality_name="Arvidsjaur",
            area=area_for_point(lat=lat, lon=lon) if precise and at else None,
            offence_group=group,
            synthetic=synthetic,
        )

    return make


@pytest.fixture
def more_areas():
    """Add `n` residential areas to a municipality, each a copy of `like`'s shape, for
    checking that a page's queries do not grow with the number of areas."""
    from tryggve.areas.models import ResidentialArea

    def make(municipality, *, like: str, n: int) -> list:
        template = ResidentialArea.objects.get(municipality=municipality, name=like)
        made = []
        for i in range(n):
            area = ResidentialArea(
                municipality=municipality, name=f"Nytt område {i}", slug=f"nytt-{i}",
                households=40,
            )
            area.set_geometry(template.shape)
            area.save()
            made.append(area)
        return made

    return make
