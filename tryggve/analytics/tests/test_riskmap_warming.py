"""After an import or an undo the worker computes the changed municipality's risk maps, so
the next staff page reads them instead of loading every incident (analytics.warming)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from tryggve.analytics import warming
from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.services import incident_import_undo
from tryggve.analytics.tests.test_import_undo import FIRST, imported

MAPS = len(OffenceGroup.values) * 3  # every group at every cell size
RISK_MAP = "/personal/lagesbild/riskkarta/?cell=250"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what waits for the commit (the test's own transaction never commits)."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def warm_on(settings):
    # The suite's cache is per process (no CACHE_URL), where warming is off by default.
    settings.RISK_MAP_WARM_AFTER_IMPORT = True


@pytest.mark.django_db
def test_an_upload_warms_its_municipalitys_maps(
    warm_on, case_handler, police_officer, municipality, forecasts, committed
):
    with committed(execute=True):
        imported(case_handler, FIRST)
    assert len(forecasts) == MAPS
    assert police_officer.get(RISK_MAP).status_code == 200
    assert len(forecasts) == MAPS, "the page read what the worker computed"


@pytest.mark.django_db
def test_an_undo_warms_them_again(
    warm_on, case_handler, police_officer, municipality, forecasts, committed
):
    with committed(execute=True):
        upload = imported(case_handler, FIRST)
    # The next minute's imports are warmed for together; the undo here comes after it.
    cache.clear()
    with committed(execute=True):
        assert incident_import_undo(incident_import=upload, user=case_handler.user) == 1
    assert len(forecasts) == 2 * MAPS
    police_officer.get(RISK_MAP)
    assert len(forecasts) == 2 * MAPS


@pytest.mark.django_db
def test_without_a_shared_cache_nothing_is_computed_in_vain(
    case_handler, municipality, forecasts, settings, committed
):
    assert settings.RISK_MAP_WARM_AFTER_IMPORT is False
    with committed(execute=True):
        imported(case_handler, FIRST)
    assert forecasts == []


@pytest.mark.django_db
def test_imports_within_a_minute_are_warmed_for_once_after_them(
    warm_on, municipality, dummy_queue, committed
):
    from django_tasks import default_task_backend

    before = timezone.now()
    with committed(execute=True):
        warming.risk_maps_warm_enqueue(codes=["2505"])
        warming.risk_maps_warm_enqueue(codes=["2505", "2506"])
    queued = [r for r in default_task_backend.results if r.task.name == "warm_risk_maps"]
    assert sorted(r.args[0] for r in queued) == ["2505", "2506"]
    for result in queued:
        assert result.task.queue_name == "counting", "mail must not wait behind the maps"
        assert result.task.run_after >= before + timedelta(seconds=warming.WARM_DELAY_SECONDS)


@pytest.mark.django_db
def test_a_queue_that_is_down_does_not_fail_the_import(
    warm_on, case_handler, municipality, monkeypatch, forecasts, committed
):
    def down():
        raise ConnectionError("the queue is down")

    queue = SimpleNamespace(name="warm_risk_maps", get_backend=down)
    monkeypatch.setattr(warming, "warm_risk_maps", queue)
    with committed(execute=True):
        upload = imported(case_handler, FIRST)
    assert upload.imported == 1
    assert forecasts == []


@pytest.mark.django_db
def test_a_municipality_has_one_warming_queued_until_it_starts(
    warm_on, municipality, dummy_queue, committed, monkeypatch
):
    """At a city's size the 27 maps take longer than the minute between two warmings, and
    uploads and undos every minute queued one each minute: more than the one `counting`
    worker runs, so its queue (the survey recounts behind it) grew without end."""
    import time

    from django_tasks import default_task_backend

    monkeypatch.setattr(warming, "WARM_DELAY_SECONDS", 1)

    def queued():
        return [r for r in default_task_backend.results if r.task.name == "warm_risk_maps"]

    with committed(execute=True):
        warming.risk_maps_warm_enqueue(codes=["2505"])
    time.sleep(1.2)  # the delay is over, the task has not started yet
    with committed(execute=True):
        warming.risk_maps_warm_enqueue(codes=["2505"])
    assert len(queued()) == 1
    # Once it starts, what changes meanwhile is warmed for by the next one.
    warming.warm_risk_maps.call("2505")
    with committed(execute=True):
        warming.risk_maps_warm_enqueue(codes=["2505"])
    assert len(queued()) == 2


@pytest.mark.django_db
def test_the_police_feeds_events_warm_nothing(warm_on, municipality, forecasts, committed):
    """The feed's events have no position: nothing on the map changes, every 15 minutes."""
    from tryggve.analytics.importers import parse_police_events
    from tryggve.analytics.services import incidents_import

    event = {
        "id": 7101,
        "datetime": "2026-11-30 01:40:00 +01:00",
        "name": "30 november 01.10, Inbrott, Arvidsjaur",
        "summary": "Inbrott i en villa.",
        "url": "/aktuellt/handelser/2026/november/30/7101/",
        "type": "Inbrott",
        "location": {"name": "Arvidsjaur", "gps": "65.592,19.180"},
    }
    with committed(execute=True):
        assert incidents_import(incidents=parse_police_events([event])).imported == 1
    assert forecasts == []
