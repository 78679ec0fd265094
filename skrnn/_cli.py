"""The ``skrnn`` command: ``skrnn demo`` and ``skrnn forecast FILE.csv``.

Bad input ends the program with one line on stderr and exit status 2;
output files are written to a temporary file and moved into place, so a
failure never leaves a half-written file.
"""

import argparse
import contextlib
import os
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from skrnn._calibration import calibration_counts, too_short_to_calibrate
from skrnn._windows import make_windows

# The forecaster behind each --model; imported (with Keras) only to train.
MODELS = {"lstm": "LSTMForecaster", "gru": "GRUForecaster", "rnn": "RNNForecaster"}


class InputError(Exception):
    """Bad input from the user: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (usage goes to --help)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


@contextlib.contextmanager
def _quiet_native_stderr():
    """Hide what native code writes to file descriptor 2 (TensorFlow's
    start-up lines) while the block runs."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real file descriptor 2
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _training_tools():
    """The forecaster classes by --model name and the progress bar class.

    Importing them starts Keras and its backend; done only once the input
    has passed its checks, with the backend's start-up chatter hidden.
    """
    with _quiet_native_stderr():
        import skrnn._forecasters as forecasters
        from skrnn._progress import ProgressBar
    return {
        key: getattr(forecasters, name) for key, name in MODELS.items()
    }, ProgressBar


def _note(message):
    print(f"skrnn: {message}", file=sys.stderr)


# ------------------------------------------------------------------ writing


@contextlib.contextmanager
def _atomic_outputs(paths):
    """Yield temporary paths next to ``paths``; move them into place only if
    the block succeeds, else remove them."""
    umask = os.umask(0)
    os.umask(umask)
    temporary = []
    try:
        for path in paths:
            handle, name = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent
            )
            os.close(handle)
            # mkstemp makes the file private (0600); give it a new file's mode.
            os.chmod(name, 0o666 & ~umask)
            temporary.append(Path(name))
        yield temporary
        for name, path in zip(temporary, paths, strict=True):
            os.replace(name, path)
    finally:
        for name in temporary:
            with contextlib.suppress(FileNotFoundError):
                name.unlink()


def _check_writable(path, option):
    """The output path, if its directory exists; an InputError otherwise."""
    path = Path(path)
    directory = path.parent
    if not directory.is_dir():
        raise InputError(f"{option} {path}: directory {directory} does not exist")
    if path.is_dir():
        raise InputError(f"{option} {path} is a directory; give a file name")
    return path


# ------------------------------------------------------------ reading a CSV


def _import_pandas():
    try:
        import pandas as pd
    except ImportError:
        raise InputError(
            "reading CSV files needs pandas: pip install skrnn[pandas]"
        ) from None
    return pd


def _read_csv(path):
    pd = _import_pandas()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e)
        raise InputError(f"{path}: not a readable CSV file ({first_line})") from None
    if frame.empty:
        raise InputError(f"{path}: the file has no data rows")
    return frame


def _column(frame, name, option):
    if name not in frame.columns:
        available = ", ".join(map(str, frame.columns))
        raise InputError(f"{option} {name!r} is not a column; available: {available}")
    return frame[name]


def _numeric_target(column, name):
    """The target as float, empty cells as NaN; an InputError for text."""
    pd = _import_pandas()
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"--target {name!r} is not numeric: row {row + 1} holds "
            f"{column.iloc[row]!r}"
        )
    values = values.astype(float)
    if np.isinf(values).any():
        raise InputError(f"--target {name!r} holds infinite values")
    return values


def _parse_times(column, name):
    """Datetimes (from text or datetime cells) or numbers; InputError else."""
    pd = _import_pandas()
    if column.isna().any():
        row = int(np.flatnonzero(column.isna().to_numpy())[0])
        raise InputError(f"--time-col {name!r} has an empty cell in row {row + 1}")
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype(float if column.dtype.kind == "f" else "int64")
    times = pd.to_datetime(column, errors="coerce", format="mixed")
    if times.isna().any():
        row = int(np.flatnonzero(times.isna().to_numpy())[0])
        raise InputError(
            f"--time-col {name!r} is not a date or number column: row {row + 1} "
            f"holds {column.iloc[row]!r}"
        )
    return times


def _guess_time_column(frame, target):
    """The first column if it is not the target and every cell is a date."""
    pd = _import_pandas()
    first = frame.columns[0]
    column = frame[first]
    if first == target or pd.api.types.is_numeric_dtype(column) or column.isna().any():
        return None
    try:
        times = pd.to_datetime(column, errors="coerce", format="mixed")
    except (TypeError, ValueError):
        return None
    return first if times.notna().all() else None


def _infer_freq(index):
    """pandas' inferred frequency as an offset, or None (any pandas version)."""
    pd = _import_pandas()
    with warnings.catch_warnings():
        # pandas 3 warns that infer_freq will return an offset, not a string.
        warnings.simplefilter("ignore", DeprecationWarning)
        freq = pd.infer_freq(index)
    return None if freq is None else pd.tseries.frequencies.to_offset(freq)


def _regular_index(times, name, rows):
    """A regular index spanning ``times`` and its step (frequency).

    Missing time steps become gaps (NaN) in the series; times that fall
    off any regular grid are an InputError naming the first such row
    (``rows[i]`` is the data row, from 0, of ``times.iloc[i]``).
    """
    pd = _import_pandas()
    if times.duplicated().any():
        duplicate = _format_time(times[times.duplicated()].iloc[0])
        raise InputError(
            f"--time-col {name!r} repeats the time {duplicate}; one row per time"
        )
    if len(times) < 2:
        raise InputError(f"--time-col {name!r} needs at least two times")
    if pd.api.types.is_numeric_dtype(times):
        values = times.to_numpy()
        step = np.diff(values).min()
        positions = (values - values[0]) / step
        off_grid = ~np.isclose(positions, np.round(positions))
        if off_grid.any():
            first = int(np.flatnonzero(off_grid)[0])
            raise InputError(
                f"--time-col {name!r} is not evenly spaced: row "
                f"{rows[first] + 1} holds {values[first]!r}, which is not a "
                f"multiple of the smallest step {step} from the first time"
            )
        n = int(round(positions[-1])) + 1
        index = pd.Index(values[0] + step * np.arange(n), name=name)
        return index, step
    index = pd.DatetimeIndex(times, name=name)
    freq = _infer_freq(index) if len(index) >= 3 else None
    if freq is None:
        # Gaps hide the frequency: take the one most short stretches show.
        stride = max(1, (len(index) - 4) // 200)
        votes = Counter(
            _infer_freq(index[i : i + 5]) for i in range(0, len(index) - 4, stride)
        )
        votes.pop(None, None)
        if votes:
            freq = votes.most_common(1)[0][0]
    if freq is None:
        raise InputError(
            f"--time-col {name!r}: cannot infer a regular frequency (daily, "
            "monthly, ...) from its dates"
        )
    full = pd.date_range(index[0], index[-1], freq=freq, name=name)
    off_grid = ~index.isin(full)
    if off_grid.any():
        first = int(np.flatnonzero(off_grid)[0])
        raise InputError(
            f"--time-col {name!r}: row {rows[first] + 1} holds "
            f"{_format_time(index[first])}, off the frequency of the other "
            f"dates ({freq.freqstr}); fix or drop that row"
        )
    return full, full.freq


def load_series(path, target, time_col=None, notes=None):
    """Read ``path`` and return the target as a regular, time-ordered Series.

    Returns the Series and its time step (a pandas offset, a number, or None
    for row order). Remarks for the user are appended to ``notes``.
    """
    notes = [] if notes is None else notes
    frame = _read_csv(path)
    values = _numeric_target(_column(frame, target, "--target"), target)
    time_col = _time_column(frame, target, time_col, notes)
    return _regular_series(frame, values, target, time_col, notes)


def _time_column(frame, target, time_col, notes, skip=()):
    """``time_col``, or the first column if it holds dates (noted)."""
    if time_col is None:
        time_col = _guess_time_column(frame.drop(columns=list(skip)), target)
        if time_col is not None:
            notes.append(
                f"using column {time_col!r} as time (pass --time-col to choose)"
            )
    return time_col


def load_panel(path, target, id_col, time_col=None, notes=None):
    """Read ``path`` as a long table of many series (``id_col`` names each).

    Returns a dict of series id -> (Series, time step), each series as
    :func:`load_series` returns it, in the order the ids first appear.
    """
    notes = [] if notes is None else notes
    frame = _read_csv(path)
    ids = _column(frame, id_col, "--id-col")
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise InputError(f"--id-col {id_col!r} has an empty cell in row {row + 1}")
    values = _numeric_target(_column(frame, target, "--target"), target)
    time_col = _time_column(frame, target, time_col, notes, skip=[id_col])
    panel, n_gaps = {}, 0
    for key, rows in frame.groupby(id_col, sort=False).indices.items():
        series_notes = []
        try:
            panel[key] = _regular_series(
                frame.iloc[rows].reset_index(drop=True),
                values.iloc[rows].reset_index(drop=True),
                target,
                time_col,
                series_notes,
            )
        except InputError as error:
            raise InputError(f"series {key!r}: {error}") from None
        n_gaps += bool(series_notes)
    if n_gaps:
        notes.append(f"{n_gaps} series have missing time steps: they are gaps")
    return panel


def _regular_series(frame, values, target, time_col, notes):
    """The target of ``frame`` on a regular time index (gaps as NaN)."""
    pd = _import_pandas()
    if time_col is None:
        return pd.Series(values.to_numpy(), name=target), None
    times = _parse_times(_column(frame, time_col, "--time-col"), time_col)
    order = np.argsort(times.to_numpy(), kind="stable")
    times = times.iloc[order].reset_index(drop=True)
    values = pd.Series(values.to_numpy()[order], index=pd.Index(times), name=target)
    index, step = _regular_index(times, time_col, order)
    series = values.reindex(index)
    n_added = len(index) - len(times)
    if n_added:
        notes.append(f"{n_added} missing time step(s) in {time_col!r} are gaps")
    return series, step


def _future_times(index, step, steps):
    pd = _import_pandas()
    if isinstance(index, pd.DatetimeIndex):
        return pd.date_range(index[-1], periods=steps + 1, freq=step)[1:]
    if step is None:
        return pd.RangeIndex(len(index), len(index) + steps, name="step")
    return pd.Index(index[-1] + step * np.arange(1, steps + 1), name=index.name)


# ----------------------------------------------------------------- forecast


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive integer")
    return value


def _number(text):
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _coverage(text):
    value = _number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(
            f"{value} is not a coverage strictly between 0 and 1, e.g. 0.9 "
            "(or 0 for no interval)"
        )
    return value


def _fraction(text):
    value = _number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a fraction in [0, 1)")
    return value


def _bound(text):
    value = _number(text)
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"{value} is not a finite number")
    return value


def _check_bounds(args):
    if args.min is not None and args.max is not None and not args.min < args.max:
        raise InputError(f"--min {args.min:g} must be below --max {args.max:g}")


def _too_short_for_intervals(values, args):
    """Whether even a window of one value leaves too few errors to calibrate."""
    _, counts = calibration_counts(
        values[:, np.newaxis], 1, args.steps, args.coverage, args.validation_fraction
    )
    return too_short_to_calibrate(counts, args.coverage, 1) is not None


def _check_calibration(values, args):
    """Refuse, before training, a series too short for the interval."""
    if not args.coverage:
        return
    _, counts = calibration_counts(
        values[:, np.newaxis],
        args.window,
        args.steps,
        args.coverage,
        args.validation_fraction,
    )
    short = too_short_to_calibrate(counts, args.coverage, args.window)
    if short is None:
        return
    fixes = ["--coverage 0 (no interval)"]
    if short["max_coverage"] is not None:
        fixes.append(f"--coverage {short['max_coverage']}")
    if short["max_steps"] is not None:
        fixes.append(f"--steps {short['max_steps']}")
    raise InputError(
        f"the series is too short to calibrate a {args.coverage:.0%} interval "
        f"{args.steps} steps ahead: forecasts from its last windows have "
        f"{short['n_errors']} known error(s) {short['lead']} step(s) ahead, "
        f"it needs {short['needed']}; use {', '.join(fixes)}, or a series of "
        f"at least {short['min_length']} values"
    )


def _too_short_error(series, args):
    """The error for a panel none of whose ``series`` fills a window and
    its horizon."""
    longest = max(len(values) for values in series)
    return InputError(
        f"no series has --window {args.window} + --horizon {args.horizon} "
        f"values (the longest has {longest}); use --window "
        f"{max(1, longest - args.horizon)} or less"
    )


def _padding_notes(series, n_filled, args, how):
    """Notes on the series shorter than the window, and on the ``n_filled``
    whose last window had gaps (filled ``how``)."""
    notes = []
    n_short = sum(len(values) < args.window for values in series)
    if n_short:
        notes.append(
            f"{n_short} series are shorter than --window {args.window}: their "
            "forecasts start from their first value repeated"
        )
    if n_filled:
        notes.append(
            f"{n_filled} series have gaps in their last {args.window} values; "
            f"filled them {how} to start the forecast"
        )
    return notes


def _fill_last_window(series, window):
    """``series`` with gaps in its last ``window`` values interpolated, and
    whether there were any."""
    values = series.to_numpy(dtype=float)
    if not np.isnan(values[-window:]).any():
        return series, False
    history = series.copy()
    filled = series.interpolate(limit_direction="both")
    history.iloc[-window:] = filled.iloc[-window:]
    return history, True


def _fit_estimator(args, X, y, label):
    """The --model forecaster with the command's settings, fitted on X, y."""
    models, ProgressBar = _training_tools()
    cls = models[args.model]
    params = {
        "random_state": args.random_state,
        "verbose": 0,
        "normalize": args.normalize,
        "validation_fraction": args.validation_fraction,
        "bounds": (args.min, args.max),
        "callbacks": [ProgressBar(f"{cls.__name__} on {label}")],
    }
    if args.epochs is not None:
        params["epochs"] = args.epochs
    return cls(**params).fit(X, y)


def run_panel_forecast(args, out, plot):
    """``skrnn forecast --id-col``: one model for every series of a long CSV."""
    notes = []
    panel = load_panel(args.file, args.target, args.id_col, args.time_col, notes)
    histories, n_filled = {}, 0
    for key, (series, _) in panel.items():
        if np.isfinite(series.to_numpy(dtype=float)).any():
            histories[key], filled = _fill_last_window(series, args.window)
            n_filled += filled
    if len(histories) < len(panel):
        raise InputError(
            f"{len(panel) - len(histories)} series have no values at all; "
            "drop them from the file"
        )
    values = {key: series.to_numpy(dtype=float) for key, series in histories.items()}
    try:
        X, y = make_windows(values, window=args.window, horizon=args.horizon)
    except ValueError:
        raise _too_short_error(values.values(), args) from None
    notes += _padding_notes(values.values(), n_filled, args, "by linear interpolation")
    _check_bounds(args)
    _check_panel_calibration(list(values.values()), args)
    for note in notes:
        _note(note)

    estimator = _fit_estimator(args, X, y, f"{len(values)} series of {args.target!r}")
    coverage = args.coverage or None
    try:
        forecasts = estimator.forecast(values, args.steps, coverage=coverage, pad=True)
    except ValueError as error:
        raise InputError(str(error).splitlines()[0]) from None
    complete = ~(
        np.isnan(np.asarray(X)).any(axis=(1, 2))
        | np.isnan(y.reshape(len(y), -1)).any(1)
    )
    _report_validation(estimator, X[complete], y[complete])

    pd = _import_pandas()
    time_name = (
        next((s.index.name for s, step in panel.values() if step is not None), None)
        or "step"
    )
    frames = []
    for key, forecast in forecasts.items():
        series, step = panel[key]
        y_pred = forecast if coverage is None else forecast[0]
        result = _result_frame(args, series.index, step, y_pred, forecast, coverage)
        result.index.name = time_name
        result = result.reset_index()
        result.insert(0, args.id_col, key)
        frames.append(result)
    result = pd.concat(frames, ignore_index=True)
    targets = [out] if plot is None else [out, plot]
    with _atomic_outputs(targets) as (out_tmp, *plot_tmp):
        result.to_csv(out_tmp, float_format="%.7g", index=False)
        if plot is not None:
            _save_panel_plot(histories, forecasts, panel, plot_tmp[0], args)
    intervals = "no intervals" if coverage is None else f"{coverage:.0%} intervals"
    print(
        f"{args.steps} forecasts of {args.target!r} for each of {len(forecasts)} "
        f"series ({intervals}) written to {out}"
    )
    if plot is not None:
        print(f"plot of the first {min(4, len(forecasts))} series written to {plot}")
    return 0


def _result_frame(args, index, step, y_pred, forecast, coverage):
    """One series' forecast as a DataFrame indexed by its future times."""
    pd = _import_pandas()
    name = args.target
    columns = {name: np.asarray(y_pred, dtype=float).reshape(args.steps)}
    if coverage is not None:
        y_interval = np.asarray(forecast[1], dtype=float).reshape(args.steps, 2)
        columns[f"{name}_lower"] = y_interval[:, 0]
        columns[f"{name}_upper"] = y_interval[:, 1]
    return pd.DataFrame(columns, index=_future_times(index, step, args.steps))


def _check_panel_calibration(values, args):
    """Refuse, before training, a panel too short for the interval."""
    if not args.coverage:
        return
    counts = 0
    for series in values:
        counts = (
            counts
            + calibration_counts(
                series[:, np.newaxis],
                args.window,
                args.steps,
                args.coverage,
                args.validation_fraction,
                min_origins=-(-50 // len(values)),
            )[1]
        )
    short = too_short_to_calibrate(counts, args.coverage, args.window)
    if short is not None:
        raise InputError(
            f"the series are too short to calibrate a {args.coverage:.0%} "
            f"interval {args.steps} steps ahead: forecasts from their last "
            f"windows have {short['n_errors']} known error(s) {short['lead']} "
            f"step(s) ahead, it needs {short['needed']}; use --coverage 0 (no "
            "interval) or fewer --steps"
        )


def _save_panel_plot(histories, forecasts, panel, path, args):
    """The first four series with their forecasts, one panel each."""
    import matplotlib.pyplot as plt

    from skrnn.plotting import plot_forecast

    keys = list(forecasts)[:4]
    fig, axes = plt.subplots(len(keys), 1, figsize=(9, 2.6 * len(keys)), squeeze=False)
    coverage = args.coverage or None
    for key, ax in zip(keys, axes[:, 0], strict=False):
        series, step = panel[key]
        forecast = forecasts[key]
        y_pred = forecast if coverage is None else forecast[0]
        result = _result_frame(args, series.index, step, y_pred, forecast, coverage)
        plot_forecast(
            histories[key],
            result,
            ax=ax,
            title=f"{key}",
            n_history=max(5 * args.steps, 4 * args.window),
        )
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)


def run_forecast(args):
    """``skrnn forecast``: fit on a CSV column and write the next values."""
    out = _check_writable(args.out, "--out")
    plot = None if args.plot is None else _check_writable(args.plot, "--plot")
    if plot is not None:
        try:
            import matplotlib

            matplotlib.use("Agg")
        except ImportError:
            raise InputError(
                "--plot needs matplotlib: pip install skrnn[plot]"
            ) from None
    if args.future_cols or args.static_cols or args.future is not None:
        return run_covariate_forecast(args, out, plot)
    if args.id_col is not None:
        return run_panel_forecast(args, out, plot)

    # Notes wait until the input has passed every check: bad input gets
    # exactly one line.
    notes = []
    series, step = load_series(args.file, args.target, args.time_col, notes)
    values = series.to_numpy(dtype=float)
    n_known = int(np.isfinite(values).sum())
    if len(values) < args.window + args.horizon:
        largest = len(values) - args.horizon
        fix = (
            f"use --window {largest} or less"
            if largest >= 1
            else f"use a smaller --horizon than {args.horizon}"
        )
        if args.coverage and _too_short_for_intervals(values, args):
            fix += " and --coverage 0 (too few values for an interval)"
        raise InputError(
            f"the series has {len(values)} values, fewer than --window "
            f"{args.window} + --horizon {args.horizon}; {fix}"
        )
    if n_known < len(values):
        notes.append(
            f"{len(values) - n_known} missing value(s): training skips the "
            "windows that contain them"
        )

    X, y = make_windows(values, window=args.window, horizon=args.horizon)
    complete = ~(np.isnan(X).any(axis=(1, 2)) | np.isnan(y.reshape(len(y), -1)).any(1))
    if not complete.any():
        raise InputError(
            f"no window of {args.window} values and {args.horizon} target(s) "
            "is free of gaps; fill the missing values or use a smaller --window"
        )

    history, filled = _fill_last_window(series, args.window)
    if filled:
        notes.append(
            f"the last {args.window} values have gaps; filled them by linear "
            "interpolation to start the forecast"
        )
    _check_bounds(args)
    _check_calibration(history.to_numpy(dtype=float), args)
    for note in notes:
        _note(note)

    coverage = args.coverage or None
    try:
        estimator = _fit_estimator(args, X, y, repr(args.target))
        forecast = estimator.forecast(
            history.to_numpy(dtype=float), args.steps, coverage=coverage
        )
    except ValueError as error:
        raise InputError(str(error).splitlines()[0]) from None
    _report_validation(estimator, X[complete], y[complete])

    y_pred = forecast if coverage is None else forecast[0]
    result = _result_frame(args, series.index, step, y_pred, forecast, coverage)
    times = result.index
    name = args.target
    result.index.name = series.index.name or ("date" if step is not None else "step")

    targets = [out] if plot is None else [out, plot]
    with _atomic_outputs(targets) as (out_tmp, *plot_tmp):
        result.to_csv(out_tmp, float_format="%.7g")  # float32 precision
        if plot is not None:
            _save_forecast_plot(history, result, plot_tmp[0], args)
    intervals = "no intervals" if coverage is None else f"{coverage:.0%} intervals"
    print(
        f"{args.steps} forecasts of {name!r} from {_format_time(times[0])} to "
        f"{_format_time(times[-1])} ({intervals}) written to {out}"
    )
    if plot is not None:
        print(f"plot written to {plot}")
    return 0


# ------------------------------------------------------ forecast, covariates


def _column_list(text):
    """``--future-cols a,b``: the column names, without empty ones."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r} names no column")
    return names


def _check_covariate_options(args):
    """The covariate options that need one another, and distinct roles."""
    future_cols = args.future_cols or []
    static_cols = args.static_cols or []
    if future_cols and args.future is None:
        raise InputError(
            "--future-cols needs --future FILE.csv: the values of "
            f"{', '.join(map(repr, future_cols))} for the forecast steps"
        )
    if args.future is not None and not future_cols:
        raise InputError(
            "--future FILE.csv needs --future-cols: the columns of the input "
            "known for the forecast steps"
        )
    if static_cols and args.id_col is None:
        raise InputError(
            "--static-cols needs --id-col: static columns describe each "
            "series of a long file with many series"
        )
    roles = [("--target", [args.target]), ("--future-cols", future_cols)]
    roles += [("--static-cols", static_cols), ("--id-col", [args.id_col])]
    roles += [("--time-col", [args.time_col])]
    seen = {}
    for option, names in roles:
        for name in names:
            if name is not None and name in seen and seen[name] != option:
                raise InputError(
                    f"column {name!r} is given to both {seen[name]} and "
                    f"{option}; give each column one role"
                )
            seen.setdefault(name, option)
    return future_cols, static_cols


def _missing_columns(frame, names, option, path):
    missing = [name for name in names if name not in frame.columns]
    if missing:
        available = ", ".join(map(str, frame.columns))
        raise InputError(
            f"{option} {', '.join(map(repr, missing))} not in {path}; "
            f"available: {available}"
        )


def _series_frames(frame, target, time_col, id_col, covariates, notes):
    """Each series' target and covariates on its regular time index, as
    ``{key: (DataFrame, step)}`` (one key, None, without ``id_col``)."""
    pd = _import_pandas()
    values = _numeric_target(_column(frame, target, "--target"), target)
    if id_col is None:
        groups = {None: np.arange(len(frame))}
    else:
        ids = _column(frame, id_col, "--id-col")
        if ids.isna().any():
            row = int(np.flatnonzero(ids.isna().to_numpy())[0])
            raise InputError(f"--id-col {id_col!r} has an empty cell in row {row + 1}")
        groups = frame.groupby(id_col, sort=False).indices
    series, n_gaps = {}, 0
    for key, rows in groups.items():
        part = frame.iloc[rows].reset_index(drop=True)
        series_notes = []
        try:
            target_series, step = _regular_series(
                part, values.iloc[rows].reset_index(drop=True), target, time_col,
                series_notes,
            )  # fmt: skip
            block = part[covariates]
            if time_col is not None:
                block.index = pd.Index(_parse_times(part[time_col], time_col))
                block = block.reindex(target_series.index)
            else:
                block.index = target_series.index
        except InputError as error:
            if key is None:
                raise
            raise InputError(f"series {key!r}: {error}") from None
        n_gaps += bool(series_notes)
        if key is None:
            notes.extend(series_notes)
        series[key] = (pd.concat([target_series, block], axis=1), step)
    if id_col is not None and n_gaps:
        notes.append(f"{n_gaps} series have missing time steps: they are gaps")
    return series


def _check_static(series, static_cols):
    """Static columns hold one value per series; return them filled in."""
    for key, (frame, _) in series.items():
        for name in static_cols:
            known = frame[name].dropna().unique()
            if len(known) > 1:
                raise InputError(
                    f"--static-cols {name!r} changes within series {key!r} "
                    f"({known[0]!r}, {known[1]!r}, ...): a static column holds "
                    "one value per series; use --future-cols for one that changes"
                )
            if len(known) == 0:
                raise InputError(
                    f"--static-cols {name!r} is empty for series {key!r}: give "
                    "every series its value"
                )
            frame[name] = known[0]


def _future_rows(args, series, future_cols):
    """The ``--future`` values of each series at its forecast times,
    checked: ``{key: DataFrame}`` indexed by the forecast times."""
    pd = _import_pandas()
    path = args.future
    frame = _read_csv(path)
    time_col = args.time_col
    keys = [] if args.id_col is None else [args.id_col]
    keys += [] if time_col is None else [time_col]
    _missing_columns(frame, keys, "the column(s)", f"--future {path}")
    _missing_columns(frame, future_cols, "--future-cols", f"--future {path}")
    if args.id_col is None:
        groups = {None: np.arange(len(frame))}
    else:
        groups = frame.groupby(args.id_col, sort=False).indices
    absent = [key for key in series if key not in groups]
    if absent:
        raise InputError(
            f"--future {path} has no rows for series {absent[0]!r}"
            + (f" ({len(absent)} series missing)" if len(absent) > 1 else "")
            + f": give every series its {', '.join(map(repr, future_cols))} "
            f"for the {args.steps} forecast steps"
        )
    futures = {}
    for key, (history, step) in series.items():
        label = "" if key is None else f" for series {key!r}"
        part = frame.iloc[groups[key]][future_cols]
        dates = _future_times(history.index, step, args.steps)
        if time_col is not None:
            try:
                times = _parse_times(frame[time_col].iloc[groups[key]], time_col)
            except InputError as error:
                raise InputError(f"--future {path}: {error}") from None
            part = part.set_axis(pd.Index(times))
            if part.index.duplicated().any():
                time = _format_time(part.index[part.index.duplicated()][0])
                raise InputError(
                    f"--future {path} repeats the time {time}{label}; one row per time"
                )
            missing = dates[~dates.isin(part.index)]
            if len(missing):
                raise InputError(
                    f"--future {path} has no row{label} for "
                    f"{_format_time(missing[0])} ({len(missing)} of the "
                    f"{args.steps} forecast times missing, from "
                    f"{_format_time(dates[0])} to {_format_time(dates[-1])})"
                )
            part = part.loc[dates]
        elif len(part) < args.steps:
            raise InputError(
                f"--future {path} has {len(part)} row(s){label}, fewer than "
                f"--steps {args.steps}: give one row per forecast step"
            )
        part = part.iloc[: args.steps].set_axis(dates)
        empty = part.isna().any(axis=1).to_numpy()
        if empty.any():
            raise InputError(
                f"--future {path}{label}: {', '.join(map(repr, future_cols))} "
                f"has an empty cell at {_format_time(part.index[empty][0])}"
            )
        futures[key] = part
    return futures


def _fill_last_rows(frame, window, columns):
    """``frame`` with gaps in the last ``window`` rows of ``columns`` filled
    (numbers interpolated, others carried forward), and whether any were."""
    tail = frame.iloc[-window:][columns]
    if not tail.isna().any().any():
        return frame, False
    frame = frame.copy()
    for name in columns:
        column = frame[name]
        if column.dtype.kind in "fiub":
            filled = column.interpolate(limit_direction="both")
        else:
            filled = column.ffill().bfill()
        frame.iloc[-window:, frame.columns.get_loc(name)] = filled.iloc[-window:]
    return frame, True


def _complete_windows(X, y):
    """Rows whose window inputs and targets hold no gaps (the targets' own
    values at a window's future steps are not inputs)."""
    layout = X.layout
    windows = np.asarray(X)
    gaps = np.isnan(windows[:, : layout.window]).any(axis=(1, 2))
    if layout.future:
        ahead = windows[:, layout.window :][:, :, list(layout.future)]
        gaps |= np.isnan(ahead).any(axis=(1, 2))
    return ~(gaps | np.isnan(y.reshape(len(y), -1)).any(axis=1))


def _split_forecast(forecast, target, coverage):
    """(values, interval) of a covariate model's pandas forecast."""
    if coverage is None:
        return np.asarray(forecast, dtype=float), None
    bounds = [f"{target}_lower", f"{target}_upper"]
    return forecast[target].to_numpy(float), forecast[bounds].to_numpy(float)


def run_covariate_forecast(args, out, plot):
    """``skrnn forecast --future-cols/--static-cols``: one series or a long
    file's panel, with future-known and static covariates."""
    future_cols, static_cols = _check_covariate_options(args)
    notes = []
    frame = _read_csv(args.file)
    skip = [] if args.id_col is None else [args.id_col]
    _missing_columns(frame, [args.target, *skip], "the column(s)", args.file)
    _missing_columns(frame, future_cols, "--future-cols", args.file)
    _missing_columns(frame, static_cols, "--static-cols", args.file)
    args.time_col = _time_column(frame, args.target, args.time_col, notes, skip)
    covariates = [*future_cols, *static_cols]
    series = _series_frames(
        frame, args.target, args.time_col, args.id_col, covariates, notes
    )
    _check_static(series, static_cols)
    futures = _future_rows(args, series, future_cols)

    histories, n_filled = {}, 0
    for key, (history, _) in series.items():
        if not np.isfinite(history[args.target].to_numpy(dtype=float)).any():
            raise InputError(
                f"series {key!r} has no values of {args.target!r} at all; drop it"
                if key is not None
                else f"--target {args.target!r} has no values at all"
            )
        histories[key], filled = _fill_last_rows(
            history, args.window, [args.target, *future_cols]
        )
        n_filled += filled
    single = args.id_col is None
    inputs = histories[None] if single else histories
    try:
        X, y = make_windows(
            inputs, window=args.window, horizon=args.horizon, target=args.target,
            future=future_cols or None, static=static_cols or None,
        )  # fmt: skip
    except ValueError as error:
        longest = max(len(h) for h in histories.values())
        if longest >= args.window + args.horizon:
            raise InputError(str(error).splitlines()[0]) from None
        raise _too_short_error(histories.values(), args) from None
    complete = _complete_windows(X, y)
    if not complete.any():
        raise InputError(
            f"no window of {args.window} values and {args.horizon} target(s) "
            "is free of gaps; fill the missing values or use a smaller --window"
        )
    notes += _padding_notes(
        histories.values(), n_filled, args, "(numbers by linear interpolation)"
    )
    _check_bounds(args)
    targets = [h[args.target].to_numpy(dtype=float) for h in histories.values()]
    if single:
        _check_calibration(targets[0], args)
    else:
        _check_panel_calibration(targets, args)
    for note in notes:
        _note(note)

    label = repr(args.target) if single else f"{len(histories)} series"
    estimator = _fit_estimator(args, X, y, f"{label} with covariates")
    coverage = args.coverage or None
    try:
        forecasts = estimator.forecast(
            inputs, args.steps, coverage=coverage, pad=not single,
            future=futures[None][future_cols] if single else futures,
        )  # fmt: skip
    except ValueError as error:
        raise InputError(str(error).splitlines()[0]) from None
    _report_validation(estimator, X[complete], y[complete], origin=args.window - 1)

    pd = _import_pandas()
    forecasts = {None: forecasts} if single else forecasts
    frames, plotted = [], {}
    for key, forecast in forecasts.items():
        history, step = series[key]
        y_pred, interval = _split_forecast(forecast, args.target, coverage)
        result = _result_frame(
            args, history.index, step, y_pred, (y_pred, interval), coverage
        )
        result.index.name = history.index.name or (
            "date" if step is not None else "step"
        )
        plotted[key] = (histories[key][args.target], result)
        frames.append(result)
    if single:
        result = frames[0]
    else:
        frames = [
            part.reset_index().assign(**{args.id_col: key})
            for key, part in zip(forecasts, frames, strict=True)
        ]
        result = pd.concat(frames, ignore_index=True)
        result = result[[args.id_col, *result.columns[:-1]]]
    outputs = [out] if plot is None else [out, plot]
    with _atomic_outputs(outputs) as (out_tmp, *plot_tmp):
        result.to_csv(out_tmp, float_format="%.7g", index=single)
        if plot is not None:
            _save_covariate_plot(plotted, plot_tmp[0], args)
    intervals = "no intervals" if coverage is None else f"{coverage:.0%} intervals"
    what = "" if single else f" for each of {len(forecasts)} series"
    print(
        f"{args.steps} forecasts of {args.target!r}{what} with covariates "
        f"{', '.join(map(repr, covariates))} ({intervals}) written to {out}"
    )
    if plot is not None:
        print(f"plot written to {plot}")
    return 0


def _save_covariate_plot(plotted, path, args):
    """The first four series with their forecasts, one panel each."""
    import matplotlib.pyplot as plt

    from skrnn.plotting import plot_forecast

    keys = list(plotted)[:4]
    fig, axes = plt.subplots(len(keys), 1, figsize=(9, 2.6 * len(keys)), squeeze=False)
    for key, ax in zip(keys, axes[:, 0], strict=False):
        history, result = plotted[key]
        plot_forecast(
            history,
            result,
            ax=ax,
            title=args.target if key is None else f"{key}",
            n_history=max(5 * args.steps, 4 * args.window),
        )
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)


def _format_time(value):
    """A time as the CSV shows it: a date alone when it is midnight."""
    if hasattr(value, "normalize") and value == value.normalize():
        return str(value.date())
    return str(value)


def _report_validation(estimator, X, y, origin=-1):
    """Print the MAE on the validation windows next to the naive forecast's
    (the value at step ``origin`` of each window, the target's column 0)."""
    n_validation = int(estimator.validation_fraction * len(X))
    if not 0 < n_validation < len(X):
        return
    X, y = X[-n_validation:], y[-n_validation:].reshape(n_validation, -1)
    y_pred = estimator.predict(X).reshape(n_validation, -1)
    mae = np.abs(y_pred - y).mean()
    naive = np.abs(X[:, origin, :1] - y).mean()
    windows = "window" if n_validation == 1 else "windows"
    print(
        f"validation ({n_validation} most recent {windows}): MAE {mae:.4g}, "
        f"naive forecast (last value) {naive:.4g}"
    )


def _save_forecast_plot(history, result, path, args):
    import matplotlib.pyplot as plt

    from skrnn.plotting import plot_forecast

    title = f"{args.model.upper()} forecast of {args.target}"
    if args.coverage:
        title += f", {args.coverage:.0%} interval"
    ax = plot_forecast(
        history, result, title=title, n_history=max(5 * args.steps, 4 * args.window)
    )
    ax.figure.savefig(path, format="png", dpi=100, bbox_inches="tight")
    plt.close(ax.figure)


# --------------------------------------------------------------------- demo


def _demo_datasets(as_frame):
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
    plot_forecast(
        history,
        forecast,
        actual=actual,
        ax=top,
        title=f"{type(estimator).__name__} on {name}: {what}, 90% interval",
    )
    top.set_xlim(series.index[max(0, n_train - 3 * steps)], series.index[-1])
    plot_history(estimator, ax=bottom)
    bottom.set_title("training history")
    fig.tight_layout()
    with _atomic_outputs([path]) as (tmp,):
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)


def run_demo(args):
    """``skrnn demo``: fit the forecasters on the bundled series, print MAEs
    against the naive forecast and write plots."""
    out = Path(args.out)
    try:
        import matplotlib
        import pandas  # noqa: F401  (dated plots)

        matplotlib.use("Agg")
        plots = True
    except ImportError:
        plots = False
        _note("no plots without matplotlib and pandas: pip install skrnn[plot,pandas]")
    if plots:
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out} exists and is not a directory")
        out.mkdir(parents=True, exist_ok=True)

    models, ProgressBar = _training_tools()
    rows = []
    written = []
    datasets = _demo_datasets(as_frame=plots)
    for name, series, window, n_train, recursive in datasets:
        X, y = make_windows(np.asarray(series, dtype=float), window=window)
        split = n_train - window  # window i trains iff its target is < n_train
        X_train, y_train, X_test, y_test = X[:split], y[:split], X[split:], y[split:]
        naive = np.abs(X_test[:, -1, 0] - y_test).mean()
        for cls in models.values():
            params = {"random_state": 0}
            if args.epochs is not None:
                params["epochs"] = args.epochs
            label = f"{cls.__name__} on {name}"
            estimator = cls(callbacks=[ProgressBar(label)], **params)
            start = time.perf_counter()
            estimator.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            mae = np.abs(estimator.predict(X_test) - y_test).mean()
            rows.append((name, cls.__name__, mae, naive, estimator.n_iter_, seconds))
            if not plots or cls is not models["lstm"]:
                continue
            path = out / f"{name.split()[0]}_lstm.png"
            _plot_demo(path, name, series, n_train, estimator, X_test, recursive)
            written.append(path)

    print()
    print("One-step mean absolute error on the held-out tail of each series")
    header = f"{'series':<20} {'model':<15} {'MAE':>7} {'naive':>7} {'ratio':>6}"
    print(header + f" {'epochs':>6} {'fit s':>6}")
    print("-" * (len(header) + 14))
    for name, model, mae, naive, epochs, seconds in rows:
        print(
            f"{name:<20} {model:<15} {mae:7.3f} {naive:7.3f} {mae / naive:6.2f} "
            f"{epochs:6d} {seconds:6.1f}"
        )
    print("ratio < 1: the model beats the naive forecast (the last value).")
    for path in written:
        print(f"wrote {path}")
    return 0


# --------------------------------------------------------------------- main


def build_parser():
    parser = _Parser(
        prog="skrnn",
        description="RNN, LSTM and GRU time-series forecasts from the command line.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="fit the forecasters on the bundled series and plot the results",
        description="Fit LSTM, GRU and simple RNN forecasters on the course's "
        "synthetic series and on yearly sunspot numbers; print their one-step "
        "MAE on each series' held-out tail next to the naive forecast's and "
        "write PNG plots.",
    )
    demo.add_argument(
        "--out",
        default="demo-output",
        metavar="DIR",
        help="directory for the plots (default: %(default)s)",
    )
    demo.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="maximum epochs per fit (default: the forecasters' own, with "
        "early stopping)",
    )
    demo.set_defaults(func=run_demo)

    forecast = commands.add_parser(
        "forecast",
        help="fit on one column of a CSV file and forecast its next values",
        description="Read FILE.csv, order it by time, fit a forecaster on "
        "windows of the target column and write the next STEPS values with "
        "their dates and prediction-interval bounds. Missing values and "
        "missing dates are gaps: training skips the windows that contain "
        "them.",
    )
    forecast.add_argument("file", metavar="FILE.csv", help="input CSV file")
    forecast.add_argument(
        "--target", required=True, metavar="COL", help="column to forecast"
    )
    forecast.add_argument(
        "--id-col",
        metavar="COL",
        help="column naming the series of a long file with many series: one "
        "model is fitted on all of them, and the forecasts of every series are "
        "written to one long CSV (columns: id, time, target, bounds)",
    )
    forecast.add_argument(
        "--future-cols",
        type=_column_list,
        metavar="COL[,COL...]",
        help="future-known covariates: columns known for the forecast steps "
        "too (a temperature forecast, holidays, planned prices); their values "
        "for the steps come from --future",
    )
    forecast.add_argument(
        "--static-cols",
        type=_column_list,
        metavar="COL[,COL...]",
        help="with --id-col: static covariates, columns that hold one value "
        "per series (a store's size, a region); text columns are categories",
    )
    forecast.add_argument(
        "--future",
        metavar="FILE.csv",
        help="the --future-cols values for the forecast steps: the same time "
        "column (and --id-col column), one row per series and step",
    )
    forecast.add_argument(
        "--time-col",
        metavar="COL",
        help="column of dates or numbers giving each row's time (default: the "
        "first column if it holds dates, else the row order)",
    )
    forecast.add_argument(
        "--window",
        type=_positive_int,
        default=20,
        metavar="W",
        help="past values the model reads (default: %(default)s)",
    )
    forecast.add_argument(
        "--horizon",
        type=_positive_int,
        default=1,
        metavar="H",
        help="values the model predicts at once (default: %(default)s)",
    )
    forecast.add_argument(
        "--steps",
        type=_positive_int,
        default=30,
        metavar="S",
        help="values to forecast (default: %(default)s)",
    )
    forecast.add_argument(
        "--model", choices=sorted(MODELS), default="lstm", help="(default: lstm)"
    )
    forecast.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="maximum epochs (default: the forecaster's own, with early stopping)",
    )
    forecast.add_argument(
        "--normalize",
        choices=["auto", "global", "last"],
        default="auto",
        help="scaling: 'last' (what auto picks) suits trending series; "
        "'global' keeps the level and drifts less over many recursive steps "
        "of a stationary or seasonal series (default: %(default)s)",
    )
    forecast.add_argument(
        "--coverage",
        type=_coverage,
        default=0.9,
        help="coverage of the prediction intervals; 0 writes no interval "
        "columns, for series too short to calibrate one (default: %(default)s)",
    )
    forecast.add_argument(
        "--validation-fraction",
        type=_fraction,
        default=0.1,
        metavar="F",
        help="fraction of the most recent windows held out to stop training "
        "early and report the MAE; 0 trains on all of them, for the "
        "shortest series (default: %(default)s)",
    )
    forecast.add_argument(
        "--min",
        type=_bound,
        metavar="LOW",
        help="lowest possible value, e.g. 0 for counts: forecasts and interval "
        "bounds are clipped to it",
    )
    forecast.add_argument(
        "--max",
        type=_bound,
        metavar="HIGH",
        help="highest possible value: forecasts and interval bounds are clipped to it",
    )
    forecast.add_argument(
        "--out",
        default="forecast.csv",
        metavar="FILE",
        help="output CSV (default: %(default)s)",
    )
    forecast.add_argument("--plot", metavar="FILE.png", help="also write a plot")
    forecast.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="N",
        help="seed, for reproducible fits (default: %(default)s)",
    )
    forecast.set_defaults(func=run_forecast)
    return parser


def main(argv=None):
    """Run the ``skrnn`` command with ``argv`` (default: ``sys.argv[1:]``).

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name.

    Returns
    -------
    status : int
        0 on success, 2 on bad input (after one line on stderr).
    """
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
