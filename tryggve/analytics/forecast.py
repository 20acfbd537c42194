"""Residential-burglary risk forecast for the situation picture (lägesbild).

Given past events (time, lat, lon) and target points (usually the centres of 250 m cells), score
each target by how much of the burglary risk in a future window [start, end) falls near it.

Model. The score is a mixture of three spatial densities over the targets, each normalised to
sum to one (so the weights are shares of the expected events)::

    score = (1 - a - b) * L + a * M + b * N

* L, long-term concentration: a Gaussian kernel density (sigma ``bandwidth_m``, 100-300 m) of
  all earlier events, each weighted by an exponential time decay (``half_life_days``). Burglary
  is concentrated in the same few streets year after year, so this carries most of the signal.
* M, broad background: the same history smoothed at ``broad_bandwidth_m`` (600 m). It keeps
  areas with little history from all tying at zero and steadies the ranking where data are
  thin (a small town has a handful of burglaries a year).
* N, near repeats: events of the last weeks raise the risk within about 400 m
  (exp(-d / ``repeat_range_m``), cut at ``repeat_cutoff_m``) with a short half-life
  (``repeat_half_life_days``), as in the prospective hot-spotting of Bowers, Johnson and
  Pease (2004) and self-exciting (Hawkes) models of burglary. Unlike L and M, N is scaled by
  the usual amount of recent activity rather than per forecast, so a quiet month weighs less
  than a busy one.

Grid targets. With ``lattice=True`` (``--lattice``), no parameters given, targets that are the
centres of a regular grid (``detect_lattice``) and enough past events (8 back-test windows,
300 events in them), the kernel mixture is replaced by a learned ranking
(``ranking_forecast``): counts per cell at several scales, prospective hot-spotting and the
simple baseline blend as features of a ridge Poisson regression fitted by rolling origin on
the past alone. Police positions snapped to block or address points repeat exactly, and a
count per cell keeps what a kernel at the cell centre blurs. It is opt-in: on three real
series it tied with the kernel model (docs/forecast.md). Otherwise (the default, irregular
targets, a small town) the kernel model below is used.

Calibration. Unless parameters are given, the bandwidth, the half-lives and the two shares are
chosen from small grids by a rolling-origin back-test on the past events alone: for the last
8-52 windows of the same length before ``start`` the model is refitted on what came before, and
the parameters with the best mean hit rate over the top 1, 5 and 10 % of targets win
(coordinate ascent; ties keep the earlier, more conservative value, so the result is
deterministic). With too few events to test on, defaults are used. Seasonality and time of day
are not modelled: over a week-long window they scale every cell alike and so do not change the
ranking, which is all that is judged.

Speed. All kernel sums go through one list of (event, target) pairs within the largest radius
(``scipy.spatial.cKDTree.sparse_distance_matrix``); every origin of the back-test is obtained
from per-window partial sums by the recursion ``S(o_j) = decay * S(o_{j+1}) + B_j`` that the
exponential decay allows, so a whole calibration costs a few passes over the pairs. The broad
component is computed on a raster with ``scipy.ndimage.gaussian_filter``.

Coordinates are projected to a local equirectangular plane around the targets' mean position,
which is accurate to well under 1 % over a city. Times are local wall-clock times; an offset in
a timestamp is dropped (hours do not matter at the scale of days and weeks).

The module needs numpy and scipy only (no Django) and doubles as a command::

    python -m tryggve.analytics.forecast --events PAST.csv --points TARGETS.csv \\
        --start 2026-03-02 --end 2026-03-09 --out SCORES.csv

Events at or after ``--start`` are ignored with a warning. Bad input gives a one-line message
on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

# Django-free, like this module: the same reading of files, times and numbers as the importers.
from tryggve.lib.parsing import decode_text, local_wall_clock, parse_datetime, parse_number

EARTH_RADIUS_M = 6_371_008.8
EPOCH = datetime(1970, 1, 1)
ONE_DAY = timedelta(days=1)


class InputError(ValueError):
    """Bad input: reported as one line on stderr with exit status 2."""


@dataclass(frozen=True)
class Params:
    """The model's parameters; see the module docstring."""

    bandwidth_m: float = 175.0
    half_life_days: float = 730.0  # math.inf: no decay
    broad_share: float = 0.25
    broad_bandwidth_m: float = 600.0
    repeat_share: float = 0.1
    repeat_half_life_days: float = 14.0
    repeat_range_m: float = 150.0
    repeat_cutoff_m: float = 400.0

    def __post_init__(self) -> None:
        for name in ("bandwidth_m", "half_life_days", "broad_bandwidth_m"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        for name in ("repeat_half_life_days", "repeat_range_m", "repeat_cutoff_m"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        a, b = self.broad_share, self.repeat_share
        if not (0 <= a <= 1 and 0 <= b <= 1 and a + b <= 1):
            raise ValueError("broad_share and repeat_share must be shares summing to at most 1")


# The calibration grids. The first value of each is tried first and kept on ties.
GRID_BANDWIDTH_M = (175.0, 100.0, 300.0)
GRID_HALF_LIFE_DAYS = (730.0, 180.0, math.inf)
GRID_BROAD_SHARE = (0.25, 0.0, 0.1, 0.5)
GRID_REPEAT_SHARE = (0.1, 0.0, 0.05, 0.2, 0.35)
GRID_REPEAT_HALF_LIFE_DAYS = (14.0, 7.0, 28.0)

MIN_ORIGINS = 8
MAX_ORIGINS = 52
WANTED_TEST_EVENTS = 300  # enough for a stable hit rate; more origins only cost time
MIN_TEST_EVENTS = 20  # below this the back-test is noise and the defaults are used
TOP_SHARES = (0.01, 0.05, 0.10)
MAX_PAIRS = 3e6  # above this many (event, target) pairs the final long-term sum uses a raster
CALIBRATION_TARGETS = 8000  # above this the back-test scores a random sample of the targets
# Above this many past events the parameters are chosen on a random thinning of them: a
# thinned point pattern has the same shape, and the back-test's cost grows with the events.
# The final scores still use every event.
CALIBRATION_EVENTS = 60_000
TIE_BREAK = 1e-6  # weight of the broad density that orders cells L leaves at exactly zero


@dataclass
class Result:
    """A forecast with the parameters used and how they were chosen."""

    scores: np.ndarray
    params: Params
    calibrated: bool
    origins: int = 0
    test_events: int = 0
    objective: float = float("nan")
    method: str = "kernel"  # "lattice": the learned ranking of grid cells


# --------------------------------------------------------------------------- geometry, time


def project(
    lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float
) -> tuple[np.ndarray, np.ndarray]:
    """Equirectangular projection to metres east/north of (lat0, lon0)."""
    dlon = (np.asarray(lon, dtype=float) - lon0 + 180.0) % 360.0 - 180.0
    x = EARTH_RADIUS_M * math.cos(math.radians(lat0)) * np.radians(dlon)
    y = EARTH_RADIUS_M * np.radians(np.asarray(lat, dtype=float) - lat0)
    return x, y


def parse_time(text: str) -> datetime:
    """Parse an ISO-like time (tryggve.lib.parsing, as the importers do) to naive Swedish
    local time: a time with a UTC offset is converted to it, one without is taken as it."""
    value = text.strip()
    if not value:
        raise ValueError("empty time")
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"not an ISO 8601 time: {value[:40]!r}")
    return local_wall_clock(moment)


def to_days(moment: datetime) -> float:
    """Days since 1970-01-01 (naive), the time unit of the numeric API."""
    return (moment.replace(tzinfo=None) - EPOCH) / ONE_DAY


# --------------------------------------------------------------------------- files


@dataclass
class Points:
    lat: np.ndarray
    lon: np.ndarray
    text: list[tuple[str, str]]  # the lat/lon as written, echoed in the output


@dataclass
class Events:
    lat: np.ndarray
    lon: np.ndarray
    t: np.ndarray  # days since 1970-01-01, local time


def _decode(path: str | Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    # The same decoding as the importers: UTF-8 (BOM or not), UTF-16 with BOM, else cp1252.
    text = decode_text(raw)
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL bytes; not a text CSV file")
    return text


def _read_table(path: str | Path, required: Sequence[str]) -> tuple[list[list[str]], dict]:
    """Rows (without the header) and the column index by name."""
    text = _decode(path)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise InputError(f"{path}: empty file")
    # Swedish spreadsheets write "time;lat;lon" with decimal commas; take the delimiter that
    # yields the required columns.
    for delimiter in (",", ";", "\t"):
        try:
            header = next(csv.reader([header_line], delimiter=delimiter))
        except csv.Error:
            continue
        names = [name.strip().lower() for name in header]
        if all(name in names for name in required):
            break
    else:
        raise InputError(f"{path}: header must name the columns {', '.join(required)}")
    columns = {}
    for name in required:
        if names.count(name) > 1:
            raise InputError(f"{path}: column {name!r} appears more than once")
        columns[name] = names.index(name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(f"{path}: not a valid CSV file ({exc})") from None
    # Drop blank rows, then the header (the first non-blank row).
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if "".join(row).strip()]
    body = [(n, row) for n, row in numbered[1:]]
    width = max(columns.values()) + 1
    for n, row in body:
        if len(row) < width:
            raise InputError(f"{path}: row {n} has {len(row)} fields, expected at least {width}")
    return body, columns


# The common case of a large file, read in one vectorised step: plain decimal numbers and ISO
# times without an offset. Anything else (decimal commas, offsets, a bad value) goes through
# the row-by-row reading, which gives the same values and the error messages.
_PLAIN_NUMBERS = re.compile(r"(?:[+-]?\d+(?:\.\d*)?\n)*")
_PLAIN_TIMES = re.compile(r"(?:\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?)?\n)*")


def _plain_column(values: list[str], pattern: re.Pattern, dtype: str) -> np.ndarray | None:
    """The values as an array when every one matches ``pattern``, else None."""
    if not pattern.fullmatch("\n".join(values) + "\n"):
        return None
    try:
        return np.array(values, dtype=dtype)
    except ValueError:  # 2026-02-30
        return None


def _plain_coordinates(body, columns) -> tuple[np.ndarray, np.ndarray, list] | None:
    raw = {name: [row[columns[name]].strip() for _, row in body] for name in ("lat", "lon")}
    lat = _plain_column(raw["lat"], _PLAIN_NUMBERS, "float")
    lon = _plain_column(raw["lon"], _PLAIN_NUMBERS, "float")
    if lat is None or lon is None or np.abs(lat).max() > 90 or np.abs(lon).max() > 180:
        return None
    return lat, lon, list(zip(raw["lat"], raw["lon"], strict=True))


def _plain_times(body, column: int) -> np.ndarray | None:
    """Days since 1970 of naive ISO times. Like parse_time, a time without an offset is taken
    as the local wall clock (an hour in the spring's DST gap is not moved forward; at the
    scale of days that does not matter)."""
    moments = _plain_column([row[column].strip() for _, row in body], _PLAIN_TIMES, "M8[s]")
    if moments is None:
        return None
    years = moments.astype("M8[Y]").astype(int) + 1970
    if years.min() < 1900 or years.max() > 2100:
        return None
    return (moments - np.datetime64("1970-01-01T00:00:00")) / np.timedelta64(86400, "s")


def _coordinates(path, body, columns) -> tuple[np.ndarray, np.ndarray, list]:
    plain = _plain_coordinates(body, columns)
    if plain is not None:
        return plain
    lat = np.empty(len(body))
    lon = np.empty(len(body))
    text = []
    for k, (n, row) in enumerate(body):
        pair = []
        for name, out, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
            raw = row[columns[name]].strip()
            number = parse_number(raw)
            if number is None:
                raise InputError(f"{path}: row {n}: {name} is not a finite number: {raw[:40]!r}")
            if not -limit <= number <= limit:
                raise InputError(f"{path}: row {n}: {name} {raw[:40]} is outside ±{limit:g}")
            out[k] = number
            pair.append(raw)
        text.append((pair[0], pair[1]))
    return lat, lon, text


def load_points(path: str | Path) -> Points:
    """Read target points (columns lat, lon; others ignored)."""
    body, columns = _read_table(path, ("lat", "lon"))
    if not body:
        raise InputError(f"{path}: no points")
    lat, lon, text = _coordinates(path, body, columns)
    return Points(lat, lon, text)


def load_events(path: str | Path) -> Events:
    """Read events (columns time, lat, lon; others ignored)."""
    body, columns = _read_table(path, ("time", "lat", "lon"))
    if not body:
        raise InputError(f"{path}: no events")
    lat, lon, _ = _coordinates(path, body, columns)
    plain = _plain_times(body, columns["time"])
    if plain is not None:
        return Events(lat, lon, plain)
    t = np.empty(len(body))
    for k, (n, row) in enumerate(body):
        try:
            t[k] = to_days(parse_time(row[columns["time"]]))
        except ValueError as exc:
            raise InputError(f"{path}: row {n}: {exc}") from None
    return Events(lat, lon, t)


# --------------------------------------------------------------------------- the model


def _hit_rates(scores: np.ndarray, cells: np.ndarray, sample: np.ndarray | None) -> np.ndarray:
    """Share of events (given by their target index) in the top 1/5/10 % of targets.

    Ties at the cut-off count fractionally, which is the expected hit rate if ties were broken
    at random: a method cannot gain by leaving many cells tied. With ``sample`` (a mask), the
    cut-offs come from those targets only: a random sample standing for all of them.
    """
    pool = scores if sample is None else scores[sample]
    n = pool.size
    ks = [max(1, min(n, round(share * n))) for share in TOP_SHARES]
    thresholds = np.partition(pool, [n - k for k in ks])[[n - k for k in ks]]
    out = np.empty(len(ks))
    event_scores = scores[cells]
    for i, (k, thr) in enumerate(zip(ks, thresholds, strict=True)):
        above = int(np.count_nonzero(pool > thr))
        at = int(np.count_nonzero(pool == thr))
        hits = np.count_nonzero(event_scores > thr)
        hits += np.count_nonzero(event_scores == thr) * (k - above) / at
        out[i] = hits / max(1, cells.size)
    return out


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = matrix.astype(float, copy=False)
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


def _decay_rate(half_life: float) -> float:
    return 0.0 if math.isinf(half_life) else math.log(2.0) / half_life


class _Backtest:
    """Everything shared by all parameter values: origins, windows, pairs, test events."""

    def __init__(self, xy, t, targets, start, end, origins: int):
        self.sample = None
        self.horizon = end - start
        # Origin 0 is the forecast itself; origins 1..K are back-test origins.
        self.origin_t = start - self.horizon * np.arange(origins + 1)
        self.k = origins
        # Block j holds events in [o_{j+1}, o_j); block K everything before o_K.
        block = np.searchsorted(-self.origin_t, -t, side="left") - 1
        block = np.where(t < self.origin_t[-1], origins, block)
        self.block = block.astype(np.int64)
        self.age = self.origin_t[self.block] - t  # time from event to its block's origin
        self.xy, self.t = xy, t
        self._pairs: dict[float, tuple] = {}
        self._kernels: dict[tuple, np.ndarray] = {}
        tree = cKDTree(targets)
        # Test events of origin j (j >= 1) are block j - 1, assigned to their nearest target.
        test_cells: list[np.ndarray] = []
        if origins:
            spacing = _spacing(targets, tree)
            bound = 0.75 * spacing if spacing > 0 else np.inf
            for j in range(1, origins + 1):
                members = np.flatnonzero(self.block == j - 1)
                dist, idx = tree.query(xy[members], distance_upper_bound=bound)
                test_cells.append(idx[np.isfinite(dist)])
        self.test_events = sum(c.size for c in test_cells)
        if origins and len(targets) > CALIBRATION_TARGETS:
            # Kernel sums cost in proportion to the targets near each event, so the back-test
            # scores a fixed random sample of targets (which sets the top-k cut-offs) plus the
            # targets the test events fell in.
            rng = np.random.default_rng(0)
            sample = np.zeros(len(targets), dtype=bool)
            sample[rng.choice(len(targets), CALIBRATION_TARGETS, replace=False)] = True
            keep = sample.copy()
            for cells in test_cells:
                keep[cells] = True
            index = np.cumsum(keep) - 1
            test_cells = [index[cells] for cells in test_cells]
            targets = targets[keep]
            self.sample = sample[keep]
            tree = cKDTree(targets)
        self.test_cells = test_cells
        self.targets = targets
        self.n_targets = len(targets)
        self.target_tree = tree

    def pairs(self, radius: float):
        """(event index, flat block-target index, distance) for all pairs within radius."""
        if radius in self._pairs:
            return self._pairs[radius]
        wider = [r for r in self._pairs if r > radius]
        if wider:
            i, flat, d = self._pairs[min(wider)]
            keep = d <= radius
            found = (i[keep], flat[keep], d[keep])
        else:
            event_tree = cKDTree(self.xy)
            pairs = event_tree.sparse_distance_matrix(
                self.target_tree, radius, output_type="ndarray"
            )
            i = pairs["i"].astype(np.intp)
            # The bincount index of each pair: row (the event's block) by column (target).
            found = (i, self.block[i] * self.n_targets + pairs["j"], pairs["v"])
        self._pairs[radius] = found
        return found

    def accumulate(self, pair_weight, i, flat, half_life: float) -> np.ndarray:
        """Decayed sums at every origin: rows 0..K, one column per target."""
        rate = _decay_rate(half_life)
        weight = pair_weight * np.exp(-rate * self.age)[i] if rate else pair_weight
        blocks = np.bincount(flat, weights=weight, minlength=(self.k + 1) * self.n_targets)
        # (bincount of nothing is an integer array even with weights)
        blocks = blocks.astype(float, copy=False).reshape(self.k + 1, self.n_targets)
        step = math.exp(-rate * self.horizon)
        for row in range(self.k - 1, -1, -1):
            blocks[row] += step * blocks[row + 1]
        return blocks

    def long_term(self, bandwidth: float, half_life: float) -> np.ndarray:
        i, flat, d = self.pairs(3.0 * bandwidth)
        key = ("gauss", bandwidth)
        if key not in self._kernels:
            self._kernels[key] = np.exp(-0.5 * (d / bandwidth) ** 2)
        return _normalise_rows(self.accumulate(self._kernels[key], i, flat, half_life))

    def repeats(self, params: Params) -> np.ndarray:
        i, flat, d = self.pairs(params.repeat_cutoff_m)
        key = ("exp", params.repeat_range_m, params.repeat_cutoff_m)
        if key not in self._kernels:
            self._kernels[key] = np.exp(-d / params.repeat_range_m)
        kernel = self._kernels[key]
        sums = self.accumulate(kernel, i, flat, params.repeat_half_life_days)
        # Scale by what a typical stretch of the same activity would give (events per day in
        # the last year times the mean spread of one event), so the share b means the same in
        # a quiet and in a busy week.
        start = self.origin_t[0]
        span = min(365.0, max(7.0, start - float(self.t.min())))
        rate = np.count_nonzero(self.t >= start - span) / span
        spread = np.bincount(i, weights=kernel, minlength=len(self.t))
        mean_spread = float(spread.mean()) if spread.size else 0.0
        scale = rate * params.repeat_half_life_days / math.log(2.0) * mean_spread
        return sums / scale if scale > 0 else np.zeros_like(sums)

    def broad(self, bandwidth: float, half_life: float, cell_share: float = 0.5) -> np.ndarray:
        """Gaussian density at ``bandwidth`` on a raster, read at the targets."""
        margin = 4.0 * bandwidth
        lo = self.targets.min(axis=0) - margin
        hi = self.targets.max(axis=0) + margin
        extent = hi - lo
        # A cell of half the bandwidth or less (linear interpolation between cells is then
        # finer than the kernel), coarser if the area is vast (never over ~4M cells).
        cell = max(bandwidth * cell_share, math.sqrt(float(extent[0] * extent[1]) / 4e6), 1.0)
        shape = np.maximum(1, np.ceil(extent / cell).astype(int) + 1)
        nx, ny = int(shape[0]), int(shape[1])
        ix = np.floor((self.xy[:, 0] - lo[0]) / cell).astype(np.int64)
        iy = np.floor((self.xy[:, 1] - lo[1]) / cell).astype(np.int64)
        inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
        rate = _decay_rate(half_life)
        events = np.flatnonzero(inside)
        flat = self.block[events] * (nx * ny) + iy[events] * nx + ix[events]
        weight = np.exp(-rate * self.age[events])
        grids = np.bincount(flat, weights=weight, minlength=(self.k + 1) * nx * ny)
        grids = grids.astype(float, copy=False).reshape(self.k + 1, ny, nx)
        step = math.exp(-rate * self.horizon)
        for row in range(self.k - 1, -1, -1):
            grids[row] += step * grids[row + 1]
        coords = np.vstack(
            [(self.targets[:, 1] - lo[1]) / cell - 0.5, (self.targets[:, 0] - lo[0]) / cell - 0.5]
        )
        out = np.empty((self.k + 1, self.n_targets))
        for row in range(self.k + 1):
            smooth = ndimage.gaussian_filter(grids[row], bandwidth / cell, mode="constant")
            out[row] = ndimage.map_coordinates(smooth, coords, order=1, mode="nearest")
        np.maximum(out, 0.0, out=out)  # the filter's rounding may leave tiny negatives
        return _normalise_rows(out)

    def objective(self, scores: np.ndarray) -> float:
        """Pooled mean hit rate at the top 1/5/10 % over the back-test origins."""
        hits = np.zeros(len(TOP_SHARES))
        for j in range(1, self.k + 1):
            cells = self.test_cells[j - 1]
            if cells.size:
                hits += _hit_rates(scores[j], cells, self.sample) * cells.size
        return float(hits.mean() / max(1, self.test_events))


def _spacing(targets: np.ndarray, tree: cKDTree) -> float:
    """Typical distance between neighbouring targets (the cell size on a grid)."""
    if len(targets) < 2:
        return 0.0
    dist, _ = tree.query(targets[:: max(1, len(targets) // 2000)], k=2)
    return float(np.median(dist[:, 1]))


def _combine(long_term, broad, repeats, a: float, b: float) -> np.ndarray:
    return (1.0 - a - b) * long_term + (a + TIE_BREAK) * broad + b * repeats


def _choose_origins(t: np.ndarray, start: float, horizon: float) -> int:
    """How many back-test windows: enough events to judge by, at most half the history."""
    if t.size == 0:
        return 0
    usable = 0.5 * (start - float(t.min()))
    most = min(MAX_ORIGINS, int(usable // horizon))
    for k in range(MIN_ORIGINS, most + 1):
        if np.count_nonzero(t >= start - k * horizon) >= WANTED_TEST_EVENTS:
            return k
    return most


def _score_once(xy, t, targets, start, end, p: Params) -> np.ndarray:
    """The forecast at ``start`` with given parameters (no back-test)."""
    bt = _Backtest(xy, t, targets, start, end, 0)
    spacing = _spacing(targets, bt.target_tree)
    pairs = len(xy) * math.pi * (3.0 * p.bandwidth_m) ** 2 / max(spacing, 1.0) ** 2
    if pairs > MAX_PAIRS:
        # Targets far denser than the kernel: a raster at a third of the bandwidth is as good
        # and costs in proportion to the area instead of events times targets nearby.
        long_term = bt.broad(p.bandwidth_m, p.half_life_days, cell_share=1.0 / 3.0)
    else:
        long_term = bt.long_term(p.bandwidth_m, p.half_life_days)
    # Near repeats fade within weeks: older events add nothing (2^-20) but pairs.
    recent = t >= start - max(365.0, 20.0 * p.repeat_half_life_days)
    repeats = _Backtest(xy[recent], t[recent], targets, start, end, 0).repeats(p)
    return _combine(
        long_term[0],
        bt.broad(p.broad_bandwidth_m, p.half_life_days)[0],
        repeats[0],
        p.broad_share,
        p.repeat_share,
    )


def forecast_details(
    events_xy_t: np.ndarray,
    targets_xy: np.ndarray,
    start: float,
    end: float,
    params: Params | None = None,
    *,
    lattice: bool = False,
) -> Result:
    """Like :func:`forecast`, also telling which parameters were used and why.

    ``lattice=True`` tries the learned ranking of grid cells first (``ranking_forecast``).
    It is off by default: on the three real burglary series measured (docs/forecast.md) it
    is now as fast as needed (a few tenths of a second) but tied with the kernel model, so
    the default, the command line without ``--lattice`` and the risk map keep the kernel
    model."""
    events = np.asarray(events_xy_t, dtype=float).reshape(-1, 3)
    targets = np.asarray(targets_xy, dtype=float).reshape(-1, 2)
    if not (math.isfinite(start) and math.isfinite(end) and start < end):
        raise ValueError("start must be before end")
    if not (np.isfinite(events).all() and np.isfinite(targets).all()):
        raise ValueError("coordinates and times must be finite")
    events = events[events[:, 2] < start]
    if targets.shape[0] == 0:
        return Result(np.zeros(0), params or Params(), calibrated=False)
    if events.shape[0] == 0:
        return Result(np.zeros(targets.shape[0]), params or Params(), calibrated=False)
    xy, t = events[:, :2], events[:, 2]

    if params is None and lattice:
        ranked = ranking_forecast(xy, t, targets, start, end)
        if ranked is not None:
            scores, origins, fitted = ranked
            return Result(
                scores,
                Params(),
                calibrated=True,
                origins=origins,
                test_events=fitted,
                method="lattice",
            )

    origins = 0 if params is not None else _choose_origins(t, start, end - start)
    full_xy, full_t = xy, t
    if params is None and len(t) > CALIBRATION_EVENTS:
        keep = np.random.default_rng(0).choice(len(t), CALIBRATION_EVENTS, replace=False)
        keep.sort()
        xy, t = xy[keep], t[keep]
    bt = _Backtest(xy, t, targets, start, end, origins)
    calibrate = params is None and bt.test_events >= MIN_TEST_EVENTS
    if not calibrate:
        chosen = params or Params()
        return Result(
            _score_once(full_xy, full_t, targets, start, end, chosen), chosen, calibrated=False
        )

    # Pairs for the widest kernel once; narrower kernels filter them.
    bt.pairs(max(3.0 * max(GRID_BANDWIDTH_M), Params().repeat_cutoff_m))
    p = Params()
    best_score = -1.0
    repeats = bt.repeats(p)
    broad = bt.broad(p.broad_bandwidth_m, p.half_life_days)
    long_term = None
    best_long = None

    # Coordinate ascent: bandwidth, then memory (at the best bandwidth), then the broad share,
    # then the near-repeat part. A full grid would cost several times more for little gain.
    steps = [(b, p.half_life_days) for b in GRID_BANDWIDTH_M]
    steps += [(None, h) for h in GRID_HALF_LIFE_DAYS[1:]]
    for bandwidth, half_life in steps:
        bandwidth = p.bandwidth_m if bandwidth is None else bandwidth
        long_term = bt.long_term(bandwidth, half_life)
        value = bt.objective(_combine(long_term, broad, repeats, p.broad_share, 0.0))
        if value > best_score + 1e-12:
            best_score, best_long = value, long_term
            p = dataclasses.replace(p, bandwidth_m=bandwidth, half_life_days=half_life)
    long_term = best_long
    if p.half_life_days != Params().half_life_days:
        broad = bt.broad(p.broad_bandwidth_m, p.half_life_days)
    best_score = -1.0
    for share in GRID_BROAD_SHARE:
        value = bt.objective(_combine(long_term, broad, repeats, share, 0.0))
        if value > best_score + 1e-12:
            best_score = value
            p = dataclasses.replace(p, broad_share=share)
    best_score = -1.0
    for half_life in GRID_REPEAT_HALF_LIFE_DAYS:
        trial = dataclasses.replace(p, repeat_half_life_days=half_life)
        candidate = bt.repeats(trial)
        for share in GRID_REPEAT_SHARE:
            if share + p.broad_share > 1.0:
                continue
            value = bt.objective(_combine(long_term, broad, candidate, p.broad_share, share))
            if value > best_score + 1e-12:
                best_score, repeats = value, candidate
                p = dataclasses.replace(trial, repeat_share=share)
    if bt.sample is None and len(t) == len(full_t):
        scores = _combine(long_term[0], broad[0], repeats[0], p.broad_share, p.repeat_share)
    else:
        scores = _score_once(full_xy, full_t, targets, start, end, p)
    return Result(
        scores,
        p,
        calibrated=True,
        origins=bt.k,
        test_events=bt.test_events,
        objective=best_score,
    )


# --------------------------------------------------------------------------- lattice ranking

# Targets on a regular grid: a learned ranking of the cells by counts at several scales.
LATTICE_TOLERANCE = 0.1  # a target further than this share of the spacing from a node: no lattice
LATTICE_SHARE = 0.95  # the share of targets that must sit on the nodes
RANK_WINDOWS_DAYS = (7.0, 28.0, 91.0, 364.0)
RANK_ORIGINS = 52  # back-test windows the ranking is fitted on (fewer if the history is short)
RANK_MIN_ORIGINS = 8
RANK_MIN_EVENTS = 300  # events in the fitting windows; below this the kernel model is used
RANK_RIDGE = 1e-3
RANK_NEWTON_STEPS = 12
RANK_EMPTY_ROWS = 12_000  # empty (cell, window) pairs the regression is fitted on
RANK_FEATURES: tuple[str, ...] | None = None  # a subset of the features by name; None: all
# The spatial scales of the count features: the cell, its 3 x 3 and 5 x 5 blocks (250 m
# cells: the 8 neighbours and about 500 m), and Gaussian smoothing at 0.7 and 1.5 cells.
RANK_SCALES = ("cell", "box3", "box5", "gauss0.7", "gauss1.5")
# Prospective hot-spotting (Bowers, Johnson and Pease 2004) on the lattice: events of the last
# 8 weeks in the cell and its 8 neighbours, weighted 1 / (1 + d / spacing) by distance and
# 1 / (1 + w) by age in whole windows.
PHS_WINDOWS = 8
PHS_BLEND = 0.25  # the share of the baseline blend's PHS term (the rest: all-history counts)


@dataclass(frozen=True)
class Lattice:
    """A regular grid: node (i, j) is at origin + spacing * (i, j)."""

    origin: tuple[float, float]
    spacing: float
    index: np.ndarray  # (n, 2) integer node of every target


def detect_lattice(targets: np.ndarray) -> Lattice | None:
    """The axis-parallel square lattice the targets sit on, or None.

    The spacing is the median nearest-neighbour distance; the origin the circular mean of the
    coordinates modulo the spacing (robust to a few stray points); both are then refined by
    least squares on the node indices. A lattice is accepted when at least 95 % of the targets
    lie within a tenth of the spacing of a node and no two targets share a node: jittered or
    irregular points (addresses, district centroids) are not a lattice.
    """
    targets = np.asarray(targets, dtype=float).reshape(-1, 2)
    if len(targets) < 9:
        return None
    spacing = _spacing(targets, cKDTree(targets))
    if not spacing > 0:
        return None
    origin = np.empty(2)
    for axis in range(2):
        angle = 2.0 * np.pi * targets[:, axis] / spacing
        origin[axis] = (
            spacing * math.atan2(np.sin(angle).mean(), np.cos(angle).mean()) / (2 * np.pi)
        )
    index = np.rint((targets - origin) / spacing)
    # Refine: one spacing for both axes, an origin per axis (least squares on the nodes).
    centred = index - index.mean(axis=0)
    denom = float((centred**2).sum())
    if denom > 0:
        spacing = float((centred * (targets - targets.mean(axis=0))).sum() / denom)
        origin = targets.mean(axis=0) - spacing * index.mean(axis=0)
        index = np.rint((targets - origin) / spacing)
    if not spacing > 0:
        return None
    off = np.abs(targets - origin - spacing * index).max(axis=1)
    if np.count_nonzero(off <= LATTICE_TOLERANCE * spacing) < LATTICE_SHARE * len(targets):
        return None
    if len(np.unique(index, axis=0)) < len(targets):
        return None
    return Lattice((float(origin[0]), float(origin[1])), spacing, index.astype(np.int64))


def _filtered(counts: np.ndarray, scale: str) -> np.ndarray:
    """Block counts (blocks, ny, nx) summed or smoothed over a neighbourhood, per block."""
    if scale == "cell":
        return counts
    if scale.startswith("box"):
        size = int(scale[3:])
        return ndimage.uniform_filter(counts, (1, size, size), mode="constant") * size * size
    if scale == "phs":
        d = np.hypot(*np.meshgrid([-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]))
        return ndimage.correlate(counts, (1.0 / (1.0 + d))[None], mode="constant")
    sigma = float(scale[5:])
    return ndimage.gaussian_filter(counts, (0, sigma, sigma), mode="constant", truncate=3.0)


class _LatticeCounts:
    """Counts per lattice cell and window before a forecast, at several scales.

    Window (block) 0 is the ``horizon`` just before ``start``, block k the one k horizons
    earlier. Every neighbourhood sum is linear in the counts, so each scale filters the
    per-block counts once, and any window at any origin is a difference of cumulative sums
    at the targets. Blocks older than the longest window of the oldest origin only enter the
    all-history sum, so they are summed into one before filtering: eight years of history
    cost little more than two.
    """

    def __init__(self, xy, t, lattice: Lattice, start: float, horizon: float, origins: int):
        lo = lattice.index.min(axis=0) - 2
        shape = lattice.index.max(axis=0) - lo + 3  # (nx, ny)
        nx, ny = int(shape[0]), int(shape[1])
        node = np.rint((xy - np.asarray(lattice.origin)) / lattice.spacing).astype(np.int64) - lo
        inside = (node[:, 0] >= 0) & (node[:, 0] < nx) & (node[:, 1] >= 0) & (node[:, 1] < ny)
        block = np.floor((start - t) / horizon).astype(np.int64)
        keep = inside & (block >= 0)
        self.windows = sorted({max(1, round(days / horizon)) for days in RANK_WINDOWS_DAYS})
        self.phs_windows = max(1, round(PHS_WINDOWS * 7.0 / horizon))
        # Windows of history each origin has seen (at least one: the rate of an empty past).
        blocks = int(block[keep].max()) + 1 if keep.any() else 1
        self.history = np.maximum(1, max(blocks, origins + 1) - np.arange(origins + 1))
        self.per_year = 364.0 / horizon
        lumped = origins + max(self.windows[-1], self.phs_windows)
        self.blocks = min(max(blocks, origins + 1), lumped + 1)
        flat = np.minimum(block[keep], self.blocks - 1) * (nx * ny)
        flat += node[keep, 1] * nx + node[keep, 0]
        counts = np.bincount(flat, minlength=self.blocks * nx * ny).astype(np.float32)
        counts = counts.reshape(self.blocks, ny, nx)
        tx = lattice.index[:, 0] - lo[0]
        ty = lattice.index[:, 1] - lo[1]
        self.n = len(tx)
        self.cum = {}
        for scale in RANK_SCALES:
            at = _filtered(counts, scale)[:, ty, tx].astype(float)
            cum = np.zeros((self.blocks + 1, self.n))
            np.cumsum(at, axis=0, out=cum[1:])
            self.cum[scale] = cum
        at = _filtered(counts, "phs")[:, ty, tx].astype(float)
        self.phs_blocks = np.concatenate([at, np.zeros((self.phs_windows, self.n))])
        self.response = np.zeros((origins + 1, self.n))
        self.response[1:] = counts[:origins][:, ty, tx]
        self.names = [f"{s}:{w}" for s in RANK_SCALES for w in (*self.windows, "all")]
        self.names += ["phs", "blend"]
        # The baseline blend's two shares at every origin (normalised over all targets).
        rows = np.arange(origins + 1)
        cell = self.cum["cell"]
        self.all_share = _normalise_rows(cell[self.blocks] - cell[rows])
        self.phs_share = _normalise_rows(self.phs(rows[:, None], np.arange(self.n)[None, :]))

    def phs(self, r: np.ndarray, i: np.ndarray) -> np.ndarray:
        return sum(self.phs_blocks[r + w, i] / (1.0 + w) for w in range(self.phs_windows))

    def design(self, r: np.ndarray, i: np.ndarray) -> np.ndarray:
        """The features of target ``i`` at origin ``r`` (arrays of the same shape), last axis
        the features in the order of ``names``."""
        out = np.empty((*np.shape(r), len(self.names)))
        k = 0
        for scale in RANK_SCALES:
            cum = self.cum[scale]
            now = cum[r, i]
            for w in self.windows:
                np.log1p(
                    np.maximum(cum[np.minimum(r + w, self.blocks), i] - now, 0.0), out=out[..., k]
                )
                k += 1
            rate = (cum[self.blocks, i] - now) * (self.per_year / self.history[r])
            np.log1p(np.maximum(rate, 0.0), out=out[..., k])
            k += 1
        out[..., k] = np.log1p(np.maximum(self.phs(r, i), 0.0))
        blend = (1 - PHS_BLEND) * self.all_share[r, i] + PHS_BLEND * self.phs_share[r, i]
        # A share times the number of targets is 1 for an average cell; the constant keeps
        # cells with no history apart from minus infinity.
        out[..., k + 1] = np.log(blend * self.n + 0.05)
        return out


def lattice_features(xy, t, lattice: Lattice, start: float, horizon: float, origins: int):
    """Features of every target at the forecast (row 0) and ``origins`` earlier windows.

    Returns (features (origins + 1, n_targets, F), response (origins + 1, n_targets), names):
    the response of origin k >= 1 is the count in the target's cell in [o_k, o_k + horizon),
    where o_k = start - k * horizon; row 0's response is zero (the future). Features are
    log(1 + count) at every scale of ``RANK_SCALES`` over the last 1, 4, 13 and 52 weeks and
    the yearly rate over all history, prospective hot-spotting, and the log of the baseline
    blend (0.75 x all-history share + 0.25 x prospective hot-spotting share), so the fit can
    always fall back to that. ``ranking_forecast`` computes only the rows it fits on.
    """
    counts = _LatticeCounts(xy, t, lattice, start, horizon, origins)
    r, i = np.meshgrid(np.arange(origins + 1), np.arange(counts.n), indexing="ij")
    return counts.design(r, i), counts.response, counts.names


def _fit_poisson(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Coefficients (intercept first) of a ridge-penalised Poisson regression.

    Newton's method with step halving: with a dozen or two features each step is one small
    linear system, and it converges in a few steps (scipy.optimize alone costs more to import).
    The products go through einsum, not BLAS: a threaded BLAS on a busy shared machine was
    twenty times slower than one core for these thin matrices.
    """
    design = np.column_stack([np.ones(len(x)), x])
    n = float(weight.sum())
    penalty = np.full(design.shape[1], RANK_RIDGE * n)
    penalty[0] = 0.0

    def loss(beta):
        eta = np.clip(np.einsum("ij,j->i", design, beta), -30.0, 30.0)
        rate = np.exp(eta)
        return float(np.dot(weight, rate - y * eta) + np.dot(penalty, beta**2)), rate

    beta = np.zeros(design.shape[1])
    beta[0] = math.log(max(float(np.dot(weight, y) / n), 1e-9))
    current, rate = loss(beta)
    for _ in range(RANK_NEWTON_STEPS):
        grad = np.einsum("ij,i->j", design, weight * (rate - y)) + 2.0 * penalty * beta
        hess = np.einsum("ij,ik->jk", design * (weight * rate)[:, None], design)
        hess += np.diag(2.0 * penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        for _ in range(20):
            trial = beta - step
            value, trial_rate = loss(trial)
            if value <= current:
                break
            step = step / 2.0
        else:
            break
        # A relative gain of 1e-7 changes no ranking; the last steps of Newton's method
        # only polish digits.
        converged = current - value < 1e-7 * max(1.0, abs(current))
        beta, current, rate = trial, value, trial_rate
        if converged:
            break
    return beta


def ranking_forecast(
    xy, t, targets, start: float, end: float
) -> tuple[np.ndarray, int, int] | None:
    """Scores from the learned lattice ranking, the origins and test events it was fitted on;
    None when the targets are no lattice or the past is too thin (use the kernel model)."""
    lattice = detect_lattice(targets)
    if lattice is None or t.size == 0:
        return None
    horizon = end - start
    span = start - float(t.min())
    origins = min(RANK_ORIGINS, int(0.5 * span // horizon))
    if origins < RANK_MIN_ORIGINS:
        return None
    counts = _LatticeCounts(xy, t, lattice, start, horizon, origins)
    fitted = int(counts.response[1:].sum())
    if fitted < RANK_MIN_EVENTS:
        return None
    y = counts.response[1:].ravel()
    # Most (cell, window) pairs saw no event; fitting on every event and a random share of
    # the empty pairs, weighted up by the inverse of that share, gives the same expected
    # likelihood at a fraction of the cost, and only those rows' features are computed.
    keep_share = min(1.0, RANK_EMPTY_ROWS / max(1, np.count_nonzero(y == 0)))
    keep = np.flatnonzero((y > 0) | (np.random.default_rng(0).random(y.size) < keep_share))
    weight = np.where(y[keep] > 0, 1.0, 1.0 / keep_share)
    rows = counts.design(keep // counts.n + 1, keep % counts.n)
    now = counts.design(np.zeros(counts.n, dtype=np.int64), np.arange(counts.n))
    if RANK_FEATURES is not None:
        chosen = [counts.names.index(name) for name in RANK_FEATURES]
        rows, now = rows[:, chosen], now[:, chosen]
    mean = np.average(rows, axis=0, weights=weight)
    scale = np.sqrt(np.average((rows - mean) ** 2, axis=0, weights=weight))
    scale[scale == 0] = 1.0
    beta = _fit_poisson((rows - mean) / scale, y[keep], weight)
    linear = np.einsum("ij,j->i", (now - mean) / scale, beta[1:])
    scores = np.exp(np.clip(beta[0] + linear, -30.0, 30.0))
    # Shares of the expected events, like the kernel model's scores (which sum to about one).
    scores /= scores.sum()
    return scores, origins, fitted


def forecast(
    events_xy_t: np.ndarray,
    targets_xy: np.ndarray,
    start: float,
    end: float,
    params: Params | None = None,
) -> np.ndarray:
    """Risk score per target for the window [start, end); higher means more risk.

    ``events_xy_t``: rows of (x metres, y metres, time in days); events at or after ``start``
    are ignored. ``targets_xy``: rows of (x, y) in the same plane. ``start``/``end``: days on
    the events' clock. Without ``params`` they are calibrated on the events. Only the order and
    ratios of the scores mean anything: L and M sum to one over the targets, but the
    near-repeat part is scaled by recent activity, so the total is about one, not exactly
    (all zero without past events).
    """
    return forecast_details(events_xy_t, targets_xy, start, end, params).scores


def forecast_latlon(
    events: Events,
    targets: Points,
    start: datetime,
    end: datetime,
    params: Params | None = None,
    *,
    lattice: bool = False,
) -> Result:
    """The forecast for events and targets in WGS84 and a window in local time."""
    lat0 = float(np.mean(targets.lat)) if targets.lat.size else 0.0
    lon0 = float(np.mean(targets.lon)) if targets.lon.size else 0.0
    ex, ey = project(events.lat, events.lon, lat0, lon0)
    tx, ty = project(targets.lat, targets.lon, lat0, lon0)
    return forecast_details(
        np.column_stack([ex, ey, events.t]),
        np.column_stack([tx, ty]),
        to_days(start),
        to_days(end),
        params,
        lattice=lattice,
    )


# --------------------------------------------------------------------------- command line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise InputError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m tryggve.analytics.forecast",
        description="Score target points by residential-burglary risk in [start, end).",
    )
    parser.add_argument("--events", required=True, help="CSV of past events: time, lat, lon")
    parser.add_argument("--points", required=True, help="CSV of target points: lat, lon")
    parser.add_argument("--start", required=True, help="window start, ISO 8601 local time")
    parser.add_argument("--end", required=True, help="window end (exclusive), ISO 8601")
    parser.add_argument("--out", required=True, help="output CSV (lat, lon, score); - = stdout")
    parser.add_argument("-v", "--verbose", action="store_true", help="report the parameters")
    parser.add_argument(
        "--lattice",
        action="store_true",
        help="try the learned ranking of grid cells when the points form a regular grid",
    )
    return parser


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        start, end = parse_time(args.start), parse_time(args.end)
    except ValueError as exc:
        raise InputError(f"--start/--end: {exc}") from None
    if start >= end:
        raise InputError("--start must be before --end")
    events = load_events(args.events)
    points = load_points(args.points)
    start_days = to_days(start)
    late = int(np.count_nonzero(events.t >= start_days))
    if late:
        print(f"forecast: warning: ignored {late} event(s) at or after --start", file=sys.stderr)
    if late == events.t.size:
        print("forecast: warning: no events before --start; all scores are 0", file=sys.stderr)
    result = forecast_latlon(events, points, start, end, lattice=args.lattice)
    if args.verbose:
        if result.method == "lattice":
            how = (
                f"grid cells ranked by counts at several scales, fitted on {result.origins} "
                f"windows, {result.test_events} events"
            )
        elif result.calibrated:
            how = (
                f"calibrated on {result.origins} windows, {result.test_events} events, "
                f"objective {result.objective:.3f}"
            )
        else:
            how = "defaults"
        print(f"forecast: {how}; {result.params}", file=sys.stderr)
    try:
        out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["lat", "lon", "score"])
        for (lat, lon), score in zip(points.text, result.scores, strict=True):
            writer.writerow([lat, lon, repr(float(score))])
    except OSError as exc:
        raise InputError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (0 ok, 2 bad input) and never raises."""
    try:
        return _run(argv)
    except InputError as exc:
        print(f"forecast: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except MemoryError:
        print("forecast: error: out of memory; use fewer events or targets", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug must still not print a traceback at the user
        print(f"forecast: error: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
