"""skrnn.intervals.check_interval_history refuses what forecast would."""

import numpy as np
import pandas as pd
import pytest

from skrnn import GRUForecaster, make_windows
from skrnn.intervals import check_interval_history


def test_refuses_before_the_fit_what_forecast_refuses_after_it():
    series = np.sin(np.arange(40) / 3)
    with pytest.raises(ValueError) as before:
        check_interval_history(series, window=5, steps=30, coverage=0.95)
    X, y = make_windows(series, window=5)
    model = GRUForecaster(units=2, epochs=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError) as after:
        model.forecast(series, 30, coverage=0.95)
    assert str(before.value) == str(after.value)
    assert "forecast fewer steps (steps=" in str(before.value)
    counts = check_interval_history(series, window=5, steps=3, coverage=0.9)
    assert counts.tolist() == [35, 34, 33]  # origins 5..39, then fewer ahead


def test_counts_the_series_of_a_long_panel_together():
    frame = pd.DataFrame(
        {
            "id": np.repeat(["a", "b"], 30),
            "t": np.tile(np.arange(30), 2),
            "y": np.arange(60.0),
            "size": "big",
        }
    )
    # 25 origins a series (50 together): each series alone calibrates less.
    counts = check_interval_history(
        frame, window=5, steps=2, coverage=0.9, target="y", id_col="id", time_col="t"
    )
    assert counts.tolist() == [50, 48]
    with pytest.raises(ValueError, match="pass target="):
        check_interval_history(frame, window=5, steps=2, coverage=0.9, id_col="id")
