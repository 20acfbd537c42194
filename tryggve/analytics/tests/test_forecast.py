"""The risk forecast works on files alone: no database, no Django settings needed."""

import contextlib
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggve.analytics.forecast import Params, forecast, forecast_details, main

ROOT = Path(__file__).resolve().parents[3]
LAT0, LON0 = 65.59, 19.18  # Arvidsjaur


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def town_files(tmp: Path, *, n_events: int = 200) -> tuple[Path, Path]:
    rng = np.random.default_rng(3)
    rows = ["id,time,lat,lon,kind"]
    for k in range(n_events):
        day = 1 + k % 28
        hot = k % 3 == 0  # a third of the events in one spot
        lat = LAT0 + (0.0005 * rng.normal() if hot else rng.uniform(-0.01, 0.01))
        lon = LON0 + (0.001 * rng.normal() if hot else rng.uniform(-0.02, 0.02))
        rows.append(
            f'{k},2025-{1 + k % 12:02d}-{day:02d} 12:{k % 60:02d},{lat:.6f},{lon:.6f},"a, b"'
        )
    events = write(tmp / "events.csv", "\n".join(rows) + "\n")
    points = ["lon,lat"]
    for i in range(10):
        for j in range(10):
            points.append(f"{LON0 - 0.02 + 0.004 * j:.4f},{LAT0 - 0.01 + 0.002 * i:.4f}")
    return events, write(tmp / "points.csv", "\n".join(points) + "\n")


def run_main(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def run_april_week(events: Path, points: Path, out: Path) -> tuple[int, str]:
    """The command for the first week of April 2025."""
    args = ["--events", str(events), "--points", str(points), "--out", str(out)]
    return run_main(*args, "--start", "2025-04-01", "--end", "2025-04-08")


def run_cli(events, points, start: str, end: str, out) -> subprocess.CompletedProcess:
    """The forecast as a separate process, exactly as a user runs it."""
    return subprocess.run(  # noqa: S603 (our own module, fixed arguments)
        [
            sys.executable,
            "-m",
            "tryggve.analytics.forecast",
            "--events",
            str(events),
            "--points",
            str(points),
            "--start",
            start,
            "--end",
            end,
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_happy_path(tmp_path):
    events, points = town_files(tmp_path)
    out = tmp_path / "scores.csv"
    done = run_cli(events, points, "2026-01-05T00:00", "2026-01-12", out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "lat,lon,score"
    assert len(lines) == 101
    given_points = [line.split(",") for line in points.read_text().splitlines()[1:]]
    for line, (lon, lat) in zip(lines[1:], given_points, strict=True):
        out_lat, out_lon, score = line.split(",")
        assert (out_lat, out_lon) == (lat, lon)  # input order, values as written
        assert float(score) >= 0


def test_events_after_start_are_ignored_with_a_warning(tmp_path):
    events, points = town_files(tmp_path)
    code, err = run_main(
        "--events",
        str(events),
        "--points",
        str(points),
        "--start",
        "2025-07-01",
        "--end",
        "2025-07-08",
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert code == 0
    assert "warning: ignored" in err


def test_no_events_before_start_gives_zeros(tmp_path):
    events, points = town_files(tmp_path)
    out = tmp_path / "o.csv"
    code, err = run_main(
        "--events",
        str(events),
        "--points",
        str(points),
        "--start",
        "2000-01-01",
        "--end",
        "2000-01-08",
        "--out",
        str(out),
    )
    assert code == 0
    assert "no events before --start" in err
    assert {line.split(",")[2] for line in out.read_text().splitlines()[1:]} == {"0.0"}


def test_semicolons_decimal_commas_bom_and_offsets(tmp_path):
    events = tmp_path / "e.csv"
    events.write_bytes(
        "\ufefftid;lat;lon;time\n\nx;65,59;19,18;2025-03-01T10:00:00.5+01:00\n"
        "y;65,591;19,181;2025-03-02 10:00Z\n".encode()
    )
    points = write(tmp_path / "p.csv", "lat,lon\n65.59,19.18\n65.60,19.30\n")
    out = tmp_path / "o.csv"
    code, err = run_april_week(events, points, out)
    assert code == 0, err
    scores = [float(line.split(",")[2]) for line in out.read_text().splitlines()[1:]]
    assert scores[0] > scores[1]


def test_plain_files_read_in_one_step_as_row_by_row(tmp_path, monkeypatch):
    """The vectorised reading of plain numbers and times gives what the row-by-row one does."""
    from tryggve.analytics import forecast as module

    rows = ["time,lat,lon", "2025-03-01,65.59,19.18", "2025-03-01T10:30,65.591,-19.181"]
    rows += ["2024-10-27 02:30:15,-65.5,179.9", " 2025-01-02T23:59 , 65 , 19.2 "]
    path = write(tmp_path / "e.csv", "\n".join(rows) + "\n")
    fast = module.load_events(path)
    fast_points = module.load_points(path)
    assert module._plain_times(module._read_table(path, ("time",))[0], 0) is not None
    monkeypatch.setattr(module, "_plain_column", lambda *args: None)
    slow = module.load_events(path)
    np.testing.assert_array_equal(fast.t, slow.t)
    np.testing.assert_array_equal(fast.lat, slow.lat)
    np.testing.assert_array_equal(fast.lon, slow.lon)
    assert fast_points.text == module.load_points(path).text


def test_a_bad_value_among_plain_ones_names_its_row(tmp_path):
    rows = ["time,lat,lon"] + ["2025-01-01,65.5,19.1"] * 5 + ["2025-02-30,65.5,19.1"]
    rows += ["2025-01-01,65.5,19.1"]
    events = write(tmp_path / "e.csv", "\n".join(rows) + "\n")
    points = write(tmp_path / "p.csv", "lat,lon\n65.5,19.1\n")
    code, err = run_april_week(events, points, tmp_path / "o.csv")
    assert code == 2 and "row 7" in err


def test_excel_s_sep_line_is_read_as_the_importers_read_it(tmp_path):
    """A file saved for Excel names its delimiter first ("sep=;"); the web import takes it,
    so the command line does too, and still numbers rows as in the file."""
    events = write(
        tmp_path / "e.csv",
        "sep=;\ntime;lat;lon\n2025-03-01;65,59;19,18\n2025-03-02;65,591;19,181\n",
    )
    points = write(tmp_path / "p.csv", '"sep=,"\nlat,lon\n65.59,19.18\n65.60,19.30\n')
    code, err = run_april_week(events, points, tmp_path / "o.csv")
    assert code == 0, err
    bad = write(tmp_path / "bad.csv", "sep=;\ntime;lat;lon\n2025-03-01;65,59;19,18\nx;1;2\n")
    code, err = run_april_week(bad, points, tmp_path / "o2.csv")
    assert code == 2 and "row 4" in err


BAD_CASES = {
    "missing column": ("time,lat\n2025-01-01,65.5\n", None),
    "non-numeric lat": ("time,lat,lon\n2025-01-01,north,19.1\n", None),
    "nan": ("time,lat,lon\n2025-01-01,nan,19.1\n", None),
    "inf": ("time,lat,lon\n2025-01-01,65.5,inf\n", None),
    "lat out of range": ("time,lat,lon\n2025-01-01,95,19.1\n", None),
    "bad time": ("time,lat,lon\nyesterday,65.5,19.1\n", None),
    "empty events": ("time,lat,lon\n", None),
    "empty file": ("", None),
    "empty targets": (None, "lat,lon\n\n"),
    "short row": ("time,lat,lon\n2025-01-01,65.5\n", None),
    "targets without lon": (None, "lat\n65.5\n"),
}


def test_bad_input_exits_2_with_one_line(tmp_path):
    good_events, good_points = town_files(tmp_path)
    for name, (events_text, points_text) in BAD_CASES.items():
        events = write(tmp_path / "e.csv", events_text) if events_text is not None else good_events
        points = write(tmp_path / "p.csv", points_text) if points_text is not None else good_points
        code, err = run_main(
            "--events",
            str(events),
            "--points",
            str(points),
            "--start",
            "2026-01-01",
            "--end",
            "2026-01-08",
            "--out",
            str(tmp_path / "o"),
        )
        assert code == 2, name
        assert err.startswith("forecast: error:"), (name, err)
        assert err.count("\n") == 1 and "Traceback" not in err, (name, err)


def test_bad_arguments_exit_2(tmp_path):
    events, points = town_files(tmp_path)
    base = ["--events", str(events), "--points", str(points), "--out", str(tmp_path / "o")]
    for start, end in [
        ("2026-01-08", "2026-01-01"),
        ("2026-01-01", "2026-01-01"),
        ("soon", "2026-01-08"),
    ]:
        code, err = run_main(*base, "--start", start, "--end", end)
        assert code == 2 and err.count("\n") == 1
    code, err = run_main(
        "--events",
        str(tmp_path / "missing.csv"),
        "--points",
        str(points),
        "--start",
        "2026-01-01",
        "--end",
        "2026-01-08",
        "--out",
        "o",
    )
    assert code == 2 and "cannot read" in err
    (tmp_path / "binary.csv").write_bytes(b"time,lat,lon\n\x00\x01\x02\n")
    code, err = run_main(
        "--events",
        str(tmp_path / "binary.csv"),
        "--points",
        str(points),
        "--start",
        "2026-01-01",
        "--end",
        "2026-01-08",
        "--out",
        "o",
    )
    assert code == 2 and "NUL" in err
    code, err = run_main("--events", str(events))
    assert code == 2 and err.count("\n") == 1


def test_cli_subprocess_error_has_no_traceback(tmp_path):
    points = write(tmp_path / "p.csv", "lat,lon\n65.5,19.1\n")
    events = write(tmp_path / "e.csv", "time,lat,lon\n2025-01-01,65.5,abc\n")
    done = run_cli(events, points, "2026-01-01", "2026-01-08", tmp_path / "o.csv")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "row 2" in done.stderr


# --------------------------------------------------------------------------- properties

cell = st.one_of(
    st.sampled_from(
        [
            "65.59",
            "19.18",
            "-0",
            "1e3",
            "nan",
            "inf",
            "",
            " ",
            '"',
            "2025-01-01",
            "2025-01-01 10:00",
            "2025-13-01",
            "91",
            "-180",
            "65,5",
            "x;y",
            "\t",
        ]
    ),
    st.text(max_size=8),
)
row = st.lists(cell, min_size=0, max_size=5)
header = st.lists(
    st.sampled_from(["time", "lat", "lon", "LAT", " lon ", "id", "lat"]), min_size=0, max_size=5
)
delimiter = st.sampled_from([",", ";", "\t"])


@st.composite
def csv_text(draw):
    sep = draw(delimiter)
    lines = [sep.join(draw(header))] + [sep.join(r) for r in draw(st.lists(row, max_size=6))]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=csv_text(), points=csv_text(), raw=st.binary(max_size=40), use_raw=st.booleans())
def test_any_input_exits_0_or_2_without_traceback(events, points, raw, use_raw):
    with tempfile.TemporaryDirectory() as tmp:
        e = Path(tmp) / "e.csv"
        if use_raw:
            e.write_bytes(b"time,lat,lon\n" + raw)
        else:
            e.write_text(events, encoding="utf-8")
        p = write(Path(tmp) / "p.csv", points)
        code, err = run_main(
            "--events",
            str(e),
            "--points",
            str(p),
            "--start",
            "2026-01-01",
            "--end",
            "2026-01-08",
            "--out",
            str(Path(tmp) / "o.csv"),
        )
    assert code in (0, 2)
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        assert err.count("\n") == 1


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    lat=st.floats(-80, 80),
    lon=st.floats(-180, 180),
    n=st.integers(0, 40),
)
def test_valid_random_events_give_scores_for_every_target(seed, lat, lon, n):
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as tmp:
        rows = ["time,lat,lon"] + [
            f"2025-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d},"
            f"{np.clip(lat + rng.normal(0, 0.01), -90, 90)},"
            f"{((lon + rng.normal(0, 0.01) + 180) % 360) - 180}"
            for _ in range(n)
        ]
        e = write(Path(tmp) / "e.csv", "\n".join(rows) + "\n")
        targets = ["lat,lon"] + [f"{lat},{lon}", f"{np.clip(lat + 0.01, -90, 90)},{lon}"]
        p = write(Path(tmp) / "p.csv", "\n".join(targets) + "\n")
        out = Path(tmp) / "o.csv"
        code, err = run_main(
            "--events",
            str(e),
            "--points",
            str(p),
            "--start",
            "2026-01-01",
            "--end",
            "2026-01-08",
            "--out",
            str(out),
        )
        expected = 2 if n == 0 else 0  # an events file without rows is malformed
        assert code == expected, err
        if code == 0:
            assert len(out.read_text().splitlines()) == 3


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    hx=st.floats(1000, 9000),
    hy=st.floats(1000, 9000),
    share=st.floats(0.1, 0.4),
)
def test_a_hot_spot_ranks_above_background(seed, hx, hy, share):
    rng = np.random.default_rng(seed)
    n = 400
    hot = rng.random(n) < share
    xy = rng.uniform(0, 10_000, (n, 2))
    xy[hot] = np.array([hx, hy]) + rng.normal(0, 100, (hot.sum(), 2))
    events = np.column_stack([xy, rng.uniform(0, 730, n)])
    g = np.arange(125, 10_000, 250.0)
    gx, gy = np.meshgrid(g, g)
    targets = np.column_stack([gx.ravel(), gy.ravel()])
    scores = forecast(events, targets, 730.0, 737.0)
    nearest = np.argmin(np.hypot(targets[:, 0] - hx, targets[:, 1] - hy))
    assert scores[nearest] >= np.quantile(scores, 0.95)
    assert scores.shape == (len(targets),)


def test_near_repeat_raises_risk_nearby():
    rng = np.random.default_rng(0)
    background = np.column_stack([rng.uniform(0, 5000, (300, 2)), rng.uniform(0, 700, 300)])
    # Two identical quiet places; one had a burglary yesterday.
    recent = np.array([[1000.0, 1000.0, 729.0]])
    targets = np.array([[1000.0, 1000.0], [4000.0, 4000.0]])
    params = Params(repeat_share=0.3)
    base = forecast(background, targets, 730.0, 737.0, params)
    after = forecast(np.vstack([background, recent]), targets, 730.0, 737.0, params)
    assert after[0] / after[1] > base[0] / base[1]


def test_one_stray_point_far_away_changes_no_other_score():
    """A target at WGS84 (0, 0), a common data error, 7,000 km from a town: the background
    raster covered everything between (18 s, 1.4 GB), so coarse that every score changed.
    Now it covers only where targets and events meet; the stray point scores 0."""
    rng = np.random.default_rng(3)
    events = np.column_stack([rng.uniform(0, 5000, (400, 2)), rng.uniform(0, 700, 400)])
    targets = rng.uniform(0, 5000, (150, 2))
    stray = np.vstack([targets, [[-7.0e6, -2.0e6]]])
    params = Params(broad_share=0.5)
    alone = forecast(events, targets, 730.0, 737.0, params)
    with_stray = forecast(events, stray, 730.0, 737.0, params)
    assert with_stray[-1] == 0
    # Equal but for the order the kernel sums add their pairs in (the old raster changed
    # scores by 1-3 %).
    np.testing.assert_allclose(with_stray[:-1], alone, rtol=1e-9)


def test_calibration_is_deterministic():
    rng = np.random.default_rng(5)
    xy = np.vstack([rng.normal(2000, 300, (2000, 2)), rng.uniform(0, 5000, (2000, 2))])
    events = np.column_stack([xy, rng.uniform(0, 1000, len(xy))])
    g = np.arange(125, 5000, 250.0)
    targets = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    first = forecast_details(events, targets, 1000.0, 1007.0)
    second = forecast_details(events, targets, 1000.0, 1007.0)
    assert first.calibrated and first.params == second.params
    assert np.array_equal(first.scores, second.scores)
    assert abs(first.scores.sum() - 1) < 1e-6


def test_the_order_of_the_events_changes_no_choice(monkeypatch):
    """Above a limit the kernel model chooses its parameters on a thinning of the events; the
    risk map reads them unsorted from the database (sorting a million rows was half the
    query), so the same events in another order must give the same thinning."""
    from tryggve.analytics import forecast as module

    monkeypatch.setattr(module, "CALIBRATION_EVENTS", 600)
    rng = np.random.default_rng(8)
    xy = np.vstack([rng.normal(2000, 200, (600, 2)), rng.uniform(0, 5000, (900, 2))])
    events = np.column_stack([xy, rng.uniform(0, 1000, len(xy))])
    targets = rng.uniform(0, 5000, (120, 2))  # no grid: the kernel model answers
    first = forecast_details(events, targets, 1000.0, 1007.0)
    shuffled = forecast_details(events[rng.permutation(len(events))], targets, 1000.0, 1007.0)
    assert first.method == "kernel" and first.calibrated
    assert shuffled.params == first.params
    np.testing.assert_allclose(shuffled.scores, first.scores, rtol=1e-9)


def test_a_window_long_after_the_last_event_gives_scores(tmp_path):
    """No event in the last year before --start: the near-repeat part is zero, the rest
    still ranks (it crashed with 'zero-size array' before)."""
    events, points = town_files(tmp_path)
    out = tmp_path / "o.csv"
    code, err = run_main(
        *("--events", str(events), "--points", str(points), "--out", str(out)),
        *("--start", "2028-01-01", "--end", "2028-01-08", "-v"),
    )
    assert code == 0, err
    scores = [float(line.split(",")[2]) for line in out.read_text().splitlines()[1:]]
    assert len(scores) == 100 and max(scores) > 0
    assert "kernel model" in err


def test_verbose_says_which_model_and_why(tmp_path):
    events, points = town_files(tmp_path)  # 10 x 10 points 0.004 by 0.002 degrees apart
    args = ["--events", str(events), "--points", str(points), "--out", str(tmp_path / "o.csv")]
    code, err = run_main(*args, "--start", "2026-01-05", "--end", "2026-01-12", "-v")
    assert code == 0
    # Those points are no grid of square cells; the report names the model and the reason.
    assert "kernel model (the points are no regular grid" in err
    assert "Params(" not in err and "bandwidth" in err


def test_scores_written_over_the_events_file_are_refused(tmp_path):
    events, points = town_files(tmp_path)
    before = events.read_text()
    for target in (events, points):
        code, err = run_main(
            *("--events", str(events), "--points", str(points), "--out", str(target)),
            *("--start", "2026-01-05", "--end", "2026-01-12"),
        )
        assert code == 2 and err.count("\n") == 1 and "--out" in err
    assert events.read_text() == before


def test_points_far_from_every_event_warn_that_all_scores_are_zero(tmp_path):
    events, _ = town_files(tmp_path)
    far = write(tmp_path / "far.csv", "lat,lon\n-33.86,151.21\n-33.87,151.22\n")
    code, err = run_main(
        *("--events", str(events), "--points", str(far), "--out", str(tmp_path / "o.csv")),
        *("--start", "2026-01-05", "--end", "2026-01-12"),
    )
    assert code == 0
    assert "no past event lies near any point" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_is_a_clear_error_not_an_internal_one(tmp_path):
    # The last of the scores is written when the file is closed: a full disk shows there.
    e = write(tmp_path / "e.csv", "time,lat,lon\n2026-01-01T00:00,65.59,19.18\n")
    p = write(tmp_path / "p.csv", "lat,lon\n65.59,19.18\n")
    week = ("--start", "2026-11-23", "--end", "2026-11-30")
    code, err = run_main("--events", str(e), "--points", str(p), *week, "--out", "/dev/full")
    assert code == 2
    assert err == "forecast: error: /dev/full: cannot write (No space left on device)\n"
