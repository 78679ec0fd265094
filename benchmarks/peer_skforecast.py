"""skforecast's ``ForecasterRnn`` on the course series: the peer library.

Runs in its own virtual environment (``benchmarks/.venv-peer``, made by
``make bench``), because skforecast pins versions skrnn's environment
does not have. It imports neither skrnn nor anything that does.

The forecaster is what skforecast's user guide writes: the model of
``create_and_compile_model`` with its defaults (LSTM(100), Dense(64),
Adam, MSE, series scaled to [0, 1]), lags 20, one step. It trains like
skrnn's defaults: up to 100 epochs of batch 32, stopping early (patience
10, best weights restored) on the last 10% of the training period. The
one-step predictions for t >= 1000 come from one batched call of the
fitted Keras model on the forecaster's own windows; skforecast's
``backtesting_forecaster_multiseries`` (steps=1, no refit) gives the same
numbers at about 0.15 s a step.
"""

import contextlib
import io
import time

import keras
import pandas as pd
from skforecast import __version__ as skforecast_version
from skforecast.deep_learning import ForecasterRnn, create_and_compile_model

from benchmarks._common import main, progress
from benchmarks._data import SPLIT_TIME, WINDOW, course_series, mae
from benchmarks._keras_code import EpochTimer

VALIDATION = (SPLIT_TIME - WINDOW) // 10


def fit_and_score(series, seed, epochs):
    frame = pd.DataFrame({"y": series.astype("float64")})
    n_fit = SPLIT_TIME - VALIDATION
    train = frame.iloc[:n_fit]
    validation = frame.iloc[n_fit - WINDOW : SPLIT_TIME]
    keras.utils.set_random_seed(seed)
    timer = EpochTimer()
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        # It prints the Keras and backend versions on every call.
        model = create_and_compile_model(series=train, lags=WINDOW, steps=1, levels="y")
    forecaster = ForecasterRnn(
        model,
        levels="y",
        lags=WINDOW,
        fit_kwargs={
            "epochs": epochs,
            "batch_size": 32,
            "verbose": 0,
            "series_val": validation,
            "callbacks": [
                timer,
                keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True),
            ],
        },
    )
    forecaster.fit(train)
    fit_seconds = time.perf_counter() - start

    X, _, _, _ = forecaster.create_train_X_y(frame)
    valid_rows = slice(SPLIT_TIME - WINDOW, None)
    scaled = forecaster.estimator.predict(X[valid_rows], verbose=0).reshape(-1, 1)
    y_pred = forecaster.transformer_series_["y"].inverse_transform(scaled).ravel()
    # The first prediction must match the forecaster's own predict().
    last_window = frame.iloc[SPLIT_TIME - WINDOW : SPLIT_TIME]
    own = forecaster.predict(steps=1, last_window=last_window)["pred"].iloc[0]
    assert abs(own - y_pred[0]) < 1e-3 * max(1.0, abs(own)), (own, y_pred[0])
    return {
        "model": "skforecast ForecasterRnn (LSTM(100) + Dense(64))",
        "backend": keras.backend.backend(),
        "skforecast": skforecast_version,
        "window": WINDOW,
        "seed": seed,
        "fit_s": fit_seconds,
        "epochs_run": len(timer.ends) - 1,
        "per_epoch_s": timer.per_epoch,
        "first_epoch_s": timer.first_epoch,
        "mae": mae(series[SPLIT_TIME:], y_pred),
        "naive_mae": mae(series[SPLIT_TIME:], series[SPLIT_TIME - 1 : -1]),
    }


def measure(quick):
    series = course_series()
    seeds, epochs = ((0,), 3) if quick else ((0, 1, 2), 100)
    rows = []
    for seed in seeds:
        progress(f"skforecast ForecasterRnn, seed {seed}")
        rows.append(fit_and_score(series, seed, epochs))
    return rows


if __name__ == "__main__":
    main(measure, __doc__.splitlines()[0])
