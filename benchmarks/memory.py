"""Peak memory of fitting on ``make_windows`` output of a long series.

``make_windows`` returns a strided view: windows of 64 values over a
4-million-step series cost the series' 16 MB (float32) or 32 MB (float64),
where the float32 ``(n, 64, 1)`` copy Keras trains on costs 977 MiB: large
enough that the tens of MiB by which a process's memory varies from run to
run (XLA's compiler, allocator caches) blur the ratios little.
Each measurement runs in a fresh process and reads its peak resident
set size (``ru_maxrss``). What matters is how the peak grows with the
data, so each variant is fitted twice, on the first half of the windows
and on all of them: a fit that gathers batches from the view grows by
the series alone, one that copies the windows by half the copy or more.
Each fit's growth is its peak over the RSS just before it (what imports
leave in memory varies from process to process); each variant runs two
rounds, in turn with the others, and keeps the round that grew more.
Both sizes stay above the size under which skrnn copies small data on
purpose (64 MiB of windows), so both take the same code path.

- skrnn: ``RNNForecaster(units=8, jit_compile=True)``, 1 epoch, batch 1024,
  ``validation_fraction=0``, fitted on the view of a float32 series (what
  ``make_synthetic_series`` returns) and of a float64 one;
- hand-written Keras: the same model fitted on a float32 copy of the
  windows, as Keras needs arrays or a dataset.

The panel case: 10,000 series of 1,000 float32 values (40 MB), cut into
windows of 64 by ``make_windows`` (9.36 million windows: 2.4 GB as a
float32 array) and fitted for one epoch by the same ``RNNForecaster``.
Its growth is the peak over the RSS before ``make_windows``, so it counts
the windowing too; the goal is less than 1 GB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchmarks._common import main, median_run, progress

WINDOW = 64
BATCH_SIZE = 1024
ROUNDS = 2
# variant: (code, dtype of the series)
VARIANTS = {
    "skrnn, float32 series": ("skrnn", "float32"),
    "skrnn, float64 series": ("skrnn", "float64"),
    "hand-written Keras, float32 copy": ("keras", "float32"),
}


def _rss_bytes():
    """Current resident set size, from /proc (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def fit_once(variant, n_steps, n_windows):
    """Fit in this process; return its memory figures."""
    import keras

    from skrnn import RNNForecaster, make_windows
    from skrnn.datasets import make_synthetic_series

    code, dtype = VARIANTS[variant]
    series = make_synthetic_series(n_steps).astype(dtype)
    X, y = make_windows(series, window=WINDOW)
    X, y = X[:n_windows], y[:n_windows]
    rss_before_fit = _rss_bytes()
    start = time.perf_counter()
    if code == "skrnn":
        RNNForecaster(
            units=8,
            epochs=1,
            batch_size=BATCH_SIZE,
            validation_fraction=0,
            early_stopping=False,
            # Explicit: "auto" turns XLA on for the larger fit only, and XLA's
            # compiler alone costs ~150 MiB.
            jit_compile=True,
            random_state=0,
        ).fit(X, y)
    else:
        X_copy = np.ascontiguousarray(X, dtype="float32")
        model = keras.Sequential(
            [
                keras.Input(shape=(WINDOW, 1)),
                keras.layers.SimpleRNN(8),
                keras.layers.Dense(1),
            ]
        )
        model.compile(loss="huber", optimizer="adam", jit_compile=True)
        model.fit(X_copy, y.astype("float32"), batch_size=BATCH_SIZE, verbose=0)
    return {
        "n_windows": len(X),
        "fit_s": time.perf_counter() - start,
        "rss_before_fit_bytes": rss_before_fit,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


PANEL_SERIES = 10_000
PANEL_LENGTH = 1_000


def fit_panel_once(n_series, length):
    """Window and fit a panel in this process; return its memory figures."""
    from skrnn import RNNForecaster, make_windows

    rng = np.random.RandomState(0)
    t = np.arange(length)
    panel = [
        (
            rng.uniform(1, 100) * np.sin(t / rng.uniform(2, 20)) + rng.randn(length)
        ).astype("float32")
        for _ in range(n_series)
    ]
    rss_before = _rss_bytes()
    start = time.perf_counter()
    X, y = make_windows(panel, window=WINDOW)
    window_s = time.perf_counter() - start
    RNNForecaster(
        units=8,
        epochs=1,
        batch_size=BATCH_SIZE,
        validation_fraction=0,
        early_stopping=False,
        jit_compile=True,
        random_state=0,
    ).fit(X, y)
    return {
        "variant": f"skrnn, panel of {n_series:,} series x {length:,} (float32)",
        "n_series": n_series,
        "series_steps": length,
        "series_bytes": n_series * length * 4,
        "window": WINDOW,
        "n_windows": len(X),
        "copy_bytes": len(X) * WINDOW * 4,
        "window_s": window_s,
        "fit_s": time.perf_counter() - start - window_s,
        "peak_growth_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        - rss_before,
    }


def _panel_in_subprocess(n_series, length):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.json")
        command = [sys.executable, "-m", "benchmarks.memory", "--panel"]
        command += ["--n-series", str(n_series), "--length", str(length)]
        command += ["--out", out]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(out) as file:
            return json.load(file)


def _in_subprocess(variant, n_steps, n_windows):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.json")
        command = [sys.executable, "-m", "benchmarks.memory", "--variant", variant]
        command += ["--n-steps", str(n_steps), "--n-windows", str(n_windows)]
        command += ["--out", out]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(out) as file:
            return json.load(file)


def _fit_growth(row):
    """Peak RSS during the fit over the RSS just before it.

    Taken within one process, so that what imports and start-up leave in
    memory, which differs from one process to the next, cancels out.
    """
    return row["peak_rss_bytes"] - row["rss_before_fit_bytes"]


def measure(quick):
    n_steps = 600_000 if quick else 4_000_000
    n_windows = n_steps - WINDOW
    # Rounds of every variant in turn; each variant keeps its median round
    # (of two, the one that grew more).
    rounds = 1 if quick else ROUNDS
    runs = {variant: [] for variant in VARIANTS}
    for round_ in range(rounds):
        for variant in VARIANTS:
            progress(f"{variant}: {n_windows // 2} and {n_windows} windows of {WINDOW}")
            half = _in_subprocess(variant, n_steps, n_windows // 2)
            full = _in_subprocess(variant, n_steps, n_windows)
            runs[variant].append((_fit_growth(full) - _fit_growth(half), half, full))
    rows = []
    for variant, (_, dtype) in VARIANTS.items():
        growth, half, full = median_run(runs[variant], key=lambda run: run[0])
        copy_bytes = n_windows * WINDOW * 4
        rows.append(
            {
                "variant": variant,
                "series_steps": n_steps,
                "series_bytes": n_steps * np.dtype(dtype).itemsize,
                "window": WINDOW,
                "n_windows": full["n_windows"],
                "half_n_windows": half["n_windows"],
                "copy_bytes": copy_bytes,
                "copy_growth_bytes": copy_bytes - half["n_windows"] * WINDOW * 4,
                "half_peak_rss_bytes": half["peak_rss_bytes"],
                "peak_rss_bytes": full["peak_rss_bytes"],
                "peak_growth_bytes": growth,
                "peak_growth_bytes_of_rounds": [run[0] for run in runs[variant]],
                "rss_before_fit_bytes": full["rss_before_fit_bytes"],
                "fit_s": full["fit_s"],
                "rounds": rounds,
            }
        )
    n_series = 500 if quick else PANEL_SERIES
    progress(f"panel: {n_series} series of {PANEL_LENGTH}, windows of {WINDOW}")
    rows.append(_panel_in_subprocess(n_series, PANEL_LENGTH))
    return rows


def _worker():
    parser = argparse.ArgumentParser(description="Fit once and report memory.")
    parser.add_argument("--variant", choices=VARIANTS)
    parser.add_argument("--panel", action="store_true")
    parser.add_argument("--n-steps", type=int)
    parser.add_argument("--n-windows", type=int)
    parser.add_argument("--n-series", type=int)
    parser.add_argument("--length", type=int)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.panel:
        row = fit_panel_once(args.n_series, args.length)
    else:
        row = fit_once(args.variant, args.n_steps, args.n_windows)
    with open(args.out, "w") as file:
        json.dump(row, file)


if __name__ == "__main__":
    if "--variant" in sys.argv or "--panel" in sys.argv:
        _worker()
    else:
        main(measure, __doc__.splitlines()[0])
