"""forecast, predict_interval and find_learning_rate: the analyst's workflow."""

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from skrnn import (
    GRUForecaster,
    LearningRateFinder,
    LSTMForecaster,
    RNNForecaster,
    make_windows,
)

PERIOD = 25
SINE = np.sin(2 * np.pi * np.arange(600) / PERIOD)


@pytest.fixture(scope="module")
def sine_model():
    """A GRU that has learned a clean sine, and the series it saw."""
    X, y = make_windows(SINE[:500], window=PERIOD)
    model = GRUForecaster(units=16, normalize="global", epochs=25, random_state=0)
    return model.fit(X, y)


@pytest.fixture(scope="module")
def noisy():
    """A noisy sine long enough to calibrate and check interval coverage."""
    rng = np.random.RandomState(0)
    t = np.arange(3000)
    return np.sin(2 * np.pi * t / PERIOD) + 0.3 * rng.randn(len(t))


@pytest.fixture(scope="module")
def noisy_model(noisy):
    X, y = make_windows(noisy[:2000], window=PERIOD)
    model = LSTMForecaster(
        units=8, epochs=10, validation_fraction=0.3, random_state=0, batch_size=64
    )
    return model.fit(X, y)


def test_forecast_continues_a_sine(sine_model):
    forecast = sine_model.forecast(SINE[:500], 100)
    assert forecast.shape == (100,)
    # Four periods ahead, fed back on itself, it stays on the curve.
    assert np.abs(forecast - SINE[500:600]).mean() < 0.05
    naive = np.abs(SINE[499] - SINE[500:600]).mean()
    assert np.abs(forecast - SINE[500:600]).mean() < naive / 10


def test_forecast_runs_compiled_not_model_predict(sine_model, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("forecast must not call Model.predict")

    monkeypatch.setattr(keras.Model, "predict", refuse)
    monkeypatch.setattr(keras.Model, "predict_on_batch", refuse)
    one_call = sine_model.forecast(SINE[:500], 30)
    # Forecasting in two parts, from the first part's end, gives the same.
    first = sine_model.forecast(SINE[:500], 10)
    rest = sine_model.forecast(np.concatenate([SINE[:500], first]), 20)
    assert_allclose(np.concatenate([first, rest]), one_call, atol=1e-5)


def test_forecast_loop_of_a_batch_matches_each_window_alone(sine_model):
    """The loop forecasts several origins at once (intervals calibrate so)."""
    from skrnn._inference import make_rollout_function

    starts = (0, 7, 13)
    windows = np.stack([SINE[start : start + PERIOD] for start in starts])
    windows = windows[..., np.newaxis].astype(np.float32)
    rollout = make_rollout_function(sine_model.model_, chunk=1)
    together = rollout(windows, 5)
    assert together.shape == (3, 5, 1)
    for i, start in enumerate(starts):
        assert_allclose(together[i], rollout(windows[i : i + 1], 5)[0], atol=1e-6)
        # ... and each row continues the sine from its window's end.
        future = SINE[start + PERIOD : start + PERIOD + 5]
        assert_allclose(together[i, :, 0], future, atol=0.05)


def test_forecast_of_pandas_continues_the_dates(sine_model):
    history = pd.Series(
        SINE[:500],
        index=pd.date_range("2024-01-01", periods=500, freq="D", name="day"),
        name="load",
    )
    forecast = sine_model.forecast(history, 7)
    assert isinstance(forecast, pd.Series)
    assert forecast.name == "load"
    assert forecast.index.name == "day"
    assert list(forecast.index) == list(
        pd.date_range(history.index[-1] + pd.Timedelta(days=1), periods=7)
    )
    assert_allclose(forecast.to_numpy(), sine_model.forecast(SINE[:500], 7))

    # Monthly data, frequency inferred (no freq set on the index).
    monthly = pd.Series(
        SINE[:60],
        index=pd.DatetimeIndex(
            pd.date_range("2000-01-31", periods=60, freq="ME").to_list()
        ),
    )
    assert monthly.index.freq is None
    dates = sine_model.forecast(monthly, 3).index
    assert list(dates.strftime("%Y-%m-%d")) == [
        "2005-01-31",
        "2005-02-28",
        "2005-03-31",
    ]


def test_forecast_with_coverage_returns_bounds(sine_model):
    y_pred, y_interval = sine_model.forecast(SINE[:500], 20, coverage=0.8)
    assert y_interval.shape == (20, 2)
    assert np.all(y_interval[:, 0] <= y_pred) and np.all(y_pred <= y_interval[:, 1])
    history = pd.Series(SINE[:500], index=pd.RangeIndex(1000, 1500), name="s")
    frame = sine_model.forecast(history, 20, coverage=0.8)
    assert list(frame.columns) == ["s", "s_lower", "s_upper"]
    assert list(frame.index) == list(range(1500, 1520))
    assert_allclose(frame[["s_lower", "s_upper"]].to_numpy(), y_interval)


def test_forecast_intervals_cover_future_values(noisy, noisy_model):
    """Per-lead conformal bounds hold about 90% of the next values."""
    hits = []
    for end in range(2000, 2900, 60):
        _, y_interval = noisy_model.forecast(noisy[:end], 10, coverage=0.9)
        future = noisy[end : end + 10]
        hits.extend((y_interval[:, 0] <= future) & (future <= y_interval[:, 1]))
    assert 0.8 <= np.mean(hits) <= 0.98


def test_predict_interval_coverage_on_held_out_data(noisy, noisy_model):
    X_test, y_test = make_windows(noisy[2000:], window=PERIOD)
    y_interval = noisy_model.predict_interval(X_test, coverage=0.9)
    assert y_interval.shape == (len(X_test), 2)
    inside = (y_interval[:, 0] <= y_test) & (y_test <= y_interval[:, 1])
    # Within sampling error of ~600 calibration and ~1000 test residuals.
    assert abs(inside.mean() - 0.9) < 0.05
    # A lower coverage gives narrower intervals around the same predictions.
    narrow = noisy_model.predict_interval(X_test, coverage=0.5)
    assert np.all(narrow[:, 1] - narrow[:, 0] < y_interval[:, 1] - y_interval[:, 0])
    assert_allclose(narrow.mean(axis=1), noisy_model.predict(X_test))


def test_horizon_model_forecasts_in_chunks_and_intervals_per_step(noisy):
    X, y = make_windows(noisy[:1000], window=PERIOD, horizon=5)
    model = RNNForecaster(units=4, epochs=2, random_state=0).fit(X, y)
    assert model.predict_interval(X[:3]).shape == (3, 5, 2)
    forecast = model.forecast(noisy[:1000], 12)
    assert forecast.shape == (12,)
    # The first chunk is the model's prediction for the last window.
    last_window = noisy[1000 - PERIOD : 1000][np.newaxis, :, np.newaxis]
    assert_allclose(forecast[:5], model.predict(last_window)[0], atol=1e-5)


def test_multivariate_forecast(noisy):
    series = np.column_stack([noisy[:400], 2 * noisy[:400]])
    X, y = make_windows(series, window=10, target=[0, 1])
    model = LSTMForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    frame = pd.DataFrame(series, columns=["a", "b"])
    forecast = model.forecast(frame, 4)
    assert list(forecast.columns) == ["a", "b"] and len(forecast) == 4
    assert model.forecast(series, 4).shape == (4, 2)


def test_forecast_refuses_models_that_cannot_recurse(noisy):
    series = np.column_stack([noisy[:300], noisy[:300] ** 2])
    X, y = make_windows(series, window=10, target=0)
    model = RNNForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="every one of the 2 input features"):
        model.forecast(series, 3)


@pytest.mark.parametrize(
    "history, steps, coverage, match",
    [
        (SINE[:10], 5, None, "fewer than the model's window of 25"),
        (SINE[:500], 0, None, "steps must be an int >= 1"),
        (SINE[:500], 2.5, None, "steps must be an int >= 1"),
        (SINE[:500], 5, 1.5, "coverage must be a float strictly between 0 and 1"),
        (np.append(SINE[:500], np.nan), 5, None, "contain NaN"),
        (np.column_stack([SINE, SINE]), 5, None, "2 feature"),
        (SINE[:40], 30, 0.9, "calibration"),
    ],
)
def test_forecast_bad_input(sine_model, history, steps, coverage, match):
    with pytest.raises(ValueError, match=match):
        sine_model.forecast(history, steps, coverage=coverage)


def test_predict_interval_needs_a_validation_tail(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(units=2, epochs=1, validation_fraction=0).fit(X, y)
    with pytest.raises(ValueError, match="validation_fraction > 0"):
        model.predict_interval(X)
    with pytest.raises(ValueError, match="coverage"):
        RNNForecaster(units=2, epochs=1).fit(X, y).predict_interval(X, coverage=0)


def test_predict_keeps_a_pandas_index(sine_windows):
    X, y = sine_windows
    frame = pd.DataFrame(X[:, :, 0], index=pd.RangeIndex(100, 100 + len(X)))
    model = RNNForecaster(units=2, epochs=1, random_state=0).fit(frame, y)
    y_pred = model.predict(frame.iloc[5:9])
    assert isinstance(y_pred, pd.Series)
    assert list(y_pred.index) == [105, 106, 107, 108]
    assert_allclose(y_pred.to_numpy(), model.predict(X[5:9, :, 0]))


def test_find_learning_rate_sweeps_and_leaves_the_estimator_alone(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(
        units=8,
        normalize=None,
        optimizer="sgd",
        optimizer__momentum=0.9,
        random_state=0,
    )
    result = model.find_learning_rate(X, y, min_lr=1e-6, max_lr=10.0, num_steps=60)
    assert isinstance(result, LearningRateFinder)
    assert not hasattr(model, "model_")
    n = len(result.lrs)
    assert result.losses.shape == result.smoothed_losses.shape == (n,)
    assert_allclose(result.lrs, np.geomspace(1e-6, 10.0, 60)[:n])
    # SGD diverges well before a learning rate of 10: the sweep stops early.
    assert n < 60
    assert result.lrs[0] <= result.suggestion <= result.lrs[-1]
    # The loss falls from the start of the sweep to around the suggestion.
    at = int(np.searchsorted(result.lrs, result.suggestion))
    assert result.smoothed_losses[at:].min() < result.smoothed_losses[0]

    # Training at the suggestion beats the smallest and the largest rate.
    def final_loss(lr):
        fitted = model.set_params(learning_rate=lr, epochs=3).fit(X, y)
        return fitted.history_["loss"][-1]

    assert final_loss(result.suggestion) < final_loss(1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"min_lr": 0}, "min_lr must be a float > 0"),
        ({"min_lr": 1.0, "max_lr": 0.1}, "max_lr"),
        ({"num_steps": 2}, "num_steps must be an int >= 5"),
    ],
)
def test_find_learning_rate_bad_input(sine_windows, kwargs, match):
    X, y = sine_windows
    with pytest.raises(ValueError, match=match):
        RNNForecaster().find_learning_rate(X, y, **kwargs)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's XLA fallback"
)
def test_forecast_of_a_model_xla_cannot_compile(sine):
    """A preprocessing op without an XLA kernel: the loop runs without XLA."""
    import tensorflow as tf

    def through_numpy(x):
        y = tf.numpy_function(lambda a: a, [x], tf.float32, stateful=False)
        return tf.ensure_shape(y, x.shape)

    X, y = make_windows(sine[:300], window=10)
    model = RNNForecaster(
        units=4, epochs=2, preprocessing=through_numpy, random_state=0
    ).fit(X, y)
    forecast = model.forecast(sine[:300], 5)
    # The same as one prediction at a time, each fed back into the window.
    window = list(sine[290:300])
    for value in forecast:
        step = model.predict(np.array(window[-10:])[np.newaxis, :, np.newaxis])[0]
        assert value == pytest.approx(step, abs=1e-5)
        window.append(step)
