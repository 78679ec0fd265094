"""The standard theta method, to combine with a network's forecasts.

Simple exponential smoothing plus half the slope of the series' linear
trend (Assimakopoulos and Nikolopoulos 2000, as Hyndman and Billah 2003
write it, and R's ``forecast::thetaf``). It won the M3 competition, which
is why users compare with it; combined with a global network it brings
what a global model cannot see: each series' own trend (see the defaults
page, "Third round").
Seasonality is left to :class:`~skrnn.SeasonalAdjuster`, so the method
here is the non-seasonal one.
"""

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.signal import lfilter

from skrnn._filled import filled

# The smoothing weight is chosen in [0.01, 0.99], as statsforecast does.
_ALPHA_RANGE = (0.01, 0.99)


def _smoothed(values, alpha):
    """Simple exponential smoothing of ``values`` from the first value:
    the sum of squared one-step errors and the last level."""
    initial = np.array([(1 - alpha) * values[0]])
    levels, _ = lfilter([alpha], [1, alpha - 1], values, zi=initial)
    errors = values[1:] - levels[:-1]
    return float(errors @ errors), levels[-1]


def theta_forecast(values, steps):
    """The theta method's forecast of one series, ``steps`` ahead.

    The level of simple exponential smoothing (its weight ``alpha`` chosen
    by the least squared one-step error) plus half the series' least
    squares slope ``b``: ``level + b / 2 * (h - 1 + (1 - (1 - alpha)**n) /
    alpha)`` at lead ``h``. NaN values (gaps) are filled by linear
    interpolation first.

    Parameters
    ----------
    values : array-like of shape (n,)
        The series, oldest first, with at least one value that is not NaN.
    steps : int
        Number of values to forecast.

    Returns
    -------
    forecast : ndarray of shape (steps,)

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._theta import theta_forecast
    >>> theta_forecast(np.full(10, 5.0), 3)
    array([5., 5., 5.])
    >>> theta_forecast(np.arange(20.0), 3).round(1)
    array([19.5, 20. , 20.5])
    """
    values = filled(values)
    n = len(values)
    if n < 3:
        return np.full(steps, values[-1])
    fit = minimize_scalar(
        lambda alpha: _smoothed(values, alpha)[0],
        bounds=_ALPHA_RANGE,
        method="bounded",
    )
    alpha = fit.x
    level = _smoothed(values, alpha)[1]
    slope = np.polyfit(np.arange(n), values, 1)[0]
    leads = np.arange(steps) + (1 - (1 - alpha) ** n) / alpha
    return level + slope / 2 * leads
