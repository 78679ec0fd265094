"""The histories a forecast starts from: one series or a panel read once
(see :func:`skrnn._panel.as_panel`), and its forecast given back in the
same container, dated by the panel's one frequency."""

import dataclasses
import warnings

import numpy as np
from sklearn.utils import check_array

from skrnn._fill_gaps import regular_series
from skrnn._gaps import _infer_freq
from skrnn._input_errors import array_shape, check_numeric, naming_input
from skrnn._panel import as_panel, is_pandas, is_panel, key_array


def history_values(history, n_features, timesteps, *, allow_short=False, freq=None):
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
    freq : str, offset or None, default=None
        The frequency of a dated history, whose missing times are gaps
        (NaN rows); inferred from its dates when None.

    Returns
    -------
    values : ndarray of shape (n, n_features)
    index : pandas.Index or None
    names : list of str
        Column names of the forecast.
    """
    index, names = None, None
    if is_pandas(history):
        # Missing dates are gaps (NaN rows), as in a panel of one.
        history = regular_series(_time_ordered(history), freq)
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
    missing = np.isnan(values[-timesteps:]).any(axis=1)
    if missing.any():
        at = len(values) - len(missing) + int(np.argmax(missing))
        when, fix = "", "history.interpolate()"
        if index is not None and _is_time_like(index):
            # Missing dates are NaN rows only once filled in.
            when, fix = (
                f" (the first at {index[at]})",
                "fill_gaps(history).interpolate()",
            )
        raise ValueError(
            f"The last {timesteps} values of history (the first window) "
            f"contain NaN{when}: fill them (e.g. {fix}) first."
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
        Each series, oldest first (gaps in its times as NaN rows).
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
    grid : TimeGrid or None
        The panel's times on the grid of its one frequency, which dates
        every series' forecast at once.
    """

    values: list
    indexes: list
    names: list
    kind: str
    keys: list
    named: bool
    id_col: object = None
    time_col: object = None
    grid: object = None

    def named_features(self):
        return self.names[0] if self.named else None

    def label(self, i):
        """How messages name series ``i``."""
        if self.kind == "single":
            return "history"
        key = self.keys[i]
        return f"series {key!r}" if self.kind != "list" else f"series {key} (position)"

    def last_windows(self, timesteps):
        """The last ``timesteps`` values of each series ``(n, timesteps, F)``,
        a shorter series' head padded with its first value."""
        windows = np.empty((len(self.values), timesteps, self.values[0].shape[1]))
        for i, series in enumerate(self.values):
            tail = series[-timesteps:]
            windows[i, : timesteps - len(tail)] = tail[0]
            windows[i, timesteps - len(tail) :] = tail
        return windows

    def check_last_windows(self, timesteps, columns=None):
        """Refuse a series whose last window (its ``columns``) has NaN, a
        missing value or a gap, naming the series and the time."""
        for i, series in enumerate(self.values):
            tail = series[-timesteps:]
            if columns is not None:
                tail = tail[:, columns]
            missing = np.flatnonzero(np.isnan(tail).any(axis=1))
            if not len(missing):
                continue
            row = len(series) - len(tail) + missing[0]
            index = self.indexes[i]
            at = f" at {index[row]}" if index is not None else ""
            raise ValueError(
                f"{self.label(i)}: its last {timesteps} values (the window the "
                f"forecast starts from) contain NaN{at} (a missing value or a "
                f"missing time): fill them first, {self._fill_advice()}."
            )

    def _fill_advice(self):
        if self.kind == "long":
            columns = list(self.names[0])
            return (
                f"e.g. filled = skrnn.fill_gaps(history, id_col={self.id_col!r}, "
                f"time_col={self.time_col!r}) puts the missing times in as NaN "
                f"rows, then interpolate each series: filled[{columns}] = "
                f"filled.groupby({self.id_col!r})[{columns}].transform(lambda s: "
                "s.interpolate())"
            )
        return "e.g. interpolate each series: skrnn.fill_gaps(series).interpolate()"

    def future_indexes(self, steps):
        """The forecast's index of each series (None where numpy)."""
        if self.grid is not None:
            self._future = self.grid.future(steps)
            return [
                self._future[i * steps : (i + 1) * steps]
                for i in range(len(self.values))
            ]
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
        if self.kind == "long":
            return self._long_frame(y_pred, interval, dates)
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
        return dict(zip(self.keys, forecasts, strict=True))

    def _long_frame(self, y_pred, interval, dates):
        """The forecasts as one long DataFrame, built at once (not a frame
        per series): ids, times (or steps), then the forecast columns."""
        import pandas as pd

        n_series, steps, _ = y_pred.shape
        columns = {self.id_col: np.repeat(key_array(self.keys), steps)}
        if self.time_col is None or dates[0] is None:
            columns["step" if self.time_col is None else self.time_col] = np.tile(
                np.arange(1, steps + 1), n_series
            )
        elif self.grid is not None:
            columns[self.time_col] = self._future
        else:
            columns[self.time_col] = dates[0].append(dates[1:])
        for j, name in enumerate(self.names[0]):
            columns[name] = y_pred[:, :, j].ravel()
            if interval is not None:
                columns[f"{name}_lower"] = interval[:, :, j, 0].ravel()
                columns[f"{name}_upper"] = interval[:, :, j, 1].ravel()
        return pd.DataFrame(columns)


def check_pad(pad):
    if not any(pad is option for option in (True, False)) and pad != "auto":
        raise ValueError(f"pad must be 'auto', True or False, got {pad!r}.")


def read_histories(history, n_features, timesteps, *, id_col, time_col, pad, freq=None):
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
    freq : str, offset, int or None
        The panel's frequency (inferred once when None).

    Returns
    -------
    Histories
    """
    check_pad(pad)
    if not is_panel(history, id_col):
        if time_col is not None:
            raise ValueError(
                f"time_col={time_col!r} orders the rows of a long DataFrame, "
                "which also needs id_col= (the column naming each row's series)."
            )
        values, index, names = history_values(
            history, n_features, timesteps, allow_short=pad is True, freq=freq
        )
        return Histories(
            values=[values],
            indexes=[index],
            names=[names],
            kind="single",
            keys=[None],
            named=index is not None,
        )
    panel = as_panel(history, id_col=id_col, time_col=time_col, freq=freq)
    if panel.n_features != n_features:
        raise ValueError(
            f"The series of history have {panel.n_features} feature(s) per time "
            f"step, but the model reads windows of {n_features}: pass the "
            "series it was fitted on, with the same columns."
        )
    if panel.kind == "long":
        names = [[str(c) for c in panel.columns]] * len(panel)
        named = True
    else:
        items = list(history.values() if panel.kind == "dict" else history)
        names = [_names_of(item, n_features) for item in items]
        named = any(is_pandas(item) for item in items)
    histories = Histories(
        values=panel.values,
        indexes=list(panel.times),
        names=names,
        kind=panel.kind,
        keys=panel.keys,
        named=named,
        id_col=panel.id_col,
        time_col=panel.time_col,
        grid=panel.grid,
    )
    if panel.kind != "long":
        # Pandas items without times keep their index (e.g. a RangeIndex).
        histories.indexes = [
            times if times is not None or not is_pandas(item) else item.index
            for times, item in zip(panel.times, items, strict=True)
        ]
    histories.check_last_windows(timesteps)
    check_short(histories, timesteps, pad)
    return histories


def check_short(histories, timesteps, pad, *, refuse_single=False):
    """Refuse (``pad=False``) or pad with a warning (``"auto"``) the series
    shorter than ``timesteps``."""
    short = [
        histories.label(i)
        for i, series in enumerate(histories.values)
        if len(series) < timesteps
    ]
    if not short:
        return
    if refuse_single and pad is not True:
        raise ValueError(
            f"{short[0]} is shorter than the model's window of {timesteps}: "
            "pass a longer history, or pad=True to pad its head with its first "
            "values."
        )
    if pad is False:
        raise ValueError(
            f"{len(short)} series are shorter than the model's window of "
            f"{timesteps} (first: {short[0]}): drop them, or pass pad=True to "
            "pad their heads with their first value."
        )
    if pad == "auto":
        warnings.warn(
            f"{len(short)} of {len(histories.values)} series are shorter than "
            f"the model's window of {timesteps} (first: {short[0]}): their heads "
            "are padded with their first value. Pass pad=True to silence this, "
            "or pad=False to refuse them.",
            UserWarning,
            stacklevel=4,
        )
