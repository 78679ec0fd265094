"""Turn the ``loss``, ``optimizer`` and ``metrics`` parameters into Keras objects.

Names resolve to classes (not functions or shared instances) so that
routed parameters such as ``loss__delta`` or ``optimizer__momentum`` can be
applied, and so that every fit gets a fresh optimizer.
"""

import inspect

import keras

from skrnn._scikeras_compat import unflatten_params

# Lower-case names users write, mapped to the Keras classes that take options.
LOSSES = {
    "huber": keras.losses.Huber,
    "mse": keras.losses.MeanSquaredError,
    "mean_squared_error": keras.losses.MeanSquaredError,
    "mae": keras.losses.MeanAbsoluteError,
    "mean_absolute_error": keras.losses.MeanAbsoluteError,
    "log_cosh": keras.losses.LogCosh,
    "mape": keras.losses.MeanAbsolutePercentageError,
    "msle": keras.losses.MeanSquaredLogarithmicError,
}


def resolve_loss(loss):
    """A loss class, instance or function for ``loss``.

    Raises
    ------
    ValueError
        If ``loss`` is a string Keras does not know.
    """
    if not isinstance(loss, str):
        return loss
    if loss.lower() in LOSSES:
        return LOSSES[loss.lower()]
    try:
        return keras.losses.get(loss)
    except ValueError:
        raise ValueError(
            f"loss={loss!r} is not a Keras loss. Use one of {sorted(LOSSES)}, "
            "another name from keras.losses, or a keras.losses.Loss."
        ) from None


def resolve_optimizer(optimizer, params):
    """A fresh optimizer built from ``optimizer`` and routed ``params``.

    Parameters
    ----------
    optimizer : str, keras.optimizers.Optimizer or its class
        The ``optimizer`` parameter. An instance is copied (with ``params``
        applied), never reused, so that each fit starts from a fresh state.
    params : dict
        Routed ``optimizer__*`` parameters.

    Raises
    ------
    ValueError
        If ``optimizer`` is a string Keras does not know.
    """
    if isinstance(optimizer, str):
        try:
            optimizer = type(keras.optimizers.get(optimizer))
        except ValueError:
            raise ValueError(
                f"optimizer={optimizer!r} is not a Keras optimizer. Use a name "
                "such as 'adam', 'sgd', 'rmsprop' or 'adamw', or a "
                "keras.optimizers.Optimizer."
            ) from None
    if isinstance(optimizer, keras.optimizers.Optimizer):
        config = {**optimizer.get_config(), **params}
        return type(optimizer).from_config(config)
    if not (
        inspect.isclass(optimizer) and issubclass(optimizer, keras.optimizers.Optimizer)
    ):
        raise TypeError(
            f"optimizer must be a name, a keras.optimizers.Optimizer or its "
            f"class; got {optimizer!r}."
        )
    return unflatten_params(optimizer, params)
