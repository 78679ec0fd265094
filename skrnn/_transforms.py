"""The ``target_transform`` of the forecasters: the log of positive series.

A panel of business series (sales, visitors) grows and swings in
proportion to its level; in log space those swings become additive and of
one size, which is what a single global model learns best (Hewamalage,
Bergmeir & Bandara, IJF 2021). The transform is applied to the windows and
targets in float64 before any ``normalize`` scaling, and inverted on
everything the model outputs: predictions, forecasts (also the values fed
back), so ``predict``, ``forecast``, intervals, ``save`` and pickling see
the series' own units in every container.
"""

import numpy as np

TARGET_TRANSFORMS = ("log", "log1p")


def _value_range(X, y):
    """The smallest and largest value of the windows ``X`` and targets ``y``.

    Read one time step at a time, so neither a strided view nor a
    :class:`~skrnn.PanelWindows` is copied whole; the same series in any
    container give the same range.
    """
    low, high = np.inf, -np.inf
    for step in range(X.shape[1]):
        values = np.asarray(X[:, step, :], dtype=np.float64)
        low = min(low, np.fmin.reduce(values, axis=None))
        high = max(high, np.fmax.reduce(values, axis=None))
    y = np.asarray(y, dtype=np.float64)
    if y.size:
        low = min(low, np.fmin.reduce(y, axis=None))
        high = max(high, np.fmax.reduce(y, axis=None))
    return float(low), float(high)


def resolve_target_transform(target_transform, X, y, *, layout=None, bounds=None):
    """The transform ``target_transform`` stands for on these windows.

    ``"auto"`` is ``"log"`` when every value of the windows and targets is
    positive and ``"log1p"`` when none is negative (counts, visitors with
    empty quarters), else None: a property of the data alone, the same for
    one series as an array, a list of one, a dict or its windows.

    Raises
    ------
    ValueError
        For ``"log"`` with a value that is not positive, ``"log1p"`` with a
        negative one, windows with covariates, or ``bounds``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_windows
    >>> from skrnn._transforms import resolve_target_transform
    >>> X, y = make_windows(np.array([3.0, 5.0, 4.0, 6.0, 5.0]), window=2)
    >>> resolve_target_transform("auto", X, y)
    'log'
    >>> X, y = make_windows(np.array([0.0, 5.0, 4.0, 6.0, 5.0]), window=2)
    >>> resolve_target_transform("auto", X, y)
    'log1p'
    """
    if target_transform is None:
        return None
    check_no_bounds(target_transform, bounds)
    if layout is not None:
        raise ValueError(
            f"target_transform={target_transform!r} is for windows of the "
            "series alone: windows with covariates (future= or static=) "
            "need target_transform=None; transform the target column yourself."
        )
    low, _ = _value_range(X, y)
    if target_transform == "auto":
        if low > 0:
            return "log"
        return "log1p" if low >= 0 else None
    if target_transform == "log" and not low > 0:
        raise ValueError(
            f"target_transform='log' needs positive values, but the windows or "
            f"targets hold {low:g}: use target_transform='log1p' for values "
            "that reach zero, or None."
        )
    if target_transform == "log1p" and low < 0:
        raise ValueError(
            f"target_transform='log1p' needs values of at least 0, but the "
            f"windows or targets hold {low:g}: use target_transform=None."
        )
    return target_transform


def check_no_bounds(target_transform, bounds):
    """Refuse ``bounds`` beside a transform: the forecast loop clips in the
    series' units, and a log forecast is positive without them."""
    if target_transform is not None and bounds is not None:
        raise ValueError(
            f"bounds={bounds!r} with target_transform={target_transform!r}: "
            "a log forecast is positive already; set bounds=None, or "
            "target_transform=None to keep the bounds."
        )


def forward(kind, values):
    """``values`` in the transformed units (float64)."""
    values = np.asarray(values, dtype=np.float64)
    if kind == "log":
        return np.log(values)
    if kind == "log1p":
        return np.log1p(values)
    return values


def inverse(kind, values):
    """``values`` back in the series' units: the inverse of :func:`forward`."""
    if kind == "log":
        return np.exp(values)
    if kind == "log1p":
        return np.expm1(values)
    return values


class TransformedScaling:
    """A target transform, then the ``"window"`` scaling (or none).

    The interface of :class:`~skrnn._scaling.WindowScaling` (``windows``,
    ``targets``, ``outputs``, ``features``), so that training, prediction
    and the forecast loop apply it where they apply that scaling.

    Parameters
    ----------
    kind : {"log", "log1p"}
        The transform.
    scaling : WindowScaling or None
        The scaling applied after it, in the transformed units.
    """

    def __init__(self, kind, scaling=None):
        self.kind, self.scaling = kind, scaling

    def windows(self, windows):
        """Transformed (and scaled) float32 windows, and their statistics."""
        windows = forward(self.kind, windows)
        if self.scaling is None:
            return windows.astype(np.float32), None
        return self.scaling.windows(windows)

    def targets(self, y, statistics):
        y = forward(self.kind, y)
        if self.scaling is None:
            return y.astype(np.float32)
        return self.scaling.targets(y, statistics)

    def outputs(self, outputs, statistics):
        if self.scaling is not None:
            outputs = self.scaling.outputs(outputs, statistics)
        return inverse(self.kind, np.asarray(outputs, dtype=np.float64))

    def features(self, values, statistics):
        if self.scaling is not None:
            values = self.scaling.features(values, statistics)
        return inverse(self.kind, np.asarray(values, dtype=np.float64))


def with_target_transform(kind, scaling, *, bounds=None):
    """``scaling`` behind the transform ``kind``; ``scaling`` itself for None.

    ``bounds`` set after ``fit`` are refused here, before any prediction.
    """
    if kind is None:
        return scaling
    check_no_bounds(kind, bounds)
    return TransformedScaling(kind, scaling)
