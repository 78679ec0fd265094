"""``backtest``: forecasts from many origins in one call, scored against
what happened."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval, validate_params

from skrnn import make_windows
from skrnn.model_selection._time_axis import read_table


def _target_names(target, columns):
    """The value columns ``target`` names (None: the only column)."""
    if target is None:
        if len(columns) != 1:
            raise ValueError(
                f"data has {len(columns)} value columns {columns}; pass target= "
                "the column (or list of columns) to forecast."
            )
        return list(columns)
    names = []
    for name in target if isinstance(target, list | tuple) else [target]:
        if isinstance(name, Integral) and not isinstance(name, bool):
            if not -len(columns) <= name < len(columns):
                raise ValueError(
                    f"target={name!r} is out of range for data with "
                    f"{len(columns)} value columns."
                )
            names.append(columns[name])
        elif name in columns:
            names.append(name)
        else:
            raise ValueError(
                f"target={name!r} is not a value column of data; its value "
                f"columns are {columns}."
            )
    return names


def _column_names(option, value, columns):
    """The value columns listed by ``future=`` or ``static=`` (names or
    positions); a static table lists none."""
    if value is None or hasattr(value, "columns"):
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [
        columns[v] if isinstance(v, Integral) and not isinstance(v, bool) else v
        for v in values
    ]


def _cutoffs(table, *, window, horizon, steps, n_windows, step_size):
    """The origins' steps on the panel's grid, oldest first."""
    time = table.frame[table.time_name]
    first, last = int(time.min()), int(time.max())
    cutoffs = last - steps - step_size * np.arange(n_windows - 1, -1, -1)
    # The first model needs one window and its targets at or before its origin.
    if cutoffs[0] - first + 1 < window + horizon:
        raise ValueError(
            f"n_windows={n_windows} origins {step_size} apart (step_size), the "
            f"last {steps} steps before the panel's end, put the first origin at "
            f"{table.times([max(cutoffs[0], first)])[0]}, "
            f"{cutoffs[0] - first + 1} time step(s) into the data: too few for "
            f"one window of {window} and its horizon of {horizon}. Use fewer "
            "n_windows, a smaller step_size or a shorter window."
        )
    return cutoffs


def _forecastable(history, table, cutoff, window, inputs):
    """The series that can be forecast from ``cutoff``: a row at it, and a
    window ending there without a missing time or value."""
    id_name, time_name = table.id_name, table.time_name
    frame = history[history[id_name].isin(_ids_at(history, table, cutoff))]
    tail = frame.groupby(id_name, sort=False).tail(window)
    # A short series' head is padded; a gap within the window is missing.
    gap = tail[time_name] < cutoff - window + 1
    first = tail.groupby(id_name, sort=False)[time_name].transform("min")
    size = tail.groupby(id_name, sort=False)[time_name].transform("size")
    gap = gap | (cutoff - first + 1 != size)
    broken = tail[tail[inputs].isna().any(axis=1) | gap][id_name]
    return frame[~frame[id_name].isin(broken)]


def _ids_at(frame, table, step):
    return frame.loc[frame[table.time_name] == step, table.id_name].unique()


def _future_rows(table, ids, cutoff, steps, future_names):
    """The future-known values of the ``steps`` after ``cutoff`` of the
    series ``ids`` that have all of them, in time order."""
    frame = table.frame
    time = frame[table.time_name]
    rows = frame[
        (time > cutoff) & (time <= cutoff + steps) & frame[table.id_name].isin(ids)
    ]
    rows = rows[rows[future_names].notna().all(axis=1)]
    complete = rows.groupby(table.id_name, sort=False).size()
    complete = complete.index[complete.to_numpy() == steps]
    return rows[rows[table.id_name].isin(complete)][
        [table.id_name, table.time_name, *future_names]
    ]


def _forecast_part(
    model, start, future_rows, table, cutoff, *, steps, targets, covariates, **options
):
    """The forecasts from ``cutoff`` of the series in ``start`` (their
    rows up to it), as rows ``(id, time, cutoff, forecast columns)``."""
    import pandas as pd

    id_name, time_name = table.id_name, table.time_name
    codes, keys = pd.factorize(start[id_name], sort=False)
    bounds = np.cumsum(np.bincount(codes))[:-1]
    values = start.drop(columns=[id_name, time_name])
    # A dict panel without times: forecast dates nothing, and returns each
    # series' steps in order, dated here at the panel's frequency.
    if covariates:
        rows = np.split(np.arange(len(values)), bounds)
        history = {
            key: values.iloc[r].reset_index(drop=True)
            for key, r in zip(keys, rows, strict=True)
        }
        future = None
        if future_rows is not None:
            future = {
                key: part.drop(columns=[id_name, time_name]).reset_index(drop=True)
                for key, part in future_rows.groupby(id_name, sort=False)
            }
        columns = list(range(len(targets)))
    else:
        history = dict(zip(keys, np.split(values.to_numpy(float), bounds), strict=True))
        future = None
        columns = [table.columns.index(name) for name in targets]
    forecasts = model.forecast(history, steps, future=future, pad=True, **options)
    predicted, lower, upper = [], [], []
    for key in keys:
        forecast = forecasts[key]
        if isinstance(forecast, tuple):  # numpy, with intervals
            forecast, interval = forecast
            interval = np.asarray(interval).reshape(steps, -1, 2)[:, columns]
            lower.append(interval[..., 0])
            upper.append(interval[..., 1])
        elif hasattr(forecast, "iloc"):
            frame = forecast.to_frame() if forecast.ndim == 1 else forecast
            names = [str(name) for name in targets]
            if options["coverage"] is not None:
                lower.append(frame[[f"{n}_lower" for n in names]].to_numpy())
                upper.append(frame[[f"{n}_upper" for n in names]].to_numpy())
            forecast = frame[names].to_numpy()
        predicted.append(np.asarray(forecast).reshape(steps, -1)[:, columns])
    ids = np.empty(len(keys) * steps, dtype=object)
    ids[:] = [key for key in keys for _ in range(steps)]
    part = pd.DataFrame(
        {
            id_name: ids,
            time_name: cutoff + np.tile(np.arange(1, steps + 1), len(keys)),
            "cutoff": cutoff,
        }
    )
    for j, name in enumerate(targets):
        suffix = "forecast" if len(targets) == 1 else f"{name}_forecast"
        part[suffix] = np.concatenate(predicted)[:, j]
        if lower:
            part[f"{suffix}_lower"] = np.concatenate(lower)[:, j]
            part[f"{suffix}_upper"] = np.concatenate(upper)[:, j]
    return part


def _refit_at(refit, j):
    if refit is True:
        return True
    if refit is False:
        return j == 0
    return j % refit == 0


@validate_params(
    {
        "estimator": [HasMethods(["fit", "forecast"])],
        "data": "no_validation",
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "steps": [Interval(Integral, 1, None, closed="left")],
        "n_windows": [Interval(Integral, 1, None, closed="left")],
        "step_size": [None, Interval(Integral, 1, None, closed="left")],
        "refit": ["boolean", Interval(Integral, 1, None, closed="left")],
        "id_col": "no_validation",
        "time_col": "no_validation",
        "target": [None, Integral, str, list, tuple],
        "future": [None, Integral, str, list, tuple],
        "static": "no_validation",
        "coverage": [None, Interval(Real, 0, 1, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def backtest(
    estimator,
    data,
    *,
    window,
    horizon,
    steps,
    n_windows,
    step_size=None,
    refit=True,
    id_col=None,
    time_col=None,
    target=None,
    future=None,
    static=None,
    coverage=None,
):
    """Forecast from each of the last ``n_windows`` origins of a series or a
    panel, with a model fitted on the data up to each origin.

    The *origins* (cutoffs) are times on the panel's time axis: the last
    one is ``steps`` time steps before the panel's last time, and the
    others ``step_size`` steps apart before it, so that the forecasts from
    the last origin end at the panel's last time (statsforecast's
    ``cross_validation(df, h=steps, n_windows, step_size)``). A time step
    is one step of the panel's frequency (a date or period frequency, or
    the spacing of numeric times); times are matched by value, so a series
    may start late, end early or miss times. Series without times (numpy
    arrays, a pandas object with a ``RangeIndex``, a long DataFrame without
    ``time_col``) all end at the panel's last time, as
    :func:`~skrnn.make_windows` orders them, and their times are the
    integers ``0, 1, ...`` of that axis.

    At each origin, a clone of ``estimator`` is fitted on
    ``make_windows(data up to the origin, window, horizon, ...)``: every
    window whose targets all lie at or before the origin. Its scaling,
    validation tail and early stopping see nothing after the origin. The
    model then forecasts ``steps`` values from the origin, every series at
    once, with ``forecast``: each series that has a value at the origin
    and no missing value in the window that ends there (the others are
    left out at that origin); a series shorter than the window is padded
    as ``forecast(..., pad=True)`` pads it. With future-known covariates,
    their values at the forecast's times come from ``data`` (a series
    without all of them is left out). Nothing after an origin reaches
    what is forecast from it, but those future-known values.

    Parameters
    ----------
    estimator : forecaster
        An unfitted forecaster (``RNNForecaster``, ``LSTMForecaster``,
        ``GRUForecaster`` or one with the same ``fit`` and ``forecast``);
        it is cloned, never fitted itself.
    data : array-like, pandas object, list, dict or long DataFrame
        One series or a panel, as :func:`~skrnn.make_windows` takes them.
    window, horizon : int
        The windows the models are fitted on (see
        :func:`~skrnn.make_windows`).
    steps : int
        Number of values forecast from each origin.
    n_windows : int
        Number of origins.
    step_size : int, default=None
        Time steps between two origins; ``None`` means ``steps``, so the
        forecast periods follow one another without overlap.
    refit : bool or int, default=True
        ``True`` fits a model at every origin; ``False`` fits one at the
        first origin and forecasts from every origin with it (one fit, one
        batched forecast per origin); an integer ``k`` fits at every
        ``k``-th origin, starting with the first.
    id_col, time_col : hashable, default=None
        For a long DataFrame: the column naming each row's series and the
        one holding its times (dates, periods or numbers).
    target, future, static : default=None
        As for :func:`~skrnn.make_windows`: the column(s) to forecast, the
        future-known covariates and the static ones (column names, or a
        table with one row per series).
    coverage : float in (0, 1), default=None
        Also give ``forecast``'s conformal intervals of this coverage.

    Returns
    -------
    result : DataFrame
        One row per series, origin and forecast time, in this order, with
        the columns: the id
        column for a panel (``id_col``, or ``"unique_id"`` holding the list
        positions or dict keys), the time column (``time_col``, the index's
        name or ``"ds"``), ``cutoff`` (the origin's time), the target
        column holding the true value (NaN where ``data`` has none),
        ``forecast`` and, with ``coverage``, ``forecast_lower`` and
        ``forecast_upper``. With several targets, each target column is
        followed by its own ``<target>_forecast`` (``_lower``, ``_upper``)
        columns.

    See Also
    --------
    ForecastOriginSplit : The same origins as a splitter of windows, for
        ``GridSearchCV`` and ``cross_validate``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import GRUForecaster
    >>> from skrnn.model_selection import backtest
    >>> series = np.sin(np.arange(120) / 4)
    >>> model = GRUForecaster(units=4, epochs=1, random_state=0)
    >>> result = backtest(model, series, window=12, horizon=1, steps=3,
    ...                   n_windows=2, refit=False)
    >>> result[["ds", "cutoff"]].to_numpy().T
    array([[114, 115, 116, 117, 118, 119],
           [113, 113, 113, 116, 116, 116]])
    >>> list(result.columns)
    ['ds', 'cutoff', 'y', 'forecast']
    >>> bool(np.allclose(result["y"], series[-6:]))
    True
    """
    table = read_table(data, id_col=id_col, time_col=time_col)
    targets = _target_names(target, table.columns)
    future_names = _column_names("future", future, table.columns)
    static_names = _column_names("static", static, table.columns)
    if future is None and static is None and len(targets) != len(table.columns):
        others = [c for c in table.columns if c not in targets]
        raise ValueError(
            f"target={target!r} leaves the value columns {others} unforecast: "
            "forecast feeds a model's forecasts back into every column it "
            "reads. Declare them covariates (future=, static=), make them "
            "targets too, or drop them from data."
        )
    step_size = steps if step_size is None else step_size
    cutoffs = _cutoffs(
        table,
        window=window,
        horizon=horizon,
        steps=steps,
        n_windows=n_windows,
        step_size=step_size,
    )
    inputs = [c for c in table.columns if c not in static_names]
    static_table = static if hasattr(static, "columns") else None
    if static_table is not None and id_col is not None and id_col in static.columns:
        static_table = static.set_index(id_col)
    id_name, time_name = table.id_name, table.time_name
    frame = table.frame
    model, parts = None, []
    for j, cutoff in enumerate(cutoffs):
        history = frame[frame[time_name] <= cutoff]
        if _refit_at(refit, j):
            X, y = make_windows(
                history,
                window,
                horizon,
                id_col=id_name,
                time_col=time_name,
                target=target,
                future=future,
                static=static,
            )
            model = clone(estimator).fit(X, y)
        start = _forecastable(history, table, cutoff, window, inputs)
        future_rows = None
        if future_names:
            future_rows = _future_rows(
                table, start[id_name].unique(), cutoff, steps, future_names
            )
            start = start[start[id_name].isin(future_rows[id_name])]
        if start.empty:
            continue
        parts.append(
            _forecast_part(
                model,
                start,
                future_rows,
                table,
                cutoff,
                steps=steps,
                targets=targets,
                covariates=future is not None or static is not None,
                static=static_table,
                coverage=coverage,
            )
        )
    return _result(table, parts, targets, coverage)


def _result(table, parts, targets, coverage):
    """The forecasts of every origin beside the true values, in the data's
    times."""
    import pandas as pd

    id_name, time_name = table.id_name, table.time_name
    suffixes = ["forecast"] if len(targets) == 1 else [f"{t}_forecast" for t in targets]
    if coverage is not None:
        suffixes = [f"{s}{end}" for s in suffixes for end in ("", "_lower", "_upper")]
    if not parts:
        result = pd.DataFrame(columns=[id_name, time_name, "cutoff", *suffixes])
    else:
        result = pd.concat(parts, ignore_index=True)
        # Series in the data's order, then origins, then times.
        series = pd.Index(table.frame[id_name].unique()).get_indexer(result[id_name])
        order = np.lexsort((result[time_name], result["cutoff"], series))
        result = result.iloc[order].reset_index(drop=True)
    truth = table.frame[[id_name, time_name, *targets]]
    result = result.merge(truth, on=[id_name, time_name], how="left")
    columns = [id_name, time_name, "cutoff"]
    for name in targets:
        own = [s for s in suffixes if len(targets) == 1 or s.startswith(f"{name}_")]
        columns += [name, *own]
    result = result[columns]
    result[time_name] = table.times(result[time_name].to_numpy())
    result["cutoff"] = table.times(result["cutoff"].to_numpy())
    if table.single:
        result = result.drop(columns=id_name)
    return result
