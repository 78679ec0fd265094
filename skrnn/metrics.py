"""Forecast errors that skip the rows without a target or a full window.

A :class:`~skrnn.SlidingWindowTransformer` pipeline keeps one row per time
step, so its first ``window - 1`` predictions are NaN (no full window) and
its last target is NaN (nothing follows it yet). scikit-learn's metrics
and named scorers reject NaN (``"Input contains NaN."``, or ``nan`` scores
in a search); these skip every row whose target or prediction holds NaN,
as the forecasters' own ``score`` does.

Use the scorers as ``scoring=`` objects in
:class:`~sklearn.model_selection.GridSearchCV`,
:func:`~sklearn.model_selection.cross_val_score` and the like, e.g.
``scoring=skrnn.metrics.mae_scorer``, or look one up by the name of its
scikit-learn counterpart with :func:`get_scorer`. Like scikit-learn's
``neg_*`` scorers they return the negated error, so that larger is better.

Examples
--------
>>> import numpy as np
>>> from skrnn.metrics import mean_absolute_error
>>> y_true = np.array([np.nan, 1.0, 2.0, 4.0])
>>> y_pred = np.array([0.5, 1.5, np.nan, 3.0])
>>> mean_absolute_error(y_true, y_pred)  # rows 1 and 3 only
0.75
"""

import numpy as np
from sklearn import metrics as _sk_metrics
from sklearn.metrics import make_scorer
from sklearn.utils import check_array

__all__ = [
    "get_scorer",
    "get_scorer_names",
    "mae_scorer",
    "mase_scorer",
    "mean_absolute_error",
    "mean_absolute_scaled_error",
    "r2_score",
    "r2_scorer",
    "rmse_scorer",
    "root_mean_squared_error",
    "smape_scorer",
    "symmetric_mean_absolute_percentage_error",
]


def _as_rows(values, name):
    """``values`` as a float 2-D array, one row per sample."""
    array = check_array(
        values,
        ensure_2d=False,
        allow_nd=True,
        dtype=np.float64,
        ensure_all_finite="allow-nan",
        input_name=name,
    )
    return array.reshape(len(array), -1)


def _known_rows(y_true, y_pred, sample_weight=None):
    """The rows where neither ``y_true`` nor ``y_pred`` holds NaN, as 2-D
    arrays, with their weights."""
    y_true, y_pred = _as_rows(y_true, "y_true"), _as_rows(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} and y_pred {y_pred.shape} (per "
            "row, flattened): pass one prediction per target."
        )
    known = ~(np.isnan(y_true).any(axis=1) | np.isnan(y_pred).any(axis=1))
    if not known.any():
        raise ValueError(
            f"None of the {len(y_true)} rows has both a target and a "
            "prediction (every one holds NaN): there is nothing to score."
        )
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)[known]
    return y_true[known], y_pred[known], sample_weight, known


def mean_absolute_error(y_true, y_pred, *, sample_weight=None):
    """Mean absolute error over the rows where target and prediction are known.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, ...)
        True targets; NaN marks a row without one.
    y_pred : array-like of the same shape
        Predictions; NaN marks a row without a full window.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each row.

    Returns
    -------
    error : float
        Averaged over the known rows and uniformly over the outputs.

    Examples
    --------
    >>> from skrnn.metrics import mean_absolute_error
    >>> mean_absolute_error([1.0, 2.0, float("nan")], [2.0, 2.0, 5.0])
    0.5
    """
    y_true, y_pred, sample_weight, _ = _known_rows(y_true, y_pred, sample_weight)
    return float(
        _sk_metrics.mean_absolute_error(y_true, y_pred, sample_weight=sample_weight)
    )


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None):
    """Root mean squared error over the rows where target and prediction are
    known (per output, then averaged over the outputs).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, ...)
        True targets and predictions; NaN marks a row to skip.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each row.

    Returns
    -------
    error : float

    Examples
    --------
    >>> from skrnn.metrics import root_mean_squared_error
    >>> root_mean_squared_error([0.0, 0.0, float("nan")], [3.0, -3.0, 1.0])
    3.0
    """
    y_true, y_pred, sample_weight, _ = _known_rows(y_true, y_pred, sample_weight)
    return float(
        _sk_metrics.root_mean_squared_error(y_true, y_pred, sample_weight=sample_weight)
    )


def mean_absolute_scaled_error(y_true, y_pred, *, y_train=None, sample_weight=None):
    """Mean absolute error divided by that of the naive (last value) forecast.

    The scale is the mean absolute one-step change of ``y_train`` when
    given (Hyndman and Koehler's MASE), else of ``y_true`` itself: a scorer
    does not see the training data, so it scales by the naive forecast's
    error over the rows it scores, which must then be consecutive time
    steps (as the rows of a ``make_windows`` or ``SlidingWindowTransformer``
    split are). Below 1, the forecast beats the naive one.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, ...)
        True targets and predictions, in time order; NaN marks a row to skip.
    y_train : array-like of shape (n_train,) or (n_train, ...), default=None
        The training targets, in time order, for the scale.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each row in the error (not in the scale).

    Returns
    -------
    error : float

    Examples
    --------
    >>> from skrnn.metrics import mean_absolute_scaled_error
    >>> y_true = [1.0, 2.0, 3.0, 4.0]  # steps of 1: the naive forecast errs by 1
    >>> mean_absolute_scaled_error(y_true, [1.5, 2.5, 3.5, 4.5])
    0.5
    """
    reference = _as_rows(y_true if y_train is None else y_train, "y_train")
    changes = np.abs(np.diff(reference, axis=0))
    changes = changes[~np.isnan(changes).any(axis=1)]
    scale = changes.mean() if len(changes) else np.nan
    if not scale > 0:
        raise ValueError(
            "MASE divides by the mean absolute one-step change of the series, "
            "which is 0 or undefined here (a constant series, or fewer than "
            "two consecutive known values): use mean_absolute_error instead."
        )
    error = mean_absolute_error(y_true, y_pred, sample_weight=sample_weight)
    return float(error / scale)


def symmetric_mean_absolute_percentage_error(y_true, y_pred, *, sample_weight=None):
    """Mean of ``2 |y_pred - y_true| / (|y_true| + |y_pred|)`` over the known
    rows: a fraction between 0 and 2 (multiply by 100 for percent), 0 where
    both are 0.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, ...)
        True targets and predictions; NaN marks a row to skip.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each row.

    Returns
    -------
    error : float

    Examples
    --------
    >>> from skrnn.metrics import symmetric_mean_absolute_percentage_error
    >>> symmetric_mean_absolute_percentage_error([100.0, 0.0], [110.0, 0.0])
    0.047619...
    """
    y_true, y_pred, sample_weight, _ = _known_rows(y_true, y_pred, sample_weight)
    total = np.abs(y_true) + np.abs(y_pred)
    ratios = np.divide(
        2 * np.abs(y_pred - y_true), total, out=np.zeros_like(total), where=total > 0
    )
    return float(np.average(ratios.mean(axis=1), weights=sample_weight))


def r2_score(y_true, y_pred, *, sample_weight=None):
    """:math:`R^2` over the rows where target and prediction are known, as
    the forecasters' ``score`` computes it.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, ...)
        True targets and predictions; NaN marks a row to skip.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each row.

    Returns
    -------
    score : float
        Averaged uniformly over outputs.

    Examples
    --------
    >>> from skrnn.metrics import r2_score
    >>> r2_score([1.0, 2.0, 3.0, float("nan")], [1.0, 2.0, 3.0, 0.0])
    1.0
    """
    y_true, y_pred, sample_weight, _ = _known_rows(y_true, y_pred, sample_weight)
    return float(_sk_metrics.r2_score(y_true, y_pred, sample_weight=sample_weight))


mae_scorer = make_scorer(mean_absolute_error, greater_is_better=False)
rmse_scorer = make_scorer(root_mean_squared_error, greater_is_better=False)
mase_scorer = make_scorer(mean_absolute_scaled_error, greater_is_better=False)
smape_scorer = make_scorer(
    symmetric_mean_absolute_percentage_error, greater_is_better=False
)
r2_scorer = make_scorer(r2_score)

_SCORERS = {
    "neg_mean_absolute_error": mae_scorer,
    "neg_root_mean_squared_error": rmse_scorer,
    "neg_mean_absolute_scaled_error": mase_scorer,
    "neg_symmetric_mean_absolute_percentage_error": smape_scorer,
    "r2": r2_scorer,
}


def get_scorer_names():
    """The names :func:`get_scorer` knows.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from skrnn.metrics import get_scorer_names
    >>> get_scorer_names()[:2]
    ['neg_mean_absolute_error', 'neg_mean_absolute_scaled_error']
    """
    return sorted(_SCORERS)


def get_scorer(scoring):
    """The NaN-skipping scorer for a scikit-learn scorer name.

    Parameters
    ----------
    scoring : str
        ``"neg_mean_absolute_error"``, ``"neg_root_mean_squared_error"``,
        ``"neg_mean_absolute_scaled_error"``,
        ``"neg_symmetric_mean_absolute_percentage_error"`` or ``"r2"``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, for the ``scoring`` parameter of
        scikit-learn's model selection tools.

    Examples
    --------
    In a search of a :class:`~skrnn.SlidingWindowTransformer` pipeline,
    ``scoring=get_scorer("neg_mean_absolute_error")`` where scikit-learn's
    ``scoring="neg_mean_absolute_error"`` would meet the NaN rows:

    >>> from skrnn.metrics import get_scorer, mae_scorer
    >>> get_scorer("neg_mean_absolute_error") is mae_scorer
    True
    """
    if scoring in _SCORERS:
        return _SCORERS[scoring]
    raise ValueError(
        f"{scoring!r} is not a NaN-skipping scorer of skrnn.metrics. Use one "
        f"of {get_scorer_names()}, or sklearn.metrics.get_scorer for the "
        "others (which do not skip NaN)."
    )
