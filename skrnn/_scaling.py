"""Scaling embedded in the Keras model as layers.

The layers here are registered, serialisable Keras layers (no ``Lambda``),
so a saved model is the whole predictor and loads in Keras's safe mode.

``"global"`` and ``"last"`` learn their statistics in ``fit``.
``"window"`` learns none: it scales every window by its own last value and
spread, so one model serves series of any level and scale. Its layers work
in float32 inside the model; the estimator also applies the same scaling to
the windows and targets in float64 before they reach the model
(:class:`WindowScaling`), which keeps a series at a level of a million as
precise as one near zero, and makes the training loss scale-free across the
series of a panel.
"""

from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from skrnn._target_layout import output_features

NORMALIZE_MODES = ("auto", "window", "global", "last")

# A window whose spread is below this many float epsilons of its magnitude
# is constant to its dtype's precision: it is scaled by its magnitude.
_CONSTANT_EPS = 10


def window_location_scale(windows):
    """Each window's last value and spread, per feature (numpy).

    Parameters
    ----------
    windows : ndarray of shape (n, timesteps, n_features)

    Returns
    -------
    last, scale : ndarray of shape (n, n_features)
        The last value, and the standard deviation over the window; for a
        constant window its largest absolute value instead (or 1 for zeros).
    """
    magnitude = np.abs(windows).max(axis=1)
    spread = windows.std(axis=1)
    tolerance = _CONSTANT_EPS * np.finfo(windows.dtype).eps * magnitude
    fallback = np.where(magnitude > 0, magnitude, 1.0)
    return windows[:, -1, :], np.where(spread > tolerance, spread, fallback)


def _window_location_scale_ops(windows):
    """:func:`window_location_scale` in ``keras.ops``, inside a model."""
    magnitude = ops.max(ops.abs(windows), axis=1)
    spread = ops.std(windows, axis=1)
    eps = float(np.finfo(keras.backend.standardize_dtype(windows.dtype)).eps)
    fallback = ops.where(magnitude > 0, magnitude, ops.ones_like(magnitude))
    scale = ops.where(spread > _CONSTANT_EPS * eps * magnitude, spread, fallback)
    return windows[:, -1, :], scale


class _StatisticsLayer(keras.layers.Layer):
    """A layer whose learned statistics are non-trainable weights.

    As weights (not constants) they travel with ``get_weights`` and
    ``Variable.assign``, so a compiled model of the same architecture can
    take over another's statistics (see :mod:`skrnn._trainers`). The config
    keeps the values too, so a saved model rebuilds with them.
    """

    def _add_statistic(self, name, values):
        values = np.asarray(values, dtype="float32")
        return self.add_weight(
            name=name,
            shape=values.shape,
            initializer=keras.initializers.Constant(values),
            trainable=False,
        )


@keras.saving.register_keras_serializable(package="skrnn")
class Standardize(_StatisticsLayer):
    """``(x - center) / scale`` over the last axis, or its inverse.

    Parameters
    ----------
    center, scale : list of float
        One value per feature (last axis).
    invert : bool, default=False
        Compute ``x * scale + center`` instead.
    """

    def __init__(self, center, scale, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.center = [float(c) for c in center]
        self.scale = [float(s) for s in scale]
        self.invert = bool(invert)
        self._center = self._add_statistic("center", self.center)
        self._scale = self._add_statistic("scale", self.scale)

    def call(self, x):
        if self.invert:
            return x * self._scale + self._center
        return (x - self._center) / self._scale

    def get_config(self):
        return {
            **super().get_config(),
            "center": self.center,
            "scale": self.scale,
            "invert": self.invert,
        }


@keras.saving.register_keras_serializable(package="skrnn")
class CenterOnLastStep(_StatisticsLayer):
    """Subtract each window's last time step, then divide by ``scale``.

    Parameters
    ----------
    scale : list of float
        One divisor per feature.
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = [float(s) for s in scale]
        self._scale = self._add_statistic("scale", self.scale)

    def call(self, windows):
        return (windows - windows[:, -1:, :]) / self._scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@keras.saving.register_keras_serializable(package="skrnn")
class AddLastStep(_StatisticsLayer):
    """Multiply outputs by ``scale`` and add back the window's last value.

    Output ``j`` gets the last observed value of input feature
    ``feature_index[j]``.

    Parameters
    ----------
    scale : list of float
        One multiplier per output.
    feature_index : list of int
        The input feature each output continues.
    """

    def __init__(self, scale, feature_index, **kwargs):
        super().__init__(**kwargs)
        self.scale = [float(s) for s in scale]
        self.feature_index = [int(i) for i in feature_index]
        self._scale = self._add_statistic("scale", self.scale)

    def call(self, inputs):
        outputs, windows = inputs
        last = ops.take(windows[:, -1, :], self.feature_index, axis=-1)
        return outputs * self._scale + last

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "feature_index": self.feature_index,
        }


@keras.saving.register_keras_serializable(package="skrnn")
class ScaleWindows(keras.layers.Layer):
    """Centre each window on its last value and divide by its own spread.

    Per feature: ``(x - x[-1]) / std(x)`` over the window's time steps, so
    the layer's output does not change when a series is shifted or scaled
    (by a positive factor).
    """

    def call(self, windows):
        last, scale = _window_location_scale_ops(windows)
        return (windows - last[:, None, :]) / scale[:, None, :]


@keras.saving.register_keras_serializable(package="skrnn")
class UnscaleWindows(keras.layers.Layer):
    """Undo :class:`ScaleWindows` on the outputs: ``y * std(x) + x[-1]``.

    Output ``j`` takes the last value and spread of input feature
    ``feature_index[j]``.

    Parameters
    ----------
    feature_index : list of int
        The input feature each output continues.
    """

    def __init__(self, feature_index, **kwargs):
        super().__init__(**kwargs)
        self.feature_index = [int(i) for i in feature_index]

    def call(self, inputs):
        outputs, windows = inputs
        last, scale = _window_location_scale_ops(windows)
        last = ops.take(last, self.feature_index, axis=-1)
        return outputs * ops.take(scale, self.feature_index, axis=-1) + last

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "feature_index": self.feature_index}


class WindowScaling:
    """The ``"window"`` scaling, applied in float64 outside the model.

    The model's own :class:`ScaleWindows` layer leaves windows scaled here
    as they are (their last value is 0 and their spread 1), so the model
    sees the same numbers either way; but here a window keeps its float64
    precision, and the targets are scaled too: the model trains on every
    series in the same units.

    Parameters
    ----------
    feature_index : list of int
        The feature each (flattened) output continues, among ``channels``.
    channels : list of int or None, default=None
        The features scaled (the targets of covariate windows); all if None.
    past : int or None, default=None
        The steps their statistics come from (the past of covariate
        windows); all if None.
    """

    def __init__(self, feature_index, channels=None, past=None):
        self.feature_index = list(feature_index)
        self.channels = None if channels is None else list(channels)
        self.past = past

    def windows(self, windows):
        """Scaled float32 windows, and each window's (last, scale)."""
        windows = np.array(windows, dtype=np.float64)
        channels = slice(None) if self.channels is None else self.channels
        last, scale = window_location_scale(windows[:, : self.past, channels])
        last = last.copy()  # a view of the windows, which change below
        windows[:, :, channels] = (windows[:, :, channels] - last[:, None, :]) / scale[
            :, None, :
        ]
        return windows.astype(np.float32), (last, scale)

    def targets(self, y, statistics):
        """Targets ``(n, n_outputs)`` in the units of the scaled windows."""
        last, scale = (s[:, self.feature_index] for s in statistics)
        return ((y - last) / scale).astype(np.float32)

    def outputs(self, outputs, statistics):
        """Model outputs ``(n, n_outputs)`` back in the series' units."""
        last, scale = (s[:, self.feature_index] for s in statistics)
        return outputs * scale + last

    @staticmethod
    def features(values, statistics):
        """Values ``(n, steps, n_features)`` of the windows' own features (a
        recursive forecast) back in the series' units."""
        last, scale = statistics
        return values * scale[:, np.newaxis, :] + last[:, np.newaxis, :]


def window_scaling(mode, n_features, n_outputs, target_features=None, layout=None):
    """The :class:`WindowScaling` of ``mode="window"``, or None for others.

    With a covariate ``layout``, only the targets' past steps are scaled."""
    if mode != "window":
        return None
    if layout is not None:
        n_targets = len(layout.targets)
        return WindowScaling(
            [j % n_targets for j in range(n_outputs)],
            channels=layout.targets,
            past=layout.window,
        )
    return WindowScaling(_last_feature_index(n_features, n_outputs, target_features))


def _safe_scale(values):
    """Standard deviations with zeros (constant columns) replaced by one."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(values > 0, values, 1.0)


@dataclass
class Scaling:
    """Statistics of one normalisation mode, turned into Keras layers."""

    mode: str
    x_center: np.ndarray | None = None
    x_scale: np.ndarray | None = None
    y_center: np.ndarray | None = None
    y_scale: np.ndarray | None = None
    feature_index: list | None = None

    def scale_inputs(self, windows):
        """Apply the input half of the scaling to a symbolic ``windows``."""
        if self.mode == "window":
            return ScaleWindows(name="scale_windows")(windows)
        if self.mode == "global":
            return Standardize(
                self.x_center.tolist(), self.x_scale.tolist(), name="normalize"
            )(windows)
        if self.mode == "last":
            return CenterOnLastStep(self.x_scale.tolist(), name="center_on_last")(
                windows
            )
        return windows

    def unscale_outputs(self, outputs, windows):
        """Apply the output half: back to the target's units."""
        if self.mode == "window":
            return UnscaleWindows(self.feature_index, name="unscale_windows")(
                [outputs, windows]
            )
        if self.mode == "global":
            return Standardize(
                self.y_center.tolist(),
                self.y_scale.tolist(),
                invert=True,
                name="denormalize",
            )(outputs)
        if self.mode == "last":
            return AddLastStep(
                self.y_scale.tolist(), self.feature_index, name="add_last"
            )([outputs, windows])
        return outputs


def _last_feature_index(n_features, n_outputs, target_features=None):
    """The input feature whose last value each output is relative to.

    Parameters
    ----------
    n_features : int
        Features of the input windows.
    n_outputs : int
        Values the model predicts per window (flattened).
    target_features : array-like of int, default=None
        The input feature each target column continues (-1 for none), as
        recorded in ``fit`` (see :mod:`skrnn._target_layout`).

    Returns
    -------
    list of int
        One feature index per output.
    """
    if n_features == 1:
        return [0] * n_outputs
    if target_features is not None and min(target_features) >= 0:
        return output_features(target_features, n_outputs).tolist()
    if n_outputs % n_features == 0:
        # Targets flattened from (horizon, n_features): output j is feature j % F.
        return [j % n_features for j in range(n_outputs)]
    raise ValueError(
        "normalize='last' and 'window' add each window's last value back to "
        "the outputs, so every target must be an input feature; got "
        f"{n_features} features and {n_outputs} outputs whose features are "
        "not known. Use normalize='global'."
    )


def placeholder_scaling(mode, n_features, n_outputs, target_features=None):
    """Identity statistics for ``mode``: the layers of a model whose
    statistics will be assigned later. ``target_features`` as for
    :func:`_last_feature_index`."""
    if mode is None:
        return Scaling(mode=None)
    if mode == "window":
        return Scaling(
            mode=mode,
            feature_index=_last_feature_index(n_features, n_outputs, target_features),
        )
    return Scaling(
        mode=mode,
        x_center=np.zeros(n_features),
        x_scale=np.ones(n_features),
        y_center=np.zeros(n_outputs),
        y_scale=np.ones(n_outputs),
        feature_index=_last_feature_index(n_features, n_outputs, target_features)
        if mode == "last"
        else None,
    )


def fit_scaling(mode, X, y, target_features=None):
    """Learn the statistics of normalisation ``mode`` from training windows.

    Parameters
    ----------
    mode : {"window", "global", "last"} or None
        The resolved normalisation mode.
    X : ndarray of shape (n_samples, timesteps, n_features)
        Training windows (after any ``preprocessing``).
    y : ndarray of shape (n_samples, n_outputs)
        Training targets, flattened per sample.
    target_features : array-like of int, default=None
        The input feature each target column continues, for ``"last"`` (see
        :func:`_last_feature_index`).

    Returns
    -------
    Scaling
        The statistics, ready to build layers from.
    """
    if mode is None:
        return Scaling(mode=None)
    if mode == "window":
        return placeholder_scaling(mode, X.shape[2], y.shape[1], target_features)
    if mode == "global":
        return Scaling(
            mode="global",
            x_center=X.mean(axis=(0, 1)),
            x_scale=_safe_scale(X.std(axis=(0, 1))),
            y_center=y.mean(axis=0),
            y_scale=_safe_scale(y.std(axis=0)),
        )
    feature_index = _last_feature_index(X.shape[2], y.shape[1], target_features)
    last = X[:, -1, :]
    return Scaling(
        mode="last",
        x_scale=_safe_scale(np.sqrt(np.mean((X - last[:, None, :]) ** 2, axis=(0, 1)))),
        y_scale=_safe_scale(
            np.sqrt(np.mean((y - last[:, feature_index]) ** 2, axis=0))
        ),
        feature_index=feature_index,
    )
