"""Cut a time series into (window, next values) training pairs."""

from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, validate_params

from skrnn._input_errors import naming_input


def _as_2d(series):
    """Return ``series`` as a 2-D array ``(time, features)`` and its column names.

    The array is a view of ``series`` whenever numpy can make one.
    """
    columns = getattr(series, "columns", None)
    if columns is None and getattr(series, "name", None) is not None:
        columns = [series.name]
    with naming_input("series"):
        # Empty series and too many dimensions get the messages below.
        array = check_array(
            series,
            ensure_2d=False,
            allow_nd=True,
            ensure_min_samples=0,
            dtype="numeric",
            ensure_all_finite="allow-nan",
            input_name="series",
        )
    if array.ndim == 1:
        array = array[:, np.newaxis]
    elif array.ndim != 2:
        raise ValueError(
            f"series must be 1-D (time,) or 2-D (time, features); got an array "
            f"of shape {array.shape}. Pass the series itself, one row per time "
            "step."
        )
    return array, None if columns is None else list(columns)


def _target_indices(target, columns, n_features):
    """Turn ``target`` (None, a name, an index or a list of them) into indices."""
    if target is None:
        if n_features != 1:
            raise ValueError(
                f"series has {n_features} columns; pass target= the column name "
                "or index (or a list of them) to forecast."
            )
        return [0]
    targets = list(target) if isinstance(target, list | tuple) else [target]
    if not targets:
        raise ValueError("target must name at least one column.")
    indices = []
    for name in targets:
        if isinstance(name, Integral) and not isinstance(name, bool):
            if not -n_features <= name < n_features:
                raise ValueError(
                    f"target={name!r} is out of range for a series with "
                    f"{n_features} columns."
                )
            indices.append(int(name) % n_features)
        elif columns is not None and name in columns:
            indices.append(columns.index(name))
        else:
            known = "" if columns is None else f" Known columns: {columns}."
            raise ValueError(
                f"target={name!r} is not a column of series.{known} Pass a "
                "column name or an integer index."
            )
    return indices


@validate_params(
    {
        "series": ["array-like"],
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "target": [None, Integral, str, list, tuple],
    },
    prefer_skip_nested_validation=True,
)
def make_windows(series, window, horizon=1, *, target=None):
    """Cut a series into input windows and the values that follow them.

    Window ``i`` holds time steps ``i .. i + window - 1``; its target holds
    the ``horizon`` steps after it. This is the supervised layout that
    recurrent forecasters train on.

    Parameters
    ----------
    series : array-like of shape (n_times,) or (n_times, n_features)
        The series in time order: a 1-D or 2-D array, a pandas Series or a
        pandas DataFrame. Missing values (NaN) are kept; the forecasters skip
        the windows that contain them.
    window : int
        Number of past time steps in each input window.
    horizon : int, default=1
        Number of future time steps to predict from each window.
    target : int, str or list of them, default=None
        Column(s) to predict, by position or by DataFrame column name.
        ``None`` means the only column of a univariate series.

    Returns
    -------
    X : ndarray of shape (n_windows, window, n_features)
        The input windows, ``n_windows = n_times - window - horizon + 1``.
        When ``series`` is a numpy array, ``X`` is a read-only strided view
        of it: no ``n_windows * window`` copy is made.
    y : ndarray
        The values to predict: shape ``(n_windows,)`` for one target and
        ``horizon=1``, ``(n_windows, horizon)`` for one target,
        ``(n_windows, n_targets)`` for several targets and ``horizon=1``,
        else ``(n_windows, horizon, n_targets)``.

    See Also
    --------
    SlidingWindowTransformer : Row-preserving windows for use in a Pipeline.
    SequenceReshaper : Reshape a flat lag table into windows.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_windows
    >>> X, y = make_windows(np.arange(6.0), window=3)
    >>> X.shape, y.shape
    ((3, 3, 1), (3,))
    >>> X[0, :, 0], y[0]
    (array([0., 1., 2.]), np.float64(3.0))
    >>> X, y = make_windows(np.arange(6.0), window=3, horizon=2)
    >>> y
    array([[3., 4.],
           [4., 5.]])
    """
    array, columns = _as_2d(series)
    n_times, n_features = array.shape
    n_windows = n_times - window - horizon + 1
    if n_windows < 1:
        raise ValueError(
            f"window + horizon = {window + horizon} needs a series of at least "
            f"that many time steps, but series has {n_times}. Use a shorter "
            "window or horizon, or a longer series."
        )
    targets = _target_indices(target, columns, n_features)

    # sliding_window_view appends the window axis last: (n, features, window).
    X = sliding_window_view(array, window, axis=0)[:n_windows].transpose(0, 2, 1)
    y = sliding_window_view(array[window:, targets], horizon, axis=0)[:n_windows]
    y = np.ascontiguousarray(y.transpose(0, 2, 1))  # (n, horizon, n_targets)
    if len(targets) == 1:
        y = y[:, :, 0]
        if horizon == 1:
            y = y[:, 0]
    elif horizon == 1:
        y = y[:, 0, :]
    return X, y
