"""
Quickstart: forecast a synthetic series
=======================================

Build the course's synthetic series (trend + seasonality + noise), cut it
into windows of 20 time steps, and compare one-step forecasts over the
validation period: the naive forecast (the last value of each window), an
:class:`~skrnn.LSTMForecaster` and an :class:`~skrnn.RNNForecaster`.

Set the environment variable ``SKRNN_DEMO_EPOCHS`` to train for fewer
epochs, e.g. to keep a CI run short.
"""

# %%
# The series
# ----------
# Four years of daily values: baseline 10, a trend of 0.05 a day, a yearly
# pattern of amplitude 40 and Gaussian noise of standard deviation 5, made by
# :func:`skrnn.datasets.make_synthetic_series`.

import os
from time import perf_counter

import numpy as np

from skrnn import LSTMForecaster, RNNForecaster, make_windows
from skrnn.datasets import make_synthetic_series

series = make_synthetic_series()  # the course's series, value for value
time = np.arange(len(series))

# %%
# Windows and the train/validation split
# --------------------------------------
# Window ``i`` holds ``series[i : i + window]`` and its target is
# ``series[i + window]``. Windows whose target comes before ``split_time``
# train the models; the others forecast the validation period
# ``series[split_time:]``.

window = 20
split_time = 1000
X, y = make_windows(series, window=window)
n_train = split_time - window  # window i trains iff i + window < split_time
X_train, y_train = X[:n_train], y[:n_train]
X_valid, y_valid = X[n_train:], y[n_train:]
print(f"{len(series)} time steps, windows of {window}")
print(f"train:      {len(X_train)} windows, targets at times 20..{split_time - 1}")
print(f"validation: {len(X_valid)} windows, targets at times {split_time}..{time[-1]}")

# %%
# Fit the forecasters
# -------------------
# Default parameters apart from the seed: 32 units, Huber loss, Adam, up to
# 100 epochs with early stopping on the last 10% of the training windows.

epochs = int(os.environ.get("SKRNN_DEMO_EPOCHS", LSTMForecaster().epochs))
forecasts = {"naive (last value)": X_valid[:, -1, 0]}
for forecaster in (
    LSTMForecaster(epochs=epochs, random_state=0),
    RNNForecaster(epochs=epochs, random_state=0),
):
    name = type(forecaster).__name__
    start = perf_counter()
    forecaster.fit(X_train, y_train)
    forecasts[name] = forecaster.predict(X_valid)
    print(
        f"{name}: {forecaster.n_iter_} epochs (max {epochs}) "
        f"in {perf_counter() - start:.1f} s"
    )

# %%
# One-step mean absolute error over the validation period
# -------------------------------------------------------

print()
print(f"{'forecast':<20} {'MAE':>6}")
print("-" * 27)
for name, y_pred in forecasts.items():
    print(f"{name:<20} {np.abs(y_pred - y_valid).mean():6.3f}")
