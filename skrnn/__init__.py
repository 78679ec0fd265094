"""scikit-learn compatible RNN, LSTM and GRU forecasters for time series."""

import importlib

from skrnn._calendar import CalendarFeatures
from skrnn._fill_gaps import fill_gaps
from skrnn._panel_windows import PanelWindows
from skrnn._seasonal import SeasonalAdjuster
from skrnn._sequence_reshaper import SequenceReshaper
from skrnn._sliding_window import SlidingWindowTransformer
from skrnn._windows import make_windows

__version__ = "0.1.0"

# Names whose modules import Keras (and so TensorFlow, ~8 s): loaded on first
# use, so `import skrnn` and the command line's --help stay fast.
_LAZY = {
    "GRUForecaster": "skrnn._forecasters",
    "LSTMForecaster": "skrnn._forecasters",
    "RNNForecaster": "skrnn._forecasters",
    "LearningRateFinder": "skrnn._lr_finder",
    "load": "skrnn._persistence",
}

__all__ = [
    "CalendarFeatures",
    "GRUForecaster",
    "LSTMForecaster",
    "LearningRateFinder",
    "PanelWindows",
    "RNNForecaster",
    "SeasonalAdjuster",
    "SequenceReshaper",
    "SlidingWindowTransformer",
    "fill_gaps",
    "load",
    "make_windows",
    "__version__",
]


# Public submodules, imported on first use: skrnn.metrics.mae_scorer works
# after a plain `import skrnn`.
_SUBMODULES = ("datasets", "metrics", "model_selection", "plotting")


def __getattr__(name):
    if name in _LAZY:
        # load restores the forecaster classes: they must be defined first.
        importlib.import_module("skrnn._forecasters")
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"skrnn.{name}")
    raise AttributeError(f"module 'skrnn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
