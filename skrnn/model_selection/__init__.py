"""Model selection for forecasters: backtests from many origins and a
splitter of windows by forecast origin."""

from skrnn.model_selection._backtest import backtest
from skrnn.model_selection._split import ForecastOriginSplit

__all__ = ["ForecastOriginSplit", "backtest"]
