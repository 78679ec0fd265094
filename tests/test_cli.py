import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skrnn import _cli_demo, _cli_tools, plotting
from skrnn._cli import build_parser, main
from skrnn.intervals import check_interval_history


@pytest.fixture
def daily_csv(tmp_path):
    """200 days of a noisy sine, rows shuffled, one date missing, two NaN."""
    rng = np.random.RandomState(0)
    dates = pd.date_range("2023-01-01", periods=200, freq="D")
    values = 10 + np.sin(np.arange(200) / 5) + 0.05 * rng.randn(200)
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "sales": values})
    frame.loc[[50, 120], "sales"] = np.nan
    frame = frame.drop(index=80).sample(frac=1, random_state=0)
    path = tmp_path / "sales.csv"
    frame.to_csv(path, index=False)
    return path


def run(capsys, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def files_in(directory):
    return sorted(path.name for path in directory.iterdir())


def test_forecast_writes_dated_rows_with_bounds(daily_csv, tmp_path, capsys):
    out, png = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    status, stdout, stderr = run(
        capsys, "forecast", daily_csv, "--target", "sales", "--window", 10,
        "--steps", 7, "--epochs", 2, "--out", out, "--plot", png,
    )  # fmt: skip
    assert status == 0, stderr
    result = pd.read_csv(out, index_col="date", parse_dates=True)
    assert list(result.columns) == ["sales", "sales_lower", "sales_upper"]
    assert len(result) == 7
    expected = pd.date_range("2023-07-20", periods=7, freq="D")
    assert list(result.index) == list(expected)
    assert (result["sales_lower"] <= result["sales"]).all()
    assert (result["sales"] <= result["sales_upper"]).all()
    assert (result["sales_upper"] > result["sales_lower"]).all()
    # The series lives in [9, 11]: a forecast far outside it is a bug.
    assert result["sales"].between(8, 12).all()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "using column 'date' as time" in stderr
    assert "1 missing time step(s) in 'date' are gaps" in stderr
    assert "3 missing value(s)" in stderr
    assert "epoch 2/2" in stderr  # the progress bar
    assert "7 forecasts of 'sales'" in stdout
    assert re.search(r"validation \(\d+ most recent windows\): MAE \d", stdout)
    assert files_in(tmp_path) == ["forecast.csv", "forecast.png", "sales.csv"]
    # Written through a temporary file, yet with a new file's permissions.
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_forecast_numeric_time_column_and_horizon(tmp_path, capsys):
    years = np.arange(1900, 2000)
    values = 50 + 40 * np.sin(2 * np.pi * years / 11)
    path = tmp_path / "yearly.csv"
    pd.DataFrame({"value": values, "year": years}).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    status, _, stderr = run(
        capsys, "forecast", path, "--target", "value", "--time-col", "year",
        "--window", 12, "--horizon", 3, "--steps", 5, "--epochs", 1,
        "--model", "gru", "--normalize", "global", "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    result = pd.read_csv(out)
    assert result["year"].tolist() == [2000, 2001, 2002, 2003, 2004]
    assert (result["value_lower"] <= result["value"]).all()
    assert (result["value"] <= result["value_upper"]).all()


def test_forecast_fills_a_gap_in_the_last_window_and_says_so(tmp_path, capsys):
    values = np.sin(np.arange(60) / 4)
    values[-3] = np.nan
    path = tmp_path / "series.csv"
    pd.DataFrame({"y": values}).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    status, _, stderr = run(
        capsys, "forecast", path, "--target", "y", "--window", 8, "--steps", 4,
        "--epochs", 1, "--model", "rnn", "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    assert "filled them by linear interpolation" in stderr
    result = pd.read_csv(out)
    assert result["step"].tolist() == [60, 61, 62, 63]
    assert np.isfinite(result[["y", "y_lower", "y_upper"]].to_numpy()).all()


@pytest.fixture
def bad_inputs(tmp_path, daily_csv):
    text = tmp_path / "text.csv"
    text.write_text("date,sales\n2023-01-01,1.5\n2023-01-02,high\n")
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("date,sales\n2023-01-01,1\n2023-01-02,2\n2023-01-02,3\n")
    short = tmp_path / "short.csv"
    pd.DataFrame({"sales": np.arange(15.0)}).to_csv(short, index=False)
    off_grid = tmp_path / "yearly.csv"
    years = [f"{year}-01-01" for year in range(2000, 2020)]
    years[12] = "2012-06-01"
    pd.DataFrame({"year": years, "sales": np.arange(20.0)}).to_csv(
        off_grid, index=False
    )
    return {
        "missing file": (
            [tmp_path / "nope.csv", "--target", "sales"],
            "nope.csv: no such file",
        ),
        "unknown column": (
            [daily_csv, "--target", "revenue"],
            "--target 'revenue' is not a column; available: date, sales",
        ),
        "unknown time column": (
            [daily_csv, "--target", "sales", "--time-col", "when"],
            "--time-col 'when' is not a column; available: date, sales",
        ),
        "non-numeric target": (
            [text, "--target", "sales"],
            "--target 'sales' is not numeric: row 2 holds 'high'",
        ),
        "repeated time": (
            [repeated, "--target", "sales"],
            # fill_gaps' message: the library refuses a repeated time.
            "series 'sales' has the time 2023-01-02 00:00:00 in more than one row",
        ),
        "shorter than the window": (
            [short, "--target", "sales", "--window", 20],
            "the series has 15 values, fewer than the window and horizon of one "
            "example (20 + 1): use --window 14 or less, or a longer series.\n",
        ),
        "shorter than the window, no interval": (
            [short, "--target", "sales", "--window", 20, "--coverage", 0],
            "(20 + 1): use --window 14 or less, or a longer series.\n",
        ),
        "missing output directory": (
            [daily_csv, "--target", "sales", "--out", tmp_path / "no" / "f.csv"],
            "does not exist",
        ),
        "bad steps": (
            [daily_csv, "--target", "sales", "--steps", 0],
            "argument --steps: 0 is not a positive integer",
        ),
        "bad coverage": (
            [daily_csv, "--target", "sales", "--coverage", 1.5],
            "coverage strictly between 0 and 1",
        ),
        # skrnn.intervals.check_interval_history's message, in options.
        "too short for the interval": (
            [short, "--target", "sales", "--window", 5, "--steps", 10],
            "too short to calibrate a 90% interval 10 step(s) ahead: the "
            "forecasts from its last origins have 8 known error(s) 3 step(s) "
            "ahead, and a 90% interval needs 9. To forecast with intervals, "
            "pass a longer history (at least 23 values without gaps), forecast "
            "fewer steps (--steps 2) or lower the coverage (--coverage 0.5). Or "
            "--coverage 0: no interval.",
        ),
        # The library's messages, in the command's options.
        "off-grid date": (
            [off_grid, "--target", "sales"],
            "fit no regular frequency (steps from 214 days 00:00:00 to 517 days "
            "00:00:00, not multiples of one step): pass the panel's frequency, "
            "--freq (e.g. --freq 'D' or --freq 'MS')",
        ),
        "off the given frequency": (
            [off_grid, "--target", "sales", "--freq", "YS"],
            "2012-06-01 00:00:00 is not on the YS-JAN grid",
        ),
        "min above max": (
            [daily_csv, "--target", "sales", "--min", 5, "--max", 1],
            "--min 5 must be below --max 1",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "unknown column",
        "unknown time column",
        "non-numeric target",
        "repeated time",
        "shorter than the window",
        "shorter than the window, no interval",
        "missing output directory",
        "bad steps",
        "bad coverage",
        "too short for the interval",
        "off-grid date",
        "off the given frequency",
        "min above max",
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(
    case, bad_inputs, tmp_path, capsys, monkeypatch
):
    def no_training():
        pytest.fail("bad input must be refused before training")

    monkeypatch.setattr(_cli_tools, "training_tools", no_training)
    argv, message = bad_inputs[case]
    out = tmp_path / "forecast.csv"
    if "--out" not in argv:
        argv = [*argv, "--out", out]
    before = files_in(tmp_path)
    status, stdout, stderr = run(capsys, "forecast", *argv, "--epochs", 1)
    assert status == 2
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert stderr.startswith("skrnn")
    assert message in stderr
    assert stdout == ""
    assert files_in(tmp_path) == before


def test_the_fixes_for_a_short_series_work(bad_inputs, tmp_path, capsys):
    short = bad_inputs["too short for the interval"][0][0]
    argv = ["forecast", short, "--target", "sales", "--window", 5, "--steps", 10]
    for fix in (["--coverage", "0.5"], ["--steps", "2"]):
        args = build_parser().parse_args([str(a) for a in argv] + fix)
        counts = check_interval_history(
            np.arange(15.0), window=5, steps=args.steps, coverage=args.coverage
        )
        assert counts.min() >= 1  # no error
    # --coverage 0 forecasts without an interval.
    out = tmp_path / "out.csv"
    status, stdout, stderr = run(
        capsys, *argv, "--coverage", 0, "--validation-fraction", 0,
        "--min", 4, "--max", 14.5, "--epochs", 1, "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    result = pd.read_csv(out)
    assert list(result.columns) == ["step", "sales"]
    assert result["step"].tolist() == list(range(15, 25))
    assert result["sales"].between(4, 14.5).all()
    assert "(no intervals)" in stdout and "validation" not in stdout


def test_validation_report_counts_windows_in_the_singular_too(capsys):
    class Model:
        validation_fraction = 0.1

        def predict(self, X):
            return X[:, -1, 0] + 1

    X = np.arange(30.0).reshape(10, 3, 1)
    _cli_tools.report_validation(Model(), X, X[:, -1, 0] + 2, window=3)
    assert "validation (1 most recent window): MAE 1," in capsys.readouterr().out


def test_failure_while_writing_leaves_no_file(daily_csv, tmp_path, monkeypatch):
    out, png = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    out.write_text("previous forecast\n")

    def broken_plot(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(plotting, "plot_forecast", broken_plot)
    argv = ["forecast", str(daily_csv), "--target", "sales", "--window", "10"]
    with pytest.raises(OSError, match="disk full"):
        main([*argv, "--steps", "3", "--epochs", "1", "--out", str(out)] +
             ["--plot", str(png)])  # fmt: skip
    assert out.read_text() == "previous forecast\n"
    assert files_in(tmp_path) == ["forecast.csv", "sales.csv"]


def test_dates_continue_a_monthly_series_with_a_gap(tmp_path, capsys):
    dates = pd.date_range("2015-01-01", periods=60, freq="MS").delete(30)
    path = tmp_path / "monthly.csv"
    pd.DataFrame({"month": dates, "y": np.arange(59.0)}).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    status, stdout, stderr = run(
        capsys, "forecast", path, "--target", "y", "--window", 6, "--steps", 3,
        "--epochs", 1, "--model", "rnn", "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    # 59 months, 1 gap: 47 complete windows of 6 + 1; the last 4 validate.
    naive = re.search(
        r"validation \(4 most recent windows\): .* naive .* (\S+)$", stdout, re.M
    )
    assert naive is not None, stdout
    assert float(naive.group(1)) == 1.0  # y rises by 1 a month
    assert "from 2020-01-01 to 2020-03-01" in stdout
    assert "1 missing time step(s) in 'month' are gaps" in stderr
    result = pd.read_csv(out)
    assert list(result.columns) == ["month", "y", "y_lower", "y_upper"]
    assert result["month"].tolist() == ["2020-01-01", "2020-02-01", "2020-03-01"]
    # A line rising by 1 a month from 58: 'last' scaling continues it roughly.
    assert result["y"].between(50, 70).all()
    assert (result["y_lower"] < result["y"]).all()


def test_irregular_dates_are_bad_input(tmp_path, capsys):
    # Steps of 1 and 1.5 days: no frequency fits them all (a daily series
    # with missing days would: its missing days are gaps).
    path = tmp_path / "irregular.csv"
    dates = ["2020-01-01", "2020-01-02", "2020-01-03 12:00", "2020-01-05",
             "2020-01-06"]  # fmt: skip
    pd.DataFrame({"when": dates, "y": np.arange(5.0)}).to_csv(path, index=False)
    status, _, stderr = run(capsys, "forecast", path, "--target", "y")
    assert status == 2
    assert "fit no regular frequency" in stderr and "--freq" in stderr
    assert stderr.count("\n") == 1


def test_python_m_skrnn_help():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, "-m", "skrnn", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("usage: skrnn")
    assert "forecast" in completed.stdout and "demo" in completed.stdout


def test_demo_prints_the_table_and_writes_plots(tmp_path, monkeypatch, capsys):
    from skrnn.datasets import load_sunspots, make_synthetic_series

    synthetic = make_synthetic_series(200, as_frame=True)
    sunspots = load_sunspots().iloc[-120:]

    def small_datasets(as_frame):
        assert as_frame
        return [
            ("synthetic (course)", synthetic, 10, 150, False),
            ("sunspots (yearly)", sunspots, 10, 100, True),
        ]

    monkeypatch.setattr(_cli_demo, "demo_datasets", small_datasets)
    out = tmp_path / "plots"
    status, stdout, stderr = run(capsys, "demo", "--out", out, "--epochs", 1)
    assert status == 0, stderr
    rows = [line.split() for line in stdout.splitlines() if "Forecaster" in line]
    assert [row[-6] for row in rows] == ["LSTMForecaster", "GRUForecaster",
                                         "RNNForecaster"] * 2  # fmt: skip
    # The naive column: mean |last value of the window - next value| on the tail.
    tail = synthetic.to_numpy()[150 - 1 :]
    naive = np.abs(np.diff(tail)).mean()
    assert float(rows[0][-4]) == pytest.approx(naive, abs=1e-3)
    assert all(float(row[-5]) > 0 for row in rows)
    assert files_in(out) == ["sunspots_lstm.png", "synthetic_lstm.png"]
    assert (out / "sunspots_lstm.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_input_in_a_fresh_process_is_one_line(tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, "-m", "skrnn", "forecast", "missing.csv", "--target", "y"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert completed.returncode == 2
    assert completed.stderr == "skrnn forecast: error: missing.csv: no such file\n"


def test_normalize_offers_every_mode_of_the_estimators():
    from skrnn._scaling import NORMALIZE_MODES

    forecast = build_parser()._subparsers._group_actions[0].choices["forecast"]
    action = next(a for a in forecast._actions if a.dest == "normalize")
    assert action.choices == [*NORMALIZE_MODES, "none"]
    # What 'auto' does, as resolve_normalize decides it.
    assert "'auto' picks 'window' for series whose step sizes differ widely" in (
        action.help
    )
    assert "'last' (what auto picks)" not in action.help


def test_normalize_window_and_none_reach_the_forecaster(tmp_path, capsys, monkeypatch):
    from skrnn import RNNForecaster

    seen, fit = [], RNNForecaster.fit

    def recording_fit(self, X, y, **kwargs):
        seen.append(self.normalize)
        return fit(self, X, y, **kwargs)

    monkeypatch.setattr(RNNForecaster, "fit", recording_fit)
    path = tmp_path / "series.csv"
    pd.DataFrame({"y": np.sin(np.arange(40) / 3)}).to_csv(path, index=False)
    for mode in ("window", "none"):
        status, _, stderr = run(
            capsys, "forecast", path, "--target", "y", "--window", 5, "--steps",
            2, "--coverage", 0, "--epochs", 1, "--model", "rnn", "--normalize",
            mode, "--out", tmp_path / "out.csv",
        )  # fmt: skip
        assert status == 0, stderr
    assert seen == ["window", None]


def test_one_series_is_a_panel_of_one(daily_csv, tmp_path, capsys):
    """The same rows with an id column give the same forecast: one path."""
    frame = pd.read_csv(daily_csv).assign(shop="north")
    panel = tmp_path / "panel.csv"
    frame.to_csv(panel, index=False)
    options = ["--target", "sales", "--time-col", "date", "--window", 10,
               "--steps", 3, "--epochs", 1, "--model", "gru"]  # fmt: skip
    status, *_ = run(capsys, "forecast", daily_csv, *options, "--out", tmp_path / "a")
    assert status == 0
    status, *_ = run(
        capsys, "forecast", panel, "--id-col", "shop", *options,
        "--out", tmp_path / "b",
    )  # fmt: skip
    assert status == 0
    one, many = pd.read_csv(tmp_path / "a"), pd.read_csv(tmp_path / "b")
    assert many["shop"].tolist() == ["north"] * 3
    pd.testing.assert_frame_equal(one, many.drop(columns="shop"))
    assert one["date"].tolist() == ["2023-07-20", "2023-07-21", "2023-07-22"]


def test_the_command_line_stays_a_thin_client():
    """Issue 21: the command's modules together stay under 700 lines; what
    they need beyond parsing, files and messages is the library's."""
    from pathlib import Path

    import skrnn

    package = Path(skrnn.__file__).parent
    files = [path for path in package.rglob("*.py") if "cli" in str(path.name)]
    assert {path.name for path in files} >= {"_cli.py", "_cli_forecast.py"}
    n_lines = sum(len(path.read_text().splitlines()) for path in files)
    assert n_lines < 700, n_lines
