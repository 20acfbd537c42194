"""Exposure of residential areas: honest rates for small numbers.

Arvidsjaur has a handful of residential burglaries a year, spread over areas of a few hundred
households. A raw rate per 1,000 households crowns whichever small area had one unlucky night.
So each area's rate is smoothed towards the municipality's with empirical Bayes: counts are
Poisson given the area's true rate, true rates are Gamma around the municipality's rate, and
the Gamma's spread is fitted to the areas by maximising the negative-binomial marginal
likelihood (Clayton and Kaldor 1987). The method of moments was tried first and rejected:
one burglary in a 20-household area inflates its variance estimate enough to flag that area.
Each rate is reported with a 90 % interval and the probability that the area really lies
above the municipality's rate. An area is called exposed only when that
probability is high, not because it tops a list.

When the areas differ no more than chance makes them, the fitted Gamma has no spread left:
every area is pulled onto the municipality's rate with a narrow interval and a probability
of one half, which reads as certainty where there is none. Then nothing is ranked at all
(`Smoothing.alike`): the areas get their counts and raw rates only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize, stats

# Below this many incidents in the whole municipality, no area can be told apart.
MIN_TOTAL = 3
EXPOSED_PROBABILITY = 0.9
# Whether the areas differ at all is a likelihood-ratio test of the Gamma-Poisson model against
# one common rate (a Gamma of no spread). The common rate lies on the boundary of the larger
# model, so the statistic is not chi-square with one degree of freedom but an even mix of
# zero and that (Self and Liang 1987): its 5 % critical value is the chi-square's 90 % point,
# 2.71. The test, rather than "the fitted shape is at its bound", is the criterion because
# the shape creeps towards its bound gradually: a shape of 50 already pulls every area onto
# the municipality's rate with a narrow interval, yet is far from any bound one could name.
# A fitted shape at the bound gives a statistic of zero, so that case is covered too.
HETEROGENEITY_LEVEL = 0.05
HETEROGENEITY_CRITICAL = float(stats.chi2.ppf(1 - 2 * HETEROGENEITY_LEVEL, 1))


@dataclass(frozen=True)
class AreaRate:
    count: int
    households: int
    raw_rate: float | None  # per 1,000 households; None without households
    smoothed_rate: float | None
    low: float | None  # 90 % interval of the smoothed rate
    high: float | None
    p_above: float | None  # probability that the area's true rate is above the municipality's
    # Exposed, but one incident fewer in the area would not make it so (`_mark_fragile`):
    # the page says the assessment rests on a single incident.
    fragile: bool = False

    @property
    def exposed(self) -> bool:
        return self.p_above is not None and self.p_above >= EXPOSED_PROBABILITY


@dataclass(frozen=True)
class Smoothing:
    rates: list[AreaRate]
    overall_rate: float  # per 1,000 households, all areas together
    prior_variance: float
    too_few: bool  # True when the numbers cannot tell areas apart at all
    # True when the areas differ no more than chance makes them (a common rate explains the
    # counts as well as differing ones): then no area has a smoothed rate, interval or
    # probability, only its count and raw rate.
    alike: bool = False

    @property
    def ranks(self) -> bool:
        """Whether the areas may be ranked: enough events, and more difference than chance."""
        return not (self.too_few or self.alike)


def smoothed_rates(
    counts: Sequence[int], households: Sequence[int], *, check_fragile: bool = True
) -> Smoothing:
    """Empirical-Bayes rates per 1,000 households for areas with these counts. With
    `check_fragile`, each exposed area is marked `fragile` when one incident fewer in it
    would leave it not exposed (or nothing ranked)."""
    y = np.asarray(counts, dtype=float)
    households_arr = np.asarray(households, dtype=float)
    e = households_arr / 1000.0
    has = e > 0
    total_e = e[has].sum()
    total_y = y[has].sum()
    if total_e <= 0:
        return Smoothing(
            rates=[
                AreaRate(int(c), int(h), None, None, None, None, None)
                for c, h in zip(y, households_arr, strict=True)
            ],
            overall_rate=0.0,
            prior_variance=0.0,
            too_few=True,
        )
    m = total_y / total_e
    raw = np.divide(y, e, out=np.zeros_like(y), where=has)
    too_few = bool(total_y < MIN_TOTAL)
    alpha = None
    alike = True
    if m > 0:
        alpha, alike = _fit_shape(y[has], e[has], m)
    if too_few or alike or alpha is None:
        # No smoothed rate to show: it would be the municipality's for every area, with an
        # interval as narrow as if that were known (see the module's docstring).
        return Smoothing(
            rates=[
                AreaRate(int(c), int(h), float(r) if ei > 0 else None, None, None, None, None)
                for c, h, ei, r in zip(y, households_arr, e, raw, strict=True)
            ],
            overall_rate=float(m),
            prior_variance=0.0,
            too_few=too_few,
            alike=alike,
        )
    beta = alpha / m
    rates = []
    for count, hh, ei, ri in zip(y, households_arr, e, raw, strict=True):
        if ei <= 0:
            rates.append(AreaRate(int(count), int(hh), None, None, None, None, None))
            continue
        shape, rate = alpha + count, beta + ei
        low, high = stats.gamma.ppf([0.05, 0.95], shape, scale=1 / rate)
        rates.append(
            AreaRate(
                int(count),
                int(hh),
                float(ri),
                float(shape / rate),
                float(low),
                float(high),
                float(stats.gamma.sf(m, shape, scale=1 / rate)),
            )
        )
    if check_fragile:
        rates = _mark_fragile(rates, counts, households)
    return Smoothing(
        rates=rates, overall_rate=float(m), prior_variance=float(m / beta), too_few=False
    )


def _mark_fragile(
    rates: list[AreaRate], counts: Sequence[int], households: Sequence[int]
) -> list[AreaRate]:
    """Each exposed area's assessment tried with one incident fewer in it. The probability
    is the model's, which takes the spread between areas as known although it is fitted to
    these very counts: with a handful of incidents (three in one area, none elsewhere) it
    reads 99 % where one incident fewer leaves nothing to rank. Such an assessment is marked,
    so that the page does not present it as settled."""
    marked = []
    for index, rate in enumerate(rates):
        if rate.exposed:
            fewer = list(counts)
            fewer[index] -= 1
            again = smoothed_rates(fewer, households, check_fragile=False)
            if not (again.ranks and again.rates[index].exposed):
                rate = replace(rate, fragile=True)
        marked.append(rate)
    return marked


def _fit_shape(y: np.ndarray, e: np.ndarray, m: float) -> tuple[float, bool]:
    """The Gamma prior's shape with its mean fixed at m, by marginal likelihood, and whether
    the areas are alike: one common rate m explains the counts as well as the fitted spread
    (the likelihood-ratio test of HETEROGENEITY_CRITICAL).

    A huge shape means the areas differ no more than chance makes them: every area then
    gets the municipality's rate.
    """

    def negative_log_likelihood(log_shape: float) -> float:
        shape = np.exp(log_shape)
        rate = shape / m
        return -float(stats.nbinom.logpmf(y, shape, rate / (rate + e)).sum())

    best = optimize.minimize_scalar(negative_log_likelihood, bounds=(-6.0, 14.0), method="bounded")
    common = float(stats.poisson.logpmf(y, m * e).sum())
    statistic = 2 * (-float(best.fun) - common)
    return float(np.exp(best.x)), statistic < HETEROGENEITY_CRITICAL
