"""Read series from files into the long layout the library reads.

:func:`read_panel_csv` turns a CSV file of one series or many into a long
DataFrame (one row per series and time) with a numeric target and parsed
times, ready for :func:`~skrnn.fill_gaps`, :func:`~skrnn.make_windows` and
``forecast(..., id_col=, time_col=)``. The ``skrnn`` command reads its files
with it.
"""

from pathlib import Path

import numpy as np


def _import_pandas():
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            "reading CSV files needs pandas: pip install skrnn[pandas]"
        ) from None
    return pd


def _first_row(mask):
    """The data row number (from 1) of the first True of ``mask``."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def _check_column(frame, name, option):
    if name not in frame.columns:
        available = ", ".join(map(str, frame.columns))
        raise ValueError(f"{option}={name!r} is not a column; available: {available}")


def _numeric(column, name):
    """``column`` as float, empty cells NaN; text or infinities refused."""
    pd = _import_pandas()
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if bad.any():
        row = _first_row(bad)
        raise ValueError(
            f"target={name!r} is not numeric: row {row} holds {column.iloc[row - 1]!r}"
        )
    values = values.astype(float)
    if np.isinf(values).any():
        raise ValueError(f"target={name!r} holds infinite values: replace them")
    return values


def _times(column, name):
    """Integers stay integers, dates (text or datetime cells) become
    datetimes; empty cells and other text are refused."""
    pd = _import_pandas()
    if column.isna().any():
        row = _first_row(column.isna())
        raise ValueError(f"time_col={name!r} has an empty cell in row {row}")
    if pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column
    times = pd.to_datetime(column, errors="coerce", format="mixed")
    if times.isna().any():
        row = _first_row(times.isna())
        raise ValueError(
            f"time_col={name!r} is not a date or integer column: row {row} "
            f"holds {column.iloc[row - 1]!r}"
        )
    return times


def _first_date_column(frame, skip):
    """The first column of ``frame`` not in ``skip``, if every cell of it is
    a date, else None."""
    pd = _import_pandas()
    name = next((name for name in frame.columns if name not in skip), None)
    if name is None or frame[name].isna().any():
        return None
    if pd.api.types.is_numeric_dtype(frame[name]):
        return None
    times = pd.to_datetime(frame[name], errors="coerce", format="mixed")
    return name if times.notna().all() else None


def read_panel_csv(path, *, target=None, id_col=None, time_col=None):
    """Read a CSV file of one series, or of many in the long layout.

    Parameters
    ----------
    path : str or path-like
        The CSV file: a header row, then one row per time step (and series).
    target : str or list of str, default=None
        The column(s) to forecast: read as floats, empty cells as NaN (gaps).
        Text in them is refused, naming the row.
    id_col : str, default=None
        The column naming each row's series, for a file of many series
        (e.g. ``"unique_id"``). Empty cells are refused.
    time_col : str, "infer" or None, default=None
        The column of each row's time: integers (e.g. years) are kept,
        other cells are parsed as dates. Empty or unparsable cells are
        refused, naming the row. None keeps the rows' order as time.
        ``"infer"`` (unless the file has a column of that name): the first
        column other than ``target`` and ``id_col``, if all its cells are
        dates, else None.

    Returns
    -------
    frame : DataFrame
        The file's columns and rows, in the file's order, with ``target``
        as float and ``time_col`` as integers or datetimes. Other columns
        (covariates) are as pandas reads them.

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    ValueError
        When the file is not a CSV file with data rows, a named column is
        missing (the message lists the file's columns), or a cell of a
        named column cannot be read.

    See Also
    --------
    skrnn.fill_gaps : Insert the missing times of each series as NaN rows.
    skrnn.make_windows : Cut the long frame into training windows.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn.io import read_panel_csv
    >>> path = getfixture("tmp_path") / "sales.csv"
    >>> _ = path.write_text(
    ...     "store,month,sales\\n"
    ...     "a,2024-01-01,10\\n"
    ...     "a,2024-02-01,\\n"
    ...     "b,2024-01-01,7.5\\n"
    ... )
    >>> frame = read_panel_csv(path, target="sales", id_col="store",
    ...                        time_col="month")
    >>> frame
      store      month  sales
    0     a 2024-01-01   10.0
    1     a 2024-02-01    NaN
    2     b 2024-01-01    7.5
    >>> pd.api.types.is_datetime64_any_dtype(frame["month"])
    True

    A first column of dates is found with ``time_col="infer"``:

    >>> frame = read_panel_csv(path, target="sales", id_col="store",
    ...                        time_col="infer")
    >>> frame["month"].dt.month.tolist()
    [1, 2, 1]
    >>> _ = path.write_text("month,sales\\n2024-01-01,10\\n2024-02-01,12\\n")
    >>> read_panel_csv(path, target="sales", time_col="infer").dtypes["month"].kind
    'M'

    """
    pd = _import_pandas()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e)
        raise ValueError(f"{path}: not a readable CSV file ({reason})") from None
    if frame.empty:
        raise ValueError(f"{path}: the file has no data rows")
    targets = [] if target is None else [target]
    if isinstance(target, list | tuple):
        targets = list(target)
    if time_col == "infer" and "infer" not in frame.columns:
        time_col = _first_date_column(frame, [*targets, id_col])
    for name, option in [*((t, "target") for t in targets), (id_col, "id_col")]:
        if name is not None:
            _check_column(frame, name, option)
    if time_col is not None:
        _check_column(frame, time_col, "time_col")
    for name in targets:
        frame[name] = _numeric(frame[name], name)
    if id_col is not None and frame[id_col].isna().any():
        row = _first_row(frame[id_col].isna())
        raise ValueError(f"id_col={id_col!r} has an empty cell in row {row}")
    if time_col is not None:
        frame[time_col] = _times(frame[time_col], time_col)
    return frame
