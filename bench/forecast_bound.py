"""How far can a count-based ranking go? Fixed variants and clairvoyant bounds on real data.

The same weeks, cells and scoring as ``bench/forecast_real.py`` (a Monday forecast for each
of the last ``--weeks`` weeks, 250 m cells, PAI with fractional ties), but instead of the
model it scores fixed rankings with weights set by hand. Read in hindsight, the best of them is
an optimistic figure for a model that would have to choose among them from the past alone:

* faded counts (half-life 365 or 730 days) + 0.25 x prospective hot-spotting (PHS);
* seasonal counts: past events near the same time of year (Gaussian, sigma 4 or 8 weeks);
* spatial shrinkage: a cell's faded count plus beta x its 8 neighbours' (or 500 m ring's);
* repeat locations: events at one exact position counted as (count per position)^p;
* clairvoyant: the counts of the *other* test weeks (about three years of the very events
  being forecast, which no forecast can know), alone with PHS, and mixed with faded past
  counts and PHS.

Each line is the PAI@5 % difference from the blend (0.75 x all-history counts + 0.25 x PHS)
and PAI@1 % of the variant and of the blend, pooled over the weeks.

    .venv/bin/python bench/forecast_bound.py /tmp/tryggve-forecast-data/st_louis_long.csv
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from forecast_real import CELL, baselines, study_cells  # noqa: E402

from tryggve.analytics.forecast import EPOCH, _hit_rates, load_events, project  # noqa: E402

LN2 = math.log(2.0)


def norm(v: np.ndarray) -> np.ndarray:
    total = v.sum()
    return v / total if total > 0 else v


class Series:
    """One file's events binned to the study cells, and its test weeks."""

    def __init__(self, path: Path, weeks: int):
        events = load_events(path)
        x, y = project(events.lat, events.lon, float(events.lat.mean()), float(events.lon.mean()))
        self.xy, self.t = np.column_stack([x, y]), events.t
        self.cells = study_cells(self.xy)
        tree = cKDTree(self.cells)
        self.cell = tree.query(self.xy)[1]
        self.n = len(self.cells)
        last = EPOCH + timedelta(days=float(self.t.max()))
        monday = datetime(last.year, last.month, last.day) - timedelta(days=last.weekday())
        self.starts = [
            (monday - timedelta(weeks=k) - EPOCH) / timedelta(days=1) for k in range(weeks, 0, -1)
        ]
        self.tests, self.phs = [], []
        for start in self.starts:
            week = (self.t >= start) & (self.t < start + 7.0)
            self.tests.append(self.cell[week])
            blend = baselines(self.xy, self.t, self.cells, tree, start)
            history = blend["all history"]
            self.phs.append((blend["blend"] - 0.75 * norm(history)) / 0.25)
        self.future = sum(np.bincount(test, minlength=self.n) for test in self.tests)
        radii = (1.5 * CELL, 520.0)
        self.rings = {radius: tree.query_pairs(radius, output_type="ndarray") for radius in radii}
        position = np.round(self.xy).astype(np.int64)
        _, self.place = np.unique(position[:, 0] * 10**8 + position[:, 1], return_inverse=True)

    def weights(self, start: float, half_life: float | None) -> tuple[np.ndarray, np.ndarray]:
        past = self.t < start
        age = start - self.t[past]
        weight = np.ones(age.size) if half_life is None else np.exp(-LN2 * age / half_life)
        return past, weight

    def faded(self, start: float, half_life: float | None) -> np.ndarray:
        past, weight = self.weights(start, half_life)
        return np.bincount(self.cell[past], weights=weight, minlength=self.n)

    def seasonal(self, start: float, sigma: float) -> np.ndarray:
        past, weight = self.weights(start - 300.0, 1461.0)
        phase = np.mod(start + 3.5 - self.t[past], 365.25)
        phase = np.minimum(phase, 365.25 - phase)
        weight = weight * np.exp(-0.5 * (phase / sigma) ** 2)
        return np.bincount(self.cell[past], weights=weight, minlength=self.n)

    def shrunk(self, start: float, half_life: float, beta: float, radius: float) -> np.ndarray:
        own = self.faded(start, half_life)
        pairs = self.rings[radius]
        around = np.zeros(self.n)
        np.add.at(around, pairs[:, 0], own[pairs[:, 1]])
        np.add.at(around, pairs[:, 1], own[pairs[:, 0]])
        return own + beta * around

    def repeats(self, start: float, half_life: float, power: float) -> np.ndarray:
        past, weight = self.weights(start, half_life)
        per_place = np.bincount(self.place[past], weights=weight, minlength=self.place.max() + 1)
        cell_of = np.zeros(self.place.max() + 1, dtype=int)
        cell_of[self.place] = self.cell
        return np.bincount(cell_of, weights=per_place**power, minlength=self.n)

    def score(self, rank) -> str:
        hits, base, total = np.zeros(3), np.zeros(3), 0
        for w, (start, test) in enumerate(zip(self.starts, self.tests, strict=True)):
            hits += _hit_rates(rank(start, w), test, None) * test.size
            blend = 0.75 * norm(self.faded(start, None)) + 0.25 * norm(self.phs[w])
            base += _hit_rates(blend, test, None) * test.size
            total += test.size
        return (
            f"{100 * (hits[1] / base[1] - 1):+.1f} % "
            f"(PAI@1 % {hits[0] / total / 0.01:.2f}, blend {base[0] / total / 0.01:.2f})"
        )


def variants(s: Series):
    """(label, rank(start, week)) for every variant; PHS keeps the blend's 0.25 share."""

    def mix(long_term):
        return lambda start, w: 0.75 * norm(long_term(start, w)) + 0.25 * norm(s.phs[w])

    def other_weeks(w):
        return s.future - np.bincount(s.tests[w], minlength=s.n)

    for half_life in (365.0, 730.0):
        yield f"faded {half_life:g} d", mix(lambda start, w, h=half_life: s.faded(start, h))
    for sigma in (28.0, 56.0):
        for share in (0.15, 0.3):

            def seasonal(start, w, sigma=sigma, share=share):
                long_term = (0.75 - share) * norm(s.faded(start, 730.0))
                long_term += share * norm(s.seasonal(start, sigma))
                return long_term + 0.25 * norm(s.phs[w])

            yield f"faded 730 d + seasonal sigma {sigma:g} d, share {share}", seasonal
    for radius, ring in ((1.5 * CELL, "8 neighbours"), (520.0, "500 m ring")):
        for beta in (0.05, 0.1):
            yield (
                f"faded 365 d + {beta} x {ring}",
                mix(lambda start, w, b=beta, r=radius: s.shrunk(start, 365.0, b, r)),
            )
    for power in (0.75, 1.25, 1.5):
        yield (
            f"faded 365 d, (count per position)^{power}",
            mix(lambda start, w, p=power: s.repeats(start, 365.0, p)),
        )
    yield "clairvoyant: other test weeks' counts", mix(lambda start, w: other_weeks(w))
    for share in (0.25, 0.4, 0.5):
        for half_life in (365.0, 730.0):

            def clairvoyant(start, w, share=share, half_life=half_life):
                long_term = share * norm(other_weeks(w))
                long_term += (0.75 - share) * norm(s.faded(start, half_life))
                return long_term + 0.25 * norm(s.phs[w])

            yield (
                f"clairvoyant {share} + faded {half_life:g} d {0.75 - share:.2f}",
                clairvoyant,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=Path, help="CSV with time, lat, lon")
    parser.add_argument("--weeks", type=int, default=155)
    args = parser.parse_args()
    series = Series(args.events, args.weeks)
    print(f"{args.events.name}: {series.n} cells, {int(series.future.sum())} test events")
    for label, rank in variants(series):
        print(f"| {label} | {series.score(rank)} |", flush=True)


if __name__ == "__main__":
    main()
