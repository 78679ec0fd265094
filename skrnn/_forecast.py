"""Helpers of ``forecast`` and ``predict_interval``: series in, dated
forecasts out (the intervals' calibration is in :mod:`skrnn._calibration`)."""

import dataclasses
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array

from skrnn._input_errors import array_shape, check_numeric, naming_input
from skrnn._panel import as_panel, is_panel


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


def history_values(history, n_features, timesteps, *, allow_short=False):
    """Validate ``history``: its values (n, n_features), index and names.

    Parameters
    ----------
    history : array-like of shape (n,) or (n, n_features), Series or DataFrame
        The observed series, oldest first.
    n_features : int
        Features the model reads per time step.
    timesteps : int
        The model's window length: ``history`` needs at least this many rows
        unless ``allow_short`` (it will be padded).
    allow_short : bool, default=False
        Accept a history shorter than the window.

    Returns
    -------
    values : ndarray of shape (n, n_features)
    index : pandas.Index or None
    names : list of str
        Column names of the forecast.
    """
    index, names = None, None
    if is_pandas(history):
        history = _time_ordered(history)
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
    check_numeric(history, "history")
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
    if len(values) < timesteps and not allow_short:
        raise ValueError(
            f"history has {len(values)} time steps, fewer than the model's "
            f"window of {timesteps}: pass a longer history, or pad=True to pad "
            "its head with its first value."
        )
    if np.isnan(values[-timesteps:]).any():
        raise ValueError(
            f"The last {timesteps} values of history (the first window) "
            "contain NaN: fill them (e.g. history.interpolate()) first."
        )
    if names is None:
        names = ["y"] if n_features == 1 else [f"y{i}" for i in range(n_features)]
    return values, index, names


def _is_time_like(index):
    """Whether ``index`` labels time: dates, periods or numbers."""
    import pandas as pd

    return isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) or (
        pd.api.types.is_numeric_dtype(index) and not pd.api.types.is_bool_dtype(index)
    )


def _time_ordered(history):
    """A pandas ``history`` oldest first: sorted by a time index, with a
    warning; refused if it repeats a time. Other indexes are positional."""
    index = history.index
    if not _is_time_like(index):
        return history
    if not index.is_unique:
        repeated = index[index.duplicated()][0]
        raise ValueError(
            f"history's index repeats the time {repeated}: a history has one "
            "row per time step. Drop or combine the repeats first, e.g. "
            "history[~history.index.duplicated()] or "
            "history.groupby(level=0).mean()."
        )
    if index.is_monotonic_increasing:
        return history
    warnings.warn(
        "history's index is not in increasing time order; forecasting from "
        "it sorted oldest first (pass history.sort_index() to silence this).",
        UserWarning,
        stacklevel=4,
    )
    return history.sort_index()


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
    if _is_time_like(index) and len(index) >= 2:
        return _numeric_future_index(index, steps)
    return pd.RangeIndex(len(index), len(index) + steps)


def _numeric_future_index(index, steps):
    """``steps`` labels after an evenly spaced numeric ``index``, at its step."""
    import pandas as pd

    values = index.to_numpy()
    gaps = np.diff(values)
    step = gaps[-1]
    if not np.allclose(gaps, step, rtol=1e-9, atol=0):
        raise ValueError(
            f"history's index is not evenly spaced (steps from {gaps.min()} to "
            f"{gaps.max()}), so the forecast's labels cannot continue it. Put "
            "history on an evenly spaced index (missing steps as NaN), or pass "
            "history.reset_index(drop=True) to number the forecast by position."
        )
    if pd.api.types.is_integer_dtype(index):
        return pd.RangeIndex(
            values[-1] + step, values[-1] + step * (steps + 1), step, name=index.name
        )
    return pd.Index(values[-1] + step * np.arange(1, steps + 1), name=index.name)


def feedback_model(model, chunk, order, bounds):
    """``model`` with its outputs put in input-feature order and clipped to
    ``bounds``: what the forecast loop feeds back into the windows.

    Parameters
    ----------
    model : keras.Model
        Maps windows to ``chunk * n_targets`` flattened outputs.
    chunk : int
        Time steps per output.
    order : ndarray of int of shape (n_features,)
        ``outputs[..., order]`` of each time step are features 0, 1, ...
    bounds : (float, float) or None
        From :func:`skrnn._bounds.check_bounds`.

    Returns
    -------
    keras.Model
        ``model`` itself when there is nothing to reorder or clip.
    """
    import keras

    n_features = len(order)
    identity = np.array_equal(order, np.arange(n_features))
    if identity and bounds is None:
        return model
    windows = keras.Input(shape=model.input_shape[1:], name="windows")
    outputs = model(windows)
    if not identity:
        flat = (np.arange(chunk)[:, None] * n_features + order[None, :]).ravel()
        outputs = keras.ops.take(outputs, flat.tolist(), axis=-1)
    if bounds is not None:
        low, high = bounds
        if np.isfinite(low):
            outputs = keras.ops.maximum(outputs, low)
        if np.isfinite(high):
            outputs = keras.ops.minimum(outputs, high)
    return keras.Model(windows, outputs)


def wrap_forecast(y_pred, interval, dates, names):
    """The forecast as pandas (when ``dates`` are known) or numpy.

    Parameters
    ----------
    y_pred : ndarray of shape (steps, n_features)
    interval : ndarray of shape (steps, n_features, 2) or None
    dates : pandas.Index or None
        The forecast's index (:func:`future_index`); numpy is returned when
        None.
    names : list of str
    """
    squeeze = y_pred.shape[1] == 1
    if dates is None:
        if squeeze:
            y_pred = y_pred[:, 0]
            interval = None if interval is None else interval[:, 0]
        return y_pred if interval is None else (y_pred, interval)
    import pandas as pd

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


def _default_names(n_features):
    return ["y"] if n_features == 1 else [f"y{i}" for i in range(n_features)]


def _names_of(item, n_features):
    """Forecast column names from a pandas series' name or columns."""
    if getattr(item, "ndim", None) == 1 and getattr(item, "name", None) is not None:
        return [item.name]
    if hasattr(item, "columns"):
        return [str(c) for c in item.columns]
    return _default_names(n_features)


@dataclasses.dataclass
class Histories:
    """The series a forecast starts from, and how to give its result back.

    Attributes
    ----------
    values : list of ndarray of shape (n_times_i, n_features)
        Each series, oldest first.
    indexes : list of pandas.Index or None
        Each series' time labels, which the forecast's continue; None
        gives a numpy forecast (or, in a long DataFrame, a ``step`` column).
    names : list of list of str
        The forecast's column names for each series.
    kind : {"single", "list", "dict", "long"}
        The container of the history.
    keys : list
        The series' keys (positions, dict keys or ids).
    named : bool
        Whether the names come from the data (for messages).
    id_col, time_col : hashable or None
        The columns of a long DataFrame.
    """

    values: list
    indexes: list
    names: list
    kind: str
    keys: list
    named: bool
    id_col: object = None
    time_col: object = None

    def named_features(self):
        return self.names[0] if self.named else None

    def last_windows(self, timesteps):
        """The last ``timesteps`` values of each series ``(n, timesteps, F)``,
        a shorter series' head padded with its first value."""
        windows = np.empty((len(self.values), timesteps, self.values[0].shape[1]))
        for i, series in enumerate(self.values):
            tail = series[-timesteps:]
            windows[i, : timesteps - len(tail)] = tail[0]
            windows[i, timesteps - len(tail) :] = tail
        return windows

    def future_indexes(self, steps):
        """The forecast's index of each series (None where numpy)."""
        indexes = []
        for key, index in zip(self.keys, self.indexes, strict=True):
            if index is None:
                indexes.append(None)
                continue
            try:
                indexes.append(future_index(index, steps))
            except ValueError as error:
                if self.kind == "single":
                    raise
                raise ValueError(f"series {key!r}: {error}") from None
        return indexes

    def wrap(self, y_pred, interval, dates):
        """The forecasts ``(n, steps, F)`` in the history's container."""
        forecasts = [
            wrap_forecast(
                y_pred[i],
                None if interval is None else interval[i],
                dates[i],
                self.names[i],
            )
            for i in range(len(self.values))
        ]
        if self.kind == "single":
            return forecasts[0]
        if self.kind == "list":
            return forecasts
        if self.kind == "dict":
            return dict(zip(self.keys, forecasts, strict=True))
        return self._long_frame(forecasts, y_pred.shape[1])

    def _long_frame(self, forecasts, steps):
        import pandas as pd

        frames = []
        for key, forecast in zip(self.keys, forecasts, strict=True):
            frame = forecast.to_frame() if forecast.ndim == 1 else forecast
            if self.time_col is None:
                frame = frame.set_axis(pd.RangeIndex(1, steps + 1, name="step"))
            frames.append(frame.rename_axis(self.time_col or "step").reset_index())
            frames[-1].insert(0, self.id_col, key)
        return pd.concat(frames, ignore_index=True)


def read_histories(history, n_features, timesteps, *, id_col, time_col, pad):
    """Validate the ``history`` of ``forecast``: one series or a panel.

    Parameters
    ----------
    history : array-like, pandas object, list, dict or long DataFrame
    n_features, timesteps : int
        What the model reads per window.
    id_col, time_col : hashable or None
        For a long DataFrame.
    pad : {"auto", True, False}
        Pad series shorter than the window (see ``forecast``).

    Returns
    -------
    Histories
    """
    if not any(pad is option for option in (True, False)) and pad != "auto":
        raise ValueError(f"pad must be 'auto', True or False, got {pad!r}.")
    if not is_panel(history, id_col):
        if time_col is not None:
            raise ValueError(
                f"time_col={time_col!r} orders the rows of a long DataFrame, "
                "which also needs id_col= (the column naming each row's series)."
            )
        values, index, names = history_values(
            history, n_features, timesteps, allow_short=pad is True
        )
        return Histories(
            values=[values],
            indexes=[index],
            names=[names],
            kind="single",
            keys=[None],
            named=index is not None,
        )
    panel = as_panel(history, id_col=id_col, time_col=time_col)
    if panel.n_features != n_features:
        raise ValueError(
            f"The series of history have {panel.n_features} feature(s) per time "
            f"step, but the model reads windows of {n_features}: pass the "
            "series it was fitted on, with the same columns."
        )
    labels = [
        f"series {key!r}" if panel.kind != "list" else f"series {key} (position)"
        for key in panel.keys
    ]
    for label, values in zip(labels, panel.values, strict=True):
        if np.isnan(values[-timesteps:]).any():
            raise ValueError(
                f"{label}: its last {timesteps} values (the window the forecast "
                "starts from) contain NaN: fill them (e.g. interpolate each "
                "series) first."
            )
    short = [label for label, n in zip(labels, panel.lengths) if n < timesteps]
    if short and pad is False:
        raise ValueError(
            f"{len(short)} series are shorter than the model's window of "
            f"{timesteps} (first: {short[0]}): drop them, or pass pad=True to "
            "pad their heads with their first value."
        )
    if short and pad == "auto":
        warnings.warn(
            f"{len(short)} of {len(panel)} series are shorter than the model's "
            f"window of {timesteps} (first: {short[0]}): their heads are padded "
            "with their first value. Pass pad=True to silence this, or "
            "pad=False to refuse them.",
            UserWarning,
            stacklevel=3,
        )
    if panel.kind == "long":
        indexes = list(panel.times)
        names = [[str(c) for c in panel.columns]] * len(panel)
        named = True
    else:
        items = history.values() if panel.kind == "dict" else history
        indexes, names = [], []
        for item in items:
            index = None
            if is_pandas(item):
                # as_panel sorted the values (and warned) as it read them.
                index = item.index
                if _is_time_like(index) and not index.is_monotonic_increasing:
                    index = index.sort_values()
            indexes.append(index)
            names.append(_names_of(item, n_features))
        named = any(is_pandas(item) for item in items)
    return Histories(
        values=panel.values,
        indexes=indexes,
        names=names,
        kind=panel.kind,
        keys=panel.keys,
        named=named,
        id_col=panel.id_col,
        time_col=panel.time_col,
    )
