"""The M1 and M3 competition data, their protocol and scores, in numpy alone.

The statistical peers run in a virtual environment without skrnn, so this
module imports neither skrnn nor Keras: numpy and the standard library only.

The data (GPL-3, from the Mcomp R package 2.8; the tourism competition's
quarterly and yearly series, from the Tcomp R package) is read from the shared
folder beside the repository, ``../shared/data``, or from the folder named
by ``SKRNN_MCOMP_DATA``; it is never copied into the repository. Each file
holds one JSON object a line: ``id``, ``period``, ``h`` (the competition's
horizon), ``x`` (the history), ``xx`` (the test values) and, for M3,
``forecasts`` (the original entrants' forecasts of ``xx``).

The protocol is the competitions': forecast ``h`` steps from the end of
``x`` and score against ``xx``. ``validation=True`` moves the whole thing
back ``h`` steps: the last ``h`` values of every ``x`` become the values to
forecast and the rest the history, so that a model can be tuned without
ever seeing ``xx``. Tune on validation scores; report the test scores.
"""

import argparse
import gzip
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# statsforecast's environment (made by ``make bench``): AutoETS and Theta.
STATS_PYTHON = ROOT / "benchmarks" / ".venv-stats" / "bin" / "python"
# The accuracy study's choices are made on these panels' validation tails
# only; the others' validation tails and every test value are held out.
CHOICE_PANELS = (
    "M3 quarterly",
    "tourism quarterly",
    "M1 monthly",
    "M3 yearly",
    "M3 other",
)
DATA_ENV = "SKRNN_MCOMP_DATA"
DEFAULT_DATA_DIR = ROOT.parent / "shared" / "data"
FILES = {
    "M1": "m1.jsonl.gz",
    "M3": "m3_dev.jsonl.gz",
    "tourism": "tourism_dev.jsonl.gz",
}
# Seasonal period of each frequency, for MASE and the seasonal models.
SEASONALITY = {"monthly": 12, "quarterly": 4, "yearly": 1, "other": 1}
SUBSETS = (
    "M1 monthly",
    "M1 quarterly",
    "M1 yearly",
    "M3 yearly",
    "M3 quarterly",
    "M3 other",
    "tourism quarterly",
    "tourism yearly",
)
# The subsets the goal names, and the Theta row each must beat.
GOAL_SUBSETS = {
    "M1 monthly": "statsforecast Theta",
    "M3 yearly": "THETA (M3 entrant)",
    "M3 quarterly": "THETA (M3 entrant)",
    "M3 other": "THETA (M3 entrant)",
}
ENTRANTS = ("THETA", "ForecastPro", "Auto-ANN", "NAIVE2", "DAMPEN", "COMB S-H-D")
QUICK_SERIES = 24


@dataclass
class Subset:
    """One frequency of one competition, ready to forecast and score.

    ``histories[i]`` is what a model may see of series ``i``, ``actuals[i]``
    the ``h`` values it must forecast, ``entrants[name][i]`` the entrant's
    forecast of them (test protocol only).
    """

    name: str
    period: str
    h: int
    m: int
    ids: list
    histories: list
    actuals: np.ndarray
    validation: bool = False
    entrants: dict = field(default_factory=dict)


def data_dir():
    return Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)


def missing_data():
    """Why the benchmark cannot run here, with where to get the data; or None."""
    folder = data_dir()
    absent = [name for name in FILES.values() if not (folder / name).exists()]
    if not absent:
        return None
    return (
        f"no M-competition data: {', '.join(absent)} not in {folder}. They are "
        "the M1 and M3 series of the Mcomp R package (version 2.8, GPL-3), "
        "one JSON object a line (id, period, h, x, xx and, for M3, the "
        f"entrants' forecasts); put them in {DEFAULT_DATA_DIR} or point "
        f"{DATA_ENV} to their folder."
    )


def _evenly_spaced(n, limit):
    if limit is None or limit >= n:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def load_subset(name, *, validation=False, limit=None):
    """Load ``name`` (e.g. ``"M3 yearly"``) as a :class:`Subset`.

    ``validation=True`` drops the last ``h`` values of every history and
    scores against them (no entrants then: theirs are forecasts of ``xx``).
    ``limit`` keeps that many series, evenly spaced through the file.
    """
    competition, period = name.split()
    with gzip.open(data_dir() / FILES[competition], "rt") as file:
        records = [
            record for record in map(json.loads, file) if record["period"] == period
        ]
    if not records:
        raise ValueError(f"no {period} series in {FILES[competition]}")
    records = [records[i] for i in _evenly_spaced(len(records), limit)]
    h = records[0]["h"]
    histories, actuals = [], []
    for record in records:
        x = np.asarray(record["x"], dtype=float)
        if validation:
            x, test = x[:-h], x[-h:]
        else:
            test = np.asarray(record["xx"], dtype=float)
        histories.append(x)
        actuals.append(test)
    entrants = {}
    if not validation and "forecasts" in records[0]:
        entrants = {
            entrant: np.array([record["forecasts"][entrant] for record in records])
            for entrant in ENTRANTS
        }
    return Subset(
        name=name,
        period=period,
        h=h,
        m=SEASONALITY[period],
        ids=[record["id"] for record in records],
        histories=histories,
        actuals=np.array(actuals),
        validation=validation,
        entrants=entrants,
    )


# ------------------------------------------------------------------ scores


def smape(actuals, forecasts):
    """Mean over series of the mean over the horizon of 200|y-f|/(|y|+|f|)."""
    actuals, forecasts = np.asarray(actuals), np.asarray(forecasts)
    denominator = np.abs(actuals) + np.abs(forecasts)
    # y = f = 0 is a perfect forecast, not 0/0.
    ratio = np.divide(
        200 * np.abs(actuals - forecasts),
        denominator,
        out=np.zeros(actuals.shape),
        where=denominator > 0,
    )
    return float(ratio.mean(axis=1).mean())


def mase_scales(histories, m):
    """In-sample MAE of the seasonal naive forecast of each history.

    A history of ``m`` values or fewer (only in validation, on M1) has no
    seasonal naive forecast in sample: its scale is the naive one (lag 1).
    """
    scales = []
    for x in histories:
        lag = m if len(x) > m else 1
        scales.append(np.mean(np.abs(x[lag:] - x[:-lag])) if len(x) > lag else 0.0)
    return np.array(scales)


def mase(histories, actuals, forecasts, m):
    """Mean over series of MAE over the horizon / :func:`mase_scales`.

    A series whose scale is 0 (a constant history; none in M1 or M3) is
    left out of the mean rather than making it infinite.
    """
    errors = np.abs(np.asarray(actuals) - np.asarray(forecasts)).mean(axis=1)
    scales = mase_scales(histories, m)
    defined = scales > 0
    return float(np.mean(errors[defined] / scales[defined]))


def score(subset, forecasts):
    """``{"smape": ..., "mase": ...}`` of ``forecasts`` of shape (n_series, h)."""
    forecasts = np.asarray(forecasts, dtype=float)
    expected = subset.actuals.shape
    if forecasts.shape != expected:
        raise ValueError(
            f"{subset.name}: forecasts of shape {forecasts.shape}, expected "
            f"{expected} (one row of h values per series)"
        )
    if not np.isfinite(forecasts).all():
        raise ValueError(f"{subset.name}: forecasts contain NaN or infinity")
    return {
        "smape": smape(subset.actuals, forecasts),
        "mase": mase(subset.histories, subset.actuals, forecasts, subset.m),
    }


# --------------------------------------------------------------- baselines


def naive(histories, h):
    """The last value of each history, repeated ``h`` times."""
    return np.array([np.full(h, x[-1]) for x in histories])


def seasonal_naive(histories, h, m):
    """The last season (``m`` values) of each history, repeated over ``h``.

    A history shorter than ``m`` gets the naive forecast.
    """
    rows = []
    for x in histories:
        if len(x) < m:
            rows.append(np.full(h, x[-1]))
        else:
            rows.append(x[len(x) - m + np.arange(h) % m])
    return np.array(rows)


# -------------------------------------------------------------------- rows


def row(subset, model, kind, forecasts, *, seconds=None, details=None):
    """One table row: the subset, the model, its scores and time.

    ``kind`` is ``"skrnn"``, ``"entrant"``, ``"statsforecast"`` or
    ``"baseline"``; ``seconds`` is fit + forecast of the whole subset;
    ``details`` (name -> value) are shown beside the scores.
    """
    return {
        "subset": subset.name,
        "model": model,
        "kind": kind,
        "n_series": len(subset.histories),
        "h": subset.h,
        "m": subset.m,
        "validation": subset.validation,
        **score(subset, forecasts),
        "seconds": seconds,
        "details": details or {},
    }


def format_details(details):
    return ", ".join(f"{name} {value}" for name, value in details.items())


def timed(function, *args, **kwargs):
    """``function(*args, **kwargs)`` and the seconds it took."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def format_rows(rows):
    """The rows as a plain-text table per subset, for the console."""
    lines = []
    for name in dict.fromkeys(row["subset"] for row in rows):
        lines.append(name)
        for row_ in (row for row in rows if row["subset"] == name):
            seconds = "" if row_["seconds"] is None else f"{row_['seconds']:7.1f} s"
            lines.append(
                f"  {row_['model']:<34} sMAPE {row_['smape']:6.2f}  "
                f"MASE {row_['mase']:5.2f}  {seconds:9}  "
                f"{format_details(row_['details'])}".rstrip()
            )
    return "\n".join(lines)


def main(measure, description):
    """Command line of an M-competition module.

    ``measure(subsets, *, quick, validation, models)`` returns table rows;
    they are written as JSON to ``--out`` (for ``benchmarks.run``) or
    printed. ``models`` is None (all) or the names of the trained models to
    run.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_SERIES} series, 2 epochs"
    )
    parser.add_argument("--out", help="write the rows here as JSON (default: print)")
    parser.add_argument(
        "--validation",
        action="store_true",
        help="score on the last h values of each history, not the test values",
    )
    parser.add_argument(
        "--subsets",
        default=",".join(SUBSETS),
        help=f"comma-separated, out of {','.join(SUBSETS)} (default: all)",
    )
    parser.add_argument(
        "--models",
        help="comma-separated names of the trained models to run (default: all)",
    )
    args = parser.parse_args()
    subsets = [name.strip() for name in args.subsets.split(",") if name.strip()]
    unknown = sorted(set(subsets) - set(SUBSETS))
    if unknown:
        parser.error(f"unknown subsets {unknown}; choose from {list(SUBSETS)}")
    reason = missing_data()
    if reason:
        print(f"skipped: {reason}", file=sys.stderr)
        rows = []
    else:
        models = args.models and [name.strip() for name in args.models.split(",")]
        rows = measure(
            subsets, quick=args.quick, validation=args.validation, models=models
        )
    if args.out:
        with open(args.out, "w") as file:
            json.dump(rows, file, indent=1)
    else:
        print(format_rows(rows))
