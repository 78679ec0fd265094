"""``target_lags`` and ``lookahead``: what a forecast step of a covariate
model reads beside its recurrent state."""

import pickle

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from skrnn import GRUForecaster, load, make_windows
from skrnn._covariate_model import ReverseSteps, ShiftSteps

WINDOW, HORIZON, SEASON = 16, 4, 8


def _weekly_frame(n_steps=400, seed=0):
    """A series that repeats a random pattern of SEASON steps, scaled by a
    future-known factor, plus a little noise."""
    rng = np.random.default_rng(seed)
    pattern = rng.uniform(1.0, 10.0, SEASON)
    factor = rng.choice([1.0, 1.5], n_steps)
    return pd.DataFrame(
        {
            "unique_id": "a",
            "ds": pd.date_range("2024-01-01", periods=n_steps, freq="h"),
            "y": np.tile(pattern, n_steps // SEASON + 1)[:n_steps] * factor
            + rng.normal(0, 0.05, n_steps),
            "factor": factor,
        }
    )


@pytest.fixture(scope="module")
def windows():
    X, y = make_windows(
        _weekly_frame(), window=WINDOW, horizon=HORIZON, id_col="unique_id",
        time_col="ds", target="y", future=["factor"],
    )  # fmt: skip
    return X, y


@pytest.fixture(scope="module")
def fitted(windows):
    X, y = windows
    return _model(target_lags=(SEASON, 2 * SEASON), lookahead=True).fit(X, y)


def _model(**params):
    return GRUForecaster(units=8, epochs=3, normalize="last", random_state=0, **params)


def test_shift_steps_reads_the_step_lag_before():
    values = np.arange(12.0).reshape(1, 6, 2)
    shifted = keras.ops.convert_to_numpy(ShiftSteps(2)(values))
    assert_allclose(shifted[0, :2], 0.0)
    assert_allclose(shifted[0, 2:], values[0, :4])
    # A backward layer's outputs, put back in time order.
    reversed_ = keras.ops.convert_to_numpy(ReverseSteps()(values))
    assert_allclose(reversed_[0], values[0, ::-1])


def test_each_step_reads_the_scaled_target_a_lag_before(windows, fitted):
    X, _ = windows
    model = fitted
    probe = keras.Model(
        model.model_.inputs,
        [
            model.model_.get_layer(name).output
            for name in ("target_lag_8", "target_lag_16", "future_steps")
        ],
    )
    lag_8, lag_16, future = (
        keras.ops.convert_to_numpy(out)
        for out in probe([np.asarray(X[:5], dtype="float32")])
    )
    steps = WINDOW + HORIZON
    assert lag_8.shape == (5, steps, 1) and future.shape == (5, steps, 1)
    # Zeros before the window's start; both lags shift the one scaled
    # target channel.
    assert_allclose(lag_8[:, :SEASON], 0.0)
    assert_allclose(lag_16[:, : 2 * SEASON], 0.0)
    assert_allclose(lag_16[:, 2 * SEASON :], lag_8[:, SEASON : steps - SEASON])
    # That channel is the window's targets up to an affine scaling: each
    # forecast step reads the raw value a season before it.
    raw = np.asarray(X[:5])[:, :, 0]
    for i in range(5):
        read, before = lag_8[i, WINDOW:, 0], raw[i, WINDOW - SEASON : steps - SEASON]
        slope, intercept = np.polyfit(before, read, 1)
        assert_allclose(slope * before + intercept, read, atol=1e-4)


def test_the_lags_and_lookahead_learn_a_pattern_older_than_the_state(windows):
    X, y = windows
    split = int(0.8 * len(X))
    errors = {}
    for name, params in {
        "plain": {},
        "lags": {"target_lags": (SEASON,), "lookahead": True},
    }.items():
        model = GRUForecaster(
            units=8, epochs=10, learning_rate=0.01, normalize="last",
            random_state=0, **params,
        ).fit(X[:split], y[:split])  # fmt: skip
        errors[name] = np.abs(model.predict(X[split:]) - y[split:]).mean()
    # Each forecast step copies the value a season before, scaled by a
    # factor it is told: near the noise with the lag, far from it without.
    assert errors["lags"] < 0.6 * errors["plain"], errors


@pytest.mark.parametrize("lookahead", [False, True])
def test_only_lookahead_lets_a_step_read_the_inputs_after_it(
    windows, fitted, lookahead
):
    X, y = windows
    model = fitted if lookahead else _model(target_lags=(SEASON,)).fit(X, y)
    window = np.array(X[-1:], dtype=float)
    later = window.copy()
    later[0, -1, 1] += 1.0  # the factor of the horizon's last step
    first, changed = model.predict(window)[0], model.predict(later)[0]
    # The steps before the last read it only through the backward pass.
    if lookahead:
        assert np.abs(changed[:-1] - first[:-1]).min() > 1e-6
    else:
        assert_allclose(changed[:-1], first[:-1], rtol=0, atol=1e-6)
    assert np.abs(changed[-1] - first[-1]) > 1e-6


def test_forecast_save_load_and_pickle_keep_them(windows, fitted, tmp_path):
    X, _ = windows
    model = fitted
    expected = model.predict(X[-3:])
    path = tmp_path / "model.keras"
    model.save(path)
    assert_allclose(load(path).predict(X[-3:]), expected, rtol=1e-5)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.target_lags == (SEASON, 2 * SEASON) and restored.lookahead
    assert_allclose(restored.predict(X[-3:]), expected, rtol=1e-5)
    frame = _weekly_frame()
    history, ahead = frame.iloc[:-HORIZON], frame.iloc[-HORIZON:]
    forecast = model.forecast(
        history, HORIZON, id_col="unique_id", time_col="ds",
        future=ahead[["unique_id", "ds", "factor"]],
    )  # fmt: skip
    assert_allclose(forecast["y"].to_numpy(), expected[-1], rtol=1e-4)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"target_lags": (WINDOW + 1,)}, "target_lags"),
        ({"target_lags": (0,)}, "target_lags"),
        ({"target_lags": ("24",)}, "target_lags"),
        ({"target_lags": (2, 2)}, "repeats a lag"),
    ],
)
def test_bad_lags_are_named_before_any_fit(windows, params, match):
    X, y = windows
    model = _model(**params)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)
    assert not hasattr(model, "model_")


@pytest.mark.parametrize("params", [{"target_lags": (2,)}, {"lookahead": True}])
def test_windows_without_future_covariates_are_refused(params):
    X, y = make_windows(np.sin(np.arange(60.0)), window=8, horizon=2)
    with pytest.raises(ValueError, match="future-known covariates"):
        _model(**params).fit(X, y)
