"""The cached risk map: computed once per group, cell size, day and data version."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tryggve.analytics.models import Incident, OffenceGroup
from tryggve.analytics.riskmap import risk_cells_cached

BURGLARY = OffenceGroup.RESIDENTIAL_BURGLARY


@pytest.fixture
def burglaries(make_incident, area_points):
    now = timezone.now()
    for n in range(3):
        make_incident(at=area_points["Centrum"], when=now - timedelta(days=5 + n))


def test_a_second_read_uses_the_cache(municipality, burglaries, forecasts):
    first = risk_cells_cached(group=BURGLARY, size=250)
    second = risk_cells_cached(group=BURGLARY, size=250)
    assert len(forecasts) == 1
    assert first == second
    assert any(cell.past_count == 3 for cell in second)


def test_each_cell_size_and_group_has_its_own_entry(municipality, burglaries, forecasts):
    risk_cells_cached(group=BURGLARY, size=250)
    cells = risk_cells_cached(group=BURGLARY, size=500)
    risk_cells_cached(group=OffenceGroup.VANDALISM, size=250)
    assert len(forecasts) == 3
    assert {cell.size for cell in cells} == {500.0}


def test_an_import_invalidates_the_cached_map(
    municipality, burglaries, forecasts, make_incident, area_points
):
    before = risk_cells_cached(group=BURGLARY, size=250)
    make_incident(at=area_points["Tallbacka"], when=timezone.now() - timedelta(days=1))
    after = risk_cells_cached(group=BURGLARY, size=250)
    assert len(forecasts) == 2
    assert sum(c.past_count for c in after) == sum(c.past_count for c in before) + 1


def test_an_event_the_map_cannot_draw_keeps_the_cached_map(
    municipality, burglaries, forecasts, make_incident
):
    """The police feed's events (a municipality, no position) come every quarter of an hour:
    each made a new data version, and the worker or the next page computed every map again
    for nothing the map draws."""
    before = risk_cells_cached(group=BURGLARY, size=250)
    make_incident(at=None, when=timezone.now() - timedelta(days=1))
    assert risk_cells_cached(group=BURGLARY, size=250) == before
    assert len(forecasts) == 1


def test_a_deleted_incident_invalidates_the_cached_map(municipality, burglaries, forecasts):
    risk_cells_cached(group=BURGLARY, size=250)
    Incident.objects.order_by("id").first().delete()
    cells = risk_cells_cached(group=BURGLARY, size=250)
    assert len(forecasts) == 2
    assert sum(c.past_count for c in cells) == 2


def test_the_warm_command_fills_the_cache_the_page_reads(
    municipality, burglaries, forecasts, police_officer
):
    out = io.StringIO()
    call_command("warm_riskmap", stdout=out)
    warmed = len(forecasts)
    assert warmed == len(OffenceGroup.values) * 3
    assert "residential_burglary 250 m:" in out.getvalue()
    response = police_officer.get("/personal/lagesbild/riskkarta/?cell=250")
    assert response.status_code == 200
    assert len(forecasts) == warmed


def test_a_superseded_entry_leaves_the_cache(
    municipality, burglaries, forecasts, make_incident, area_points
):
    """Every import, undo and feed fetch makes a new data version, and the worker computes
    every group and cell size after each (analytics.warming): the entries of the older
    versions, never read again, filled a shared cache for a day (a busy hour of uploads
    and undos, hundreds of kB each at 100 m)."""
    from django.core.cache import cache

    risk_cells_cached(group=BURGLARY, size=250)
    risk_cells_cached(group=BURGLARY, size=500)
    old = set(_entries(cache))
    make_incident(at=area_points["Tallbacka"], when=timezone.now() - timedelta(days=1))
    risk_cells_cached(group=BURGLARY, size=250)
    risk_cells_cached(group=BURGLARY, size=500)
    new = set(_entries(cache))
    assert len(old) == len(new) == 2 and not old & new
    assert len(forecasts) == 4


def _entries(cache) -> list[str]:
    """The risk maps' entries in the per-process cache of the tests."""
    return [key for key in cache._cache if ":riskmap2:" in key]
