"""When incidents happen: hour × weekday tables, and the busiest hours near a place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

WEEKDAYS = 7
HOURS = 24
# Four-hour bands 00-04, 04-08, ..., 20-24. 24 is a multiple of 4, so no band spans
# midnight: an event at 00:30 on a Monday is in Monday's first band, never Sunday's last.
BAND_HOURS = 4
BANDS = HOURS // BAND_HOURS

# How fine a table the number of events can carry. Counts of rare events are Poisson: a cell
# expecting λ events is empty by chance with probability e^-λ and holds one with λe^-λ. At 50
# burglaries over 24 × 7 = 168 cells, λ is 0.3: 96 % of cells are 0 or 1 wherever the events
# fell, and readers take where the ones landed for a rhythm ("Tuesdays at 03"). So a
# table is shown only when its cells hold on average at least MIN_PER_CELL events; at two,
# chance alone leaves about one cell in seven empty and a real difference such as nights
# against days shows across neighbouring cells. The five per cell of the chi-square rule of
# thumb (840 events for the hourly table) was not chosen: the table is read, not tested, and
# five would keep it from all but the largest municipalities.
MIN_PER_CELL = 2
HOURLY_FROM = MIN_PER_CELL * HOURS * WEEKDAYS  # 336 events: 24 hours × 7 weekdays
BANDS_FROM = MIN_PER_CELL * BANDS * WEEKDAYS  # 84 events: six four-hour bands × 7 weekdays
# Below this even the seven totals per weekday average under MIN_PER_CELL: no pattern at all.
PATTERN_FROM = MIN_PER_CELL * WEEKDAYS  # 14 events

# How much detail a profile shows.
HOURLY = "hourly"  # 24 hours × 7 weekdays
BAND_TABLE = "bands"  # six four-hour bands × 7 weekdays
TOTALS = "totals"  # only the totals per four-hour band and per weekday
NOTHING = "nothing"  # no events: no table of zeros


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


def band_weekday_table(table: list[list[int]]) -> list[list[int]]:
    """An hour × weekday table summed into six four-hour bands (rows) × 7 weekdays."""
    return np.asarray(table, dtype=int).reshape(BANDS, BAND_HOURS, WEEKDAYS).sum(axis=1).tolist()


def band_label(band: int) -> str:
    start = band * BAND_HOURS
    return f"{start:02d}–{start + BAND_HOURS:02d}"


def detail_for(total: int) -> str:
    """The finest table `total` events can fill honestly (see MIN_PER_CELL)."""
    if total >= HOURLY_FROM:
        return HOURLY
    if total >= BANDS_FROM:
        return BAND_TABLE
    return TOTALS if total > 0 else NOTHING


@dataclass(frozen=True)
class TimeProfile:
    total: int
    detail: str  # HOURLY, BAND_TABLE, TOTALS or NOTHING
    rows: list[tuple[str, list[int], int]]  # (label, Monday-Sunday, sum); only in a 2-D table
    day_totals: list[int]  # Monday-Sunday
    band_totals: list[tuple[str, int]]  # (label, count) per four-hour band

    @property
    def shows_pattern(self) -> bool:
        """False when even the totals per weekday are too few to show any pattern."""
        return self.total >= PATTERN_FROM


def time_profile(moments) -> TimeProfile:
    """When the incidents at `moments` happened, in local time, in as much detail as their
    number allows."""
    hourly = hour_weekday_table(moments)
    bands = band_weekday_table(hourly)
    total = sum(map(sum, hourly))
    detail = detail_for(total)
    if detail == HOURLY:
        rows = [(f"{hour:02d}", counts, sum(counts)) for hour, counts in enumerate(hourly)]
    elif detail == BAND_TABLE:
        rows = [(band_label(band), counts, sum(counts)) for band, counts in enumerate(bands)]
    else:
        rows = []
    return TimeProfile(
        total=total,
        detail=detail,
        rows=rows,
        day_totals=[sum(row[day] for row in hourly) for day in range(WEEKDAYS)],
        band_totals=[(band_label(band), sum(counts)) for band, counts in enumerate(bands)],
    )


def busiest_window(moments, width: int = 4) -> tuple[int, int] | None:
    """The `width`-hour window (wrapping past midnight) with most incidents, as (from, to)."""
    hours = Counter(timezone.localtime(m).hour for m in moments)
    if not hours:
        return None
    best = max(range(HOURS), key=lambda h: (sum(hours[(h + k) % HOURS] for k in range(width)), -h))
    return best, (best + width) % HOURS
