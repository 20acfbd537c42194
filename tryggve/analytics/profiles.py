"""When incidents happen: hour × weekday tables, and the busiest hours near a place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

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

# Shading: each cell is compared with its own table's mean per cell, not with fixed counts,
# because the tables range from an hourly one averaging two events per cell to weekday totals
# averaging dozens (fixed thresholds of 3 and 6 coloured all of those the darkest shade).
# Below PATTERN_FROM every non-empty cell gets the lightest shade: colour there would
# point at where a handful of events happened to land.
EMPTY, BELOW_MEAN, ABOVE_MEAN, TWICE_MEAN = 0, 1, 2, 3


@dataclass(frozen=True)
class Cell:
    count: int
    level: int  # EMPTY, BELOW_MEAN, ABOVE_MEAN (up to twice the mean) or TWICE_MEAN


def shaded(counts: list[int], *, mean: float, pattern: bool) -> list[Cell]:
    """`counts` as cells shaded against `mean`, their table's events per cell."""

    def level(count: int) -> int:
        if count == 0:
            return EMPTY
        if not pattern or count < mean:
            return BELOW_MEAN
        return ABOVE_MEAN if count < 2 * mean else TWICE_MEAN

    return [Cell(count, level(count)) for count in counts]


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
    rows: list[tuple[str, list[Cell], int]]  # (label, Monday-Sunday, sum); only in a 2-D table
    day_totals: list[int]  # Monday-Sunday
    band_totals: list[tuple[str, int]]  # (label, count) per four-hour band
    # The local dates of the first and last event counted, so the page says what period it
    # covers (all stored history, unlike the yearly pages); None without events.
    first: date | None = None
    last: date | None = None
    # Events of the same choice whose clock time is unknown (a file gave only their date):
    # in the period and the count of events, never in a table.
    untimed: int = 0

    @property
    def events(self) -> int:
        """Every event chosen, with a clock time or not."""
        return self.total + self.untimed

    @property
    def shows_pattern(self) -> bool:
        """False when even the totals per weekday are too few to show any pattern."""
        return self.total >= PATTERN_FROM

    @property
    def day_cells(self) -> list[Cell]:
        """The weekday totals shaded against their mean, for the table of totals."""
        return shaded(self.day_totals, mean=self.total / WEEKDAYS, pattern=self.shows_pattern)

    @property
    def band_cells(self) -> list[tuple[str, Cell]]:
        """The four-hour band totals shaded against their mean, for the table of totals."""
        cells = shaded(
            [count for _label, count in self.band_totals],
            mean=self.total / BANDS,
            pattern=self.shows_pattern,
        )
        return [
            (label, cell) for (label, _count), cell in zip(self.band_totals, cells, strict=True)
        ]


def time_profile(moments, untimed=()) -> TimeProfile:
    """When the incidents at `moments` happened, in local time, in as much detail as their
    number allows; `untimed` are the moments of those whose clock time is unknown, which
    count for the period only."""
    moments = list(moments)
    untimed = list(untimed)
    hourly = hour_weekday_table(moments)
    bands = band_weekday_table(hourly)
    total = sum(map(sum, hourly))
    detail = detail_for(total)
    if detail == HOURLY:
        labelled = [(f"{hour:02d}", counts) for hour, counts in enumerate(hourly)]
    elif detail == BAND_TABLE:
        labelled = [(band_label(band), counts) for band, counts in enumerate(bands)]
    else:
        labelled = []
    # Only HOURLY and BAND_TABLE have rows, and both start at twice PATTERN_FROM.
    mean = total / (len(labelled) * WEEKDAYS) if labelled else 0
    rows = [
        (label, shaded(counts, mean=mean, pattern=True), sum(counts)) for label, counts in labelled
    ]
    return TimeProfile(
        total=total,
        detail=detail,
        rows=rows,
        day_totals=[sum(row[day] for row in hourly) for day in range(WEEKDAYS)],
        band_totals=[(band_label(band), sum(counts)) for band, counts in enumerate(bands)],
        first=_local_date(min(moments + untimed)) if total or untimed else None,
        last=_local_date(max(moments + untimed)) if total or untimed else None,
        untimed=len(untimed),
    )


def _local_date(moment: datetime) -> date | None:
    try:
        return timezone.localtime(moment).date()
    except (OverflowError, ValueError):
        return None  # as in hour_weekday_table: a date no calendar arithmetic can handle


def pattern_window(moments, width: int = 4) -> tuple[int, int] | None:
    """The busiest `width`-hour window of `moments`, or None below PATTERN_FROM events: the
    one rule for naming a time of day, as the time-profile page refuses a pattern below it
    (one or two events would name whatever hours they happened to fall in)."""
    moments = list(moments)
    if len(moments) < PATTERN_FROM:
        return None
    return busiest_window(moments, width)


def busiest_window(moments, width: int = 4) -> tuple[int, int] | None:
    """The `width`-hour window (wrapping past midnight) with most incidents, as (from, to)."""
    hours = Counter(timezone.localtime(m).hour for m in moments)
    if not hours:
        return None
    best = max(range(HOURS), key=lambda h: (sum(hours[(h + k) % HOURS] for k in range(width)), -h))
    return best, (best + width) % HOURS
