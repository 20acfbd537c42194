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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

# Below this many incidents in the whole municipality, no area can be told apart.
MIN_TOTAL = 3
EXPOSED_PROBABILITY = 0.9


@dataclass(frozen=True)
class AreaRate:
    count: int
    households: int
    raw_rate: float | None  # per 1,000 households; None without households
    smoothed_rate: float | None
    low: float | None  # 90 % interval of the smoothed rate
    high: float | None
    p_above: float | None  # probability that the area's true rate is above the municipality's

    @property
    def exposed(self) -> bool:
        return self.p_above is not None and self.p_above >= EXPOSED_PROBABILITY


@dataclass(frozen=True)
class Smoothing:
    rates: list[AreaRate]
    overall_rate: float  # per 1,000 households, all areas together
    prior_variance: float
    too_few: bool  # True when the numbers cannot tell areas apart at all


def smoothed_rates(counts: Sequence[int], households: Sequence[int]) -> Smoothing:
    """Empirical-Bayes rates per 1,000 households for areas with these counts."""
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
    too_few = total_y < MIN_TOTAL
    alpha = beta = None
    variance = 0.0
    if m > 0:
        alpha = _fit_shape(y[has], e[has], m)
        beta = alpha / m
        variance = m / beta
    rates = []
    for count, hh, ei, ri in zip(y, households_arr, e, raw, strict=True):
        if ei <= 0:
            rates.append(AreaRate(int(count), int(hh), None, None, None, None, None))
            continue
        if alpha is None:
            rates.append(
                AreaRate(
                    int(count),
                    int(hh),
                    0.0,
                    0.0,
                    0.0,
                    float(stats.gamma.ppf(0.95, 1 + count, scale=1 / ei)),
                    0.0,
                )
            )
            continue
        shape, rate = alpha + count, beta + ei
        low, high = stats.gamma.ppf([0.05, 0.95], shape, scale=1 / rate)
        p_above = None if too_few else float(stats.gamma.sf(m, shape, scale=1 / rate))
        rates.append(
            AreaRate(
                int(count),
                int(hh),
                float(ri),
                float(shape / rate),
                float(low),
                float(high),
                p_above,
            )
        )
    return Smoothing(
        rates=rates, overall_rate=float(m), prior_variance=float(variance), too_few=too_few
    )


def _fit_shape(y: np.ndarray, e: np.ndarray, m: float) -> float:
    """The Gamma prior's shape with its mean fixed at m, by marginal likelihood.

    A huge shape means the areas differ no more than chance makes them: every area then
    gets the municipality's rate.
    """

    def negative_log_likelihood(log_shape: float) -> float:
        shape = np.exp(log_shape)
        rate = shape / m
        return -float(stats.nbinom.logpmf(y, shape, rate / (rate + e)).sum())

    best = optimize.minimize_scalar(negative_log_likelihood, bounds=(-6.0, 14.0), method="bounded")
    return float(np.exp(best.x))
