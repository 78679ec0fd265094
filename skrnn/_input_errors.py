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
