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


def _routed_error(prefix, target, params, error):
    """``error`` from building ``target`` with routed ``params``, naming them."""
    routed = ", ".join(f"{prefix}__{name}={value!r}" for name, value in params.items())
    name = getattr(target, "__name__", type(target).__name__)
    kind = TypeError if isinstance(error, TypeError) else ValueError
    return kind(
        f"{name} rejected the routed parameters {routed}: "
        f"{str(error).rstrip('.')}. Check their names and values against "
        f"{name}'s arguments."
    )


def resolve_loss(loss, params=None):
    """A loss class, instance or function for ``loss``.

    Parameters
    ----------
    loss : str, keras.losses.Loss, its class or callable
        The ``loss`` parameter.
    params : dict or None, default=None
        Routed ``loss__*`` parameters. When given, the loss is built with
        them (a class is instantiated) and returned ready for ``compile``.

    Raises
    ------
    ValueError
        If ``loss`` is a string Keras does not know, or the loss rejects a
        routed parameter (``TypeError`` for an unknown argument name).
    """
    if isinstance(loss, str):
        if loss.lower() in LOSSES:
            loss = LOSSES[loss.lower()]
        else:
            try:
                loss = keras.losses.get(loss)
            except ValueError:
                raise ValueError(
                    f"loss={loss!r} is not a Keras loss. Use one of "
                    f"{sorted(LOSSES)}, another name from keras.losses, or a "
                    "keras.losses.Loss."
                ) from None
    if params is None:
        return loss
    try:
        return unflatten_params(loss, params)
    except (TypeError, ValueError) as error:
        raise _routed_error("loss", loss, params, error) from error


def resolve_metrics(metrics, params=None):
    """Check the ``metrics`` parameter and apply routed ``metrics__*`` params.

    Raises
    ------
    ValueError
        If a metric name is not one Keras knows.
    """
    if metrics is None:
        return None
    for metric in metrics:
        if isinstance(metric, str):
            try:
                keras.metrics.get(metric)
            except ValueError:
                raise ValueError(
                    f"metrics={list(metrics)!r}: {metric!r} is not a Keras "
                    "metric. Use names such as 'mae', 'mse' or 'rmse' "
                    "(keras.metrics), or keras.metrics.Metric instances."
                ) from None
    return unflatten_params(list(metrics), params or {})


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
        If ``optimizer`` is a string Keras does not know, or the optimizer
        rejects a routed parameter (``TypeError`` for an unknown argument).
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
        try:
            return type(optimizer).from_config({**optimizer.get_config(), **params})
        except (TypeError, ValueError) as error:
            raise _routed_error("optimizer", type(optimizer), params, error) from error
    if not (
        inspect.isclass(optimizer) and issubclass(optimizer, keras.optimizers.Optimizer)
    ):
        raise TypeError(
            f"optimizer must be a name, a keras.optimizers.Optimizer or its "
            f"class; got {optimizer!r}."
        )
    try:
        return unflatten_params(optimizer, params)
    except (TypeError, ValueError) as error:
        raise _routed_error("optimizer", optimizer, params, error) from error
