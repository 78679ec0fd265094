"""How long the default covariate model takes to fit a large panel, and what
it gets for it.

Issue 24 asks for a covariate panel of 15,000 windows of 168 hourly steps
with about 10 covariates to fit in under 3 minutes on 2 CPU cores with the
defaults, with no loss of accuracy. Two panels of about that size:

- *Victoria*: the real half-hourly demand of the covariates benchmark
  (``benchmarks/_covariates_data.py``, the same test days), windows of
  120 half-hours forecasting the next 48, every origin of the training
  days: 13,849 windows of 168 steps x 8 features (the demand, the
  temperature, the working-day and holiday flags, the sine and cosine of
  the hour and of the day of the week). Scored by the MAE (MW) of the 73
  test days, each forecast whole from its midnight.
- *synthetic*: the issue's exact size, 6 hourly demand series of 112
  training days and 14 test days each; windows of 168 hours forecasting
  the next 24, every origin of the training days, so 6 x 2,497 = 14,982
  training windows of 192 steps x 11 features: the demand, one past
  covariate (a price seen only up to the origin), eight future-known ones
  (temperature, cloud cover, the hour and day of the week as sine and
  cosine, the working-day and holiday flags) and one static one (the
  series' size). Each test day of each series is forecast whole from its
  midnight (84 forecasts of 24 hours), scored by the MAE in the series'
  units.

Every row fits ``LSTMForecaster(random_state=0, **settings)`` on every
training window of its panel, side by side in one run: the defaults, and
the alternatives tried for the issue with what they cost.
``python -m benchmarks.covariate_fit_time --quick`` runs tiny panels.
"""

import time

import numpy as np

from benchmarks._common import main, progress

N_SERIES = 6
TRAIN_DAYS = 112
TEST_DAYS = 14
WINDOW = 168
HORIZON = 24
FUTURE = [
    "temperature",
    "cloud",
    "hour_sin",
    "hour_cos",
    "day_of_week_sin",
    "day_of_week_cos",
    "workday",
    "holiday",
]
STATIC = ["size"]
VICTORIA_WINDOW = 120
QUICK = {"n_series": 2, "train_days": 12, "test_days": 2}

# Row name -> settings on top of random_state=0.
ROWS = {
    "defaults": {},
    "max_windows=5000": {"max_windows": 5000},
    "batch_size=128, learning_rate=0.006": {"batch_size": 128, "learning_rate": 0.006},
}
QUICK_SETTINGS = {"epochs": 2, "units": 8}


def synthetic_panel(n_series=N_SERIES, days=TRAIN_DAYS + TEST_DAYS, seed=0):
    """Hourly demand of ``n_series`` regions in Nixtla's long layout.

    Each region's demand is its size times a working-day or weekend daily
    profile, plus heating below 15 and cooling above 22 degrees, less a
    little on cloudy days, plus AR(1) noise; the temperature follows a daily
    cycle around a slowly drifting level of its own. ``price`` follows the
    demand with noise and is known only up to the origin.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    hours = days * 24
    ds = pd.date_range("2024-01-01", periods=hours, freq="h")
    hour, dow = ds.hour.to_numpy(), ds.day_of_week.to_numpy()
    holiday_days = rng.choice(days, size=max(1, days // 30), replace=False)
    holiday = np.isin(np.arange(hours) // 24, holiday_days).astype(np.int8)
    workday = ((dow < 5) & (holiday == 0)).astype(np.int8)
    frames = []
    for i in range(n_series):
        size = 1.0 + 0.5 * i
        level = 14 + 6 * np.sin(2 * np.pi * (np.arange(hours) / 24 + 30 * i) / 365)
        drift = np.cumsum(rng.normal(0, 0.15, hours))
        drift -= np.convolve(drift, np.ones(24 * 7) / (24 * 7), mode="same")
        temperature = level + drift + 5 * np.sin(2 * np.pi * (hour - 9) / 24)
        cloud = np.clip(
            np.repeat(rng.beta(2, 2, days), 24) + rng.normal(0, 0.05, hours), 0, 1
        )
        morning, evening = (
            np.exp(-((hour - 9) ** 2) / 8),
            np.exp(-((hour - 18) ** 2) / 6),
        )
        profile = np.where(
            workday == 1,
            1.0 + 0.5 * morning + 0.6 * evening,
            0.8 + 0.3 * np.exp(-((hour - 13) ** 2) / 18),
        )
        weather = (
            0.04 * np.maximum(15 - temperature, 0)
            + 0.01 * np.maximum(temperature - 22, 0) ** 2
            - 0.1 * cloud * (hour >= 8) * (hour <= 17)
        )
        noise = np.zeros(hours)
        shocks = rng.normal(0, 0.03, hours)
        for t in range(1, hours):
            noise[t] = 0.9 * noise[t - 1] + shocks[t]
        load = size * (profile + weather + noise)
        price = 20 + 15 * load / size + rng.normal(0, 2, hours)
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": f"region_{i}",
                    "ds": ds,
                    "load": load,
                    "price": price,
                    "temperature": temperature,
                    "cloud": cloud,
                    "hour_sin": np.sin(2 * np.pi * hour / 24),
                    "hour_cos": np.cos(2 * np.pi * hour / 24),
                    "day_of_week_sin": np.sin(2 * np.pi * dow / 7),
                    "day_of_week_cos": np.cos(2 * np.pi * dow / 7),
                    "workday": workday,
                    "holiday": holiday,
                    "size": size,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _windows(frame):
    from skrnn import make_windows

    # The column named in none of target, future and static (the price) is
    # a past covariate.
    return make_windows(
        frame,
        window=WINDOW,
        horizon=HORIZON,
        id_col="unique_id",
        time_col="ds",
        target="load",
        future=FUTURE,
        static=STATIC,
    )


def train_and_test(frame, train_days):
    """Training windows (every origin whose targets end before the test
    days) and one test window per series and test day (its midnight)."""
    import pandas as pd

    start = frame["ds"].min()
    test_start = start + pd.Timedelta(days=train_days)
    X_train, y_train = _windows(frame[frame["ds"] < test_start])
    pieces = []
    test_days = frame.loc[frame["ds"] >= test_start, "ds"].dt.normalize().unique()
    for day in sorted(test_days):
        rows = (frame["ds"] >= day - pd.Timedelta(hours=WINDOW)) & (
            frame["ds"] < day + pd.Timedelta(hours=HORIZON)
        )
        piece = frame[rows].copy()
        piece["unique_id"] = piece["unique_id"] + f"@{day:%Y-%m-%d}"
        pieces.append(piece)
    X_test, y_test = _windows(pd.concat(pieces, ignore_index=True))
    return X_train, y_train, X_test, y_test


def victoria_panel(quick):
    """Victoria's training windows (every origin whose 48 targets end before
    the first test day) and the window of each test day's midnight, with
    the test days' actual demand (MW)."""
    from benchmarks import _covariates_data as data
    from benchmarks import covariates
    from skrnn import make_windows

    frame, calendar_columns = covariates.with_calendar(data.load_victoria_demand())
    future = ["temperature", *covariates.WORKDAY, *calendar_columns]
    days, first_day = covariates.forecast_days(frame, validation=False, quick=quick)
    window, steps = VICTORIA_WINDOW, data.STEPS_PER_DAY
    X, y = make_windows(
        frame[["unique_id", "ds", "load", *future]],
        window=window,
        horizon=steps,
        id_col="unique_id",
        time_col="ds",
        target="load",
        future=future,
    )
    last_start = first_day * steps - window - steps
    first_start = max(0, last_start - 10 * len(days) * steps) if quick else 0
    train = np.arange(first_start, last_start + 1)
    origins = days * steps - window
    actual = frame["load"].to_numpy().reshape(-1, steps)[days]
    # The demand is in GW: errors in MW.
    return X[train], y[train], X[origins], 1000 * actual, 1000.0


def synthetic(quick):
    sizes = QUICK if quick else {}
    train_days = sizes.get("train_days", TRAIN_DAYS)
    frame = synthetic_panel(
        sizes.get("n_series", N_SERIES), train_days + sizes.get("test_days", TEST_DAYS)
    )
    X_train, y_train, X_test, y_test = train_and_test(frame, train_days)
    return X_train, y_train, X_test, np.asarray(y_test), 1.0


PANELS = {
    "Victoria, 13,849 windows of 168 steps x 8": victoria_panel,
    "synthetic, 14,982 windows of 192 steps x 11": synthetic,
}


def fit_row(panel, name, settings, X_train, y_train, X_test, y_test, unit):
    import keras

    from skrnn import LSTMForecaster

    model = LSTMForecaster(random_state=0, **settings)
    begin = time.perf_counter()
    model.fit(X_train, y_train)
    fit_s = time.perf_counter() - begin
    forecasts = unit * model.predict(X_test).reshape(len(y_test), -1)
    error = np.abs(forecasts - np.asarray(y_test).reshape(len(y_test), -1))
    val_loss = model.history_.get("val_loss", [np.nan])
    row = {
        "panel": panel,
        "model": name,
        "settings": {k: repr(v) for k, v in settings.items()},
        "windows": len(X_train),
        "steps": int(X_train.shape[1]),
        "features": int(X_train.shape[2]),
        "test_forecasts": len(X_test),
        "mae": float(np.nanmean(error)),
        "fit_s": fit_s,
        "epochs": int(model.n_iter_),
        "best_epoch": int(np.argmin(val_loss)) + 1,
        "backend": keras.backend.backend(),
    }
    progress(
        f"{panel}: {name}: MAE {row['mae']:.4g}, fit {fit_s:.0f} s, "
        f"{row['epochs']} epochs (best {row['best_epoch']})"
    )
    return row


def measure(quick, rows=None):
    results = []
    for panel, load in PANELS.items():
        X_train, y_train, X_test, y_test, unit = load(quick)
        for name, settings in (rows or ROWS).items():
            settings = {**settings, **(QUICK_SETTINGS if quick else {})}
            results.append(
                fit_row(panel, name, settings, X_train, y_train, X_test, y_test, unit)
            )
    return results


if __name__ == "__main__":
    main(measure, __doc__.splitlines()[0])
