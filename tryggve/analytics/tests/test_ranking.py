"""The exposure ranking's periods (`ranking.exposure_ranking`, `ranking_period`): a year
that is still running is counted up to today and compared with the same period a year
earlier, never with a whole year."""

from datetime import date, datetime

from django.utils import timezone

from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.ranking import exposure_ranking, ranking_period

BURGLARY = OffenceGroup.RESIDENTIAL_BURGLARY


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_a_running_year_is_counted_to_today_and_so_is_the_year_before():
    period = ranking_period(2026, date(2026, 11, 30))
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 12, 1))
    assert (period.previous_start, period.previous_end) == (date(2025, 1, 1), date(2025, 12, 1))
    assert period.partial and period.last_day == date(2026, 11, 30)
    assert period.previous_last_day == date(2025, 11, 30)


def test_a_year_gone_by_is_the_whole_year_against_the_whole_year_before():
    period = ranking_period(2025, date(2026, 11, 30))
    assert (period.start, period.end) == (date(2025, 1, 1), date(2026, 1, 1))
    assert (period.previous_start, period.previous_end) == (date(2024, 1, 1), date(2025, 1, 1))
    assert not period.partial


def test_29_february_is_compared_up_to_28_february():
    period = ranking_period(2028, date(2028, 2, 29))
    assert period.previous_last_day == date(2027, 2, 28)


def test_the_year_before_counts_only_the_same_period(make_incident, area_points):
    today = date(2026, 11, 30)
    make_incident(at=area_points["Tallbacka"], when=at(2026, 3, 2, 21))
    # A year earlier: one within the same period, two after it (December), which a
    # comparison with the whole year would count as a fall from 3 to 1.
    make_incident(at=area_points["Tallbacka"], when=at(2025, 11, 30, 22))
    make_incident(at=area_points["Tallbacka"], when=at(2025, 12, 1, 1))
    make_incident(at=area_points["Tallbacka"], when=at(2025, 12, 20, 18))
    _smoothing, ranked, _outside = exposure_ranking(group=BURGLARY, year=2026, today=today)
    tallbacka = next(r for r in ranked if r.area.name == "Tallbacka")
    assert (tallbacka.rate.count, tallbacka.previous, tallbacka.change) == (1, 1, 0)
    _smoothing, ranked, _outside = exposure_ranking(group=BURGLARY, year=2025, today=today)
    tallbacka = next(r for r in ranked if r.area.name == "Tallbacka")
    assert (tallbacka.rate.count, tallbacka.previous) == (3, 0)
