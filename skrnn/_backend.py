"""Keras and its backend, imported without TensorFlow's start-up chatter.

TensorFlow prints a few lines as its libraries load: abseil's "All log
messages before absl::InitializeLog() is called are written to STDERR",
oneDNN's notice and, in the GPU wheel, the CUDA driver probe. They come out
before TensorFlow's logging reads ``TF_CPP_MIN_LOG_LEVEL``, so even ``3``
does not hide them. skrnn's modules that can be imported first (the lazily
loaded public names, and ``_forecasters``, which unpickling imports) take
Keras from here:

- unless the user set ``TF_CPP_MIN_LOG_LEVEL``, it is set to
  :data:`DEFAULT_LOG_LEVEL` before TensorFlow loads, so that the CUDA probe's
  error and XLA's notices on the first fit stay hidden too;
- the lines written to standard error while Keras (and TensorFlow) load are
  held back, and only those the level shows are written out: C++ log lines
  below the level and abseil's notice are dropped, anything else (Python
  warnings included) is kept. If the import fails, everything is written.

``TF_CPP_MIN_LOG_LEVEL=0`` shows everything, as TensorFlow does by default.
"""

import contextlib
import os
import re
import sys
import tempfile

__all__ = ["keras"]

# TF_CPP_MIN_LOG_LEVEL when the user has not set one: TensorFlow's C++ log
# lines stay hidden (errors too: on a machine without a GPU, the GPU wheel
# logs its failed CUDA probe as an error); Python warnings and exceptions
# are not affected.
DEFAULT_LOG_LEVEL = "3"

# An abseil (glog) line: severity, date, time (before abseil is set up, in
# seconds since the epoch), thread, file:line].
_LOG_LINE = re.compile(rb"([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^\]\s]+\] ")
_SEVERITY = {b"I": 0, b"W": 1, b"E": 2, b"F": 3}
_ABSL_NOTICE = b"WARNING: All log messages before absl::InitializeLog() is called"


def log_level():
    """The ``TF_CPP_MIN_LOG_LEVEL`` in force, as an int from 0 to 3."""
    value = os.environ.get("TF_CPP_MIN_LOG_LEVEL", DEFAULT_LOG_LEVEL)
    try:
        return min(max(int(value), 0), 3)
    except ValueError:  # TensorFlow reads an unparsable value as 0
        return 0


def shown_lines(text, level):
    """The lines of ``text`` (bytes) that log level ``level`` shows."""
    for line in text.splitlines(keepends=True):
        match = _LOG_LINE.match(line)
        if match and _SEVERITY[match[1]] < level:
            continue
        if level > 0 and line.startswith(_ABSL_NOTICE):
            continue
        yield line


@contextlib.contextmanager
def filtered_stderr(level):
    """Hold back what is written to file descriptor 2 in the block, then
    write out the lines ``level`` shows (all of them if the block raises)."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to filter
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        failed = True
        try:
            yield
            failed = False
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read()
            lines = text.splitlines(True) if failed else shown_lines(text, level)
            os.write(2, b"".join(lines))


def _import_keras():
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import keras  # already loaded: nothing left to hide

        return keras
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", DEFAULT_LOG_LEVEL)
    level = log_level()
    if level == 0:
        import keras

        return keras
    with filtered_stderr(level):
        import keras
    return keras


keras = _import_keras()
