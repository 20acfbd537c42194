"""Rolling-origin benchmark of the burglary forecast on real public data.

A new forecast every Monday for the last ``--weeks`` weeks of a city's data, each seeing only
the events before that Monday, scored on that week's events in 250 m grid cells (targets =
the cell centres). The study area is every cell whose centre lies within 500 m of some event
of the whole file (the same for all methods; it keeps lakes and fields out of the area).

Methods (each a score per cell; ties at the top-k cut-off count fractionally):

* last year: the count of events in the cell in the 365 days before the Monday;
* all history: the count of all earlier events in the cell;
* blend: 0.75 x all-history counts + 0.25 x prospective hot-spotting, each normalised to
  sum to one. Prospective hot-spotting (Bowers, Johnson and Pease 2004): every event of the
  last 8 weeks within 400 m of the cell centre adds 1/(1 + d/250 m) x 1/(1 + w), w its age in
  whole weeks, d its distance (their inverse cell-distance x inverse week weighting);
* kernel: ``tryggve.analytics.forecast.forecast_details`` with ``lattice=False`` (the kernel
  model, calibration included: what ``--kernel`` gives), timed;
* lattice: the same as the command gives by default (``lattice=True``: these targets are a
  grid, so the cells are ranked by their own counts, the choice included), timed.

PAI@k = (share of the week's events in the top k % of cells) / k; the pooled hit rate is the
sum of hits over the weeks divided by the events; 95 % intervals by a bootstrap over weeks
(2,000 resamples of whole weeks, percentile interval). The last column is each method's
difference from the blend at PAI@5 %, with its interval from the same paired bootstrap.
Times are per forecast, wall clock and CPU (the machine is shared: CPU time is the steadier).

    .venv/bin/python bench/fetch_forecast_data.py --mirror DIR  # writes /tmp/tryggve-forecast-data
    .venv/bin/python bench/forecast_real.py /tmp/tryggve-forecast-data/cincinnati.csv --weeks 52
    .venv/bin/python bench/forecast_real.py /tmp/tryggve-forecast-data/st_louis_long.csv --weeks 155
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tryggve.analytics.forecast import (  # noqa: E402
    EPOCH,
    _hit_rates,
    forecast_details,
    load_events,
    project,
)

CELL = 250.0
SHARES = (0.01, 0.05, 0.10)


def study_cells(xy: np.ndarray) -> np.ndarray:
    lo = np.floor(xy.min(axis=0) / CELL) * CELL
    hi = xy.max(axis=0)
    gx = np.arange(lo[0] + CELL / 2, hi[0] + CELL, CELL)
    gy = np.arange(lo[1] + CELL / 2, hi[1] + CELL, CELL)
    centres = np.array(np.meshgrid(gx, gy)).reshape(2, -1).T
    dist, _ = cKDTree(xy).query(centres, distance_upper_bound=500.0)
    return centres[np.isfinite(dist)]


def baselines(xy, t, cells, tree, start):
    past = t < start
    idx = tree.query(xy[past])[1]
    n = len(cells)
    all_history = np.bincount(idx, minlength=n).astype(float)
    last_year = np.bincount(idx[t[past] >= start - 365.0], minlength=n).astype(float)
    recent = past & (t >= start - 56.0)
    phs = np.zeros(n)
    for (x, y), age in zip(xy[recent], start - t[recent], strict=True):
        near = tree.query_ball_point((x, y), 400.0)
        d = np.hypot(cells[near, 0] - x, cells[near, 1] - y)
        phs[near] += 1.0 / (1.0 + d / CELL) / (1.0 + math.floor(age / 7.0))

    def norm(v):
        return v / v.sum() if v.sum() > 0 else v

    blend = 0.75 * norm(all_history) + 0.25 * norm(phs)
    return {"last year": last_year, "all history": all_history, "blend": blend}


def bootstrap(hits: np.ndarray, events: np.ndarray, rng) -> tuple[float, float]:
    picks = rng.integers(0, len(events), size=(2000, len(events)))
    ratios = hits[picks].sum(axis=1) / np.maximum(1, events[picks].sum(axis=1))
    return float(np.percentile(ratios, 2.5)), float(np.percentile(ratios, 97.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=Path, help="CSV with time, lat, lon")
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()

    events = load_events(args.events)
    lat0, lon0 = float(events.lat.mean()), float(events.lon.mean())
    x, y = project(events.lat, events.lon, lat0, lon0)
    xy, t = np.column_stack([x, y]), events.t
    cells = study_cells(xy)
    tree = cKDTree(cells)
    last = EPOCH + timedelta(days=float(t.max()))
    monday = datetime(last.year, last.month, last.day) - timedelta(days=last.weekday())
    starts = [monday - timedelta(weeks=k) for k in range(args.weeks, 0, -1)]

    names = ["last year", "all history", "blend", "kernel", "lattice"]
    hits = {name: np.zeros((len(starts), 3)) for name in names}
    counts = np.zeros(len(starts))
    seconds = {"kernel": [], "lattice": []}
    cpu = {"kernel": [], "lattice": []}
    for w, moment in enumerate(starts):
        start = (moment - EPOCH) / timedelta(days=1)
        week = (t >= start) & (t < start + 7.0)
        test = tree.query(xy[week])[1]
        counts[w] = test.size
        scores = baselines(xy, t, cells, tree, start)
        past = t < start
        for name in ("kernel", "lattice"):
            began, began_cpu = time.perf_counter(), time.process_time()
            result = forecast_details(
                np.column_stack([xy[past], t[past]]),
                cells,
                start,
                start + 7.0,
                lattice=name == "lattice",
            )
            seconds[name].append(time.perf_counter() - began)
            cpu[name].append(time.process_time() - began_cpu)
            scores[name] = result.scores
        for name in names:
            hits[name][w] = _hit_rates(scores[name], test, None) * test.size

    rng = np.random.default_rng(0)
    print(
        f"{args.events.name}: {len(t)} events, {len(cells)} cells of {CELL:g} m, "
        f"{len(starts)} weeks from {starts[0]:%Y-%m-%d}, {int(counts.sum())} test events"
    )
    print("| method | PAI@1% | PAI@5% | PAI@10% | hit rate @5% | PAI@5% vs blend |")
    print("|---|---|---|---|---|---|")
    picks = rng.integers(0, len(counts), size=(2000, len(counts)))
    base = hits["blend"][:, 1]
    for name in names:
        parts = []
        for i, share in enumerate(SHARES):
            rate = hits[name][:, i].sum() / counts.sum()
            lo, hi = bootstrap(hits[name][:, i], counts, rng)
            parts.append(f"{rate / share:.2f} ({lo / share:.2f}-{hi / share:.2f})")
        rate = hits[name][:, 1].sum() / counts.sum()
        lo, hi = bootstrap(hits[name][:, 1], counts, rng)
        parts.append(f"{100 * rate:.1f} % ({100 * lo:.1f}-{100 * hi:.1f})")
        diff = hits[name][:, 1] - base
        ratios = diff[picks].sum(axis=1) / np.maximum(1e-9, base[picks].sum(axis=1))
        lo, hi = np.percentile(ratios, [2.5, 97.5])
        parts.append(f"{100 * diff.sum() / base.sum():+.1f} % ({100 * lo:+.1f} to {100 * hi:+.1f})")
        print(f"| {name} | " + " | ".join(parts) + " |")
    for name in ("kernel", "lattice"):
        print(
            f"{name}: wall median {np.median(seconds[name]):.2f} s, max "
            f"{max(seconds[name]):.2f} s; CPU median {np.median(cpu[name]):.2f} s, max "
            f"{max(cpu[name]):.2f} s per forecast"
        )


if __name__ == "__main__":
    main()
