"""What the ``skrnn`` command's subcommands share: one-line errors, notes
on stderr, output paths and plots, and the forecasters (imported late)."""

import re
import sys
from pathlib import Path

import numpy as np

from skrnn._atomic import atomic_outputs

# The forecaster behind each --model; imported (with Keras) only to train.
MODELS = {"lstm": "LSTMForecaster", "gru": "GRUForecaster", "rnn": "RNNForecaster"}

# Library parameters that are options of the command: its messages say them
# as options ("steps=2" -> "--steps 2").
_OPTIONS = (
    r"\b(target|id_col|time_col|freq|steps|coverage|window|horizon|n_windows"
    r"|step_size)= ?"
)


class InputError(Exception):
    """Bad input from the user: reported as one line, exit status 2."""


def note(message):
    print(f"skrnn: {message}", file=sys.stderr)


def in_options(error):
    """The first line of a library error, naming the command's options."""
    message = str(error).strip().splitlines()[0]
    return re.sub(_OPTIONS, lambda m: f"--{m[1].replace('_', '-')} ", message)


def library_call(function, *args, **kwargs):
    """``function(*args, **kwargs)``, its ValueError (or missing file or
    package) an InputError that names the command's options."""
    try:
        return function(*args, **kwargs)
    except (ValueError, FileNotFoundError, ImportError) as error:
        raise InputError(in_options(error)) from None


def format_time(value):
    """A time as the CSV shows it: a date alone when it is midnight."""
    if hasattr(value, "normalize") and value == value.normalize():
        return str(value.date())
    return str(value)


def training_tools():
    """The forecaster classes by --model name and the progress bar class:
    importing them starts Keras, so only once the input passed its checks."""
    import skrnn._forecasters as forecasters
    from skrnn._progress import ProgressBar

    return {
        key: getattr(forecasters, name) for key, name in MODELS.items()
    }, ProgressBar


def plot_to_files():
    """Whether matplotlib and pandas are there; matplotlib then draws to files."""
    try:
        import matplotlib
        import pandas  # noqa: F401  (dated plots)
    except ImportError:
        return False
    matplotlib.use("Agg")
    return True


def write_outputs(result, out, plot, keys, draw):
    """``result`` to the CSV file ``out`` and, with ``plot``, a PNG of one
    panel per series of ``keys`` (the first four), drawn by ``draw(key,
    ax)``: both files or neither (a file already there stays as it was)."""
    with atomic_outputs([out] if plot is None else [out, plot]) as (tmp, *png):
        result.to_csv(tmp, float_format="%.7g", index=False)  # float32
        if plot is not None:
            import matplotlib.pyplot as plt

            keys = list(dict.fromkeys(keys))[:4]
            fig, axes = plt.subplots(
                len(keys), 1, figsize=(9, 2.6 * len(keys)), squeeze=False
            )
            for key, ax in zip(keys, axes[:, 0], strict=True):
                draw(key, ax)
            fig.tight_layout()
            fig.savefig(png[0], format="png", dpi=100)
            plt.close(fig)


def check_writable(path, option):
    """The output path, if its directory exists; an InputError otherwise."""
    path = Path(path)
    directory = path.parent
    if not directory.is_dir():
        raise InputError(f"{option} {path}: directory {directory} does not exist")
    if path.is_dir():
        raise InputError(f"{option} {path} is a directory; give a file name")
    return path


def report_validation(estimator, X, y, window):
    """Print the MAE on the fit's validation windows (the last of those
    without gaps) next to the naive forecast's: the last value of the window."""
    from skrnn._batches import complete_rows
    from skrnn._validation_split import ValidationSplit

    y = y.reshape(len(y), -1)
    rows = np.flatnonzero(complete_rows(X, y, getattr(X, "layout", None)))
    _, rows = ValidationSplit(estimator.validation_fraction).split(rows)
    if not len(rows):
        return
    X, y = X[rows], y[rows]
    mae = np.abs(estimator.predict(X).reshape(len(rows), -1) - y).mean()
    naive = np.abs(np.asarray(X)[:, window - 1, :1] - y).mean()
    windows = "window" if len(rows) == 1 else "windows"
    print(
        f"validation ({len(rows)} most recent {windows}): MAE {mae:.4g}, "
        f"naive forecast (last value) {naive:.4g}"
    )
