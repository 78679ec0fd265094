"""``skrnn forecast``: a CSV file of one series or many in, the next values
of each series out.

One path for every input: the file is read into one long frame (a single
series is a panel of one, and rows without times are numbered), its gaps
are NaN rows (:func:`skrnn.fill_gaps`), and the library windows, fits and
forecasts it. What remains here is options, files and messages.
"""

import numpy as np

from skrnn import fill_gaps
from skrnn._cli_tools import (
    InputError,
    atomic_outputs,
    check_writable,
    format_time,
    library_call,
    note,
    report_validation,
    training_tools,
)
from skrnn._forecast import (
    MIN_CALIBRATION_ORIGINS,
    calibration_counts,
    too_short_to_calibrate,
)
from skrnn._histories import future_index
from skrnn._windows import make_windows
from skrnn.io import read_panel_csv


def _check_options(args):
    """The options that need one another, and one role a column."""
    future_cols, static_cols = args.future_cols or [], args.static_cols or []
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
    names = [args.target, args.id_col, args.time_col, *future_cols, *static_cols]
    names = [name for name in names if name is not None]
    repeated = [name for name in names if names.count(name) > 1]
    if repeated:
        raise InputError(
            f"column {repeated[0]!r} is given more than one role (--target, "
            "--id-col, --time-col, --future-cols, --static-cols); give each "
            "column one"
        )
    if args.min is not None and args.max is not None and not args.min < args.max:
        raise InputError(f"--min {args.min:g} must be below --max {args.max:g}")
    return future_cols, static_cols


def _missing_columns(frame, names, option, path):
    missing = [name for name in names if name not in frame.columns]
    if missing:
        available = ", ".join(map(str, frame.columns))
        raise InputError(
            f"{option} {', '.join(map(repr, missing))} not in {path}; "
            f"available: {available}"
        )


def _first_date_column(args):
    """The first column of the file, if it is not another option's and all
    its cells are dates: the time column by default."""
    import pandas as pd

    try:
        column = pd.read_csv(args.file, usecols=[0]).iloc[:, 0]
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return None  # read_panel_csv says what is wrong with the file
    if column.name in (args.target, args.id_col) or column.isna().any():
        return None
    if pd.api.types.is_numeric_dtype(column):
        return None
    times = pd.to_datetime(column, errors="coerce", format="mixed")
    return column.name if times.notna().all() else None


def _unused(name, columns):
    while name in columns:
        name = f"_{name}"
    return name


def _read_history(args, covariates, notes):
    """The input file as a long frame on a regular grid (gaps NaN rows),
    and its id and time columns (made up for one series or no times)."""
    if args.time_col is None:
        args.time_col = _first_date_column(args)
        if args.time_col is not None:
            notes.append(
                f"using column {args.time_col!r} as time (pass --time-col to choose)"
            )
    time_col = args.time_col
    frame = library_call(
        read_panel_csv,
        args.file,
        target=args.target,
        id_col=args.id_col,
        time_col=time_col,
    )
    _missing_columns(frame, args.future_cols or [], "--future-cols", args.file)
    _missing_columns(frame, args.static_cols or [], "--static-cols", args.file)
    id_col = args.id_col or _unused("series", frame.columns)
    if args.id_col is None:
        frame[id_col] = args.target
    if time_col is None:
        time_col = _unused("step", frame.columns)
        frame[time_col] = frame.groupby(id_col, sort=False).cumcount()
    frame = frame[[id_col, time_col, args.target, *covariates]]
    filled = library_call(
        fill_gaps, frame, id_col=id_col, time_col=time_col, freq=args.freq
    )
    added = filled.groupby(id_col).size() - frame.groupby(id_col).size()
    if args.id_col is None and added.sum():
        notes.append(f"{added.sum()} missing time step(s) in {time_col!r} are gaps")
    elif (added > 0).sum():
        notes.append(
            f"{(added > 0).sum()} series have missing time steps: they are gaps"
        )
    static = list(args.static_cols or [])
    if static:
        # The rows fill_gaps adds hold NaN: a static column's value is known.
        known = filled.groupby(id_col, sort=False)[static].transform("first")
        filled[static] = filled[static].fillna(known)
    return filled, id_col, time_col


def _fill_last_windows(frame, id_col, columns, window):
    """``frame`` with the gaps in each series' last ``window`` rows filled,
    the start of its forecast (numbers interpolated, text carried), and how
    many series had any."""
    tail = (
        frame.groupby(id_col, sort=False).cumcount(ascending=False) < window
    ).to_numpy()
    gaps = tail & frame[columns].isna().any(axis=1).to_numpy()
    if not gaps.any():
        return frame, 0
    frame = frame.copy()
    groups = frame.groupby(id_col, sort=False)
    for name in columns:
        if frame[name].dtype.kind in "fiub":
            filled = groups[name].transform(
                lambda s: s.interpolate(limit_direction="both")
            )
        else:
            filled = groups[name].transform(lambda s: s.ffill().bfill())
        frame.loc[tail, name] = filled[tail]
    return frame, frame.loc[gaps, id_col].nunique()


def _too_short(lengths, args, single):
    """The error for series none of which fills a window and its horizon."""
    longest = int(lengths.max())
    if not single:
        return InputError(
            f"no series has --window {args.window} + --horizon {args.horizon} "
            f"values (the longest has {longest}); use --window "
            f"{max(1, longest - args.horizon)} or less"
        )
    largest = longest - args.horizon
    fix = (
        f"use --window {largest} or less"
        if largest >= 1
        else f"use a smaller --horizon than {args.horizon}"
    )
    if args.coverage and _calibration_short([np.ones(longest)], args, 1) is not None:
        fix += " and --coverage 0 (too few values for an interval)"
    return InputError(
        f"the series has {longest} values, fewer than --window "
        f"{args.window} + --horizon {args.horizon}; {fix}"
    )


def _calibration_short(series, args, window):
    """What :func:`too_short_to_calibrate` says of ``series`` (the errors of
    all of them calibrate together, as ``forecast`` counts them)."""
    min_origins = -(-MIN_CALIBRATION_ORIGINS // len(series))
    counts = sum(
        calibration_counts(
            values[:, np.newaxis],
            window,
            args.steps,
            args.coverage,
            args.validation_fraction,
            min_origins=min_origins,
        )[1]
        for values in series
    )
    return too_short_to_calibrate(counts, args.coverage, window)


def _check_calibration(series, args):
    """Refuse, before training, series too short for the interval."""
    if not args.coverage:
        return
    short = _calibration_short(series, args, args.window)
    if short is None:
        return
    fixes = ["--coverage 0 (no interval)"]
    if short["max_coverage"] is not None:
        fixes.append(f"--coverage {short['max_coverage']}")
    if short["max_steps"] is not None:
        fixes.append(f"--steps {short['max_steps']}")
    what, its = ("series is", "its") if len(series) == 1 else ("series are", "their")
    raise InputError(
        f"the {what} too short to calibrate a {args.coverage:.0%} interval "
        f"{args.steps} steps ahead: forecasts from {its} last windows have "
        f"{short['n_errors']} known error(s) {short['lead']} step(s) ahead, "
        f"it needs {short['needed']}; use {', '.join(fixes)}, or a series of "
        f"at least {short['min_length']} values"
    )


def _complete_windows(X, y, window):
    """Windows whose inputs and targets hold no gaps (the targets' own
    values at a window's future steps are not inputs)."""
    windows = np.asarray(X)
    layout = getattr(X, "layout", None)
    gaps = np.isnan(windows[:, :window]).any(axis=(1, 2))
    if layout is not None and layout.future:
        ahead = windows[:, window:][:, :, list(layout.future)]
        gaps |= np.isnan(ahead).any(axis=(1, 2))
    return ~(gaps | np.isnan(y.reshape(len(y), -1)).any(axis=1))


def _read_future(args, history, id_col, time_col, future_cols):
    """The ``--future`` rows of each series at its forecast times, checked
    before training: a long frame like ``history``'s."""
    import pandas as pd

    path, steps = args.future, args.steps
    timed = args.time_col is not None
    frame = library_call(
        read_panel_csv, path, id_col=args.id_col, time_col=time_col if timed else None
    )
    keys = [name for name in (args.id_col, time_col if timed else None) if name]
    _missing_columns(frame, keys, "the column(s)", f"--future {path}")
    _missing_columns(frame, future_cols, "--future-cols", f"--future {path}")
    if args.id_col is None:
        frame[id_col] = args.target
    rows = dict(tuple(frame.groupby(id_col, sort=False)))
    parts = []
    for key, times in history.groupby(id_col, sort=False)[time_col]:
        label = "" if args.id_col is None else f" for series {key!r}"
        if key not in rows:
            raise InputError(
                f"--future {path} has no rows{label}: give every series its "
                f"{', '.join(map(repr, future_cols))} for the {steps} forecast steps"
            )
        part = rows[key].set_index(time_col) if timed else rows[key]
        dates = future_index(pd.Index(times.to_numpy(), name=time_col), steps)
        if timed:
            if part.index.duplicated().any():
                time = format_time(part.index[part.index.duplicated()][0])
                raise InputError(f"--future {path} repeats the time {time}{label}")
            missing = dates[~dates.isin(part.index)]
            if len(missing):
                raise InputError(
                    f"--future {path} has no row{label} for "
                    f"{format_time(missing[0])} ({len(missing)} of the {steps} "
                    f"forecast times missing, from {format_time(dates[0])} to "
                    f"{format_time(dates[-1])})"
                )
            part = part.loc[dates]
        elif len(part) < steps:
            raise InputError(
                f"--future {path} has {len(part)} row(s){label}, fewer than "
                f"--steps {steps}: give one row per forecast step"
            )
        part = part.iloc[:steps][future_cols].set_axis(dates)
        empty = part.isna().any(axis=1).to_numpy()
        if empty.any():
            raise InputError(
                f"--future {path}{label}: {', '.join(map(repr, future_cols))} "
                f"has an empty cell at {format_time(part.index[empty][0])}"
            )
        parts.append(part.rename_axis(time_col).reset_index().assign(**{id_col: key}))
    return pd.concat(parts, ignore_index=True)


def _fit(args, X, y, label):
    """The --model forecaster with the command's settings, fitted on X, y."""
    models, ProgressBar = training_tools()
    cls = models[args.model]
    params = {
        "random_state": args.random_state,
        "verbose": 0,
        "normalize": None if args.normalize == "none" else args.normalize,
        "validation_fraction": args.validation_fraction,
        "bounds": (args.min, args.max),
        "callbacks": [ProgressBar(f"{cls.__name__} on {label}")],
    }
    if args.epochs is not None:
        params["epochs"] = args.epochs
    return library_call(cls(**params).fit, X, y)


def _save_plot(histories, forecasts, path, args):
    """Each series' history and forecast (the first four), one panel each."""
    import matplotlib.pyplot as plt

    from skrnn.plotting import plot_forecast

    keys = list(forecasts)[:4]
    fig, axes = plt.subplots(len(keys), 1, figsize=(9, 2.6 * len(keys)), squeeze=False)
    for key, ax in zip(keys, axes[:, 0], strict=False):
        title = f"{args.model.upper()} forecast of {key}"
        if args.coverage:
            title += f", {args.coverage:.0%} interval"
        n_history = max(5 * args.steps, 4 * args.window)
        plot_forecast(
            histories[key], forecasts[key], ax=ax, title=title, n_history=n_history
        )
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)


def run_forecast(args):
    """``skrnn forecast``: fit on a CSV file's series, write the next values."""
    out = check_writable(args.out, "--out")
    plot = None if args.plot is None else check_writable(args.plot, "--plot")
    if plot is not None:
        try:
            import matplotlib

            matplotlib.use("Agg")
        except ImportError:
            raise InputError(
                "--plot needs matplotlib: pip install skrnn[plot]"
            ) from None
    future_cols, static_cols = _check_options(args)
    covariates = [*future_cols, *static_cols]
    single, target = args.id_col is None, args.target
    # Notes wait until the input has passed every check: bad input gets
    # exactly one line.
    notes = []
    frame, id_col, time_col = _read_history(args, covariates, notes)
    future = None
    if future_cols:
        future = _read_future(args, frame, id_col, time_col, future_cols)
    n_missing = int(frame[target].isna().sum())
    if n_missing:
        notes.append(
            f"{n_missing} missing value(s): training skips the windows that "
            "contain them"
        )
    lengths = frame.groupby(id_col, sort=False).size()
    empty = frame.groupby(id_col, sort=False)[target].count() == 0
    if empty.any():
        raise InputError(
            f"series {empty.index[empty][0]!r} has no values of {target!r} at "
            "all; drop it"
        )
    if lengths.max() < args.window + args.horizon:
        raise _too_short(lengths, args, single)
    X, y = library_call(
        make_windows,
        frame,
        window=args.window,
        horizon=args.horizon,
        target=target,
        future=future_cols or None,
        static=static_cols or None,
        id_col=id_col,
        time_col=time_col,
    )
    complete = _complete_windows(X, y, args.window)
    if not complete.any():
        raise InputError(
            f"no window of {args.window} values and {args.horizon} target(s) "
            "is free of gaps; fill the missing values or use a smaller --window"
        )
    history, n_filled = _fill_last_windows(
        frame, id_col, [target, *future_cols], args.window
    )
    n_short = int((lengths < args.window).sum())
    if n_short:
        notes.append(
            f"{n_short} series are shorter than --window {args.window}: their "
            "forecasts start from their first value repeated"
        )
    if n_filled:
        gaps = (
            f"the last {args.window} values have gaps"
            if single
            else f"{n_filled} series have gaps in their last {args.window} values"
        )
        notes.append(
            f"{gaps}; filled them by linear interpolation to start the forecast"
        )
    series = [group.to_numpy(float) for _, group in history.groupby(id_col)[target]]
    _check_calibration(series, args)
    for message in notes:
        note(message)

    label = repr(target) if single else f"{len(lengths)} series of {target!r}"
    label += " with covariates" if covariates else ""
    estimator = _fit(args, X, y, label)
    coverage = args.coverage or None
    result = library_call(
        estimator.forecast,
        history,
        args.steps,
        coverage=coverage,
        future=future,
        id_col=id_col,
        time_col=time_col,
        pad=True,
    )
    report_validation(estimator, X[complete], y[complete], origin=args.window - 1)

    outputs = [out] if plot is None else [out, plot]
    with atomic_outputs(outputs) as (out_tmp, *plot_tmp):
        written = result.drop(columns=id_col) if single else result
        written.to_csv(out_tmp, float_format="%.7g", index=False)  # float32
        if plot is not None:
            keys = list(dict.fromkeys(result[id_col]))[:4]
            histories = {
                key: rows.set_index(time_col)[target]
                for key, rows in history[history[id_col].isin(keys)].groupby(id_col)
            }
            forecasts = {
                key: rows.set_index(time_col).drop(columns=id_col)
                for key, rows in result[result[id_col].isin(keys)].groupby(id_col)
            }
            _save_plot(histories, forecasts, plot_tmp[0], args)
    intervals = "no intervals" if coverage is None else f"{coverage:.0%} intervals"
    times = result[time_col]
    what = (
        f"from {format_time(times.iloc[0])} to {format_time(times.iloc[-1])}"
        if single
        else f"for each of {len(lengths)} series"
    )
    if covariates:
        what += f" with covariates {', '.join(map(repr, covariates))}"
    print(f"{args.steps} forecasts of {target!r} {what} ({intervals}) written to {out}")
    if plot is not None:
        print(f"plot written to {plot}")
    return 0
