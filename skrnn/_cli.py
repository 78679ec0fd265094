"""The ``skrnn`` command, a client of the library: its options are parsed
here; :mod:`skrnn._cli_forecast` and :mod:`skrnn._cli_demo` run ``skrnn
forecast FILE.csv``, ``skrnn backtest FILE.csv`` and ``skrnn demo``, with
:mod:`skrnn._cli_tools`."""

import argparse
import sys

import numpy as np

from skrnn._cli_demo import run_demo
from skrnn._cli_forecast import run_backtest, run_forecast
from skrnn._cli_tools import MODELS, InputError


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (usage goes to --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _checked(convert, accept, what):
    """An argparse type: ``convert`` the text, refuse values not ``accept``ed."""

    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            kind = "an integer" if convert is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"{value} is not {what}")
        return value

    return parse


_positive_int = _checked(int, lambda value: value >= 1, "a positive integer")
_count = _checked(int, lambda value: value >= 0, "0 or a positive integer")
_fraction = _checked(float, lambda value: 0 <= value < 1, "a fraction in [0, 1)")
_bound = _checked(float, np.isfinite, "a finite number")
_coverage = _checked(float, lambda value: 0 <= value < 1, "a coverage strictly "
    "between 0 and 1, e.g. 0.9 (or 0 for no interval)")  # fmt: skip


def _column_list(text):
    """``--future-cols a,b``: the column names, without empty ones."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r} names no column")
    return names


def _add_demo(commands):
    demo = commands.add_parser(
        "demo",
        help="fit the forecasters on the bundled series and plot the results",
        description="Fit LSTM, GRU and simple RNN forecasters on the course's "
        "synthetic series and on yearly sunspot numbers; print their one-step "
        "MAE on each series' held-out tail next to the naive forecast's and "
        "write PNG plots.",
    )
    text = "directory for the plots (default: %(default)s)"
    demo.add_argument("--out", default="demo-output", metavar="DIR", help=text)
    text = "maximum epochs per fit (default: the forecasters' own, early stopping)"
    demo.add_argument("--epochs", type=_positive_int, metavar="N", help=text)
    demo.set_defaults(func=run_demo)


# (option, type or choices, default, metavar, help) of each option of
# `forecast` and `backtest`.
_FORECAST_OPTIONS = [
    ("--id-col", None, None, "COL", "column naming the series of a long file: "
        "one model fits them all, and every series' forecasts go to one long "
        "CSV (columns: id, time, target, bounds)"),
    ("--future-cols", _column_list, None, "COL[,COL...]", "future-known "
        "covariates: columns known ahead (a temperature forecast, holidays), "
        "their values for the forecast steps in --future"),
    ("--static-cols", _column_list, None, "COL[,COL...]", "with --id-col: "
        "columns of one value per series (size, region; text is a category)"),
    ("--time-col", None, None, "COL", "column of dates or integers: each row's "
        "time (default: a first column of dates, else the rows' order)"),
    ("--freq", lambda text: int(text) if text.isdigit() else text,
        None, "F", "the series' frequency: D, h, MS, ... (pandas' names), or "
        "an integer step for integer times (default: inferred from the times)"),
    ("--window", _positive_int, 20, "W", "past values the model reads "
        "(default: %(default)s)"),
    ("--horizon", _positive_int, 1, "H", "values the model predicts at once "
        "(default: %(default)s)"),
    ("--steps", _positive_int, 30, "S", "values to forecast (default: "
        "%(default)s)"),
    ("--epochs", _positive_int, None, "N", "maximum epochs (default: the "
        "forecaster's own, with early stopping)"),
    ("--coverage", _coverage, 0.9, "C", "coverage of the prediction "
        "intervals; 0 for none, e.g. on a short series (default: %(default)s)"),
    ("--validation-fraction", _fraction, 0.1, "F", "fraction of the latest "
        "windows held out to stop training early and report the MAE; 0 trains "
        "on all, for the shortest series (default: %(default)s)"),
    ("--min", _bound, None, "LOW", "lowest possible value, e.g. 0 for counts: "
        "forecasts and interval bounds are clipped to it"),
    ("--max", _bound, None, "HIGH", "highest possible value: forecasts and "
        "interval bounds are clipped to it"),
    ("--plot", str, None, "FILE.png", "also write a plot"),
    ("--random-state", int, 0, "N", "seed, for reproducible fits (default: "
        "%(default)s)"),
    ("--model", sorted(MODELS), "lstm", None, "(default: %(default)s)"),
    # The estimators' modes (skrnn._scaling.NORMALIZE_MODES, which imports
    # Keras: --help stays fast without it), and None as "none".
    ("--normalize", ["auto", "window", "global", "last", "none"], "auto", None,
        "scaling built into the model, as the estimators' normalize=: 'auto' "
        "picks 'window' for series whose step sizes differ widely or that fall "
        "to zero, 'global' for several targets, else 'last' (default: "
        "%(default)s)"),
]  # fmt: skip


# (name, help, description, extra options) of the commands that fit.
_FIT_COMMANDS = [
    ("forecast", "fit on one column of a CSV file and forecast its next values",
        "Read FILE.csv, order it by time, fit a forecaster on windows of the "
        "target column and write the next STEPS values with their dates and "
        "prediction-interval bounds.", [
        ("--future", None, None, "FILE.csv", "the --future-cols values for the "
            "forecast steps: a row per series and step, with the time (and id)"),
        ("--out", str, "forecast.csv", "FILE", "output CSV (default: %(default)s)"),
    ]),
    ("backtest", "forecast the last STEPS values of a CSV file from several "
        "cutoffs, beside the truth", "Read FILE.csv as forecast does; at each "
        "of the last N-WINDOWS cutoffs fit a forecaster on the data up to it "
        "and forecast STEPS values; write every forecast beside the true value "
        "(columns: id, time, cutoff, target, forecast, bounds).", [
        ("--n-windows", _positive_int, 3, "N", "cutoffs (default: %(default)s)"),
        ("--step-size", _positive_int, None, "K", "time steps between cutoffs "
            "(default: --steps)"),
        ("--refit", _count, 1, "K", "fit at every K-th cutoff; 0 fits once, "
            "at the first (default: %(default)s)"),
        ("--out", str, "backtest.csv", "FILE", "output CSV (default: %(default)s)"),
    ]),
]  # fmt: skip


def build_parser():
    parser = _Parser(
        prog="skrnn",
        description="RNN, LSTM and GRU time-series forecasts from the command line.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_demo(commands)
    for name, text, description, extra in _FIT_COMMANDS:
        command = commands.add_parser(
            name, help=text, description=description + " Missing values and "
            "missing times are gaps: training skips the windows with them.",
        )  # fmt: skip
        command.add_argument("file", metavar="FILE.csv", help="input CSV file")
        text = "column to forecast"
        command.add_argument("--target", required=True, metavar="COL", help=text)
        for option, kind, default, metavar, text in _FORECAST_OPTIONS + extra:
            typed = {"choices": kind} if isinstance(kind, list) else {"type": kind}
            command.add_argument(
                option, default=default, metavar=metavar, help=text, **typed
            )
        command.set_defaults(func=run_backtest if name == "backtest" else run_forecast)
    return parser


def main(argv=None):
    """Run the ``skrnn`` command with ``argv`` (default: ``sys.argv[1:]``)
    and return its exit status: 0, or 2 after one line on stderr for bad
    input (130 if interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else 2
    try:
        return args.func(args)
    except InputError as error:
        print(f"skrnn {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"skrnn {args.command}: interrupted", file=sys.stderr)
        return 130
