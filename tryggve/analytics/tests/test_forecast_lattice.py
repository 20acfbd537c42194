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
    features, response = lattice_features(xy, t, lattice, 10.0, 7.0, 1)
    at = {tuple(node): k for k, node in enumerate(lattice.index)}
    c, right, corner = at[(2, 2)], at[(3, 2)], at[(0, 0)]
    # Column order: Gaussian terms (2 grids x 2 widths), then per window (1, 4, 13, 52 weeks,
    # all history) the cell, 3 x 3 and 5 x 5 sums.
    window_1_cell = 4
    window_1_3x3 = 5
    window_4_cell = 7
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
