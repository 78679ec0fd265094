"""``skrnn forecast --id-col``: every series of a long CSV, one model."""

import numpy as np
import pandas as pd
import pytest

from skrnn._cli import main


@pytest.fixture
def stores_csv(tmp_path):
    """Monthly sales of four stores at different levels, rows shuffled; one
    store is new (8 months), one misses a month."""
    rng = np.random.RandomState(0)
    frames = []
    for k, n in enumerate((48, 48, 40, 8)):
        dates = pd.date_range("2021-01-01", periods=n, freq="MS")
        sales = (k + 1) * 100 + 10 * np.sin(2 * np.pi * np.arange(n) / 12)
        frames.append(
            pd.DataFrame(
                {
                    "store": f"s{k}",
                    "date": dates.strftime("%Y-%m-%d"),
                    "sales": sales + rng.randn(n),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True).drop(index=30)
    frame = frame.sample(frac=1, random_state=0)
    path = tmp_path / "stores.csv"
    frame.to_csv(path, index=False)
    return path


def run(capsys, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_forecast_writes_one_long_csv_for_every_series(stores_csv, tmp_path, capsys):
    out = tmp_path / "forecast.csv"
    status, stdout, stderr = run(
        capsys, "forecast", stores_csv, "--id-col", "store", "--time-col", "date",
        "--target", "sales", "--window", 12, "--steps", 3, "--epochs", 2,
        "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    result = pd.read_csv(out, parse_dates=["date"])
    assert list(result.columns) == [
        "store", "date", "sales", "sales_lower", "sales_upper"
    ]  # fmt: skip
    assert sorted(result["store"].unique()) == ["s0", "s1", "s2", "s3"]
    last = {
        "s0": "2024-12-01",
        "s1": "2024-12-01",
        "s2": "2024-04-01",
        "s3": "2021-08-01",
    }
    for store, rows in result.groupby("store"):
        first = pd.Timestamp(last[store]) + pd.DateOffset(months=1)
        assert list(rows["date"]) == list(pd.date_range(first, periods=3, freq="MS"))
        # Each store is forecast at its own level, 100 apart.
        level = 100 * (int(store[1]) + 1)
        assert rows["sales"].between(level - 30, level + 30).all(), store
    assert (result["sales_lower"] < result["sales_upper"]).all()
    assert "1 series are shorter than --window 12" in stderr
    assert "1 series have missing time steps" in stderr
    assert "for each of 4 series" in stdout


def test_panel_errors_name_the_series_and_the_fix(stores_csv, tmp_path, capsys):
    frame = pd.read_csv(stores_csv)
    frame.loc[frame.index[0], "date"] = "not a date"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    out = tmp_path / "forecast.csv"
    status, _, stderr = run(
        capsys, "forecast", bad, "--id-col", "store", "--time-col", "date",
        "--target", "sales", "--out", out,
    )  # fmt: skip
    assert status == 2 and "--time-col 'date' is not a date" in stderr
    status, _, stderr = run(
        capsys, "forecast", stores_csv, "--id-col", "shop", "--target", "sales",
        "--out", out,
    )  # fmt: skip
    assert status == 2 and "--id-col 'shop' is not a column" in stderr
    status, _, stderr = run(
        capsys, "forecast", stores_csv, "--id-col", "store", "--target", "sales",
        "--window", 60, "--out", out,
    )  # fmt: skip
    assert (
        status == 2
        and "the longest series has 48 values, fewer than the window and "
        "horizon of one example (60 + 1): use --window 47 or less"
        in stderr
    )
    assert not out.exists()


def test_the_time_column_is_found_after_the_id_column(stores_csv, tmp_path, capsys):
    out = tmp_path / "forecast.csv"
    status, _, stderr = run(
        capsys, "forecast", stores_csv, "--id-col", "store", "--target", "sales",
        "--window", 6, "--steps", 2, "--epochs", 1, "--coverage", 0,
        "--model", "rnn", "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    assert "using column 'date' as time" in stderr
    result = pd.read_csv(out)
    assert list(result.columns) == ["store", "date", "sales"]
    s3 = result[result["store"] == "s3"]
    assert s3["date"].tolist() == ["2021-09-01", "2021-10-01"]
