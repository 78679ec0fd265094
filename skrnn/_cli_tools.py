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


def training_tools():
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


def check_writable(path, option):
    """The output path, if its directory exists; an InputError otherwise."""
    path = Path(path)
    directory = path.parent
    if not directory.is_dir():
        raise InputError(f"{option} {path}: directory {directory} does not exist")
    if path.is_dir():
        raise InputError(f"{option} {path} is a directory; give a file name")
    return path


def report_validation(estimator, X, y, origin=-1):
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
