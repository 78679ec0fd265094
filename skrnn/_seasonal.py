"""Seasonal adjustment of a series or a panel, undone on its forecasts.

Classical decomposition, as the M3 competition's seasonally adjusted
methods (and the Theta method) do it: a centred moving average of one
season estimates each series' trend, the mean ratio (or difference) of
each season position to it is the seasonal index, and only series whose
autocorrelation at the season lag passes a 90% test are adjusted. A global
model then learns the adjusted series, whose seasonal patterns no longer
differ from one series to the next, and the index is put back on its
forecasts (see the defaults page, "Seasonal panels: what pays").
"""

import math
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

# Seasons per year (or week, or day) of the pandas frequencies whose season
# a user would mean, keyed by the frequency's base name.
_SEASONS = {"Q": 4, "QS": 4, "QE": 4, "BQ": 4, "BQS": 4, "BQE": 4}
_SEASONS |= {"M": 12, "MS": 12, "ME": 12}
_SEASONS |= {"BM": 12, "BMS": 12, "BME": 12, "W": 52, "D": 7, "B": 5}
_SEASONS |= {"h": 24, "H": 24, "Y": 1, "YS": 1, "A": 1, "AS": 1, "YE": 1}


def season_length_of(index):
    """The season length of a pandas time index's frequency, or None.

    Monthly 12, quarterly 4, weekly 52, daily 7, business-daily 5, hourly
    24 and yearly 1 (no season).

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn._seasonal import season_length_of
    >>> season_length_of(pd.period_range("2020-01", periods=6, freq="M"))
    12
    >>> season_length_of(pd.date_range("2020-01-01", periods=6, freq="QS"))
    4
    """
    freq = getattr(index, "freqstr", None)
    if freq is None and len(index) >= 3:
        import pandas as pd

        try:
            freq = pd.infer_freq(index)
        except (TypeError, ValueError):
            freq = None
    if freq is None:
        return None
    name = freq.split("-")[0].lstrip("0123456789")
    return _SEASONS.get(name)


def is_seasonal(values, m):
    """Whether ``values`` pass the Theta method's 90% seasonality test.

    The autocorrelation at lag ``m`` must exceed 1.645 times its standard
    error under the hypothesis of no seasonality (Bartlett's formula with
    the autocorrelations of the lags below ``m``). Series shorter than
    three seasons never pass.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._seasonal import is_seasonal
    >>> season = np.tile([1.0, 3.0, 2.0, 5.0], 6)
    >>> bool(is_seasonal(season, 4)), bool(is_seasonal(np.arange(24.0), 4))
    (True, False)
    """
    n = len(values)
    if m <= 1 or n < 3 * m:
        return False
    centred = values - values.mean()
    denominator = np.sum(centred**2)
    if denominator == 0:
        return False
    acf = np.array(
        [np.sum(centred[k:] * centred[:-k]) / denominator for k in range(1, m + 1)]
    )
    limit = 1.645 * math.sqrt((1 + 2 * np.sum(acf[: m - 1] ** 2)) / n)
    return bool(abs(acf[m - 1]) > limit)


def seasonal_index(values, m, multiplicative):
    """The index of each season position ``t % m`` of ``values``.

    Ratios (``multiplicative``) or differences of the values to their
    centred moving average of one season, averaged per position and
    normalised to a mean of 1 (or 0).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._seasonal import seasonal_index
    >>> values = 10 + np.tile([1.0, -1.0, 2.0, -2.0], 5)
    >>> seasonal_index(values, 4, multiplicative=False)
    array([ 1., -1.,  2., -2.])
    """
    if m % 2 == 0:
        weights = np.r_[0.5, np.ones(m - 1), 0.5] / m
    else:
        weights = np.ones(m) / m
    trend = np.convolve(values, weights, mode="valid")
    start = (len(weights) - 1) // 2
    positions = (np.arange(len(trend)) + start) % m
    centre = values[start : start + len(trend)]
    detrended = centre / trend if multiplicative else centre - trend
    index = np.array([detrended[positions == p].mean() for p in range(m)])
    return index / index.mean() if multiplicative else index - index.mean()


def _ratio_index(values, m):
    """The multiplicative index of ``values``, or None where it is not
    defined: a negative value, a centred average that is not positive, or a
    season position with an index of 0 (every value there 0)."""
    if np.any(values < 0):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        index = seasonal_index(values, m, multiplicative=True)
    return index if np.all(np.isfinite(index)) and np.all(index > 0) else None


class SeasonalAdjuster(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Remove each series' seasonal pattern, and put it back on forecasts.

    Fitted on a series or a panel (a list or dict of series), it estimates
    every series' seasonal index by classical decomposition (a centred
    moving average of one season, then the mean ratio or difference of each
    season position to it) for the series whose history passes the Theta
    method's 90% seasonality test; ``transform`` divides it out (or
    subtracts it), and ``inverse_transform`` puts it back on forecasts
    that continue the fitted histories. A global model learns the adjusted
    series better than the raw ones when their seasonal patterns differ.

    Parameters
    ----------
    season_length : int or None, default=None
        Values per season: 12 for monthly data, 4 quarterly, 7 daily, ...
        ``None`` reads it from a pandas history's time index (monthly 12,
        quarterly 4, weekly 52, daily 7, business-daily 5, hourly 24,
        yearly 1); ``1`` adjusts nothing.
    model : {"auto", "multiplicative", "additive"}, default="auto"
        ``"multiplicative"`` divides by an index around 1 (seasonal swings
        that grow with the level), ``"additive"`` subtracts one around 0;
        ``"auto"`` takes multiplicative for a series with no negative value
        whose index is defined (a positive moving average, no season
        position always 0), additive otherwise. Counts and visitors with a
        few empty quarters stay multiplicative, so their adjusted values
        are never negative and a log transform still applies.
    test : bool, default=True
        Adjust only the series that pass the seasonality test; ``False``
        adjusts every series at least three seasons long.

    Attributes
    ----------
    season_length_ : int
        The season length used.
    indices_ : list or dict of (ndarray or None)
        Each series' seasonal index, one value per season position
        (``season_length_`` of them) counted from the
        series' first value; None for a series left as it was. A dict
        with the panel's keys for a dict panel, else a list.
    multiplicative_ : list or dict of bool
        Whether each series' index divides (True) or subtracts.
    n_adjusted_ : int
        How many series were adjusted.
    keys_ : list
        The series' keys (positions for a list), in order.
    lengths_ : list of int
        The fitted histories' lengths: forecasts given to
        ``inverse_transform`` start right after them.
    one_series_ : bool
        Whether one series (not a list or dict) was fitted.

    See Also
    --------
    skrnn.LSTMForecaster : its ``target_transform="auto"`` and
        ``normalize="last"`` suit adjusted business series.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SeasonalAdjuster
    >>> season = np.tile([0.8, 1.0, 1.4, 0.8], 6)
    >>> series = 100 * season
    >>> adjuster = SeasonalAdjuster(season_length=4).fit([series])
    >>> adjuster.indices_[0].round(2)
    array([0.8, 1. , 1.4, 0.8])
    >>> adjuster.transform([series])[0][:4]
    array([100., 100., 100., 100.])
    >>> adjuster.inverse_transform([np.full(4, 100.0)])[0]
    array([ 80., 100., 140.,  80.])
    """

    _parameter_constraints = {
        "season_length": [Interval(Integral, 1, None, closed="left"), None],
        "model": [StrOptions({"auto", "multiplicative", "additive"})],
        "test": ["boolean"],
    }

    def __init__(self, season_length=None, *, model="auto", test=True):
        self.season_length = season_length
        self.model = model
        self.test = test

    def fit(self, X, y=None):
        """Estimate each series' seasonal index.

        Parameters
        ----------
        X : array-like of shape (n,), pandas Series, or a list or dict of them
            One series, or the series of a panel, oldest value first,
            without NaN.
        y : None
            Ignored.

        Returns
        -------
        self : SeasonalAdjuster
        """
        self._validate_params()
        keys, series, one = _read_panel(X, "X")
        m = self.season_length
        if m is None:
            m = _season_length_of_panel(X)
        indices, multiplicative = [], []
        for key, values in zip(keys, series, strict=True):
            seasonal = m > 1 and len(values) >= 3 * m
            if seasonal and self.test:
                seasonal = is_seasonal(values, m)
            index, use_ratio = None, self.model != "additive"
            if seasonal and use_ratio:
                index = _ratio_index(values, m)
                use_ratio = index is not None
            undefined = np.any(values < 0) or (seasonal and index is None)
            if self.model == "multiplicative" and undefined:
                raise ValueError(
                    "model='multiplicative' needs values that are not negative "
                    f"and a positive seasonal level, but series {key!r} holds "
                    f"{values.min():g}: use model='auto' (additive for such "
                    "series) or model='additive'."
                )
            if seasonal and not use_ratio:
                index = seasonal_index(values, m, multiplicative=False)
            indices.append(index)
            multiplicative.append(use_ratio)
        self.season_length_ = int(m)
        self.n_adjusted_ = sum(index is not None for index in indices)
        self.keys_, self.one_series_ = keys, one
        self.lengths_ = [len(values) for values in series]
        self.indices_ = _like(keys, indices, one, as_dict=isinstance(X, dict))
        self.multiplicative_ = _like(
            keys, multiplicative, one, as_dict=isinstance(X, dict)
        )
        return self

    def transform(self, X):
        """Divide out (or subtract) each series' seasonal index.

        Parameters
        ----------
        X : array-like, pandas Series, or a list or dict of them
            The series the adjuster was fitted on, in the same container
            (a dict with the same keys); each may be longer than when
            fitted (new values at its end).

        Returns
        -------
        X_adjusted : same container as ``X``
        """
        return self._apply(X, remove=True)

    def inverse_transform(self, X):
        """Put each series' seasonal index back on forecasts.

        Parameters
        ----------
        X : array-like, pandas Series or DataFrame, or a list or dict of them
            Forecasts (or adjusted values) that start right after the end
            of each fitted history, in the container of the fitted series:
            what ``forecast`` returns for the adjusted histories. Arrays of
            shape ``(steps, 2)`` (an interval's lower and upper bounds) and
            DataFrames (a forecast with its interval columns) are restored
            column by column.

        Returns
        -------
        X_restored : same container as ``X``
        """
        return self._apply(X, remove=False)

    def set_output(self, *, transform=None):
        """Accept a Pipeline's output setting; the output keeps its container.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Ignored: ``transform`` returns the series in the container it
            was given (pandas series stay pandas).

        Returns
        -------
        self : SeasonalAdjuster
            The adjuster, unchanged.
        """
        return self

    def _apply(self, X, *, remove):
        """Remove (from the series' start) or restore (after the fitted
        histories' end) each series' seasonal index."""
        check_is_fitted(self)
        keys, series, _ = _read_panel(X, "X", allow_2d=not remove)
        if keys != self.keys_:
            raise ValueError(
                f"X holds the series {_shown(keys)}, but the adjuster was "
                f"fitted on {_shown(self.keys_)}: pass the same series, in the "
                "same container."
            )
        indices, ratios = self.indices_, self.multiplicative_
        if self.one_series_:
            indices, ratios = [indices], [ratios]
        elif isinstance(indices, dict):
            indices, ratios = list(indices.values()), list(ratios.values())
        out = []
        for values, index, ratio, length in zip(
            series, indices, ratios, self.lengths_, strict=True
        ):
            if index is None:
                out.append(values)
                continue
            first = 0 if remove else length
            season = index[(first + np.arange(len(values))) % self.season_length_]
            if values.ndim == 2:
                season = season[:, None]
            if ratio:
                out.append(values / season if remove else values * season)
            else:
                out.append(values - season if remove else values + season)
        return _rebuild(X, out)


def _read_panel(X, name, allow_2d=False):
    """``(keys, list of float arrays, one)`` of a series or a panel."""
    if isinstance(X, dict):
        keys, items, one = list(X), list(X.values()), False
    elif isinstance(X, (list, tuple)):
        keys, items, one = list(range(len(X))), list(X), False
    else:
        keys, items, one = [0], [X], True
    if not items:
        raise ValueError(f"{name} holds no series: pass at least one.")
    series = []
    for key, item in zip(keys, items, strict=True):
        values = np.asarray(item, dtype=np.float64)
        if values.ndim != 1 and not (allow_2d and values.ndim == 2):
            raise ValueError(
                f"{name}: series {key!r} has shape {values.shape}; the adjuster "
                "takes one-dimensional series (one feature): pass each as a "
                "1-D array or a pandas Series."
            )
        if not allow_2d and not np.all(np.isfinite(values)):
            raise ValueError(
                f"{name}: series {key!r} holds NaN or infinite values; fill its "
                "gaps first (e.g. skrnn.fill_gaps(history).interpolate())."
            )
        series.append(values)
    return keys, series, one


def _season_length_of_panel(X):
    """The season length of the panel's pandas time indexes (all the same)."""
    items = list(X.values()) if isinstance(X, dict) else X
    items = items if isinstance(items, (list, tuple)) else [items]
    lengths = set()
    for item in items:
        index = getattr(item, "index", None)
        is_time = index is not None and hasattr(index, "freqstr")
        lengths.add(season_length_of(index) if is_time else None)
    if None in lengths or len(lengths) != 1:
        found = "it has none" if None in lengths else "their seasons differ"
        raise ValueError(
            "season_length=None reads the season from the series' pandas date "
            f"or period index, but {found}: pass season_length=12 for monthly "
            "data, 4 for quarterly, 7 for daily, ..."
        )
    return lengths.pop()


def _like(keys, values, one, *, as_dict):
    if one:
        return values[0]
    return dict(zip(keys, values, strict=True)) if as_dict else list(values)


def _rebuild(X, arrays):
    """``arrays`` in the container of ``X`` (pandas keeps its index)."""
    if isinstance(X, dict):
        return {
            key: _rebuild_one(item, values)
            for (key, item), values in zip(X.items(), arrays, strict=True)
        }
    if isinstance(X, (list, tuple)):
        return [_rebuild_one(item, v) for item, v in zip(X, arrays, strict=True)]
    return _rebuild_one(X, arrays[0])


def _rebuild_one(item, values):
    if hasattr(item, "columns"):
        return type(item)(values, index=item.index, columns=item.columns)
    if hasattr(item, "index"):
        return type(item)(values, index=item.index, name=item.name)
    return values


def _shown(keys):
    return repr(keys) if len(keys) <= 5 else f"{len(keys)} series"
