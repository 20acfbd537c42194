"""Computing the risk maps' cache after the data changed, on the task queue.

The staff risk map reads `riskmap.risk_map_cached`, whose key holds the data version: an
import or an undo makes every entry of the municipality old. Computing the new ones at the
next page view costs that viewer seconds at a city's size (docs/benchmarks.md), so every
import and undo queues `warm_risk_maps` for the municipalities it changed
(`risk_maps_warm_enqueue`), and `manage.py warm_riskmap` (cron after midnight, when the
day in the key changes) computes them for every served municipality.

Only worth it with a cache the web processes share (`CACHE_URL`): with the default
per-process memory cache the worker would fill a cache no page reads, so
`RISK_MAP_WARM_AFTER_IMPORT` follows `CACHE_URL` unless set.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from tryggve.analytics.forms import CELL_SIZES
from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.riskmap import risk_cells_cached
from tryggve.lib.tasks import enqueue_once

# Imports within this many seconds of each other (a batch of uploads, an upload and its
# undo) are warmed for once, after the last of them has had time to commit. The police
# feed's events are never precise and warm nothing (`services._write`).
WARM_DELAY_SECONDS = 60
# A municipality's warming is queued once until it starts, for this long at most (a task
# lost with its worker then holds no later one back for longer): at a city's size its 27
# maps take longer than WARM_DELAY_SECONDS, and uploads and undos every minute queued a new
# one each minute, more than the one `counting` worker could run.
WARM_PENDING_MAX_SECONDS = 3600


def risk_maps_warm(*, code: str) -> list[tuple[str, int, int]]:
    """Compute and cache today's risk map of the municipality `code` for every offence
    group and cell size, under the keys its pages read (`Scope.codes` of one municipality).
    Returns (group, cell size, number of cells) for each map."""
    return [
        (group, size, len(risk_cells_cached(group=group, size=size, codes=(code,))))
        for group in OffenceGroup.values
        for size, _label in CELL_SIZES
    ]


def risk_maps_warm_enqueue(*, codes: Iterable[str]) -> None:
    """Queue `warm_risk_maps` for each municipality of `codes` once the current transaction
    has committed (the worker must see the new incidents), at most once per municipality
    and `WARM_DELAY_SECONDS`. A queue that is down must not fail the import: the page then
    computes the map itself."""
    if not settings.RISK_MAP_WARM_AFTER_IMPORT:
        return
    for code in sorted(set(codes)):
        transaction.on_commit(lambda code=code: _enqueue(code))


def _pending_key(code: str) -> str:
    return f"analytics:riskmap-warm:{code}"


def _enqueue(code: str) -> None:
    enqueue_once(
        warm_risk_maps,
        code,
        key=_pending_key(code),
        delay_seconds=WARM_DELAY_SECONDS,
        hold_seconds=WARM_PENDING_MAX_SECONDS,
    )


# The slow queue: at a city's size the maps take seconds each, and mail must not wait.
@task(queue_name="counting")
def warm_risk_maps(code: str) -> int:
    # Started: a change committed from now on queues the next warming (this one may not
    # see it).
    cache.delete(_pending_key(code))
    return len(risk_maps_warm(code=code))
