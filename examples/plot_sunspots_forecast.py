"""
Forecast 30 years of sunspots with prediction intervals
=======================================================

An analyst's question: here is a yearly series, what comes next, and how
sure are we? Fit an :class:`~skrnn.LSTMForecaster` on the yearly sunspot
numbers bundled with skrnn, check a 30-year forecast and its 90%
prediction interval against the last 30 years of the record, then forecast
the 30 years after it.

Set ``SKRNN_EXAMPLE_EPOCHS`` to change the maximum number of epochs.
"""

# %%
# The series
# ----------
# :func:`skrnn.datasets.load_sunspots` returns a pandas Series with a
# yearly index, 1700 to 2008; the cycle is about 11 years long.

import os

import matplotlib.pyplot as plt
import numpy as np

from skrnn import LSTMForecaster, make_windows
from skrnn.datasets import load_sunspots
from skrnn.plotting import plot_forecast

epochs = int(os.environ.get("SKRNN_EXAMPLE_EPOCHS", 100))
steps, window = 30, 30

sunspots = load_sunspots()
print(sunspots.tail())

# %%
# Hold out the last 30 years
# --------------------------
# Train on 1700-1978 and forecast 1979-2008 from the 30 years before it.
# ``forecast`` feeds each forecast back in as the newest value; given a
# pandas Series, it returns a DataFrame indexed by the years that follow,
# with the forecast and the interval's lower and upper bounds. Sunspot
# numbers cannot be negative: ``bounds=(0, None)`` clips the forecasts and
# the interval's lower bounds at zero (training itself is not clipped).

train, test = sunspots.iloc[:-steps], sunspots.iloc[-steps:]
X, y = make_windows(train, window=window)
model = LSTMForecaster(epochs=epochs, bounds=(0, None), random_state=0).fit(X, y)
held_out = model.forecast(train, steps, coverage=0.9)
print(held_out.head())

error = np.abs(held_out["sunspots"].to_numpy() - test.to_numpy()).mean()
inside = test.between(held_out["sunspots_lower"], held_out["sunspots_upper"])
print(f"30-year forecast: MAE {error:.1f}; {inside.mean():.0%} of the actual")
print("values fall inside the 90% interval")

# %%
# Forecast against what happened
# ------------------------------

ax = plot_forecast(
    train.iloc[-100:],
    held_out,
    actual=test,
    title="Sunspots: forecast of 1979-2008 from 1978",
)
plt.show()

# %%
# The next 30 years
# -----------------
# Refit on the whole record and forecast 2009-2038.

X, y = make_windows(sunspots, window=window)
model.fit(X, y)
future = model.forecast(sunspots, steps, coverage=0.9)
print(future.round(1).head(10))

ax = plot_forecast(
    sunspots.iloc[-100:], future, title="Sunspots: forecast of 2009-2038"
)
plt.show()
