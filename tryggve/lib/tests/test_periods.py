"""Periods: dates in, local-midnight instants out; the year boundary is Swedish midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tryggve.lib.periods import (
    local_bounds,
    month_of,
    months,
    shift_year,
    year_period,
    year_so_far,
)


def test_a_year_starts_and_ends_at_swedish_midnight():
    start, end = local_bounds(*year_period(2025))
    assert start == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


def test_the_last_minute_of_the_year_is_that_year():
    last_minute = datetime(2025, 12, 31, 22, 59, tzinfo=UTC)  # 23:59 in Stockholm
    _start, end = local_bounds(*year_period(2025))
    assert last_minute < end
    assert month_of(last_minute) == (2025, 12)
    assert month_of(end) == (2026, 1)


def test_months_of_a_period():
    assert months(date(2025, 11, 15), date(2026, 2, 1)) == [(2025, 11), (2025, 12), (2026, 1)]
    assert len(months(*year_period(2025))) == 12
    assert months(date(2025, 1, 1), date(2025, 1, 1)) == []


def test_shifting_a_leap_day():
    assert shift_year(date(2024, 2, 29), -1) == date(2023, 2, 28)
    assert shift_year(date(2026, 6, 16), -1) == date(2025, 6, 16)


def test_a_running_year_so_far_ends_with_today():
    assert year_so_far(2026, date(2026, 11, 30)) == (date(2026, 1, 1), date(2026, 12, 1))
    assert year_so_far(2025, date(2026, 11, 30)) == (date(2025, 1, 1), date(2026, 1, 1))
    assert year_so_far(2027, date(2026, 11, 30)) == (date(2027, 1, 1), date(2027, 1, 1))
