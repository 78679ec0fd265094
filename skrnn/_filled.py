"""Gaps filled for the statistical methods that ``combine=`` fits."""

import numpy as np


def filled(values):
    """``values`` as float64 with NaN values (gaps) filled by linear
    interpolation, and the first and last known values carried outwards.

    >>> from skrnn._filled import filled
    >>> filled([1.0, float("nan"), 3.0, float("nan")])
    array([1., 2., 3., 3.])
    """
    values = np.asarray(values, dtype=np.float64)
    known = ~np.isnan(values)
    t = np.arange(len(values))
    return np.interp(t, t[known], values[known])
