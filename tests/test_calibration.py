"""Forecast intervals: the calibration's pure pieces, and what they promise
on a panel (a bounded number of origins, flat series kept narrow)."""

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skrnn import GRUForecaster, make_windows
from skrnn._calibration import (
    calibration_counts,
    conformal_width,
    lead_widths,
    origins_per_series,
    too_short_to_calibrate,
    window_scales,
)
from skrnn._inference import make_rollout_function
from skrnn.datasets import make_load_panel


def test_conformal_width_takes_the_corrected_rank_of_the_residuals():
    residuals = np.arange(1.0, 21.0)
    # ceil(21 * 0.9) = 19: the 19th smallest of 20, not the largest.
    assert conformal_width(residuals, 0.9) == 19.0
    assert conformal_width(residuals, 0.95) == 20.0
    assert conformal_width(residuals[::-1], 0.5) == 11.0
    # Per column, in any order.
    columns = np.stack([residuals, 10 * residuals[::-1]], axis=1)
    assert_array_equal(conformal_width(columns, 0.9), [19.0, 190.0])
    with pytest.raises(ValueError, match="needs at least 19 calibration residuals"):
        conformal_width(residuals[:18], 0.95)


@pytest.mark.parametrize(
    "n_series, coverage, expected",
    [
        (1, 0.9, (50, 1000)),
        (60, 0.8, (1, 17)),
        (2000, 0.9, (1, 1)),
        (5000, 0.9, (1, 1)),
        (3, 0.99, (33, 334)),
    ],
)
def test_each_series_gives_a_bounded_share_of_the_origins(n_series, coverage, expected):
    assert origins_per_series(n_series, coverage) == expected


def test_calibration_counts_take_the_last_origins_up_to_the_share():
    values = np.zeros((1000, 1))
    # A series alone: 10% of its length, 100 origins, each lead 100 errors
    # at least; the extra origins are the last ones of the earlier leads.
    origins, counts = calibration_counts(values, 24, 3, 0.9, 0.1)
    assert_array_equal(origins, np.arange(898, 1000))
    assert_array_equal(counts, [102, 101, 100])
    # One of 2000 series: one whole forecast, the latest.
    fewest, most = origins_per_series(2000, 0.9)
    origins, counts = calibration_counts(
        values, 24, 3, 0.9, 0.1, min_origins=fewest, max_origins=most
    )
    assert_array_equal(origins, [997])
    assert_array_equal(counts, [1, 1, 1])
    # One of 250: up to 4 whole forecasts, the latest.
    origins, counts = calibration_counts(
        values, 24, 3, 0.9, 0.1, min_origins=1, max_origins=4
    )
    assert_array_equal(origins, [994, 995, 996, 997])
    assert_array_equal(counts, [4, 4, 4])
    # Where validation_fraction asks for fewer (3), the budget of 4 takes
    # one origin more, which gives errors at the first two leads.
    origins, counts = calibration_counts(
        values, 24, 3, 0.9, 0.003, min_origins=1, max_origins=4
    )
    assert_array_equal(origins, [995, 996, 997, 998])
    assert_array_equal(counts, [4, 4, 3])
    # A gap: windows over it and forecasts of it give no error. Origins
    # 995..998: those of 996 and 997 read it, 995 forecasts it first.
    values[995] = np.nan
    _, counts = calibration_counts(
        values, 2, 2, 0.9, 0.1, min_origins=fewest, max_origins=4
    )
    assert_array_equal(counts, [1, 2])


def test_too_short_to_calibrate_names_the_lead_and_the_fixes():
    assert too_short_to_calibrate(np.array([20, 10]), 0.9, 12) is None
    assert too_short_to_calibrate(np.array([20, 8, 5]), 0.9, 12) == {
        "lead": 2,
        "n_errors": 8,
        "needed": 9,
        "min_length": 12 + 3 + 9 - 1,
        "max_steps": 1,
        "max_coverage": 0.83,
    }


def test_flat_windows_are_scaled_by_their_size_and_marked():
    windows = np.array([[[5.0], [5.0]], [[0.0], [0.0]], [[1.0], [3.0]]])
    scale, flat = window_scales(windows)
    assert_array_equal(scale[:, 0], [5.0, 1.0, 1.0])
    assert_array_equal(flat[:, 0], [True, True, False])


def test_flat_windows_calibrate_apart_when_there_are_enough():
    # Lead 1: 20 varying windows miss by 1..20 scales, 10 flat ones by 0.1.
    # Lead 2: only 5 flat errors, too few for 90%: all 25 errors decide.
    lead_1 = np.r_[np.arange(1.0, 21.0), np.full(10, 0.1)]
    lead_2 = np.r_[np.arange(1.0, 21.0) / 2, np.full(5, 0.2), np.full(5, np.nan)]
    errors = np.stack([lead_1, -lead_2], axis=1)[:, :, np.newaxis]
    flat = np.r_[np.zeros(20, bool), np.ones(10, bool)][:, np.newaxis]
    widths = lead_widths(errors, flat, 0.9)
    assert widths.shape == (2, 2, 1)
    # Varying: 19 at lead 1, and at lead 2 (9.5 alone) never narrower.
    assert_array_equal(widths[0, :, 0], [19.0, 19.0])
    # Flat: 0.1, then the 24th smallest of all 25 errors of lead 2 (9.5).
    assert_array_equal(widths[1, :, 0], [0.1, 9.5])


def test_the_loop_feeds_targets_back_and_takes_the_future_from_ahead():
    """Windows of 3 past steps and 1 future one: feature 0 is forecast,
    feature 1 known ahead; the model adds the mean of feature 0's past to
    feature 1's future value."""
    past, horizon, chunk = 3, 1, 1
    inputs = keras.Input((past + horizon, 2))
    level = keras.ops.mean(inputs[:, :past, 0], axis=1, keepdims=True)
    lift = inputs[:, past:, 1]
    model = keras.Model(inputs, level + lift)
    rollout = make_rollout_function(model, chunk, past=past, targets=[0])
    window = np.array([[[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [np.nan, 10.0]]])
    ahead = np.array([[[np.nan, 20.0], [np.nan, 30.0]]])
    forecast = rollout(window.astype(np.float32), 3, ahead)[0, :, 0]
    # By hand: 2 + 10; then the window moves on a step, the forecast in
    # its past and the next future value (20, then 30) at its end.
    first = 2.0 + 10.0
    second = np.mean([2.0, 3.0, first]) + 20.0
    third = np.mean([3.0, first, second]) + 30.0
    assert_allclose(forecast, [first, second, third], rtol=1e-6)


@pytest.fixture(scope="module")
def small_panel_model():
    rng = np.random.RandomState(0)
    t = np.arange(200)
    panel = [
        rng.uniform(1, 100) * np.sin(t / rng.uniform(2, 6)) + rng.randn(200)
        for _ in range(5)
    ]
    X, y = make_windows(panel, window=12)
    return GRUForecaster(units=4, epochs=2, random_state=0).fit(X, y), panel


def test_a_constant_series_gets_an_interval_as_narrow_as_its_errors(
    small_panel_model,
):
    model, panel = small_panel_model
    histories = {f"s{i}": series for i, series in enumerate(panel)}
    histories["flat"] = np.full(200, 5.0)
    forecasts = model.forecast(histories, 4, coverage=0.9)
    y_pred, bounds = forecasts["flat"]
    width = bounds[:, 1] - bounds[:, 0]
    # Its forecasts from flat windows miss 5.0 by the same amount each time:
    # the interval reaches 5.0 and no further.
    toward_truth = np.where(y_pred > 5.0, bounds[:, 0], bounds[:, 1])
    assert_allclose(toward_truth, 5.0, atol=1e-6)
    assert_allclose(width, 2 * np.abs(y_pred - 5.0), rtol=1e-5)
    others = [b[:, 1] - b[:, 0] for key, (_, b) in forecasts.items() if key != "flat"]
    assert width.max() < 0.1 * np.median(others)


def test_many_long_series_calibrate_on_a_bounded_number_of_origins(
    small_panel_model, monkeypatch
):
    model, panel = small_panel_model
    rng = np.random.RandomState(1)
    histories = [
        series[rng.randint(50)] + np.cumsum(rng.randn(3000)) for series in panel * 60
    ]
    rolled_out = []
    roll_out = type(model)._roll_out

    def counting(self, windows, *args):
        rolled_out.append(len(windows))
        return roll_out(self, windows, *args)

    monkeypatch.setattr(type(model), "_roll_out", counting)
    forecasts = model.forecast(histories, 3, coverage=0.9)
    # The forecast itself, then ceil(1000 / 300) = 4 whole forecasts per
    # series: not 10% of each series (300 of 3000 values) and more.
    assert rolled_out == [300, 300 * 4]
    assert all(np.all(b[:, 0] < b[:, 1]) for _, b in forecasts)


def test_covariate_forecasts_run_in_the_compiled_loop(monkeypatch):
    frame, regions = make_load_panel(n_regions=2, n_days=8, random_state=0)
    frame = frame.drop(columns="holiday")
    cut = frame["ds"].max() - pd.Timedelta(hours=12)
    history, future = frame[frame["ds"] <= cut], frame[frame["ds"] > cut]
    X, y = make_windows(
        history, window=12, horizon=4, id_col="unique_id", time_col="ds",
        target="load", future=["temperature"], static=regions,
    )  # fmt: skip
    model = GRUForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    kwargs = {
        "future": future[["unique_id", "ds", "temperature"]], "static": regions,
        "id_col": "unique_id", "time_col": "ds",
    }  # fmt: skip
    first = model.forecast(history, 4, **kwargs)
    monkeypatch.setattr(
        type(model),
        "_predict_windows",
        lambda *a: pytest.fail("a forecast called the model a chunk at a time"),
    )
    forecast = model.forecast(history, 12, coverage=0.8, **kwargs)
    assert_allclose(forecast["load"].to_numpy()[:4], first["load"][:4], rtol=1e-5)
    assert (forecast["load_lower"] < forecast["load_upper"]).all()


def test_a_model_validated_by_a_splitter_forecasts_with_intervals():
    from sklearn.model_selection import TimeSeriesSplit

    series = np.sin(np.arange(300) / 5)
    X, y = make_windows(series, window=10)
    model = GRUForecaster(
        units=2, epochs=1, validation_fraction=TimeSeriesSplit(n_splits=3),
        random_state=0,
    )  # fmt: skip
    y_pred, bounds = model.fit(X, y).forecast(series, 3, coverage=0.9)
    assert bounds.shape == (3, 2)
    assert np.all(bounds[:, 0] <= y_pred) and np.all(y_pred <= bounds[:, 1])
