"""Peak memory of fitting on ``make_windows`` output of a long series.

``make_windows`` returns a strided view: windows of 64 values over a
1-million-step series cost the series' 4 MB (float32) or 8 MB (float64),
where the float32 ``(n, 64, 1)`` copy Keras trains on costs 244 MiB.
Each measurement runs in a fresh process and reads its peak resident
set size (``ru_maxrss``); a baseline process fits the same model on the
first 10,000 windows only, so that the difference is what the data
costs, not TensorFlow's runtime.

- skrnn: ``RNNForecaster(units=8)``, 1 epoch, batch 1024,
  ``validation_fraction=0``, fitted on the view of a float32 series (what
  ``make_synthetic_series`` returns) and of a float64 one;
- hand-written Keras: the same model fitted on a float32 copy of the
  windows, as Keras needs arrays or a dataset.
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

from benchmarks._common import main, progress

WINDOW = 64
BATCH_SIZE = 1024
BASELINE_WINDOWS = 10_000
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


def fit_once(variant, n_steps, baseline):
    """Fit in this process; return its memory figures."""
    import keras

    from skrnn import RNNForecaster, make_windows
    from skrnn.datasets import make_synthetic_series

    code, dtype = VARIANTS[variant]
    series = make_synthetic_series(n_steps).astype(dtype)
    X, y = make_windows(series, window=WINDOW)
    if baseline:
        X, y = X[:BASELINE_WINDOWS], y[:BASELINE_WINDOWS]
    rss_before_fit = _rss_bytes()
    start = time.perf_counter()
    if code == "skrnn":
        RNNForecaster(
            units=8,
            epochs=1,
            batch_size=BATCH_SIZE,
            validation_fraction=0,
            early_stopping=False,
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


def _in_subprocess(variant, n_steps, baseline):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.json")
        command = [sys.executable, "-m", "benchmarks.memory", "--variant", variant]
        command += ["--n-steps", str(n_steps), "--out", out]
        if baseline:
            command.append("--baseline")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(out) as file:
            return json.load(file)


def measure(quick):
    # Quick runs stay above the size skrnn copies whole (64 MB of windows).
    n_steps = 300_000 if quick else 1_000_000
    n_windows = n_steps - WINDOW
    rows = []
    for variant in VARIANTS:
        progress(f"{variant}: baseline ({BASELINE_WINDOWS} windows)")
        base = _in_subprocess(variant, n_steps, baseline=True)
        progress(f"{variant}: {n_windows} windows of {WINDOW}")
        full = _in_subprocess(variant, n_steps, baseline=False)
        rows.append(
            {
                "variant": variant,
                "series_steps": n_steps,
                "window": WINDOW,
                "n_windows": full["n_windows"],
                "series_bytes": n_steps * np.dtype(VARIANTS[variant][1]).itemsize,
                "copy_bytes": n_windows * WINDOW * 4,
                "baseline_peak_rss_bytes": base["peak_rss_bytes"],
                "peak_rss_bytes": full["peak_rss_bytes"],
                "data_peak_bytes": full["peak_rss_bytes"] - base["peak_rss_bytes"],
                "rss_before_fit_bytes": full["rss_before_fit_bytes"],
                "fit_s": full["fit_s"],
            }
        )
    return rows


def _worker():
    parser = argparse.ArgumentParser(description="Fit once and report memory.")
    parser.add_argument("--variant", choices=VARIANTS, required=True)
    parser.add_argument("--n-steps", type=int, required=True)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    row = fit_once(args.variant, args.n_steps, args.baseline)
    with open(args.out, "w") as file:
        json.dump(row, file)


if __name__ == "__main__":
    if "--variant" in sys.argv:
        _worker()
    else:
        main(measure, __doc__.splitlines()[0])
