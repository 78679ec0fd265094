"""
Forecast electricity load with temperature and holidays
=======================================================

An analyst's question: tomorrow's hourly load of three regions, given the
temperature forecast and the holiday calendar. Load follows the
temperature (heating when it is cold), the hour, the weekday and public
holidays, and each region's size. Fit one :class:`~skrnn.LSTMForecaster`
on every region with those covariates, compare it with the same model on
the load alone, and forecast the next day with 90% intervals.

Set ``SKRNN_EXAMPLE_EPOCHS`` to change the maximum number of epochs.
"""

# %%
# The data: a long table and a table of regions
# ----------------------------------------------
# :func:`skrnn.datasets.make_load_panel` makes hourly load, temperature and
# a holiday flag per region, and a table of static attributes: each
# region's population and its climate (text: a category).

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skrnn import CalendarFeatures, LSTMForecaster, make_windows
from skrnn.datasets import make_load_panel
from skrnn.plotting import plot_forecast

epochs = int(os.environ.get("SKRNN_EXAMPLE_EPOCHS", 40))
frame, regions = make_load_panel(n_regions=3, n_days=84, random_state=0)
print(regions)

# %%
# Calendar features
# -----------------
# :class:`~skrnn.CalendarFeatures` adds the hour of day and the day of week
# as periodic features. They need only the timestamps, so the same
# transformer computes them for the day to forecast.

calendar = CalendarFeatures(time_col="ds", features=("hour", "day_of_week"))
frame = calendar.fit_transform(frame)
future_columns = ["temperature", "holiday", *calendar.calendar_columns_]

cut = frame["ds"].max() - pd.Timedelta(hours=24)
history, tomorrow = frame[frame["ds"] <= cut], frame[frame["ds"] > cut]

# %%
# Windows with covariates
# -----------------------
# ``future=`` names the columns known for the forecast period too; each
# window then holds 48 past hours and the 24 hours it forecasts, and the
# model reads the load of the past hours only. ``static=`` joins the
# regions' table, one row per region.

X, y = make_windows(
    history,
    window=48,
    horizon=24,
    id_col="unique_id",
    time_col="ds",
    target="load",
    future=future_columns,
    static=regions,
)
print(X.shape, X.layout.future, X.layout.static)
model = LSTMForecaster(epochs=epochs, random_state=0).fit(X, y)

# The same model on the load alone.
X_load, y_load = make_windows(
    history[["unique_id", "ds", "load"]],
    window=48,
    horizon=24,
    id_col="unique_id",
    time_col="ds",
    target="load",
)
load_only = LSTMForecaster(epochs=epochs, random_state=0).fit(X_load, y_load)

# %%
# Tomorrow's load
# ---------------
# ``forecast`` takes the history, the future-known values of the next 24
# hours (here the actual temperature stands in for a forecast of it) and
# the regions' table.

known = tomorrow[["unique_id", "ds", *future_columns]]
forecast = model.forecast(
    history,
    24,
    future=known,
    static=regions,
    id_col="unique_id",
    time_col="ds",
    coverage=0.9,
)
without = load_only.forecast(
    history[["unique_id", "ds", "load"]], 24, id_col="unique_id", time_col="ds"
)
truth = tomorrow["load"].to_numpy()
yesterday = history.groupby("unique_id").tail(24)["load"].to_numpy()
for name, values in (
    ("with covariates", forecast["load"]),
    ("load alone", without["load"]),
    ("same hour yesterday", yesterday),
):
    print(f"{name:>20}: MAE {np.abs(values - truth).mean():7.1f}")

# %%
# Each region's next day
# ----------------------

fig, axes = plt.subplots(3, 1, figsize=(9, 8))
for ax, region in zip(axes, regions["unique_id"], strict=True):
    rows = forecast["unique_id"] == region
    past = history.loc[history["unique_id"] == region].set_index("ds")["load"]
    actual = tomorrow.loc[tomorrow["unique_id"] == region].set_index("ds")["load"]
    plot_forecast(
        past,
        forecast.loc[rows].set_index("ds")[["load", "load_lower", "load_upper"]],
        actual=actual,
        ax=ax,
        title=region,
        n_history=72,
    )
fig.tight_layout()
plt.show()
