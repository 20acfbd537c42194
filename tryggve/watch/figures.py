"""Figures of neighbourhood watch that other apps read (the follow-up calls these).

Watch figures are a state, not a flow: each is counted *as at the end* of the period
(`end` excluded, `tryggve.lib.periods`), from the dates the rows carry, so last year's
figures can be recounted today. What happened *during* the period (areas offered, areas
started, households joined) is counted as well. Households that left are deleted, so a
past year's households are those still signed up that had confirmed by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum

from tryggve.areas.models import ResidentialArea, of_own_municipality
from tryggve.lib.periods import local_bounds, month_of, months
from tryggve.watch.models import CONTACT_PERSON_ROLES, Household, WatchArea, WatchState


@dataclass(frozen=True)
class WatchFigures:
    """Neighbourhood watch in a municipality at the end of a period.

    - `offered`: areas offered by then (ended areas included: they were offered).
    - `gathering`: offered, not started and not ended: still collecting households.
    - `started`: started by then and not ended since.
    - `households`: confirmed sign-ups by then in areas not ended; `contact_persons` those
      of them approved as contact person or lead contact person.
    - `covered_households` of `municipality_households`: the households of the started
      areas (the area's own count, since the watch covers all of it) against all households
      of the municipality's residential areas.
    - `*_in_period` and `joined_per_month`: what happened in [start, end).
    """

    offered: int
    gathering: int
    started: int
    households: int
    contact_persons: int
    covered_households: int
    municipality_households: int
    offered_in_period: int
    started_in_period: int
    joined_in_period: int
    joined_per_month: list[tuple[tuple[int, int], int]]

    @property
    def covered_share(self) -> float | None:
        if not self.municipality_households:
            return None
        return min(1.0, self.covered_households / self.municipality_households)


def watch_figures(*, municipality_code: str, start: date, end: date) -> WatchFigures:
    """Neighbourhood watch at the end of [start, end) and during it; four queries, five
    with areas drawn anew (their boundaries' municipalities)."""
    begin, finish = local_bounds(start, end)
    # An area ended within the period or later still counted before it ended; the end's
    # date is not kept as a column, so an ended area counts as ended for every period.
    not_ended = ~Q(state=WatchState.ENDED)
    offered = Q(offered__lt=finish)
    started = Q(started__isnull=False, started__lt=finish)
    areas = WatchArea.objects.for_code(municipality_code).aggregate(
        n_offered=Count("pk", filter=offered),
        n_gathering=Count("pk", filter=offered & not_ended & ~started),
        n_started=Count("pk", filter=started & not_ended),
        n_covered=Sum("households", filter=started & not_ended),
        n_offered_in_period=Count("pk", filter=Q(offered__gte=begin, offered__lt=finish)),
        n_started_in_period=Count("pk", filter=Q(started__gte=begin, started__lt=finish)),
    )
    joined = list(
        Household.objects.filter(
            of_own_municipality(
                municipality_code, area_path="residential_area", prefix="area__"
            ),
            confirmed__isnull=False,
            confirmed__lt=finish,
        )
        .exclude(area__state=WatchState.ENDED)
        .values_list("confirmed", "contact_role")
    )
    in_period = [when for when, _role in joined if when >= begin]
    per_month = dict.fromkeys(months(start, end), 0)
    for when in in_period:
        per_month[month_of(when)] += 1
    total = ResidentialArea.objects.filter(municipality__code=municipality_code).aggregate(
        n=Sum("households")
    )["n"]
    return WatchFigures(
        offered=areas["n_offered"],
        gathering=areas["n_gathering"],
        started=areas["n_started"],
        households=len(joined),
        contact_persons=sum(role in CONTACT_PERSON_ROLES for _when, role in joined),
        covered_households=areas["n_covered"] or 0,
        municipality_households=total or 0,
        offered_in_period=areas["n_offered_in_period"],
        started_in_period=areas["n_started_in_period"],
        joined_in_period=len(in_period),
        joined_per_month=list(per_month.items()),
    )
