"""Forecast and predict time: the course's ``model.predict`` loop against skrnn.

A 365-step recursive forecast from the first 1000 values, by an
``RNNForecaster`` and an ``LSTMForecaster`` with the (40, 40) stacks of the
epoch benchmark (trained for 2 epochs: only the time matters here). The
course's way calls ``model.predict`` on each step's window; it is timed on
its first steps and extrapolated to 365 from the median step. skrnn's way is
``est.forecast(history, 365)``, or, before that method exists, a loop of
``est.predict`` on one window a step.
"""

import time

import keras
import numpy as np

from benchmarks._common import main, median_seconds, progress
from benchmarks._data import SPLIT_TIME, WINDOW
from skrnn import LSTMForecaster, RNNForecaster, make_windows
from skrnn.datasets import make_synthetic_series

STEPS = 365


def course_loop(model, history, steps):
    """The course's recursive forecast: ``model.predict`` on every new window.

    Returns the forecast and the time each step took.
    """
    values, seconds = list(history[-WINDOW:]), []
    for _ in range(steps):
        window = np.array(values[-WINDOW:], dtype="float32")[np.newaxis, :, np.newaxis]
        start = time.perf_counter()
        values.append(float(model.predict(window, verbose=0)[0, 0]))
        seconds.append(time.perf_counter() - start)
    return np.array(values[WINDOW:]), seconds


def predict_loop(estimator, history, steps):
    """A recursive forecast from ``est.predict`` on one window a step."""
    values = list(history[-WINDOW:])
    for _ in range(steps):
        window = np.array(values[-WINDOW:])[np.newaxis, :, np.newaxis]
        values.append(float(estimator.predict(window)[0]))
    return np.array(values[WINDOW:])


def skrnn_forecast(estimator, history, steps):
    if hasattr(estimator, "forecast"):
        return np.ravel(estimator.forecast(history, steps)), "est.forecast"
    return predict_loop(estimator, history, steps), "est.predict loop"


def measure_one(forecaster, series, course_steps):
    history = series[:SPLIT_TIME]
    X, y = make_windows(history, window=WINDOW)
    estimator = forecaster(units=(40, 40), epochs=2, random_state=0).fit(X, y)
    model = estimator.model_
    name = forecaster.__name__

    progress(f"{name}: the course's model.predict loop, {course_steps} steps")
    course_loop(model, history, 1)  # the first call traces the predict function
    course_values, course_seconds = course_loop(model, history, course_steps)

    progress(f"{name}: skrnn, {STEPS} steps")
    start = time.perf_counter()
    skrnn_values, method = skrnn_forecast(estimator, history, STEPS)
    first_call = time.perf_counter() - start
    repeat = median_seconds(lambda: skrnn_forecast(estimator, history, STEPS), 3)

    one_window = X[-1:].astype("float32")
    model.predict(one_window, verbose=0)
    estimator.predict(one_window)
    return {
        "model": name,
        "backend": keras.backend.backend(),
        "steps": STEPS,
        "course_steps_timed": course_steps,
        # The median step, robust to the odd step slowed by other processes.
        "course_loop_s": float(np.median(course_seconds)) * STEPS,
        "skrnn_method": method,
        "skrnn_forecast_s": repeat,
        "skrnn_forecast_first_call_s": first_call,
        "max_abs_difference": float(
            np.max(np.abs(course_values - skrnn_values[:course_steps]))
        ),
        "model_predict_s": median_seconds(
            lambda: model.predict(one_window, verbose=0), 10
        ),
        "predict_on_batch_s": median_seconds(
            lambda: model.predict_on_batch(one_window), 20
        ),
        "est_predict_s": median_seconds(lambda: estimator.predict(one_window), 50),
    }


def measure(quick):
    series = make_synthetic_series()
    course_steps = 5 if quick else 20
    return [
        measure_one(forecaster, series, course_steps)
        for forecaster in (RNNForecaster, LSTMForecaster)
    ]


if __name__ == "__main__":
    main(measure, __doc__.splitlines()[0])
