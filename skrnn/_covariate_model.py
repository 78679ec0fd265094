"""The inputs of a model whose windows hold covariates.

A window of a :class:`~skrnn._layout.WindowLayout` holds ``window`` past
steps and ``horizon`` future ones. The model reads, at every step:

- the targets, scaled as ``normalize`` says (by the past steps alone), at
  the past steps; zeros at the future steps, which hold values the model
  must not see;
- the past covariates, standardised, likewise at the past steps only;
- the future-known covariates, standardised, at every step;
- a 0/1 channel that marks the future steps;

categorical covariates through an embedding each. The static covariates
(read at the first step) are standardised or embedded, repeated at every
step beside those inputs, and also returned apart, for the model to join to
the recurrent stack's output before the dense head. Every layer here is a
registered, serialisable Keras layer.
"""

import dataclasses
from numbers import Integral

import keras
import numpy as np
from keras import ops

from skrnn._scaling import Scaling, Standardize, fit_scaling, placeholder_scaling

# Width of the embedding of a categorical covariate with k categories.
MAX_EMBEDDING = 8


@keras.saving.register_keras_serializable(package="skrnn")
class SelectFeatures(keras.layers.Layer):
    """``windows[:, first:last, indices]``: some features over some steps.

    Parameters
    ----------
    indices : list of int
        Features (last axis) to keep.
    first, last : int or None, default=0, None
        The steps to keep, as a slice.
    """

    def __init__(self, indices, first=0, last=None, **kwargs):
        super().__init__(**kwargs)
        self.indices = [int(i) for i in indices]
        self.first = int(first)
        self.last = None if last is None else int(last)

    def call(self, windows):
        return ops.take(windows[:, self.first : self.last], self.indices, axis=-1)

    def compute_output_shape(self, input_shape):
        steps = len(range(input_shape[1])[self.first : self.last])
        return (input_shape[0], steps, len(self.indices))

    def get_config(self):
        config = {"indices": self.indices, "first": self.first, "last": self.last}
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="skrnn")
class PadFuture(keras.layers.Layer):
    """Append ``horizon`` steps of zeros: the past-only inputs' future."""

    def __init__(self, horizon, **kwargs):
        super().__init__(**kwargs)
        self.horizon = int(horizon)

    def call(self, values):
        return ops.pad(values, [[0, 0], [0, self.horizon], [0, 0]])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + self.horizon, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "horizon": self.horizon}


@keras.saving.register_keras_serializable(package="skrnn")
class ShiftSteps(keras.layers.Layer):
    """``values`` ``lag`` steps later: step t holds step t - lag, the first
    ``lag`` steps zeros."""

    def __init__(self, lag, **kwargs):
        super().__init__(**kwargs)
        self.lag = int(lag)

    def call(self, values):
        shifted = ops.pad(values, [[0, 0], [self.lag, 0], [0, 0]])
        return shifted[:, : ops.shape(values)[1]]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "lag": self.lag}


@keras.saving.register_keras_serializable(package="skrnn")
class ReverseSteps(keras.layers.Layer):
    """The steps in reverse order (a backward recurrent layer's outputs back
    in time order)."""

    def call(self, values):
        return ops.flip(values, axis=1)

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="skrnn")
class FutureSteps(keras.layers.Layer):
    """A channel that is 0 at the ``window`` past steps and 1 after."""

    def __init__(self, window, **kwargs):
        super().__init__(**kwargs)
        self.window = int(window)

    def call(self, windows):
        steps = ops.arange(ops.shape(windows)[1])
        marks = ops.cast(steps >= self.window, windows.dtype)[None, :, None]
        return ops.zeros_like(windows[:, :, :1]) + marks

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], 1)

    def get_config(self):
        return {**super().get_config(), "window": self.window}


@keras.saving.register_keras_serializable(package="skrnn")
class CategoryCodes(keras.layers.Layer):
    """Float codes (0 unknown, 1..k) as int32 indices for an embedding."""

    def __init__(self, n_categories, **kwargs):
        super().__init__(**kwargs)
        self.n_categories = int(n_categories)

    def call(self, codes):
        codes = ops.where(ops.isnan(codes), ops.zeros_like(codes), codes)
        codes = ops.clip(ops.round(codes), 0, self.n_categories)
        return ops.cast(codes[..., 0], "int32")

    def compute_output_shape(self, input_shape):
        return input_shape[:-1]

    def get_config(self):
        return {**super().get_config(), "n_categories": self.n_categories}


def check_future_inputs(target_lags, lookahead, layout):
    """Refuse ``target_lags`` and ``lookahead`` (before any backend work)
    where they have no meaning: they read the steps of a forecast's horizon,
    which only windows with future-known covariates hold."""
    if not target_lags and not lookahead:
        return
    given = f"target_lags={target_lags!r}" if target_lags else "lookahead=True"
    if layout is None or not layout.horizon:
        raise ValueError(
            f"{given} feeds the forecast's horizon steps, which only windows "
            "with future-known covariates have: cut them with "
            "make_windows(..., future=[...]), or leave the default."
        )
    window = layout.window
    for lag in target_lags:
        if (
            isinstance(lag, bool)
            or not isinstance(lag, Integral)
            or not 1 <= lag <= window
        ):
            raise ValueError(
                f"target_lags={target_lags!r}: each lag must be an int from 1 "
                f"to the window's {window} past steps (to read a step inside "
                f"the window), got {lag!r}."
            )
    if len(set(target_lags)) < len(target_lags):
        raise ValueError(
            f"target_lags={target_lags!r} repeats a lag: give each lag once."
        )


@dataclasses.dataclass
class CovariateScaling:
    """The scaling of the targets and the statistics of the numeric covariates.

    Attributes
    ----------
    target : Scaling
        ``normalize``'s scaling of the target features' past steps.
    center, scale : dict of int to float
        Mean and standard deviation of each numeric covariate.
    """

    target: Scaling
    center: dict
    scale: dict


def _numeric(layout, indices):
    return [j for j in indices if j not in layout.categories]


def covariate_statistics(layout, windows):
    """Mean and standard deviation of each numeric covariate of ``windows``
    (past ones over the past steps, future ones over all, static ones at
    the first step)."""
    center, scale = {}, {}
    steps = {"past": slice(0, layout.window), "future": slice(None), "static": 0}
    for kind in steps:
        for j in _numeric(layout, getattr(layout, kind)):
            values = windows[:, steps[kind], j]
            values = values[~np.isnan(values)]
            center[j] = float(values.mean()) if len(values) else 0.0
            spread = float(values.std()) if len(values) else 0.0
            scale[j] = spread if spread > 0 else 1.0
    return center, scale


def _standardize(values, indices, scaling, name):
    return Standardize(
        [scaling.center[j] for j in indices],
        [scaling.scale[j] for j in indices],
        name=name,
    )(values)


def _embedding(codes, layout, j, seeds, name):
    n_categories = len(layout.categories[j])
    width = min(MAX_EMBEDDING, (n_categories + 2) // 2)
    codes = CategoryCodes(n_categories, name=f"{name}_codes")(codes)
    return keras.layers.Embedding(
        n_categories + 1,
        width,
        embeddings_initializer=keras.initializers.RandomUniform(
            -0.05, 0.05, seed=seeds()
        ),
        name=name,
    )(codes)


def covariate_inputs(windows, layout, scaling, seeds, target_lags=()):
    """The model's per-step inputs and static inputs for ``layout``.

    Parameters
    ----------
    windows : KerasTensor of shape (batch, layout.length, n_features)
    layout : WindowLayout
    scaling : CovariateScaling
    seeds : callable
        Gives a seed per initialiser.
    target_lags : tuple of int, default=()
        Also give each step the scaled targets this many steps before it
        (zeros where that step is before the window or in its future).

    Returns
    -------
    sequence : KerasTensor of shape (batch, layout.length, channels)
    static : KerasTensor of shape (batch, width) or None
    target_windows : KerasTensor of shape (batch, layout.window, n_targets)
        The targets' past steps, which the output scaling reads.
    """
    window, horizon = layout.window, layout.horizon

    def past_only(values):
        return PadFuture(horizon)(values) if horizon else values

    target_windows = SelectFeatures(layout.targets, 0, window, name="targets")(windows)
    parts = [past_only(scaling.target.scale_inputs(target_windows))]
    parts += [
        ShiftSteps(lag, name=f"target_lag_{lag}")(parts[0]) for lag in target_lags
    ]
    for kind, first, last in (("past", 0, window), ("future", 0, None)):
        indices = getattr(layout, kind)
        numeric = _numeric(layout, indices)
        if numeric:
            values = SelectFeatures(numeric, first, last, name=f"{kind}_numeric")(
                windows
            )
            values = _standardize(values, numeric, scaling, f"{kind}_standardize")
            parts.append(past_only(values) if kind == "past" else values)
        for j in indices:
            if j in layout.categories:
                codes = SelectFeatures([j], first, last, name=f"{kind}_{j}")(windows)
                embedded = _embedding(codes, layout, j, seeds, f"{kind}_{j}_embed")
                parts.append(past_only(embedded) if kind == "past" else embedded)
    if horizon:
        parts.append(FutureSteps(window, name="future_steps")(windows))
    static = _static_inputs(windows, layout, scaling, seeds)
    if static is not None:
        # Every step reads the statics, so that the recurrent cells can make
        # a step's effect depend on them (a promotion's gain on the kind of
        # store): a head that only adds them can shift a forecast, not that.
        parts.append(
            keras.layers.RepeatVector(layout.length, name="static_every_step")(static)
        )
    sequence = (
        parts[0]
        if len(parts) == 1
        else keras.layers.Concatenate(name="step_inputs")(parts)
    )
    return sequence, static, target_windows


def _static_inputs(windows, layout, scaling, seeds):
    """The static covariates, standardised or embedded, as one vector."""
    static_parts = []
    numeric = _numeric(layout, layout.static)
    if numeric:
        values = SelectFeatures(numeric, 0, 1, name="static_numeric")(windows)
        values = _standardize(values, numeric, scaling, "static_standardize")
        static_parts.append(keras.layers.Flatten(name="static_flat")(values))
    for j in layout.static:
        if j in layout.categories:
            codes = SelectFeatures([j], 0, 1, name=f"static_{j}")(windows)
            embedded = _embedding(codes, layout, j, seeds, f"static_{j}_embed")
            static_parts.append(keras.layers.Flatten(name=f"static_{j}_flat")(embedded))
    static = None
    if static_parts:
        static = (
            static_parts[0]
            if len(static_parts) == 1
            else keras.layers.Concatenate(name="static_inputs")(static_parts)
        )
    return static


def model_scaling(
    mode, n_features, n_outputs, target_features, layout=None, windows=None, y=None
):
    """The scaling a model is built with.

    Learned from ``windows`` (a sample of the training windows, after any
    ``preprocessing``) and their flattened targets ``y`` where ``mode`` has
    statistics; identity statistics, to be assigned later, without them (a
    trainer's model). With a covariate ``layout``, a
    :class:`CovariateScaling`: ``mode`` scales the targets' past steps and
    the numeric covariates are standardised.
    """
    learn = windows is not None and mode in ("global", "last")
    if layout is None:
        if learn:
            return fit_scaling(mode, windows, y, target_features)
        return placeholder_scaling(mode, n_features, n_outputs, target_features)
    target_features = np.arange(len(layout.targets))
    if learn:
        target_windows = windows[:, : layout.window][:, :, list(layout.targets)]
        target = fit_scaling(mode, target_windows, y, target_features)
    else:
        target = placeholder_scaling(
            mode, len(target_features), n_outputs, target_features
        )
    if windows is None:
        numeric = [
            j
            for kind in ("past", "future", "static")
            for j in _numeric(layout, getattr(layout, kind))
        ]
        center, scale = dict.fromkeys(numeric, 0.0), dict.fromkeys(numeric, 1.0)
    else:
        center, scale = covariate_statistics(layout, windows)
    return CovariateScaling(target=target, center=center, scale=scale)
