"""The exposure ranking of residential areas for an offence group and year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tryggve.analytics.exposure import AreaRate, smoothed_rates
from tryggve.analytics.models import Incident
from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import home_municipality_code
from tryggve.lib.periods import local_bounds, shift_year, year_period, year_so_far


@dataclass(frozen=True)
class RankedArea:
    area: ResidentialArea
    rate: AreaRate
    previous: int  # count the year before
    synthetic: int  # of this year's count, how many are synthetic demo incidents

    @property
    def change(self) -> int:
        return self.rate.count - self.previous


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


@dataclass(frozen=True)
class RankingPeriod:
    """What a ranking counts: the year, up to the end of today while it runs, and the same
    period a year earlier ("Året före"), never a whole year against part of one."""

    start: date
    end: date  # excluded
    previous_start: date
    previous_end: date  # excluded

    @property
    def partial(self) -> bool:
        return self.end != year_period(self.start.year)[1]

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def previous_last_day(self) -> date:
        return self.previous_end - timedelta(days=1)


def ranking_period(year: int, today: date | None = None) -> RankingPeriod:
    start, end = year_so_far(year, today or timezone.localdate())
    return RankingPeriod(start, end, shift_year(start, -1), shift_year(end, -1))


def exposure_ranking(
    *,
    group: str,
    year: int,
    codes: Sequence[str] | None = None,
    today: date | None = None,
):
    """Areas ranked by smoothed rate per 1,000 households, most exposed first; when the
    areas cannot be told apart (`Smoothing.ranks` false) in a neutral order, by name, so that
    no order suggests a ranking the numbers do not carry.

    `codes` names the municipalities ranked together (default: the one served now). Several
    (the whole police area) are smoothed towards their common rate, so an area is called
    exposed against the police area's level; the counts are those of each municipality's
    own ranking, so the whole area's add up to the sum of its municipalities'.

    While the year runs (`today`, default the local date) it is counted up to the end of
    today, and the count the year before (`RankedArea.previous`) is of the same period a
    year earlier (`ranking_period`)."""
    codes = tuple(codes) if codes else (home_municipality_code(),)
    period = ranking_period(year, today)
    start, end = local_bounds(period.start, period.end)
    previous_start, previous_end = local_bounds(period.previous_start, period.previous_end)
    areas = list(
        ResidentialArea.objects.filter(municipality__code__in=codes)
        .select_related("municipality")
        .annotate(
            current=Count(
                "incidents",
                filter=Q(
                    incidents__offence_group=group,
                    incidents__occurred_at__gte=start,
                    incidents__occurred_at__lt=end,
                ),
            ),
            previous=Count(
                "incidents",
                filter=Q(
                    incidents__offence_group=group,
                    incidents__occurred_at__gte=previous_start,
                    incidents__occurred_at__lt=previous_end,
                ),
            ),
            synthetic_count=Count(
                "incidents",
                filter=Q(
                    incidents__offence_group=group,
                    incidents__occurred_at__gte=start,
                    incidents__occurred_at__lt=end,
                    incidents__synthetic=True,
                ),
            ),
        ).order_by("name")
    )
    smoothing = smoothed_rates([a.current for a in areas], [a.households for a in areas])
    ranked = [
        RankedArea(area, rate, area.previous, area.synthetic_count)
        for area, rate in zip(areas, smoothing.rates, strict=True)
    ]
    # Otherwise the query's order, by name, stays.
    if smoothing.ranks:
        ranked.sort(
            key=lambda r: (r.rate.smoothed_rate is None, -(r.rate.smoothed_rate or 0), r.area.name)
        )
    outside = (
        Incident.objects.counted()
        .of_group(group)
        .between(start, end)
        .filter(municipality_code__in=codes, area__isnull=True)
    )
    return smoothing, ranked, outside.count()
