"""When incidents happen: hour × weekday tables, and the busiest hours near a place."""

from __future__ import annotations

from collections import Counter

import numpy as np
from django.utils import timezone

WEEKDAYS = 7
HOURS = 24


def hour_weekday_table(moments) -> list[list[int]]:
    """24 rows (hour 0-23) × 7 columns (Monday-Sunday) of counts, in local time."""
    table = np.zeros((HOURS, WEEKDAYS), dtype=int)
    for moment in moments:
        try:
            local = timezone.localtime(moment)
        except (OverflowError, ValueError):
            continue  # a stored date no calendar arithmetic can handle counts for no hour
        table[local.hour, local.weekday()] += 1
    return table.tolist()


def busiest_window(moments, width: int = 4) -> tuple[int, int] | None:
    """The `width`-hour window (wrapping past midnight) with most incidents, as (from, to)."""
    hours = Counter(timezone.localtime(m).hour for m in moments)
    if not hours:
        return None
    best = max(range(HOURS), key=lambda h: (sum(hours[(h + k) % HOURS] for k in range(width)), -h))
    return best, (best + width) % HOURS
