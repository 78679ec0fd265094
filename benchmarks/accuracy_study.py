"""The accuracy study of issue 22: what makes a global model win on seasonal panels.

For each panel's validation split (the last ``h`` values of every history
are the targets; the competition's test values ``xx`` are never read), one
global model per config is fitted through the public panel API
(``make_windows(list_of_histories, window=..., horizon=h)`` then
``forecast``) and scored by sMAPE and MASE beside seasonal naive and
statsforecast's AutoETS and Theta on the same validation histories.

HOLD-OUT: choices are made on the validation tails of M3 quarterly,
tourism quarterly, M1 monthly, M3 yearly and M3 other only. M1 quarterly
and tourism yearly are held out entirely (not even their validation tails
inform a choice) until the final test table (``--test``).

A config transforms every history before the windows are cut and inverts
the transform on the forecasts, so the model and the API stay the user's:

- ``log``: the log of a panel whose every value is positive, else
  ``log1p`` of a panel without negative values, else nothing.
- ``season``: classical decomposition per series (a centred moving average
  of one season, the mean ratio, or difference in log space, of each
  season position to it) for series whose history passes the 90%
  seasonality test of the Theta method; the seasonal index is divided out
  (subtracted in log space) and put back on the forecast.
- ``lookback``: the window as seasons (``1.25``, ``2``, ``3`` x m), capped
  where 90% of the series still give a window; None keeps the benchmark's
  16, 12 or 8.
- ``members``: ``(lookback, seed)`` pairs whose forecasts' median is the
  forecast (an ensemble of diverse members).

    python -m benchmarks.accuracy_study --panels "M3 quarterly" \
        --configs baseline,log-window
"""

import argparse
import dataclasses
import fcntl
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

from benchmarks import _mcomp
from benchmarks._common import progress
from benchmarks.m_competitions import suited_window
from skrnn._seasonal import is_seasonal, seasonal_index

RESULTS = Path(__file__).with_name("accuracy_study.json")
PEERS = Path(__file__).with_name("accuracy_study_peers.json")
PEER_MODELS = ("statsforecast AutoETS", "statsforecast Theta")
STATS_PYTHON = _mcomp.STATS_PYTHON
CHOICE_PANELS = _mcomp.CHOICE_PANELS
HELD_OUT_PANELS = ("M1 quarterly", "tourism yearly")


@dataclasses.dataclass(frozen=True)
class Config:
    """How one study row fits: transforms, window and estimator settings."""

    log: bool = False
    season: bool = False
    normalize: str = "auto"
    lookback: float | None = None
    epochs: int = 100
    patience: int = 10
    members: tuple = ((None, 0),)
    cell: str = "LSTM"


CONFIGS = {
    "baseline": Config(),
    "log-window": Config(log=True, normalize="window"),
    "log-last": Config(log=True, normalize="last"),
    "season": Config(season=True),
    "log-season-window": Config(log=True, season=True, normalize="window"),
    "log-season-last": Config(log=True, season=True, normalize="last"),
    "log-last-lb1.25": Config(log=True, normalize="last", lookback=1.25),
    "log-last-lb2": Config(log=True, normalize="last", lookback=2),
    "log-last-lb3": Config(log=True, normalize="last", lookback=3),
    "log-season-last-lb2": Config(log=True, season=True, normalize="last", lookback=2),
    "log-last-patience20": Config(log=True, normalize="last", patience=20),
    "log-season-last-ens": Config(
        log=True,
        season=True,
        normalize="last",
        members=((None, 0), (2, 1), (1.25, 2), (None, 3), (2, 4)),
    ),
    "log-last-ens": Config(
        log=True,
        normalize="last",
        members=((1.25, 0), (2, 1), (3, 2), (None, 3), (2, 4)),
    ),
}


# ------------------------------------------------------------- transforms


def log_kind(histories):
    """``"log"``, ``"log1p"`` or None, from the panel's positivity alone."""
    low = min(float(np.min(x)) for x in histories)
    if low > 0:
        return "log"
    if low >= 0:
        return "log1p"
    return None


def apply_log(histories, kind):
    if kind == "log":
        return [np.log(x) for x in histories]
    if kind == "log1p":
        return [np.log1p(x) for x in histories]
    return list(histories)


def invert_log(forecasts, kind):
    if kind == "log":
        return np.exp(forecasts)
    if kind == "log1p":
        return np.expm1(forecasts)
    return forecasts


def deseasonalise(histories, m, multiplicative):
    """Adjusted histories and each series' index (None: left as it was)."""
    adjusted, indices = [], []
    for x in histories:
        usable = not multiplicative or np.min(x) > 0
        if usable and is_seasonal(x, m):
            index = seasonal_index(x, m, multiplicative)
            season = index[np.arange(len(x)) % m]
            adjusted.append(x / season if multiplicative else x - season)
            indices.append(index)
        else:
            adjusted.append(x)
            indices.append(None)
    return adjusted, indices


def reseasonalise(forecasts, histories, indices, m, multiplicative):
    rows = []
    for row, x, index in zip(forecasts, histories, indices, strict=True):
        if index is not None:
            season = index[(len(x) + np.arange(len(row))) % m]
            row = row * season if multiplicative else row + season
        rows.append(row)
    return np.array(rows)


# ------------------------------------------------------------------ fits


def window_for(histories, h, m, lookback):
    """``lookback`` seasons, capped where 90% of series still give a window."""
    if lookback is None or m == 1:
        return suited_window(histories, h)
    lengths = np.array([len(x) for x in histories])
    cap = int(np.quantile(lengths, 0.1)) - h
    return max(4, min(round(lookback * m), cap))


def fit_forecast(histories, h, m, config, lookback, seed):
    from skrnn import GRUForecaster, LSTMForecaster, make_windows

    forecaster = {"LSTM": LSTMForecaster, "GRU": GRUForecaster}[config.cell]
    window = window_for(histories, h, m, lookback)
    X, y = make_windows(list(histories), window=window, horizon=h)
    estimator = forecaster(
        normalize=config.normalize,
        epochs=config.epochs,
        patience=config.patience,
        random_state=seed,
    ).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # short series padded
        forecasts = np.array(estimator.forecast(list(histories), h))
    return forecasts, {"window": window, "epochs": int(estimator.n_iter_)}


def run_config(subset, config):
    """Forecasts of ``subset`` by ``config``, and what was chosen on the way."""
    histories, h, m = subset.histories, subset.h, subset.m
    kind = log_kind(histories) if config.log else None
    values = apply_log(histories, kind)
    indices = None
    multiplicative = kind is None
    if config.season and m > 1:
        values, indices = deseasonalise(values, m, multiplicative)
    members, details = [], []
    for lookback, seed in config.members:
        lookback = config.lookback if lookback is None else lookback
        forecasts, detail = fit_forecast(values, h, m, config, lookback, seed)
        members.append(forecasts)
        details.append(detail)
    forecasts = np.median(members, axis=0)
    if indices is not None:
        forecasts = reseasonalise(forecasts, values, indices, m, multiplicative)
    forecasts = invert_log(forecasts, kind)
    info = {
        "log": kind,
        "seasonal series": None
        if indices is None
        else sum(index is not None for index in indices),
        "windows": [d["window"] for d in details],
        "epochs": [d["epochs"] for d in details],
    }
    return forecasts, info


# ----------------------------------------------------------------- peers


def peer_scores(panels, validation):
    """AutoETS and Theta scores, from the cache or the statsforecast venv."""
    cache = json.loads(PEERS.read_text()) if PEERS.exists() else {}
    split = "validation" if validation else "test"
    missing = [name for name in panels if f"{name} | {split}" not in cache]
    if missing:
        out = PEERS.with_suffix(".tmp.json")
        command = [
            str(STATS_PYTHON),
            "-m",
            "benchmarks.peer_statsforecast",
            "--subsets",
            ",".join(missing),
            "--models",
            ",".join(PEER_MODELS),
            "--out",
            str(out),
        ]
        if validation:
            command.append("--validation")
        subprocess.run(
            command, check=True, cwd=_mcomp.ROOT, env={"PYTHONPATH": str(_mcomp.ROOT)}
        )
        add_peer_rows(cache, json.loads(out.read_text()))
        out.unlink()
        PEERS.write_text(json.dumps(cache, indent=1, sort_keys=True))
    return cache


def add_peer_rows(cache, rows):
    for row in rows:
        split = "validation" if row["validation"] else "test"
        cache.setdefault(f"{row['subset']} | {split}", {})[row["model"]] = {
            "smape": row["smape"],
            "mase": row["mase"],
            "seconds": row["seconds"],
        }


# ---------------------------------------------------------------- tables


def load_results():
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def save_result(key, config_name, result):
    # Several study runs may finish at once: one writer at a time.
    # The lock file lives outside the repository.
    with open(Path("/tmp") / "skrnn_accuracy_study.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = load_results()
        results.setdefault(key, {})[config_name] = result
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True))


def table(name, validation):
    """The rows of one panel as text: the study's configs, then the peers."""
    split = "validation" if validation else "test"
    key = f"{name} | {split}"
    rows = dict(load_results().get(key, {}))
    peers = json.loads(PEERS.read_text()).get(key, {}) if PEERS.exists() else {}
    held_out = " (held out until the final table)" if name in HELD_OUT_PANELS else ""
    lines = [f"{name}, {split}{held_out}"]
    for model, result in {**rows, **peers}.items():
        seconds = result.get("seconds")
        timing = "" if seconds is None else f"{seconds:7.1f} s"
        lines.append(
            f"  {model:<26} sMAPE {result['smape']:6.2f}  MASE "
            f"{result['mase']:5.2f}  {timing}"
        )
    return "\n".join(lines)


def rst_table(name, validation):
    """One panel's rows as an RST table, for docs/defaults.rst."""
    split = "validation" if validation else "test"
    key = f"{name} | {split}"
    rows = dict(load_results().get(key, {}))
    peers = json.loads(PEERS.read_text()).get(key, {}) if PEERS.exists() else {}
    body = [
        (model, f"{r['smape']:.2f}", f"{r['mase']:.2f}")
        for model, r in {**rows, **peers}.items()
    ]
    widths = [
        max(len(cells[i]) for cells in [("config", "sMAPE", "MASE"), *body])
        for i in range(3)
    ]
    rule = "  ".join("=" * w for w in widths)
    lines = [
        rule,
        "  ".join(
            c.ljust(w) for c, w in zip(("config", "sMAPE", "MASE"), widths, strict=True)
        ),
        rule,
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        for cells in body
    ]
    return "\n".join([*lines, rule])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", default=",".join(CHOICE_PANELS))
    parser.add_argument("--configs", default="baseline")
    parser.add_argument(
        "--test",
        action="store_true",
        help="score on the test values (the final table only; never for choices)",
    )
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--rst", action="store_true", help="print the stored tables as RST, fit nothing"
    )
    args = parser.parse_args()
    panels = [name.strip() for name in args.panels.split(",") if name.strip()]
    configs = [name.strip() for name in args.configs.split(",") if name.strip()]
    unknown = sorted(set(configs) - set(CONFIGS))
    if unknown:
        parser.error(f"unknown configs {unknown}; choose from {list(CONFIGS)}")
    validation = not args.test
    if validation and set(panels) & set(HELD_OUT_PANELS):
        parser.error(
            f"{sorted(set(panels) & set(HELD_OUT_PANELS))} are held out: "
            "they are only run with --test, for the final table"
        )
    if args.rst:
        for name in panels:
            print(f"{name}\n\n{rst_table(name, validation)}\n")
        return
    split = "validation" if validation else "test"
    for name in panels:
        subset = _mcomp.load_subset(name, validation=validation)
        key = f"{name} | {split}"
        snaive = _mcomp.seasonal_naive(subset.histories, subset.h, subset.m)
        save_result(key, "seasonal naive", _mcomp.score(subset, snaive))
        for config_name in configs:
            (forecasts, info), seconds = _mcomp.timed(
                run_config, subset, CONFIGS[config_name]
            )
            result = {**_mcomp.score(subset, forecasts), "seconds": seconds, **info}
            save_result(key, config_name, result)
            progress(
                f"{key}: {config_name} sMAPE {result['smape']:.2f} "
                f"MASE {result['mase']:.2f} in {seconds:.0f} s {info}"
            )
    if not args.no_peers:
        peer_scores(panels, validation)
    for name in panels:
        print(table(name, validation))


if __name__ == "__main__":
    sys.exit(main())
