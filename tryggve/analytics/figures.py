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
from tryggve.lib.geo import sweref_arrays, to_sweref
from tryggve.lib.periods import local_bounds, month_of, months

# How far back the situation picture looks when it points at a place (as the suggestions).
LOOK_BACK = timedelta(days=365)


@dataclass(frozen=True)
class PresenceFigures:
    """Visible police presence logged in a period.

    - `hours`: all hours; `by_area`: (area name or "" outside the areas, hours per month of
      the period, total), largest first; `per_month`: hours per month.
    - `pointed_hours`: the hours spent where and when the situation picture pointed: a
      residential burglary of the year before within 400 m of the point where presence was
      logged (presence logged only by area: in that area), and, where two or more such
      burglaries lie there, inside their busiest four hours of the day. (The weekly
      suggestions name busy hours only from `profiles.PATTERN_FROM` events; this measure of
      where presence went keeps two.)
    """

    hours: float
    by_area: list[tuple[str, list[float], float]]
    per_month: list[tuple[tuple[int, int], float]]
    pointed_hours: float

    @property
    def pointed_share(self) -> float | None:
        return self.pointed_hours / self.hours if self.hours else None


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
    picture pointed at; two queries (presence carries its municipality)."""
    begin, finish = local_bounds(start, end)
    period_months = months(start, end)
    index = {m: i for i, m in enumerate(period_months)}
    rows = list(
        PolicePresence.objects.for_code(municipality_code).filter(
            started__gte=begin,
            started__lt=finish,
        ).values_list("started", "minutes", "area__name", "area_id", "lat", "lon")
    )
    by_area: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(period_months))
    for started, minutes, area_name, *_place in rows:
        by_area[area_name or ""][index[month_of(started)]] += minutes / 60
    per_month = [sum(hours[i] for hours in by_area.values()) for i in range(len(period_months))]
    areas = sorted(
        (
            (name, [round(h, 1) for h in hours], round(sum(hours), 1))
            for name, hours in by_area.items()
        ),
        key=lambda item: (-item[2], item[0]),
    )
    return PresenceFigures(
        hours=round(sum(row[1] for row in rows) / 60, 1),
        by_area=areas,
        per_month=[(m, round(h, 1)) for m, h in zip(period_months, per_month, strict=True)],
        pointed_hours=round(_pointed_minutes(rows, municipality_code) / 60, 1),
    )


def _pointed_minutes(rows: list[tuple], municipality_code: str) -> float:
    """Minutes of presence near (or in the area of) last year's burglaries, in their busy
    hours; rows are (started, minutes, area name, area id, lat, lon)."""
    if not rows:
        return 0.0
    burglaries = list(
        Incident.objects.counted()
        .in_municipality(municipality_code)
        .of_group(OffenceGroup.RESIDENTIAL_BURGLARY)
        .precise()
        .filter(
            occurred_at__gte=min(row[0] for row in rows) - LOOK_BACK,
            occurred_at__lt=max(row[0] for row in rows),
        )
        .values_list("occurred_at", "lat", "lon", "area_id")
    )
    if not burglaries:
        return 0.0
    when = np.array([b[0].timestamp() for b in burglaries])
    bx, by = sweref_arrays(
        np.array([b[2] for b in burglaries]), np.array([b[1] for b in burglaries])
    )
    b_area = np.array([b[3] or 0 for b in burglaries])
    minutes = 0.0
    for started, length, _name, area_id, lat, lon in rows:
        moment = started.timestamp()
        if lat is not None:
            x, y = to_sweref(lon, lat)
            place = np.hypot(bx - x, by - y) <= NEAR_M
        else:
            place = b_area == area_id
        near = place & (when < moment) & (when >= moment - LOOK_BACK.total_seconds())
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
        Incident.objects.counted()
        .in_municipality(municipality_code)
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
