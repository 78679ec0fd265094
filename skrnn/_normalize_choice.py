"""The mode ``normalize="auto"`` stands for: one rule on the training data.

The choice reads only the values of the training windows, never the
container they come in, so an array, a list of one array, a dict and the
windows of a panel (materialised or not) holding the same windows get the
same mode, the same model and the same forecasts.
"""

import numpy as np

from skrnn._batches import read_rows

# Windows read to choose the mode: enough for stable quantiles, bounded so
# that a huge (lazy) panel is never copied whole.
DECISION_SAMPLE_SIZE = 2_000

# Above this ratio between the large (90th percentile) and small (10th
# percentile) per-window step sizes, one global step scale fits no window
# well. Single series measured 1.3-3.7 (the course's series, sunspots,
# lynx, M1 series alone, a random walk), panels of M1/M3 series 10.7-1600.
STEP_RATIO = 6.0

# A never-negative series whose lowest value is within this fraction of
# its highest counts down to zero (sunspots, lynx): its steps shrink and
# grow with its level.
TO_ZERO = 0.01


def decision_sample(X, rows, channels=None, past=None):
    """Target values of at most ``DECISION_SAMPLE_SIZE`` of ``X[rows]``.

    Parameters
    ----------
    X : ndarray or PanelWindows of shape (n_samples, timesteps, n_features)
        Training windows; only the sampled ones are read.
    rows : ndarray of int
        The training rows, in time order.
    channels : list of int, default=None
        The target features (of covariate windows); all if None.
    past : int, default=None
        The past steps of covariate windows; all if None.

    Returns
    -------
    ndarray of shape (n, past, n_targets), float64
        The windows at ``rows`` evenly spread in time, first and last kept.
    """
    if len(rows) > DECISION_SAMPLE_SIZE:
        rows = rows[np.linspace(0, len(rows) - 1, DECISION_SAMPLE_SIZE).astype(int)]
    windows = read_rows(X, rows, dtype=np.float64)[:, :past]
    return windows if channels is None else windows[:, :, list(channels)]


def step_ratio(windows):
    """How much the step size differs between windows.

    Parameters
    ----------
    windows : ndarray of shape (n, timesteps, 1)

    Returns
    -------
    float
        The 90th over the 10th percentile of the windows' mean absolute
        step; 1.0 when fewer than two windows move at all.
    """
    steps = np.nanmean(np.abs(np.diff(windows[:, :, 0], axis=1)), axis=1)
    steps = steps[np.isfinite(steps) & (steps > 0)]
    if len(steps) < 2:
        return 1.0
    low, high = np.quantile(steps, [0.1, 0.9])
    return float(high / low)


def falls_to_zero(windows):
    """Whether the values are never negative and come within 1% of zero.

    Parameters
    ----------
    windows : ndarray of shape (n, timesteps, 1)

    Returns
    -------
    bool
    """
    low, high = np.nanmin(windows), np.nanmax(windows)
    return bool(low >= 0 and high > 0 and low <= TO_ZERO * high)


def auto_normalize(windows):
    """The normalisation that suits training windows of the targets.

    - several targets: ``"global"``, one standardisation per feature;
    - ``"window"`` (each window by its own last value and spread) when one
      global step scale cannot fit every window: the step sizes of the
      windows differ more than ``STEP_RATIO``-fold between the 10% smallest
      and the 10% largest (series of different sizes in one panel, a
      series that grows exponentially), or the values are counts that fall
      to zero (never negative, down to 1% of their highest value), whose
      steps shrink and grow with their level;
    - ``"last"`` (relative to the last value, one learned scale) for a
      steady scale, which is more accurate there (see the defaults page).

    Parameters
    ----------
    windows : ndarray of shape (n_samples, timesteps, n_targets)
        Training windows of the target features (e.g. from
        :func:`decision_sample`). The rule is a function of their values
        alone.

    Returns
    -------
    {"global", "window", "last"}

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._normalize_choice import auto_normalize
    >>> t = np.arange(120)
    >>> windows = np.lib.stride_tricks.sliding_window_view(np.sin(t / 5), 10)
    >>> auto_normalize(windows[:, :, np.newaxis])
    'last'
    >>> panel = np.concatenate([windows, 1000 * windows])  # sizes 1 and 1000
    >>> auto_normalize(panel[:, :, np.newaxis])
    'window'
    """
    if windows.shape[-1] > 1:
        return "global"
    if falls_to_zero(windows) or step_ratio(windows) > STEP_RATIO:
        return "window"
    return "last"


def resolve_normalize(
    normalize, windows=None, *, n_targets, custom_layers=False, log_space=False
):
    """The mode a fit uses for the ``normalize`` parameter.

    Parameters
    ----------
    normalize : {"auto", "window", "global", "last"} or None
        The parameter.
    windows : ndarray of shape (n, timesteps, n_targets), default=None
        Training windows of the targets, read only for ``"auto"`` on one
        target (see :func:`auto_normalize`).
    n_targets : int
        Target features of the windows.
    custom_layers : bool, default=False
        Whether a ``preprocessing`` or ``postprocessing`` function is
        given: ``"window"`` does not allow them, so ``"auto"`` is
        ``"last"`` for one target.
    log_space : bool, default=False
        Whether the model learns the series' log (a ``target_transform``):
        ``"auto"`` is then ``"last"`` for one target. In log space a
        series' scale is a shift, which ``"last"`` removes, and a window's
        own spread (what ``"window"`` divides by) is its relative swing,
        which sets one series apart from another; ``"last"`` was ahead on
        four of the five panels of the accuracy study (defaults page).

    Returns
    -------
    {"window", "global", "last"} or None
    """
    if normalize == "auto":
        if n_targets > 1:
            return "global"
        if custom_layers or log_space:
            return "last"
        return auto_normalize(windows)
    if normalize == "window" and custom_layers:
        raise ValueError(
            "normalize='window' scales the windows before they reach the model, "
            "so preprocessing and postprocessing functions would see scaled "
            "values: use normalize='last' or 'global' with them, or None."
        )
    return normalize
