"""A Keras model as bytes: how forecasters pickle and save their model.

scikeras pickles Keras models through ``load_model(compile=True)`` in safe
mode and without custom objects, so a model with a ``Lambda`` layer or a
custom loss does not unpickle. The forecasters carry their model as the
bytes of a ``.keras`` file instead, loaded back with their own callables.
Both pickling (the estimator base class) and saving (:mod:`skrnn._persistence`)
use this module.
"""

import os
import tempfile

import keras

__all__ = [
    "KerasFile",
    "model_from_bytes",
    "model_to_bytes",
    "pickle_model_state",
    "unpickle_model_state",
]

# The name of the model's file inside a temporary directory or an archive.
MODEL_FILE = "model.keras"


def _callables_by_name(values):
    """``{__name__: f}`` of the functions and classes in (nested) ``values``."""
    found = {}
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif callable(value) and isinstance(getattr(value, "__name__", None), str):
            found[value.__name__] = value
    return found


def model_to_bytes(model):
    """The ``.keras`` file of ``model``, as bytes.

    Parameters
    ----------
    model : keras.Model
        The model to save, with its compile settings and optimizer state.

    Returns
    -------
    bytes
        What ``model.save("model.keras")`` writes.
    """
    with tempfile.TemporaryDirectory() as directory:
        model_file = os.path.join(directory, MODEL_FILE)
        model.save(model_file)
        with open(model_file, "rb") as file:
            return file.read()


def model_from_bytes(data, *, safe_mode=True, custom_objects=()):
    """Load a model saved by :func:`model_to_bytes`.

    Parameters
    ----------
    data : bytes
        A ``.keras`` file.
    safe_mode : bool, default=True
        Keras's safe mode: refuse ``Lambda`` layers, which hold code.
    custom_objects : iterable, default=()
        Values (functions, classes, nested in lists or dicts) the model may
        refer to by name: a custom loss, a ``preprocessing`` function.

    Returns
    -------
    keras.Model
        The model, compiled as it was saved.
    """
    with tempfile.TemporaryDirectory() as directory:
        model_file = os.path.join(directory, MODEL_FILE)
        with open(model_file, "wb") as file:
            file.write(data)
        # keras.saving.load_model applies safe_mode to nested layers too
        # (the pickle path of Keras 3.15 does not).
        return keras.saving.load_model(
            model_file,
            safe_mode=safe_mode,
            custom_objects=_callables_by_name(custom_objects),
        )


class KerasFile(bytes):
    """A model's ``.keras`` file, standing in for the model in a pickle."""


def pickle_model_state(state):
    """``state`` (a ``__getstate__`` dict) with ``model_`` as a :class:`KerasFile`,
    which :func:`unpickle_model_state` loads with the estimator's own
    callables."""
    if isinstance(state.get("model_"), keras.Model):
        state = {**state, "model_": KerasFile(model_to_bytes(state["model_"]))}
    return state


def unpickle_model_state(state):
    """Inverse of :func:`pickle_model_state`, for ``__setstate__``."""
    if isinstance(state.get("model_"), KerasFile):
        # Unpickling runs code whatever Keras does: its safe mode adds nothing.
        model = model_from_bytes(
            state["model_"], safe_mode=False, custom_objects=list(state.values())
        )
        state = {**state, "model_": model}
    return state
