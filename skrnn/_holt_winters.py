"""Damped additive Holt-Winters, to combine with a network's forecasts.

Exponential smoothing of a level, a damped trend and an additive seasonal
pattern (ETS(A,Ad,A) in Hyndman's taxonomy; damped Holt for one season).
Beside a global network it brings each series' own level, trend and the
seasonal pattern that is left after :class:`~skrnn.SeasonalAdjuster`, in
the series' units where the network's seasons are multiplicative; its mean
with the network was ahead of the network alone and of its mean with the
theta method on every validation panel of the study (the defaults page,
"Fourth round").

The smoothing weights are the best of a small grid by the sum of squared
one-step errors, the series' first season gives the initial level, the
first two its trend, and the seasonal states start at 0. A finer grid fits
the history better and forecasts worse (measured on the validation tails).
"""

import numpy as np

from skrnn._filled import filled

# The grid of smoothing weights: level (alpha), trend (beta <= alpha),
# season (gamma <= 1 - alpha) and the trend's damping (phi).
_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.8)
_BETAS = (0.0, 0.02, 0.05, 0.15)
_GAMMAS = (0.0, 0.05, 0.15, 0.3)
_PHIS = (0.8, 0.9, 0.98)


def _weights(seasonal):
    """The grid's weights as four flat arrays, ``gamma = 0`` alone when
    there is no season."""
    gammas = _GAMMAS if seasonal else (0.0,)
    grid = np.meshgrid(_ALPHAS, _BETAS, gammas, _PHIS, indexing="ij")
    alpha, beta, gamma, phi = (weights.ravel() for weights in grid)
    keep = (beta <= alpha) & (gamma <= 1 - alpha)
    return alpha[keep], beta[keep], gamma[keep], phi[keep]


def smooth(values, m, alpha, beta, gamma, phi):
    """Run the smoothing over ``values`` for each set of weights (arrays
    of one length): the sums of squared one-step errors and the final
    level, trend and seasonal states ``(len(alpha), m)``."""
    if m > 1:
        first, second = values[:m].mean(), values[m : 2 * m].mean()
        level0, trend0 = first, (second - first) / m
    else:
        level0, trend0 = values[0], values[1] - values[0]
    level = np.full(len(alpha), level0)
    trend = np.full(len(alpha), trend0)
    season = np.zeros((len(alpha), m))
    sse = np.zeros(len(alpha))
    for t, value in enumerate(values):
        j = t % m
        damped = phi * trend
        error = value - (level + damped + season[:, j])
        sse += error * error
        level = level + damped + alpha * error
        trend = damped + beta * error
        season[:, j] += gamma * error
    return sse, level, trend, season


def holt_winters_forecast(values, steps, season_length=1):
    """The damped additive Holt-Winters forecast of one series.

    At lead ``h`` the forecast is ``level + (phi + ... + phi**h) * trend +
    season[(n + h - 1) % m]`` with the states and weights that fit the
    series best (see the module's docstring). A series shorter than two
    seasons is smoothed without a season; NaN values (gaps) are filled by
    linear interpolation first.

    Parameters
    ----------
    values : array-like of shape (n,)
        The series, oldest first, with at least one value that is not NaN.
    steps : int
        Number of values to forecast.
    season_length : int, default=1
        Time steps per season; 1 is the damped trend method.

    Returns
    -------
    forecast : ndarray of shape (steps,)

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._holt_winters import holt_winters_forecast
    >>> holt_winters_forecast(np.full(12, 5.0), 3)
    array([5., 5., 5.])
    >>> season = np.tile([1.0, -1.0, 2.0, -2.0], 6)
    >>> holt_winters_forecast(10 + season, 4, season_length=4).round(1)
    array([10.9, 9.1, 11.8, 8.2])
    """
    values = filled(values)
    n = len(values)
    if n < 3:
        return np.full(steps, values[-1])
    m = season_length if n >= 2 * season_length else 1
    alpha, beta, gamma, phi = _weights(m > 1)
    sse, level, trend, season = smooth(values, m, alpha, beta, gamma, phi)
    best = np.argmin(sse)
    leads = np.arange(1, steps + 1)
    damping = np.cumsum(phi[best] ** leads)
    return level[best] + damping * trend[best] + season[best, (n + leads - 1) % m]
