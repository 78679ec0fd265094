"""``skrnn demo``: the forecasters on the bundled series, their MAE next to
the naive forecast's, and plots."""

import time
from pathlib import Path

import numpy as np

import skrnn._cli_tools as tools
from skrnn._atomic import atomic_outputs
from skrnn._windows import make_windows


def demo_datasets(as_frame):
    """(name, series, window, n_train, recursive) of each demo dataset.

    ``recursive``: plot a forecast of the whole held-out tail from its start
    (sensible for the 30 held-out sunspot years), else the one-step
    forecasts over it (a 20-day window cannot carry a 461-day forecast).
    """
    from skrnn.datasets import load_sunspots, make_synthetic_series

    synthetic = make_synthetic_series(as_frame=as_frame)
    sunspots = load_sunspots(as_frame=as_frame)
    return [
        ("synthetic (course)", synthetic, 20, 1000, False),
        ("sunspots (yearly)", sunspots if as_frame else sunspots[1], 20, 279, True),
    ]


def _plot_demo(path, name, series, n_train, estimator, X_test, recursive):
    """Forecast of the held-out tail with its 90% interval, and the losses."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from skrnn.plotting import plot_forecast, plot_history

    history, actual = series.iloc[:n_train], series.iloc[n_train:]
    steps = len(actual)
    if recursive:
        forecast = estimator.forecast(history, steps, coverage=0.9)
        what = f"forecast of the last {steps} values from the one before"
    else:
        forecast = pd.Series(estimator.predict(X_test), index=actual.index)
        forecast = (forecast, estimator.predict_interval(X_test, coverage=0.9))
        what = f"one-step forecasts of the last {steps} values"
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 8), height_ratios=(2, 1))
    title = f"{type(estimator).__name__} on {name}: {what}, 90% interval"
    plot_forecast(history, forecast, actual=actual, ax=top, title=title)
    top.set_xlim(series.index[max(0, n_train - 3 * steps)], series.index[-1])
    plot_history(estimator, ax=bottom)
    bottom.set_title("training history")
    fig.tight_layout()
    with atomic_outputs([path]) as (tmp,):
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)


def run_demo(args):
    """``skrnn demo``: fit the forecasters on the bundled series, print MAEs
    against the naive forecast and write plots."""
    out, plots = Path(args.out), tools.plot_to_files()
    if not plots:
        tools.note("no plots without matplotlib: pip install skrnn[plot,pandas]")
    elif out.exists() and not out.is_dir():
        raise tools.InputError(f"--out {out} exists and is not a directory")
    else:
        out.mkdir(parents=True, exist_ok=True)

    models, ProgressBar = tools.training_tools()
    rows, written = [], []
    for name, series, window, n_train, recursive in demo_datasets(as_frame=plots):
        X, y = make_windows(np.asarray(series, dtype=float), window=window)
        split = n_train - window  # window i trains iff its target is < n_train
        X_train, y_train, X_test, y_test = X[:split], y[:split], X[split:], y[split:]
        naive = np.abs(X_test[:, -1, 0] - y_test).mean()
        for cls in models.values():
            params = {} if args.epochs is None else {"epochs": args.epochs}
            params["callbacks"] = [ProgressBar(f"{cls.__name__} on {name}")]
            estimator = cls(random_state=0, **params)
            start = time.perf_counter()
            estimator.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            mae = np.abs(estimator.predict(X_test) - y_test).mean()
            rows.append((name, cls.__name__, mae, naive, estimator.n_iter_, seconds))
            if plots and cls is models["lstm"]:
                path = out / f"{name.split()[0]}_lstm.png"
                _plot_demo(path, name, series, n_train, estimator, X_test, recursive)
                written.append(path)

    print("\nOne-step mean absolute error on the held-out tail of each series")
    print(f"{'series':<20} {'model':<15}     MAE   naive  ratio epochs  fit s")
    print("-" * 70)
    for name, model, mae, naive, epochs, s in rows:
        print(f"{name:<20} {model:<15} {mae:7.3f} {naive:7.3f} {mae / naive:6.2f} "
              f"{epochs:6d} {s:6.1f}")  # fmt: skip
    print("ratio < 1: the model beats the naive forecast (the last value).")
    for path in written:
        print(f"wrote {path}")
    return 0
