"""``skrnn forecast --future-cols/--static-cols --future FILE.csv``."""

import re

import pandas as pd
import pytest

from skrnn._cli import main
from skrnn.datasets import make_load_panel

STEPS = 4


@pytest.fixture(scope="module")
def load_csvs(tmp_path_factory):
    """Two regions' hourly load for three days with their static attributes
    as columns (history.csv), and the covariates of the next STEPS hours
    (future.csv)."""
    frame, regions = make_load_panel(n_regions=2, n_days=3, random_state=0)
    frame = frame.merge(regions, on="unique_id")
    cut = frame["ds"].max() - pd.Timedelta(hours=STEPS)
    history, future = frame[frame["ds"] <= cut], frame[frame["ds"] > cut]
    folder = tmp_path_factory.mktemp("load")
    history.to_csv(folder / "history.csv", index=False)
    future.drop(columns="load").to_csv(folder / "future.csv", index=False)
    return folder, history, future.drop(columns="load")


def run(capsys, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def panel_args(folder, *extra):
    return [
        "forecast", folder / "history.csv", "--id-col", "unique_id",
        "--time-col", "ds", "--target", "load",
        "--future-cols", "temperature,holiday",
        "--static-cols", "population,climate",
        "--future", folder / "future.csv", "--window", 12, "--horizon", 2,
        "--steps", STEPS, "--epochs", 1, "--out", folder / "out.csv", *extra,
    ]  # fmt: skip


def test_panel_forecast_with_future_and_static_columns(load_csvs, capsys):
    folder, history, future = load_csvs
    status, stdout, stderr = run(capsys, *panel_args(folder, "--coverage", 0))
    assert status == 0, stderr
    result = pd.read_csv(folder / "out.csv", parse_dates=["ds"])
    assert list(result.columns) == ["unique_id", "ds", "load"]
    for region, rows in result.groupby("unique_id"):
        expected = future.loc[future["unique_id"] == region, "ds"]
        assert list(rows["ds"]) == list(pd.to_datetime(expected))
        # The region's level, not another's (the two are 15-30% apart).
        level = history.loc[history["unique_id"] == region, "load"].tail(24)
        assert rows["load"].between(0.7 * level.min(), 1.3 * level.max()).all()
    assert "with covariates 'temperature', 'holiday', 'population'" in stdout
    assert "for each of 2 series" in stdout


def test_one_series_with_future_columns_and_intervals(load_csvs, tmp_path, capsys):
    folder, history, future = load_csvs
    one = history[history["unique_id"] == "region_1"]
    one[["ds", "load", "temperature", "holiday"]].to_csv(
        tmp_path / "one.csv", index=False
    )
    ahead = future[future["unique_id"] == "region_1"][["ds", "temperature", "holiday"]]
    ahead.to_csv(tmp_path / "ahead.csv", index=False)
    out = tmp_path / "out.csv"
    status, stdout, stderr = run(
        capsys, "forecast", tmp_path / "one.csv", "--target", "load",
        "--future-cols", "temperature,holiday", "--future", tmp_path / "ahead.csv",
        "--window", 12, "--steps", STEPS, "--epochs", 1,
        "--validation-fraction", 0.3, "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    result = pd.read_csv(out, parse_dates=["ds"])
    assert list(result.columns) == ["ds", "load", "load_lower", "load_upper"]
    assert list(result["ds"]) == list(pd.to_datetime(ahead["ds"]))
    assert (result["load_lower"] < result["load"]).all()
    assert (result["load"] < result["load_upper"]).all()
    assert "using column 'ds' as time" in stderr


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"--future-cols": "temperature,rain"},
            "--future-cols 'rain' not in .*history.csv; available: unique_id, ds",
        ),
        (
            {"future": lambda f: f.drop(columns="holiday")},
            "--future-cols 'holiday' not in --future .*future.csv",
        ),
        (
            {"future": lambda f: f.drop(index=f.index[-1])},
            r"future.csv: future for series 'region_2' has no row for "
            r"2024-01-03 23:00:00 \(1 of the 4 forecast times missing\)",
        ),
        (
            {"future": lambda f: f[f["unique_id"] == "region_1"]},
            "future.csv: future has no values for series 'region_2'",
        ),
        (
            {
                "future": lambda f: f.assign(
                    temperature=f["temperature"].where(f.index != f.index[0])
                )
            },  # fmt: skip
            "future for series 'region_1' has missing values in "
            r"\['temperature', 'holiday'\], the first at 2024-01-03 20:00:00",
        ),
        (
            {"history": lambda h: h.assign(population=range(len(h)))},
            # make_windows' message: the library checks static columns.
            "static column 'population' changes within series 'region_1'",
        ),
        ({"--future": None}, "--future-cols needs --future FILE.csv"),
        ({"--id-col": None}, "--static-cols needs --id-col"),
        ({"--static-cols": "load"}, "column 'load' is given more than one role"),
    ],
)
def test_bad_covariates_are_refused_before_training(
    load_csvs, tmp_path, capsys, change, message
):
    folder, history, future = load_csvs
    argv = panel_args(folder)
    files = {"history": history, "future": future}
    for name, edit in change.items():
        if name in files:
            edit(files[name]).to_csv(tmp_path / f"{name}.csv", index=False)
            argv = [tmp_path / f"{name}.csv" if a == folder / f"{name}.csv" else a
                    for a in argv]  # fmt: skip
            continue
        at = argv.index(name)
        argv[at : at + 2] = [] if edit is None else [name, edit]
    out = tmp_path / "out.csv"
    argv[argv.index("--out") + 1] = out
    status, stdout, stderr = run(capsys, *argv)
    assert status == 2
    assert stderr.startswith("skrnn forecast: error: ")
    assert re.search(message, stderr), stderr
    assert "epoch" not in stderr and not stdout
    assert not out.exists()
