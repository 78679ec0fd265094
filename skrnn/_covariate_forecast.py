"""``forecast`` for models with covariates: histories with their covariates,
the future-known values of the forecast period, and the forecast loop.

A window of such a model holds ``layout.window`` past steps of every
feature and ``layout.horizon`` future steps of the future-known ones. The
forecast loop runs a horizon (a chunk) at a time: the model predicts the
targets of the chunk, they become the newest past values of the next
window, and the future-known values of the next chunk fill its future
steps. Past covariates are not known beyond the origin, so a model that
reads them forecasts one chunk at most. The loop is the one compiled loop
of every model (:func:`skrnn._inference.make_rollout_function`), over
every series at once; this module gives it the windows and their future.
"""

import numpy as np

from skrnn._gaps import time_kind
from skrnn._histories import Histories, check_pad, check_short, is_pandas
from skrnn._layout import (
    encode_categories,
    learn_categories,
    unseen_categories,
    warn_unseen,
)
from skrnn._panel import as_panel, is_panel


def _label(kind, key):
    if kind == "single":
        return "history"
    return f"series {key!r}" if kind != "list" else f"series {key} (position)"


def _category_names(layout):
    return {layout.names[j]: values for j, values in layout.categories.items()}


def read_covariate_histories(
    history, layout, *, id_col, time_col, pad, static, freq=None
):
    """The histories of a covariate model's forecast, every feature of the
    layout in its order (static ones from ``static`` when fitted on a
    table).

    Returns
    -------
    histories : Histories
        With ``values`` holding every feature of the layout and ``names``
        the targets' names.
    """
    from skrnn._windows import _join_static

    check_pad(pad)
    single = not is_panel(history, id_col)
    categories = dict(_category_names(layout))
    panel = as_panel(
        [history] if single else history,
        id_col=id_col,
        time_col=time_col,
        categories=categories,
        freq=freq,
    )
    if static is not None:
        panel, _ = _join_static(panel, static, id_col)
    names = list(layout.names)
    if panel.columns is None:
        if panel.n_features != len(names):
            raise ValueError(
                f"history has {panel.n_features} column(s), but the model reads "
                f"{len(names)}: {names}, in this order."
            )
        columns = list(range(len(names)))
    else:
        available = [str(c) for c in panel.columns]
        missing = [name for name in names if name not in available]
        static_names = layout.names_of(layout.static)
        if missing and static is None and set(missing) <= set(static_names):
            raise ValueError(
                f"history lacks the static covariate(s) {missing}: pass the "
                "table the model was fitted with, forecast(..., static=table)."
            )
        if missing:
            raise ValueError(
                f"history lacks the column(s) {missing} the model reads; it has "
                f"{available}. Pass the columns it was fitted on: targets, past, "
                "future and static covariates."
            )
        columns = [available.index(name) for name in names]
    values = [series[:, columns] for series in panel.values]
    kind = "single" if single else panel.kind
    indexes = list(panel.times)
    if single and indexes[0] is None and is_pandas(history):
        indexes = [history.index]
    elif kind != "long" and panel.times[0] is None:
        indexes = [None] * len(values)
    target_names = [names[j] for j in layout.targets]
    histories = Histories(
        values=values,
        indexes=indexes,
        names=[target_names] * len(values),
        kind=kind,
        keys=[None] if single else panel.keys,
        named=panel.columns is not None,
        id_col=panel.id_col,
        time_col=panel.time_col,
        grid=panel.grid,
    )
    inputs = [j for j in range(len(names)) if j not in layout.static]
    histories.check_last_windows(layout.window, inputs)
    check_short(histories, layout.window, pad, refuse_single=single)
    return histories


def _by_time(index, dates):
    """Whether ``future``'s rows are matched to the forecast ``dates`` by
    time (dates, periods or integer times), not by position."""
    import pandas as pd

    return (
        dates is not None
        and time_kind(index) is not None
        and not isinstance(index, pd.RangeIndex)
    )


def _future_frame(item, names, label, dates, steps):
    """The future-known columns of one series' ``future`` item, its rows
    matched to the forecast ``dates`` by time when it has times."""
    import pandas as pd

    if is_pandas(item):
        frame = item.to_frame() if item.ndim == 1 else item
        missing = [name for name in names if name not in map(str, frame.columns)]
        if missing:
            raise ValueError(
                f"future for {label} lacks the column(s) {missing}; it has "
                f"{[str(c) for c in frame.columns]}."
            )
        frame = frame.rename(columns=str)[names]
        if not _by_time(frame.index, dates) and len(frame) < steps:
            raise ValueError(
                f"future for {label} has {len(frame)} row(s), fewer than the "
                f"{steps} steps to forecast: give a value of {names} for each."
            )
        if _by_time(frame.index, dates):
            if frame.index.has_duplicates:
                repeated = frame.index[frame.index.duplicated()][0]
                raise ValueError(
                    f"future for {label} has the time {repeated} in more than "
                    "one row: give one row per series and forecast time."
                )
            wanted = dates[:steps]
            absent = wanted[~wanted.isin(frame.index)]
            if len(absent):
                raise ValueError(
                    f"future for {label} has no row for {absent[0]} "
                    f"({len(absent)} of the {steps} forecast times missing): "
                    "give the future values of every forecast time; rows are "
                    "matched to the forecast by their time, not their position."
                )
            frame = frame.loc[wanted]
        return frame
    array = np.asarray(item)
    array = array[:, np.newaxis] if array.ndim == 1 else array
    if array.ndim != 2 or array.shape[1] != len(names):
        raise ValueError(
            f"future for {label} must have shape (steps, {len(names)}) for the "
            f"future-known columns {names}; got {array.shape}."
        )
    return pd.DataFrame(array, columns=names)


def _long_future(future, id_col, time_col):
    """A long ``future`` DataFrame as a dict of each series' rows, indexed by
    their times when the history has times."""
    import pandas as pd

    if id_col not in future.columns:
        raise ValueError(
            f"future has no id_col={id_col!r} column; its columns are "
            f"{list(future.columns)}."
        )
    if time_col is not None:
        if time_col not in future.columns:
            raise ValueError(
                f"future has no time_col={time_col!r} column: its rows are "
                "matched to the forecast's times by value, so give each row "
                "its time."
            )
        times = future[time_col]
        if not (
            pd.api.types.is_datetime64_any_dtype(times)
            or isinstance(times.dtype, pd.PeriodDtype)
            or pd.api.types.is_numeric_dtype(times)
        ):
            try:
                future = future.assign(**{time_col: pd.to_datetime(times)})
            except (TypeError, ValueError):
                raise ValueError(
                    f"future's time_col={time_col!r} holds neither dates nor "
                    f"numbers (e.g. {times.iloc[0]!r}): convert it with "
                    "pd.to_datetime."
                ) from None
        future = future.set_index(time_col)
    return dict(tuple(future.groupby(id_col, sort=False)))


def read_future(future, histories, layout, steps, dates, *, id_col, time_col):
    """The future-known values of each series for the forecast, as arrays
    ``(n_steps, n_future)``, ``n_steps`` the chunks' steps (the last given
    row repeated past ``steps``); empty arrays for a model without them.

    Rows with times (dates, periods, integers) are matched to the forecast's
    times by value; a missing or repeated time is refused."""
    import pandas as pd

    names = [layout.names[j] for j in layout.future]
    chunk = layout.horizon
    if not names:
        if future is not None:
            raise ValueError(
                "future= gives future-known covariates, but the model was fitted "
                "without any (make_windows(..., future=[...]))."
            )
        return [np.empty((0, 0))] * len(histories.values)
    if future is None:
        raise ValueError(
            f"The model reads the future-known covariates {names}: pass their "
            "values for the forecast period, forecast(..., future=...)."
        )
    kind, keys = histories.kind, histories.keys
    if kind == "single":
        items = {None: future}
    elif isinstance(future, pd.DataFrame) and id_col is not None:
        items = _long_future(future, id_col, time_col)
    elif isinstance(future, dict):
        items = future
    else:
        items = dict(enumerate(future))
    n_steps = -(-steps // chunk) * chunk
    categories = _category_names(layout)
    frames = []
    for i, key in enumerate(keys):
        label = _label(kind, key)
        if key not in items:
            raise ValueError(
                f"future has no values for {label}: give every series of the "
                "history its future-known values."
            )
        frames.append(_future_frame(items[key], names, label, dates[i], steps))
    unseen = {}
    for frame in frames:
        for name, values in unseen_categories(frame, categories).items():
            unseen.setdefault(name, set()).update(values)
    warn_unseen(unseen, "future")
    arrays = []
    for key, frame in zip(keys, frames, strict=True):
        frame = encode_categories(frame, learn_categories([frame], dict(categories)))
        values = frame.to_numpy(dtype=np.float64)[:steps]
        if np.isnan(values).any():
            first = frame.index[np.flatnonzero(np.isnan(values).any(axis=1))[0]]
            raise ValueError(
                f"future for {_label(kind, key)} has missing values in {names}, "
                f"the first at {first}: fill them."
            )
        tail = np.repeat(values[-1:], n_steps - steps, axis=0)
        arrays.append(np.concatenate([values, tail]))
    return arrays


def extend(histories, layout, future_values, n_steps):
    """Each history followed by its forecast period: the future-known
    values filled in, the targets and past covariates NaN, the static ones
    repeated; the head of a short history padded with its first row.

    Returns ``segments`` of shape ``(n_series, window + n_steps, F)`` that
    start ``layout.window`` steps before the forecast origin.
    """
    window = layout.window
    segments = []
    for series, future in zip(histories.values, future_values, strict=True):
        past = series[-window:]
        if len(past) < window:
            past = np.concatenate([np.repeat(past[:1], window - len(past), 0), past])
        ahead = np.full((n_steps, series.shape[1]), np.nan)
        if layout.future:
            ahead[:, list(layout.future)] = future[:n_steps]
        ahead[:, list(layout.static)] = series[-1, list(layout.static)]
        segments.append(np.concatenate([past, ahead]))
    return np.stack(segments)
