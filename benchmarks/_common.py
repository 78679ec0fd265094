"""Plumbing every benchmark module shares: its command line and timers."""

import argparse
import json
import statistics
import sys
import time


def median_seconds(function, repeats):
    """Median wall time of ``repeats`` calls of ``function()``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_run(runs, key):
    """The run whose ``key(run)`` is the median of the runs' (of an even
    number, the upper of the middle two): a whole run, not a mix of runs."""
    return sorted(runs, key=key)[len(runs) // 2]


def progress(message):
    """One line on the console as the benchmark goes (stdout is not the result)."""
    print(f"  {message}", flush=True)


def main(measure, description, validation_help=None):
    """Command line of a benchmark module: run ``measure`` and write its rows.

    ``measure(quick)`` returns a list of dicts (table rows); they are written
    as JSON to ``--out`` (or printed) for ``benchmarks.run`` to collect.
    With ``validation_help``, a ``--validation`` flag (so described) is
    passed on as ``measure(quick, validation=...)``.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="few epochs, short runs")
    parser.add_argument("--out", help="write the rows here as JSON (default: print)")
    if validation_help:
        parser.add_argument("--validation", action="store_true", help=validation_help)
    args = parser.parse_args()
    options = {"validation": args.validation} if validation_help else {}
    rows = measure(quick=args.quick, **options)
    if args.out:
        with open(args.out, "w") as file:
            json.dump(rows, file, indent=1)
    else:
        json.dump(rows, sys.stdout, indent=1)
        print()
