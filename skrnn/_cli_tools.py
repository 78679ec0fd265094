"""What the ``skrnn`` command's subcommands share: one-line errors, notes
on stderr, atomic output files and the forecasters (imported late)."""

import contextlib
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

# The forecaster behind each --model; imported (with Keras) only to train.
MODELS = {"lstm": "LSTMForecaster", "gru": "GRUForecaster", "rnn": "RNNForecaster"}

# Library parameters that are options of the command: its messages say them
# as options ("steps=2" -> "--steps 2").
_OPTIONS = r"\b(target|id_col|time_col|freq|steps|coverage|window|horizon)= ?"


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
    """The forecaster classes by --model name and the progress bar class.

    Importing them starts Keras (skrnn._backend hides its start-up lines):
    done only once the input has passed its checks.
    """
    import skrnn._forecasters as forecasters
    from skrnn._progress import ProgressBar

    return {
        key: getattr(forecasters, name) for key, name in MODELS.items()
    }, ProgressBar


@contextlib.contextmanager
def atomic_outputs(paths):
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


def plot_to_files():
    """Whether matplotlib and pandas are there; matplotlib then draws to files."""
    try:
        import matplotlib
        import pandas  # noqa: F401  (dated plots)
    except ImportError:
        return False
    matplotlib.use("Agg")
    return True


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
    """Print the MAE on the validation windows (the last of those without
    gaps) next to the naive forecast's: the last value of the window."""
    windows = np.asarray(X)
    gaps = np.isnan(windows[:, :window]).any(axis=(1, 2))
    # Of the window's future steps (covariate models), only those of the
    # future-known columns are inputs.
    future = getattr(getattr(X, "layout", None), "future", ())
    if future:
        gaps |= np.isnan(windows[:, window:][:, :, list(future)]).any(axis=(1, 2))
    complete = ~(gaps | np.isnan(y.reshape(len(y), -1)).any(axis=1))
    X, y, origin = X[complete], y[complete], window - 1
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
