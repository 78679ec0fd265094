"""Example series: the course's synthetic series and yearly sunspot numbers."""

from importlib import resources

import numpy as np

__all__ = ["load_sunspots", "make_synthetic_series"]

# The first day of the synthetic series when it is returned as a pandas Series.
SYNTHETIC_START = "2000-01-01"


def _import_pandas(parameter):
    """pandas, or an ImportError that says how to get it or do without it."""
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError(
            f"{parameter}=True needs pandas: pip install skrnn[pandas], or pass "
            f"{parameter}=False to get numpy arrays."
        ) from error
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
