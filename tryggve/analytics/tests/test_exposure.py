"""Empirical-Bayes exposure: small areas are not crowned for one unlucky night."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tryggve.analytics.exposure import smoothed_rates


def test_one_burglary_in_a_tiny_area_does_not_make_it_exposed():
    # A real hot spot among eight areas of 300 households, and one burglary in an area of 20.
    counts = [30, 2, 1, 2, 1, 0, 2, 1, 1]
    households = [300] * 8 + [20]
    result = smoothed_rates(counts, households)
    assert result.ranks
    tiny = result.rates[-1]
    assert tiny.raw_rate == 50.0  # the raw rate would come second by a mile
    assert tiny.smoothed_rate < 35
    assert tiny.low < result.overall_rate < tiny.high
    assert not tiny.exposed
    assert [r.exposed for r in result.rates] == [True] + [False] * 8


def test_areas_that_differ_no_more_than_chance_are_not_ranked():
    # Ten areas, 2,000 households, four burglaries in all; one in an area of 20 households.
    # Before, every area got the municipality's rate with a narrow interval and 50 %.
    counts = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    households = [300, 250, 200, 180, 220, 260, 240, 170, 160, 20]
    result = smoothed_rates(counts, households)
    assert result.alike and not result.too_few and not result.ranks
    tiny = result.rates[-1]
    assert tiny.raw_rate == 50.0
    assert tiny.count == 1
    for rate in result.rates:
        assert (rate.smoothed_rate, rate.low, rate.high, rate.p_above) == (None,) * 4
        assert not rate.exposed


def test_raw_rates_from_0_to_13_with_a_common_rate_are_alike():
    # The demo's violence in 2026: raw rates from 0 to 13.3, which chance gives at 2.8.
    counts = [4, 1, 0, 2, 1, 0, 1, 0]
    households = [300, 420, 150, 700, 380, 260, 330, 210]
    result = smoothed_rates(counts, households)
    assert max(r.raw_rate for r in result.rates) == 4 / 0.3
    assert result.alike and not result.ranks


def test_a_real_hot_spot_stands_out():
    counts = [30, 2, 1, 2, 1, 0, 2, 1]
    households = [300, 300, 300, 300, 300, 300, 300, 300]
    result = smoothed_rates(counts, households)
    assert result.rates[0].exposed
    assert result.rates[0].p_above > 0.99
    assert result.rates[0].low > result.overall_rate
    assert sum(r.exposed for r in result.rates) == 1


ARVIDSJAUR_HOUSEHOLDS = [320, 120, 150, 105, 190, 300, 280, 190, 210, 260, 180, 170]


def test_an_assessment_one_incident_would_undo_is_marked_fragile():
    """Three burglaries in Tallbacka and none elsewhere: the model says 99 % that its rate
    is above the municipality's, yet with two there would be nothing to rank at all."""
    counts = [0] * 9 + [3, 0, 0]
    result = smoothed_rates(counts, ARVIDSJAUR_HOUSEHOLDS)
    tallbacka = result.rates[9]
    assert tallbacka.exposed and tallbacka.p_above > 0.98
    assert tallbacka.fragile
    # Three and three in Centrum and Tallbacka: each would drop below 90 % with one fewer.
    both = smoothed_rates([3] + [0] * 8 + [3, 0, 0], ARVIDSJAUR_HOUSEHOLDS)
    assert [(r.exposed, r.fragile) for r in both.rates if r.count] == [(True, True)] * 2


def test_a_clear_assessment_is_not_fragile():
    counts = [10, 1, 2, 0, 3, 2, 1, 8, 3, 1, 1, 1]
    result = smoothed_rates(counts, ARVIDSJAUR_HOUSEHOLDS)
    exposed = [r for r in result.rates if r.exposed]
    assert [r.count for r in exposed] == [10, 8]
    assert not any(r.fragile for r in exposed)
    assert not any(r.fragile for r in result.rates if not r.exposed)


def test_too_few_incidents_are_said_plainly():
    result = smoothed_rates([1, 0, 0], [100, 200, 300])
    assert result.too_few and not result.ranks
    assert all(r.p_above is None and r.smoothed_rate is None for r in result.rates)
    assert [r.raw_rate for r in result.rates] == [10.0, 0.0, 0.0]


def test_areas_without_households_get_no_rate():
    result = smoothed_rates([2, 30, 1, 0], [0, 300, 300, 300])
    assert result.ranks
    assert result.rates[0].raw_rate is None and result.rates[0].smoothed_rate is None
    assert result.rates[1].smoothed_rate is not None


def test_no_incidents_at_all():
    result = smoothed_rates([0, 0], [100, 100])
    assert result.overall_rate == 0
    assert result.too_few and not result.ranks
    assert all(r.raw_rate == 0 and r.smoothed_rate is None for r in result.rates)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 5000)), min_size=1, max_size=30))
def test_smoothed_rates_are_finite_and_ordered(rows):
    counts, households = zip(*rows, strict=True)
    result = smoothed_rates(counts, households)
    assert len(result.rates) == len(rows)
    for rate in result.rates:
        if rate.smoothed_rate is None:
            continue
        assert math.isfinite(rate.smoothed_rate)
        # With very skewed posteriors the mean may lie past the 95 % point, so only the
        # interval's own order and the sign are certain.
        assert 0 <= rate.low <= rate.high
        assert rate.smoothed_rate >= 0
        if rate.p_above is not None:
            assert 0 <= rate.p_above <= 1
