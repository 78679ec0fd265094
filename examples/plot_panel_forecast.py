"""
Forecast many series with one model
===================================

An analyst's question: here is the hourly electricity load of several
regions, at very different levels, in one long table; what will each
region need over the next two days? Fit one :class:`~skrnn.GRUForecaster`
on the windows of every region, choose its window by a grid search that
splits by time, and forecast every region in one call, with 90%
prediction intervals.

Set ``SKRNN_EXAMPLE_EPOCHS`` to change the maximum number of epochs.
"""

# %%
# The panel
# ---------
# :func:`skrnn.datasets.make_load_panel` makes a long DataFrame in Nixtla's
# layout: one row per region (``unique_id``) and hour (``ds``). The
# regions' populations and climates differ, and so do their loads. Here
# only the load itself is used (the covariates come in another example).

import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skrnn import GRUForecaster, make_windows
from skrnn.datasets import make_load_panel
from skrnn.metrics import get_scorer
from skrnn.plotting import plot_forecast

epochs = int(os.environ.get("SKRNN_EXAMPLE_EPOCHS", 30))
frame, regions = make_load_panel(n_regions=4, n_days=42, random_state=0)
frame = frame[["unique_id", "ds", "load"]]
print(frame.groupby("unique_id")["load"].mean().round())

# %%
# Hold out the last two days
# --------------------------
# Train on all but the last 48 hours of every region; they are kept to
# check the forecast.

horizon = 48
last = frame.groupby("unique_id")["ds"].transform("max")
held_out = frame["ds"] > last - np.timedelta64(horizon, "h")
history, actual = frame[~held_out], frame[held_out]

# %%
# Windows of every region, in time order
# --------------------------------------
# ``make_windows`` cuts each region's series into windows that never cross
# two regions and sorts them by time across the panel: the validation tail
# of ``fit`` and :class:`~sklearn.model_selection.TimeSeriesSplit` then
# hold out the most recent hours of every region. The model predicts the
# next 24 hours at once.
#
# ``X`` is a :class:`~skrnn.PanelWindows`: it keeps the series, not the
# overlapping windows, and reads windows out a batch at a time.


X, y = make_windows(
    history, window=48, horizon=24, id_col="unique_id", time_col="ds", target="load"
)
print(X, y.shape)

# %%
# A grid search that splits by time
# ---------------------------------
# :class:`~sklearn.model_selection.TimeSeriesSplit` trains on the past of
# every region and scores on its future. :func:`skrnn.metrics.get_scorer`
# gives scorers that skip rows without a target. Every region's series is
# scaled by each window's own last value and spread (``normalize="auto"``
# is ``"window"`` for a panel), so one model fits every region.

search = GridSearchCV(
    GRUForecaster(epochs=epochs, random_state=0),
    {"units": [16, 32]},
    cv=TimeSeriesSplit(n_splits=2),
    scoring=get_scorer("neg_mean_absolute_error"),
).fit(X, y)
model = search.best_estimator_
print(f"best: {search.best_params_}, MAE {-search.best_score_:.1f}")

# %%
# Forecast every region at once
# -----------------------------
# ``forecast`` takes the long DataFrame and returns one: 48 rows per
# region, dated after each region's last hour, with the bounds of a 90%
# interval calibrated across the regions.

forecast = model.forecast(
    history, horizon, id_col="unique_id", time_col="ds", coverage=0.9
)
print(forecast.head())
merged = forecast.merge(actual, on=["unique_id", "ds"], suffixes=("", "_actual"))
error = (merged["load"] - merged["load_actual"]).abs().groupby(merged["unique_id"])
print("MAE per region:", error.mean().round(1).to_dict())
inside = merged["load_actual"].between(merged["load_lower"], merged["load_upper"])
print(f"held-out hours inside the 90% interval: {inside.mean():.0%}")

# %%
# A few regions with their intervals
# ----------------------------------

fig, axes = plt.subplots(2, 1, figsize=(9, 6))
for ax, region in zip(axes, ["region_1", "region_4"], strict=True):
    rows = forecast["unique_id"] == region
    plot_forecast(
        history.loc[history["unique_id"] == region].set_index("ds")["load"],
        forecast.loc[rows].set_index("ds")[["load", "load_lower", "load_upper"]],
        actual=actual.loc[actual["unique_id"] == region].set_index("ds")["load"],
        ax=ax,
        title=region,
    )
fig.tight_layout()
plt.show()
