"""Plots of forecasts, training curves and learning-rate sweeps (matplotlib).

matplotlib is an optional dependency: ``pip install skrnn[plot]``. It is
imported when a function here is first called, not when this module is.
"""

import contextlib
import warnings
from collections.abc import Mapping
from numbers import Integral

import numpy as np

__all__ = ["plot_backtest", "plot_forecast", "plot_history", "plot_lr_find"]


def _axes(ax):
    """``ax``, or the Axes of a new figure; a clear ImportError without matplotlib."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "skrnn.plotting needs matplotlib: pip install skrnn[plot]"
        ) from error
    _, ax = plt.subplots(figsize=(9, 4.5))
    return ax


@contextlib.contextmanager
def _pandas_converters(*indexes):
    """Draw dates as pandas does, if any of ``indexes`` holds dates.

    pandas plots dates with its own matplotlib converters; an Axes whose
    dates matplotlib converted makes a later ``series.plot(ax=ax)`` warn
    that "this axis already has a converter". Registered for the block
    only, as pandas itself does, so the user's settings stay as they were.
    """
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is None or not any(
        index is not None and pd.api.types.is_datetime64_any_dtype(index)
        for index in indexes
    ):
        yield
        return
    import matplotlib.units as munits

    saved = dict(munits.registry)
    pd.plotting.register_matplotlib_converters()
    try:
        yield
    finally:
        munits.registry.clear()
        munits.registry.update(saved)


def _is_pandas(obj):
    return hasattr(obj, "index") and hasattr(obj, "to_numpy")


def _as_1d(values, name):
    """A float 1-D array from a 1-D (or single-column) array-like."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must hold one series (shape (n,) or (n, 1)); got shape "
            f"{array.shape}. Plot one target at a time, e.g. {name}[:, 0]."
        )
    return array


def _future_index(index, steps):
    """``steps`` positions continuing ``index`` at its frequency or last step."""
    freq = getattr(index, "freq", None)
    if freq is None and hasattr(index, "inferred_freq") and len(index) >= 3:
        import pandas as pd

        with warnings.catch_warnings():
            # pandas 3 warns that inferred_freq will become an offset.
            warnings.simplefilter("ignore", DeprecationWarning)
            freq = index.inferred_freq
        freq = None if freq is None else pd.tseries.frequencies.to_offset(freq)
    if freq is not None:
        import pandas as pd

        return pd.date_range(index[-1], periods=steps + 1, freq=freq)[1:]
    step = index[-1] - index[-2] if len(index) >= 2 else 1
    return [index[-1] + step * k for k in range(1, steps + 1)]


def _split_forecast(forecast, interval):
    """(values, x or None, interval (steps, 2) or None, name) from any forecast form.

    Accepts what ``forecast`` returns: an array, a ``(y_pred, y_interval)``
    tuple, a pandas Series, or a DataFrame with ``name``, ``name_lower`` and
    ``name_upper`` columns.
    """
    if isinstance(forecast, tuple):
        if len(forecast) != 2 or interval is not None:
            raise ValueError(
                "forecast may be a (y_pred, y_interval) tuple, as returned by "
                "forecast(..., coverage=...); then leave interval=None."
            )
        forecast, interval = forecast
    name = None
    x = None
    if _is_pandas(forecast):
        x = forecast.index
        if hasattr(forecast, "columns"):
            columns = [str(c) for c in forecast.columns]
            lower = [c for c in columns if c.endswith("_lower")]
            upper = [c for c in columns if c.endswith("_upper")]
            values = [c for c in columns if c not in lower + upper]
            if len(values) != 1 or len(lower) > 1 or len(upper) > 1:
                raise ValueError(
                    "forecast as a DataFrame must have one value column and at "
                    "most one '<name>_lower' and one '<name>_upper' column, as "
                    f"forecast(..., coverage=...) returns; got columns {columns}."
                )
            frame = forecast.set_axis(columns, axis=1)
            if lower and upper:
                if interval is not None:
                    raise ValueError(
                        "forecast already holds interval columns; leave interval=None."
                    )
                interval = frame[[lower[0], upper[0]]].to_numpy(dtype=float)
            name = values[0]
            forecast = frame[name]
        else:
            name = forecast.name
    values = _as_1d(forecast, "forecast")
    if interval is not None:
        interval = np.asarray(interval, dtype=float)
        if interval.ndim == 3 and interval.shape[1] == 1:
            interval = interval[:, 0, :]
        if interval.shape != (len(values), 2):
            raise ValueError(
                f"interval must have shape (steps, 2) = ({len(values)}, 2), the "
                f"lower and upper bound of each forecast; got {interval.shape}."
            )
    return values, x, interval, name


def _history_series(history, name):
    """(x, values) of the series to draw as history."""
    if hasattr(history, "columns"):
        columns = list(history.columns)
        if name in columns:
            history = history[name]
        elif len(columns) == 1:
            history = history[columns[0]]
        else:
            raise ValueError(
                f"history has columns {columns}; pass the target column, e.g. "
                f"history[{columns[0]!r}]."
            )
    values = _as_1d(history, "history")
    x = history.index if _is_pandas(history) else np.arange(len(values))
    return x, values


# History drawn by default: this many times the forecast's length (at
# least _MIN_HISTORY values), so the forecast is not a sliver at the edge.
_HISTORY_PER_STEP = 4
_MIN_HISTORY = 24


def plot_forecast(
    history,
    forecast,
    interval=None,
    *,
    actual=None,
    n_history="auto",
    ax=None,
    title=None,
):
    """Plot a series, its forecast and the forecast's prediction interval.

    Parameters
    ----------
    history : array-like of shape (n,), pandas Series or DataFrame
        The observed series. A DataFrame is reduced to the forecast's column
        (or its only column).
    forecast : array-like of shape (steps,), tuple, pandas Series or DataFrame
        The forecast, in any form :meth:`~skrnn.LSTMForecaster.forecast`
        returns: an array, a ``(y_pred, y_interval)`` tuple, a Series, or a
        DataFrame with columns ``name``, ``name_lower`` and ``name_upper``.
        A numpy forecast is drawn right after the history (at the positions
        that continue its index, for pandas history).
    interval : array-like of shape (steps, 2), default=None
        Lower and upper bounds, drawn as a shaded band. Leave it None when
        ``forecast`` already carries them.
    actual : array-like of shape (steps,) or pandas Series, default=None
        The values that really followed, to compare with the forecast.
    n_history : int, "auto" or "all", default="auto"
        How many of the last values of ``history`` to draw. ``"auto"`` draws
        four times as many as the forecast has (at least 24), so that a
        short forecast after a long history is not a sliver at the right
        edge; ``"all"`` draws the whole history.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure if None.
    title : str, default=None
        The Axes title.

    Returns
    -------
    ax : matplotlib Axes
        ``ax.lines`` holds history, forecast and (if given) actual, in that
        order; the band is ``ax.collections[0]``.

    See Also
    --------
    plot_history : Training and validation loss by epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.plotting import plot_forecast
    >>> y_pred = np.array([5.0, 6.0])
    >>> bounds = np.array([[4.0, 6.0], [4.5, 7.5]])
    >>> ax = plot_forecast(np.arange(5.0), y_pred, bounds)
    >>> ax.lines[1].get_xydata()
    array([[5., 5.],
           [6., 6.]])
    """
    values, x, interval, name = _split_forecast(forecast, interval)
    history_x, history_values = _history_series(history, name)
    if x is None:
        if _is_pandas(history):
            x = _future_index(history_x, len(values))
        else:
            x = np.arange(len(history_values), len(history_values) + len(values))
    shown = _n_history(n_history, len(values))
    if shown is not None:
        history_x, history_values = history_x[-shown:], history_values[-shown:]
    actual_x = None
    if actual is not None:
        actual_x = actual.index if _is_pandas(actual) else x
        actual = _as_1d(actual, "actual")
        if len(actual_x) != len(actual):
            raise ValueError(
                f"actual has {len(actual)} values but the forecast has "
                f"{len(values)}; pass the values at the forecast's dates, or a "
                "pandas Series with its own index."
            )
    ax = _axes(ax)
    with _pandas_converters(history_x, x, actual_x):
        ax.plot(history_x, history_values, color="C0", label="history")
        ax.plot(x, values, color="C1", label="forecast")
        if interval is not None:
            ax.fill_between(
                x,
                interval[:, 0],
                interval[:, 1],
                color="C1",
                alpha=0.25,
                linewidth=0,
                label="prediction interval",
            )
        if actual is not None:
            ax.plot(actual_x, actual, color="C2", linestyle="--", label="actual")
    if name is not None:
        ax.set_ylabel(str(name))
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax


def plot_backtest(result, *, history=None, ax=None, title=None):
    """Plot the forecasts of one series from each cutoff of a backtest,
    against the truth.

    Parameters
    ----------
    result : DataFrame
        The rows of one series from :func:`skrnn.model_selection.backtest`,
        in its column order: the time column, ``cutoff``, the target column
        (the true values), ``forecast`` and, with intervals,
        ``forecast_lower`` and ``forecast_upper``. An id column before them
        is ignored.
    history : pandas Series, default=None
        The series itself, indexed by the same times, drawn as the truth
        from its start; by default the true values of ``result``.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure if None.
    title : str, default=None
        The Axes title.

    Returns
    -------
    ax : matplotlib Axes
        ``ax.lines[0]`` is the truth, then one line per cutoff, oldest
        first; each interval is a band in ``ax.collections``.

    See Also
    --------
    plot_forecast : One forecast after its history.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn.plotting import plot_backtest
    >>> result = pd.DataFrame({"ds": [4, 5, 6, 7], "cutoff": [3, 3, 5, 5],
    ...                        "y": [1.0, 2.0, 3.0, 4.0],
    ...                        "forecast": [1.5, 2.5, 2.5, 3.5]})
    >>> ax = plot_backtest(result)
    >>> [line.get_label() for line in ax.lines]
    ['truth', 'from 3', 'from 5']
    """
    if not hasattr(result, "columns") or not {"cutoff", "forecast"} <= set(
        result.columns
    ):
        raise ValueError(
            "result must be a DataFrame from skrnn.model_selection.backtest, "
            "with 'cutoff' and 'forecast' columns; select one series' rows."
        )
    columns = list(result.columns)
    at = columns.index("cutoff")
    time_col, target = columns[at - 1], columns[at + 1]
    if history is None:
        truth = result.drop_duplicates(time_col).sort_values(time_col)
        history = truth.set_index(time_col)[target]
    ax = _axes(ax)
    history_x = _timestamps(history.index)
    with _pandas_converters(history_x, _timestamps(result[time_col])):
        ax.plot(history_x, history.to_numpy(), color="black", label="truth")
        for k, (cutoff, rows) in enumerate(result.groupby("cutoff", sort=True)):
            color, x = f"C{k % 10}", _timestamps(rows[time_col])
            ax.plot(x, rows["forecast"], color=color, label=f"from {cutoff}")
            if "forecast_lower" in rows:
                bounds = rows["forecast_lower"], rows["forecast_upper"]
                ax.fill_between(x, *bounds, color=color, alpha=0.2, linewidth=0)
    ax.set_ylabel(str(target))
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax


def _timestamps(times):
    """Periods as timestamps (matplotlib draws no periods); others as they are."""
    import pandas as pd

    if isinstance(getattr(times, "dtype", None), pd.PeriodDtype):
        return pd.PeriodIndex(times).to_timestamp()
    return times


def _n_history(n_history, steps):
    """The number of history values ``n_history`` stands for (None: all)."""
    if isinstance(n_history, str) and n_history == "auto":
        return max(_HISTORY_PER_STEP * steps, _MIN_HISTORY)
    if isinstance(n_history, str) and n_history == "all":
        return None
    if isinstance(n_history, Integral) and not isinstance(n_history, bool):
        if n_history >= 1:
            return int(n_history)
    raise ValueError(
        f"n_history must be an int >= 1, 'auto' or 'all', got {n_history!r}."
    )


def plot_history(history, *, ax=None):
    """Plot the training loss and, if there is one, the validation loss.

    Parameters
    ----------
    history : fitted forecaster or dict
        A fitted forecaster, or its ``history_`` dict with a ``"loss"`` list
        and optionally a ``"val_loss"`` list (one value per epoch).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib Axes
        ``ax.lines[0]`` is the training loss, ``ax.lines[1]`` the validation
        loss. The y-axis is logarithmic when the losses span more than a
        factor of 10.

    See Also
    --------
    plot_lr_find : Loss against learning rate in a learning-rate sweep.

    Examples
    --------
    >>> from skrnn.plotting import plot_history
    >>> ax = plot_history({"loss": [4.0, 2.0, 1.0], "val_loss": [5.0, 3.0, 2.5]})
    >>> ax.lines[1].get_ydata()
    array([5. , 3. , 2.5])
    """
    if not isinstance(history, Mapping):
        fitted = getattr(history, "history_", None)
        if fitted is None:
            raise ValueError(
                "plot_history needs a fitted forecaster or its history_ dict; "
                f"got {type(history).__name__} without history_. Call fit first."
            )
        history = fitted
    if "loss" not in history:
        raise ValueError(
            "history must have a 'loss' list (one value per epoch); got keys "
            f"{sorted(history)}."
        )
    ax = _axes(ax)
    curves = {"loss": "training loss", "val_loss": "validation loss"}
    plotted = []
    for key, label in curves.items():
        if key in history:
            values = np.asarray(history[key], dtype=float)
            ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=label)
            plotted.append(values[np.isfinite(values)])
    values = np.concatenate(plotted)
    if values.size and values.min() > 0 and values.max() > 10 * values.min():
        ax.set_yscale("log")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend(loc="best")
    return ax


def plot_lr_find(result, *, ax=None):
    """Plot the loss of a learning-rate sweep against the learning rate.

    Parameters
    ----------
    result : learning-rate sweep result or dict
        What :meth:`~skrnn.LSTMForecaster.find_learning_rate` returns: an
        object (or dict) with ``lrs`` and ``losses`` (1-D, same length) and
        ``suggestion`` (a learning rate, or None).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib Axes
        Logarithmic learning-rate axis; ``ax.lines[0]`` is the loss curve,
        ``ax.lines[1]`` the marker at the suggested learning rate. Losses
        more than twice the first loss (the divergence at the end of a
        sweep) are cut off the y-range.

    See Also
    --------
    plot_history : Training and validation loss by epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.plotting import plot_lr_find
    >>> result = {"lrs": np.logspace(-6, -2, 5),
    ...           "losses": np.array([3.0, 2.5, 1.0, 0.8, 9.0]),
    ...           "suggestion": 1e-4}
    >>> ax = plot_lr_find(result)
    >>> ax.get_xscale(), ax.lines[1].get_xydata()
    ('log', array([[1.e-04, 1.e+00]]))
    """

    def field(key):
        if isinstance(result, Mapping):
            return result.get(key)
        return getattr(result, key, None)

    lrs = _as_1d(field("lrs"), "lrs") if field("lrs") is not None else None
    losses = _as_1d(field("losses"), "losses") if field("losses") is not None else None
    if lrs is None or losses is None or len(lrs) != len(losses) or not len(lrs):
        raise ValueError(
            "result must have non-empty 'lrs' and 'losses' of the same length, "
            "as find_learning_rate returns."
        )
    suggestion = field("suggestion")
    ax = _axes(ax)
    ax.plot(lrs, losses, color="C0", label="loss")
    finite = np.isfinite(losses)
    if suggestion is not None and finite.any():
        order = np.argsort(lrs[finite])
        loss_at = np.interp(
            np.log(suggestion),
            np.log(lrs[finite][order]),
            losses[finite][order],
        )
        ax.plot(
            [suggestion],
            [loss_at],
            marker="o",
            markersize=8,
            color="C3",
            linestyle="none",
            label=f"suggestion: {suggestion:.2g}",
        )
    ax.set_xscale("log")
    if finite.any():
        shown = losses[finite]
        top = min(shown.max(), 2 * abs(shown[0])) if shown[0] != 0 else shown.max()
        bottom = shown.min()
        margin = 0.05 * (top - bottom) or 0.05 * abs(top) or 1.0
        ax.set_ylim(bottom - margin, top + margin)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    ax.legend(loc="best")
    return ax
