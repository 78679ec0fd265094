"""Windows of a panel, gathered from the series only when they are read."""

from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from skrnn._panel import key_array


class PanelWindows:
    """The windows of a panel of series: a read-only 3-D array-like.

    :func:`~skrnn.make_windows` returns one for a panel. It behaves like an
    array of shape ``(n_windows, window, n_features)`` but holds only the
    series themselves (all of them end to end) and where each window
    starts, so it costs O(total length) memory however many windows
    overlap. Windows are copied out only when read:

    - ``X[i]`` is window ``i``, an ndarray ``(window, n_features)``;
    - ``X[rows]`` (a slice, integer array or boolean mask) is a
      ``PanelWindows`` of those windows, again without copying them, so
      scikit-learn's splitters and searches index it cheaply;
    - ``X[rows, t, f]`` and other indexing along the window and feature
      axes returns an ndarray of just those values, e.g. ``X[:, -1, 0]``;
    - ``np.asarray(X)`` copies all windows into an ndarray.

    ``len(X)``, ``X.shape``, ``X.ndim`` and ``X.dtype`` work as for an
    array. The forecasters read the windows a batch at a time.

    Attributes
    ----------
    groups : ndarray of shape (n_windows,)
        The key of the series each window comes from.
    series_keys : list
        The keys of the panel's series, in the panel's order.
    target_features : ndarray of int or None
        For windows from :func:`~skrnn.make_windows`: the feature each
        column of the targets ``y`` is, so that a forecaster knows which
        outputs to feed back into the windows; None when not known.
    layout : WindowLayout or None
        With covariates (``future=`` or ``static=``), which features are
        targets and past, future-known and static covariates, which are
        categorical, and how many past and future steps each window holds.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import make_windows
    >>> X, y = make_windows([np.arange(5.0), np.arange(100.0, 104.0)], window=2)
    >>> type(X).__name__, X.shape
    ('PanelWindows', (5, 2, 1))
    >>> X[:, -1, 0]  # the last value of each window, in time order
    array([  1.,   2., 101.,   3., 102.])
    >>> X.groups
    array([0, 0, 1, 0, 1])
    """

    ndim = 3

    def __init__(
        self,
        values,
        starts,
        length,
        *,
        series,
        series_keys,
        target_features=None,
        layout=None,
    ):
        self._values = values
        self._starts = np.asarray(starts, dtype=np.intp)
        self._length = int(length)
        self._series = np.asarray(series, dtype=np.intp)
        self.series_keys = list(series_keys)
        self.target_features = (
            None if target_features is None else np.asarray(target_features)
        )
        self.layout = layout
        self._view = sliding_window_view(values, self._length, axis=0).transpose(
            0, 2, 1
        )

    @property
    def shape(self):
        return (len(self._starts), self._length, self._values.shape[1])

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def groups(self):
        return key_array(self.series_keys)[self._series]

    def __len__(self):
        return len(self._starts)

    def __getitem__(self, key):
        rows, rest = (key[0], key[1:]) if isinstance(key, tuple) else (key, ())
        if isinstance(rows, list):
            rows = np.asarray(rows)
        if not isinstance(rows, Integral) and all(r is Ellipsis for r in rest):
            return PanelWindows(
                self._values,
                self._starts[rows],
                self._length,
                series=self._series[rows],
                series_keys=self.series_keys,
                target_features=self.target_features,
                layout=self.layout,
            )
        return self._view[(self._starts[rows], *rest)]

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError(
                "PanelWindows holds the series, not the windows: reading them as "
                "an array copies them."
            )
        return self._view[self._starts].astype(dtype or self.dtype, copy=False)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        n_series = len(np.unique(self._series))
        return (
            f"PanelWindows(shape={self.shape}, dtype={self.dtype}, n_series={n_series})"
        )

    def __getstate__(self):
        state = dict(vars(self))
        del state["_view"]  # a view: rebuilt from the values
        return state

    def __setstate__(self, state):
        vars(self).update(state)
        self._view = sliding_window_view(self._values, self._length, axis=0).transpose(
            0, 2, 1
        )


def window_rows(X, rows, dtype=None):
    """``X[rows]`` as an ndarray, for an ndarray or :class:`PanelWindows` ``X``."""
    return np.asarray(X[rows], dtype=dtype)
