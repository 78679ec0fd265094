"""Fit time to convergence and one-step MAE with default parameters.

``LSTMForecaster()`` and ``RNNForecaster()`` as a user first writes them
(only ``random_state`` set), on windows of 20 and 30 values of the course
series, validated on the targets at t >= 1000. For comparison, the course's
own SimpleRNN and Bidirectional LSTM trained the course's way (``tf.data``,
SGD at 1e-5, 100 epochs, outputs scaled by 100; TensorFlow only), and two
references no window-based model can beat by much: a straight line fitted
to the window's values since the series' last jump, which it is told, and
the same line or, where the series is flat, the mean, told the part of the
year as well.
"""

import time
import warnings

import keras
import numpy as np

from benchmarks._common import main, progress
from benchmarks._data import SPLIT_TIME, WINDOW, mae
from benchmarks._keras_code import course_forecast, course_model, windowed_dataset
from skrnn import LSTMForecaster, RNNForecaster, make_windows
from skrnn.datasets import make_synthetic_series

COURSE_MODELS = {
    "course SimpleRNN(40, 40)": {"cell": keras.layers.SimpleRNN, "units": (40, 40)},
    "course Bidirectional LSTM(32, 32)": {
        "cell": keras.layers.LSTM,
        "units": (32, 32),
        "bidirectional": True,
    },
}


def skrnn_default(forecaster, series, window, seed, epochs):
    X, y = make_windows(series, window=window)
    n_train = SPLIT_TIME - window
    params = (
        {"random_state": seed}
        if epochs is None
        else {"random_state": seed, "epochs": epochs}
    )
    estimator = forecaster(**params)
    start = time.perf_counter()
    estimator.fit(X[:n_train], y[:n_train])
    fit_seconds = time.perf_counter() - start
    return {
        "model": f"{forecaster.__name__}()",
        "backend": keras.backend.backend(),
        "window": window,
        "seed": seed,
        "fit_s": fit_seconds,
        "epochs_run": int(estimator.n_iter_),
        "mae": mae(y[n_train:], estimator.predict(X[n_train:])),
        "naive_mae": mae(y[n_train:], X[n_train:, -1, 0]),
    }


def course_way(name, series, epochs, *, cell, units, bidirectional=False):
    keras.utils.set_random_seed(0)
    model = course_model(cell, units, bidirectional=bidirectional, output_scale=100.0)
    model.compile(
        loss=keras.losses.Huber(),
        optimizer=keras.optimizers.SGD(learning_rate=1e-5, momentum=0.9),
        metrics=["mae"],
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        # A tf.data dataset of unknown length: Keras's notes are as intended.
        warnings.simplefilter("ignore", UserWarning)
        model.fit(
            windowed_dataset(series[:SPLIT_TIME], WINDOW), epochs=epochs, verbose=0
        )
    fit_seconds = time.perf_counter() - start
    y_pred = course_forecast(model, series[SPLIT_TIME - WINDOW : -1], WINDOW)
    return {
        "model": name,
        "backend": keras.backend.backend(),
        "window": WINDOW,
        "seed": 0,
        "fit_s": fit_seconds,
        "epochs_run": epochs,
        "mae": mae(series[SPLIT_TIME:], y_pred),
        "naive_mae": mae(series[SPLIT_TIME:], series[SPLIT_TIME - 1 : -1]),
    }


# The course's pattern switches from a cosine to a decay at 40% of each year.
DECAY_START = 0.4


def _jump_aware(series, window, name, *, flat_in_decay):
    """One-step MAE on t >= SPLIT_TIME of a reference told the jump dates.

    The course's series jumps twice a year (where its yearly pattern
    switches from a cosine to a decay, and at each year's start), and a
    window of 20-30 values cannot see a jump coming. The reference fits a
    least-squares line to the values of the window after the last jump
    (their mean if fewer than 3, the last value if none); with
    ``flat_in_decay`` it is also told the part of the year and takes the
    mean in the decay, where the series is nearly flat (slopes within
    +-0.05 a day, against noise of 5), which smooths more.
    """
    period = 365
    jumps = np.concatenate(
        [
            np.arange(0, len(series), period),
            np.arange(round(DECAY_START * period), len(series), period),
        ]
    )
    predictions = []
    for t in range(SPLIT_TIME, len(series)):
        start = max(t - window, jumps[jumps <= t - 1].max())
        values = series[start:t]
        in_decay = ((t - 1) % period) / period >= DECAY_START
        if len(values) >= 3 and not (flat_in_decay and in_decay):
            slope, intercept = np.polyfit(np.arange(len(values)), values, 1)
            predictions.append(intercept + slope * len(values))
        else:
            predictions.append(values.mean() if len(values) else series[t - 1])
    return {
        "model": name,
        "backend": "numpy",
        "window": window,
        "seed": 0,
        "fit_s": 0.0,
        "epochs_run": 0,
        "mae": mae(series[SPLIT_TIME:], predictions),
        "naive_mae": mae(series[SPLIT_TIME:], series[SPLIT_TIME - 1 : -1]),
    }


def jump_aware_line(series, window):
    """A line through the window's values since the last jump (told its date)."""
    return _jump_aware(
        series,
        window,
        "reference: line since the last jump (told the jump dates)",
        flat_in_decay=False,
    )


def jump_and_phase_aware(series, window):
    """As :func:`jump_aware_line`, and the mean where the series is flat."""
    return _jump_aware(
        series,
        window,
        "reference: line, or mean in the flat decay, since the last jump "
        "(told the jump dates and the part of the year)",
        flat_in_decay=True,
    )


def measure(quick):
    series = make_synthetic_series()
    # Quick runs check the plumbing: 2 epochs, so their MAE means nothing.
    windows, seeds, epochs = (
        ((WINDOW,), (0,), 2) if quick else ((20, 30), (0, 1, 2), None)
    )
    rows = []
    for forecaster in (LSTMForecaster, RNNForecaster):
        for window in windows:
            for seed in seeds:
                progress(f"{forecaster.__name__}(), window {window}, seed {seed}")
                rows.append(skrnn_default(forecaster, series, window, seed, epochs))
    if keras.backend.backend() == "tensorflow":
        for name, spec in COURSE_MODELS.items():
            progress(f"{name}, the course's way")
            rows.append(course_way(name, series, 2 if quick else 100, **spec))
        for reference in (jump_aware_line, jump_and_phase_aware):
            rows.extend(reference(series, window) for window in (20, 30, 60))
    return rows


if __name__ == "__main__":
    main(measure, __doc__.splitlines()[0])
