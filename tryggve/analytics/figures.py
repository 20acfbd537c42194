"""Figures of the situation picture that other apps read (the follow-up calls these).

Periods are dates, `start` included and `end` excluded (`tryggve.lib.periods`), in local
time: a burglary at 23:59 on 31 December Swedish time belongs to that year.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db.models import Sum
from django.utils import timezone
from scipy import stats

from tryggve.analytics.exposure import MIN_TOTAL
from tryggve.analytics.models import Incident, OffenceGroup, PolicePresence
from tryggve.analytics.profiles import busiest_window
from tryggve.analytics.suggestions import NEAR_M
from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import in_municipality
from tryggve.lib.geo import sweref_arrays
from tryggve.lib.periods import local_bounds, month_of, months

# How far back the situation picture looks when it points at a place (as the suggestions).
LOOK_BACK = timedelta(days=365)


@dataclass(frozen=True)
class PresenceFigures:
    """Visible police presence logged in a period.

    - `hours`: all hours; `by_area`: (area name or "" outside the areas, hours per month of
      the period, total), largest first; `per_month`: hours per month.
    - `pointed_hours` of `placed_hours`: of the hours logged at a point, those spent where
      and when the situation picture pointed, by the rule the weekly suggestions give as
      their reason: within 400 m of a residential burglary of the year before, and, where
      two or more such burglaries lie there, inside their busiest four hours of the day.
      Presence logged only by area has no point and is left out of this share.
    """

    hours: float
    by_area: list[tuple[str, list[float], float]]
    per_month: list[tuple[tuple[int, int], float]]
    placed_hours: float
    pointed_hours: float

    @property
    def pointed_share(self) -> float | None:
        return self.pointed_hours / self.placed_hours if self.placed_hours else None


@dataclass(frozen=True)
class BurglaryFigures:
    """Residential burglaries in the municipality in a period, and their rate.

    `rate` is per 1,000 households (all households of the municipality's residential
    areas); `low`-`high` its exact 95 % Poisson interval (Garwood). `too_few` is the exposure
    ranking's own caution: below `MIN_TOTAL` burglaries nothing can be told apart. Every
    burglary of the municipality counts, also those the police feed places only at the
    municipality's centre. `synthetic` of them are the demo's invented incidents.
    """

    count: int
    households: int
    rate: float | None
    low: float | None
    high: float | None
    too_few: bool
    synthetic: int
    per_month: list[tuple[tuple[int, int], int]]


def presence_figures(*, municipality_code: str, start: date, end: date) -> PresenceFigures:
    """Presence hours in [start, end) by area and month, and the share the situation
    picture pointed at; two queries."""
    begin, finish = local_bounds(start, end)
    period_months = months(start, end)
    index = {m: i for i, m in enumerate(period_months)}
    rows = list(
        PolicePresence.objects.filter(
            in_municipality(code=municipality_code, via="area"),
            started__gte=begin,
            started__lt=finish,
        ).values_list("started", "minutes", "area__name", "lat", "lon")
    )
    by_area: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(period_months))
    for started, minutes, area_name, _lat, _lon in rows:
        by_area[area_name or ""][index[month_of(started)]] += minutes / 60
    placed = [row for row in rows if row[3] is not None]
    pointed = _pointed_minutes(placed, municipality_code) / 60
    per_month = [sum(hours[i] for hours in by_area.values()) for i in range(len(period_months))]
    areas = sorted(
        (
            (name, [round(h, 1) for h in hours], round(sum(hours), 1))
            for name, hours in by_area.items()
        ),
        key=lambda item: (-item[2], item[0]),
    )
    return PresenceFigures(
        hours=round(sum(minutes for _s, minutes, *_rest in rows) / 60, 1),
        by_area=areas,
        per_month=[(m, round(h, 1)) for m, h in zip(period_months, per_month, strict=True)],
        placed_hours=round(sum(row[1] for row in placed) / 60, 1),
        pointed_hours=round(pointed, 1),
    )


def _pointed_minutes(placed: list[tuple], municipality_code: str) -> float:
    """Minutes of presence within NEAR_M of last year's burglaries, in their busy hours."""
    if not placed:
        return 0.0
    first = min(row[0] for row in placed)
    last = max(row[0] for row in placed)
    burglaries = list(
        Incident.objects.in_municipality(municipality_code)
        .of_group(OffenceGroup.RESIDENTIAL_BURGLARY)
        .precise()
        .filter(occurred_at__gte=first - LOOK_BACK, occurred_at__lt=last)
        .values_list("occurred_at", "lat", "lon")
    )
    if not burglaries:
        return 0.0
    when = np.array([b[0].timestamp() for b in burglaries])
    bx, by = sweref_arrays(
        np.array([b[2] for b in burglaries]), np.array([b[1] for b in burglaries])
    )
    px, py = sweref_arrays(np.array([r[4] for r in placed]), np.array([r[3] for r in placed]))
    minutes = 0.0
    for (started, length, *_rest), x, y in zip(placed, px, py, strict=True):
        moment = started.timestamp()
        near = (
            (np.hypot(bx - x, by - y) <= NEAR_M)
            & (when < moment)
            & (when >= moment - LOOK_BACK.total_seconds())
        )
        hits = [burglaries[i][0] for i in np.flatnonzero(near)]
        if not hits:
            continue
        if len(hits) >= 2:
            window = busiest_window(hits)
            hour = timezone.localtime(started).hour
            if window is not None and (hour - window[0]) % 24 >= 4:
                continue
        minutes += length
    return minutes


def burglary_figures(*, municipality_code: str, start: date, end: date) -> BurglaryFigures:
    """Residential burglaries in [start, end) and the rate per 1,000 households; two
    queries."""
    begin, finish = local_bounds(start, end)
    rows = list(
        Incident.objects.in_municipality(municipality_code)
        .of_group(OffenceGroup.RESIDENTIAL_BURGLARY)
        .between(begin, finish)
        .values_list("occurred_at", "synthetic")
    )
    households = (
        ResidentialArea.objects.filter(municipality__code=municipality_code).aggregate(
            n=Sum("households")
        )["n"]
        or 0
    )
    count = len(rows)
    per_month = Counter(month_of(when) for when, _synthetic in rows)
    rate = low = high = None
    if households:
        low_count, high_count = poisson_interval(count)
        rate = 1000 * count / households
        low = 1000 * low_count / households
        high = 1000 * high_count / households
    return BurglaryFigures(
        count=count,
        households=households,
        rate=rate,
        low=low,
        high=high,
        too_few=count < MIN_TOTAL,
        synthetic=sum(synthetic for _when, synthetic in rows),
        per_month=[(m, per_month[m]) for m in months(start, end)],
    )


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood) interval for a Poisson count: 0 events give (0, 3.69)."""
    alpha = 1 - level
    low = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low), float(high)
