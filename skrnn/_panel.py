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
from sklearn.utils import check_array

from skrnn._gaps import time_grid, time_kind
from skrnn._input_errors import check_numeric, naming_input
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
    grid : TimeGrid or None
        Where the series' times lie on the panel's regular grid (see
        :mod:`skrnn._gaps`), when they are dates, periods or integers; its
        ``freq`` is the panel's one frequency.
    at : list of ndarray or None
        With ``grid``: the position in ``values`` of each given row (in
        ``rows``' order); the other rows of ``values`` are gaps, NaN.
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
    grid: object = None
    at: list | None = None

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


def is_pandas(data):
    return hasattr(data, "iloc") and hasattr(data, "index")


def _is_one_series(data):
    """Whether ``data`` is one array or pandas object (an element of a panel)."""
    return isinstance(data, np.ndarray) or is_pandas(data)


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


def _as_2d(series, name="series"):
    """Return ``series`` as a 2-D array ``(time, features)`` and its column names.

    The array is a view of ``series`` whenever numpy can make one. ``name``
    is how error messages call it.
    """
    columns = getattr(series, "columns", None)
    if columns is None and getattr(series, "name", None) is not None:
        columns = [series.name]
    check_numeric(series, name)
    with naming_input(name):
        # Empty series and too many dimensions get the messages below.
        array = check_array(
            series,
            ensure_2d=False,
            allow_nd=True,
            ensure_min_samples=0,
            dtype="numeric",
            ensure_all_finite="allow-nan",
            input_name=name,
        )
    if array.ndim == 1:
        array = array[:, np.newaxis]
    elif array.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (time,) or 2-D (time, features); got an array "
            f"of shape {array.shape}. Pass the series itself, one row per time "
            "step."
        )
    return array, None if columns is None else list(columns)


def _check_array_2d(data, label):
    """``data`` as a float 2-D array ``(time, features)``, named ``label``."""
    with naming_input(label):
        array, columns = _as_2d(data, name=label)
    return array, columns


def _dated_grid(keys, values, times, kind, freq):
    """Series of dates or periods laid on the panel's grid, gaps as NaN:
    ``(values, times, grid, at)``; unchanged (grid None) for other times."""
    kinds = {time_kind(t) if t is not None else None for t in times}
    if len(kinds) != 1 or kinds.pop() not in ("datetime", "period"):
        return values, times, None, None
    counts = np.array([len(t) for t in times])
    grid = time_grid(
        times[0].append(times[1:]) if len(times) > 1 else times[0],
        counts,
        lambda i: _series_label(kind, keys[i]),
        freq,
    )
    at = grid.series_positions()
    values = [spread(v, p, n) for v, p, n in zip(values, at, grid.lengths, strict=True)]
    bounds = np.cumsum(grid.lengths)
    grid_times = grid.times()
    times = [grid_times[stop - n : stop] for stop, n in zip(bounds, grid.lengths)]
    return values, times, grid, at


def _panel_from_items(items, kind, categories=None, freq=None):
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
        series_times = _times_of(data) if is_pandas(data) else None
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
    values, times, grid, at = _dated_grid(keys, values, times, kind, freq)
    return Panel(
        keys=keys,
        values=values,
        times=times,
        columns=columns,
        kind=kind,
        categories=categories,
        grid=grid,
        at=at,
    )


def _sorted_keys(uniques):
    """Positions that sort ``uniques`` (ids): by value, or, for ids of
    mixed types, by their text then type name (deterministic)."""
    positions = range(len(uniques))
    try:
        return sorted(positions, key=uniques.__getitem__)
    except TypeError:
        return sorted(
            positions, key=lambda i: (str(uniques[i]), type(uniques[i]).__name__)
        )


def key_ranks(keys):
    """Each key's rank in a deterministic sort of ``keys`` (see
    :func:`_sorted_keys`): what breaks ties between series, so that any
    order of a panel's rows gives the same windows."""
    ranks = np.empty(len(keys), dtype=np.intp)
    ranks[_sorted_keys(keys)] = np.arange(len(keys))
    return ranks


def key_array(keys):
    """``keys`` as a 1-D array that keeps each key's own value (an object
    array when numpy would turn them into text, e.g. ``1`` and ``"1"``)."""
    array = np.asarray(keys) if keys else np.empty(0)
    kinds = {type(key) for key in keys}
    if array.ndim != 1 or (len(kinds) > 1 and array.dtype.kind in "USO"):
        array = np.empty(len(keys), dtype=object)
        array[:] = keys
    return array


def read_long(frame, id_col, time_col, *, sort_ids=False):
    """The rows of a long DataFrame grouped by series and in time order.

    Returns
    -------
    keys : list
        The ids, in order of first appearance, or sorted with ``sort_ids``.
    counts : ndarray of int
        The rows of each series.
    order : ndarray of int
        The frame's rows by series (in ``keys``' order), then by time.
    times : pandas.Index or None
        The times of the rows in ``order`` (None without ``time_col``).
    """
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
    codes, uniques = pd.factorize(frame[id_col], sort=False)
    keys = uniques.tolist()
    if sort_ids:
        ranks = key_ranks(keys)
        keys = [keys[i] for i in np.argsort(ranks)]
        codes = ranks[codes]
    counts = np.bincount(codes, minlength=len(keys))
    if time_col is None:
        return keys, counts, np.argsort(codes, kind="stable"), None
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
    ordered = pd.Index(times.iloc[order], name=time_col)
    if isinstance(ordered.dtype, pd.PeriodDtype):
        ordered = pd.PeriodIndex(ordered)
    return keys, counts, order, ordered


def _refuse_time_values(frame, value_columns, time_col):
    """Refuse value columns of dates, most likely a forgotten ``time_col=``."""
    import pandas as pd

    for column in value_columns:
        dtype = frame[column].dtype
        if not (
            pd.api.types.is_datetime64_any_dtype(dtype)
            or isinstance(dtype, pd.PeriodDtype)
        ):
            continue
        if time_col is None:
            fix = f"pass time_col={column!r} to order each series' rows by it"
        else:
            fix = "drop it, or turn it into numbers (e.g. with skrnn.CalendarFeatures)"
        raise ValueError(
            f"column {column!r} holds times, not values to forecast: {fix}."
        )


def spread(values, rows, length):
    """``values`` (n, F) at ``rows`` of ``length`` NaN rows (gaps)."""
    if len(values) == length:
        return values
    full = np.full((length, values.shape[1]), np.nan)
    full[rows] = values
    return full


def _panel_from_long(frame, id_col, time_col, categories=None, freq=None):
    import pandas as pd

    keys, counts, order, times = read_long(frame, id_col, time_col)
    value_columns = [c for c in frame.columns if c not in (id_col, time_col)]
    if not value_columns:
        raise ValueError(
            f"The DataFrame has no value column besides id_col={id_col!r}"
            + (f" and time_col={time_col!r}" if time_col is not None else "")
            + ": add the column(s) to forecast."
        )
    _refuse_time_values(frame, value_columns, time_col)
    block = frame[value_columns].iloc[order]
    if categories is not None:
        block = encode_categories(block, learn_categories([block], categories))
    block, _ = _check_array_2d(block, "the value columns")
    grid, at, lengths = None, None, counts
    if times is not None and time_kind(times) is not None:
        grid = time_grid(times, counts, lambda i: f"series {keys[i]!r}", freq)
        block = spread(block, grid.rows(), int(grid.lengths.sum()))
        times, lengths, at = grid.times(), grid.lengths, grid.series_positions()
    bounds = np.cumsum(lengths)[:-1]
    if times is None:
        series_times = [None] * len(keys)
    else:
        series_times = [
            times[start:stop]
            for start, stop in zip(np.r_[0, bounds], np.r_[bounds, len(times)])
        ]
        if grid is None:
            for key, index in zip(keys, series_times, strict=True):
                if index.has_duplicates:
                    raise ValueError(
                        f"series {key!r} has the time "
                        f"{index[index.duplicated()][0]} in more than one row of "
                        f"time_col={time_col!r}: give one row per series and "
                        "time step."
                    )
    del pd
    return Panel(
        keys=keys,
        values=np.split(block, bounds),
        times=series_times,
        columns=list(value_columns),
        kind="long",
        id_col=id_col,
        time_col=time_col,
        rows=np.split(order, np.cumsum(counts)[:-1]),
        categories=categories,
        grid=grid,
        at=at,
    )


def _sortable(times):
    """Numbers that sort like ``times`` (dates, periods or numbers)."""
    import pandas as pd

    if isinstance(times.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(times).asi8
    if pd.api.types.is_datetime64_any_dtype(times):
        return pd.DatetimeIndex(times).asi8
    return np.asarray(times, dtype=np.float64)


def as_panel(data, *, id_col=None, time_col=None, categories=None, freq=None):
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
    freq : str, offset, int or None, default=None
        The panel's one frequency; by default inferred once (see
        :func:`skrnn._gaps.panel_freq`). Times are matched by value: a time
        missing inside a series of dates, periods (or, in a long DataFrame,
        integers) is a gap, a row of NaN.

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
        return _panel_from_long(data, id_col, time_col, categories, freq)
    if isinstance(data, Mapping):
        return _panel_from_items(data.items(), "dict", categories, freq)
    return _panel_from_items(enumerate(data), "list", categories, freq)
