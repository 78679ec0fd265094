"""Row-preserving sliding windows, for use inside a Pipeline."""

from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    _check_feature_names,
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from skrnn._array_output import ArrayOutputMixin
from skrnn._input_errors import check_numeric, check_table_ndim, naming_input
from skrnn._panel import as_panel
from skrnn._panel_windows import PanelWindows


class SlidingWindowTransformer(
    ArrayOutputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Turn each row of a series into the window of rows that ends at it.

    Output row ``t`` holds input rows ``t - window + 1 .. t``, so the output
    has as many rows as the input: ``(n_samples, n_features)`` becomes
    ``(n_samples, window, n_features)``. The first ``window - 1`` rows have no
    full history and are padded with NaN; the forecasters skip them in
    ``fit`` and predict NaN for them. Because rows are preserved, the
    transformer fits in a :class:`~sklearn.pipeline.Pipeline` with a per-row
    target such as ``y = series.shift(-1)``.

    A long DataFrame of many series (one row per series and time step)
    gets the same treatment per series with ``id_col``: each row's window
    holds the rows of its own series up to it, in time order, padded with
    NaN at the head of every series, and output row ``i`` is still input
    row ``i``, whatever the order of the rows.

    Parameters
    ----------
    window : int, default=20
        Number of time steps in each window.
    id_col : hashable, default=None
        For a long DataFrame: the column naming each row's series. The
        value columns are all columns but ``id_col`` and ``time_col``.
    time_col : hashable, default=None
        For a long DataFrame: the column that orders the rows of each
        series (by default their order in the DataFrame).

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    make_windows : Windows and their targets from a series in one call.
    SequenceReshaper : Reshape a flat lag table into windows.

    Notes
    -----
    The output is a read-only strided view of a NaN-padded copy of the
    input, so it costs O(n_samples) memory, not O(n_samples * window). It is
    a numpy array (pandas has no 3-D container, so :meth:`set_output` leaves
    it as it is), or with ``id_col`` a :class:`~skrnn.PanelWindows`.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SlidingWindowTransformer
    >>> X = np.arange(5.0).reshape(-1, 1)
    >>> Xt = SlidingWindowTransformer(window=3).fit_transform(X)
    >>> Xt.shape
    (5, 3, 1)
    >>> Xt[:, :, 0]
    array([[nan, nan,  0.],
           [nan,  0.,  1.],
           [ 0.,  1.,  2.],
           [ 1.,  2.,  3.],
           [ 2.,  3.,  4.]])
    """

    _parameter_constraints = {
        "window": [Interval(Integral, 1, None, closed="left")],
        "id_col": "no_validation",
        "time_col": "no_validation",
    }

    def __init__(self, window=20, *, id_col=None, time_col=None):
        self.window = window
        self.id_col = id_col
        self.time_col = time_col

    def fit(self, X, y=None):
        """Check ``X`` and record its number of features and their names.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The series in time order, e.g. ``series.to_frame()``.
        y : None
            Ignored.

        Returns
        -------
        self : SlidingWindowTransformer
            The fitted transformer.
        """
        self._validate_params()
        if self.id_col is not None:
            panel = self._panel(X, reset=True)
            if self.window > panel.lengths.max():
                raise ValueError(
                    f"window={self.window} is longer than every series of the "
                    f"panel (the longest has {panel.lengths.max()} rows). Use a "
                    "shorter window or more data."
                )
            return self
        if self.time_col is not None:
            raise ValueError(
                f"time_col={self.time_col!r} orders the rows of a long DataFrame, "
                "which also needs id_col= (the column naming each row's series)."
            )
        X = self._validate(X, reset=True)
        if self.window > X.shape[0]:
            raise ValueError(
                f"window={self.window} is longer than the series "
                f"(n_samples={X.shape[0]}). Use a shorter window or more data."
            )
        return self

    def transform(self, X):
        """Return the window ending at each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The series in time order.

        Returns
        -------
        X_windows : ndarray or PanelWindows of shape (n_samples, window, \
                n_features)
            Read-only windows; the first ``window - 1`` rows (of each series)
            are NaN-padded.
        """
        check_is_fitted(self)
        if self.id_col is not None:
            return self._panel_windows(self._panel(X, reset=False))
        X = self._validate(X, reset=False)
        padding = np.full((self.window - 1, X.shape[1]), np.nan)
        padded = np.concatenate([padding, X])
        return sliding_window_view(padded, self.window, axis=0).transpose(0, 2, 1)

    def get_feature_names_out(self, input_features=None):
        """Names of the output's last (feature) axis.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; by default ``feature_names_in_`` or
            ``["x0", "x1", ...]``.

        Returns
        -------
        feature_names_out : ndarray of str
            One name per feature: each window keeps the input's features.
        """
        check_is_fitted(self)
        if self.id_col is not None:
            return np.asarray(self.value_columns_, dtype=object)
        return _check_feature_names_in(self, input_features)

    def _panel(self, X, *, reset):
        """The long DataFrame ``X`` as a panel; its columns checked against fit's."""
        _check_feature_names(self, X, reset=reset)
        panel = as_panel(X, id_col=self.id_col, time_col=self.time_col)
        if reset:
            self.n_features_in_ = X.shape[1]
            self.value_columns_ = panel.columns
        return panel

    def _panel_windows(self, panel):
        """Each row's window within its series, rows in the input's order."""
        padding = np.full((self.window - 1, panel.n_features), np.nan)
        blocks, offset = [], 0
        starts = np.empty(panel.lengths.sum(), dtype=np.intp)
        series = np.empty_like(starts)
        for i, (values, rows) in enumerate(zip(panel.values, panel.rows, strict=True)):
            blocks += [padding, values]
            starts[rows] = offset + np.arange(len(values))
            series[rows] = i
            offset += len(padding) + len(values)
        return PanelWindows(
            np.concatenate(blocks),
            starts,
            self.window,
            series=series,
            series_keys=panel.keys,
        )

    def _validate(self, X, *, reset):
        check_table_ndim(
            X,
            type(self).__name__,
            rows="one row per time step",
            fix_1d="pass series.reshape(-1, 1) or a one-column DataFrame.",
        )
        check_numeric(X, "X")
        with naming_input("X"):
            return validate_data(
                self, X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan"
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
