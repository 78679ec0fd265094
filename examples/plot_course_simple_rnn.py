"""
The course's simple RNN, with a learning-rate sweep first
=========================================================

Week 3 of the course "Sequences, Time Series and Prediction" trains two
``SimpleRNN(40)`` layers and a ``Dense(1)`` output scaled by 100 (a
``Lambda`` layer) with the Huber loss and SGD with momentum 0.9. Before
training it sweeps the learning rate by hand,
``LearningRateScheduler(lambda epoch: 1e-8 * 10**(epoch / 20))``, plots
the loss against the learning rate and picks one where the loss still
falls fast. Here the same model is an :class:`~skrnn.RNNForecaster` and
the sweep is :meth:`~skrnn.RNNForecaster.find_learning_rate`.

Set ``SKRNN_EXAMPLE_EPOCHS`` to change the number of training epochs.
"""

# %%
# The course's series and windows
# -------------------------------
# Four years of daily values; windows of 20 days whose next day comes
# before day 1000 train the model, the others forecast days 1000 to 1460.
# The course feeds 2-D windows ``(samples, 20)``; the forecaster adds the
# feature axis itself, as the course's first ``Lambda`` layer does.

import os

import matplotlib.pyplot as plt
import numpy as np

from skrnn import RNNForecaster, make_windows
from skrnn.datasets import make_synthetic_series
from skrnn.plotting import plot_forecast, plot_history, plot_lr_find

epochs = int(os.environ.get("SKRNN_EXAMPLE_EPOCHS", 50))

series = make_synthetic_series()
window, split_time = 20, 1000
X, y = make_windows(series, window=window)
X = X[:, :, 0]
n_train = split_time - window
X_train, y_train = X[:n_train], y[:n_train]
X_valid, y_valid = X[n_train:], y[n_train:]

# %%
# The model
# ---------
# ``units=(40, 40)`` stacks two ``SimpleRNN(40)`` layers; ``output_scale``
# is the course's ``Lambda(lambda x: x * 100.0)``; ``normalize=None``
# leaves the data unscaled, as the course does. Routed parameters such as
# ``optimizer__momentum`` go to the Keras optimizer.

model = RNNForecaster(
    units=(40, 40),
    normalize=None,
    output_scale=100.0,
    loss="huber",
    optimizer="sgd",
    optimizer__momentum=0.9,
    metrics=["mae"],
    epochs=epochs,
    random_state=0,
)

# %%
# The learning-rate sweep
# -----------------------
# An exponential sweep from 1e-8 to 1e-3 on a fresh copy of the model: the
# model itself stays unfitted. The suggestion is where the loss falls
# fastest before it blows up.

sweep = model.find_learning_rate(X_train, y_train, min_lr=1e-8, max_lr=1e-3)
print(f"suggested learning rate: {sweep.suggestion:.2g}")
ax = plot_lr_find(sweep)
ax.set_title("Learning-rate sweep")

# %%
# Train at the suggested learning rate
# ------------------------------------
# Like the course, the model trains with SGD at the learning rate the sweep
# found. Unlike the course, it holds out the last 10% of the training
# windows and stops once their loss stops improving.

model.set_params(learning_rate=sweep.suggestion)
model.fit(X_train, y_train)
y_pred = model.predict(X_valid)
mae = np.abs(y_pred - y_valid).mean()
naive = np.abs(X_valid[:, -1] - y_valid).mean()
print(f"{model.n_iter_} epochs; validation MAE {mae:.2f} (naive {naive:.2f})")

# %%
# One-step forecasts over the validation period
# ---------------------------------------------
# Each forecast reads the 20 days before it. The band is a 90% prediction
# interval from the residuals on the held-out training windows.
#
# Unscaled data and plain SGD make this model hard to train: on this series
# it does little better than the naive forecast, if at all. The default
# :class:`~skrnn.RNNForecaster`, which scales each window relative to its
# last value and trains with Adam, does clearly better; see the
# bidirectional LSTM example for that comparison.

fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), height_ratios=(2, 1))
plot_forecast(
    series[:split_time],
    y_pred,
    model.predict_interval(X_valid, coverage=0.9),
    actual=y_valid,
    ax=top,
    title="Simple RNN, one day ahead",
)
shown = series[split_time - 200 :]
top.set_xlim(split_time - 200, len(series))
top.set_ylim(shown.min() - 10, shown.max() + 10)
plot_history(model, ax=bottom)
fig.tight_layout()
plt.show()
