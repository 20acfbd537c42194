"""Read-only questions about neighbourhood watch that other parts of the service ask."""

from __future__ import annotations

from tryggve.watch.models import WatchArea, WatchState


def ready_area_count() -> int:
    """Areas that reached the threshold and wait for their start-up meeting and start."""
    return WatchArea.objects.filter(state=WatchState.READY).count()
