"""Day-ahead electricity demand with covariates: what the weather buys.

Victoria's half-hourly demand of 2014 with Melbourne's temperature and the
working-day calendar (``benchmarks/_covariates_data.py`` has the data and
the protocol): the last 73 days are the test period, each forecast whole,
48 half-hours from midnight, with everything before that midnight known.
Every row forecasts the same 73 x 48 values and is scored by its MAE (MW)
and MAPE (%) over all of them.

The rows: the two seasonal naive forecasts (the same half-hour the day
before and the week before); the strong baseline a scikit-learn user
would try first, scikit-learn's ``HistGradientBoostingRegressor`` with the
same information (:func:`gbm_features`: the lead as a feature, demand lags
known at each midnight, the same future-known temperature, working-day
flags and calendar), fitted on every day before the forecast days; and one
skrnn model, the same architecture
and seeds, fitted three times on different inputs: with the temperature,
the working-day flags and :class:`~skrnn.CalendarFeatures` as future-known
covariates; with the calendar alone (no temperature); and on the demand
alone. Each is fitted on the windows whose 48 targets end before the first
forecast day, cut by ``make_windows(frame, window=WINDOW, horizon=48,
id_col="unique_id", time_col="ds", target="load", future=[...])``, and
forecasts each day by ``predict`` on the window whose origin is that day's
midnight, all days in one call. That is what ``model.forecast(history, 48,
future=next_day)`` returns from each midnight (the run checks it on the
first day and records the largest difference), in one call instead of 73.

Choices were made with ``python -m benchmarks.covariates --validation``,
which fits on the days before the last 58 of the training period (20% of
its 292 days) and forecasts those 58 days, never reading the test days.
Validation MAE (MW) of the model with temperature / calendar only /
demand alone, fixed seeds (``random_state=0``), the seasonal naive
forecasts making 328 (day before) and 221 (week before), tried in this
order on 2 shared, busy cores:

- window 96, one window an hour, ``units=32, epochs=60, patience=8``,
  default ``normalize`` (``"last"`` for one series) and learning rate,
  calendar of hour, day of week and day of year: 218 / 387 / 302. The
  calendar alone made it worse than no covariates at all;
- the same with ``normalize="global"``: 324 / 297 / 297;
- window 336 (a week, every fourth origin to keep the fit time): 248 / 452
  / 296, and twice as slow;
- window 96 again, without the day of the year (the training days are
  January to August, the test days October to December, so its sine and
  cosine in the test period are values the model never saw): 181 / 216 /
  302. Kept;
- then only the model with temperature refitted: ``units=64``: 176, but a fit of
  124 s against 82 s; ``epochs=100, patience=10``: 181 (stopped at 67
  epochs). Neither kept: the benchmark stays under about 4 minutes.

The rows above were read from the last recurrent state. skrnn's covariate
models now read each forecast step from the state at that step and its
own inputs; the model with temperature, on the same validation days, seeds
0 / 1: from the last state 181 / 205, per step 157 / 150, per step plus
the last state 154 (seed 0). Per step kept (in skrnn's model).

Then, with the per-step model and the gradient-boosting row beside it
(validation MAE, one seed, gradient boosting 134 on these days): window
96, one window an hour, ``units=32, epochs=60, patience=8``: 157 in 62 s;
with ``target_lags=(48,), lookahead=True`` (the half-hour a day before
fed to each step, and a backward pass over the next day's inputs): 150;
with window 336 and ``target_lags=(48, 336)``: 159 in 195 s. Then the
forecasters' defaults (``units=32, epochs=100, patience=10``) on windows
of 120 half-hours, every origin (the covariates-fit benchmark's
setting): 125 in 212 s, and 134 with ``target_lags=(48,),
lookahead=True``. Kept: the defaults, window 120, every origin, no lags.
The mean of this model's forecasts and gradient boosting's made 111.

The gradient-boosting row, on the same validation days (fit times on one
busy core): scikit-learn's defaults (100 iterations, learning rate 0.1)
139 MW in 1.5 s; ``max_iter=500, learning_rate=0.05`` 133 MW (early
stopping on a random 10% of the rows never stopped it) or 134 MW without
early stopping, in 6.5 s. Kept: 500 iterations at 0.05 without early
stopping, so that every training day is fitted on.
"""

import time

import numpy as np

from benchmarks import _covariates_data as data
from benchmarks._common import main, progress

STEPS = data.STEPS_PER_DAY
WINDOW = 120  # two and a half days of half-hours
STRIDE = 1  # train on every origin
MODEL = {"random_state": 0}  # the forecasters' defaults
QUICK_MODEL = {"units": 8, "epochs": 2, "random_state": 0}
QUICK_DAYS = 7  # forecast days of a --quick run, and 70 training days
# No day of the year: the training days never reach the test period's part
# of the year (nor the validation days'), so the model could only
# extrapolate it; it made the validation MAE far worse (see above).
CALENDAR = ("hour", "day_of_week")
WORKDAY = ["workday", "holiday"]

GBM_ROW = "HistGradientBoostingRegressor, lags, temperature and calendar"
GBM = {
    "max_iter": 500,
    "learning_rate": 0.05,
    "early_stopping": False,
    "random_state": 0,
}
QUICK_GBM = {"max_iter": 20, "random_state": 0}

# Row name -> future-known columns (None: the calendar's, added at run time).
INPUTS = {
    "with temperature and calendar": ["temperature", *WORKDAY, None],
    "with calendar only": [*WORKDAY, None],
    "demand alone": [],
}


def forecast_days(frame, *, validation, quick=False):
    """Indices of the days to forecast and the number of training days.

    The test period is the last 73 days; ``validation`` forecasts the last
    20% of the days before it instead (training on the days before those),
    so that choices never read the test days.
    """
    n_days = len(frame) // STEPS
    first = n_days - data.n_test_days(frame)
    if validation:
        n_val = int(round(first * data.TEST_FRACTION))
        first, n_days = first - n_val, first
    days = np.arange(first, n_days)
    if quick:
        days = days[:QUICK_DAYS]
    return days, first


def scores(actual, forecast):
    """MAE in MW (the data is in GW) and MAPE in %, over every value."""
    error = np.abs(np.asarray(forecast) - actual)
    return {
        "mae_mw": float(1000 * error.mean()),
        "mape": float(100 * (error / np.abs(actual)).mean()),
    }


def seasonal_naive(load, days, lag_days):
    """Each day forecast by the same half-hours ``lag_days`` before."""
    by_day = load.reshape(-1, STEPS)
    return by_day[days - lag_days]


def with_calendar(frame):
    from skrnn import CalendarFeatures

    calendar = CalendarFeatures(time_col="ds", features=CALENDAR)
    return calendar.fit_transform(frame), calendar.calendar_columns_


def skrnn_row(frame, future, days, first_day, *, quick, params, check=False):
    """Fit one model on the windows before ``first_day``, forecast ``days``.

    Returns its forecasts (len(days), 48), fit and forecast seconds and
    details; with ``check``, the largest difference between ``predict`` on
    the first day's window and ``model.forecast`` from that midnight.
    """
    from skrnn import LSTMForecaster, make_windows

    columns = ["unique_id", "ds", "load", *future]
    X, y = make_windows(
        frame[columns],
        window=WINDOW,
        horizon=STEPS,
        id_col="unique_id",
        time_col="ds",
        target="load",
        future=future or None,
    )
    # Window i reads rows i .. i + WINDOW - 1 and forecasts the 48 after.
    last_start = first_day * STEPS - WINDOW - STEPS
    start = max(0, last_start - QUICK_DAYS * 10 * STEPS) if quick else 0
    train = np.arange(start, last_start + 1)[::-1][::STRIDE][::-1]
    origins = days * STEPS - WINDOW
    model = LSTMForecaster(**params)
    begin = time.perf_counter()
    model.fit(X[train], y[train])
    fit_s = time.perf_counter() - begin
    begin = time.perf_counter()
    forecasts = model.predict(X[origins])
    forecast_s = time.perf_counter() - begin
    details = {
        "window": WINDOW,
        "windows": len(train),
        "epochs": int(model.n_iter_),
        "normalize": model.normalize_,
    }
    if check:
        midnight = days[0] * STEPS
        history = frame.iloc[:midnight][columns]
        next_day = frame.iloc[midnight : midnight + STEPS][["unique_id", "ds", *future]]
        kwargs = {"future": next_day} if future else {}
        via_forecast = model.forecast(
            history, STEPS, id_col="unique_id", time_col="ds", **kwargs
        )
        gap = np.abs(via_forecast["load"].to_numpy() - forecasts[0]).max()
        details["forecast() - predict, first day (MW)"] = f"{1000 * gap:.1g}"
    return forecasts, fit_s, forecast_s, details


def gbm_features(frame, calendar_columns, days):
    """One row per (day, half-hour) of ``days``: what is known at its midnight.

    The lead (which, from midnight, is also the half-hour of the day); the
    demand at lags the day-ahead forecast allows, all known at the origin:
    the same half-hour one, two and seven days before, the last half-hour
    before midnight and the previous day's mean; and the day's future-known
    covariates, as the skrnn rows get them: the temperature at that
    half-hour and the day's highest and mean, the working-day flags and
    the calendar's sine and cosine columns.
    """
    by_day = {
        name: frame[name].to_numpy(dtype=float).reshape(-1, STEPS)
        for name in ["load", "temperature", *WORKDAY, *calendar_columns]
    }
    load = by_day["load"]
    lead = np.broadcast_to(np.arange(STEPS), (len(days), STEPS))

    def per_day(values):
        return np.broadcast_to(values[:, None], (len(days), STEPS))

    temperature = by_day["temperature"][days]
    columns = {
        "lead": lead,
        "load_1_day_before": load[days - 1],
        "load_2_days_before": load[days - 2],
        "load_7_days_before": load[days - 7],
        "last_load": per_day(load[days - 1, -1]),
        "previous_day_mean": per_day(load[days - 1].mean(axis=1)),
        "temperature": temperature,
        "day_max_temperature": per_day(temperature.max(axis=1)),
        "day_mean_temperature": per_day(temperature.mean(axis=1)),
        **{name: by_day[name][days] for name in [*WORKDAY, *calendar_columns]},
    }
    names = list(columns)
    return np.stack([columns[n].reshape(-1) for n in names], axis=1), names


def gbm_row(frame, calendar_columns, days, first_day, *, quick):
    """Gradient boosting with the lead as a feature, fitted on every day
    before ``first_day`` (from the eighth, for the week lag); forecasts
    ``days`` (len(days), 48)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    train_days = np.arange(7, first_day)
    if quick:
        train_days = train_days[-QUICK_DAYS * 10 :]
    X_train, names = gbm_features(frame, calendar_columns, train_days)
    y_train = frame["load"].to_numpy().reshape(-1, STEPS)[train_days].reshape(-1)
    X_test, _ = gbm_features(frame, calendar_columns, days)
    model = HistGradientBoostingRegressor(**(QUICK_GBM if quick else GBM))
    begin = time.perf_counter()
    model.fit(X_train, y_train)
    fit_s = time.perf_counter() - begin
    begin = time.perf_counter()
    forecasts = model.predict(X_test).reshape(len(days), STEPS)
    forecast_s = time.perf_counter() - begin
    details = {
        "rows": len(X_train),
        "features": len(names),
        "iterations": model.n_iter_,
    }
    return forecasts, fit_s, forecast_s, details


MEAN_ROW = "mean of the LSTM with temperature and of gradient boosting"


def mean_row(network, boosted, actual, common):
    """The average of two rows' forecasts, fitted and forecast in their
    summed times: what a user who runs both gets by averaging them."""
    forecasts = (network[0] + boosted[0]) / 2
    return {
        "model": MEAN_ROW,
        "kind": "mean",
        **scores(actual, forecasts),
        "fit_s": network[1] + boosted[1],
        "forecast_s": network[2] + boosted[2],
        "details": {},
        **common,
    }


def measure(quick, *, validation=False, params=None):
    import keras

    frame = data.load_victoria_demand()
    frame, calendar_columns = with_calendar(frame)
    load = frame["load"].to_numpy()
    days, first_day = forecast_days(frame, validation=validation, quick=quick)
    actual = load.reshape(-1, STEPS)[days]
    scored = "validation" if validation else "test"
    common = {"n_days": len(days), "validation": validation}
    rows = []
    for lag, name in (
        (1, "seasonal naive, previous day"),
        (7, "seasonal naive, previous week"),
    ):
        begin = time.perf_counter()
        forecasts = seasonal_naive(load, days, lag)
        seconds = time.perf_counter() - begin
        rows.append(
            {
                "model": name,
                "kind": "baseline",
                **scores(actual, forecasts),
                "fit_s": 0.0,
                "forecast_s": seconds,
                "details": {},
                **common,
            }
        )
    forecasts, fit_s, forecast_s, details = gbm_row(
        frame, calendar_columns, days, first_day, quick=quick
    )
    boosted = forecasts, fit_s, forecast_s
    rows.append(
        {
            "model": GBM_ROW,
            "kind": "gbm",
            "covariates": ["temperature", *WORKDAY, *calendar_columns],
            **scores(actual, forecasts),
            "fit_s": fit_s,
            "forecast_s": forecast_s,
            "details": details,
            **common,
        }
    )
    settings = dict(QUICK_MODEL if quick else MODEL)
    settings.update(params or {})
    for name, inputs in INPUTS.items():
        future = [c for c in inputs if c is not None]
        if None in inputs:
            future += calendar_columns
        forecasts, fit_s, forecast_s, details = skrnn_row(
            frame,
            future,
            days,
            first_day,
            quick=quick,
            params=settings,
            check=not validation,
        )
        rows.append(
            {
                "model": f"LSTMForecaster, {name}",
                "kind": "skrnn",
                "covariates": future,
                **scores(actual, forecasts),
                "fit_s": fit_s,
                "forecast_s": forecast_s,
                "details": details,
                "backend": keras.backend.backend(),
                **common,
            }
        )
        if name == next(iter(INPUTS)):
            network = forecasts, fit_s, forecast_s
    rows.append(mean_row(network, boosted, actual, common))
    for row in rows:
        progress(
            f"{scored}: {row['model']}: MAE {row['mae_mw']:.0f} MW, MAPE "
            f"{row['mape']:.2f}%, fit {row['fit_s']:.1f} s, forecast "
            f"{row['forecast_s']:.2f} s {row['details'] or ''}"
        )
    return rows


VALIDATION_HELP = "forecast the last 58 training days, not the test days"

if __name__ == "__main__":
    main(measure, __doc__.splitlines()[0], validation_help=VALIDATION_HELP)
