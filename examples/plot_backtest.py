"""
Backtest a panel and choose a model by its multi-step error
===========================================================

A forecast's error on the one period after the data says little: it is a
single draw. A *backtest* forecasts from several past origins instead, as
if the data ended there each time, and compares each forecast with what
happened. :func:`skrnn.model_selection.backtest` does it in one call for
every series of a panel, and
:class:`~skrnn.model_selection.ForecastOriginSplit` lets a grid search
choose a model by the same multi-step error.

Set ``SKRNN_EXAMPLE_EPOCHS`` to change the number of epochs.
"""

# %%
# A panel of monthly series
# -------------------------
# Eight products' monthly sales over six years, in Nixtla's long layout:
# a yearly season, a trend and noise, each at its own level. Two products
# were launched late, so their series are short.

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import GridSearchCV

from skrnn import GRUForecaster, make_windows
from skrnn.metrics import smape_scorer, symmetric_mean_absolute_percentage_error
from skrnn.model_selection import ForecastOriginSplit, backtest
from skrnn.plotting import plot_backtest

epochs = int(os.environ.get("SKRNN_EXAMPLE_EPOCHS", 20))
rng = np.random.RandomState(0)
months = pd.period_range("2019-01", periods=72, freq="M")
frames = []
for product in range(8):
    start = 30 if product >= 6 else 0  # two launched in mid-2021
    t = np.arange(start, 72)
    level = 100 * (product + 1)
    sales = level * (1 + 0.3 * np.sin(2 * np.pi * t / 12) + 0.004 * t)
    sales += 0.05 * level * rng.randn(len(t))
    frames.append(
        pd.DataFrame({"unique_id": f"p{product}", "ds": months[t], "y": sales})
    )
frame = pd.concat(frames, ignore_index=True)
print(frame.groupby("unique_id")["y"].agg(["size", "mean"]).round())

# %%
# Forecasts from three origins
# ----------------------------
# The last three origins, 6 months apart, each forecasting 6 months: the
# last one ends at the data's end. ``refit=False`` fits one model at the
# first origin and forecasts from each origin with it (``refit=True``
# fits one per origin). Nothing after an origin reaches its forecasts.

options = {
    "window": 12,
    "horizon": 6,
    "steps": 6,
    "n_windows": 3,
    "refit": False,
    "id_col": "unique_id",
    "time_col": "ds",
    "target": "y",
}
model = GRUForecaster(units=16, epochs=epochs, random_state=0)
result = backtest(model, frame, **options)
print(result.head(8))

# %%
# The forecasts from each cutoff against the truth
# ------------------------------------------------
# One row per series, cutoff and month: the true value ``y`` beside the
# ``forecast``, so any error can be computed per cutoff, per series or per
# lead time.

fig, ax = plt.subplots(figsize=(8, 3.5))
series = frame[frame["unique_id"] == "p2"].set_index("ds")["y"]
plot_backtest(
    result[result["unique_id"] == "p2"],
    history=series[months[36] :],
    ax=ax,
    title="Product p2: GRU forecasts from three cutoffs",
)
fig.tight_layout()

# %%
# Does it beat the seasonal naive forecast, cutoff by cutoff?
# -----------------------------------------------------------
# The seasonal naive forecast of a month is the same month a year before:
# the baseline any monthly model must beat. The backtest's rows hold the
# times, so its forecasts line up beside the GRU's; sMAPE (in percent) of
# every series' 6-month forecast, per cutoff:

year_before = frame.assign(ds=frame["ds"] + 12).rename(columns={"y": "naive"})
naive = result.merge(year_before, on=["unique_id", "ds"])
naive = naive.drop(columns="forecast").rename(columns={"naive": "forecast"})


def smape_by_cutoff(result):
    return pd.Series(
        {
            cutoff: 100
            * symmetric_mean_absolute_percentage_error(rows["y"], rows["forecast"])
            for cutoff, rows in result.groupby("cutoff")
        }
    )


table = pd.DataFrame(
    {"GRU": smape_by_cutoff(result), "seasonal naive": smape_by_cutoff(naive)}
)
print(table.round(1))

# %%
# A grid search by the multi-step error at the last origins
# ---------------------------------------------------------
# :class:`~skrnn.model_selection.ForecastOriginSplit` splits the windows
# of the panel by origin: each split tests on every series' window at an
# origin (its target is the 6 months after it) and trains on the windows
# whose targets end by then. Scored with sMAPE, the search picks the
# number of units that forecasts 6 months best at the last two origins.

X, y = make_windows(
    frame, window=12, horizon=6, id_col="unique_id", time_col="ds", target="y"
)
search = GridSearchCV(
    GRUForecaster(units=16, epochs=epochs, random_state=0),
    {"units": [8, 16]},
    cv=ForecastOriginSplit(n_splits=2, horizon=6),
    scoring=smape_scorer,
    refit=False,
).fit(X, y)
print("best:", search.best_params_)
