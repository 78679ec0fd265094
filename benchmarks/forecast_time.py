"""Forecast and predict time: the course's ``model.predict`` loop against skrnn.

A 365-step recursive forecast from the first 1000 values, by an
``RNNForecaster`` and an ``LSTMForecaster`` with the (40, 40) stacks of the
epoch benchmark (trained for 2 epochs: only the time matters here). The
course's way calls ``model.predict`` on each step's window; it is timed on
its first steps and extrapolated to 365 from the median step. skrnn's way is
``est.forecast(history, 365)``, or, before that method exists, a loop of
``est.predict`` on one window a step.

skrnn's first calls are timed right after a fit (2 epochs, ~2 s), as a
script makes them: a 365-step forecast, a 1000-step one and a 365-step one
with ``coverage=0.9`` (which forecasts from ~465 calibration origins too),
each on a model freshly fitted with the process's compiled loops cleared,
beside the median of later calls.

The panel coverage row: a 12-step forecast of 2,000 series of 1,000 values each by
an ``RNNForecaster`` with the (40, 40) stack (fitted for one epoch on 20
of them), without and with ``coverage=0.9``, in a fresh process: the time
of each, the calibration windows rolled out and the peak resident memory
the forecasts add (``ru_maxrss`` over the RSS before them).

The long-frame row forecasts 10,000 series of 60 daily values 12 steps ahead,
from a long DataFrame (``unique_id``, ``ds``, ``y``) and from a dict of
arrays: the ratio is the cost of reading the long frame and building the
long output.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import keras
import numpy as np

from benchmarks._common import main, median_seconds, progress
from benchmarks._data import SPLIT_TIME, WINDOW
from skrnn import LSTMForecaster, RNNForecaster, make_windows
from skrnn.datasets import make_synthetic_series

STEPS = 365
# The longest forecast the first-call goal covers.
LONG_STEPS = 1000

# The panel whose intervals are timed: series, their length, the steps.
PANEL_SERIES, PANEL_LENGTH, PANEL_STEPS = 2000, 1000, 12


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


def first_and_warm(call, repeats=3):
    """Seconds of the first ``call()`` and the median of ``repeats`` more."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start, median_seconds(call, repeats)


def fresh_fit(forecaster, X, y):
    """A fit of an architecture the process has not compiled a loop for."""
    from skrnn._inference import LOOPS

    LOOPS.clear()
    start = time.perf_counter()
    estimator = forecaster(units=(40, 40), epochs=2, random_state=0).fit(X, y)
    return estimator, time.perf_counter() - start


def measure_one(forecaster, series, course_steps):
    history = series[:SPLIT_TIME]
    X, y = make_windows(history, window=WINDOW)
    name = forecaster.__name__

    # The first calls right after a fit, as a user's script makes them.
    progress(f"{name}: skrnn's first forecasts after fit")
    estimator, fit_seconds = fresh_fit(forecaster, X, y)
    first_call, repeat = first_and_warm(
        lambda: skrnn_forecast(estimator, history, STEPS)
    )
    _, method = skrnn_forecast(estimator, history, STEPS)
    estimator, _ = fresh_fit(forecaster, X, y)
    first_long, warm_long = first_and_warm(
        lambda: estimator.forecast(history, LONG_STEPS)
    )
    estimator, _ = fresh_fit(forecaster, X, y)
    first_coverage, warm_coverage = first_and_warm(
        lambda: estimator.forecast(history, STEPS, coverage=0.9), repeats=1
    )
    model = estimator.model_

    progress(f"{name}: the course's model.predict loop, {course_steps} steps")
    course_loop(model, history, 1)  # the first call traces the predict function
    course_values, course_seconds = course_loop(model, history, course_steps)
    skrnn_values, _ = skrnn_forecast(estimator, history, STEPS)

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
        "fit_s": fit_seconds,
        "long_steps": LONG_STEPS,
        "skrnn_long_first_call_s": first_long,
        "skrnn_long_s": warm_long,
        "coverage_origins": coverage_origins(estimator, len(history)),
        "skrnn_coverage_first_call_s": first_coverage,
        "skrnn_coverage_s": warm_coverage,
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


def coverage_origins(estimator, n_history):
    """Forecast origins that ``forecast(..., coverage=...)`` calibrates on."""
    from skrnn._calibration import MIN_CALIBRATION_ORIGINS

    n_calibration = max(
        MIN_CALIBRATION_ORIGINS, int(estimator.validation_fraction * n_history)
    )
    return min(n_calibration + STEPS - 1, n_history - WINDOW)


def _rss_bytes():
    """Current resident set size, from /proc (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def panel_coverage_once(n_series):
    """Forecast a panel with and without intervals in this process; return
    the row of the panel case."""
    rng = np.random.RandomState(0)
    t = np.arange(PANEL_LENGTH)
    panel = [
        rng.uniform(1, 100) * np.sin(t / rng.uniform(2, 20))
        + rng.randn(PANEL_LENGTH)
        + rng.uniform(-50, 50)
        for _ in range(n_series)
    ]
    X, y = make_windows(panel[:20], window=WINDOW)
    estimator = RNNForecaster(units=(40, 40), epochs=1, random_state=0).fit(X, y)
    estimator.forecast(panel[:2], PANEL_STEPS, coverage=0.9)  # compiles the loop
    rolled_out = []
    roll_out = type(estimator)._roll_out

    def counting(self, windows, *args):
        rolled_out.append(len(windows))
        return roll_out(self, windows, *args)

    type(estimator)._roll_out = counting
    rss_before = _rss_bytes()
    start = time.perf_counter()
    estimator.forecast(panel, PANEL_STEPS)
    forecast_s = time.perf_counter() - start
    rolled_out.clear()
    start = time.perf_counter()
    estimator.forecast(panel, PANEL_STEPS, coverage=0.9)
    coverage_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "model": "RNNForecaster",
        "backend": keras.backend.backend(),
        "case": f"panel of {n_series:,} series x {PANEL_LENGTH:,}",
        "n_series": n_series,
        "series_steps": PANEL_LENGTH,
        "steps": PANEL_STEPS,
        "skrnn_panel_forecast_s": forecast_s,
        "skrnn_panel_coverage_s": coverage_s,
        "calibration_windows": int(sum(rolled_out[1:])),
        "peak_growth_bytes": peak - rss_before,
    }


def _panel_in_subprocess(n_series):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "row.json")
        command = [sys.executable, "-m", "benchmarks.forecast_time", "--panel"]
        command += ["--n-series", str(n_series), "--out", out]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(out) as file:
            return json.load(file)


def measure_panel(n_series, length=60, steps=12, window=12):
    """One panel forecast from a long DataFrame (``id_col``, ``time_col``)
    against the same series as a dict of arrays: the reading of the long
    frame and the building of the long output, beside the same model work."""
    import pandas as pd

    rng = np.random.RandomState(0)
    t = np.arange(length)
    values = np.sin(t / 4 + rng.uniform(0, 6, (n_series, 1))) * rng.uniform(
        1, 100, (n_series, 1)
    )
    as_dict = {f"s{i}": row for i, row in enumerate(values)}
    dates = pd.date_range("2020-01-01", periods=length, freq="D")
    long = pd.DataFrame(
        {
            "unique_id": np.repeat(list(as_dict), length),
            "ds": np.tile(dates, n_series),
            "y": values.ravel(),
        }
    )
    X, y = make_windows(dict(list(as_dict.items())[:50]), window=window)
    estimator = RNNForecaster(units=8, epochs=1, random_state=0).fit(X, y)
    estimator.forecast(dict(list(as_dict.items())[:2]), steps)  # compile the loop
    progress(f"panel forecast: {n_series:,} series, long DataFrame vs dict")
    dict_s = median_seconds(lambda: estimator.forecast(as_dict, steps), 3)
    long_s = median_seconds(
        lambda: estimator.forecast(long, steps, id_col="unique_id", time_col="ds"),
        3,
    )
    return {
        "model": "RNNForecaster(8)",
        "backend": keras.backend.backend(),
        "n_series": n_series,
        "steps": steps,
        "dict_s": dict_s,
        "long_s": long_s,
        "ratio": long_s / dict_s,
    }


def measure(quick):
    series = make_synthetic_series()
    course_steps = 5 if quick else 20
    rows = [
        measure_one(forecaster, series, course_steps)
        for forecaster in (RNNForecaster, LSTMForecaster)
    ]
    rows.append(measure_panel(1_000 if quick else 10_000))
    n_series = 200 if quick else PANEL_SERIES
    progress(f"panel: {n_series} series of {PANEL_LENGTH}, coverage=0.9")
    rows.append(_panel_in_subprocess(n_series))
    return rows


def _worker():
    import argparse

    parser = argparse.ArgumentParser(description="Forecast a panel once.")
    parser.add_argument("--panel", action="store_true")
    parser.add_argument("--n-series", type=int, default=PANEL_SERIES)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "w") as file:
        json.dump(panel_coverage_once(args.n_series), file)


if __name__ == "__main__":
    if "--panel" in sys.argv:
        _worker()
    else:
        main(measure, __doc__.splitlines()[0])
