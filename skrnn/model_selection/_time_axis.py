"""The data of a backtest as one long table on the panel's time axis.

A backtest cuts the data at origins given by time, not by row, so every
container a forecaster takes (one series, a list or dict of series, a long
DataFrame) is read once into a long table whose time column holds each
row's step on one regular grid of the panel's frequency: step ``k`` is the
``k``-th time after the panel's first one. Origins are then steps on that
grid, matched by value whatever the series' lengths and gaps, and steps
are turned back into the data's own times (dates, periods or numbers) for
the result.
"""

import dataclasses
import warnings
from collections.abc import Mapping

import numpy as np


@dataclasses.dataclass
class SeriesTable:
    """The series of a backtest's data, end to end.

    Attributes
    ----------
    frame : DataFrame
        Columns ``id_name``, ``time_name`` (int64 steps on the panel's grid)
        and the value columns, sorted by series then time.
    columns : list
        The value columns.
    single : bool
        Whether the data were one series (no id column in the result).
    id_name, time_name : hashable
        The names of the id and time columns.
    grid : pandas.Index or None
        The panel's times, one per step (dates or periods); None for
        numbers, which are ``origin + step * spacing``.
    origin, spacing : float
        For numeric times: the time of step 0 and between two steps.
    integer : bool
        Whether numeric times are integers.
    """

    frame: object
    columns: list
    single: bool
    id_name: object
    time_name: object
    grid: object = None
    origin: float = 0.0
    spacing: float = 1.0
    integer: bool = True

    def times(self, steps):
        """The data's own times of grid ``steps``."""
        steps = np.asarray(steps, dtype=np.int64)
        if self.grid is not None:
            return self.grid[steps]
        times = self.origin + steps * self.spacing
        return times.astype(np.int64) if self.integer else times


def _is_pandas(data):
    return hasattr(data, "iloc") and hasattr(data, "index")


def _is_panel(data, id_col):
    if id_col is not None or isinstance(data, Mapping):
        return True
    return (
        isinstance(data, list | tuple)
        and len(data) > 0
        and all(isinstance(item, np.ndarray) or _is_pandas(item) for item in data)
    )


def _time_kind(times):
    """``"datetime"``, ``"period"``, ``"number"`` or None (positions)."""
    import pandas as pd

    if times is None:
        return None
    if isinstance(times.dtype, pd.PeriodDtype):
        return "period"
    if pd.api.types.is_datetime64_any_dtype(times):
        return "datetime"
    if pd.api.types.is_numeric_dtype(times) and not pd.api.types.is_bool_dtype(times):
        return "number"
    raise ValueError(
        f"the times {times[:3].tolist()} are neither dates, periods nor "
        "numbers: convert them with pd.to_datetime."
    )


def _item_values(item, label):
    """One series as (its values: a DataFrame or a 2-D array, their column
    names, its times or None)."""
    import pandas as pd

    if _is_pandas(item):
        if item.ndim == 1:
            frame = item.to_frame(name=item.name if item.name is not None else "y")
        else:
            frame = item
        index = item.index
        times = None if isinstance(index, pd.RangeIndex) else pd.Index(index)
        return frame, list(frame.columns), times
    array = np.asarray(item)
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2:
        raise ValueError(
            f"{label} must be 1-D (time,) or 2-D (time, features); got an array "
            f"of shape {array.shape}."
        )
    names = ["y"] if array.shape[1] == 1 else [f"y{j}" for j in range(array.shape[1])]
    return array, names, None


def _items_table(items, kind):
    """A long frame ``(values..., __key)`` of (key, series) items, with its
    value columns, the series' times (or None) and the time column's name."""
    import pandas as pd

    keys, blocks, all_times, columns, index_names = [], [], [], None, set()
    for key, item in items:
        label = f"series {key!r}" if kind != "single" else "data"
        values, names, times = _item_values(item, label)
        if columns is not None and names != columns:
            raise ValueError(
                f"{label} has the columns {names}, but the first series has "
                f"{columns}: every series needs the same columns."
            )
        if len(values) == 0:
            raise ValueError(f"{label} is empty: drop it or give it values.")
        columns = names
        keys.append(key)
        blocks.append(values)
        all_times.append(times)
        if times is not None and times.name is not None:
            index_names.add(times.name)
    if not blocks:
        raise ValueError("data holds no series: pass at least one.")
    if len({t is None for t in all_times}) > 1:
        raise ValueError(
            "some series of data have times (a date, period or numeric index) "
            "and others do not: give every series its times, or none."
        )
    time_name = index_names.pop() if len(index_names) == 1 else "ds"
    if all(isinstance(block, np.ndarray) for block in blocks):
        long = pd.DataFrame(np.concatenate(blocks), columns=columns)
    else:
        long = pd.concat(
            [pd.DataFrame(block, columns=columns) for block in blocks]
            if any(isinstance(block, np.ndarray) for block in blocks)
            else blocks,
            ignore_index=True,
        )
    # Keys such as tuples stay whole: an object array, filled by position.
    key_of_row = np.empty(len(long), dtype=object)
    key_of_row[:] = [key for key, block in zip(keys, blocks) for _ in range(len(block))]
    long["__key"] = key_of_row
    times = None
    if all_times[0] is not None:
        times = (
            all_times[0].append(all_times[1:]) if len(all_times) > 1 else all_times[0]
        )
    return long, columns, times, time_name


def _datetime_freq(times, series_times):
    """The panel's frequency as an offset, from its times."""
    import pandas as pd

    def infer(index):
        if len(index) < 3:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas 3's FutureWarning
            freq = pd.infer_freq(index)
        return None if freq is None else pd.tseries.frequencies.to_offset(freq)

    unique = pd.DatetimeIndex(times).unique().sort_values()
    freq = infer(unique)
    if freq is None:
        found = [infer(pd.DatetimeIndex(t).sort_values()) for t in series_times]
        found = [f for f in found if f is not None]
        if found:
            freq = max(set(found), key=found.count)
    if freq is None and len(unique) >= 2:
        gaps = np.diff(unique.asi8)
        if (gaps % gaps.min() == 0).all():
            freq = pd.tseries.frequencies.to_offset(pd.Timedelta(int(gaps.min())))
    if freq is None:
        raise ValueError(
            "the times of data have no regular frequency that could be inferred "
            "(e.g. daily, monthly): put every series on one frequency, e.g. "
            "with resample or asfreq."
        )
    return freq


def _grid_steps(times, kind, series_times):
    """Each time's step on the panel's grid, and the table's time fields."""
    import pandas as pd

    if kind == "number":
        values = np.asarray(times, dtype=np.float64)
        unique = np.unique(values)
        gaps = np.diff(unique)
        spacing = gaps.min() if len(gaps) else 1.0
        steps = (values - unique[0]) / spacing
        rounded = np.round(steps)
        if not np.allclose(steps, rounded, rtol=0, atol=1e-6):
            raise ValueError(
                f"the numeric times of data are not on one regular spacing of "
                f"{spacing:g}: give every series times on one grid."
            )
        integer = pd.api.types.is_integer_dtype(times) and float(spacing).is_integer()
        fields = {"origin": unique[0], "spacing": spacing, "integer": integer}
        return rounded.astype(np.int64), fields
    if kind == "period":
        index = pd.PeriodIndex(times)
        grid = pd.period_range(index.min(), index.max(), freq=index.freq)
    else:
        index = pd.DatetimeIndex(times)
        freq = _datetime_freq(index, series_times)
        grid = pd.date_range(index.min(), index.max(), freq=freq)
    steps = grid.get_indexer(index)
    if (steps < 0).any():
        stray = index[steps < 0][0]
        raise ValueError(
            f"the time {stray} of data is off the panel's frequency "
            f"({grid.freqstr}): put every series on one frequency."
        )
    return steps.astype(np.int64), {"grid": grid}


def read_table(data, *, id_col=None, time_col=None):
    """Read ``data`` (one series or a panel, as ``make_windows`` takes them)
    into a :class:`SeriesTable`."""
    import pandas as pd

    single = not _is_panel(data, id_col)
    if single and time_col is not None:
        raise ValueError(
            f"time_col={time_col!r} orders the rows of a long DataFrame, which "
            "also needs id_col= (the column naming each row's series)."
        )
    if id_col is not None:
        if not isinstance(data, pd.DataFrame):
            raise TypeError(
                f"id_col={id_col!r} names a column of a long DataFrame, but data "
                f"is a {type(data).__name__}."
            )
        for option, column in (("id_col", id_col), ("time_col", time_col)):
            if column is not None and column not in data.columns:
                raise ValueError(
                    f"{option}={column!r} is not a column of data; its columns "
                    f"are {list(data.columns)}."
                )
        columns = [c for c in data.columns if c not in (id_col, time_col)]
        long = data[columns].reset_index(drop=True)
        long["__key"] = data[id_col].to_numpy()
        times, time_name = None, time_col if time_col is not None else "ds"
        if time_col is not None:
            times = pd.Index(data[time_col])
            if _time_kind(times) is None or times.dtype == object:
                try:
                    times = pd.DatetimeIndex(pd.to_datetime(times))
                except (TypeError, ValueError):
                    raise ValueError(
                        f"time_col={time_col!r} holds neither dates nor numbers "
                        f"(e.g. {times[0]!r}): convert it with pd.to_datetime."
                    ) from None
        id_name = id_col
    else:
        items = (
            [(0, data)]
            if single
            else data.items()
            if isinstance(data, Mapping)
            else enumerate(data)
        )
        long, columns, times, time_name = _items_table(
            items, "single" if single else "panel"
        )
        id_name = "unique_id"
    clash = [name for name in (id_name, time_name) if name in columns]
    if clash:
        raise ValueError(
            f"data has a value column named {clash[0]!r}, the name of the "
            "result's id or time column: rename it."
        )
    codes = pd.factorize(long["__key"], sort=False)[0]
    kind = _time_kind(times)
    fields = {}
    if kind is None:
        # No times: each series ends at the panel's last step, as
        # make_windows orders series without times.
        counts = np.bincount(codes)
        within = pd.Series(codes).groupby(codes).cumcount().to_numpy()
        steps = counts.max() - counts[codes] + within
    else:
        series_times = [times[codes == c] for c in range(codes.max() + 1)]
        steps, fields = _grid_steps(times, kind, series_times)
    long.insert(0, time_name, steps)
    long.insert(0, id_name, long.pop("__key"))
    long["__code"] = codes
    long = long.sort_values(["__code", time_name], kind="stable")
    if long.duplicated(["__code", time_name]).any():
        row = long[long.duplicated(["__code", time_name])].iloc[0]
        raise ValueError(
            f"series {row[id_name]!r} has more than one row at one time: give "
            "one row per series and time step."
        )
    frame = long.drop(columns="__code").reset_index(drop=True)
    return SeriesTable(
        frame=frame,
        columns=columns,
        single=single,
        id_name=id_name,
        time_name=time_name,
        **fields,
    )
