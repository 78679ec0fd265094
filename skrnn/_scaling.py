"""Scaling learned in ``fit`` and embedded in the Keras model as layers.

The layers here are registered, serialisable Keras layers (no ``Lambda``),
so a saved model is the whole predictor and loads in Keras's safe mode.
"""

from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

NORMALIZE_MODES = ("auto", "global", "last")


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


def resolve_normalize(normalize, n_features):
    """The mode ``normalize="auto"`` stands for with ``n_features`` features."""
    if normalize == "auto":
        return "last" if n_features == 1 else "global"
    return normalize


def _last_feature_index(n_features, n_outputs):
    """The input feature whose last value each output is relative to."""
    if n_features == 1:
        return [0] * n_outputs
    if n_outputs % n_features == 0:
        # Targets flattened from (horizon, n_features): output j is feature j % F.
        return [j % n_features for j in range(n_outputs)]
    raise ValueError(
        f"normalize='last' adds each window's last value back to the outputs, "
        f"so it needs one input feature or one target per input feature; got "
        f"{n_features} features and {n_outputs} outputs. Use "
        "normalize='global'."
    )


def placeholder_scaling(mode, n_features, n_outputs):
    """Identity statistics for ``mode``: the layers of a model whose
    statistics will be assigned later."""
    if mode is None:
        return Scaling(mode=None)
    return Scaling(
        mode=mode,
        x_center=np.zeros(n_features),
        x_scale=np.ones(n_features),
        y_center=np.zeros(n_outputs),
        y_scale=np.ones(n_outputs),
        feature_index=_last_feature_index(n_features, n_outputs)
        if mode == "last"
        else None,
    )


def fit_scaling(mode, X, y):
    """Learn the statistics of normalisation ``mode`` from training windows.

    Parameters
    ----------
    mode : {"global", "last"} or None
        The resolved normalisation mode.
    X : ndarray of shape (n_samples, timesteps, n_features)
        Training windows (after any ``preprocessing``).
    y : ndarray of shape (n_samples, n_outputs)
        Training targets, flattened per sample.

    Returns
    -------
    Scaling
        The statistics, ready to build layers from.
    """
    if mode is None:
        return Scaling(mode=None)
    if mode == "global":
        return Scaling(
            mode="global",
            x_center=X.mean(axis=(0, 1)),
            x_scale=_safe_scale(X.std(axis=(0, 1))),
            y_center=y.mean(axis=0),
            y_scale=_safe_scale(y.std(axis=0)),
        )
    feature_index = _last_feature_index(X.shape[2], y.shape[1])
    last = X[:, -1, :]
    return Scaling(
        mode="last",
        x_scale=_safe_scale(np.sqrt(np.mean((X - last[:, None, :]) ** 2, axis=(0, 1)))),
        y_scale=_safe_scale(
            np.sqrt(np.mean((y - last[:, feature_index]) ** 2, axis=0))
        ),
        feature_index=feature_index,
    )
