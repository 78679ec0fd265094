"""The calibration of split-conformal forecast intervals: which forecast
origins calibrate them, whether they are enough, and the widths.

``forecast(..., coverage=...)`` forecasts from the last origins of each
series (where the truth is known) and turns the errors, each divided by the
scale of its window, into a half-width per unit of scale at each lead. A
panel's series calibrate together, so each gives a share of a bounded
number of origins; windows that are flat (a constant stretch, whose scale
is a fallback, not a spread) calibrate apart from the others.
"""

import math

import numpy as np

from skrnn._combine import AUTO_CHOICES, combine
from skrnn._validation_split import ValidationSplit

# Forecast origins (at least) whose errors calibrate forecast intervals.
MIN_CALIBRATION_ORIGINS = 50

# Forecast origins (about, per lead) that calibrate the intervals of a
# panel, shared by its series: the quantiles of so many errors are stable,
# and more only cost time and memory.
MAX_CALIBRATION_ORIGINS = 1000


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


def origins_per_series(n_series, coverage):
    """The fewest and the most calibration origins each of ``n_series``
    series gives, so that a panel's errors calibrate a ``coverage``
    interval together without growing with its size.

    Each series gives its share of :data:`MIN_CALIBRATION_ORIGINS` (or of
    the errors ``coverage`` needs, if more) at least, and of
    :data:`MAX_CALIBRATION_ORIGINS` at most.

    Parameters
    ----------
    n_series : int
        Series that calibrate together.
    coverage : float in (0, 1)

    Returns
    -------
    fewest, most : int

    Examples
    --------
    >>> from skrnn._calibration import origins_per_series
    >>> origins_per_series(1, 0.9)
    (50, 1000)
    >>> origins_per_series(2000, 0.9)
    (1, 1)
    >>> origins_per_series(3, 0.99)
    (33, 334)
    """
    needed = max(MIN_CALIBRATION_ORIGINS, min_residuals(coverage))
    fewest = -(-needed // n_series)
    return fewest, max(fewest, -(-MAX_CALIBRATION_ORIGINS // n_series))


def calibration_counts(
    values,
    timesteps,
    steps,
    coverage,
    validation_fraction,
    *,
    min_origins=MIN_CALIBRATION_ORIGINS,
    max_origins=None,
):
    """Origins whose forecasts calibrate ``forecast``'s intervals, and the
    number of known errors they give at each lead.

    The origins are the last ``n = max(min_origins,
    min(validation_fraction * len(values), max_origins))`` time steps
    before each lead's target leaves ``values`` (for one series, at least
    as many as ``coverage`` needs), after the first window: ``n`` whole
    forecasts, then the later origins whose forecasts leave ``values``
    before their last lead, which give more errors at the early leads; at
    most ``max(max_origins, n)`` origins in all, the latest dropped. A
    forecast from an origin whose window has NaN, or of a NaN value, gives
    no error.

    Parameters
    ----------
    values : ndarray of shape (n, n_features)
    timesteps : int
    steps : int
    coverage : float
    validation_fraction : float
    min_origins : int, default=50
        Fewer suffice per series of a panel, whose errors calibrate together
        (see :func:`origins_per_series`).
    max_origins : int, default=None
        The most origins ``validation_fraction`` asks for, and in all (no
        bound if None).

    Returns
    -------
    origins : ndarray of int
        Time steps at which a forecast starts (its window ends before).
    counts : ndarray of int of shape (steps,)
        Known errors at each lead.

    Examples
    --------
    A series of 100 values without gaps, windows of 10, two steps ahead: the
    last 51 origins give 51 errors one step ahead and 50 two steps ahead.

    >>> import numpy as np
    >>> from skrnn._calibration import calibration_counts
    >>> origins, counts = calibration_counts(np.zeros((100, 1)), 10, 2, 0.9, 0.1)
    >>> origins[0], origins[-1], counts
    (np.int64(49), np.int64(99), array([51, 50]))
    """
    n_values = len(values)
    share = int(validation_fraction * n_values)
    if max_origins is not None:
        share = min(share, max_origins)
    n_calibration = max(
        min_origins,
        min_residuals(coverage) if min_origins >= MIN_CALIBRATION_ORIGINS else 1,
        share,
    )
    n_origins = n_calibration + steps - 1
    if max_origins is not None:
        n_origins = min(n_origins, max(max_origins, n_calibration))
    first = max(timesteps, n_values - n_calibration - steps + 1)
    origins = np.arange(first, min(first + n_origins, n_values))
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


def conformal_width(abs_residuals, coverage):
    """Split-conformal half-width: the ``coverage`` quantile of the absolute
    residuals along axis 0, with the finite-sample correction.

    With ``n`` residuals it is the ``ceil((n + 1) coverage)``-th smallest,
    which needs ``n >= coverage / (1 - coverage)`` residuals.

    Examples
    --------
    Of 20 residuals, a 90% interval takes the 19th smallest, a 95% one the
    largest:

    >>> import numpy as np
    >>> from skrnn._calibration import conformal_width
    >>> residuals = np.arange(1.0, 21.0)
    >>> float(conformal_width(residuals, 0.9)), float(conformal_width(residuals, 0.95))
    (19.0, 20.0)
    """
    n = len(abs_residuals)
    rank = math.ceil((n + 1) * coverage)
    if rank > n:
        needed = min_residuals(coverage)
        raise ValueError(
            f"A {coverage:.0%} interval needs at least {needed} calibration "
            f"residuals, but there are {n}: lower coverage or calibrate on "
            "more data (a larger validation_fraction or a longer history)."
        )
    return np.partition(abs_residuals, rank - 1, axis=0)[rank - 1]


def window_scales(windows):
    """Each window's scale per feature, and whether the window is flat.

    Parameters
    ----------
    windows : ndarray of shape (n, timesteps, n_features)

    Returns
    -------
    scale : ndarray of shape (n, n_features)
        The scale :func:`~skrnn._scaling.window_location_scale` gives: the
        standard deviation, or for a flat window its largest absolute value
        (1 for zeros).
    flat : ndarray of bool of shape (n, n_features)
        Whether the scale is that fallback: errors divided by it are not in
        the units of a spread, and calibrate apart.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._calibration import window_scales
    >>> scale, flat = window_scales(np.array([[[5.0], [5.0]], [[1.0], [3.0]]]))
    >>> scale[:, 0], flat[:, 0]
    (array([5., 1.]), array([ True, False]))
    """
    # Imported here: the command line checks histories without Keras.
    from skrnn._scaling import window_location_scale

    scale = window_location_scale(windows)[1]
    return scale, scale != windows.std(axis=1)


def lead_widths(errors, flat, coverage):
    """Half-widths per unit of scale at each lead, for varying and flat
    windows: split-conformal quantiles of the scaled errors of the
    calibration forecasts.

    Each group of windows (varying, flat) gets the ``coverage`` quantile of
    its own absolute errors at each lead, or, where it has fewer than
    ``coverage`` needs, that of all the errors. A later lead is never
    narrower: errors compound with the lead (which also irons out the
    sampling noise between leads).

    Parameters
    ----------
    errors : ndarray of shape (n, steps, n_targets)
        Forecast errors from ``n`` origins, each divided by its window's
        scale (:func:`window_scales`); NaN where unknown. An origin counts
        at a lead where all its targets' errors are known.
    flat : ndarray of bool of shape (n, n_targets)
        Whether each origin's window is flat.
    coverage : float in (0, 1)

    Returns
    -------
    widths : ndarray of shape (2, steps, n_targets)
        ``widths[0]`` for a varying window, ``widths[1]`` for a flat one.

    Examples
    --------
    Twenty forecasts from varying windows miss by 1 to 20 of their scales,
    ten from flat ones by 0.1: a 90% interval is 19 scales wide on either
    side of a varying window's forecast, 0.1 of a flat one's.

    >>> import numpy as np
    >>> from skrnn._calibration import lead_widths
    >>> errors = np.r_[np.arange(1.0, 21.0), np.full(10, -0.1)][:, None, None]
    >>> flat = np.r_[np.zeros(20, bool), np.ones(10, bool)][:, None]
    >>> lead_widths(errors, flat, 0.9)[:, 0, 0]
    array([19. ,  0.1])
    """
    needed = min_residuals(coverage)
    widths = np.empty((2, *errors.shape[1:]))
    for lead in range(errors.shape[1]):
        lead_errors = np.abs(errors[:, lead])
        known = ~np.isnan(lead_errors).any(axis=1)
        pooled = conformal_width(lead_errors[known], coverage)
        for group, members in enumerate((~flat, flat)):
            for j in range(errors.shape[2]):
                own = lead_errors[known & members[:, j], j]
                widths[group, lead, j] = (
                    conformal_width(own, coverage) if len(own) >= needed else pooled[j]
                )
    return np.maximum.accumulate(widths, axis=1)


# Windows rolled out per call when calibrating a panel's intervals, which
# bounds the memory of the forecasts from every origin.
_CALIBRATION_BATCH = 8192


class CalibrationMixin:
    """The calibration of ``forecast``'s intervals on a fitted forecaster:
    the origins of each series, and the widths from their forecasts.

    The class using it provides ``validation_fraction``, ``n_outputs_``,
    ``_layout``, ``_window_steps``, ``_target_past`` and ``_roll_out``.
    """

    def _calibration_origins(self, values, windows, steps, coverage):
        """Each series' calibration origins, checked to give enough
        forecasts for ``steps``, and whether its last window is flat.

        A series gives its share of a bounded number of origins (see
        :func:`~skrnn._calibration.origins_per_series`), the most recent
        ones; the series whose last window is flat share the number again,
        as their errors calibrate apart. A model with future-known
        covariates calibrates on origins whose whole forecast period lies
        in the history, where those are known.
        """
        past, _, _ = self._window_steps()
        lead = n_steps = steps
        if self._layout() is not None:
            chunk = self.n_outputs_ // len(self._layout().targets)
            n_steps, lead = -(-steps // chunk) * chunk, 1
            values = [series[: max(len(series) - n_steps + 1, 0)] for series in values]
        flat = window_scales(self._target_past(windows))[1].any(axis=1)
        fewest, most = origins_per_series(len(values), coverage)
        fewest_flat = origins_per_series(max(flat.sum(), 1), coverage)[0]
        split = ValidationSplit(self.validation_fraction)
        origins, counts = [], 0
        for series, series_flat in zip(values, flat, strict=True):
            series_origins, series_counts = calibration_counts(
                series,
                past,
                lead,
                coverage,
                split.fraction(max(len(series), 1)),
                min_origins=fewest_flat if series_flat else fewest,
                max_origins=most,
            )
            origins.append(series_origins)
            counts = counts + series_counts
        check_calibration(counts, coverage, past, n_steps)
        return origins, flat

    def _calibrated_widths(self, values, origins, steps, coverage, order, choice):
        """Half-widths per unit of scale ``(2, steps, n_targets)`` for
        varying and flat windows: per-lead conformal quantiles of the errors
        of the forecasts (combined as ``choice``, a ``(method, weight)``
        pair) from ``origins`` of every series of ``values``, each divided
        by its window's scale (see :func:`~skrnn._calibration.lead_widths`)."""
        errors, flat = self._calibration_errors(values, origins, steps, order, [choice])
        return lead_widths(errors[choice], flat, coverage)

    def _chosen_combination(self, values, windows, steps, order):
        """``combine="auto"``'s choice, a ``(method, weight)`` pair out of
        :data:`~skrnn._combine.AUTO_CHOICES`: the one whose forecasts from
        the calibration origins of ``values`` miss by the least, on average,
        in units of their windows' scales; the network alone where the
        histories are too short to give those origins."""
        try:
            origins, _ = self._calibration_origins(values, windows, steps, 0.9)
        except ValueError:
            return AUTO_CHOICES[0]
        errors, _ = self._calibration_errors(
            values, origins, steps, order, AUTO_CHOICES
        )
        return min(AUTO_CHOICES, key=lambda c: np.nanmean(np.abs(errors[c])))

    def _calibration_errors(self, values, origins, steps, order, choices):
        """The errors ``(n, steps, n_targets)`` of the forecasts from
        ``origins`` of every series of ``values``, each divided by its
        window's scale, for each ``(method, weight)`` of ``choices`` (method
        None: the network alone), and whether each origin's window is flat."""
        past, length, targets = self._window_steps()
        layout = self._layout()
        chunk = self.n_outputs_ // len(targets)
        n_steps = -(-steps // chunk) * chunk
        segments, starts = [], []
        for series, series_origins in zip(values, origins, strict=True):
            if not len(series_origins):
                continue
            starts.extend(series[:origin] for origin in series_origins)
            # Past the series' end the truth is unknown: NaN.
            padded = np.concatenate(
                [series, np.full((n_steps, series.shape[1]), np.nan)]
            )
            rows = series_origins[:, None] - past + np.arange(past + n_steps)
            segments.append(padded[rows])
        segments = np.concatenate(segments)
        known = ~np.isnan(segments[:, :past]).any(axis=(1, 2))
        if layout is not None:
            ahead = segments[:, past:][:, :, list(layout.future)]
            known &= ~np.isnan(ahead).any(axis=(1, 2))
        segments = segments[known]
        starts = [start for start, keep in zip(starts, known, strict=True) if keep]
        truth = segments[:, past : past + steps][:, :, targets]
        if layout is not None:
            # What is unknown after the origin, as in a forecast's segments.
            unknown = list(layout.targets) + list(layout.past)
            segments[:, past:, unknown] = np.nan
        errors = {choice: np.empty_like(truth) for choice in choices}
        flat = np.empty((len(segments), len(targets)), dtype=bool)
        for start in range(0, len(segments), _CALIBRATION_BATCH):
            batch = slice(start, start + _CALIBRATION_BATCH)
            windows = segments[batch, :length]
            ahead = segments[batch, length:] if layout is not None else None
            network = self._roll_out(windows, steps, order, ahead)
            scale, flat[batch] = window_scales(self._target_past(windows))
            for choice in choices:
                method, weight = choice
                forecasts = network
                if method is not None:
                    # The method fitted to the history before each origin.
                    season_length = getattr(self, "season_length", 1)
                    forecasts = combine(
                        network, starts[batch], method, season_length, weight
                    )
                error = (truth[batch] - forecasts) / scale[:, np.newaxis, :]
                errors[choice][batch] = error
        return errors, flat
