"""The statistics against hand-computed and published values (no database)."""

import math

import pytest

from tryggve.surveys import stats


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # By hand: p = .18, z² = 3.8415; centre = (.18 + .019208) / 1.038415 = .191839,
        # half = 1.96 · sqrt(.001476 + .00009604) / 1.038415 = .074837.
        (18, 100, 0.1170, 0.2667),
    ],
)
def test_wilson_matches_hand_computed_values(k, n, low, high):
    got_low, got_high = stats.wilson(k, n)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_wilson_of_nothing_and_bad_input():
    assert stats.wilson(0, 0) == (0.0, 0.0)
    assert stats.wilson(5, 5)[1] == 1.0
    with pytest.raises(ValueError):
        stats.wilson(6, 5)


def test_two_proportion_test_by_hand():
    # 18/100 vs 24/100: pooled .21, se = sqrt(.21 · .79 · .02) = .057602, z = .06 / .057602.
    test = stats.two_proportion_test(18, 100, 24, 100)
    assert test.z == pytest.approx(1.0416, abs=1e-4)
    assert test.p_value == pytest.approx(0.2976, abs=1e-3)
    assert not test.significant
    # 50/100 vs 70/100: pooled .6, se = sqrt(.24 · .02) = .069282, z = 2.8868, p = .0039.
    test = stats.two_proportion_test(50, 100, 70, 100)
    assert test.z == pytest.approx(2.8868, abs=1e-4)
    assert test.p_value == pytest.approx(0.00389, abs=1e-4)
    assert test.significant


def test_two_proportion_test_symmetry_and_degenerate_cases():
    up, down = stats.two_proportion_test(5, 50, 20, 60), stats.two_proportion_test(20, 60, 5, 50)
    assert up.z == pytest.approx(-down.z)
    assert up.p_value == pytest.approx(down.p_value)
    assert stats.two_proportion_test(0, 10, 0, 10).p_value == 1.0
    with pytest.raises(ValueError):
        stats.two_proportion_test(1, 0, 1, 5)
    assert math.isclose(stats.two_proportion_test(10, 40, 10, 40).z, 0.0)


def test_trend_sentence_in_plain_swedish():
    assert stats.trend_sentence("otrygga", 18, 100, 24, 100) == (
        "Andelen otrygga ökade från 18 % till 24 %; skillnaden kan bero på slumpen."
    )
    assert stats.trend_sentence("otrygga", 70, 100, 50, 100) == (
        "Andelen otrygga minskade från 70 % till 50 %; "
        "skillnaden är större än vad slumpen brukar ge."
    )
    assert "var 20 % båda åren" in stats.trend_sentence("otrygga", 20, 100, 40, 200)


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (4, True), (5, False)])
def test_suppression_below_five(count, hidden):
    assert stats.suppressed(count) is hidden


# Secondary suppression, checked by hand: a lone hidden count is total minus the others.
def test_complementary_one_small_cell_hides_the_next_smallest():
    # 188 = 112 + 72 + 0 + 4: the 4 alone would be 188 - 112 - 72 - 0; the 0 goes too.
    assert stats.complementary([112, 72, 0, 4]) == {2, 3}
    # No zero: the next smallest is 72, large as it is.
    assert stats.complementary([112, 72, 4]) == {1, 2}


def test_complementary_two_small_cells_need_nothing_more():
    assert stats.complementary([100, 3, 2, 50]) == {1, 2}


def test_complementary_no_small_cell_hides_nothing():
    assert stats.complementary([100, 5, 50]) == set()


def test_complementary_zero_cells_are_not_small():
    assert stats.complementary([0, 0, 30]) == set()
    assert stats.complementary([]) == set()


def test_complementary_table_covers_rows_and_columns():
    # Row 0 has one small cell (2): its next smallest (20, column 1) goes too. Column 1
    # then holds one hidden cell, so its next smallest (30, row 1) goes, and row 1 then
    # holds one hidden cell, so 40 goes: every line has 0 or at least 2 hidden.
    table = [[2, 20, 50], [40, 30, 60], [70, 80, 90]]
    hidden = stats.complementary_table(table)
    assert hidden == {(0, 0), (0, 1), (1, 1), (1, 0)}
