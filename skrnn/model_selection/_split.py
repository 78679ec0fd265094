"""``ForecastOriginSplit``: cross-validation of window forecasters by
forecast origin, series by series."""

from numbers import Integral

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils._param_validation import Interval, validate_params


def _steps_from_end(X, groups):
    """Each window's series and its steps before the last window of that
    series in ``X``."""
    starts = getattr(X, "_starts", None)
    if starts is not None and hasattr(X, "groups"):
        # PanelWindows: a window's start is its place in its series.
        series = np.asarray(getattr(X, "_series"))
        position = np.asarray(starts)
    else:
        n = len(X)
        if groups is None:
            series = np.zeros(n, dtype=np.intp)
        else:
            groups = np.asarray(groups)
            if len(groups) != n:
                raise ValueError(
                    f"groups has {len(groups)} entries but X has {n} windows: "
                    "give the series of every window (make_windows(..., "
                    "return_groups=True))."
                )
            series = np.unique(groups, return_inverse=True)[1].ravel()
        # Rows of one series are its windows in time order, one step apart.
        position = np.zeros(n, dtype=np.int64)
        for s in np.unique(series):
            rows = np.flatnonzero(series == s)
            position[rows] = np.arange(len(rows))
    last = np.zeros(series.max() + 1 if len(series) else 0, dtype=np.int64)
    np.maximum.at(last, series, position)
    return last[series] - position


class ForecastOriginSplit(BaseCrossValidator):
    """Split windows by forecast origin: test on the windows that start
    forecasting at an origin, train on those whose targets end before it.

    For the windows of a series or a panel from :func:`~skrnn.make_windows`
    (an array, or a :class:`~skrnn.PanelWindows` whose windows know their
    series and place). The origins are counted back from each series' last
    window: split ``k`` of ``n_splits`` (the last one ``n_splits - 1``)
    tests on the window of every series that lies ``(n_splits - 1 - k) *
    step`` windows before its last one, whose targets are the ``horizon``
    values after its origin, and trains on every window, of any series,
    that lies at least ``horizon`` windows further back, so whose targets
    end at or before the origin: no test target is ever a training target.
    With the series of a panel ending together (as :func:`~skrnn.make_windows`
    lines up series without times), the origins are the same times for
    every series; a series too short for an origin is left out of it.
    ``horizon`` must be the windows' horizon. The test sets hold one window
    per series, so score them with errors such as ``skrnn.metrics``' MAE or
    sMAPE scorers: a grid search then chooses by the multi-step error at
    the last origins.

    Parameters
    ----------
    n_splits : int
        Number of origins (splits), at least 1.
    horizon : int
        The number of values each window's target holds (make_windows'
        ``horizon``).
    step : int, default=None
        Windows between two origins; ``None`` means ``horizon``, so the test
        targets of two splits do not overlap.

    See Also
    --------
    backtest : Forecasts from many origins of a series or panel, in one
        DataFrame.
    sklearn.model_selection.TimeSeriesSplit : Splits by row order alone.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_windows
    >>> from skrnn.model_selection import ForecastOriginSplit
    >>> X, y = make_windows([np.arange(10.0), np.arange(8.0)], window=3, horizon=2)
    >>> cv = ForecastOriginSplit(n_splits=2, horizon=2)
    >>> for train, test in cv.split(X, y):
    ...     print(X[train][:, -1, 0], X[test][:, -1, 0], y[test].tolist())
    [2. 3.] [5. 3.] [[6.0, 7.0], [4.0, 5.0]]
    [2. 3. 4. 2. 5. 3.] [7. 5.] [[8.0, 9.0], [6.0, 7.0]]
    """

    @validate_params(
        {
            "n_splits": [Interval(Integral, 1, None, closed="left")],
            "horizon": [Interval(Integral, 1, None, closed="left")],
            "step": [None, Interval(Integral, 1, None, closed="left")],
        },
        prefer_skip_nested_validation=True,
    )
    def __init__(self, n_splits, horizon, step=None):
        self.n_splits = n_splits
        self.horizon = horizon
        self.step = step

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of splits, ``n_splits``."""
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Generate the indices of each split's training and test windows.

        Parameters
        ----------
        X : array-like or PanelWindows of shape (n_windows, window, n_features)
            The windows, from :func:`~skrnn.make_windows`.
        y : array-like, default=None
            Ignored; the targets follow the windows.
        groups : array-like of shape (n_windows,), default=None
            For an array of windows of several series: each window's
            series (``make_windows(..., return_groups=True)``), its rows of
            one series in time order. Ignored for a ``PanelWindows``, which
            knows; None for an array means one series.

        Yields
        ------
        train : ndarray
            The training windows' indices.
        test : ndarray
            The test windows' indices: one per series, at the origin.
        """
        behind = _steps_from_end(X, groups)
        step = self.horizon if self.step is None else self.step
        for k in range(self.n_splits):
            at = (self.n_splits - 1 - k) * step
            train = np.flatnonzero(behind >= at + self.horizon)
            test = np.flatnonzero(behind == at)
            if not len(train) or not len(test):
                raise ValueError(
                    f"n_splits={self.n_splits} origins {step} windows apart "
                    f"(step) leave split {k} with no "
                    f"{'training' if not len(train) else 'test'} window: the "
                    f"longest series has {behind.max() + 1} windows. Use fewer "
                    "n_splits, a smaller step or longer series."
                )
            yield train, test
