"""Backtest time: a backtest of 3 origins against one fit and forecast.

On M3 quarterly (756 series of 16 to 64 quarters, h = 8), side by side in
one process: the panel workflow a user runs once (``make_windows`` on every
series, ``fit``, ``forecast`` of every series) and
``skrnn.model_selection.backtest(..., n_windows=3, refit=False)``, which
fits one model at the first origin and forecasts every series from each of
the 3 origins in one batched call each. Both train the same GRU for the
same number of epochs (no early stopping, so the epochs are equal); the
backtest's model sees the windows up to its first origin, 24 quarters
before the end, so fewer of them. The issue's goal: the backtest within
1.5x the time of the single fit and forecast.

A warm-up fit first loads TensorFlow and compiles what both share; then
each workflow runs twice, alternating, and the faster run of each counts,
which keeps the ratio steady on a machine shared with other work.
"""

import time
import warnings

import keras

from benchmarks import _mcomp
from benchmarks._common import main, progress
from benchmarks.m_competitions import suited_window
from skrnn import GRUForecaster, make_windows
from skrnn.model_selection import backtest

SUBSET = "M3 quarterly"
N_WINDOWS = 3
EPOCHS = 10
QUICK_EPOCHS = 2
GOAL = 1.5


def _model(epochs):
    return GRUForecaster(epochs=epochs, early_stopping=False, random_state=0)


def fit_and_forecast(histories, window, h, epochs):
    X, y = make_windows(histories, window=window, horizon=h)
    estimator = _model(epochs).fit(X, y)
    estimator.forecast(histories, h, pad=True)
    return len(X)


def run_backtest(histories, window, h, epochs):
    result = backtest(
        _model(epochs),
        histories,
        window=window,
        horizon=h,
        steps=h,
        n_windows=N_WINDOWS,
        refit=False,
    )
    return len(result)


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def measure(quick):
    if reason := _mcomp.missing_data():
        progress(f"skipped: {reason}")
        return []
    subset = _mcomp.load_subset(SUBSET, limit=_mcomp.QUICK_SERIES if quick else None)
    histories, h = list(subset.histories), subset.h
    window = suited_window(histories, h)
    epochs = QUICK_EPOCHS if quick else EPOCHS
    progress(f"{SUBSET}: {len(histories)} series, window {window}, h {h}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # short series padded
        fit_and_forecast(histories[:50], window, h, 1)  # warm-up
        single, windowed, rows = [], None, None
        backtests = []
        for _ in range(2):
            seconds, windowed = timed(fit_and_forecast, histories, window, h, epochs)
            single.append(seconds)
            progress(f"fit + forecast: {seconds:.1f} s")
            seconds, rows = timed(run_backtest, histories, window, h, epochs)
            backtests.append(seconds)
            progress(f"backtest, {N_WINDOWS} origins, refit=False: {seconds:.1f} s")
    ratio = min(backtests) / min(single)
    progress(f"ratio backtest / (fit + forecast): {ratio:.2f} (goal <= {GOAL})")
    return [
        {
            "subset": SUBSET,
            "backend": keras.backend.backend(),
            "n_series": len(histories),
            "window": window,
            "h": h,
            "epochs": epochs,
            "windows": windowed,
            "n_windows": N_WINDOWS,
            "backtest_rows": rows,
            "fit_forecast_s": min(single),
            "backtest_s": min(backtests),
            "ratio": ratio,
            "goal": GOAL,
        }
    ]


if __name__ == "__main__":
    main(measure, __doc__.splitlines()[0])
