"""``fill_gaps``: a series or a long panel with its missing times as NaN rows."""

import numpy as np

from skrnn._gaps import _infer_freq, time_grid, time_kind
from skrnn._panel import key_array, read_long


def fill_gaps(data, *, id_col=None, time_col=None, freq=None, static=None):
    """Insert a NaN row at every missing time of a series or a panel.

    Each series is put on a regular grid, from its first time to its last,
    at the panel's one frequency, so that a window never spans a gap
    unnoticed: the rows of the missing times hold NaN, which windowing and
    forecasting treat as missing values (fill them, e.g. with
    ``interpolate``, before forecasting from them).

    Parameters
    ----------
    data : Series or DataFrame
        One series with a DatetimeIndex, PeriodIndex or integer index (or,
        with ``time_col``, a time column); or a long DataFrame with one row
        per series and time, whose series ``id_col`` names.
    id_col : hashable, default=None
        The column naming each row's series, e.g. ``"unique_id"``.
    time_col : hashable, default=None
        The column of times (dates, periods or integers), e.g. ``"ds"``; by
        default the index holds the times.
    freq : str, offset or int, default=None
        The panel's frequency ("D", "h", "MS", ... or an int step for integer
        times). By default inferred once for the whole panel: the frequency
        pandas finds in the series that allow it, the most common one; for
        integers the most common step (1 when there is none).
    static : list of hashable, default=None
        Columns of one value per series (static covariates, such as a
        store's size or region): the inserted rows get the series' value
        instead of NaN.

    Returns
    -------
    Series or DataFrame
        ``data`` with the missing times inserted, sorted by series and
        time. In an inserted row the value columns are NaN and ``id_col``
        holds the series' id, the ``static`` columns its value; other
        columns are NaN too. A long DataFrame gets a fresh RangeIndex.

    Raises
    ------
    ValueError
        When a series repeats a time (naming the series and the time), or
        its times fit no regular frequency (pass ``freq=``).

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn import fill_gaps
    >>> frame = pd.DataFrame({
    ...     "unique_id": ["a", "a", "a", "b", "b"],
    ...     "ds": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04",
    ...                           "2024-01-01", "2024-01-02"]),
    ...     "y": [1.0, 2.0, 4.0, 10.0, 20.0],
    ... })
    >>> filled = fill_gaps(frame, id_col="unique_id", time_col="ds")
    >>> filled
      unique_id         ds     y
    0         a 2024-01-01   1.0
    1         a 2024-01-02   2.0
    2         a 2024-01-03   NaN
    3         a 2024-01-04   4.0
    4         b 2024-01-01  10.0
    5         b 2024-01-02  20.0

    Then fill the gaps, e.g. by interpolating within each series:

    >>> filled["y"] = filled.groupby("unique_id")["y"].transform(
    ...     lambda y: y.interpolate())
    >>> filled["y"].tolist()
    [1.0, 2.0, 3.0, 4.0, 10.0, 20.0]
    """
    import pandas as pd

    if not isinstance(data, pd.Series | pd.DataFrame):
        raise TypeError(
            f"fill_gaps reads a pandas Series or DataFrame, got "
            f"{type(data).__name__}: put the series in one (with its times as "
            "the index or a time_col= column)."
        )
    if id_col is None and time_col is None:
        return _fill_one(data, freq)
    frame = data
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            "id_col= and time_col= name columns of a DataFrame, got a Series."
        )
    static = [] if static is None else list(static)
    named = [("id_col", id_col), ("time_col", time_col)]
    for option, column in [*named, *(("static", name) for name in static)]:
        if column is not None and column not in frame.columns:
            raise ValueError(
                f"{option}={column!r} is not a column of the DataFrame; its "
                f"columns are {list(frame.columns)}."
            )
    if time_col is None:
        raise ValueError(
            f"fill_gaps needs the times of each series of id_col={id_col!r}: "
            "pass time_col= (the column of dates, periods or integers)."
        )
    if id_col is None:
        filled = _fill_one(frame.set_index(time_col), freq).reset_index()
        return filled.fillna({name: frame[name].iloc[0] for name in static})
    keys, counts, order, times = read_long(frame, id_col, time_col, sort_ids=True)
    if time_kind(times) is None:
        raise ValueError(
            f"time_col={time_col!r} holds {times.dtype} values: fill_gaps needs "
            "dates, periods or integers."
        )
    grid = time_grid(times, counts, lambda i: f"series {keys[i]!r}", freq)
    total = int(grid.lengths.sum())
    filled = frame.iloc[order].set_axis(grid.rows()).reindex(np.arange(total))
    filled[id_col] = np.repeat(key_array(keys), grid.lengths)
    filled[time_col] = grid.times()
    # The inserted rows hold NaN: their static values are the series'.
    known = filled.groupby(id_col, sort=False)[static].transform("first")
    filled[static] = filled[static].fillna(known)
    return filled.set_axis(np.arange(total))


def _fill_one(series, freq):
    """``series`` (indexed by its times) with its missing times as NaN rows."""
    kind = time_kind(series.index)
    if kind is None:
        raise ValueError(
            "fill_gaps needs the series' times: give it a DatetimeIndex, "
            "PeriodIndex or integer index, or pass time_col= (and id_col= for "
            f"a long DataFrame); its index is a {type(series.index).__name__}."
        )
    if series.index.hasnans:
        raise ValueError("The series' index has missing times: drop those rows.")
    if not series.index.is_monotonic_increasing:
        series = series.sort_index(kind="stable")
    grid = time_grid(series.index, [len(series)], lambda i: "the series", freq)
    return series.reindex(grid.times())


def regular_series(series, freq=None):
    """``series`` with its missing times as NaN rows (:func:`fill_gaps`) if
    it is a pandas object indexed by dates or periods that are not on one
    regular grid, so that one series is read as a panel of one is; else
    ``series`` itself, not copied.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn._fill_gaps import regular_series
    >>> days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"])
    >>> regular_series(pd.Series([1.0, 2.0, 4.0], index=days)).tolist()
    [1.0, 2.0, nan, 4.0]
    """
    import pandas as pd

    index = getattr(series, "index", None)
    if time_kind(index) not in ("datetime", "period") or len(index) < 2:
        return series
    if freq is None and index.is_monotonic_increasing and index.is_unique:
        if isinstance(index, pd.PeriodIndex):
            if (index[-1] - index[0]).n + 1 == len(index):
                return series
        elif index.freq is not None or (len(index) >= 3 and _infer_freq(index)):
            return series
    return fill_gaps(series, freq=freq)
