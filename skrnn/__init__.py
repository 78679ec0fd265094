"""scikit-learn compatible RNN, LSTM and GRU forecasters for time series."""

import importlib

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
    "GRUForecaster",
    "LSTMForecaster",
    "LearningRateFinder",
    "RNNForecaster",
    "SequenceReshaper",
    "SlidingWindowTransformer",
    "load",
    "make_windows",
    "__version__",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skrnn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
