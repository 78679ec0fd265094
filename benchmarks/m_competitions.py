"""skrnn on the M1 and M3 subsets, beside the entrants and the naive forecasts.

Each row of ``ROWS`` is one skrnn model: a function that receives every
history of a subset and returns every forecast, timed as a whole (fit +
forecast). The M3 entrants' forecasts come from the data file; the naive
and seasonal naive forecasts are computed here; statsforecast's models run
in their own environment (``benchmarks/peer_statsforecast.py``). Scores and
protocol are in ``benchmarks/_mcomp.py``.

For now the skrnn rows are what the issue calls trying it as a new user
would: a default ``LSTMForecaster`` (and ``GRUForecaster``), only
``random_state`` set, fitted on the windows of every series stacked by hand
and forecasting each series from its last window with ``predict``.

    python -m benchmarks.m_competitions --subsets "M3 yearly" --validation
"""

import warnings

import keras
import numpy as np

from benchmarks import _mcomp
from benchmarks._common import progress
from skrnn import GRUForecaster, LSTMForecaster, SeasonalAdjuster, make_windows

WINDOWS = (16, 12, 8)
QUICK_EPOCHS = 2


def suited_window(histories, h):
    """The longest of 16, 12 and 8 that leaves 90% of the series long enough
    to train on (``window + h`` values), else 8."""
    lengths = np.array([len(x) for x in histories])
    for window in WINDOWS:
        if np.mean(lengths >= window + h) >= 0.9:
            return window
    return WINDOWS[-1]


def stacked_windows(histories, window, h):
    """The windows of every series long enough, one series after another.

    Returns ``X`` (n_windows, window, 1), ``y`` (n_windows, h) and the
    number of series that gave windows.
    """
    pairs = [
        make_windows(x, window=window, horizon=h)
        for x in histories
        if len(x) >= window + h
    ]
    if not pairs:
        raise ValueError(f"no series has the window + h = {window + h} values")
    X = np.concatenate([X for X, _ in pairs])
    y = np.concatenate([y for _, y in pairs])
    return X, y, len(pairs)


def last_windows(histories, window):
    """The last ``window`` values of each series, as (n_series, window, 1);
    a shorter series' head is padded with its first value."""
    rows = [
        np.concatenate([np.full(max(window - len(x), 0), x[0]), x[-window:]])
        for x in histories
    ]
    return np.array(rows)[:, :, np.newaxis]


def by_hand(forecaster):
    """A row: ``forecaster()`` on windows stacked by hand, as a new user would."""

    def fit_and_forecast(histories, h, period, m, quick):
        window = suited_window(histories, h)
        X, y, n_trained = stacked_windows(histories, window, h)
        params = {"random_state": 0}
        if quick:
            params["epochs"] = QUICK_EPOCHS
        estimator = forecaster(**params).fit(X, y)
        forecasts = estimator.predict(last_windows(histories, window))
        return forecasts.reshape(len(histories), h), {
            "window": window,
            "windows": len(X),
            "series trained on": n_trained,
            "epochs": int(estimator.n_iter_),
        }

    return fit_and_forecast


def global_model(forecaster, **params):
    """A row: one ``forecaster`` for the whole subset, from the panel API.

    ``make_windows`` cuts every series of the subset at once (windows never
    cross series; series too short give none), the default
    ``normalize="window"`` scales each window by its own last value and
    spread, and ``forecast`` forecasts every series from its last window in
    one call (padding the few shorter than the window). The window is
    :func:`suited_window`'s and the horizon the competition's.
    """

    def fit_and_forecast(histories, h, period, m, quick):
        window = suited_window(histories, h)
        X, y = make_windows(list(histories), window=window, horizon=h)
        settings = {"random_state": 0, **params}
        if quick:
            settings["epochs"] = QUICK_EPOCHS
        estimator = forecaster(**settings).fit(X, y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # short series padded
            forecasts = estimator.forecast(list(histories), h)
        return np.array(forecasts), {
            "window": window,
            "windows": len(X),
            "epochs": int(estimator.n_iter_),
        }

    return fit_and_forecast


def seasonal_recipe(forecaster, **params):
    """A row: the user guide's recipe for a seasonal business panel.

    :class:`~skrnn.SeasonalAdjuster` (``season_length=m``; yearly and other
    series, ``m = 1``, are left as they are) removes each seasonal series'
    pattern, one global ``forecaster(target_transform="auto",
    normalize="last", **params)`` learns the adjusted panel in log space
    (``log1p`` for tourism's empty quarters) as :func:`global_model` does,
    and the pattern is put back on its forecasts. Chosen by the accuracy
    study (``benchmarks/accuracy_study.py``, docs/defaults.rst) on
    validation tails only. With ``combine="theta"`` (or ``"holt-winters"``,
    with ``season_length=m``) the forecasts are the mean of the network's
    and the theta (damped Holt-Winters) method's, with 90% intervals
    (their coverage of the values to forecast is shown beside the scores).
    """

    def fit_and_forecast(histories, h, period, m, quick):
        adjuster = SeasonalAdjuster(season_length=m)
        adjusted = adjuster.fit_transform(list(histories))
        window = suited_window(adjusted, h)
        X, y = make_windows(adjusted, window=window, horizon=h)
        settings = {"random_state": 0, "target_transform": "auto"}
        settings |= {"normalize": "last", **params}
        if params.get("combine") in ("holt-winters", "auto"):
            settings["season_length"] = m
        if quick:
            settings["epochs"] = QUICK_EPOCHS
        estimator = forecaster(**settings).fit(X, y)
        coverage = 0.9 if params.get("combine") else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # short series padded
            forecasts = estimator.forecast(adjusted, h, coverage=coverage)
        details = {
            "window": window,
            "windows": len(X),
            "epochs": int(estimator.n_iter_),
            "adjusted series": adjuster.n_adjusted_,
            "transform": estimator.target_transform_,
        }
        if coverage:
            forecasts, intervals = zip(*forecasts, strict=True)
            details["interval"] = np.array(adjuster.inverse_transform(list(intervals)))
        return np.array(adjuster.inverse_transform(list(forecasts))), details

    return fit_and_forecast


# Row name -> function(histories, h, period, m, quick) returning the forecasts,
# shape (n_series, h), or (forecasts, details): details (name -> value) are
# shown beside the scores. ``histories`` is a list of 1-D float arrays,
# ``period`` the subset's frequency ("monthly", ...), ``m`` its seasonal
# period and ``quick`` asks for a run of seconds (few epochs).
ROWS = {
    "LSTMForecaster() global": global_model(LSTMForecaster),
    "LSTMForecaster seasonal recipe": seasonal_recipe(LSTMForecaster),
    "LSTMForecaster seasonal recipe + theta": seasonal_recipe(
        LSTMForecaster, combine="theta"
    ),
    "LSTMForecaster seasonal recipe + holt-winters": seasonal_recipe(
        LSTMForecaster, combine="holt-winters"
    ),
    "GRUForecaster() global": global_model(GRUForecaster),
    "LSTMForecaster() by hand": by_hand(LSTMForecaster),
    "GRUForecaster() by hand": by_hand(GRUForecaster),
}


def measure(subsets, *, quick, validation, models=None):
    limit = _mcomp.QUICK_SERIES if quick else None
    backend = keras.backend.backend()
    rows = []
    for name in subsets:
        subset = _mcomp.load_subset(name, validation=validation, limit=limit)
        for model, function in ROWS.items():
            if models is not None and model not in models:
                continue
            result, seconds = _mcomp.timed(
                function, subset.histories, subset.h, subset.period, subset.m, quick
            )
            forecasts, details = result if isinstance(result, tuple) else (result, {})
            interval = details.pop("interval", None)
            if interval is not None:
                inside = (subset.actuals >= interval[..., 0]) & (
                    subset.actuals <= interval[..., 1]
                )
                details["90% interval covers"] = f"{100 * inside.mean():.1f}%"
            row = _mcomp.row(
                subset, model, "skrnn", forecasts, seconds=seconds, details=details
            )
            row["backend"] = backend
            progress(
                f"{name}: {model} sMAPE {row['smape']:.2f} MASE {row['mase']:.2f} "
                f"in {seconds:.1f} s ({_mcomp.format_details(details)})"
            )
            rows.append(row)
        for entrant, forecasts in subset.entrants.items():
            label = f"{entrant} (M3 entrant)"
            rows.append(_mcomp.row(subset, label, "entrant", forecasts))
        if subset.m > 1:
            forecasts = _mcomp.seasonal_naive(subset.histories, subset.h, subset.m)
            rows.append(_mcomp.row(subset, "seasonal naive", "baseline", forecasts))
        forecasts = _mcomp.naive(subset.histories, subset.h)
        rows.append(_mcomp.row(subset, "naive", "baseline", forecasts))
    return rows


if __name__ == "__main__":
    _mcomp.main(measure, __doc__.splitlines()[0])
