"""Panels: many series given as a list, a dict or one long DataFrame.

A panel is read once into a :class:`Panel`: the series' values as 2-D
arrays ``(time, features)``, their keys, their time labels (when known) and
the container they came in, so that a forecast can go back into the same
kind of container. Windowing (:mod:`skrnn._windows`), forecasting and the
command line all read panels through :func:`as_panel`.
"""

import dataclasses
import warnings
from collections.abc import Mapping

import numpy as np

from skrnn._input_errors import naming_input
from skrnn._layout import encode_categories, learn_categories

# The containers a panel can come in; a forecast goes back into the same one.
KINDS = ("list", "dict", "long")


@dataclasses.dataclass
class Panel:
    """Series of one panel, each a 2-D array ``(time, features)``.

    Attributes
    ----------
    keys : list
        The key of each series: its position in a list, its dict key, or its
        value in the id column of a long DataFrame.
    values : list of ndarray of shape (n_times_i, n_features)
        The series, oldest first.
    times : list of pandas.Index or None
        Each series' time labels (a DatetimeIndex, PeriodIndex or numeric
        index), or None per series where only the order is known.
    columns : list or None
        Names of the features (columns), when the input has them.
    kind : {"list", "dict", "long"}
        The container the panel came in.
    id_col, time_col : hashable or None
        The id and time columns of a long DataFrame.
    rows : list of ndarray or None
        For a long DataFrame: the positions of each series' rows in it, in
        the order of ``values``.
    categories : dict or None
        The categories of the columns given as integer codes (see
        :mod:`skrnn._layout`), by column name, when categories were asked
        for.
    """

    keys: list
    values: list
    times: list
    columns: list | None
    kind: str
    id_col: object = None
    time_col: object = None
    rows: list | None = None
    categories: dict | None = None

    def __len__(self):
        return len(self.values)

    @property
    def n_features(self):
        return self.values[0].shape[1]

    @property
    def lengths(self):
        return np.array([len(v) for v in self.values])

    def time_positions(self):
        """Each series' times as numbers comparable across the panel, or None.

        Datetimes become nanoseconds since the epoch (int64) and periods
        their start times, so series that share a calendar sort together.
        None when any series lacks times, or their kinds differ.
        """
        import pandas as pd

        if any(t is None for t in self.times):
            return None
        positions = []
        for times in self.times:
            if isinstance(times, pd.PeriodIndex):
                times = times.to_timestamp()
            if isinstance(times, pd.DatetimeIndex):
                positions.append(times.as_unit("ns").asi8)
            elif pd.api.types.is_numeric_dtype(times):
                positions.append(np.asarray(times, dtype=np.float64))
            else:
                return None
        kinds = {
            "datetime" if isinstance(t, pd.PeriodIndex | pd.DatetimeIndex) else "num"
            for t in self.times
        }
        return positions if len(kinds) == 1 else None


def _is_pandas(data):
    return hasattr(data, "iloc") and hasattr(data, "index")


def _is_one_series(data):
    """Whether ``data`` is one array or pandas object (an element of a panel)."""
    return isinstance(data, np.ndarray) or _is_pandas(data)


def is_panel(data, id_col=None):
    """Whether ``data`` is a panel rather than one series.

    A panel is a dict of series, a list or tuple whose items are arrays or
    pandas objects, or (with ``id_col``) a long DataFrame. A list of plain
    lists stays one 2-D series, as numpy reads it.
    """
    if id_col is not None or isinstance(data, Mapping):
        return True
    return (
        isinstance(data, list | tuple)
        and len(data) > 0
        and all(_is_one_series(item) for item in data)
    )


def _series_label(kind, key):
    return f"series {key!r}" if kind != "list" else f"series {key} (position)"


def _times_of(data):
    """The time labels of a pandas object, if its index holds times."""
    import pandas as pd

    index = data.index
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        return index
    if pd.api.types.is_numeric_dtype(index) and not isinstance(index, pd.RangeIndex):
        return index
    return None


def _sorted_by_time(values, times, label):
    """``values`` and ``times`` in time order; duplicated times are an error."""
    if times is None:
        return values, times
    if times.has_duplicates:
        duplicate = times[times.duplicated()][0]
        raise ValueError(
            f"{label} has the time {duplicate} more than once: give one row per "
            "time step (e.g. aggregate duplicates with groupby(...).mean())."
        )
    if not times.is_monotonic_increasing:
        warnings.warn(
            f"{label}: its index was not in increasing time order; it is used "
            "sorted, oldest first.",
            UserWarning,
            stacklevel=4,
        )
        order = np.argsort(np.asarray(times), kind="stable")
        return values[order], times[order]
    return values, times


def _check_array_2d(data, label):
    """``data`` as a float 2-D array ``(time, features)``, named ``label``."""
    from skrnn._windows import _as_2d

    with naming_input(label):
        array, columns = _as_2d(data, name=label)
    return array, columns


def _panel_from_items(items, kind, categories=None):
    items = list(items)
    if categories is not None:
        frames = [data for _, data in items if hasattr(data, "columns")]
        learn_categories(frames, categories)
        items = [
            (
                key,
                encode_categories(data, categories)
                if hasattr(data, "columns")
                else data,
            )
            for key, data in items
        ]
    keys, values, times, columns = [], [], [], None
    names_seen = set()
    for key, data in items:
        label = _series_label(kind, key)
        array, names = _check_array_2d(data, label)
        if len(array) == 0:
            raise ValueError(f"{label} is empty: drop it or give it values.")
        series_times = _times_of(data) if _is_pandas(data) else None
        array, series_times = _sorted_by_time(array, series_times, label)
        if values and array.shape[1] != values[0].shape[1]:
            raise ValueError(
                f"{label} has {array.shape[1]} column(s), but the panel's first "
                f"series has {values[0].shape[1]}: every series needs the same "
                "columns."
            )
        if hasattr(data, "columns"):
            if columns is not None and list(names) != columns:
                raise ValueError(
                    f"{label} has the columns {list(names)}, but the panel's "
                    f"first DataFrame has {columns}: every series needs the "
                    "same columns, in the same order."
                )
            columns = list(names)
        elif names is not None:
            names_seen.add(tuple(names))
        keys.append(key)
        values.append(array)
        times.append(series_times)
    if not values:
        raise ValueError(f"The panel ({kind}) holds no series: pass at least one.")
    if columns is None and len(names_seen) == 1:
        # pandas Series that all carry the same name (e.g. "sales").
        columns = list(names_seen.pop())
    return Panel(
        keys=keys,
        values=values,
        times=times,
        columns=columns,
        kind=kind,
        categories=categories,
    )


def _panel_from_long(frame, id_col, time_col, categories=None):
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"id_col={id_col!r} names a column of a long DataFrame, but got a "
            f"{type(frame).__name__}: pass a DataFrame with one row per series "
            "and time step, or leave id_col=None for a list or dict of series."
        )
    for option, column in (("id_col", id_col), ("time_col", time_col)):
        if column is not None and column not in frame.columns:
            raise ValueError(
                f"{option}={column!r} is not a column of the DataFrame; its "
                f"columns are {list(frame.columns)}."
            )
    if frame[id_col].isna().any():
        row = frame.index[frame[id_col].isna().to_numpy()][0]
        raise ValueError(
            f"id_col={id_col!r} is missing in row {row!r}: every row needs the "
            "id of its series."
        )
    value_columns = [c for c in frame.columns if c not in (id_col, time_col)]
    if not value_columns:
        raise ValueError(
            f"The DataFrame has no value column besides id_col={id_col!r}"
            + (f" and time_col={time_col!r}" if time_col is not None else "")
            + ": add the column(s) to forecast."
        )
    codes, keys = pd.factorize(frame[id_col], sort=False)
    if time_col is None:
        order = np.argsort(codes, kind="stable")
        times = None
    else:
        times = frame[time_col]
        if times.isna().any():
            row = frame.index[times.isna().to_numpy()][0]
            raise ValueError(
                f"time_col={time_col!r} is missing in row {row!r}: every row "
                "needs its time."
            )
        if not (
            pd.api.types.is_datetime64_any_dtype(times)
            or isinstance(times.dtype, pd.PeriodDtype)
            or pd.api.types.is_numeric_dtype(times)
        ):
            try:
                times = pd.to_datetime(times)
            except (TypeError, ValueError):
                raise ValueError(
                    f"time_col={time_col!r} holds neither dates nor numbers "
                    f"(e.g. {times.iloc[0]!r}): convert it with pd.to_datetime."
                ) from None
        order = np.lexsort((_sortable(times), codes))
    block = frame[value_columns].iloc[order]
    if categories is not None:
        block = encode_categories(block, learn_categories([block], categories))
    block, _ = _check_array_2d(block, "the value columns")
    bounds = np.cumsum(np.bincount(codes, minlength=len(keys)))[:-1]
    values = np.split(block, bounds)
    if times is None:
        series_times = [None] * len(keys)
    else:
        ordered = pd.Index(times.iloc[order], name=time_col)
        if isinstance(ordered.dtype, pd.PeriodDtype):
            ordered = pd.PeriodIndex(ordered)
        series_times = [
            ordered[start:stop]
            for start, stop in zip(np.r_[0, bounds], np.r_[bounds, len(block)])
        ]
        for key, index in zip(keys, series_times, strict=True):
            if index.has_duplicates:
                duplicate = index[index.duplicated()][0]
                raise ValueError(
                    f"series {key!r} has the time {duplicate} in more than one "
                    f"row of time_col={time_col!r}: give one row per series "
                    "and time step."
                )
    return Panel(
        keys=list(keys),
        values=values,
        times=series_times,
        columns=list(value_columns),
        kind="long",
        id_col=id_col,
        time_col=time_col,
        rows=np.split(order, bounds),
        categories=categories,
    )


def _sortable(times):
    """Numbers that sort like ``times`` (dates, periods or numbers)."""
    import pandas as pd

    if isinstance(times.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(times).asi8
    if pd.api.types.is_datetime64_any_dtype(times):
        return pd.DatetimeIndex(times).asi8
    return np.asarray(times, dtype=np.float64)


def as_panel(data, *, id_col=None, time_col=None, categories=None):
    """Read a panel of series into a :class:`Panel`.

    Parameters
    ----------
    data : list or tuple of array-like, dict of array-like, or DataFrame
        The series: arrays of shape ``(n_times_i,)`` or ``(n_times_i,
        n_features)``, pandas Series or DataFrames, of any lengths; or, with
        ``id_col``, one long DataFrame with a row per series and time step.
    id_col : hashable, default=None
        The column of a long DataFrame that names each row's series.
    time_col : hashable, default=None
        The column of a long DataFrame that orders the rows of a series (by
        default the rows' order).
    categories : dict or None, default=None
        Read the non-numeric columns of DataFrames as categories, coded as
        :mod:`skrnn._layout` says: those in ``categories`` (column name ->
        categories) with theirs, others with the ones found, which are added
        to it. None refuses text.

    Returns
    -------
    Panel
    """
    if time_col is not None and id_col is None:
        raise ValueError(
            f"time_col={time_col!r} orders the rows of a long DataFrame, which "
            "also needs id_col= (the column that names each row's series)."
        )
    if id_col is not None:
        return _panel_from_long(data, id_col, time_col, categories)
    if isinstance(data, Mapping):
        return _panel_from_items(data.items(), "dict", categories)
    return _panel_from_items(enumerate(data), "list", categories)
