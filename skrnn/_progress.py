"""A training progress bar on stderr, for the command line."""

import sys
import time

import keras


class ProgressBar(keras.callbacks.Callback):
    """Training progress on stderr: one bar redrawn in a terminal, a few
    lines in a log file."""

    def __init__(self, label, stream=None):
        super().__init__()
        self.label = label
        self._stream = stream

    @property
    def stream(self):
        # sys.stderr as it is when writing (not a copy of it): the bar is
        # cloned with its forecaster, e.g. by backtest.
        return sys.stderr if self._stream is None else self._stream

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._epochs = self.params.get("epochs") or 1
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._every = max(1, self._epochs // 10)
        self._done = 0
        self._width = 0

    def on_epoch_end(self, epoch, logs=None):
        done = self._done = epoch + 1
        width = 20
        filled = round(width * done / self._epochs)
        losses = "  ".join(
            f"{key} {value:.4g}"
            for key, value in (logs or {}).items()
            if key in ("loss", "val_loss")
        )
        line = (
            f"{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"epoch {done}/{self._epochs}  {losses}"
        )
        if self._tty:
            # Pad to the longest line so far: a shorter line leaves no tail.
            self._width = max(self._width, len(line))
            self.stream.write("\r" + line.ljust(self._width))
            self.stream.flush()
        elif done % self._every == 0:
            self.stream.write(line + "\n")

    def on_train_end(self, logs=None):
        elapsed = time.perf_counter() - self._start
        end = "\n" if self._tty else ""
        self.stream.write(
            f"{end}{self.label}: {self._done} epochs in {elapsed:.1f} s\n"
        )
        self.stream.flush()
