"""The ``bounds`` parameter: physical limits applied to what a forecaster
returns, never to what it trains on.

Clipping inside the trained model would stop the gradient wherever an
output lies beyond a bound, so the model could not learn its way back;
``fit`` trains unclipped and ``predict``, ``predict_interval`` and
``forecast`` (fed-back values included) clip.
"""

from numbers import Real

import numpy as np


def check_bounds(bounds):
    """``bounds`` as ``(low, high)`` floats, ``-inf``/``inf`` for open sides.

    Parameters
    ----------
    bounds : None or tuple of (float or None, float or None)
        The forecaster's parameter.

    Returns
    -------
    (low, high) : tuple of float, or None when nothing is to be clipped
    """
    if bounds is None:
        return None
    sides = tuple(bounds) if isinstance(bounds, tuple | list) else None
    valid = sides is not None and len(sides) == 2
    valid = valid and all(
        side is None
        or (isinstance(side, Real) and not isinstance(side, bool) and np.isfinite(side))
        for side in sides
    )
    if valid:
        low = -np.inf if sides[0] is None else float(sides[0])
        high = np.inf if sides[1] is None else float(sides[1])
        if low < high:
            return None if (low, high) == (-np.inf, np.inf) else (low, high)
    raise ValueError(
        f"bounds must be None or a pair (low, high) of finite numbers with "
        f"low < high, None for an open side, e.g. bounds=(0, None) for a "
        f"series that cannot go negative; got {bounds!r}."
    )


def clip(values, bounds):
    """``values`` clipped to ``bounds`` (a :func:`check_bounds` result)."""
    if bounds is None:
        return values
    return np.clip(values, *bounds)
