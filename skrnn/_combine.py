"""``combine=``: a network's forecasts averaged with a statistical method's.

The statistical method is fitted to each history that ``forecast`` is given
(and, when calibrating intervals, to the history before each calibration
origin), so the combination needs no fit of its own.
"""

from functools import partial

import numpy as np

from skrnn._holt_winters import holt_winters_forecast
from skrnn._theta import theta_forecast

# The methods ``combine=`` names: each is f(values, steps, season_length).
COMBINATIONS = {
    "theta": lambda values, steps, season_length: theta_forecast(values, steps),
    "holt-winters": holt_winters_forecast,
}


# combine="auto"'s choices: (method, weight of the method); the network
# alone, its mean with each method, and each method alone.
AUTO_CHOICES = (
    (None, 0.0),
    *((method, weight) for method in COMBINATIONS for weight in (0.5, 1.0)),
)


def combine(forecasts, histories, combination, season_length=1, weight=0.5):
    """The weighted mean of the network's ``forecasts`` ``(n, steps, 1)``
    and the ``combination`` method's forecasts of ``histories`` (a list of
    ``(n_i, 1)`` arrays), ``weight`` on the method's, in the same shape."""
    method = partial(
        COMBINATIONS[combination],
        steps=forecasts.shape[1],
        season_length=season_length,
    )
    statistical = np.stack([method(history[:, 0]) for history in histories])
    return (1 - weight) * forecasts + weight * statistical[:, :, np.newaxis]


def check_combine(combine, n_features, layout):
    """Refuse ``combine`` for windows it cannot forecast (before any backend
    work): several features, or covariates."""
    if combine is None:
        return
    if layout is not None or n_features != 1:
        raise ValueError(
            f"combine={combine!r} combines forecasts of one series with a "
            f"statistical method's, but these windows have {n_features} features"
            f"{' and covariates' if layout is not None else ''}: use "
            "combine=None, or windows of the target alone."
        )
