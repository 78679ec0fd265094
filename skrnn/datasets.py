"""Example data: the course's series, yearly sunspots and a synthetic load panel."""

from importlib import resources
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from scipy.signal import lfilter
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["load_sunspots", "make_load_panel", "make_synthetic_series"]

# The first day of the synthetic series when it is returned as a pandas Series.
SYNTHETIC_START = "2000-01-01"


def _import_pandas(parameter=None, *, function=None):
    """pandas, or an ImportError that says how to get it or do without it.

    Name the ``parameter`` whose True value needs pandas, or the
    ``function`` that always does.
    """
    try:
        import pandas as pd
    except ImportError as error:
        if function is not None:
            message = f"{function} needs pandas: pip install skrnn[pandas]."
        else:
            message = (
                f"{parameter}=True needs pandas: pip install skrnn[pandas], or "
                f"pass {parameter}=False to get numpy arrays."
            )
        raise ImportError(message) from error
    return pd


def _seasonal_pattern(season_time):
    """The course's yearly shape: a cosine hump, then exponential decay."""
    return np.where(
        season_time < 0.4,
        np.cos(season_time * 2 * np.pi),
        1 / np.exp(3 * season_time),
    )


def make_synthetic_series(
    n_steps=4 * 365 + 1,
    *,
    baseline=10,
    slope=0.05,
    amplitude=40,
    period=365,
    noise_level=5,
    random_state=42,
    as_frame=False,
):
    """Trend, yearly seasonality and Gaussian noise: the course's series.

    With its defaults this reproduces, value for value, the series of the
    Coursera course "Sequences, Time Series and Prediction": four years of
    daily values computed in float32 as the course does,
    ``baseline + slope * t + amplitude * pattern((t % period) / period)``
    plus ``noise_level`` times standard normal noise drawn from
    ``np.random.RandomState(random_state)``. The pattern is
    ``cos(2 * pi * s)`` for ``s < 0.4`` and ``exp(-3 * s)`` after.

    Parameters
    ----------
    n_steps : int, default=1461
        Number of time steps (days).
    baseline : float, default=10
        Level at time 0.
    slope : float, default=0.05
        Trend per time step.
    amplitude : float, default=40
        Height of the seasonal pattern.
    period : int, default=365
        Length of one season in time steps.
    noise_level : float, default=5
        Standard deviation of the noise.
    random_state : int or None, default=42
        Seed of the noise; 42 is the course's.
    as_frame : bool, default=False
        If True, return a pandas Series named ``"series"`` with a daily
        :class:`~pandas.DatetimeIndex` starting on 2000-01-01 (needs
        pandas).

    Returns
    -------
    series : ndarray of shape (n_steps,), dtype float32, or pandas.Series
        The series.

    See Also
    --------
    load_sunspots : A real, noisy yearly series.

    Examples
    --------
    >>> from skrnn.datasets import make_synthetic_series
    >>> series = make_synthetic_series()
    >>> series.shape, series.dtype
    ((1461,), dtype('float32'))
    >>> make_synthetic_series(3, noise_level=0)
    array([50.      , 50.04407 , 50.076294], dtype=float32)
    >>> dated = make_synthetic_series(as_frame=True)
    >>> str(dated.index[0].date()), str(dated.index[-1].date()), dated.index.freqstr
    ('2000-01-01', '2003-12-31', 'D')
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, int | np.integer):
        raise TypeError(f"n_steps must be an int, got {n_steps!r}.")
    if n_steps < 1:
        raise ValueError(f"n_steps must be at least 1, got {n_steps}.")
    if period <= 0:
        raise ValueError(f"period must be positive, got {period!r}.")
    # float32 time, as in the course: every step below then stays float32.
    time = np.arange(n_steps, dtype="float32")
    series = (
        baseline
        + slope * time
        + amplitude * _seasonal_pattern((time % period) / period)
    )
    noise = np.random.RandomState(random_state).randn(len(time)) * noise_level
    series += noise
    if not as_frame:
        return series
    pd = _import_pandas("as_frame")
    index = pd.date_range(SYNTHETIC_START, periods=n_steps, freq="D", name="date")
    return pd.Series(series, index=index, name="series")


def load_sunspots(*, as_frame=True):
    """Yearly mean sunspot numbers from 1700 to 2008.

    309 yearly values from the National Geophysical Data Center (NOAA),
    the same file statsmodels ships as ``statsmodels.datasets.sunspots``.
    The data are in the public domain; skrnn bundles them in
    ``skrnn/data/sunspots.csv``, so loading needs no network.

    Parameters
    ----------
    as_frame : bool, default=True
        If True, return a pandas Series (needs pandas); if False, numpy
        arrays.

    Returns
    -------
    sunspots : pandas.Series
        If ``as_frame=True``: the yearly numbers, float64, named
        ``"sunspots"``, indexed by a :class:`~pandas.DatetimeIndex` of year
        starts (1700-01-01, 1701-01-01, ..., frequency ``"YS"``).
    (years, values) : tuple of ndarray of shape (309,)
        If ``as_frame=False``: the years (int) and the numbers (float64).

    See Also
    --------
    make_synthetic_series : The course's synthetic daily series.

    Examples
    --------
    >>> from skrnn.datasets import load_sunspots
    >>> years, values = load_sunspots(as_frame=False)
    >>> years[[0, -1]], values[[0, -1]]
    (array([1700, 2008]), array([5. , 2.9]))
    >>> sunspots = load_sunspots()
    >>> sunspots.index.freqstr, sunspots.name, len(sunspots)
    ('YS-JAN', 'sunspots', 309)
    """
    text = resources.files("skrnn").joinpath("data", "sunspots.csv").read_text()
    rows = [
        line.split(",")
        for line in text.splitlines()
        if line and not line.startswith(("#", '"'))
    ]
    years = np.array([int(year) for year, _ in rows])
    values = np.array([float(value) for _, value in rows])
    if not as_frame:
        return years, values
    pd = _import_pandas("as_frame")
    index = pd.date_range(
        f"{years[0]}-01-01", periods=len(years), freq="YS", name="year"
    )
    return pd.Series(values, index=index, name="sunspots")


class Climate(NamedTuple):
    """A region's temperature cycles and its load's response to temperature.

    ``mean``, ``yearly`` and ``daily`` (the amplitudes) are in degrees C;
    ``heating`` and ``cooling`` in MW per degree C per million people, below
    ``HEATING_BELOW`` and above ``COOLING_ABOVE``.
    """

    mean: float
    yearly: float
    daily: float
    heating: float
    cooling: float


# make_load_panel's Notes table.
CLIMATES = {
    "cold": Climate(mean=6.0, yearly=10.0, daily=4.0, heating=30.0, cooling=5.0),
    "mild": Climate(mean=12.0, yearly=7.0, daily=4.0, heating=18.0, cooling=12.0),
    "hot": Climate(mean=19.0, yearly=7.0, daily=5.0, heating=6.0, cooling=35.0),
}
HEATING_BELOW = 15.0
COOLING_ABOVE = 22.0
BASE_LOAD = 1000.0  # MW per million people, on a working day's average
WEEKEND_FACTOR = 0.85
HOLIDAY_FACTOR = 0.75
# Month and day of the default public holidays, every year.
DEFAULT_HOLIDAYS = ("01-01", "05-01", "08-15", "12-25", "12-26")
WEATHER_MEMORY_DAYS = 2.0


def _daily_shape(hour):
    """The load's shape over a day: trough near 3:00, peak near 17:30, mean 1."""
    return (
        1
        - 0.2 * np.cos(2 * np.pi * (hour - 4) / 24)
        + 0.05 * np.cos(4 * np.pi * (hour - 19) / 24)
    )


def _weather(n_steps, steps_per_day, scale, rng):
    """Stationary AR(1) anomalies whose correlation decays in about 2 days."""
    phi = np.exp(-1 / (WEATHER_MEMORY_DAYS * steps_per_day))
    shocks = rng.standard_normal(n_steps)
    first = scale * shocks[0]
    rest, _ = lfilter(
        [scale * np.sqrt(1 - phi**2)], [1, -phi], shocks[1:], zi=[phi * first]
    )
    return np.concatenate([[first], rest])


def _holiday_dates(holidays, times):
    """The holidays as midnights: the given dates, or the defaults of each year."""
    pd = _import_pandas(function="make_load_panel")
    if holidays is None:
        years = range(times[0].year, times[-1].year + 1)
        holidays = [f"{year}-{day}" for year in years for day in DEFAULT_HOLIDAYS]
    try:
        dates = pd.DatetimeIndex(pd.to_datetime(list(holidays)))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"holidays must be dates (strings such as '2024-12-25', Timestamps "
            f"or datetime.date); {error}"
        ) from error
    return dates.normalize()


@validate_params(
    {
        "n_regions": [Interval(Integral, 1, None, closed="left")],
        "n_days": [Interval(Integral, 1, None, closed="left")],
        "freq": [str],
        "start": "no_validation",
        "holidays": ["array-like", None],
        "noise_level": [Interval(Real, 0, None, closed="left")],
        "weather_noise": [Interval(Real, 0, None, closed="left")],
        "static": [StrOptions({"table", "columns"})],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_load_panel(
    n_regions=3,
    n_days=365,
    *,
    freq="h",
    start="2024-01-01",
    holidays=None,
    noise_level=0.02,
    weather_noise=3.0,
    static="table",
    random_state=0,
):
    """Electricity load of a few regions, driven by known covariates.

    A panel in Nixtla's long layout (``unique_id``, ``ds``, values) whose
    load follows the temperature, the time of day, weekends and public
    holidays, scaled and shaped by two static attributes of each region: its
    ``population`` and its ``climate``. Every effect is known exactly (see
    Notes), so a model given the drivers as covariates can be checked
    against one without them. Needs pandas.

    Parameters
    ----------
    n_regions : int, default=3
        Number of regions (series). Their climates cycle through ``"cold"``,
        ``"mild"`` and ``"hot"``.
    n_days : int, default=365
        Number of days, from ``start``.
    freq : str, default="h"
        Time step, a pandas frequency that divides a day: ``"h"`` (hourly, 24
        steps a day) keeps windows of a day short enough for quick tests;
        ``"30min"`` gives the half-hourly layout of many grid operators.
    start : str or Timestamp, default="2024-01-01"
        First time step (tz-naive local time, so every day has the same
        number of steps). 2024-01-01 is a Monday.
    holidays : array-like of dates, default=None
        Public holidays, the same in every region. ``None`` means 1 January,
        1 May, 15 August, 25 and 26 December of every year covered; ``[]``
        means none.
    noise_level : float, default=0.02
        Standard deviation of the load's multiplicative noise (0.02 is 2%).
    weather_noise : float, default=3.0
        Standard deviation, in degrees C, of the weather's departure from
        the seasonal and daily cycles.
    static : {"table", "columns"}, default="table"
        ``"table"`` returns the regions' attributes as a second DataFrame,
        one row per region; ``"columns"`` repeats them as columns of the
        long DataFrame and returns it alone.
    random_state : int, RandomState instance or None, default=0
        Seed of the populations, the weather and the noise.

    Returns
    -------
    frame : pandas.DataFrame of shape (n_regions * n_days * steps_per_day, 5)
        One row per region and time step, region by region, each in time
        order: ``unique_id`` (``"region_1"``, ``"region_2"``, ...), ``ds``
        (datetime64), ``load`` (MW, float64), ``temperature`` (degrees C,
        float64, rounded to 0.1) and ``holiday`` (int8, 1 on the holidays).
        With ``static="columns"`` also ``population`` and ``climate``.
    static_frame : pandas.DataFrame of shape (n_regions, 3)
        Only with ``static="table"``: ``unique_id``, ``population``
        (millions of people, float64, rounded to 0.01) and ``climate``
        (categorical: ``"cold"``, ``"mild"``, ``"hot"``).

    See Also
    --------
    skrnn.CalendarFeatures : Periodic time-of-day, day-of-week and
        day-of-year features, and a holiday flag, from the timestamps.

    Notes
    -----
    Region ``r`` has a population ``p`` (in millions, drawn uniformly from
    0.5 to 3) and a climate ``c``. At ``hour`` hours after midnight
    (fractional for steps shorter than an hour), ``t`` days after 1 January
    00:00 of the year::

        temperature = mean[c] - yearly[c] * cos(2 pi (t - 15) / 365.25)
                              - daily[c] * cos(2 pi (hour - 3) / 24) + w

        load = p * (1000 * shape(hour) * f
                    + heating[c] * max(0, 15 - temperature)
                    + cooling[c] * max(0, temperature - 22))
                 * (1 + noise_level * e)

        shape(hour) = 1 - 0.2 cos(2 pi (hour - 4) / 24)
                        + 0.05 cos(4 pi (hour - 19) / 24)

    The coldest time of year is mid-January and the coldest hour 3:00, the
    warmest 15:00; ``temperature`` is rounded to 0.1 degrees before the load
    is computed from it. ``shape`` averages 1 over a day, with its trough
    near 3:00 and its peak near 17:30. ``f`` is 0.75 on holidays, else 0.85
    on Saturdays and Sundays, else 1: a holiday cuts the calendar part of
    the load by a quarter against a working day. ``e`` is independent
    standard normal noise; ``w`` is the weather, an AR(1) process of
    standard deviation ``weather_noise`` whose autocorrelation falls to
    1/e in 2 days, independent between regions. Heating and cooling make
    the response to temperature V-shaped (nonlinear), steepest where the
    climate needs it most:

    =======  ====  ======  =====  =======  =======
    climate  mean  yearly  daily  heating  cooling
    =======  ====  ======  =====  =======  =======
    cold        6      10      4       30        5
    mild       12       7      4       18       12
    hot        19       7      5        6       35
    =======  ====  ======  =====  =======  =======

    (temperatures in degrees C; heating and cooling in MW per degree C per
    million people). The random draws come from one
    ``check_random_state(random_state)``, in this order: the populations,
    then for each region its weather and then its noise.

    Examples
    --------
    >>> from skrnn.datasets import make_load_panel
    >>> frame, regions = make_load_panel(n_regions=2, n_days=14)
    >>> frame.shape
    (672, 5)
    >>> frame.columns.tolist()
    ['unique_id', 'ds', 'load', 'temperature', 'holiday']
    >>> frame.groupby("unique_id")["ds"].agg(["min", "max", "count"])
                     min                 max  count
    unique_id
    region_1  2024-01-01 2024-01-14 23:00:00    336
    region_2  2024-01-01 2024-01-14 23:00:00    336
    >>> regions
      unique_id  population climate
    0  region_1        1.87    cold
    1  region_2        2.29    mild
    >>> make_load_panel(1, 1, freq="30min", static="columns").shape
    (48, 7)
    """
    pd = _import_pandas(function="make_load_panel")
    day = pd.Timedelta(days=1)
    try:
        step = pd.Timedelta(pd.tseries.frequencies.to_offset(freq))
    except ValueError:
        step = None  # not a frequency, or not a fixed one ("ME", "W-SUN")
    if step is None or step <= pd.Timedelta(0) or day % step:
        raise ValueError(
            f"freq={freq!r} must be a pandas frequency that divides a day into "
            "whole steps, e.g. 'h', '30min' or '15min'."
        )
    try:
        first = pd.Timestamp(start)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"start={start!r} is not a date; pass e.g. '2024-01-01'."
        ) from error
    if first.tz is not None:
        raise ValueError(
            f"start={start!r} has a time zone; pass a tz-naive start (local "
            "time), so that every day has the same number of steps."
        )
    steps_per_day = day // step
    times = pd.date_range(first, periods=n_days * steps_per_day, freq=step, name="ds")
    holiday = times.normalize().isin(_holiday_dates(holidays, times))
    hour = times.hour + times.minute / 60 + times.second / 3600
    day_of_year = times.day_of_year - 1 + hour / 24
    calendar = np.where(
        holiday, HOLIDAY_FACTOR, np.where(times.day_of_week >= 5, WEEKEND_FACTOR, 1.0)
    )
    base = BASE_LOAD * _daily_shape(hour) * calendar

    rng = check_random_state(random_state)
    climates = [list(CLIMATES)[i % len(CLIMATES)] for i in range(n_regions)]
    populations = rng.uniform(0.5, 3.0, n_regions).round(2)
    ids = [f"region_{i + 1}" for i in range(n_regions)]
    frames = []
    for region, climate, population in zip(ids, climates, populations, strict=True):
        c = CLIMATES[climate]
        temperature = (
            c.mean
            - c.yearly * np.cos(2 * np.pi * (day_of_year - 15) / 365.25)
            - c.daily * np.cos(2 * np.pi * (hour - 3) / 24)
            + _weather(len(times), steps_per_day, weather_noise, rng)
        ).round(1)
        heating = c.heating * np.maximum(0, HEATING_BELOW - temperature)
        cooling = c.cooling * np.maximum(0, temperature - COOLING_ABOVE)
        noise = 1 + noise_level * rng.standard_normal(len(times))
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": region,
                    "ds": times,
                    "load": population * (base + heating + cooling) * noise,
                    "temperature": temperature,
                    "holiday": holiday.astype("int8"),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    static_frame = pd.DataFrame(
        {
            "unique_id": ids,
            "population": populations,
            "climate": pd.Categorical(climates, categories=list(CLIMATES)),
        }
    )
    if static == "columns":
        return frame.merge(static_frame, on="unique_id", how="left")
    return frame, static_frame
