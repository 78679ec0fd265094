"""The course's synthetic series and its split, in numpy alone.

The peer-library benchmark imports this module in a virtual environment
without skrnn, so it must not import skrnn, Keras or TensorFlow.
"""

import numpy as np

WINDOW = 20
BATCH_SIZE = 32
SPLIT_TIME = 1000
SHUFFLE_BUFFER = 1000
NAIVE_MAE = 5.94  # the last value of each window, on targets at t >= SPLIT_TIME


def course_series():
    """Four years of daily values computed as the course computes them.

    Baseline 10, slope 0.05 a day, a yearly pattern of amplitude 40 and
    N(0, 5) noise seeded 42, in float32. Equal, value for value, to
    ``skrnn.datasets.make_synthetic_series()``, which the benchmarks that
    import skrnn use.
    """
    time = np.arange(4 * 365 + 1, dtype="float32")
    season_time = (time % 365) / 365
    pattern = np.where(
        season_time < 0.4, np.cos(season_time * 2 * np.pi), 1 / np.exp(3 * season_time)
    )
    series = 10 + 0.05 * time + 40 * pattern
    series += np.random.RandomState(42).randn(len(time)) * 5
    return series


def one_step_split(series, window):
    """Windows and next values, split so that targets at t >= SPLIT_TIME validate.

    Returns ``X_train, y_train, X_valid, y_valid`` with ``X`` of shape
    ``(n, window)``: window ``i`` is ``series[i : i + window]``, its target
    ``series[i + window]``.
    """
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], window)
    y = series[window:]
    n_train = SPLIT_TIME - window
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def mae(y_true, y_pred):
    return float(np.mean(np.abs(np.asarray(y_true) - np.ravel(y_pred))))
