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

from skrnn._forecast import Histories, is_pandas
from skrnn._layout import encode_categories, learn_categories
from skrnn._panel import as_panel, is_panel


def _label(kind, key):
    if kind == "single":
        return "history"
    return f"series {key!r}" if kind != "list" else f"series {key} (position)"


def _category_names(layout):
    return {layout.names[j]: values for j, values in layout.categories.items()}


def read_covariate_histories(history, layout, *, id_col, time_col, pad, static):
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

    if not any(pad is option for option in (True, False)) and pad != "auto":
        raise ValueError(f"pad must be 'auto', True or False, got {pad!r}.")
    single = not is_panel(history, id_col)
    categories = dict(_category_names(layout))
    panel = as_panel(
        [history] if single else history,
        id_col=id_col,
        time_col=time_col,
        categories=categories,
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
    window = layout.window
    inputs = [j for j in range(len(names)) if j not in layout.static]
    for key, series in zip(panel.keys, values, strict=True):
        if np.isnan(series[-window:][:, inputs]).any():
            raise ValueError(
                f"{_label(kind, key)}: its last {window} values (the window the "
                "forecast starts from) contain NaN: fill them first."
            )
    short = [
        _label(kind, key)
        for key, series in zip(panel.keys, values, strict=True)
        if len(series) < window
    ]
    if short and (pad is False or (single and pad == "auto")):
        raise ValueError(
            f"{short[0]} is shorter than the model's window of {window}"
            + (f" ({len(short)} series are)" if len(short) > 1 else "")
            + ": pass a longer history, or pad=True to pad its head with its "
            "first values."
        )
    if short and pad == "auto":
        import warnings

        warnings.warn(
            f"{len(short)} of {len(values)} series are shorter than the model's "
            f"window of {window} (first: {short[0]}): their heads are padded "
            "with their first values. Pass pad=True to silence this.",
            UserWarning,
            stacklevel=4,
        )
    if kind == "long" or panel.times[0] is not None or single and is_pandas(history):
        indexes = list(panel.times)
        if single and indexes[0] is None and is_pandas(history):
            indexes = [history.index]
    else:
        indexes = [None] * len(values)
    target_names = [names[j] for j in layout.targets]
    return Histories(
        values=values,
        indexes=indexes,
        names=[target_names] * len(values),
        kind=kind,
        keys=[None] if single else panel.keys,
        named=panel.columns is not None,
        id_col=panel.id_col,
        time_col=panel.time_col,
    )


def _future_frame(item, names, label, dates, steps):
    """The future-known columns of one series' ``future`` item, as floats
    (categories coded), checked against its forecast ``dates``."""
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
        if len(frame) < steps:
            raise ValueError(
                f"future for {label} has {len(frame)} row(s), fewer than the "
                f"{steps} steps to forecast: give a value of {names} for each."
            )
        if dates is not None and isinstance(
            frame.index, pd.DatetimeIndex | pd.PeriodIndex
        ):
            absent = dates[:steps][~dates[:steps].isin(frame.index)]
            if len(absent):
                raise ValueError(
                    f"future for {label} has no row for {absent[0]} ({len(absent)} "
                    f"of the {steps} forecast dates missing): give the future "
                    "values of every forecast date."
                )
            frame = frame.loc[dates[:steps]]
        return frame
    array = np.asarray(item)
    array = array[:, np.newaxis] if array.ndim == 1 else array
    if array.ndim != 2 or array.shape[1] != len(names):
        raise ValueError(
            f"future for {label} must have shape (steps, {len(names)}) for the "
            f"future-known columns {names}; got {array.shape}."
        )
    return pd.DataFrame(array, columns=names)


def read_future(future, histories, layout, steps, dates, *, id_col, time_col):
    """The future-known values of each series for the forecast, as arrays
    ``(n_steps, n_future)``, ``n_steps`` the chunks' steps (the last given
    row repeated past ``steps``); empty arrays for a model without them."""
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
        if id_col not in future.columns:
            raise ValueError(
                f"future has no id_col={id_col!r} column; its columns are "
                f"{list(future.columns)}."
            )
        if time_col is not None and time_col in future.columns:
            future = future.sort_values([time_col]).set_index(time_col)
        items = dict(tuple(future.groupby(id_col, sort=False)))
    elif isinstance(future, dict):
        items = future
    else:
        items = dict(enumerate(future))
    n_steps = -(-steps // chunk) * chunk
    categories = _category_names(layout)
    arrays = []
    for i, key in enumerate(keys):
        label = _label(kind, key)
        if key not in items:
            raise ValueError(
                f"future has no values for {label}: give every series of the "
                "history its future-known values."
            )
        frame = _future_frame(items[key], names, label, dates[i], steps)
        if len(frame) < steps:
            raise ValueError(
                f"future for {label} has {len(frame)} row(s), fewer than the "
                f"{steps} steps to forecast: give a value of {names} for each."
            )
        frame = encode_categories(frame, learn_categories([frame], dict(categories)))
        values = frame.to_numpy(dtype=np.float64)[:steps]
        if np.isnan(values).any():
            raise ValueError(
                f"future for {label} has missing values in {names}: fill them."
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
