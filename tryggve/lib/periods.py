"""Periods for the figures every app reports: dates in, local-time instants out.

A period is two dates, `start` included and `end` excluded (half-open), the way
`Incident.between` and `analytics.ranking.year_bounds` count: a calendar year is
`(date(y, 1, 1), date(y + 1, 1, 1))`, and consecutive periods never count an event twice.
A date means the local day in the service's zone (Europe/Stockholm): 31 December 23:59
Swedish time belongs to that year even though it is 22:59 UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware instants of local midnight at `start` and at `end` (end excluded)."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end, time.min, tzinfo=zone),
    )


def year_period(year: int) -> tuple[date, date]:
    """The calendar year as a half-open pair of dates."""
    return date(year, 1, 1), date(year + 1, 1, 1)


def year_so_far(year: int, today: date) -> tuple[date, date]:
    """The calendar year, cut at the end of `today` while it is running: the period a
    figure of the current year counts, and (`shift_year` of both) the same period a year
    earlier that it is compared with."""
    start, end = year_period(year)
    return start, max(start, min(end, today + timedelta(days=1)))


def months(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) of every month the period touches, in order."""
    result = []
    year, month = start.year, start.month
    while date(year, month, 1) < end:
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def month_of(moment: datetime) -> tuple[int, int]:
    """The local (year, month) an instant falls in."""
    local = timezone.localtime(moment)
    return local.year, local.month


def shift_year(day: date, years: int) -> date:
    """The same date `years` earlier or later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
