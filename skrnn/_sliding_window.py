"""Row-preserving sliding windows, for use inside a Pipeline."""

from numbers import Integral

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from skrnn._array_output import ArrayOutputMixin
from skrnn._input_errors import check_table_ndim, naming_input


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

    Parameters
    ----------
    window : int, default=20
        Number of time steps in each window.

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
    always a numpy array: pandas has no 3-D container, so
    :meth:`set_output` leaves it as it is.

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

    _parameter_constraints = {"window": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, window=20):
        self.window = window

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
        X_windows : ndarray of shape (n_samples, window, n_features)
            Read-only windows; the first ``window - 1`` rows are NaN-padded.
        """
        check_is_fitted(self)
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
        return _check_feature_names_in(self, input_features)

    def _validate(self, X, *, reset):
        check_table_ndim(
            X,
            type(self).__name__,
            rows="one row per time step",
            fix_1d="pass series.reshape(-1, 1) or a one-column DataFrame.",
        )
        with naming_input("X"):
            return validate_data(
                self, X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan"
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
