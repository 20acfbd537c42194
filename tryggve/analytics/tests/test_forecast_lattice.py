"""The lattice ranking of the forecast: grid detection, the counts, the choice, the fallback."""

import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from tryggve.analytics.forecast import (
    MEMORY_HALF_LIVES_DAYS,
    PHS_SHARES,
    RANK_CHOICES,
    ThinPast,
    _LatticeCounts,
    _sample_neighbours,
    detect_lattice,
    forecast_details,
    main,
    project,
    ranking_forecast,
)

ROOT = Path(__file__).resolve().parents[3]


def grid(nx: int = 12, ny: int = 10, spacing: float = 250.0, origin=(-1234.5, 678.9)):
    xs, ys = np.meshgrid(np.arange(nx), np.arange(ny))
    return np.column_stack([origin[0] + spacing * xs.ravel(), origin[1] + spacing * ys.ravel()])


def test_regular_grid_is_a_lattice_with_its_spacing_and_nodes():
    points = grid()
    found = detect_lattice(points)
    assert found is not None
    assert found.spacing == pytest.approx(250.0)
    # The nodes reproduce the points, and points read back give their nodes.
    np.testing.assert_allclose(found.position(found.index), points, atol=1e-6)
    np.testing.assert_allclose(found.nodes(points + 40.0), found.index + 40.0 / 250.0, atol=1e-9)


def test_grid_with_missing_cells_and_rounding_noise_is_a_lattice():
    rng = np.random.default_rng(1)
    points = grid(20, 20)
    points = points[rng.random(len(points)) < 0.6]  # a study area, not a rectangle
    points = points + rng.normal(0, 2.0, points.shape)  # lat/lon written with 5 decimals
    found = detect_lattice(points)
    assert found is not None
    assert found.spacing == pytest.approx(250.0, rel=0.01)


@pytest.mark.parametrize(
    ("crs", "lat", "lon", "km"),
    [
        (3006, 65.32, 21.48, 60),  # SWEREF 99 TM at Piteå: turned 6 degrees in our plane
        (3006, 65.59, 19.17, 30),  # Arvidsjaur
        (32615, 38.63, -90.24, 30),  # UTM 15N at St. Louis
    ],
)
def test_a_grid_drawn_in_another_projection_is_a_lattice(crs, lat, lon, km):
    """Cells made in a national or UTM grid and given as WGS84 centres, as --points are:
    in the forecast's own plane the grid is turned by the meridian convergence and slightly
    bent, and must still be found."""
    to_grid = Transformer.from_crs(4326, crs, always_xy=True)
    to_wgs84 = Transformer.from_crs(crs, 4326, always_xy=True)
    x0, y0 = to_grid.transform(lon, lat)
    side = np.arange(-km * 2, km * 2) * 250.0 + 125.0
    xs, ys = np.meshgrid(math.floor(x0 / 250) * 250 + side, math.floor(y0 / 250) * 250 + side)
    keep = np.random.default_rng(4).random(xs.size) < 0.7
    lons, lats = to_wgs84.transform(xs.ravel()[keep], ys.ravel()[keep])
    lats, lons = np.round(lats, 6), np.round(lons, 6)
    px, py = project(lats, lons, float(lats.mean()), float(lons.mean()))
    points = np.column_stack([px, py])
    found = detect_lattice(points)
    assert found is not None
    assert found.spacing == pytest.approx(250.0, rel=0.01)
    assert np.hypot(*(found.position(found.index) - points).T).max() < 10.0
    # Neighbours in the grid are neighbours among the nodes.
    assert len(np.unique(found.index, axis=0)) == len(points)


def test_jittered_and_irregular_points_are_no_lattice():
    rng = np.random.default_rng(2)
    jittered = grid(15, 15) + rng.uniform(-60, 60, (225, 2))
    assert detect_lattice(jittered) is None
    assert detect_lattice(rng.uniform(0, 3000, (200, 2))) is None
    assert detect_lattice(grid(2, 2)) is None  # too few to tell


def test_faded_counts_and_test_windows_match_direct_counts():
    """Every origin's faded count equals the sum over the events before it, computed
    directly, also when old windows are lumped into one."""
    rng = np.random.default_rng(7)
    cells = grid(8, 8, origin=(0.0, 0.0))
    lattice = detect_lattice(cells)
    n = 3000
    xy = cells[rng.integers(0, len(cells), n)] + rng.uniform(-120, 120, (n, 2))
    t = rng.uniform(-2800.0, 0.0, n)  # eight years before start = 0
    origins = 5
    counts = _LatticeCounts(xy, t, lattice, 0.0, 7.0, origins)
    cell = 10
    inside = np.all(np.abs(xy - cells[cell]) < 125.0, axis=1)
    for origin in range(origins + 1):
        moment = -7.0 * origin
        before = inside & (t < moment)
        for half_life in MEMORY_HALF_LIVES_DAYS:
            weight = 1.0 if math.isinf(half_life) else 0.5 ** ((moment - t[before]) / half_life)
            expected = float(np.sum(np.broadcast_to(weight, t[before].shape)))
            assert counts.faded(half_life)[origin, cell] == pytest.approx(expected, rel=1e-9)
        if origin:
            week = inside & (t >= moment) & (t < moment + 7.0)
            assert counts.response[origin, cell] == np.count_nonzero(week)
    assert counts.response[0].sum() == 0  # the forecast's own window is the future


def test_prospective_hot_spotting_weighs_distance_and_age():
    cells = grid(5, 5, origin=(0.0, 0.0))
    lattice = detect_lattice(cells)

    def at(x, y):
        return int(np.flatnonzero((cells == (250.0 * x, 250.0 * y)).all(axis=1))[0])

    # One event in the middle cell three days before start (window 0), one in the cell to
    # its right ten days before (window 1), one just outside the targets, next to a corner.
    xy = np.array([(500.0, 500.0), (750.0, 500.0), (1250.0, 1000.0)])
    t = np.array([-3.0, -10.0, -2.0])
    counts = _LatticeCounts(xy, t, lattice, 0.0, 7.0, 1)
    middle, right, corner = at(2, 2), at(3, 2), at(4, 4)
    phs = counts.phs[0]
    # The middle: its own event (1) and its neighbour's, one cell away and a window old.
    assert phs[middle] == pytest.approx(1.0 + 0.5 * 0.5)
    assert phs[at(3, 3)] == pytest.approx(1 / (1 + math.sqrt(2)) + 0.25)
    assert phs[at(0, 0)] == 0.0
    # The event outside the targets counts for its neighbours' hot-spotting only.
    assert phs[corner] > 0 and counts.faded(math.inf)[0, corner] == 0
    assert counts.faded(math.inf)[0, right] == 1 and counts.faded(math.inf)[1, right] == 1
    assert counts.faded(math.inf)[1, middle] == 0  # origin 1 is before the middle's event


def moving_city(n_events: int, years: int = 8, seed: int = 5):
    """250 m cells with burglary concentrated in a few; halfway through, the hot spots move
    (a new estate, a demolished one), as in long real series."""
    rng = np.random.default_rng(seed)
    cells = grid(30, 30, origin=(0.0, 0.0))
    before = rng.gamma(0.3, size=len(cells))
    after = rng.gamma(0.3, size=len(cells))
    days = 365.0 * years
    t = np.sort(rng.uniform(0, days, n_events))
    late = t > days / 2
    pick = np.where(
        late,
        rng.choice(len(cells), n_events, p=after / after.sum()),
        rng.choice(len(cells), n_events, p=before / before.sum()),
    )
    xy = cells[pick] + rng.uniform(-120, 120, (n_events, 2))
    return np.column_stack([xy, t]), cells, after, days


def test_a_city_on_a_grid_is_ranked_by_its_cells_by_default():
    events, cells, now, days = moving_city(12_000)
    result = forecast_details(events, cells, days, days + 7.0)
    assert result.method == "lattice"
    assert result.calibrated and result.origins == 104
    assert len(result.choice) == RANK_CHOICES
    for half_life, share in result.choice:
        assert half_life in MEMORY_HALF_LIVES_DAYS and share in PHS_SHARES
    # The places changed four years ago: a fading memory wins over all history.
    assert all(not math.isinf(half_life) for half_life, _ in result.choice)
    top = np.argsort(result.scores)[-45:]
    node = np.rint(events[:, :2] / 250.0).astype(int)
    all_history = np.bincount(node[:, 0] + 30 * node[:, 1], minlength=len(cells))
    baseline_top = np.argsort(all_history + 1e-9 * np.arange(len(cells)))[-45:]
    assert now[top].sum() > 1.1 * now[baseline_top].sum()
    # The kernel model still answers when asked for.
    assert forecast_details(events, cells, days, days + 7.0, lattice=False).method == "kernel"


def test_the_scores_are_the_mean_of_the_best_choices():
    events, cells, _, days = moving_city(6000, years=3, seed=8)
    xy, t = events[:, :2], events[:, 2]
    scores, origins, tested, choice = ranking_forecast(xy, t, cells, days, days + 7.0)
    counts = _LatticeCounts(xy, t, detect_lattice(cells), days, 7.0, origins)
    expected = np.mean([counts.scores(h, s)[0] for h, s in choice], axis=0)
    np.testing.assert_allclose(scores, expected, atol=1e-5)
    assert scores.sum() == pytest.approx(1.0, abs=1e-5)
    assert tested == int(counts.response.sum())
    # No choice ranks the back-test better than the chosen ones.
    hits = {
        (h, s): counts.hits(counts.scores(h, s)) for h in MEMORY_HALF_LIVES_DAYS for s in PHS_SHARES
    }
    assert min(hits[c] for c in choice) >= sorted(hits.values())[-RANK_CHOICES]


def test_few_events_fall_back_to_the_kernel_model():
    events, cells, _, days = moving_city(40, years=2)  # a small town: a few a month
    result = forecast_details(events, cells, days, days + 7.0)
    assert result.method == "kernel"
    assert result.scores.shape == (len(cells),)
    # -v says what was found and what is needed: it read as if 8 windows and 300 events
    # had been found ("too little history for the grid ranking (8 windows and 300 events
    # in them)").
    thin = ranking_forecast(events[:, :2], events[:, 2], cells, days, days + 7.0)
    assert isinstance(thin, ThinPast) and thin.windows >= 8 and 0 < thin.events < 300
    assert result.why == (
        f"too little history for the grid ranking: found {thin.windows} back-test windows "
        f"and {thin.events} events; needs at least 8 and 300"
    )


def test_a_short_history_says_how_many_windows_it_holds():
    """Three weeks of events before a week's forecast: one back-test window (a window's
    test needs a window of past before it), and the events on the grid in it."""
    cells = grid(10, 10)
    rng = np.random.default_rng(2)
    xy = cells[rng.integers(0, len(cells), 60)]
    t = np.linspace(79.0, 99.5, 60)  # 20.5 days before the start at 100
    events = np.column_stack([xy, t])
    in_window = int(np.count_nonzero(t >= 93.0))  # the last 7 days: block 0, the one tested
    result = forecast_details(events, cells, 100.0, 107.0)
    assert result.method == "kernel"
    assert result.why == (
        f"too little history for the grid ranking: found 1 back-test window and "
        f"{in_window} events; needs at least 8 and 300"
    )


def test_irregular_targets_use_the_kernel_model():
    events, _, _, days = moving_city(6000, years=2)
    targets = np.random.default_rng(3).uniform(0, 7000, (300, 2))
    assert forecast_details(events, targets, days, days + 7.0).method == "kernel"


def test_the_command_ranks_grid_cells_unless_told_otherwise(tmp_path, capsys):
    events, cells, _, _ = moving_city(3000, years=2)
    lat0, lon0 = 57.7, 11.97

    def to_latlon(xy):
        lat = lat0 + np.degrees(xy[:, 1] / 6_371_008.8)
        lon = lon0 + np.degrees(xy[:, 0] / (6_371_008.8 * np.cos(np.radians(lat0))))
        return lat, lon

    lat, lon = to_latlon(events[:, :2])
    rows = ["time,lat,lon"]
    for k in range(len(events)):
        day = np.datetime64("2024-01-01") + int(events[k, 2])
        rows.append(f"{day},{lat[k]:.7f},{lon[k]:.7f}")
    (tmp_path / "e.csv").write_text("\n".join(rows) + "\n")
    plat, plon = to_latlon(cells)
    pts = ["lat,lon"] + [f"{a:.7f},{b:.7f}" for a, b in zip(plat, plon, strict=True)]
    (tmp_path / "p.csv").write_text("\n".join(pts) + "\n")
    args = [
        "--events",
        str(tmp_path / "e.csv"),
        "--points",
        str(tmp_path / "p.csv"),
        "--start",
        "2025-12-29",
        "--end",
        "2026-01-05",
        "--out",
        str(tmp_path / "s.csv"),
        "-v",
    ]
    assert main(args) == 0
    said = capsys.readouterr().err
    assert "grid cells ranked by their counts" in said and "memory" in said
    lines = (tmp_path / "s.csv").read_text().splitlines()
    assert lines[0] == "lat,lon,score" and len(lines) == len(cells) + 1
    assert main(["--lattice", *args]) == 0  # the old switch still works
    assert "grid cells ranked" in capsys.readouterr().err
    assert main(["--kernel", *args]) == 0
    assert "calibrated on" in capsys.readouterr().err
    assert main(["--kernel", "--lattice", *args]) == 2
    assert "not allowed with" in capsys.readouterr().err


def test_the_lattice_forecast_takes_a_large_citys_history():
    """Eight years and 32,000 events over 8,100 cells: the size of the city of issue 12. Its
    time is measured in bench/forecast_real.py (docs/benchmarks.md), never asserted here."""
    rng = np.random.default_rng(11)
    cells = grid(90, 90, origin=(0.0, 0.0))
    weight = rng.gamma(0.3, size=len(cells))
    pick = rng.choice(len(cells), 32_000, p=weight / weight.sum())
    xy = cells[pick] + rng.uniform(-120, 120, (32_000, 2))
    events = np.column_stack([xy, rng.uniform(0, 2920, 32_000)])
    result = forecast_details(events, cells, 2920.0, 2927.0)
    assert result.method == "lattice" and result.origins == 104
    assert np.isfinite(result.scores).all() and result.scores.sum() == pytest.approx(1.0)


def test_back_test_hits_count_ties_like_the_scoring(monkeypatch):
    """The choice is judged as the benchmark scores: the top 3-7 % of targets, ties at a
    cut-off counted fractionally (sparse data leave many cells tied at zero)."""
    from tryggve.analytics import forecast as module

    events, cells, _, days = moving_city(900, years=2, seed=9)
    xy, t = events[:, :2], events[:, 2]
    counts = _LatticeCounts(xy, t, detect_lattice(cells), days, 7.0, 20)
    monkeypatch.setattr(module, "TOP_SHARES", module.SELECTION_SHARES)
    for half_life, share in [(math.inf, 0.25), (182.0, 0.05)]:
        scores = counts.scores(half_life, share)
        expected = 0.0
        for origin in range(1, counts.origins + 1):
            test = np.repeat(np.arange(counts.n), counts.response[origin].astype(int))
            expected += module._hit_rates(scores[origin], test, None).sum() * test.size
        assert counts.hits(scores) == pytest.approx(expected)


def test_sampled_neighbours_are_the_nearest_in_every_block():
    """The grid is read from a sample's nearest neighbours, found by brute force in blocks
    of rows (20,000 targets: blocks of 100 rows); each row must be its true nearest five."""
    rng = np.random.default_rng(21)
    targets = rng.uniform(0, 50_000, (20_000, 2))
    sample, dist, near = _sample_neighbours(targets, 5)
    assert len(sample) == 512 and sample[0] == 0 and sample[-1] == len(targets) - 1
    d = np.hypot(*(targets[sample][:, None, :] - targets[None, :, :]).transpose(2, 0, 1))
    expected = np.sort(d, axis=1)[:, :5]
    assert np.array_equal(near[:, 0], sample)  # itself first
    assert np.allclose(dist, expected)
    assert np.allclose(np.take_along_axis(d, near, axis=1), expected)


def test_a_vast_set_of_targets_finds_the_same_neighbours_with_the_tree(monkeypatch):
    """Above LATTICE_BRUTE_FORCE targets the k-d tree answers (brute force would take
    seconds): the same sample, distances and neighbours."""
    from tryggve.analytics import forecast as module

    targets = np.random.default_rng(22).uniform(0, 50_000, (6_000, 2))
    brute = _sample_neighbours(targets, 5)
    monkeypatch.setattr(module, "LATTICE_BRUTE_FORCE", 5_000)
    tree = _sample_neighbours(targets, 5)
    assert np.array_equal(brute[0], tree[0]) and np.array_equal(brute[2], tree[2])
    assert np.allclose(brute[1], tree[1])


def test_the_lattice_ranking_does_without_scipy_spatial(tmp_path):
    """Importing scipy.spatial costs a city's command 0.3 s of its second
    (docs/benchmarks.md): the grid's forecast must not need it, the kernel model's may."""
    cells = grid(30, 30, origin=(0.0, 0.0))
    rng = np.random.default_rng(4)
    xy = cells[rng.integers(0, len(cells), 3000)] + rng.uniform(-100, 100, (3000, 2))
    events = np.column_stack([xy, rng.uniform(0, 1460, 3000)])
    np.save(tmp_path / "events.npy", events)
    np.save(tmp_path / "cells.npy", cells)
    events_file, cells_file = str(tmp_path / "events.npy"), str(tmp_path / "cells.npy")
    code = (
        "import sys, numpy as np\n"
        "from tryggve.analytics.forecast import forecast_details\n"
        f"e = np.load({events_file!r}); c = np.load({cells_file!r})\n"
        "for lattice in (True, False):\n"
        "    r = forecast_details(e, c, 1460.0, 1467.0, lattice=lattice)\n"
        "    print(r.method, 'scipy.spatial' in sys.modules)\n"
    )
    done = subprocess.run(  # noqa: S603 (our own code, fixed arguments)
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["lattice False", "kernel True"]


def test_a_busy_city_is_back_tested_on_fewer_windows():
    rng = np.random.default_rng(12)
    cells = grid(40, 40, origin=(0.0, 0.0))
    n = 150_000  # about 1,400 a week for two years
    xy = cells[rng.integers(0, len(cells), n)] + rng.uniform(-120, 120, (n, 2))
    events = np.column_stack([xy, rng.uniform(0, 730, n)])
    result = forecast_details(events, cells, 730.0, 737.0)
    assert result.method == "lattice"
    assert 8 <= result.origins < 52 and result.test_events >= 20_000


@settings(max_examples=150, deadline=None)
@given(
    picks=st.lists(st.integers(0, 143), min_size=1, max_size=80),
    noise=st.sampled_from([0.0, 1.0, 30.0, 200.0]),
    scale=st.sampled_from([1e-6, 1.0, 1e6]),
    seed=st.integers(0, 1000),
)
def test_any_points_give_a_valid_lattice_or_none(picks, noise, scale, seed):
    """Duplicates, lines, a handful of points, noise, tiny or huge coordinates: never an
    error, and a lattice that is found fits its points."""
    points = grid(12, 12, origin=(0.0, 0.0))[picks] * scale
    points = points + np.random.default_rng(seed).normal(0, noise * scale, points.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = detect_lattice(points)
    if found is not None:
        off = np.hypot(*(found.position(found.index) - points).T)
        assert np.count_nonzero(off <= 0.1 * found.spacing) >= 0.95 * len(points)
        assert len(np.unique(found.index, axis=0)) == len(points)


def test_a_point_given_twice_keeps_the_grid_and_shares_its_score():
    events, cells, _, days = moving_city(6000, years=3, seed=13)
    doubled = np.vstack([cells, cells[[17]]])
    result = forecast_details(events, doubled, days, days + 7.0)
    assert result.method == "lattice"
    assert result.scores[17] == result.scores[-1] > 0
    assert result.scores.sum() == pytest.approx(1.0)


def test_a_grid_across_the_antimeridian_is_found(tmp_path, capsys):
    """Cells of UTM zone 60S around Fiji: half the points have longitudes near +180, half
    near -180; the plane's centre must not be their arithmetic mean (0 degrees)."""
    to_wgs84 = Transformer.from_crs(32760, 4326, always_xy=True)
    to_grid = Transformer.from_crs(4326, 32760, always_xy=True)
    x0, y0 = to_grid.transform(180.0, -17.0)
    side = np.arange(-20, 20) * 250.0 + 125.0
    xs, ys = np.meshgrid(x0 + side, y0 + side)
    lons, lats = to_wgs84.transform(xs.ravel(), ys.ravel())
    rng = np.random.default_rng(14)
    pick = rng.integers(0, len(lats), 3000)
    days = rng.uniform(0, 730, 3000)
    rows = ["time,lat,lon"] + [
        f"{np.datetime64('2024-01-01') + int(d)},{lats[k]:.6f},{lons[k]:.6f}"
        for k, d in zip(pick, days, strict=True)
    ]
    (tmp_path / "e.csv").write_text("\n".join(rows) + "\n")
    points = ["lat,lon"] + [f"{a:.6f},{b:.6f}" for a, b in zip(lats, lons, strict=True)]
    (tmp_path / "p.csv").write_text("\n".join(points) + "\n")
    assert (lons > 0).any() and (lons < 0).any()
    code = main(
        [
            *("--events", str(tmp_path / "e.csv"), "--points", str(tmp_path / "p.csv")),
            *("--start", "2026-01-05", "--end", "2026-01-12"),
            *("--out", str(tmp_path / "s.csv"), "-v"),
        ]
    )
    assert code == 0
    assert "grid cells ranked" in capsys.readouterr().err


def test_a_vast_grid_is_back_tested_on_fewer_windows():
    """Memory and time grow with cells times windows: 60,000 cells get 16 windows, not 104
    (a grid of that size took 1.7 GB before)."""
    rng = np.random.default_rng(15)
    cells = grid(300, 200, origin=(0.0, 0.0))
    n = 20_000
    xy = cells[rng.integers(0, len(cells), n)] + rng.uniform(-120, 120, (n, 2))
    events = np.column_stack([xy, rng.uniform(0, 2920, n)])
    result = forecast_details(events, cells, 2920.0, 2927.0)
    assert result.method == "lattice"
    assert result.origins == 1_000_000 // len(cells)
