"""scikit-learn compatible RNN, LSTM and GRU forecasters for time series."""

from skrnn._forecasters import GRUForecaster, LSTMForecaster, RNNForecaster
from skrnn._persistence import load
from skrnn._sequence_reshaper import SequenceReshaper
from skrnn._sliding_window import SlidingWindowTransformer
from skrnn._windows import make_windows

__version__ = "0.1.0"

__all__ = [
    "GRUForecaster",
    "LSTMForecaster",
    "RNNForecaster",
    "SequenceReshaper",
    "SlidingWindowTransformer",
    "load",
    "make_windows",
    "__version__",
]
