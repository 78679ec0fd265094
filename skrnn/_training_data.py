"""A fit's validated windows and targets, and the rows it trains and validates on."""

import dataclasses

import numpy as np
from sklearn.utils.validation import _check_sample_weight

from skrnn._batches import complete_rows
from skrnn._validation_split import ValidationSplit

# Windows sampled to learn the scaling statistics: enough for stable means
# and deviations, bounded so a long series is never copied whole.
SCALING_SAMPLE_SIZE = 20_000


@dataclasses.dataclass
class TrainingData:
    """Validated windows and targets, with the rows to train and validate on."""

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    train_rows: np.ndarray
    validation_rows: np.ndarray

    def scaling_sample(self):
        """At most ``SCALING_SAMPLE_SIZE`` training rows, evenly spread in time."""
        rows = self.train_rows
        if len(rows) <= SCALING_SAMPLE_SIZE:
            return rows
        return rows[np.linspace(0, len(rows) - 1, SCALING_SAMPLE_SIZE).astype(int)]


def subsample(rows, max_windows, seed):
    """At most ``max_windows`` of ``rows``, drawn at random without
    replacement with ``seed``, in time order."""
    if max_windows is None or len(rows) <= max_windows:
        return rows
    rng = np.random.RandomState(seed)
    return np.sort(rng.choice(rows, max_windows, replace=False))


def prepare(estimator, X, y, sample_weight, *, reset):
    """Validate ``X, y`` for ``estimator`` and find the complete rows to
    train and validate on (see :class:`~skrnn._validation_split.ValidationSplit`).

    With ``reset``, records the fitted shapes on ``estimator``; otherwise
    checks ``X, y`` against them. The training rows are at most
    ``max_windows`` (see :func:`subsample`), drawn with the estimator's
    ``_random_state``. ``X`` is not copied: a strided view from
    ``make_windows`` stays one.
    """
    name = type(estimator).__name__
    if y is None:
        raise ValueError(
            f"{name} requires y to be passed, but the target y is None: pass "
            "the values that follow each window, e.g. from make_windows."
        )
    X, y = estimator._validate_data(X, y, reset=reset)
    X = estimator._as_windows(X, reset=reset)
    estimator._check_layout(X, reset=reset)
    if reset:
        estimator.target_shape_ = y.shape[1:]
    elif y.shape[1:] != estimator.target_shape_:
        raise ValueError(
            f"y has rows of shape {y.shape[1:]}, but {name} was fitted on rows "
            f"of shape {estimator.target_shape_}."
        )
    y = y.reshape(len(y), -1)
    if reset:
        estimator.n_outputs_ = y.shape[1]
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    complete = complete_rows(X, y, estimator._layout())
    n_skipped = int(len(X) - complete.sum())
    if n_skipped and estimator.missing == "raise":
        raise ValueError(
            f"{n_skipped} of {len(X)} samples have NaN in their window or "
            "target. Drop or fill them, or set missing='skip' to skip them."
        )
    if not complete.any():
        raise ValueError(
            f"All {len(X)} samples have NaN in their window or target; "
            "there is nothing to train on."
        )
    estimator.n_samples_skipped_ = n_skipped
    rows = np.flatnonzero(complete)
    groups = getattr(X, "groups", None)
    train_rows, validation_rows = ValidationSplit(estimator.validation_fraction).split(
        rows, None if groups is None else groups[rows]
    )
    train_rows = subsample(train_rows, estimator.max_windows, estimator._random_state)
    return TrainingData(X, y, sample_weight, train_rows, validation_rows)
