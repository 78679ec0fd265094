"""
The course's bidirectional LSTM, and the default LSTM
=====================================================

The course's LSTM for the synthetic series is two
``Bidirectional(LSTM(32))`` layers, a ``Dense(1)`` output scaled by 100,
the Huber loss and SGD with momentum 0.9 at a learning rate of 1e-6 found
by a sweep. skrnn builds the same model from parameters, and its default
LSTM, which scales each window relative to its last value, trains to a
lower error in fewer epochs.

Set ``SKRNN_EXAMPLE_EPOCHS`` to change the number of training epochs.
"""

# %%
# Windows of the course's series
# ------------------------------

import os

import matplotlib.pyplot as plt
import numpy as np

from skrnn import LSTMForecaster, make_windows
from skrnn.datasets import make_synthetic_series

epochs = int(os.environ.get("SKRNN_EXAMPLE_EPOCHS", 30))

series = make_synthetic_series()
window, split_time = 20, 1000
X, y = make_windows(series, window=window)
n_train = split_time - window
X_train, y_train = X[:n_train], y[:n_train]
X_valid, y_valid = X[n_train:], y[n_train:]

# %%
# Two forecasters
# ---------------
# ``units=(32, 32)`` with ``bidirectional=True`` is the course's stack of
# two ``Bidirectional(LSTM(32))`` layers; the first returns sequences. The
# default forecaster has one ``LSTM(32)`` layer, Adam and the
# last-value scaling of ``normalize="auto"``.

course = LSTMForecaster(
    units=(32, 32),
    bidirectional=True,
    normalize=None,
    output_scale=100.0,
    loss="huber",
    optimizer="sgd",
    learning_rate=1e-6,
    optimizer__momentum=0.9,
    epochs=epochs,
    random_state=0,
)
default = LSTMForecaster(epochs=epochs, random_state=0)

forecasts = {"naive (last value)": X_valid[:, -1, 0]}
for name, model in [("course bidirectional LSTM", course), ("default LSTM", default)]:
    model.fit(X_train, y_train)
    forecasts[name] = model.predict(X_valid)
    print(f"{name}: {model.n_iter_} epochs, {model.model_.count_params()} weights")

# %%
# One-step mean absolute error over the validation period
# -------------------------------------------------------

print(f"{'forecast':<28} {'MAE':>6}")
for name, y_pred in forecasts.items():
    print(f"{name:<28} {np.abs(y_pred - y_valid).mean():6.2f}")

# %%
# The last 150 days
# -----------------

days = np.arange(split_time, len(series))[-150:]
fig, ax = plt.subplots(figsize=(9, 4))
ax.plot(days, y_valid[-150:], color="black", label="actual")
for name, y_pred in list(forecasts.items())[1:]:
    ax.plot(days, y_pred[-150:], label=name)
ax.set_xlabel("day")
ax.set_title("One day ahead")
ax.legend()
plt.show()
