"""Which input feature each target continues: what lets ``forecast`` feed
a model's outputs back into its windows.

A window ``X[i]`` and its target ``y[i]`` cut from one series by
:func:`~skrnn.make_windows` satisfy ``y[i, 0, k] == X[i + 1, -1, j]`` when
target ``k`` is column ``j`` of the series: the next window ends with the
value the previous one was asked to predict. :func:`infer_target_features`
reads that off a bounded sample of consecutive windows. It is a pure
function of the arrays, so a container that knows its layout (a panel of
series, say) can pass the answer instead of inferring it.
"""

import numpy as np

# Pairs of consecutive windows checked: enough to rule out coincidences,
# bounded so a million windows cost no more than a thousand.
MAX_PAIRS = 1000

UNKNOWN = -1


def _consecutive_pairs(X, max_pairs):
    """Rows ``i`` (at most ``max_pairs``, spread over ``X``) for which
    ``X[i + 1]`` is ``X[i]`` moved on by one time step."""
    n_candidates = len(X) - 1
    if n_candidates < 1:
        return np.empty(0, dtype=int)
    rows = np.unique(np.linspace(0, n_candidates - 1, min(n_candidates, max_pairs)))
    rows = rows.astype(int)
    # float32 on both sides: the windows may have been cast, the targets not.
    current = np.asarray(X[rows, 1:], dtype=np.float32)
    following = np.asarray(X[rows + 1, :-1], dtype=np.float32)
    same = (current == following) | (np.isnan(current) & np.isnan(following))
    return rows[same.all(axis=(1, 2))]


def infer_target_features(X, y, *, max_pairs=MAX_PAIRS):
    """The input feature each target column continues, or -1.

    Parameters
    ----------
    X : ndarray of shape (n_samples, timesteps, n_features)
        Validated windows, in the order they were cut from the series.
    y : ndarray of shape (n_samples, horizon, n_targets)
        Their targets.
    max_pairs : int, default=1000
        Consecutive pairs of windows to check, at most.

    Returns
    -------
    target_features : ndarray of int of shape (n_targets,)
        ``target_features[k]`` is the feature ``j`` whose next value target
        ``k`` is (``y[i, 0, k] == X[i + 1, -1, j]`` for every pair of
        consecutive windows, or both NaN), or -1 when no feature is, or when
        no two windows follow each other. Univariate windows give 0.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_windows
    >>> from skrnn._target_layout import infer_target_features
    >>> series = np.c_[np.arange(10.0), np.arange(10.0) ** 2]
    >>> X, y = make_windows(series, window=3, target=[1, 0])
    >>> infer_target_features(X, y[:, np.newaxis, :])
    array([1, 0])
    """
    n_targets = y.shape[2]
    if X.shape[2] == 1:
        return np.zeros(n_targets, dtype=int)
    features = np.full(n_targets, UNKNOWN, dtype=int)
    rows = _consecutive_pairs(X, max_pairs)
    if not len(rows):
        return features
    targets = np.asarray(y[rows, 0, :], dtype=np.float32)  # (pairs, n_targets)
    next_last = np.asarray(X[rows + 1, -1, :], dtype=np.float32)  # (pairs, F)
    target_nan = np.isnan(targets)[:, :, None]
    feature_nan = np.isnan(next_last)[:, None, :]
    # A gap is a gap on both sides; a pair with a gap proves nothing more.
    equal = (targets[:, :, None] == next_last[:, None, :]) | (target_nan & feature_nan)
    known = ~target_nan & ~feature_nan
    matches = equal.all(axis=0) & known.any(axis=0)  # (n_targets, F)
    used = set()
    for k in range(n_targets):
        candidates = np.flatnonzero(matches[k])
        if not len(candidates):
            continue
        # Identical columns match alike: prefer the same position, then a
        # feature no other target took.
        free = [j for j in candidates if j not in used] or list(candidates)
        features[k] = k if k in free else free[0]
        used.add(int(features[k]))
    return features


def target_layout(X, y, target_shape):
    """``y`` as (n_samples, horizon, n_targets) and its target features.

    A 2-D ``y`` of multivariate windows is either one target over a horizon
    or several targets one step ahead; the reading under which every target
    continues a feature wins, one step ahead if both do.

    Parameters
    ----------
    X : ndarray of shape (n_samples, timesteps, n_features)
    y : ndarray of shape (n_samples, n_outputs)
        Targets, flattened per sample.
    target_shape : tuple of int
        The shape of one target row as given to ``fit``.

    Returns
    -------
    target_features : ndarray of int of shape (n_targets,)
        See :func:`infer_target_features`.
    """
    n, n_outputs = y.shape
    if len(target_shape) >= 2:
        return infer_target_features(X, y.reshape(n, target_shape[0], -1))
    if X.shape[2] == 1:
        return infer_target_features(X, y.reshape(n, n_outputs, 1))
    several = infer_target_features(X, y.reshape(n, 1, n_outputs))
    if (several != UNKNOWN).all() or n_outputs == 1:
        return several
    one = infer_target_features(X, y.reshape(n, n_outputs, 1))
    return one if (one != UNKNOWN).all() else several


def output_features(target_features, n_outputs):
    """The input feature each flattened output continues (or -1)."""
    target_features = np.asarray(target_features, dtype=int)
    return target_features[np.arange(n_outputs) % len(target_features)]


def forecast_order(target_features, n_features, names=None):
    """The order that puts a model's targets in input-feature order.

    Parameters
    ----------
    target_features : ndarray of int of shape (n_targets,)
        See :func:`infer_target_features`.
    n_features : int
        Features of the input windows.
    names : list of str, default=None
        The input features' names, for the message; positions if None.

    Returns
    -------
    order : ndarray of int of shape (n_features,)
        ``outputs[..., order]`` are the next values of features 0, 1, ...

    Raises
    ------
    ValueError
        Unless every input feature is a target exactly once.
    """
    target_features = np.asarray(target_features, dtype=int)
    if sorted(target_features.tolist()) == list(range(n_features)):
        return np.argsort(target_features)
    names = list(range(n_features)) if names is None else list(names)
    missing = [names[j] for j in range(n_features) if j not in target_features]
    if (target_features == UNKNOWN).all():
        what = (
            "which input column each target continues is unknown (the "
            "training windows were not in time order, or the targets are not "
            "next values of the input columns)"
        )
    elif missing:
        what = f"column(s) {missing} would not be forecast"
    else:
        what = "some targets continue no input column, or repeat one"
    raise ValueError(
        f"forecast feeds the model's forecasts back into its windows, so the "
        f"targets must be the next values of all {n_features} input columns, "
        f"but {what}. Fit on windows whose targets are every column, in time "
        "order: make_windows(series, window, target=list(series.columns)) for "
        "a DataFrame (target=list(range(n_columns)) for an array), or predict "
        "on windows you build."
    )


def fitted_target_features(X, y, target_shape, n_targets, layout=None):
    """The features of the windows ``X`` that the targets ``y`` continue.

    A covariate ``layout`` names them, and so do a panel's windows (their
    ``target_features``); other windows show them in time order (see
    :func:`target_layout`).
    """
    if layout is not None:
        return np.array(layout.targets)
    known = getattr(X, "target_features", None)
    if known is not None and len(known) == n_targets:
        return known
    return target_layout(X, y, target_shape)
