"""The lattice ranking of the forecast: grid detection, the features, the fallback."""

import numpy as np
import pytest

from tryggve.analytics.forecast import (
    detect_lattice,
    forecast_details,
    lattice_features,
    main,
)


def grid(nx: int = 12, ny: int = 10, spacing: float = 250.0, origin=(-1234.5, 678.9)):
    xs, ys = np.meshgrid(np.arange(nx), np.arange(ny))
    return np.column_stack([origin[0] + spacing * xs.ravel(), origin[1] + spacing * ys.ravel()])


def test_regular_grid_is_a_lattice_with_its_spacing_and_origin():
    points = grid()
    found = detect_lattice(points)
    assert found is not None
    assert found.spacing == pytest.approx(250.0)
    # The node indices reproduce the points.
    rebuilt = np.asarray(found.origin) + found.spacing * found.index
    np.testing.assert_allclose(rebuilt, points, atol=1e-6)


def test_grid_with_missing_cells_and_rounding_noise_is_a_lattice():
    rng = np.random.default_rng(1)
    points = grid(20, 20)
    points = points[rng.random(len(points)) < 0.6]  # a study area, not a rectangle
    points = points + rng.normal(0, 2.0, points.shape)  # lat/lon written with 5 decimals
    found = detect_lattice(points)
    assert found is not None
    assert found.spacing == pytest.approx(250.0, rel=0.01)


def test_jittered_and_irregular_points_are_no_lattice():
    rng = np.random.default_rng(2)
    jittered = grid(15, 15) + rng.uniform(-60, 60, (225, 2))
    assert detect_lattice(jittered) is None
    assert detect_lattice(rng.uniform(0, 3000, (200, 2))) is None
    assert detect_lattice(grid(2, 2)) is None  # too few to tell


def test_features_count_events_in_the_cell_its_neighbours_and_the_windows():
    lattice = detect_lattice(grid(5, 5, origin=(0.0, 0.0)))
    centre = (500.0, 500.0)  # node (2, 2)
    xy = np.array([centre, centre, (750.0, 500.0), (0.0, 0.0)])
    # Days before start = 10: two events 1 day before, one 10 days before, one 100 days before.
    t = np.array([9.0, 9.0, 0.0, -90.0])
    features, response, names = lattice_features(xy, t, lattice, 10.0, 7.0, 1)
    at = {tuple(node): k for k, node in enumerate(lattice.index)}
    c, right, corner = at[(2, 2)], at[(3, 2)], at[(0, 0)]
    window_1_cell = names.index("cell:1")
    window_1_3x3 = names.index("box3:1")
    window_4_cell = names.index("cell:4")
    assert np.expm1(features[0, c, window_1_cell]) == pytest.approx(2.0)
    assert np.expm1(features[0, right, window_1_cell]) == pytest.approx(0.0)
    assert np.expm1(features[0, right, window_4_cell]) == pytest.approx(1.0)
    assert np.expm1(features[0, right, window_1_3x3]) == pytest.approx(2.0)
    assert np.expm1(features[0, corner, window_4_cell]) == pytest.approx(0.0)
    # Origin 1 (a week earlier) saw only the two older events; its response is the last week.
    assert np.expm1(features[1, c, window_1_cell]) == pytest.approx(0.0)
    assert response[1, c] == 2 and response[1, right] == 0
    assert response[0].sum() == 0


def city(n_events: int):
    """A grid of 250 m cells and events concentrated in a few of them for two years."""
    rng = np.random.default_rng(5)
    cells = grid(30, 30, origin=(0.0, 0.0))
    weight = rng.gamma(0.3, size=len(cells))
    pick = rng.choice(len(cells), n_events, p=weight / weight.sum())
    xy = cells[pick] + rng.uniform(-120, 120, (n_events, 2))
    t = rng.uniform(0, 730, n_events)
    return np.column_stack([xy, t]), cells, weight


def test_a_city_on_a_grid_is_ranked_by_the_lattice_model():
    events, cells, weight = city(6000)
    # Off by default: the kernel model answers unless the lattice model is asked for.
    assert forecast_details(events, cells, 730.0, 737.0).method == "kernel"
    result = forecast_details(events, cells, 730.0, 737.0, lattice=True)
    assert result.method == "lattice"
    assert result.calibrated and result.origins > 0
    # The learned ranking finds the truly risky cells.
    top = np.argsort(result.scores)[-45:]
    assert weight[top].sum() > 0.3 * weight.sum()


def test_few_events_fall_back_to_the_kernel_model():
    events, cells, _ = city(40)  # a small town: a couple of burglaries a month
    result = forecast_details(events, cells, 730.0, 737.0, lattice=True)
    assert result.method == "kernel"
    assert result.scores.shape == (len(cells),)


def test_irregular_targets_use_the_kernel_model():
    events, _, _ = city(6000)
    targets = np.random.default_rng(3).uniform(0, 7000, (300, 2))
    assert forecast_details(events, targets, 730.0, 737.0, lattice=True).method == "kernel"


def test_the_command_says_when_it_ranks_grid_cells(tmp_path, capsys):
    events, cells, _ = city(3000)
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
    # Without --lattice the command keeps the kernel model (the contract as it was).
    assert "grid cells ranked" not in capsys.readouterr().err
    assert main(["--lattice", *args]) == 0
    assert "grid cells ranked" in capsys.readouterr().err
    lines = (tmp_path / "s.csv").read_text().splitlines()
    assert lines[0] == "lat,lon,score" and len(lines) == len(cells) + 1


def test_long_history_features_match_direct_counts():
    """Old windows are summed into one before filtering; the features must not change."""
    rng = np.random.default_rng(7)
    cells = grid(8, 8, origin=(0.0, 0.0))
    lattice = detect_lattice(cells)
    n = 3000
    xy = cells[rng.integers(0, len(cells), n)] + rng.uniform(-100, 100, (n, 2))
    t = rng.uniform(-2800.0, 0.0, n)  # eight years before start = 0
    origins = 3
    features, response, names = lattice_features(xy, t, lattice, 0.0, 7.0, origins)
    cell = 10  # any target
    inside = np.all(np.abs(xy - cells[cell]) <= 125.0, axis=1)
    history_blocks = int(np.floor(-t.min() / 7.0)) + 1
    for origin in range(origins + 1):
        before = t < -7.0 * origin
        total = np.count_nonzero(inside & before)
        rate = total * 52.0 / (history_blocks - origin)
        assert np.expm1(features[origin, cell, names.index("cell:all")]) == pytest.approx(rate)
        last_year = np.count_nonzero(inside & before & (t >= -7.0 * (origin + 52)))
        assert np.expm1(features[origin, cell, names.index("cell:52")]) == pytest.approx(last_year)
        if origin:
            week = inside & (t >= -7.0 * origin) & (t < -7.0 * (origin - 1))
            assert response[origin, cell] == np.count_nonzero(week)


def test_prospective_hot_spotting_feature_weighs_distance_and_age():
    lattice = detect_lattice(grid(5, 5, origin=(0.0, 0.0)))
    # One event in node (2, 2) three days before start (week 0), one in node (3, 2) ten days
    # before (week 1).
    xy = np.array([(500.0, 500.0), (750.0, 500.0)])
    t = np.array([-3.0, -10.0])
    features, _, names = lattice_features(xy, t, lattice, 0.0, 7.0, 0)
    at = {tuple(node): k for k, node in enumerate(lattice.index)}
    phs = np.expm1(features[0, :, names.index("phs")])
    # The centre: its own event (1) and its neighbour's, one cell away and a week old.
    assert phs[at[(2, 2)]] == pytest.approx(1.0 + 0.5 * 0.5)
    # A diagonal neighbour of both: 1 / (1 + sqrt 2) and 1 / (1 + 1) / 2.
    assert phs[at[(3, 3)]] == pytest.approx(1 / (1 + np.sqrt(2)) + 0.25)
    assert phs[at[(0, 0)]] == 0.0
    # The blend term: 0.75 x all-history share + 0.25 x PHS share, scaled by the targets.
    share_all = np.array([1.0 if k in (at[(2, 2)], at[(3, 2)]) else 0.0 for k in range(25)]) / 2
    blend = 0.75 * share_all + 0.25 * phs / phs.sum()
    np.testing.assert_allclose(
        features[0, :, names.index("blend")], np.log(blend * 25 + 0.05), rtol=1e-9
    )


def test_the_lattice_forecast_takes_a_large_citys_history():
    """Eight years and 32,000 events over 8,100 cells: the size of the city of issue 12. Its
    time is measured in bench/forecast_real.py (docs/benchmarks.md), never asserted here."""
    rng = np.random.default_rng(11)
    cells = grid(90, 90, origin=(0.0, 0.0))
    weight = rng.gamma(0.3, size=len(cells))
    pick = rng.choice(len(cells), 32_000, p=weight / weight.sum())
    xy = cells[pick] + rng.uniform(-120, 120, (32_000, 2))
    events = np.column_stack([xy, rng.uniform(0, 2920, 32_000)])
    result = forecast_details(events, cells, 2920.0, 2927.0, lattice=True)
    assert result.method == "lattice" and result.origins == 52
    assert np.isfinite(result.scores).all() and result.scores.sum() == pytest.approx(1.0)
