"""Helpers of ``forecast`` and ``predict_interval``: the checks of their
arguments and split-conformal interval widths. Reading the histories and
dating the forecasts is :mod:`skrnn._histories`."""

import math
from numbers import Integral, Real

import numpy as np

# _base imports is_pandas from here.
from skrnn._panel import is_pandas  # noqa: F401

# Forecast origins (at least) whose errors calibrate forecast intervals.
MIN_CALIBRATION_ORIGINS = 50


def check_steps(steps):
    """``steps`` as an int >= 1."""
    if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 1:
        raise ValueError(
            f"steps must be an int >= 1 (the number of values to forecast), "
            f"got {steps!r}."
        )
    return int(steps)


def check_coverage(coverage):
    """``coverage`` as a float strictly between 0 and 1."""
    if (
        not isinstance(coverage, Real)
        or isinstance(coverage, bool)
        or not 0 < coverage < 1
    ):
        raise ValueError(
            f"coverage must be a float strictly between 0 and 1 (e.g. 0.9 for "
            f"a 90% interval), got {coverage!r}."
        )
    return float(coverage)


def min_residuals(coverage):
    """Fewest residuals a split-conformal interval of ``coverage`` needs:
    the smallest ``n`` with ``ceil((n + 1) coverage) <= n``."""
    n = max(1, math.floor(coverage / (1 - coverage)) - 1)
    while math.ceil((n + 1) * coverage) > n:
        n += 1
    return n


def _max_coverage(n_residuals):
    """The largest coverage, in whole percent, that ``n_residuals`` calibrate."""
    return math.floor(100 * n_residuals / (n_residuals + 1)) / 100


def check_residuals(n_residuals, coverage):
    """Refuse to calibrate ``predict_interval`` on too few validation
    residuals, naming fixes that work."""
    needed = min_residuals(coverage)
    if n_residuals >= needed:
        return
    raise ValueError(
        f"A {coverage:.0%} interval needs at least {needed} validation "
        f"residuals, but this forecaster has {n_residuals}: lower the coverage "
        f"(coverage={_max_coverage(n_residuals)} works) or refit with a larger "
        "validation_fraction or more windows."
    )


def calibration_counts(
    values,
    timesteps,
    steps,
    coverage,
    validation_fraction,
    *,
    min_origins=MIN_CALIBRATION_ORIGINS,
):
    """Origins whose forecasts calibrate ``forecast``'s intervals, and the
    number of known errors they give at each lead.

    The origins are the last ``max(min_origins, validation_fraction *
    len(values))`` time steps before each lead's target leaves ``values``
    (for one series, at least as many as ``coverage`` needs), after the
    first window. A forecast from an origin whose window has NaN, or of a
    NaN value, gives no error.

    Parameters
    ----------
    values : ndarray of shape (n, n_features)
    timesteps : int
    steps : int
    coverage : float
    validation_fraction : float
    min_origins : int, default=50
        Fewer suffice per series of a panel, whose errors calibrate together.

    Returns
    -------
    origins : ndarray of int
        Time steps at which a forecast starts (its window ends before).
    counts : ndarray of int of shape (steps,)
        Known errors at each lead.
    """
    n_values = len(values)
    n_calibration = max(
        min_origins,
        min_residuals(coverage) if min_origins >= MIN_CALIBRATION_ORIGINS else 1,
        int(validation_fraction * n_values),
    )
    first = max(timesteps, n_values - n_calibration - steps + 1)
    origins = np.arange(first, n_values)
    missing = np.isnan(values).any(axis=1)
    n_missing = np.concatenate([[0], np.cumsum(missing)])
    window_known = n_missing[origins] == n_missing[origins - timesteps]
    counts = np.zeros(steps, dtype=int)
    for lead in range(steps):
        targets = origins + lead
        inside = targets < n_values
        known = window_known[inside] & ~missing[targets[inside]]
        counts[lead] = known.sum()
    return origins, counts


def too_short_to_calibrate(counts, coverage, timesteps):
    """Why ``counts`` cannot calibrate a ``coverage`` interval, and the fixes.

    Returns
    -------
    None, or a dict with ``lead`` (the first lead, from 1, with too few
    errors), ``n_errors`` (its count), ``needed``, ``min_length`` (a history
    without gaps this long suffices), ``max_steps`` (fewer steps that
    suffice, or None) and ``max_coverage`` (a coverage that suffices, or
    None).
    """
    needed = min_residuals(coverage)
    short = np.flatnonzero(counts < needed)
    if not len(short):
        return None
    lead = int(short[0])
    max_coverage = _max_coverage(int(counts.min()))
    return {
        "lead": lead + 1,
        "n_errors": int(counts[lead]),
        "needed": needed,
        "min_length": timesteps + len(counts) + needed - 1,
        "max_steps": lead if lead >= 1 else None,
        "max_coverage": max_coverage if max_coverage > 0 else None,
    }


def _one_of(fixes):
    """``"a, b or c"``."""
    return fixes[0] if len(fixes) == 1 else f"{', '.join(fixes[:-1])} or {fixes[-1]}"


def check_calibration(counts, coverage, timesteps, steps):
    """Refuse a history too short to calibrate ``forecast``'s intervals
    (see :func:`calibration_counts`), naming fixes that work."""
    short = too_short_to_calibrate(counts, coverage, timesteps)
    if short is None:
        return
    fixes = [
        f"pass a longer history (at least {short['min_length']} values without gaps)"
    ]
    if short["max_steps"] is not None:
        fixes.append(f"forecast fewer steps (steps={short['max_steps']})")
    if short["max_coverage"] is not None:
        fixes.append(f"lower the coverage (coverage={short['max_coverage']})")
    raise ValueError(
        f"history is too short to calibrate a {coverage:.0%} interval "
        f"{steps} step(s) ahead: the forecasts from its last origins have "
        f"{short['n_errors']} known error(s) {short['lead']} step(s) ahead, "
        f"and a {coverage:.0%} interval needs {short['needed']}. To forecast "
        f"with intervals, {_one_of(fixes)}."
    )


def feedback_model(model, chunk, order, bounds):
    """``model`` with its outputs put in input-feature order and clipped to
    ``bounds``: what the forecast loop feeds back into the windows.

    Parameters
    ----------
    model : keras.Model
        Maps windows to ``chunk * n_targets`` flattened outputs.
    chunk : int
        Time steps per output.
    order : ndarray of int of shape (n_features,)
        ``outputs[..., order]`` of each time step are features 0, 1, ...
    bounds : (float, float) or None
        From :func:`skrnn._bounds.check_bounds`.

    Returns
    -------
    keras.Model
        ``model`` itself when there is nothing to reorder or clip.
    """
    import keras

    n_features = len(order)
    identity = np.array_equal(order, np.arange(n_features))
    if identity and bounds is None:
        return model
    windows = keras.Input(shape=model.input_shape[1:], name="windows")
    outputs = model(windows)
    if not identity:
        flat = (np.arange(chunk)[:, None] * n_features + order[None, :]).ravel()
        outputs = keras.ops.take(outputs, flat.tolist(), axis=-1)
    if bounds is not None:
        low, high = bounds
        if np.isfinite(low):
            outputs = keras.ops.maximum(outputs, low)
        if np.isfinite(high):
            outputs = keras.ops.minimum(outputs, high)
    return keras.Model(windows, outputs)


def conformal_width(abs_residuals, coverage):
    """Split-conformal half-width: the ``coverage`` quantile of the absolute
    residuals along axis 0, with the finite-sample correction.

    With ``n`` residuals the quantile is taken at ``ceil((n + 1) coverage) / n``,
    which needs ``n >= coverage / (1 - coverage)`` residuals.
    """
    n = len(abs_residuals)
    level = math.ceil((n + 1) * coverage) / n if n else math.inf
    if level > 1:
        needed = min_residuals(coverage)
        raise ValueError(
            f"A {coverage:.0%} interval needs at least {needed} calibration "
            f"residuals, but there are {n}: lower coverage or calibrate on "
            "more data (a larger validation_fraction or a longer history)."
        )
    return np.quantile(abs_residuals, level, axis=0, method="higher")
