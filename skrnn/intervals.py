"""Check, before a fit, that a history can calibrate forecast intervals.

``forecast(history, steps, coverage=...)`` calibrates its intervals on the
errors of forecasts from the last origins of each series, and refuses a
history that gives too few of them: after the fit.
:func:`check_interval_history` raises the same error from the history
alone, so a long fit is not wasted (the ``skrnn`` command checks its input
with it).
"""

import numpy as np

from skrnn._calibration import (
    calibration_counts,
    check_calibration,
    origins_per_series,
)
from skrnn._panel import as_panel, is_panel


def check_interval_history(
    history,
    *,
    window,
    steps,
    coverage,
    validation_fraction=0.1,
    target=None,
    id_col=None,
    time_col=None,
):
    """Refuse a history too short to calibrate ``forecast``'s intervals.

    The intervals of ``forecast`` are calibrated on the known errors, at
    each lead, of forecasts from the last origins of the history's series
    (each series' share of at least 50 and at most 1,000 origins, or
    ``validation_fraction * len(series)`` of them between the two): a
    ``coverage`` interval needs enough of them at every lead. This counts
    them as ``forecast`` does, without a model, so that a history too short
    is refused before the fit rather than after it.

    Parameters
    ----------
    history : array-like, pandas Series or DataFrame, or a panel
        What ``forecast`` would be given: one series, or a list or dict of
        series, or a long DataFrame with ``id_col`` (and ``time_col``).
        Missing values (NaN) give no error where they fall.
    window : int
        The model's window: the past values each forecast starts from.
    steps : int
        The number of values to forecast.
    coverage : float in (0, 1)
        The coverage of the interval.
    validation_fraction : float, default=0.1
        The forecaster's ``validation_fraction``: with a long history, that
        fraction of the last origins calibrates.
    target : hashable, default=None
        The column whose forecast errors count, for a history with several
        columns; by default its only (value) column.
    id_col, time_col : hashable, default=None
        For a long DataFrame: the column naming each row's series and the
        one that orders its rows.

    Returns
    -------
    counts : ndarray of shape (steps,)
        The known errors at each lead, of all the series together.

    Raises
    ------
    ValueError
        When some lead has too few errors, naming the fixes that work: a
        longer history, fewer steps or a lower coverage.

    See Also
    --------
    skrnn.LSTMForecaster.forecast : Forecasts with these intervals.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.intervals import check_interval_history
    >>> check_interval_history(np.arange(100.0), window=10, steps=3, coverage=0.9)
    array([52, 51, 50])
    >>> check_interval_history(np.arange(15.0), window=5, steps=10, coverage=0.9)
    Traceback (most recent call last):
    ...
    ValueError: history is too short to calibrate a 90% interval 10 step(s) ahead: ...
    """
    single = not is_panel(history, id_col)
    panel = as_panel(
        [history] if single else history,
        id_col=id_col,
        time_col=time_col,
        categories={},
    )
    if target is None and panel.n_features > 1:
        raise ValueError(
            f"history has {panel.n_features} columns: pass target= the one "
            "whose forecast errors calibrate the interval."
        )
    if target is None:
        column = 0
    elif panel.columns is not None and target in panel.columns:
        column = panel.columns.index(target)
    else:
        raise ValueError(
            f"target={target!r} is not a column of history; its columns are "
            f"{panel.columns}."
        )
    fewest, most = origins_per_series(len(panel), coverage)
    # Series whose last window is flat calibrate apart, as forecast does.
    flat = [np.std(values[-window:, column]) == 0 for values in panel.values]
    fewest_flat = origins_per_series(max(sum(flat), 1), coverage)[0]
    counts = sum(
        calibration_counts(
            values[:, [column]],
            window,
            steps,
            coverage,
            validation_fraction,
            min_origins=fewest_flat if series_flat else fewest,
            max_origins=most,
        )[1]
        for values, series_flat in zip(panel.values, flat, strict=True)
    )
    check_calibration(counts, coverage, window, steps)
    return counts
