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

Grid targets. When the targets are the centres of a regular grid (``detect_lattice``; also a
grid drawn in another projection, turned and slightly bent in this one), no parameters are
given and the past is rich enough (8 back-test windows, 300 events in them), the kernel
mixture is replaced by a ranking of the cells by their own counts (``ranking_forecast``):
faded counts per cell and prospective hot-spotting, mixed as the best of a few choices in a
rolling-origin back-test on the past alone. Police positions snapped to block or address
points repeat exactly, and a count per cell keeps what a kernel at the cell centre blurs;
on four real series of several years it beat the kernel model and the simple baselines
(docs/forecast.md). ``lattice=False`` (``--kernel``) keeps the kernel model. Otherwise
(irregular targets, a small town) the kernel model below is used.

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
which is accurate to well under 1 % over a city. Times are Swedish local wall-clock times; a
time with a UTC offset is converted to it, as the importers do.

The module needs numpy and scipy only (no Django) and doubles as a command::

    python -m tryggve.analytics.forecast --events PAST.csv --points TARGETS.csv \\
        --start 2026-03-02 --end 2026-03-09 --out SCORES.csv

Events at or after ``--start`` are ignored with a warning. Bad input gives a one-line message
on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
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

# Django-free, like this module: the same reading of files, times and numbers as the importers.
from tryggve.lib.parsing import (
    EXCEL_SEP_RE,
    decode_text,
    local_wall_clock,
    parse_datetime,
    parse_number,
)

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
    method: str = "kernel"  # "lattice": the ranking of grid cells by their counts
    # The lattice ranking's choices, best first: the half-life of the counts' memory (days,
    # inf: all history) and the share of prospective hot-spotting of each.
    choice: tuple[tuple[float, float], ...] = ()
    # Why the kernel model answered for grid-less or thin data ("" when it was asked for).
    why: str = ""


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
    # NUL kept: here it tells a binary file, which is refused rather than read as text.
    text = decode_text(raw, nul="\x00")
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL bytes; not a text CSV file")
    return text


def _read_table(path: str | Path, required: Sequence[str]) -> tuple[list[list[str]], dict]:
    """Rows (without the header) and the column index by name."""
    text = _decode(path)
    # Excel's "sep=;" line names the delimiter; lines are still numbered as in the file.
    sep = EXCEL_SEP_RE.match(text)
    text, skipped = (text[sep.end() :], 1) if sep else (text, 0)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise InputError(f"{path}: empty file")
    # Swedish spreadsheets write "time;lat;lon" with decimal commas; take the delimiter that
    # yields the required columns.
    for delimiter in (sep.group(1),) if sep else (",", ";", "\t"):
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
    numbered = [(n, row) for n, row in enumerate(rows, start=1 + skipped) if "".join(row).strip()]
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
        tree = _kdtree(targets)
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
            tree = _kdtree(targets)
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
            event_tree = _kdtree(self.xy)
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
        if not self.t.size:  # nothing in the last year: no near repeats
            return np.zeros_like(sums)
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
        out = np.zeros((self.k + 1, self.n_targets))
        if not len(self.xy):
            return out
        # Only where targets and events overlap (within the kernel's reach, which the filter
        # truncates at 4 bandwidths): every event within reach of a target lies inside, and a
        # target outside has no event within reach. Over the targets' whole extent one stray
        # point (0, 0 in WGS84, a common data error) made a raster of a continent: 18 s and
        # 1.4 GB, and cells so coarse that every other target's score changed.
        lo = np.maximum(self.targets.min(axis=0), self.xy.min(axis=0)) - margin
        hi = np.minimum(self.targets.max(axis=0), self.xy.max(axis=0)) + margin
        extent = hi - lo
        if np.any(extent <= 0):
            return out
        reach = np.all((self.targets >= lo) & (self.targets <= hi), axis=1)
        if not reach.any():
            return out
        # A cell of half the bandwidth or less (linear interpolation between cells is then
        # finer than the kernel), coarser if the area is vast (never over ~4M cells).
        cell = max(bandwidth * cell_share, math.sqrt(float(extent[0] * extent[1]) / 4e6), 1.0)
        # Cells aligned on the targets within reach, as the raster over all targets was
        # before: the scores stay as they were to the last bit where nothing is cut off, and
        # a stray point changes no other score (the calibration's choices among near-equal
        # parameters would otherwise change with the raster's offset).
        anchor = self.targets[reach].min(axis=0) - margin
        lo = anchor + np.floor((lo - anchor) / cell) * cell
        extent = hi - lo
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
        near = self.targets[reach]
        coords = np.vstack([(near[:, 1] - lo[1]) / cell - 0.5, (near[:, 0] - lo[0]) / cell - 0.5])
        # Imported here: scipy.ndimage takes 0.2 s to import, and grid targets (the lattice
        # ranking) never need it.
        from scipy import ndimage

        for row in range(self.k + 1):
            smooth = ndimage.gaussian_filter(grids[row], bandwidth / cell, mode="constant")
            out[row, reach] = ndimage.map_coordinates(smooth, coords, order=1, mode="nearest")
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


def _kdtree(points: np.ndarray):
    """A k-d tree of ``points`` (the kernel model's neighbour searches)."""
    # Imported here: scipy.spatial (and scipy.sparse with it) takes 0.3 s to import, a third
    # of a city's whole command, and the lattice ranking never needs it.
    from scipy.spatial import cKDTree

    return cKDTree(points)


def _spacing(targets: np.ndarray, tree) -> float:
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
    lattice: bool = True,
) -> Result:
    """Like :func:`forecast`, also telling which parameters were used and why.

    Grid targets are ranked by their cells' counts (``ranking_forecast``) unless
    ``lattice=False`` or parameters are given; the kernel model answers otherwise, and
    whenever the targets are no grid or the past is too thin."""
    events = np.asarray(events_xy_t, dtype=float).reshape(-1, 3)
    targets = np.asarray(targets_xy, dtype=float).reshape(-1, 2)
    if not (math.isfinite(start) and math.isfinite(end) and start < end):
        raise ValueError("start must be before end")
    if not (np.isfinite(events).all() and np.isfinite(targets).all()):
        raise ValueError("coordinates and times must be finite")
    events = events[events[:, 2] < start]
    if targets.shape[0] == 0:
        return Result(np.zeros(0), params or Params(), calibrated=False, why=NO_TARGETS)
    if events.shape[0] == 0:
        return Result(
            np.zeros(targets.shape[0]), params or Params(), calibrated=False, why=NO_EVENTS
        )
    xy, t = events[:, :2], events[:, 2]

    why = ""
    if params is None and lattice:
        ranked = ranking_forecast(xy, t, targets, start, end)
        if ranked is None:
            why = NO_GRID
        elif isinstance(ranked, ThinPast):
            why = ranked.why()
        else:
            scores, origins, tested, choice = ranked
            return Result(
                scores,
                Params(),
                calibrated=True,
                origins=origins,
                test_events=tested,
                method="lattice",
                choice=choice,
            )

    origins = 0 if params is not None else _choose_origins(t, start, end - start)
    full_xy, full_t = xy, t
    if params is None and len(t) > CALIBRATION_EVENTS:
        # In time order first, so the same events give the same thinning (and parameters)
        # whatever order they came in: a file's rows, or the database's rows unsorted.
        by_time = np.argsort(t, kind="stable")
        xy, t = xy[by_time], t[by_time]
        keep = np.random.default_rng(0).choice(len(t), CALIBRATION_EVENTS, replace=False)
        keep.sort()
        xy, t = xy[keep], t[keep]
    bt = _Backtest(xy, t, targets, start, end, origins)
    calibrate = params is None and bt.test_events >= MIN_TEST_EVENTS
    if not calibrate:
        chosen = params or Params()
        return Result(
            _score_once(full_xy, full_t, targets, start, end, chosen),
            chosen,
            calibrated=False,
            why=why,
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
        why=why,
    )


# --------------------------------------------------------------------------- lattice ranking

# Targets on a regular grid: the cells are ranked by their own counts. Police positions
# snapped to block or address points repeat exactly, and a count per cell keeps what a kernel
# at the cell centre blurs.
LATTICE_TOLERANCE = 0.1  # a target further than this share of the spacing from a node: no lattice
LATTICE_SHARE = 0.95  # the share of targets that must sit on the nodes
LATTICE_SAMPLE = 512  # targets whose neighbours tell the grid's spacing and direction
# Beyond this many targets brute force costs more than importing scipy's k-d tree (0.37 s at
# 57,600 targets against 0.3 s; 1.8 s at 200,000).
LATTICE_BRUTE_FORCE = 50_000
RANK_ORIGINS = 104  # back-test windows the choice is made on (two years of weeks; fewer if short)
RANK_MIN_ORIGINS = 8
RANK_MIN_EVENTS = 300  # events in the back-test windows; below this the kernel model is used
RANK_WANTED_TEST_EVENTS = 20_000  # fewer windows once the back-test has this many events
RANK_CELL_WINDOWS = 1_000_000  # at most this many cells times windows (8 windows at least)
# The memory of the cell counts: exponential fading with these half-lives (inf: all history,
# as the simple baseline). Over long histories places change, and a memory of one to four
# years ranks next week's cells better than all history does.
MEMORY_HALF_LIVES_DAYS = (math.inf, 182.0, 365.0, 730.0, 1461.0)
# The share of prospective hot-spotting in the score (the rest: the faded cell counts).
PHS_SHARES = (0.25, 0.05, 0.15, 0.35, 0.45)
# Prospective hot-spotting (Bowers, Johnson and Pease 2004) on the lattice: events of the last
# 8 windows in the cell and its 8 neighbours, weighted 1 / (1 + d) by distance in cells and
# 1 / (1 + w) by age in whole windows.
PHS_WINDOWS = 8
# A choice is judged by its back-test hits in the top 3-7 % of cells: the 5 % cut-off alone
# picks more noise, a band around it is steadier (docs/forecast.md).
SELECTION_SHARES = (0.03, 0.04, 0.05, 0.06, 0.07)
LATTICE_TIE_BREAK = 1e-6  # weight of the 3 x 3 block counts that order cells with none
# The forecast averages the scores of the best three choices: one best choice of a noisy
# back-test is partly luck, and the average of a few good ones ranks more steadily.
RANK_CHOICES = 3
# Why the kernel model answered (Result.why), as -v reports it.
NO_GRID = "the points are no regular grid of square cells"
NO_EVENTS = "no events before the start"
NO_TARGETS = "no points"


@dataclass(frozen=True, eq=False)
class Lattice:
    """A regular grid as the targets' projection shows it: node (i, j) lies at
    ``position``, a quadratic map of (i, j) fitted to the targets, so a grid drawn in another
    projection (turned by the meridian convergence, stretched a little) is still a grid."""

    spacing: float
    index: np.ndarray  # (n, 2) integer node of every target
    coef: np.ndarray  # (6, 2) coefficients of the quadratic map
    centre: np.ndarray  # the map works on (index - centre) / scale, for conditioning
    scale: float

    def position(self, nodes: np.ndarray) -> np.ndarray:
        return _quadratic_terms((nodes - self.centre) / self.scale) @ self.coef

    def nodes(self, xy: np.ndarray) -> np.ndarray:
        """The (fractional) node coordinates of points: the map inverted by Newton's method."""
        return _invert(self.coef, self.centre, self.scale, np.asarray(xy, dtype=float))


def _quadratic_terms(uv: np.ndarray) -> np.ndarray:
    u, v = uv[:, 0], uv[:, 1]
    return np.column_stack([np.ones_like(u), u, v, u * u, u * v, v * v])


def _invert(coef, centre, scale, xy) -> np.ndarray:
    # The linear part's inverse first, then Newton's method with the 2 x 2 Jacobian inverted
    # by hand: a million events cost a few array operations per step, no per-point solver.
    # A straight grid (the risk map's own cells) is exact after the first guess.
    u, v = ((xy - coef[0]) @ np.linalg.inv(coef[1:3])).T
    for _ in range(6):
        rx, ry = (
            coef[0, axis] + coef[1, axis] * u + coef[2, axis] * v
            + coef[3, axis] * u * u + coef[4, axis] * u * v + coef[5, axis] * v * v
            - xy[:, axis]
            for axis in (0, 1)
        )
        if not len(u) or max(np.abs(rx).max(), np.abs(ry).max()) < 1e-6:
            break
        ux = coef[1, 0] + 2 * u * coef[3, 0] + v * coef[4, 0]
        uy = coef[1, 1] + 2 * u * coef[3, 1] + v * coef[4, 1]
        vx = coef[2, 0] + u * coef[4, 0] + 2 * v * coef[5, 0]
        vy = coef[2, 1] + u * coef[4, 1] + 2 * v * coef[5, 1]
        det = ux * vy - vx * uy
        u, v = u - (vy * rx - vx * ry) / det, v - (ux * ry - uy * rx) / det
    return np.column_stack([u, v]) * scale + centre


def _sample_neighbours(targets: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fixed sample of at most LATTICE_SAMPLE targets (evenly spread in their order), and
    the distances to and indices of each one's ``k`` nearest targets (itself first), nearest
    first.

    The spacing, direction and steps of a grid are medians and means that a sample of 512
    tells as well as all its cells. Up to LATTICE_BRUTE_FORCE targets the neighbours are
    found by brute force in blocks of rows: a k-d tree would cost the command 0.3 s of
    importing scipy.spatial.
    """
    sample = np.unique(np.linspace(0, len(targets) - 1, LATTICE_SAMPLE).round().astype(np.intp))
    if len(targets) > LATTICE_BRUTE_FORCE:
        dist, near = _kdtree(targets).query(targets[sample], k=k)
        return sample, dist, near.astype(np.intp)
    dist = np.empty((len(sample), k))
    near = np.empty((len(sample), k), dtype=np.intp)
    # Blocks of two million distances (16 MB an array), whatever the number of targets.
    rows = max(1, 2_000_000 // len(targets))
    for lo in range(0, len(sample), rows):
        own = targets[sample[lo : lo + rows]]
        d2 = (own[:, 0, None] - targets[:, 0]) ** 2 + (own[:, 1, None] - targets[:, 1]) ** 2
        nearest = np.argpartition(d2, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(d2, nearest, axis=1).argsort(axis=1, kind="stable")
        near[lo : lo + rows] = np.take_along_axis(nearest, order, axis=1)
        dist[lo : lo + rows] = np.sqrt(np.take_along_axis(d2, near[lo : lo + rows], axis=1))
    return sample, dist, near


def detect_lattice(targets: np.ndarray) -> Lattice | None:
    """The square grid the targets sit on, or None.

    The spacing is the median nearest-neighbour distance; the grid's direction the mean of
    the neighbour vectors' angles modulo 90 degrees; the two steps the median neighbour
    vectors along it (all three over a sample of the targets). From the target nearest the
    middle every target gets a node, and a quadratic map from nodes to positions is fitted
    by least squares near the middle, then twice as far each round with the nodes read again
    through the map: a grid drawn in another projection (SWEREF 99 TM, UTM) is turned and
    slightly bent in this one. The cells must be square (a grid of equal steps in degrees is
    not).
    A lattice is accepted when at least 95 % of the targets lie within a tenth of the
    spacing of their node and no two share a node: jittered or irregular points (addresses,
    district centroids) are not a lattice.
    """
    targets = np.asarray(targets, dtype=float).reshape(-1, 2)
    if len(targets) < 9:
        return None
    sample, dist, near = _sample_neighbours(targets, min(5, len(targets)))
    spacing = float(np.median(dist[:, 1]))
    if not spacing > 0:
        return None
    vectors = (targets[near[:, 1:]] - targets[sample][:, None, :]).reshape(-1, 2)
    length = np.hypot(vectors[:, 0], vectors[:, 1])
    steps = vectors[(length > 0.8 * spacing) & (length < 1.2 * spacing)]
    if len(steps) < len(sample):
        return None
    angle = np.arctan2(steps[:, 1], steps[:, 0])
    turn = math.atan2(np.sin(4 * angle).mean(), np.cos(4 * angle).mean()) / 4
    along = np.array([math.cos(turn), math.sin(turn)])
    across = np.array([-along[1], along[0]])
    step_length = np.hypot(steps[:, 0], steps[:, 1])
    basis = []
    for axis in (along, across):
        on_axis = steps[np.abs(steps @ axis) > 0.9 * step_length]
        if not len(on_axis):
            return None
        basis.append(np.median(on_axis * np.sign(on_axis @ axis)[:, None], axis=0))
    middle = targets[np.argmin(np.sum((targets - targets.mean(axis=0)) ** 2, axis=1))]
    try:
        steps = np.linalg.inv(np.array(basis))
        index = np.rint((targets - middle) @ steps)
        reach = float(np.abs(index).max())
        centre, scale = np.zeros(2), max(1.0, reach)
        # The straight grid read from the middle drifts from the bent one towards the edges:
        # fit near the middle first, then twice as far each round with the nodes read again
        # through the map so far.
        radius = 16.0
        while True:
            near = np.abs(index).max(axis=1) <= radius
            coef = np.linalg.lstsq(
                _quadratic_terms((index[near] - centre) / scale), targets[near], rcond=None
            )[0]
            index = np.rint(_invert(coef, centre, scale, targets))
            if radius >= reach:
                break
            radius *= 2.0
        coef = np.linalg.lstsq(_quadratic_terms((index - centre) / scale), targets, rcond=None)[0]
        index = np.rint(_invert(coef, centre, scale, targets))
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(index).all():
        return None
    lattice = Lattice(spacing, index.astype(np.int64), coef, centre, scale)
    off = np.hypot(*(targets - lattice.position(index)).T)
    if np.count_nonzero(off <= LATTICE_TOLERANCE * spacing) < LATTICE_SHARE * len(targets):
        return None
    if len(np.unique(index, axis=0)) < len(targets):
        return None
    return lattice


class _LatticeCounts:
    """The faded counts and prospective hot-spotting of every target at the forecast
    (origin 0) and at ``origins`` earlier windows, and the counts in those windows.

    Window (block) b is [start - (b + 1) h, start - b h) for the horizon h; origin r is
    start - r h, and its test window is block r - 1. A faded count is exact at every origin:
    an event at t weighs exp(-k (start - t)) once, and at origin r the events before it
    weigh exp(k r h) times that, so one cumulative sum over the blocks serves every origin.
    """

    def __init__(self, xy, t, lattice: Lattice, start: float, horizon: float, origins: int):
        self.n = n = len(lattice.index)
        self.origins = origins
        keys, order = self._keys(lattice.index)
        node = np.rint(lattice.nodes(xy)).astype(np.int64) if len(xy) else np.zeros((0, 2), int)
        block = np.floor((start - t) / horizon).astype(np.int64)
        # Events share few cells: look up each cell's targets once, not each event's.
        _, first, event_node = np.unique(
            self._encode(node), return_index=True, return_inverse=True
        )
        nodes = node[first]
        per_node = np.bincount(event_node, minlength=len(nodes)).astype(float)
        target = self._lookup(keys, order, nodes)[event_node]
        mine = target >= 0
        # Flat (block, target) cells for bincount, which is many times faster than add.at;
        # the last block holds every older event.
        flat = np.minimum(block[mine], origins) * n + target[mine]
        size = (origins + 1) * n
        counts = np.bincount(flat, minlength=size).reshape(origins + 1, n).astype(float)
        self.response = np.zeros((origins + 1, n))
        self.response[1:] = counts[:origins]
        # Faded counts are made one half-life at a time (``faded``): holding all five for
        # every window and cell costs gigabytes for a large grid.
        self._counts, self._flat, self._age = counts, flat, start - t[mine]
        self._horizon, self._faded = horizon, (None, None)
        # Hot-spotting and the tie-break: every event counts for its cell's neighbours too.
        windows = origins + PHS_WINDOWS
        phs = np.zeros(windows * n)
        near_all = np.zeros(n)
        recent = np.flatnonzero(block < windows)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                hit = self._lookup(keys, order, nodes + (di, dj))
                weight = 1.0 / (1.0 + math.hypot(di, dj))
                near_all += np.bincount(hit[hit >= 0], weights=per_node[hit >= 0], minlength=n)
                where = hit[event_node[recent]]
                use = where >= 0
                phs += weight * np.bincount(
                    block[recent][use] * n + where[use], minlength=windows * n
                )
        phs = phs.reshape(windows, n)
        self.phs = sum(phs[w : w + origins + 1] / (1.0 + w) for w in range(PHS_WINDOWS))
        self._phs_share = _normalise_rows(self.phs)
        self.tie_break = near_all / max(1.0, near_all.sum())
        # The back-test's test events, sparse: a row per (origin, target) with any.
        self.test_rows, self.test_targets = np.nonzero(self.response[1:])
        self.test_counts = self.response[1:][self.test_rows, self.test_targets]

    @staticmethod
    def _encode(node: np.ndarray) -> np.ndarray:
        return node[:, 0] * (1 << 32) + node[:, 1]

    @classmethod
    def _keys(cls, index: np.ndarray):
        keys = cls._encode(index)
        order = np.argsort(keys)
        return keys[order], order

    @classmethod
    def _lookup(cls, keys, order, node) -> np.ndarray:
        """The target at each node, -1 where there is none."""
        wanted = cls._encode(node)
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[at] == wanted, order[at], -1)

    def faded(self, half_life: float) -> np.ndarray:
        """The faded count of every target (columns) at every origin (rows)."""
        rate = _decay_rate(half_life)
        n, rows = self.n, self.origins + 1
        weighted = self._counts
        if rate:
            weighted = np.bincount(
                self._flat, weights=np.exp(-rate * self._age), minlength=rows * n
            ).reshape(rows, n)
        cum = np.zeros((rows + 1, n))
        np.cumsum(weighted, axis=0, out=cum[1:])
        grow = np.exp(rate * self._horizon * np.arange(rows))[:, None]
        return (cum[-1] - cum[:rows]) * grow

    def scores(self, half_life: float, phs_share: float) -> np.ndarray:
        """Scores at every origin (rows) for one choice: shares of the faded counts and of
        the hot-spotting, mixed. The last half-life's shares are kept for the next call."""
        if self._faded[0] != half_life:
            self._faded = (half_life, _normalise_rows(self.faded(half_life)))
        return (1.0 - phs_share) * self._faded[1] + phs_share * self._phs_share

    def hits(self, scores: np.ndarray) -> float:
        """Back-test hits of origins 1.. in the top SELECTION_SHARES of targets, summed; ties
        at a cut-off count fractionally, as in the scoring (``_hit_rates``)."""
        n = self.n
        ks = np.array([max(1, min(n, round(share * n))) for share in SELECTION_SHARES])
        rows = scores[1:]
        # Every cut-off lies within the deepest one's top segment, so only that segment is
        # counted in: comparing whole rows at each cut-off was half of the back-test's time
        # on a city-sized grid (docs/benchmarks.md). One partition at all the cut-offs is
        # also the fastest: at the deepest alone it took twenty times longer on mostly-zero
        # rows.
        part = np.partition(rows, n - ks, axis=1)
        thresholds = part[:, n - ks]  # (origins, cut-offs): the k-th largest score
        deepest = int(ks.max())
        top, floor = part[:, n - deepest :], part[:, n - deepest]
        # Below the segment nothing is larger than its floor, so a cut-off there has ties
        # below only when it is the floor (sparse rows: many cells tied at zero).
        tied_below = np.count_nonzero(part[:, : n - deepest] == floor[:, None], axis=1)
        total = 0.0
        event_scores = rows[self.test_rows, self.test_targets]
        for j, k in enumerate(ks):
            threshold = thresholds[:, j]
            above = np.count_nonzero(top > threshold[:, None], axis=1)
            tied = np.count_nonzero(top == threshold[:, None], axis=1)
            tied += np.where(threshold == floor, tied_below, 0)
            at = threshold[self.test_rows]
            total += float(self.test_counts[event_scores > at].sum())
            tie = event_scores == at
            share = (k - above[self.test_rows[tie]]) / tied[self.test_rows[tie]]
            total += float((self.test_counts[tie] * share).sum())
        return total


@dataclass(frozen=True)
class ThinPast:
    """Too little history for the lattice ranking: the back-test windows the past holds and
    the events on the grid in them, against what the ranking needs."""

    windows: int
    events: int

    def why(self) -> str:
        """What -v says (`Result.why`): what was found, and what is needed."""
        windows = f"{self.windows} back-test window{'' if self.windows == 1 else 's'}"
        events = f"{self.events} event{'' if self.events == 1 else 's'}"
        return (
            f"too little history for the grid ranking: found {windows} and {events}; needs "
            f"at least {RANK_MIN_ORIGINS} and {RANK_MIN_EVENTS}"
        )


def ranking_forecast(
    xy, t, targets, start: float, end: float
) -> tuple[np.ndarray, int, int, tuple[tuple[float, float], ...]] | ThinPast | None:
    """Scores from the lattice ranking, the origins and test events it was chosen on, and
    the choices averaged (half-life of the cell counts' memory, share of hot-spotting); None
    when the targets are no lattice, `ThinPast` when the past is too thin (both: use the
    kernel model).

    The score of a cell for one choice is (1 - s) x its share of the faded counts + s x its
    share of prospective hot-spotting. Every half-life of ``MEMORY_HALF_LIVES_DAYS`` and
    share of ``PHS_SHARES`` is tried in a rolling-origin back-test on the past alone, and the
    scores of the best ``RANK_CHOICES`` are averaged. The simple baseline blend (all-history
    counts with 0.25 hot-spotting) is one of the choices. A learned Poisson ranking on counts
    at several scales was used before; it did less well on three long real series
    (docs/forecast.md). A point given twice is one cell, scored once for both rows.
    """
    cells, row_cell = np.unique(targets, axis=0, return_inverse=True)
    lattice = detect_lattice(cells)
    if lattice is None:
        return None
    if t.size == 0:
        return ThinPast(0, 0)
    horizon = end - start
    span = start - float(t.min())
    origins = min(RANK_ORIGINS, int(0.5 * span // horizon))
    if origins < RANK_MIN_ORIGINS:
        # Counted as the back-test would count them, for -v to say what was found.
        found = _LatticeCounts(xy, t, lattice, start, horizon, origins) if origins else None
        return ThinPast(origins, int(found.response[1:].sum()) if found else 0)
    # A big city's back-test has enough test events long before two years of windows;
    # more would only cost time.
    block = np.floor((start - t) / horizon).astype(np.int64)
    per_window = np.bincount(block[block < origins], minlength=origins)
    enough = int(np.searchsorted(np.cumsum(per_window), RANK_WANTED_TEST_EVENTS)) + 1
    # A vast grid (tens of thousands of cells) gets fewer windows: memory and time grow with
    # cells times windows.
    affordable = RANK_CELL_WINDOWS // max(1, len(cells))
    origins = max(RANK_MIN_ORIGINS, min(origins, enough, affordable))
    counts = _LatticeCounts(xy, t, lattice, start, horizon, origins)
    tested = int(counts.response[1:].sum())
    if tested < RANK_MIN_EVENTS:
        return ThinPast(origins, tested)
    tried = []
    for half_life in MEMORY_HALF_LIVES_DAYS:
        for share in PHS_SHARES:
            scores = counts.scores(half_life, share)
            # A copy: a view of row 0 would keep every choice's whole matrix alive.
            tried.append((-counts.hits(scores), len(tried), (half_life, share), scores[0].copy()))
    # Sorted by hits, ties in the order tried (the baseline first): deterministic.
    chosen = sorted(tried)[:RANK_CHOICES]
    scores = sum(entry[3] for entry in chosen) / len(chosen)
    scores = (scores + LATTICE_TIE_BREAK * counts.tie_break)[row_cell.ravel()]
    return (
        scores / max(float(scores.sum()), 1e-300),
        origins,
        tested,
        tuple(entry[2] for entry in chosen),
    )


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
    lattice: bool = True,
) -> Result:
    """The forecast for events and targets in WGS84 and a window in local time."""
    lat0 = float(np.mean(targets.lat)) if targets.lat.size else 0.0
    # The circular mean: the arithmetic mean of points on both sides of 180 degrees lies on
    # the other side of the earth.
    angle = np.radians(targets.lon)
    lon0 = 0.0
    if angle.size:
        lon0 = math.degrees(math.atan2(np.sin(angle).mean(), np.cos(angle).mean()))
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
    model = parser.add_mutually_exclusive_group()
    # --lattice was needed before the grid ranking became the default; kept so that
    # existing scripts keep working.
    model.add_argument(
        "--lattice",
        action="store_true",
        help="rank grid cells by their counts when the points form a regular grid (default)",
    )
    model.add_argument(
        "--kernel", action="store_true", help="use the kernel model even for a regular grid"
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
    _refuse_overwriting_input(args)
    events = load_events(args.events)
    points = load_points(args.points)
    start_days = to_days(start)
    late = int(np.count_nonzero(events.t >= start_days))
    if late:
        print(f"forecast: warning: ignored {late} event(s) at or after --start", file=sys.stderr)
    if late == events.t.size:
        print("forecast: warning: no events before --start; all scores are 0", file=sys.stderr)
    result = forecast_latlon(events, points, start, end, lattice=not args.kernel)
    if late < events.t.size and not result.scores.any():
        print(
            "forecast: warning: no past event lies near any point; all scores are 0",
            file=sys.stderr,
        )
    if args.verbose:
        print(f"forecast: {_describe(result)}", file=sys.stderr)
    return _write(args, points, result)


def _refuse_overwriting_input(args) -> None:
    """Writing the scores over the events or points file would destroy the user's data."""
    if args.out == "-":
        return
    out = Path(args.out)
    for name, path in (("--events", args.events), ("--points", args.points)):
        try:
            same = out.resolve() == Path(path).resolve() or out.samefile(path)
        except OSError:
            same = False
        if same:
            raise InputError(f"--out: {args.out} is the {name} file; choose another file")


def _describe(result: Result) -> str:
    """What -v reports: the model used and how it was chosen."""
    if result.method == "lattice":
        choices = ", ".join(
            f"memory {'all history' if math.isinf(h) else f'{h:g} days'} with hot-spotting {s:g}"
            for h, s in result.choice
        )
        return (
            f"grid cells ranked by their counts, chosen on {result.origins} windows, "
            f"{result.test_events} events: the mean of {choices}"
        )
    model = "kernel model" + (f" ({result.why})" if result.why else "")
    if result.why in (NO_EVENTS, NO_TARGETS):
        return model
    p = result.params
    memory = "all history" if math.isinf(p.half_life_days) else f"{p.half_life_days:g} days"
    params = (
        f"bandwidth {p.bandwidth_m:g} m, memory half-life {memory}, background share "
        f"{p.broad_share:g}, near-repeat share {p.repeat_share:g} (half-life "
        f"{p.repeat_half_life_days:g} days)"
    )
    if result.calibrated:
        return (
            f"{model}, calibrated on {result.origins} windows, {result.test_events} events "
            f"(mean hit rate {result.objective:.3f} in the top 1/5/10 %): {params}"
        )
    return f"{model}, default parameters (too few events to calibrate): {params}"


def _write(args, points: Points, result: Result) -> int:
    try:
        out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["lat", "lon", "score"])
        for (lat, lon), score in zip(points.text, result.scores, strict=True):
            writer.writerow([lat, lon, repr(float(score))])
        # The buffer's last part is written when the file is closed (a full disk then).
        out.flush()
        if out is not sys.stdout:
            out.close()
    except OSError as exc:
        if out is not sys.stdout:
            with contextlib.suppress(OSError):
                out.close()  # what it still holds cannot be written either
        raise InputError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
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
