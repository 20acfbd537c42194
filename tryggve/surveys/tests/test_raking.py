"""Raking (iterative proportional fitting) against a hand-computed example, and the
property that it meets the population's margins whenever they can be met."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tryggve.surveys import stats


def people(cells: dict[tuple[str, str], int]) -> list[dict[str, str | None]]:
    return [{"age": a, "area": b} for (a, b), n in cells.items() for _ in range(n)]


def test_two_by_two_by_hand():
    # Six respondents: (A,X) 3, (A,Y) 1, (B,X) 1, (B,Y) 1; the population is half A, half B
    # and half X, half Y. Raking keeps the sample's odds ratio (3·1)/(1·1) = 3 while the
    # margins become 3 and 3 of 6, so the cell totals are T_AX = T_BY = √3·T and
    # T_AY = T_BX = T with (1+√3)·T = 3: T = 3/(1+√3) = 1.0981. Per respondent: AX gets
    # T_AX/3 = √3/(1+√3) = .6340, AY and BX 1.0981, BY 3√3/(1+√3) = 1.9019 (mean 1).
    respondents = people({("A", "X"): 3, ("A", "Y"): 1, ("B", "X"): 1, ("B", "Y"): 1})
    result = stats.rake(
        respondents,
        {"age": {"A": 50, "B": 50}, "area": {"X": 10, "Y": 10}},
        tolerance=1e-9,
        max_iterations=500,
    )
    root = math.sqrt(3)
    expected = [root / (1 + root)] * 3 + [3 / (1 + root)] * 2 + [3 * root / (1 + root)]
    assert result.converged and result.trimmed == 0 and result.unweightable == {}
    assert result.weights == pytest.approx(expected, abs=1e-6)
    assert sum(result.weights) == pytest.approx(6)


def test_unknown_groups_are_left_out_of_that_margin():
    # The "vill inte svara" respondent has no age: only the area margin sets its weight.
    respondents = [
        {"age": "A", "area": "X"},
        {"age": "B", "area": "X"},
        {"age": "B", "area": "X"},
        {"age": None, "area": "Y"},
    ]
    result = stats.rake(
        respondents,
        {"age": {"A": 1, "B": 1}, "area": {"X": 1, "Y": 1}},
        trim=None,
        max_iterations=1000,
    )
    assert result.converged
    assert stats.weighted_margins(respondents, result.weights, "age", ["A", "B"]) == (
        pytest.approx({"A": 0.5, "B": 0.5}, abs=1e-6)
    )
    assert stats.weighted_margins(respondents, result.weights, "area", ["X", "Y"]) == (
        pytest.approx({"X": 0.5, "Y": 0.5}, abs=1e-6)
    )


def test_a_group_nobody_answered_from_cannot_be_weighted():
    respondents = people({("A", "X"): 4, ("B", "X"): 2})
    result = stats.rake(respondents, {"age": {"A": 30, "B": 30, "C": 40}, "area": {"X": 1}})
    assert result.unweightable == {"age": ["C"]}
    # A and B are matched to their shares among themselves: half each.
    assert result.converged
    assert result.weights == pytest.approx([0.75] * 4 + [1.5] * 2)


def test_extreme_weights_are_trimmed_and_the_rest_absorb_the_difference():
    # One young respondent among 99 old ones, in a population that is half young: raked
    # freely that one would weigh 50; trimmed it weighs five times the mean, and the margin
    # cannot be met any more, which the result says.
    respondents = [{"age": "young"}] + [{"age": "old"}] * 99
    margins = {"age": {"young": 50, "old": 50}}
    free = stats.rake(respondents, margins, trim=None)
    assert free.weights[0] == pytest.approx(50)
    trimmed = stats.rake(respondents, margins)
    assert trimmed.trimmed == 1 and not trimmed.converged
    assert trimmed.weights[0] == pytest.approx(5, rel=1e-6)
    assert sum(trimmed.weights) == pytest.approx(100)


def test_nothing_to_rake():
    assert stats.rake([], {"age": {"A": 1}}).weights == []
    result = stats.rake([{"age": "A"}], {})
    assert result.weights == [1.0] and result.converged


def test_effective_sample_size():
    assert stats.effective_n([1.0] * 10) == pytest.approx(10)
    # (1+3)² / (1+9) = 1.6
    assert stats.effective_n([1.0, 3.0]) == pytest.approx(1.6)
    assert stats.effective_n([]) == 0


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.integers(min_value=1, max_value=12), min_size=2, max_size=4),
        min_size=2,
        max_size=4,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    age_population=st.lists(st.integers(min_value=20, max_value=2000), min_size=4, max_size=4),
    area_population=st.lists(st.integers(min_value=20, max_value=2000), min_size=4, max_size=4),
)
def test_raking_meets_the_margins_when_they_can_be_met(cells, age_population, area_population):
    """With a respondent in every age-by-area cell the margins can always be met."""
    counts = {(f"a{i}", f"r{j}"): n for i, row in enumerate(cells) for j, n in enumerate(row)}
    ages = {f"a{i}": age_population[i] for i in range(len(cells))}
    areas = {f"r{j}": area_population[j] for j in range(len(cells[0]))}
    respondents = people(counts)
    result = stats.rake(
        respondents, {"age": ages, "area": areas}, tolerance=1e-6, max_iterations=2000, trim=None
    )
    assert result.converged
    for margin, population in (("age", ages), ("area", areas)):
        got = stats.weighted_margins(respondents, result.weights, margin, population)
        whole = sum(population.values())
        for group, n in population.items():
            assert got[group] == pytest.approx(n / whole, abs=1e-6)
    assert sum(result.weights) == pytest.approx(len(respondents))
