"""Helpers of ``forecast`` and ``predict_interval``: the checks of their
arguments and the model that feeds forecasts back. Calibrating intervals
is :mod:`skrnn._calibration`; reading the histories and
dating the forecasts is :mod:`skrnn._histories`."""

from numbers import Integral, Real

import numpy as np

# _base imports is_pandas from here.
from skrnn._panel import is_pandas  # noqa: F401


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
