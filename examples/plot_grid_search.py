"""
Choose the window with a grid search
====================================

How many past values should a forecaster read? Put
:class:`~skrnn.SlidingWindowTransformer` and a forecaster in a
:class:`~sklearn.pipeline.Pipeline` and the window becomes a parameter
like any other: :class:`~sklearn.model_selection.GridSearchCV` with
:class:`~sklearn.model_selection.TimeSeriesSplit` compares windows on
forward-chaining folds, always training on the past and scoring on the
future. Add more parameters to the grid the same way, e.g.
``"gruforecaster__units": [16, 32]`` or a routed
``"gruforecaster__optimizer__beta_1": [0.8, 0.9]``.

Set ``SKRNN_EXAMPLE_EPOCHS`` to change the number of epochs per fit.
"""

# %%
# The series, one row per time step
# ---------------------------------
# The course's synthetic series. ``X`` holds one row per day and ``y`` the
# value of the next day, NaN for the last row, which has no next day.

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skrnn import GRUForecaster, SlidingWindowTransformer
from skrnn.datasets import make_synthetic_series

epochs = int(os.environ.get("SKRNN_EXAMPLE_EPOCHS", 10))

series = make_synthetic_series()
X = series.reshape(-1, 1)
y = np.append(series[1:], np.nan)

# %%
# The search
# ----------
# The first ``window - 1`` rows have no full window and the last row has no
# target: the forecaster skips them in ``fit`` and its ``score`` (R²)
# ignores them. Each fold trains on an initial stretch of the series and
# scores on the stretch that follows it.

pipe = make_pipeline(
    SlidingWindowTransformer(),
    GRUForecaster(units=16, epochs=epochs, random_state=0),
)
grid = {"slidingwindowtransformer__window": [10, 30]}
search = GridSearchCV(pipe, grid, cv=TimeSeriesSplit(n_splits=3))
search.fit(X, y)

results = pd.DataFrame(search.cv_results_)[
    [
        "param_slidingwindowtransformer__window",
        "mean_test_score",
        "std_test_score",
        "rank_test_score",
    ]
]
results.columns = ["window", "mean R²", "std R²", "rank"]
print(results.sort_values("rank").to_string(index=False))
print("best:", search.best_params_)

# %%
# The best pipeline on the last year
# ----------------------------------
# ``GridSearchCV`` refits the best pipeline on the whole series. Its rows
# line up with the series, so its one-step forecasts plot against the days
# they forecast.

y_pred = search.predict(X)
days = np.arange(len(series))
last_year = days >= len(series) - 365
mae = np.nanmean(np.abs(y_pred[last_year] - y[last_year]))
naive = np.nanmean(np.abs(series[last_year] - y[last_year]))
print(f"last year, one step ahead: MAE {mae:.2f} (naive {naive:.2f})")

fig, ax = plt.subplots(figsize=(9, 4))
ax.plot(days[last_year] + 1, y[last_year], label="actual", color="C0")
ax.plot(days[last_year] + 1, y_pred[last_year], label="forecast", color="C1")
ax.set_xlabel("day")
ax.set_title(f"Best pipeline, one step ahead: {search.best_params_}", fontsize=9)
ax.legend()
plt.show()
