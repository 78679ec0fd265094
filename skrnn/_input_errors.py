"""Input-validation errors that name the argument at fault and the fix.

scikit-learn's validation messages are precise but anonymous ("could not
convert string to float: 'a'"). These helpers add which argument was wrong
and what to do, and keep the original exception type and text, which
scikit-learn's estimator checks match on.
"""

import contextlib
import re

import numpy as np


def _error_like(error, message):
    kind = TypeError if isinstance(error, TypeError) else ValueError
    return kind(message)


@contextlib.contextmanager
def naming_input(name):
    """Re-raise validation errors of the block with ``name`` in the message.

    Parameters
    ----------
    name : str
        The argument being validated, e.g. ``"X"`` or ``"series"``.
    """
    try:
        yield
    except (TypeError, ValueError) as error:
        text = str(error)
        if re.search(r"convert|string", text):
            raise _error_like(
                error,
                f"{name} must hold numbers ({text.rstrip('.')}). Convert or "
                "drop text columns first, e.g. with "
                "DataFrame.select_dtypes('number').",
            ) from error
        if re.search(rf"\b{re.escape(name)}\b", text):
            raise
        raise _error_like(error, f"Invalid {name}: {text}") from error


def _text_value(values):
    """The first string or bytes value of an object array, or None."""
    return next((v for v in values.flat if isinstance(v, str | bytes)), None)


def _value_arrays(data):
    """``data`` as numpy arrays to check for text: the non-numeric columns
    of a DataFrame (numeric ones are never copied), else all of it."""
    if hasattr(data, "columns") and hasattr(data, "items"):
        return [
            np.asarray(column)
            for _, column in data.items()
            if getattr(column.dtype, "kind", "O") not in "biufc"
        ]
    if hasattr(data, "dtype"):
        if getattr(data.dtype, "kind", "O") in "biufc":
            return []  # numbers, whatever the container: nothing to copy
        return [data if isinstance(data, np.ndarray) else np.asarray(data)]
    try:
        return [np.asarray(data)]
    except (TypeError, ValueError):  # ragged nested lists: check_array says so
        return []


def check_numeric(data, name):
    """Refuse ``data`` that holds text, even text that reads as numbers.

    scikit-learn's ``check_array(dtype=float)`` converts ``"1.5"`` to 1.5
    without a word; a forecaster given text most likely got the wrong
    column. Object arrays of numbers pass, as scikit-learn requires.

    Parameters
    ----------
    data : array-like
        The argument, before any conversion.
    name : str
        Its name, for the message.

    Raises
    ------
    ValueError
        If ``data`` has a string dtype or holds a ``str`` or ``bytes``.
    """
    for values in _value_arrays(data):
        if values.size == 0:
            continue
        if values.dtype.kind in "SU":
            text = values.flat[0].item()
        elif values.dtype.kind == "O":
            text = _text_value(values)
        else:
            continue
        if text is not None:
            raise ValueError(
                f"{name} must hold numbers, but it holds text such as {text!r}: "
                f"convert numbers written as text first (e.g. {name}.astype(float)) "
                "and drop text columns (e.g. with DataFrame.select_dtypes('number'))."
            )


def array_shape(data):
    """Shape of array-like ``data``; ``()`` when numpy cannot tell."""
    shape = getattr(data, "shape", None)
    if shape is None:
        try:
            shape = np.asarray(data).shape
        except (TypeError, ValueError):  # ragged nested lists, odd containers
            shape = ()
    return tuple(shape)


def input_ndim(X):
    """Number of dimensions of array-like ``X``, or None if numpy cannot tell."""
    ndim = getattr(X, "ndim", None)
    if isinstance(ndim, int):
        return ndim
    try:
        return np.asarray(X).ndim
    except (TypeError, ValueError):  # ragged nested lists, odd containers
        return None


def _shape(X):
    return getattr(X, "shape", None) or np.asarray(X).shape


def check_table_ndim(X, owner, *, rows, fix_1d):
    """Refuse 1-D or 3-D+ ``X`` where ``owner`` needs a 2-D table.

    Parameters
    ----------
    X : array-like
        The input of ``owner.fit`` or ``owner.transform``.
    owner : str
        The class name, for the message.
    rows : str
        What a row of ``X`` is, e.g. ``"one row per time step"``.
    fix_1d : str
        How to turn the likely 1-D input into a valid ``X``.
    """
    ndim = input_ndim(X)
    if ndim == 1:
        raise ValueError(
            f"{owner} expects X of shape (n_samples, n_features), {rows}; got "
            f"a 1-D array of shape {_shape(X)}. Reshape your data: {fix_1d}"
        )
    if ndim is not None and ndim != 2:
        hint = " Pass the series or lag table itself, not windows." if ndim > 2 else ""
        raise ValueError(
            f"{owner} expects X of shape (n_samples, n_features); got a "
            f"{ndim}-D array of shape {_shape(X)}.{hint}"
        )
