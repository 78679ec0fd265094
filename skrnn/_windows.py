"""Cut a time series into (window, next values) training pairs."""

import itertools
from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, validate_params

from skrnn._fill_gaps import regular_series
from skrnn._input_errors import naming_input
from skrnn._layout import (
    WindowLayout,
    encode_categories,
    feature_indices,
    learn_categories,
    unseen_categories,
    warn_unseen,
)
from skrnn._panel import _as_2d, as_panel, is_panel, key_ranks
from skrnn._panel_windows import PanelWindows


def _target_indices(target, columns, n_features):
    """Turn ``target`` (None, a name, an index or a list of them) into indices."""
    if target is None:
        if n_features != 1:
            raise ValueError(
                f"series has {n_features} columns; pass target= the column name "
                "or index (or a list of them) to forecast."
            )
        return [0]
    targets = list(target) if isinstance(target, list | tuple) else [target]
    if not targets:
        raise ValueError("target must name at least one column.")
    indices = []
    for name in targets:
        if isinstance(name, Integral) and not isinstance(name, bool):
            if not -n_features <= name < n_features:
                raise ValueError(
                    f"target={name!r} is out of range for a series with "
                    f"{n_features} columns."
                )
            indices.append(int(name) % n_features)
        elif columns is not None and name in columns:
            indices.append(columns.index(name))
        else:
            known = "" if columns is None else f" Known columns: {columns}."
            raise ValueError(
                f"target={name!r} is not a column of series.{known} Pass a "
                "column name or an integer index."
            )
    return indices


def _squeeze_targets(y):
    """``y`` of shape (n, horizon, n_targets) without its axes of length one
    (but the first)."""
    horizon, n_targets = y.shape[1:]
    if n_targets == 1:
        return y[:, :, 0] if horizon > 1 else y[:, 0, 0]
    return y[:, 0, :] if horizon == 1 else y


def _no_window_error(window, horizon, longest, what):
    fix = "a shorter horizon and window"
    if longest > horizon:
        fix = f"window={longest - horizon} or less"
    return ValueError(
        f"{what} has {longest} values, fewer than the window and horizon "
        f"of one example ({window} + {horizon}): use {fix}, or a longer series."
    )


def _panel_windows(panel, window, horizon, targets, layout=None):
    """Windows of every series of ``panel`` long enough, in time order.

    Returns ``X`` (a :class:`PanelWindows`, whose windows also hold the
    ``layout.horizon`` future steps when there are future-known covariates)
    and ``y`` of shape ``(n_windows, horizon, n_targets)``.
    """
    lengths = panel.lengths
    per_series = np.maximum(lengths - window - horizon + 1, 0)
    if not per_series.any():
        what = "the series" if len(lengths) == 1 else "the longest series"
        raise _no_window_error(window, horizon, lengths.max(), what)
    values = np.concatenate(panel.values)
    series = np.repeat(np.arange(len(panel)), per_series)
    # Each window's position within its series, then within ``values``.
    first_row = np.cumsum(per_series) - per_series
    within = np.arange(per_series.sum()) - np.repeat(first_row, per_series)
    starts = (np.cumsum(lengths) - lengths)[series] + within
    times = panel.time_positions()
    # Ties in time go by the series' sorted keys, not their order of
    # appearance: any order of a long DataFrame's rows gives the same rows.
    ranks = key_ranks(panel.keys)[series]
    if times is not None:
        order = np.lexsort((ranks, np.concatenate(times)[starts + window - 1]))
    else:
        # Steps from the series' end: every series' last window sorts last.
        order = np.lexsort((ranks, within - per_series[series]))
    starts, series = starts[order], series[order]
    X = PanelWindows(
        values,
        starts,
        window if layout is None else layout.length,
        series=series,
        series_keys=panel.keys,
        target_features=targets,
        layout=layout,
    )
    y = sliding_window_view(values[:, targets], horizon, axis=0)[starts + window]
    return X, y.transpose(0, 2, 1)


def _join_static(panel, table, id_col):
    """``panel`` with the columns of the per-series ``table`` appended, each
    series' row repeated at every time step."""
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            "static must be a list of column names (constant within each "
            "series) or a DataFrame with one row per series; got "
            f"{type(table).__name__}."
        )
    if id_col is not None and id_col in table.columns:
        table = table.set_index(id_col)
    if table.index.has_duplicates:
        repeated = table.index[table.index.duplicated()][0]
        raise ValueError(
            f"static has more than one row for series {repeated!r}: give the "
            "table one row per series (drop or combine the repeats)."
        )
    missing = [key for key in panel.keys if key not in table.index]
    if missing:
        raise ValueError(
            f"static has no row for series {missing[0]!r} ({len(missing)} "
            "series missing): give the table one row per series, indexed by "
            "the series' keys"
            + (f" or with an {id_col!r} column." if id_col is not None else ".")
        )
    table = table.loc[panel.keys]
    if panel.categories is not None:
        warn_unseen(unseen_categories(table, panel.categories), "static")
        learn_categories([table], panel.categories)
        table = encode_categories(table, panel.categories)
    with naming_input("static"):
        rows = check_array(table, dtype=np.float64, ensure_all_finite="allow-nan")
    panel.values = [
        np.column_stack([values, np.repeat(row[np.newaxis], len(values), axis=0)])
        for values, row in zip(panel.values, rows, strict=True)
    ]
    names = panel.columns or [str(j) for j in range(panel.n_features - rows.shape[1])]
    panel.columns = [*names, *table.columns]
    return panel, list(table.columns)


def _layout(panel, target_indices, future, static, window, horizon):
    """The :class:`WindowLayout` of ``panel``'s windows; refuses roles that
    overlap and static columns that vary within a series."""
    names = panel.columns or [str(j) for j in range(panel.n_features)]
    n_features = panel.n_features
    future_indices = feature_indices(future, names, n_features, "future")
    static_indices = feature_indices(static, names, n_features, "static")
    roles = {
        "target": target_indices,
        "future": future_indices,
        "static": static_indices,
    }
    for first, second in itertools.combinations(roles, 2):
        both = set(roles[first]) & set(roles[second])
        if both:
            raise ValueError(
                f"column(s) {[names[j] for j in sorted(both)]} are both {first} "
                f"and {second}: give each column one role."
            )
    for key, values in zip(panel.keys, panel.values, strict=True):
        for j in static_indices:
            column = values[:, j]
            known = column[~np.isnan(column)]
            if len(known) and (known != known[0]).any():
                raise ValueError(
                    f"static column {names[j]!r} changes within series {key!r}: "
                    "a static covariate has one value per series. Make it a "
                    "past or future covariate instead."
                )
    categories = {
        names.index(name): values
        for name, values in (panel.categories or {}).items()
        if name in names
    }
    return WindowLayout(
        names=tuple(map(str, names)),
        targets=tuple(target_indices),
        future=tuple(future_indices),
        static=tuple(static_indices),
        categories=categories,
        window=window,
        horizon=horizon if future_indices else 0,
    )


@validate_params(
    {
        "series": ["array-like", dict],
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "target": [None, Integral, str, list, tuple],
        "future": [None, Integral, str, list, tuple],
        "static": "no_validation",
        "id_col": "no_validation",
        "time_col": "no_validation",
        "return_groups": ["boolean"],
        "freq": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_windows(
    series,
    window,
    horizon=1,
    *,
    target=None,
    future=None,
    static=None,
    id_col=None,
    time_col=None,
    return_groups=False,
    freq=None,
):
    """Cut a series, or a panel of series, into input windows and the values
    that follow them.

    Window ``i`` holds time steps ``i .. i + window - 1``; its target holds
    the ``horizon`` steps after it. This is the supervised layout that
    recurrent forecasters train on.

    A *panel* (many related series, say sales per store) is a list or dict
    of series of any lengths, or one long DataFrame with a column naming
    each row's series (``id_col``). Windows never cross two series; a series
    shorter than ``window + horizon`` gives no windows. The rows come out in
    time order across the panel: by the time of each window's last step
    when the series have times (a DatetimeIndex or PeriodIndex, or
    ``time_col``), else by steps from each series' end, so that the most
    recent window of every series sorts last. The time-ordered validation
    tail of the forecasters, :class:`~sklearn.model_selection.TimeSeriesSplit`
    and ``cross_val_score`` then split the panel by time, not by series.

    Parameters
    ----------
    series : array-like, list or dict of array-like, or DataFrame
        One series in time order: a 1-D or 2-D array ``(n_times,
        n_features)``, a pandas Series or a DataFrame. Or a panel: a list or
        dict of such series (numpy arrays or pandas objects, all with the
        same columns), or a long DataFrame with ``id_col``. Missing values
        (NaN) are kept; the forecasters skip the windows that contain them.
    window : int
        Number of past time steps in each input window.
    horizon : int, default=1
        Number of future time steps to predict from each window.
    target : int, str or list of them, default=None
        Column(s) to predict, by position or by DataFrame column name.
        ``None`` means the only column of a univariate series.
    id_col : hashable, default=None
        For a long DataFrame: the column naming each row's series (e.g.
        ``"unique_id"`` in Nixtla's ``unique_id``/``ds``/``y`` layout). The
        other columns, but ``time_col``, are the series' values.
    time_col : hashable, default=None
        For a long DataFrame: the column of dates or numbers that orders the
        rows of each series (e.g. ``"ds"``); by default the rows' order.
        Times are matched by value: a time missing inside a series (at the
        panel's frequency) is a gap, a row of NaN, which no window spans
        unnoticed; a repeated time is refused.
    return_groups : bool, default=False
        Also return the key of the series of each window: its position in a
        list, its dict key, or its ``id_col`` value. Use them as ``groups``
        for :class:`~sklearn.model_selection.GroupKFold`, per-series scores
        or sample weights.
    freq : str, offset, int or None, default=None
        The panel's one frequency (e.g. ``"D"``, ``"MS"``, or an int step
        for integer times). By default inferred once, from the series that
        allow it, so that a series of one or two rows is dated like the
        others.

    Returns
    -------
    X : ndarray or PanelWindows of shape (n_windows, window, n_features)
        The input windows. For one series, an ndarray with ``n_windows =
        n_times - window - horizon + 1``; when ``series`` is a numpy array
        it is a read-only strided view of it: no ``n_windows * window``
        copy is made. For a panel, a :class:`PanelWindows`, which holds the
        series end to end and copies windows out only when they are read;
        ``np.asarray(X)`` gives the ndarray.
    y : ndarray
        The values to predict: shape ``(n_windows,)`` for one target and
        ``horizon=1``, ``(n_windows, horizon)`` for one target,
        ``(n_windows, n_targets)`` for several targets and ``horizon=1``,
        else ``(n_windows, horizon, n_targets)``.
    groups : ndarray of shape (n_windows,)
        Only with ``return_groups=True``: the series key of each window
        (0 for every window of a single series).

    See Also
    --------
    SlidingWindowTransformer : Row-preserving windows for use in a Pipeline.
    SequenceReshaper : Reshape a flat lag table into windows.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_windows
    >>> X, y = make_windows(np.arange(6.0), window=3)
    >>> X.shape, y.shape
    ((3, 3, 1), (3,))
    >>> X[0, :, 0], y[0]
    (array([0., 1., 2.]), np.float64(3.0))
    >>> X, y = make_windows(np.arange(6.0), window=3, horizon=2)
    >>> y
    array([[3., 4.],
           [4., 5.]])

    A panel in Nixtla's long layout:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "unique_id": ["a", "a", "a", "a", "b", "b", "b"],
    ...     "ds": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                           "2024-01-04", "2024-01-02", "2024-01-03",
    ...                           "2024-01-04"]),
    ...     "y": [1.0, 2.0, 3.0, 4.0, 10.0, 20.0, 30.0],
    ... })
    >>> X, y, groups = make_windows(
    ...     frame, window=2, id_col="unique_id", time_col="ds", target="y",
    ...     return_groups=True,
    ... )
    >>> X[:, :, 0]
    array([[ 1.,  2.],
           [ 2.,  3.],
           [10., 20.]])
    >>> y, groups.tolist()
    (array([ 3.,  4., 30.]), ['a', 'a', 'b'])
    """
    covariates = future is not None or static is not None
    if is_panel(series, id_col) or covariates:
        panel = as_panel(
            series if is_panel(series, id_col) else [series],
            id_col=id_col,
            time_col=time_col,
            categories={} if covariates else None,
            freq=freq,
        )
        if static is not None and not isinstance(static, list | tuple | str):
            panel, static = _join_static(panel, static, id_col)
        targets = _target_indices(target, panel.columns, panel.n_features)
        layout = None
        if covariates:
            layout = _layout(panel, targets, future, static, window, horizon)
        X, y = _panel_windows(panel, window, horizon, targets, layout)
        groups = X.groups
    else:
        if time_col is not None:
            raise ValueError(
                f"time_col={time_col!r} orders the rows of a long DataFrame, "
                "which also needs id_col= (the column naming each row's series)."
            )
        # Missing dates are gaps (NaN rows), as in a panel of one.
        array, columns = _as_2d(regular_series(series, freq))
        n_times, n_features = array.shape
        n_windows = n_times - window - horizon + 1
        if n_windows < 1:
            raise _no_window_error(window, horizon, n_times, "the series")
        targets = _target_indices(target, columns, n_features)
        # sliding_window_view appends the window axis last: (n, features, window).
        X = sliding_window_view(array, window, axis=0)[:n_windows].transpose(0, 2, 1)
        y = sliding_window_view(array[window:, targets], horizon, axis=0)[:n_windows]
        y = y.transpose(0, 2, 1)  # (n, horizon, n_targets)
        groups = np.zeros(n_windows, dtype=int)
    y = np.ascontiguousarray(_squeeze_targets(y))
    return (X, y, groups) if return_groups else (X, y)
