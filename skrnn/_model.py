"""Build the Keras model behind a forecaster from plain parameters.

Only Keras layers and ``keras.ops`` are used, so every Keras backend
(TensorFlow, JAX, PyTorch) builds and trains the same model.
"""

import keras

from skrnn._covariate_model import ReverseSteps, covariate_inputs
from skrnn._random import SeedSequence


def _recurrent_layer(
    cell,
    units,
    *,
    return_sequences,
    dropout,
    recurrent_dropout,
    seeds,
    name,
    go_backwards=False,
):
    return cell(
        units,
        return_sequences=return_sequences,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seeds()),
        seed=seeds(),
        go_backwards=go_backwards,
        name=name,
    )


def build_model(
    *,
    cell,
    input_shape,
    n_outputs,
    units,
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    conv_filters=None,
    kernel_size=3,
    dense_units=(),
    scaling,
    output_scale=1.0,
    preprocessing=None,
    postprocessing=None,
    layout=None,
    target_lags=(),
    lookahead=False,
    seed=None,
):
    """Build an uncompiled forecasting model.

    The layers run in this order: ``preprocessing`` (Lambda), input scaling,
    an optional causal ``Conv1D``, the recurrent stack (each layer optionally
    ``Bidirectional``), hidden ``Dense`` layers, the linear ``Dense`` output,
    ``output_scale`` (``Rescaling``), output unscaling and
    ``postprocessing`` (Lambda).

    Parameters
    ----------
    cell : type
        ``keras.layers.SimpleRNN``, ``LSTM`` or ``GRU``.
    input_shape : tuple of int
        ``(timesteps, n_features)`` of one window.
    n_outputs : int
        Width of the output layer.
    units : tuple of int
        Units of each recurrent layer, first to last.
    scaling : Scaling or CovariateScaling
        Learned normalisation, see :func:`skrnn._scaling.fit_scaling`; with
        ``layout``, a :class:`~skrnn._covariate_model.CovariateScaling`.
    layout : WindowLayout or None, default=None
        The roles of the windows' features, for windows with covariates
        (see :mod:`skrnn._covariate_model`).
    seed : int or None
        Seed from which every layer's seed is derived.
    **others
        See the forecasters' parameters of the same names.

    Returns
    -------
    keras.Model
        Maps ``(batch, timesteps, n_features)`` to ``(batch, n_outputs)``.
    """
    seeds = SeedSequence(seed)
    inputs = keras.Input(shape=input_shape, name="windows")
    windows = inputs
    if preprocessing is not None:
        windows = keras.layers.Lambda(preprocessing, name="preprocessing")(windows)
    if layout is None:
        x = scaling.scale_inputs(windows)
        static, target_scaling, target_windows = None, scaling, windows
    else:
        x, static, target_windows = covariate_inputs(
            windows, layout, scaling, seeds, target_lags
        )
        target_scaling = scaling.target
    if conv_filters is not None:
        x = keras.layers.Conv1D(
            conv_filters,
            kernel_size,
            padding="causal",
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()),
            name="conv1d",
        )(x)
    # With future-known covariates the output at each future step reads the
    # recurrent state at that step (which has seen the past and the known
    # future up to it) and the step's own inputs, one Dense shared by the
    # steps: the state need not carry every future step to the last one.
    per_step = layout is not None and layout.horizon > 0
    step_inputs = x
    for i, n_units in enumerate(units):
        options = {
            "return_sequences": per_step or i < len(units) - 1,
            "dropout": dropout,
            "recurrent_dropout": recurrent_dropout,
            "seeds": seeds,
        }
        layer = _recurrent_layer(cell, n_units, name=f"recurrent_{i}", **options)
        if bidirectional:
            backward = _recurrent_layer(
                cell,
                n_units,
                name=f"recurrent_{i}_backward",
                go_backwards=True,
                **options,
            )
            layer = keras.layers.Bidirectional(
                layer, backward_layer=backward, name=f"bidirectional_{i}"
            )
        x = layer(x)
    if per_step:
        future = keras.layers.Cropping1D((layout.window, 0), name="future_states")
        inputs_ahead = keras.layers.Cropping1D((layout.window, 0), name="future_inputs")
        inputs_ahead = inputs_ahead(step_inputs)
        parts = [future(x), inputs_ahead]
        if lookahead:
            # A backward pass over the horizon's inputs: each step also reads
            # what the known future holds after it (a storm this afternoon).
            backward = _recurrent_layer(
                cell,
                max(units[-1] // 2, 4),
                return_sequences=True,
                dropout=dropout,
                recurrent_dropout=recurrent_dropout,
                seeds=seeds,
                go_backwards=True,
                name="lookahead",
            )(inputs_ahead)
            parts.append(ReverseSteps(name="lookahead_in_order")(backward))
        x = keras.layers.Concatenate(name="with_inputs")(parts)
    if static is not None:
        static = keras.layers.Dense(
            max(units[-1] // 2, 4),
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()),
            name="static_dense",
        )(static)
        if per_step:
            static = keras.layers.RepeatVector(layout.horizon, name="static_steps")(
                static
            )
        x = keras.layers.Concatenate(name="with_static")([x, static])
    for i, n_units in enumerate(dense_units):
        x = keras.layers.Dense(
            n_units,
            activation="relu",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()),
            name=f"dense_{i}",
        )(x)
    x = keras.layers.Dense(
        n_outputs // layout.horizon if per_step else n_outputs,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds()),
        name="output",
    )(x)
    if per_step:
        # (batch, horizon, n_targets) -> y's flattened (step, target) order.
        x = keras.layers.Reshape((n_outputs,), name="output_steps")(x)
    if output_scale != 1.0:
        x = keras.layers.Rescaling(output_scale, name="output_scale")(x)
    outputs = target_scaling.unscale_outputs(x, target_windows)
    if postprocessing is not None:
        outputs = keras.layers.Lambda(postprocessing, name="postprocessing")(outputs)
    return keras.Model(inputs, outputs, name=f"{cell.__name__.lower()}_forecaster")
