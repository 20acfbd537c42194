"""The statistics against hand-computed and published values (no database)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _rows_and_columns(table):
    lines = [[(r, c) for c in range(len(row))] for r, row in enumerate(table)]
    return lines + [[(r, c) for r in range(len(table))] for c in range(len(table[0]))]


def _ranges(table, hidden, lines, bounds=(0, None)):
    """Each hidden cell's smallest and largest value given the shown sums (and x >= 0
    unless `bounds` says otherwise), by linear programming (scipy), independent of the
    null-space test under check."""
    from scipy.optimize import linprog

    unknown = sorted(hidden)
    index = {pos: i for i, pos in enumerate(unknown)}
    a_eq, b_eq = [], []
    for line in lines:
        row = [0.0] * len(unknown)
        known = 0
        for pos in line:
            if pos in index:
                row[index[pos]] = 1.0
            else:
                known += table[pos[0]][pos[1]]
        if any(row):
            a_eq.append(row)
            b_eq.append(sum(table[p[0]][p[1]] for p in line) - known)
    ranges = {}
    for pos, i in index.items():
        goal = [0.0] * len(unknown)
        goal[i] = 1.0
        low = linprog(goal, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds)
        goal[i] = -1.0
        high = linprog(goal, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds)
        bottom = low.fun if low.status == 0 else float("-inf")
        top = -high.fun if high.status == 0 else float("inf")
        ranges[pos] = (bottom, top)
    return ranges


def _pinned(table, hidden, lines, bounds=(0, None)):
    ranges = _ranges(table, hidden, lines, bounds)
    return {pos for pos, (low, high) in ranges.items() if high - low < 0.5}


def test_protect_covers_rows_and_columns():
    # Row 0 has one small cell (2): hiding it alone would give it away through its row and
    # column; afterwards no hidden cell is pinned by any combination of the sums.
    table = [[2, 20, 50], [40, 30, 60], [70, 80, 90]]
    lines = _rows_and_columns(table)
    hidden, withheld = stats.protect(table, hidden={(0, 0)}, lines=lines)
    assert (0, 0) in hidden and len(hidden) >= 4 and not withheld
    assert stats.derivable(lines, hidden) == set()
    assert _pinned(table, hidden, lines) == set()


def test_derivable_finds_a_cell_pinned_through_two_lines():
    # With rows and columns of a 2 x 2 block hidden, all four are free (a cycle); with
    # three hidden, row 1 holds one alone and, through it, every other one follows.
    table = [[3, 4], [6, 7]]
    lines = _rows_and_columns(table)
    assert stats.derivable(lines, {(0, 0), (0, 1), (1, 0), (1, 1)}) == set()
    assert stats.derivable(lines, {(0, 0), (0, 1), (1, 0)}) == {(0, 0), (0, 1), (1, 0)}


def test_the_indicator_no_longer_gives_a_small_option_away():
    # The probe's 25-44 age group: 39 answered; "otrygga" (ganska + mycket otrygg + går
    # inte ut av oro) 14; mycket otrygg 5 and oro 5 shown, so ganska otrygg (4) followed.
    row = [9, 12, 4, 5, 5, 4]
    lines = [[(0, c) for c in range(6)]]
    indicator = [(0, 2), (0, 3), (0, 4)]
    primary = {(0, 2), (0, 5)}
    assert (0, 2) in stats.derivable(lines + [indicator], primary)
    hidden, withheld = stats.protect([row], hidden=primary, lines=lines, optional={0: indicator})
    shown = lines + ([] if withheld else [indicator])
    assert stats.derivable(shown, hidden) == set()
    assert _pinned([row], hidden, shown) == set()


def test_a_lone_small_group_of_the_gender_question_is_not_pinned():
    # 188 answered: man 112, kvinna 72, annat 0, vill inte svara 4.
    row = [112, 72, 0, 4]
    lines = [[(0, c) for c in range(4)]]
    hidden, _w = stats.protect([row], hidden={(0, 3)}, lines=lines)
    assert len(hidden) == 2 and _pinned([row], hidden, lines) == set()


@given(
    st.integers(min_value=2, max_value=4).flatmap(
        lambda width: st.tuples(
            st.lists(
                st.lists(st.integers(min_value=0, max_value=14), min_size=width, max_size=width),
                min_size=2,
                max_size=4,
            ),
            st.sets(st.integers(min_value=0, max_value=width - 1), min_size=1, max_size=width),
        )
    )
)
@settings(max_examples=150, deadline=None)
def test_protect_leaves_no_hidden_cell_pinned(case):
    """Any small table with row totals, column totals and an indicator per row: after
    protection no small hidden cell has a single possible value, whether one reasons by
    arithmetic alone or also uses that counts are never negative (linear programming)."""
    table, columns = case
    width = len(table[0])
    indicator = sorted(columns)
    # As the results pages do. The overall table first: each option's count over all
    # groups, its total and its indicator count; what it hides is not a shown sum below.
    totals = [[sum(row[c] for row in table) for c in range(width)]]
    overall, overall_withheld = stats.protect(
        totals,
        hidden={(0, c) for c in range(width) if stats.suppressed(totals[0][c])},
        lines=[[(0, c) for c in range(width)]],
        optional={0: [(0, c) for c in indicator]},
    )
    # A group of 1-4 is hidden whole and its size not shown; the sizes add up to the
    # respondents, so a lone small group takes the next smallest with it.
    small_rows = stats.complementary([sum(row) for row in table])
    lines = [[(r, c) for c in range(width)] for r in range(len(table)) if r not in small_rows]
    lines += [[(r, c) for r in range(len(table))] for c in range(width) if (0, c) not in overall]
    if not overall_withheld:
        lines.append([(r, c) for r in range(len(table)) for c in indicator])
    primary = {(r, c) for r, row in enumerate(table) for c, v in enumerate(row) if 0 < v < 5}
    primary |= {(r, c) for r in small_rows for c in range(width)}
    optional = {r: [(r, c) for c in indicator] for r in range(len(table)) if r not in small_rows}
    hidden, withheld = stats.protect(table, hidden=primary, lines=lines, optional=optional)
    assert primary <= hidden
    shown = lines + [cells for r, cells in optional.items() if r not in withheld]
    small = {(r, c) for r, c in hidden if stats.suppressed(table[r][c])}
    # A shown sum of 0 makes each of its cells known, hidden or not.
    known = {pos for line in shown if not sum(table[r][c] for r, c in line) for pos in line}
    assert not _pinned(table, hidden - known, shown, bounds=(None, None)) & small
    assert not _pinned(table, hidden - known, shown) & small  # with x >= 0 too


def test_bounds_pin_what_arithmetic_alone_does_not():
    # a + b = 2, c + d = 2, a + c = 4: no count is negative, so a = c = 2 and b = d = 0.
    table = [[2, 0], [2, 0]]
    lines = [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0), (1, 0)]]
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert stats.derivable(lines, hidden) == set()
    assert stats.pinned_by_bounds(lines, hidden, lambda p: table[p[0]][p[1]]) == hidden
    assert _pinned(table, hidden, lines) == hidden  # as linear programming finds


def test_multiple_choice_respondents_and_the_exclusive_option_pin_nothing():
    """The probe's Centrum: 9 answered "victim of ..." (multiple choice); "Nej, inget av
    detta" 8; every crime 0 but theft, hidden. Each respondent ticked at least one option
    and "Nej" excludes the rest, so theft had to be 1: now more is hidden."""
    from scipy.optimize import linprog

    row = [0, 1, 0, 0, 0, 0, 8]  # inbrott, stöld, skadegörelse, hot, våld, bedrägeri, nej
    cells = [(0, c) for c in range(7)]
    choice_rows = [(cells, (0, 6), 9)]
    assert (0, 1) in stats.pinned_by_bounds(
        [], {(0, 1)}, lambda p: row[p[1]], caps={(0, 1): 1}, at_least=[(cells, 9)]
    )
    hidden, _w = stats.protect([row], hidden={(0, 1)}, lines=[], choice_rows=choice_rows)
    assert (0, 1) in hidden and len(hidden) >= 2
    # Linear programming over what anyone knows: 0 <= x, sum >= 9, each crime <= 9 - nej.
    unknown = sorted(hidden)
    known = sum(row[c] for _r, c in cells if (0, c) not in hidden)
    nej_hidden = (0, 6) in hidden
    a_ub, b_ub = [[-1.0] * len(unknown)], [-(9 - known)]  # at least one option each
    for i, (_r, c) in enumerate(unknown):
        if c != 6:
            line = [0.0] * len(unknown)
            line[i] = 1.0
            if nej_hidden:
                line[unknown.index((0, 6))] = 1.0
                a_ub.append(line)
                b_ub.append(9)
            else:
                a_ub.append(line)
                b_ub.append(9 - row[6])
    i = unknown.index((0, 1))
    goal = [0.0] * len(unknown)
    goal[i] = 1.0
    low = linprog(goal, A_ub=a_ub, b_ub=b_ub, bounds=(0, None)).fun
    goal[i] = -1.0
    high = -linprog(goal, A_ub=a_ub, b_ub=b_ub, bounds=(0, None)).fun
    assert high - low >= 0.5
