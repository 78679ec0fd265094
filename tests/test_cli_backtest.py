"""``skrnn backtest FILE.csv``: forecasts from the last cutoffs, beside the
truth, through the library's backtest."""

import numpy as np
import pandas as pd
import pytest

from skrnn import RNNForecaster
from skrnn._cli import main
from skrnn.model_selection import backtest


@pytest.fixture
def shops_csv(tmp_path):
    """Monthly sales of three shops; one starts late."""
    frames = []
    for k, n in enumerate((40, 40, 30)):
        dates = pd.date_range("2021-01-01", periods=40, freq="MS")[-n:]
        sales = (k + 1) * 50 + 5 * np.sin(np.arange(40 - n, 40) / 2)
        frames.append(pd.DataFrame({"shop": f"s{k}", "month": dates, "sales": sales}))
    frame = pd.concat(frames, ignore_index=True)
    path = tmp_path / "shops.csv"
    frame.to_csv(path, index=False)
    return path, frame


def run(capsys, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


OPTIONS = ["--window", 6, "--steps", 3, "--n-windows", 2, "--epochs", 1]


def test_backtest_writes_each_cutoffs_forecasts_beside_the_truth(
    shops_csv, tmp_path, capsys
):
    path, frame = shops_csv
    out = tmp_path / "backtest.csv"
    status, stdout, stderr = run(
        capsys, "backtest", path, "--id-col", "shop", "--target", "sales",
        *OPTIONS, "--refit", 0, "--coverage", 0, "--model", "rnn", "--out", out,
    )  # fmt: skip
    assert status == 0, stderr
    result = pd.read_csv(out, parse_dates=["month", "cutoff"])
    assert list(result.columns) == ["shop", "month", "cutoff", "sales", "forecast"]
    assert sorted(result["cutoff"].dt.strftime("%Y-%m").unique()) == [
        "2023-10",
        "2024-01",
    ]
    assert len(result) == 3 * 2 * 3
    truth = frame.set_index(["shop", "month"])["sales"]
    expected = truth.loc[list(zip(result["shop"], result["month"], strict=True))]
    np.testing.assert_allclose(result["sales"], expected, rtol=1e-6)
    assert (result["month"] > result["cutoff"]).all()
    assert "from each of 2 cutoffs (2023-10-01, 2024-01-01)" in stdout
    # The library's backtest of the same model gives the same forecasts.
    model = RNNForecaster(epochs=1, random_state=0, verbose=0, bounds=(None, None))
    library = backtest(
        model, frame, window=6, horizon=1, steps=3, n_windows=2, refit=False,
        id_col="shop", time_col="month", target="sales",
    )  # fmt: skip
    np.testing.assert_allclose(result["forecast"], library["forecast"], rtol=1e-5)


def test_backtest_of_one_series_with_intervals_and_a_plot(shops_csv, tmp_path, capsys):
    path, frame = shops_csv
    one = tmp_path / "one.csv"
    frame[frame["shop"] == "s0"].drop(columns="shop").to_csv(one, index=False)
    out, plot = tmp_path / "bt.csv", tmp_path / "bt.png"
    status, stdout, stderr = run(
        capsys, "backtest", one, "--target", "sales", *OPTIONS, "--step-size", 1,
        "--coverage", 0.5, "--validation-fraction", 0.3, "--out", out,
        "--plot", plot,
    )  # fmt: skip
    assert status == 0, stderr
    result = pd.read_csv(out)
    assert list(result.columns) == [
        "month", "cutoff", "sales", "forecast", "forecast_lower", "forecast_upper"
    ]  # fmt: skip
    assert result["cutoff"].unique().tolist() == ["2023-12-01", "2024-01-01"]
    assert (result["forecast_lower"] <= result["forecast_upper"]).all()
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert f"plot written to {plot}" in stdout


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--n-windows", 20], "--n-windows 20 origins 3 apart"),
        (["--refit", -1], "argument --refit: -1 is not 0 or a positive integer"),
        (["--step-size", 0], "argument --step-size: 0 is not a positive integer"),
    ],
)
def test_bad_backtest_options_are_one_line_before_training(
    shops_csv, tmp_path, capsys, argv, message
):
    path, _ = shops_csv
    out = tmp_path / "bt.csv"
    status, stdout, stderr = run(
        capsys, "backtest", path, "--id-col", "shop", "--target", "sales",
        "--window", 6, "--steps", 3, "--epochs", 1, *argv, "--out", out,
    )  # fmt: skip
    assert status == 2
    assert message in stderr and len(stderr.splitlines()) == 1, stderr
    assert "epoch" not in stderr and not out.exists()
