"""statsforecast's AutoETS and Theta on the M1 and M3 subsets: statistical peers.

Runs in its own virtual environment (``benchmarks/.venv-stats``, made by
``make bench``) and imports neither skrnn nor Keras. Each model gets
``season_length`` = the subset's period m (monthly 12, quarterly 4, yearly
and other 1) and forecasts each series' ``h`` steps from the end of its
history, one series after another in this one process, as
``StatsForecast(..., n_jobs=1)`` would. ``Theta`` is the standard theta
method (simple exponential smoothing with drift on the deseasonalised
series, a multiplicative classical decomposition when the series passes a
90% seasonality test), the method that won M3 as THETA; ``AutoTheta``
picks, per series, the best in sample of the standard, optimised and
dynamic theta variants. A model that raises on a series falls back to the
naive forecast there, and the row counts how often that happened. The
time is fit + forecast of the whole subset.
"""

import warnings

import numpy as np
from statsforecast import __version__ as statsforecast_version
from statsforecast.models import AutoETS, AutoTheta, Theta

from benchmarks import _mcomp
from benchmarks._common import progress

MODELS = {
    "statsforecast AutoETS": AutoETS,
    "statsforecast Theta": Theta,
    "statsforecast AutoTheta": AutoTheta,
}


def forecast_all(model, histories, h):
    """Forecasts of shape (n_series, h) and how many series fell back to naive."""
    forecasts, fallbacks = [], 0
    for x in histories:
        try:
            with warnings.catch_warnings():
                # Short series make the optimisers warn; the forecast stands.
                warnings.simplefilter("ignore")
                values = model.forecast(y=x, h=h)["mean"]
            if not np.isfinite(values).all():
                raise ValueError("non-finite forecast")
        except Exception:  # noqa: BLE001 - any failure: the naive forecast
            values, fallbacks = np.full(h, x[-1]), fallbacks + 1
        forecasts.append(values)
    return np.array(forecasts), fallbacks


def measure(subsets, *, quick, validation, models=None):
    limit = _mcomp.QUICK_SERIES if quick else None
    rows = []
    for name in subsets:
        subset = _mcomp.load_subset(name, validation=validation, limit=limit)
        for model_name, model_class in MODELS.items():
            if models is not None and model_name not in models:
                continue
            model = model_class(season_length=subset.m)
            (forecasts, fallbacks), seconds = _mcomp.timed(
                forecast_all, model, subset.histories, subset.h
            )
            details = {"naive fallbacks": fallbacks} if fallbacks else {}
            row = _mcomp.row(
                subset,
                model_name,
                "statsforecast",
                forecasts,
                seconds=seconds,
                details=details,
            )
            row["statsforecast"] = statsforecast_version
            progress(
                f"{name}: {model_name} sMAPE {row['smape']:.2f} "
                f"MASE {row['mase']:.2f} in {seconds:.1f} s"
            )
            rows.append(row)
    return rows


if __name__ == "__main__":
    _mcomp.main(measure, __doc__.splitlines()[0])
