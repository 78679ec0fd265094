"""``skrnn forecast`` and ``skrnn backtest``: the CSV file becomes one long
frame (one series is a panel of one; rows without times are numbered), its
missing times NaN rows, and the library windows, fits and forecasts it, or
backtests it; here are options, files and messages."""

import skrnn._cli_tools as tools
from skrnn import fill_gaps
from skrnn._cli_tools import InputError, library_call
from skrnn._windows import make_windows
from skrnn.intervals import check_interval_history
from skrnn.io import read_panel_csv


def _check_options(args):
    """The options that need one another, and one role a column."""
    future_cols, static_cols = args.future_cols or [], args.static_cols or []
    future = getattr(args, "future", "")  # backtest reads them from the file
    for wrong, message in [
        (future_cols and future is None, "--future-cols needs --future "
            "FILE.csv: their values for the forecast steps"),
        (future and not future_cols, "--future FILE.csv needs "
            "--future-cols: the columns of the input known for the forecast steps"),
        (static_cols and args.id_col is None, "--static-cols needs --id-col: "
            "static columns describe each series of a long file with many series"),
    ]:  # fmt: skip
        if wrong:
            raise InputError(message)
    names = [args.target, args.id_col, args.time_col, *future_cols, *static_cols]
    names = [name for name in names if name is not None]
    repeated = [name for name in names if names.count(name) > 1]
    if repeated:
        raise InputError(
            f"column {repeated[0]!r} is given more than one role (--target, "
            "--id-col, --time-col, --future-cols, --static-cols); give it one"
        )
    if args.min is not None and args.max is not None and not args.min < args.max:
        raise InputError(f"--min {args.min:g} must be below --max {args.max:g}")
    return future_cols, static_cols


def _missing_columns(frame, names, option, path):
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(
            f"{option} {', '.join(map(repr, missing))} not in {path}; "
            f"available: {', '.join(map(str, frame.columns))}"
        )


def _unused(name, frame):
    """``name``, or ``_name``, ... for a made-up column the file lacks."""
    return name if name not in frame else _unused(f"_{name}", frame)


def _read_history(args, covariates, notes):
    """The file as a long frame on a regular grid, its id and time columns
    (made up for one series, and for rows without times)."""
    frame = library_call(
        read_panel_csv, args.file, target=args.target, id_col=args.id_col,
        time_col=args.time_col or "infer",
    )  # fmt: skip
    if args.time_col is None:  # the column "infer" parsed as dates, if any
        args.time_col = next((c for c in frame if frame[c].dtype.kind == "M"), None)
        if args.time_col is not None:
            notes.append(f"using column {args.time_col!r} as time (--time-col)")
    _missing_columns(frame, args.future_cols or [], "--future-cols", args.file)
    _missing_columns(frame, args.static_cols or [], "--static-cols", args.file)
    id_col = args.id_col or _unused("series", frame)
    if args.id_col is None:
        frame[id_col] = args.target
    time_col = args.time_col or _unused("step", frame)
    if args.time_col is None:
        frame[time_col] = frame.groupby(id_col, sort=False).cumcount()
    frame = frame[[id_col, time_col, args.target, *covariates]]
    filled = library_call(
        fill_gaps, frame, id_col=id_col, time_col=time_col, freq=args.freq,
        static=args.static_cols,
    )  # fmt: skip
    added = filled.groupby(id_col).size() - frame.groupby(id_col).size()
    if args.id_col is None and added.sum():
        notes.append(f"{added.sum()} missing time step(s) in {time_col!r} are gaps")
    elif (added > 0).sum():
        notes.append(f"{(added > 0).sum()} series have missing time steps: gaps")
    return filled, id_col, time_col


def _read_future(args, history, X, id_col, time_col, future_cols):
    """The ``--future`` rows, with the history's id and time columns (rows
    without times numbered from each series' next step), refused before the
    fit as ``forecast`` would refuse them after it, read as it reads them."""
    from skrnn._covariate_forecast import read_covariate_histories, read_future

    path, timed = args.future, time_col == args.time_col
    frame = library_call(
        read_panel_csv, path, id_col=args.id_col, time_col=time_col if timed else None
    )
    keys = [name for name in (args.id_col, time_col if timed else None) if name]
    _missing_columns(frame, keys, "the column(s)", f"--future {path}")
    _missing_columns(frame, future_cols, "--future-cols", f"--future {path}")
    if args.id_col is None:
        frame[id_col] = args.target
    if not timed:
        last = history.groupby(id_col, sort=False)[time_col].last()
        frame[time_col] = frame[id_col].map(last + 1)
        frame[time_col] += frame.groupby(id_col, sort=False).cumcount()
    future, frames = frame[[id_col, time_col, *future_cols]], {"id_col": id_col}
    frames["time_col"] = time_col
    histories = read_covariate_histories(
        history, X.layout, pad=True, static=None, freq=args.freq, **frames
    )
    dates = histories.future_indexes(args.steps)
    try:
        read_future(future, histories, X.layout, args.steps, dates, **frames)
    except ValueError as error:
        raise InputError(f"--future {path}: {tools.in_options(error)}") from None
    return future


def _fill_last_windows(frame, id_col, columns, window):
    """``frame`` with gaps in each series' last ``window`` rows filled (numbers
    interpolated, text carried), and how many series had any."""
    tail = frame.groupby(id_col, sort=False).cumcount(ascending=False) < window
    gaps = tail & frame[columns].isna().any(axis=1)
    if not gaps.any():
        return frame, 0

    def fill(column):
        if column.dtype.kind in "fiub":
            return column.interpolate(limit_direction="both")
        return column.ffill().bfill()

    filled = frame.groupby(id_col, sort=False)[columns].transform(fill)
    frame = frame.copy()
    frame.loc[tail, columns] = filled[tail]
    return frame, frame.loc[gaps, id_col].nunique()


def _check_interval(history, id_col, time_col, args):
    """Refuse, before the fit, series too short to calibrate the interval."""
    if not args.coverage:
        return
    check = {"id_col": id_col, "time_col": time_col, "steps": args.steps}
    check.update(coverage=args.coverage, validation_fraction=args.validation_fraction)
    try:
        history = history[[id_col, time_col, args.target]]
        check_interval_history(history, window=args.window, **check)
    except ValueError as error:
        message = tools.in_options(error)
        raise InputError(f"{message} Or --coverage 0: no interval.") from None


def make_estimator(args, label):
    """The --model forecaster with the command's settings."""
    models, ProgressBar = tools.training_tools()
    cls = models[args.model]
    epochs = {} if args.epochs is None else {"epochs": args.epochs}
    return cls(
        random_state=args.random_state, verbose=0,
        normalize=None if args.normalize == "none" else args.normalize,
        validation_fraction=args.validation_fraction, bounds=(args.min, args.max),
        callbacks=[ProgressBar(f"{cls.__name__} on {label}")], **epochs,
    )  # fmt: skip


def _write(args, history, result, out, plot, id_col, time_col):
    """``result`` to --out (without the made-up id column of one series)
    and, with --plot, the first four series: their last values, and the
    forecast or the forecasts from each cutoff."""
    from skrnn.plotting import plot_backtest, plot_forecast

    n_history = max(5 * args.steps, 4 * args.window)

    def draw(key, ax):
        past, ahead = (
            rows[rows[id_col] == key].set_index(time_col).drop(columns=id_col)
            for rows in (history[[id_col, time_col, args.target]], result)
        )
        past, title = past[args.target], f"{args.model.upper()} {args.command}"
        title += f" of {key}" + (
            f", {args.coverage:.0%} interval" * bool(args.coverage)
        )
        if args.command == "backtest":
            past = past.iloc[-n_history:]
            plot_backtest(ahead.reset_index(), history=past, ax=ax, title=title)
        else:
            plot_forecast(past, ahead, ax=ax, title=title, n_history=n_history)

    written = result.drop(columns=id_col) if args.id_col is None else result
    tools.write_outputs(written, out, plot, result[id_col], draw)
    if plot is not None:
        print(f"plot written to {plot}")


def read_input(args, notes):
    """The output paths and the file as a regular long frame, checked
    (``forecast`` and ``backtest``); ``notes`` get what to say once the
    input has passed every check, so that bad input gets exactly one line."""
    out = tools.check_writable(args.out, "--out")
    plot = None if args.plot is None else tools.check_writable(args.plot, "--plot")
    if plot is not None and not tools.plot_to_files():
        raise InputError("--plot needs matplotlib: pip install skrnn[plot]")
    future_cols, static_cols = _check_options(args)
    frame, id_col, time_col = _read_history(args, [*future_cols, *static_cols], notes)
    empty = frame.groupby(id_col, sort=False)[args.target].count() == 0
    if empty.any():
        raise InputError(f"series {empty.idxmax()!r} has no values at all; drop it")
    n_missing = frame[args.target].isna().sum()
    n_short = (frame.groupby(id_col, sort=False).size() < args.window).sum()
    notes += [text for count, text in [
        (n_missing, f"{n_missing} missing value(s): training skips the windows "
            "with them"),
        (n_short, f"{n_short} series are shorter than --window {args.window}: "
            "their forecasts start from their first value repeated"),
    ] if count]  # fmt: skip
    return out, plot, frame, id_col, time_col, future_cols, static_cols


def run_forecast(args):
    """``skrnn forecast``: fit on a CSV file's series, write the next values."""
    notes = []
    out, plot, frame, id_col, time_col, future_cols, static_cols = read_input(
        args, notes
    )
    covariates, target = [*future_cols, *static_cols], args.target
    history, n_filled = _fill_last_windows(
        frame, id_col, [target, *future_cols], args.window
    )
    X, y = library_call(
        make_windows, frame, window=args.window, horizon=args.horizon,
        target=target, future=future_cols or None, static=static_cols or None,
        id_col=id_col, time_col=time_col,
    )  # fmt: skip
    _check_interval(history, id_col, time_col, args)
    lengths = frame.groupby(id_col, sort=False).size()
    future = None
    if future_cols:
        future = _read_future(args, history, X, id_col, time_col, future_cols)
    which = "the last" if len(lengths) == 1 else f"{n_filled} series' last"
    if n_filled:
        notes.append(f"{which} {args.window} values have gaps; filled them by "
                     "linear interpolation to start the forecast")  # fmt: skip
    for message in notes:
        tools.note(message)

    single = args.id_col is None
    label = repr(target) if single else f"{len(lengths)} series of {target!r}"
    label += " with covariates" if covariates else ""
    estimator = library_call(make_estimator(args, label).fit, X, y)
    coverage = args.coverage or None
    result = library_call(
        estimator.forecast, history, args.steps, coverage=coverage, future=future,
        id_col=id_col, time_col=time_col, pad=True,
    )  # fmt: skip
    tools.report_validation(estimator, X, y, args.window)
    _write(args, history, result, out, plot, id_col, time_col)
    first, last = result[time_col].iloc[[0, -1]].map(tools.format_time)
    what = f"from {first} to {last}" if single else f"for each of {len(lengths)} series"
    if covariates:
        what += f" with covariates {', '.join(map(repr, covariates))}"
    intervals = "no intervals" if coverage is None else f"{coverage:.0%} intervals"
    print(f"{args.steps} forecasts of {target!r} {what} ({intervals}) written to {out}")
    return 0


def run_backtest(args):
    """``skrnn backtest``: forecasts from the last cutoffs, beside the truth."""
    from skrnn.model_selection import backtest

    notes = []
    out, plot, frame, id_col, time_col, future_cols, static_cols = read_input(
        args, notes
    )
    single, n_series = args.id_col is None, frame[id_col].nunique()
    label = repr(args.target) if single else f"{n_series} series of {args.target!r}"
    result = library_call(
        backtest, make_estimator(args, f"{label}, each cutoff"), frame,
        window=args.window, horizon=args.horizon, steps=args.steps,
        n_windows=args.n_windows, step_size=args.step_size, refit=args.refit or False,
        id_col=id_col, time_col=time_col, target=args.target,
        future=future_cols or None, static=static_cols or None,
        coverage=args.coverage or None,
    )  # fmt: skip
    for message in notes:  # after the library's checks: bad input is one line
        tools.note(message)
    _write(args, frame, result, out, plot, id_col, time_col)
    cutoffs = result["cutoff"].drop_duplicates().map(tools.format_time)
    error = (result["forecast"] - result[args.target]).abs().mean()
    print(
        f"{args.steps} forecasts of {args.target!r} from each of {len(cutoffs)} "
        f"cutoffs ({', '.join(cutoffs)}), MAE {error:.4g}, written to {out}"
    )
    return 0
