"""The learning-rate range test behind ``find_learning_rate``."""

import dataclasses
import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone

from skrnn._backend import keras
from skrnn._batches import fit_inputs
from skrnn._random import seeded
from skrnn._trainers import compile_kwargs


@dataclasses.dataclass
class LearningRateFinder:
    """Result of :meth:`~skrnn.LSTMForecaster.find_learning_rate`.

    Attributes
    ----------
    lrs : ndarray of shape (n_steps,)
        Learning rate of each training batch of the sweep.
    losses : ndarray of shape (n_steps,)
        Training loss of each batch.
    smoothed_losses : ndarray of shape (n_steps,)
        ``losses`` smoothed by a centred moving average.
    suggestion : float
        The learning rate where the smoothed loss falls fastest (per decade
        of learning rate) before reaching its minimum, skipping the first
        tenth of the sweep: a good starting point for ``learning_rate``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import LearningRateFinder, RNNForecaster, make_windows
    >>> series = np.sin(np.arange(300) / 10)
    >>> X, y = make_windows(series, window=20)
    >>> sweep = RNNForecaster(units=4, random_state=0).find_learning_rate(
    ...     X, y, min_lr=1e-4, num_steps=30
    ... )
    >>> isinstance(sweep, LearningRateFinder)
    True
    >>> sweep.lrs.shape == sweep.losses.shape == sweep.smoothed_losses.shape
    True
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggestion: float

    def plot(self, ax=None):
        """Plot loss against learning rate; see :func:`skrnn.plotting.plot_lr_find`."""
        from skrnn.plotting import plot_lr_find

        return plot_lr_find(self, ax=ax)


class _Sweep(keras.callbacks.Callback):
    """Set the learning rate before each batch; record each batch's loss."""

    def __init__(self, lrs, diverge_factor, smoothing=0.9):
        super().__init__()
        self.lrs = lrs
        self.diverge_factor = diverge_factor
        self.smoothing = smoothing
        self.losses, self._smoothed = [], []
        self._average = 0.0
        self._epoch_mean = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_mean = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate = self.lrs[len(self.losses)]

    def on_train_batch_end(self, batch, logs=None):
        # Keras reports the running mean over the epoch; undo the averaging.
        mean = float(logs["loss"])
        loss = (batch + 1) * mean - batch * self._epoch_mean
        self._epoch_mean = mean
        self.losses.append(loss)
        self._average = self.smoothing * self._average + (1 - self.smoothing) * loss
        self._smoothed.append(self._average / (1 - self.smoothing ** len(self.losses)))
        if (
            len(self.losses) == len(self.lrs)
            or not math.isfinite(loss)
            or self._smoothed[-1] > self.diverge_factor * min(self._smoothed)
        ):
            self.model.stop_training = True


def _check_positive(value, name):
    if not isinstance(value, Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a float > 0, got {value!r}.")
    return float(value)


def smooth(losses, width=5):
    """Centred moving average (shorter at the ends): no lag, unlike an EMA."""
    losses = np.where(np.isfinite(losses), losses, np.nan)
    half = width // 2
    return np.array(
        [
            np.nanmean(losses[max(0, i - half) : i + half + 1])
            for i in range(len(losses))
        ]
    )


def suggest(lrs, smoothed):
    """The rate of steepest descent of ``smoothed`` before its minimum,
    after the first tenth of the sweep (where the loss is still noisy)."""
    skip = max(2, len(lrs) // 10)
    lowest = int(np.nanargmin(smoothed))
    if lowest <= skip + 1:
        return float(lrs[lowest])
    slopes = np.gradient(smoothed[skip : lowest + 1], np.log10(lrs[skip : lowest + 1]))
    return float(lrs[skip + int(np.argmin(slopes))])


def find_learning_rate(estimator, X, y, *, min_lr, max_lr, num_steps, diverge_factor):
    """Run the sweep on a clone of ``estimator``; see its method's docs."""
    min_lr = _check_positive(min_lr, "min_lr")
    max_lr = _check_positive(max_lr, "max_lr")
    if max_lr <= min_lr:
        raise ValueError(
            f"max_lr ({max_lr:g}) must be larger than min_lr ({min_lr:g})."
        )
    if not isinstance(num_steps, Integral) or num_steps < 5:
        raise ValueError(f"num_steps must be an int >= 5, got {num_steps!r}.")
    if not isinstance(diverge_factor, Real) or not diverge_factor > 1:
        raise ValueError(
            f"diverge_factor must be a float > 1 (the loss rise that ends the "
            f"sweep), got {diverge_factor!r}."
        )
    sweep_estimator = clone(estimator)
    sweep_estimator._validate_params()
    data = sweep_estimator._initialize(X, y)
    model = sweep_estimator.model_
    # One step per call, so the callback sees (and sets) every batch.
    model.compile(**compile_kwargs(sweep_estimator), steps_per_execution=1)
    lrs = np.geomspace(min_lr, max_lr, num_steps)
    sweep = _Sweep(lrs, diverge_factor)
    rows = np.concatenate([data.train_rows, data.validation_rows])
    inputs = fit_inputs(
        sweep_estimator._examples(data),
        data.sample_weight,
        rows,
        batch_size=sweep_estimator.batch_size,
        shuffle=True,
        seed=sweep_estimator._random_state,
    )
    n_batches = -(-len(rows) // sweep_estimator.batch_size)
    with seeded(sweep_estimator._random_state):
        model.fit(
            **inputs, epochs=-(-num_steps // n_batches), callbacks=[sweep], verbose=0
        )
    n = len(sweep.losses)
    losses = np.array(sweep.losses)
    smoothed = smooth(losses)
    return LearningRateFinder(
        lrs=lrs[:n],
        losses=losses,
        smoothed_losses=smoothed,
        suggestion=suggest(lrs[:n], smoothed),
    )


class LearningRateFinderMixin:
    """``find_learning_rate`` for the recurrent forecasters."""

    def find_learning_rate(
        self, X, y, *, min_lr=1e-8, max_lr=1.0, num_steps=100, diverge_factor=4.0
    ):
        """Learning-rate range test: train with an exponentially growing rate.

        The course's sweep (``LearningRateScheduler(lambda epoch: 1e-8 *
        10 ** (epoch / 20))``), one batch per rate instead of one epoch: a
        fresh copy of the model trains one batch at each of ``num_steps``
        rates from ``min_lr`` to ``max_lr`` and records the loss. The
        estimator itself is left as it was (unfitted if it was).

        Parameters
        ----------
        X, y : array-like
            Windows and targets, as for :meth:`fit`.
        min_lr, max_lr : float, default=1e-8, 1.0
            First and last learning rate of the sweep.
        num_steps : int, default=100
            Number of rates (and training batches) in the sweep.
        diverge_factor : float, default=4.0
            Stop once the smoothed loss exceeds this multiple of its minimum.

        Returns
        -------
        result : ~skrnn.LearningRateFinder
            With ``lrs``, ``losses``, ``suggestion`` and ``plot()``.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn import RNNForecaster, make_windows
        >>> series = np.sin(np.arange(300) / 10)
        >>> X, y = make_windows(series, window=20)
        >>> model = RNNForecaster(units=4, optimizer="sgd", random_state=0)
        >>> sweep = model.find_learning_rate(X, y, min_lr=1e-4, num_steps=30)
        >>> bool(sweep.lrs[0] <= sweep.suggestion <= sweep.lrs[-1])
        True
        >>> hasattr(model, "model_")  # the estimator itself stays unfitted
        False
        """
        return find_learning_rate(
            self,
            X,
            y,
            min_lr=min_lr,
            max_lr=max_lr,
            num_steps=num_steps,
            diverge_factor=diverge_factor,
        )
