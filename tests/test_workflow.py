"""forecast, predict_interval and find_learning_rate: the analyst's workflow."""

import copy
import re

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

import skrnn._forecasting
from skrnn import (
    GRUForecaster,
    LearningRateFinder,
    LSTMForecaster,
    RNNForecaster,
    make_windows,
)
from skrnn._trainers import TRAINERS

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


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's compiled loop"
)
def test_forecast_loop_is_compiled_in_fit_once_for_every_size(sine_model):
    """fit traces the loop; no steps count or batch of origins traces again."""
    from skrnn._inference import LOOPS, ROLLOUT_BATCH, ROLLOUT_ITERATIONS

    key = (sine_model._loop_key([0]), 1, None, None)
    loops = LOOPS.get(key, lambda: pytest.fail("fit did not compile the loop"))
    long = sine_model.forecast(SINE[:500], ROLLOUT_ITERATIONS + 88)
    # A call chained after the first ROLLOUT_ITERATIONS goes on from its end.
    assert_allclose(long[:3], sine_model.forecast(SINE[:500], 3), atol=1e-6)
    assert np.abs(long[:100] - SINE[500:600]).mean() < 0.05
    # Calibration origins run in slices of ROLLOUT_BATCH: more than one here.
    _, interval = sine_model.forecast(SINE[:500], 2 * ROLLOUT_BATCH, coverage=0.8)
    assert np.all(interval[:, 0] < interval[:, 1])
    assert loops._xla.experimental_get_tracing_count() == 1


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's compiled loop"
)
def test_models_of_one_architecture_share_the_loop_not_the_weights():
    from skrnn._inference import LOOPS

    X, y = make_windows(SINE[:200], window=10)
    models, loops = [], []
    for seed in (0, 1):
        models.append(RNNForecaster(units=4, epochs=1, random_state=seed).fit(X, y))
        key = (models[-1]._loop_key([0]), 1, None, None)
        loops.append(LOOPS.get(key, lambda: pytest.fail("fit compiled no loop")))
    assert loops[0] is loops[1]
    for model in models:
        forecast = model.forecast(SINE[:200], 4)
        window = list(SINE[190:200])
        for value in forecast:
            step = model.predict(np.array(window[-10:])[np.newaxis, :, np.newaxis])
            assert value == pytest.approx(step[0], abs=1e-5)
            window.append(step[0])
    assert not np.allclose(
        models[0].forecast(SINE[:200], 4), models[1].forecast(SINE[:200], 4)
    )


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


@pytest.fixture(scope="module")
def two_columns():
    t = np.arange(300)
    return pd.DataFrame({"s": np.sin(t / 10), "c": 100 + np.cos(t / 10)})


TINY = {"units": 4, "epochs": 2, "jit_compile": False, "random_state": 0}


@pytest.fixture(scope="module")
def reversed_model(two_columns):
    """Targets of both columns, in the other order, relative to the last value."""
    X, y = make_windows(two_columns, window=10, target=["c", "s"])
    return RNNForecaster(normalize="last", **TINY).fit(X, y)


def test_forecast_feeds_targets_in_another_order_back_into_their_columns(
    reversed_model, two_columns
):
    forecast = reversed_model.forecast(two_columns, 4)
    assert list(forecast.columns) == ["s", "c"]
    # One prediction at a time, each output put back into its own column.
    window = two_columns.to_numpy()[-10:]
    for step in range(4):
        c, s = reversed_model.predict(window[np.newaxis])[0]
        assert_allclose(forecast.iloc[step], [s, c], rtol=1e-5)
        window = np.vstack([window[1:], [s, c]])
    assert_array_equal(reversed_model.target_features_, [1, 0])
    # normalize="last" adds each output its own column's last value back.
    X, _ = make_windows(two_columns, window=10, target=["c", "s"])
    shifted = reversed_model.predict(X[:5] + [10.0, -1000.0])
    assert_allclose(shifted, reversed_model.predict(X[:5]) + [-1000.0, 10.0], atol=1e-2)


def test_targets_in_another_order_train_on_a_trainer_of_their_own(
    reversed_model, two_columns
):
    X, y = make_windows(two_columns, window=10, target=["s", "c"])
    in_order = clone(reversed_model).set_params(epochs=1)
    after_reversed = in_order.fit(X, y).predict(X)  # may reuse a pooled trainer
    TRAINERS.clear()
    assert_array_equal(in_order.fit(X, y).predict(X), after_reversed)


def test_forecast_refuses_partial_targets_and_names_a_fix_that_works(
    two_columns, monkeypatch
):
    X, y = make_windows(two_columns, window=10, horizon=2, target="s")
    model = RNNForecaster(**TINY).fit(X, y)
    assert_array_equal(model.target_features_, [0])

    def no_backend(*args, **kwargs):
        pytest.fail("forecast reached the backend before refusing")

    with monkeypatch.context() as patch:
        patch.setattr(skrnn._forecasting, "make_rollout_function", no_backend)
        with pytest.raises(ValueError, match=r"\['c'\] would not be forecast") as e:
            model.forecast(two_columns, 3)
        with pytest.raises(ValueError, match=r"\[1\] would not be forecast"):
            model.forecast(two_columns.to_numpy(), 3)
    assert "target=list(series.columns)" in str(e.value)
    X, y = make_windows(
        two_columns, window=10, horizon=2, target=list(two_columns.columns)
    )
    forecast = model.fit(X, y).forecast(two_columns, 3)
    assert list(forecast.columns) == ["s", "c"] and forecast.shape == (3, 2)
    # The first chunk is the model's prediction (2 steps x 2 columns).
    last_window = two_columns.to_numpy()[np.newaxis, -10:]
    assert_allclose(forecast.iloc[:2], model.predict(last_window)[0], rtol=1e-5)


def test_forecast_sorts_a_history_out_of_time_order_and_says_so(sine_model):
    history = pd.Series(
        SINE[:500], index=pd.date_range("2024-01-01", periods=500, name="day")
    )
    expected = sine_model.forecast(history, 2)
    assert list(expected.index.strftime("%m-%d")) == ["05-15", "05-16"]
    for unsorted in (history[::-1], history.sample(frac=1, random_state=0)):
        with pytest.warns(UserWarning, match=r"sorted oldest first .*sort_index"):
            forecast = sine_model.forecast(unsorted, 2)
        pd.testing.assert_series_equal(forecast, expected)
    repeated = pd.concat([history, history.iloc[-1:]])
    with pytest.raises(ValueError, match="repeats the time 2025-05-14") as error:
        sine_model.forecast(repeated, 2)
    assert "history[~history.index.duplicated()]" in str(error.value)
    fixed = repeated[~repeated.index.duplicated()]
    pd.testing.assert_series_equal(sine_model.forecast(fixed, 2), expected)


def test_forecast_continues_an_evenly_spaced_float_index(sine_model):
    history = pd.Series(SINE[:500], index=np.arange(500) / 2)
    forecast = sine_model.forecast(history, 3)
    assert list(forecast.index) == [250.0, 250.5, 251.0]
    assert_allclose(forecast.to_numpy(), sine_model.forecast(SINE[:500], 3))
    uneven = history.set_axis(np.r_[np.arange(499) / 2, 300.0])
    with pytest.raises(ValueError, match="not evenly spaced") as error:
        sine_model.forecast(uneven, 3)
    assert "history.reset_index(drop=True)" in str(error.value)
    fixed = sine_model.forecast(uneven.reset_index(drop=True), 3)
    assert list(fixed.index) == [500, 501, 502]


def test_bounds_clip_predictions_intervals_and_the_values_fed_back(sine_model):
    bounded = copy.copy(sine_model).set_params(bounds=(-0.5, None))
    X, _ = make_windows(SINE[:500], window=PERIOD)
    y_pred = sine_model.predict(X)
    assert_allclose(bounded.predict(X), np.maximum(y_pred, -0.5))
    # The interval is centred on the clipped prediction, then clipped too.
    shift = (np.maximum(y_pred, -0.5) - y_pred)[:, np.newaxis]
    expected = np.maximum(sine_model.predict_interval(X) + shift, -0.5)
    assert_allclose(bounded.predict_interval(X), expected)
    y_pred, y_interval = bounded.forecast(SINE[:500], 20, coverage=0.9)
    assert y_pred.min() == pytest.approx(-0.5) and y_interval.min() >= -0.5
    # Each clipped forecast, not the raw output, becomes the next input.
    window = list(SINE[500 - PERIOD : 500])
    for value in y_pred:
        step = max(
            sine_model.predict(np.array(window[-PERIOD:])[None, :, None])[0], -0.5
        )
        assert value == pytest.approx(step, abs=1e-5)
        window.append(step)


def test_too_short_a_history_for_intervals_names_fixes_that_work(sine_model):
    with pytest.raises(ValueError, match="too short to calibrate") as error:
        sine_model.forecast(SINE[:40], 8, coverage=0.9)
    message = str(error.value)
    length = int(re.search(r"at least (\d+) values", message).group(1))
    steps = int(re.search(r"steps=(\d+)", message).group(1))
    coverage = float(re.search(r"coverage=([\d.]+)\)", message).group(1))
    assert (length, steps, coverage) == (41, 7, 0.88)
    assert sine_model.forecast(SINE[:length], 8, coverage=0.9)[1].shape == (8, 2)
    assert sine_model.forecast(SINE[:40], steps, coverage=0.9)[1].shape == (7, 2)
    assert sine_model.forecast(SINE[:40], 8, coverage=coverage)[1].shape == (8, 2)


@pytest.mark.parametrize(
    "history, steps, coverage, match",
    [
        (SINE[:10], 5, None, "fewer than the model's window of 25"),
        (SINE[:500], 0, None, "steps must be an int >= 1"),
        (SINE[:500], 2.5, None, "steps must be an int >= 1"),
        (SINE[:500], 5, 1.5, "coverage must be a float strictly between 0 and 1"),
        (np.append(SINE[:500], np.nan), 5, None, "contain NaN"),
        (np.column_stack([SINE, SINE]), 5, None, "2 feature"),
        (SINE[:40], 30, 0.9, "too short to calibrate a 90% interval"),
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
