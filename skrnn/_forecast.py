"""Helpers of ``forecast`` and ``predict_interval``: series in, dated
forecasts out, and split-conformal interval widths."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array

from skrnn._input_errors import array_shape, naming_input


def check_steps(steps):
    """``steps`` as an int >= 1."""
    if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 1:
        raise ValueError(
            f"steps must be an int >= 1 (the number of values to forecast), "
            f"got {steps!r}."
        )
    return int(steps)


def check_coverage(coverage):
    """``coverage`` as a float strictly between 0 and 1."""
    if (
        not isinstance(coverage, Real)
        or isinstance(coverage, bool)
        or not 0 < coverage < 1
    ):
        raise ValueError(
            f"coverage must be a float strictly between 0 and 1 (e.g. 0.9 for "
            f"a 90% interval), got {coverage!r}."
        )
    return float(coverage)


def is_pandas(data):
    return hasattr(data, "iloc") and hasattr(data, "index")


def history_values(history, n_features, timesteps):
    """Validate ``history``: its values (n, n_features), index and names.

    Parameters
    ----------
    history : array-like of shape (n,) or (n, n_features), Series or DataFrame
        The observed series, oldest first.
    n_features : int
        Features the model reads per time step.
    timesteps : int
        The model's window length: ``history`` needs at least this many rows.

    Returns
    -------
    values : ndarray of shape (n, n_features)
    index : pandas.Index or None
    names : list of str
        Column names of the forecast.
    """
    index, names = None, None
    if is_pandas(history):
        index = history.index
        if history.ndim == 1:
            names = [history.name if history.name is not None else "y"]
        else:
            names = [str(c) for c in history.columns]
    shape = array_shape(history)
    if shape[:1] == (0,):
        raise ValueError("history is empty: pass the observed series.")
    if len(shape) > 2:
        raise ValueError(
            f"history must be a series of shape (n,) or (n, n_features), got "
            f"an array of shape {shape}."
        )
    with naming_input("history"):
        values = check_array(
            history,
            ensure_2d=False,
            dtype=np.float64,
            ensure_all_finite="allow-nan",
            input_name="history",
        )
    if values.ndim == 1:
        values = values[:, np.newaxis]
    if values.ndim != 2:
        raise ValueError(
            f"history must be a series of shape (n,) or (n, n_features), got "
            f"an array of shape {values.shape}."
        )
    if values.shape[1] != n_features:
        raise ValueError(
            f"history has {values.shape[1]} feature(s) per time step, but the "
            f"model reads windows of {n_features}: pass the series it was "
            "fitted on, with the same columns."
        )
    if len(values) < timesteps:
        raise ValueError(
            f"history has {len(values)} time steps, fewer than the model's "
            f"window of {timesteps}: pass a longer history."
        )
    if np.isnan(values[-timesteps:]).any():
        raise ValueError(
            f"The last {timesteps} values of history (the first window) "
            "contain NaN: fill them (e.g. history.interpolate()) first."
        )
    if names is None:
        names = ["y"] if n_features == 1 else [f"y{i}" for i in range(n_features)]
    return values, index, names


def _infer_freq(index):
    """``pd.infer_freq`` as an offset, without pandas 3's FutureWarning."""
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        # pandas 3 warns that infer_freq will return an offset, not a string.
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def future_index(index, steps):
    """The ``steps`` index labels after ``index``, at its frequency."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=steps, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (_infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            raise ValueError(
                "Cannot infer the frequency of history's DatetimeIndex to date "
                "the forecast: give it one, e.g. history.asfreq('D')."
            )
        dates = pd.date_range(index[-1], periods=steps + 1, freq=freq)[1:]
        return dates.rename(index.name)
    if pd.api.types.is_integer_dtype(index) and len(index) >= 2:
        step = index[-1] - index[-2]
        return pd.RangeIndex(index[-1] + step, index[-1] + step * (steps + 1), step)
    return pd.RangeIndex(len(index), len(index) + steps)


def conformal_width(abs_residuals, coverage):
    """Split-conformal half-width: the ``coverage`` quantile of the absolute
    residuals along axis 0, with the finite-sample correction.

    With ``n`` residuals the quantile is taken at ``ceil((n + 1) coverage) / n``,
    which needs ``n >= coverage / (1 - coverage)`` residuals.
    """
    n = len(abs_residuals)
    level = math.ceil((n + 1) * coverage) / n if n else math.inf
    if level > 1:
        needed = math.ceil(coverage / (1 - coverage))
        raise ValueError(
            f"A {coverage:.0%} interval needs at least {needed} calibration "
            f"residuals, but there are {n}: lower coverage or calibrate on "
            "more data (a larger validation_fraction or a longer history)."
        )
    return np.quantile(abs_residuals, level, axis=0, method="higher")


def wrap_forecast(y_pred, interval, index, names):
    """The forecast as pandas (when ``index`` is known) or numpy.

    Parameters
    ----------
    y_pred : ndarray of shape (steps, n_features)
    interval : ndarray of shape (steps, n_features, 2) or None
    index : pandas.Index or None
        The history's index; numpy is returned when None.
    names : list of str
    """
    squeeze = y_pred.shape[1] == 1
    if index is None:
        if squeeze:
            y_pred = y_pred[:, 0]
            interval = None if interval is None else interval[:, 0]
        return y_pred if interval is None else (y_pred, interval)
    import pandas as pd

    dates = future_index(index, len(y_pred))
    if interval is None:
        if squeeze:
            return pd.Series(y_pred[:, 0], index=dates, name=names[0])
        return pd.DataFrame(y_pred, index=dates, columns=names)
    columns = {}
    for j, name in enumerate(names):
        columns[name] = y_pred[:, j]
        columns[f"{name}_lower"] = interval[:, j, 0]
        columns[f"{name}_upper"] = interval[:, j, 1]
    return pd.DataFrame(columns, index=dates)
