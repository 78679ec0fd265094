"""Calendar features from timestamps: periodic time of day, week and year.

A transformer rather than a function: one object keeps the settings
(features, holidays) for the training rows and for the future rows that
``forecast`` needs, and it clones, grid-searches and sits in a Pipeline
before :class:`~skrnn.SlidingWindowTransformer` like any other step.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import (
    _check_feature_names,
    _check_feature_names_in,
    check_is_fitted,
)

# Each periodic feature: the position within its cycle, in [0, 1).
PERIODS = ("hour", "day_of_week", "day_of_year")


def _cycle_position(times, feature):
    """Where each timestamp falls in the feature's cycle, as a fraction."""
    if feature == "hour":
        hours = times.hour + times.minute / 60 + times.second / 3600
        return np.asarray(hours) / 24
    if feature == "day_of_week":
        return np.asarray(times.day_of_week) / 7
    days_in_year = np.where(times.is_leap_year, 366, 365)
    return np.asarray(times.day_of_year - 1) / days_in_year


def _country_holidays(country, subdiv, years):
    """The dates of ``country``'s (and ``subdiv``'s) holidays in ``years``.

    Raises ImportError without the ``holidays`` package, and a ValueError
    naming the parameter for a code the package does not know.
    """
    if country is None:
        if subdiv is not None:
            raise ValueError(
                f"subdiv={subdiv!r} is a region of a country: pass country= too, "
                f"e.g. CalendarFeatures(country='AU', subdiv={subdiv!r})."
            )
        return []
    try:
        import holidays
    except ImportError as error:
        raise ImportError(
            f"CalendarFeatures(country={country!r}) reads the holidays from the "
            "holidays package: pip install skrnn[holidays] (or pip install "
            "holidays), or pass the dates as holidays=[...]."
        ) from error
    supported = holidays.list_supported_countries()
    if country not in supported:
        hint = (
            f" Did you mean country={country.upper()!r}?"
            if country.upper() in supported
            else ""
        )
        raise ValueError(
            f"country={country!r} is not a country code of the holidays package: "
            "use an ISO 3166-1 alpha-2 code such as 'AU', 'US' or 'DE' "
            f"(holidays.list_supported_countries() lists them).{hint}"
        )
    try:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=years)
    except NotImplementedError as error:
        raise ValueError(
            f"subdiv={subdiv!r} is not a subdivision of country={country!r} in "
            f"the holidays package; its codes: {supported[country]}."
        ) from error
    return list(calendar.keys())


class CalendarFeatures(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Add periodic calendar features and a holiday flag to timestamped rows.

    Each feature in ``features`` becomes two columns, the sine and cosine of
    the position of each row's time in its cycle, so that the end of a cycle
    lies next to its start (23:00 next to 0:00, Sunday next to Monday):

    ================  =====================================================
    feature           position in the cycle (period)
    ================  =====================================================
    ``hour``          ``(hour + minute / 60 + second / 3600) / 24`` (a day)
    ``day_of_week``   ``day_of_week / 7``, Monday 0 (a week)
    ``day_of_year``   ``(day_of_year - 1) / days_in_year`` (a year: 365 or
                      366 days)
    ================  =====================================================

    The columns are ``{feature}_sin`` and ``{feature}_cos``; with
    ``holidays`` or ``country``, a last column ``holiday`` is 1 (int8) on
    the rows whose date is a holiday, else 0. Everything is read from the
    local wall clock of the timestamps, also for tz-aware ones.

    ``country`` (and ``subdiv``) take the public holidays of a country (or
    of one of its regions) from the `holidays
    <https://pypi.org/project/holidays/>`_ package (``pip install
    skrnn[holidays]``), for the years of whatever rows are transformed:
    the training rows and the forecast period alike. Dates in ``holidays``
    are added to them.

    The features depend on the timestamps alone, so they can be computed
    for dates that have no target yet: pass the rows (or the
    :class:`~pandas.DatetimeIndex`) of the forecast period to ``transform``
    to build the future-known covariates of a forecast.

    Parameters
    ----------
    time_col : hashable, default=None
        The column of a DataFrame ``X`` holding the timestamps (e.g.
        ``"ds"`` in Nixtla's long layout); ``None`` reads them from its
        index. A DatetimeIndex ``X`` is the timestamps, whatever
        ``time_col``.
    features : list of {"hour", "day_of_week", "day_of_year"}, \
            default=("hour", "day_of_week", "day_of_year")
        Periodic features to add, in this order.
    holidays : array-like of dates, default=None
        Dates of the holidays (strings such as ``"2024-12-25"``,
        Timestamps or ``datetime.date``; a time of day is ignored). ``None``
        adds no ``holiday`` column (unless ``country`` is given); an empty
        list adds one of zeros.
    country : str, default=None
        A country code of the ``holidays`` package, ISO 3166-1 alpha-2 such
        as ``"AU"``, ``"US"`` or ``"DE"``, whose public holidays (observed
        days included) are flagged in the ``holiday`` column, beside the
        dates of ``holidays``. Needs the optional ``holidays`` package.
    subdiv : str, default=None
        A subdivision code of ``country`` (a state, province or region,
        e.g. ``"VIC"`` for Victoria in ``"AU"``), adding its own holidays
        (Melbourne Cup day in Victoria). ``None`` takes the national ones.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns of the DataFrame seen during :term:`fit` (0 for a
        DatetimeIndex).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of those columns. Defined only when they are all strings.
    calendar_columns_ : list of str
        The names of the columns ``transform`` adds, in order, e.g. for the
        future-known covariates of :func:`~skrnn.make_windows`.
    holidays_ : DatetimeIndex or None
        The holidays as sorted, unique midnights (tz-naive): the dates of
        ``holidays`` and, with ``country``, its holidays in the years of
        the rows seen in :term:`fit` (``transform`` adds those of any other
        year it meets).

    See Also
    --------
    sklearn.preprocessing.SplineTransformer : With
        ``extrapolation="periodic"``, smoother bumps along a cycle from one
        numeric column, such as an hour of day.
    skrnn.datasets.make_load_panel : A panel with timestamps to try this on.

    Notes
    -----
    ``transform`` takes any rows with the time column, not only the columns
    seen in ``fit``: the rows of a forecast period have no target. The
    output is a pandas DataFrame whatever ``set_output`` says: the input's
    columns (the timestamps and series names among them) with the new ones
    appended, or for a DatetimeIndex the new columns alone, indexed by it.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn import CalendarFeatures
    >>> times = pd.date_range("2024-12-24 06:00", periods=3, freq="D")
    >>> calendar = CalendarFeatures(features=["hour"], holidays=["2024-12-25"])
    >>> calendar.fit_transform(times).round(3)
                         hour_sin  hour_cos  holiday
    2024-12-24 06:00:00       1.0       0.0        0
    2024-12-25 06:00:00       1.0       0.0        1
    2024-12-26 06:00:00       1.0       0.0        0

    With ``country`` and ``subdiv`` (and the ``holidays`` package), the
    holidays come from that region's calendar: Melbourne Cup day is a
    holiday in Victoria, not in New South Wales.

    >>> days = pd.date_range("2024-11-04", periods=3, freq="D")
    >>> vic = CalendarFeatures(features=[], country="AU", subdiv="VIC")
    >>> vic.fit_transform(days)
                holiday
    2024-11-04        0
    2024-11-05        1
    2024-11-06        0
    >>> nsw = CalendarFeatures(features=[], country="AU", subdiv="NSW")
    >>> nsw.fit_transform(days)["holiday"].tolist()
    [0, 0, 0]

    On a long DataFrame, the columns are appended; the same transformer then
    builds the features of the forecast period:

    >>> frame = pd.DataFrame({
    ...     "unique_id": ["a", "a", "b", "b"],
    ...     "ds": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 12:00"] * 2),
    ...     "y": [1.0, 2.0, 3.0, 4.0],
    ... })
    >>> calendar = CalendarFeatures(time_col="ds", features=["hour", "day_of_week"])
    >>> rows = calendar.fit_transform(frame)
    >>> rows.columns.tolist()
    ['unique_id', 'ds', 'y', 'hour_sin', 'hour_cos', 'day_of_week_sin',
     'day_of_week_cos']
    >>> rows[["unique_id", "y", "hour_sin", "hour_cos"]].round(3)
      unique_id    y  hour_sin  hour_cos
    0         a  1.0       0.0       1.0
    1         a  2.0       0.0      -1.0
    2         b  3.0       0.0       1.0
    3         b  4.0       0.0      -1.0
    >>> future = pd.DataFrame({
    ...     "unique_id": ["a", "b"],
    ...     "ds": pd.to_datetime(["2024-01-02 06:00"] * 2),
    ... })
    >>> calendar.transform(future)[calendar.calendar_columns_].round(3)
       hour_sin  hour_cos  day_of_week_sin  day_of_week_cos
    0       1.0       0.0            0.782            0.623
    1       1.0       0.0            0.782            0.623
    """

    _parameter_constraints = {
        "time_col": "no_validation",
        "features": [list, tuple],
        "holidays": ["array-like", None],
        "country": [str, None],
        "subdiv": [str, None],
    }

    def __init__(
        self,
        *,
        time_col=None,
        features=PERIODS,
        holidays=None,
        country=None,
        subdiv=None,
    ):
        self.time_col = time_col
        self.features = features
        self.holidays = holidays
        self.country = country
        self.subdiv = subdiv

    def fit(self, X, y=None):
        """Check the parameters and that ``X`` has timestamps.

        Parameters
        ----------
        X : DataFrame or DatetimeIndex
            Rows with timestamps in ``time_col`` (or the index), or the
            timestamps themselves.
        y : None
            Ignored.

        Returns
        -------
        self : CalendarFeatures
            The fitted transformer.
        """
        self._validate_params()
        unknown = [f for f in self.features if f not in PERIODS]
        if unknown or len(set(self.features)) != len(self.features):
            raise ValueError(
                f"features must name each of {list(PERIODS)} at most once; got "
                f"{list(self.features)!r}."
            )
        flags_holidays = self.holidays is not None or self.country is not None
        if not self.features and not flags_holidays:
            raise ValueError(
                "features=[] and holidays=None add no column: name some features "
                "or pass holidays (or country)."
            )
        # Checked before X is read: a wrong code or a missing package is the
        # first thing to fix, whatever the data.
        _country_holidays(self.country, self.subdiv, years=[])
        self.holidays_ = self._holiday_dates()
        self.calendar_columns_ = [
            f"{feature}_{part}" for feature in self.features for part in ("sin", "cos")
        ] + (["holiday"] if flags_holidays else [])
        times = self._timestamps(X)
        if self.country is not None:
            self.holidays_ = self.holidays_.union(self._country_dates(times))
        if self._is_frame(X):
            _check_feature_names(self, X, reset=True)
            self.n_features_in_ = X.shape[1]
        else:
            self.n_features_in_ = 0
        return self

    def transform(self, X):
        """Return ``X`` with the calendar columns appended.

        Parameters
        ----------
        X : DataFrame or DatetimeIndex
            Rows with timestamps in ``time_col`` (or the index), or the
            timestamps themselves; the columns may differ from ``fit``'s
            (the rows of a forecast period have no target).

        Returns
        -------
        X_out : DataFrame
            ``X``'s columns and then ``calendar_columns_``, with ``X``'s
            index; for a DatetimeIndex, the calendar columns alone, indexed
            by it.
        """
        check_is_fitted(self)
        times = self._timestamps(X)
        import pandas as pd

        columns = {}
        for feature in self.features:
            angle = 2 * np.pi * _cycle_position(times, feature)
            columns[f"{feature}_sin"] = np.sin(angle)
            columns[f"{feature}_cos"] = np.cos(angle)
        if self.holidays_ is not None:
            holidays = self.holidays_
            if self.country is not None:
                holidays = holidays.union(self._country_dates(times))
            dates = times.tz_localize(None) if times.tz is not None else times
            columns["holiday"] = dates.normalize().isin(holidays).astype("int8")
        if not self._is_frame(X):
            return pd.DataFrame(columns, index=X)
        return pd.concat([X, pd.DataFrame(columns, index=X.index)], axis=1)

    def get_feature_names_out(self, input_features=None):
        """Names of the output's columns: the input's, then the calendar's.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input column names; by default ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str
            The input's names followed by ``calendar_columns_``.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.concatenate([names, self.calendar_columns_]).astype(object)

    def set_output(self, *, transform=None):
        """Accept a Pipeline's output setting; the output is a pandas DataFrame.

        Parameters
        ----------
        transform : {"default", "pandas"} or None, default=None
            Accepted and changes nothing: the output is always a pandas
            DataFrame, which keeps the timestamps and series names that the
            next steps need.

        Returns
        -------
        self : CalendarFeatures
            The transformer, unchanged.
        """
        if transform not in (None, "default", "pandas"):
            raise ValueError(
                f"CalendarFeatures returns pandas DataFrames; set_output("
                f"transform={transform!r}) is not supported. Use 'pandas' or "
                "'default'."
            )
        return self

    def _holiday_dates(self):
        """``holidays`` as sorted unique tz-naive midnights, or None.

        Empty rather than None when only ``country`` gives holidays.
        """
        import pandas as pd

        if self.holidays is None:
            return None if self.country is None else pd.DatetimeIndex([])
        try:
            dates = pd.DatetimeIndex(pd.to_datetime(list(self.holidays)))
        except (TypeError, ValueError) as error:
            raise ValueError(
                "holidays must be dates (strings such as '2024-12-25', "
                f"Timestamps or datetime.date); {error}"
            ) from error
        if dates.tz is not None:
            dates = dates.tz_localize(None)
        return dates.normalize().unique().sort_values()

    def _country_dates(self, times):
        """The holidays of ``country`` in the years of ``times``, as midnights."""
        import pandas as pd

        years = sorted(set(times.year))
        dates = _country_holidays(self.country, self.subdiv, years=years)
        return pd.DatetimeIndex(pd.to_datetime(sorted(dates))).unique()

    def _is_frame(self, X):
        return hasattr(X, "columns")

    def _timestamps(self, X):
        """The timestamps of ``X``'s rows as a DatetimeIndex, checked."""
        import pandas as pd

        if self._is_frame(X):
            if self.time_col is None:
                times, where = X.index, "the index of X"
            elif self.time_col in X.columns:
                times, where = X[self.time_col], f"time_col={self.time_col!r}"
            else:
                raise ValueError(
                    f"time_col={self.time_col!r} is not a column of X (columns: "
                    f"{list(X.columns)!r}). Name the column of timestamps."
                )
            clashes = [c for c in self.calendar_columns_ if c in X.columns]
            if clashes:
                raise ValueError(
                    f"X already has the column(s) {clashes}, which CalendarFeatures "
                    "would add: drop or rename them first (or leave the feature out "
                    "of features=, or holidays=None and country=None for 'holiday')."
                )
        elif isinstance(X, pd.DatetimeIndex):
            times, where = X, "X"
        else:
            raise TypeError(
                "CalendarFeatures needs a pandas DataFrame with timestamps (in "
                "time_col= or the index) or a DatetimeIndex; got "
                f"{type(X).__name__}. For a Series of timestamps, pass "
                "pd.DatetimeIndex(series)."
            )
        if not pd.api.types.is_datetime64_any_dtype(times):
            hint = (
                f"X[{self.time_col!r}] = pd.to_datetime(X[{self.time_col!r}])"
                if self.time_col is not None
                else "X.index = pd.to_datetime(X.index), or time_col= the column"
            )
            raise ValueError(
                f"{where} must hold timestamps (datetime64), got dtype "
                f"{times.dtype}. Convert it first: {hint}."
            )
        times = pd.DatetimeIndex(times)
        if times.isna().any():
            raise ValueError(
                f"{where} has missing timestamps (NaT) at position(s) "
                f"{np.flatnonzero(times.isna())[:5].tolist()}: every row needs "
                "its time."
            )
        return times
