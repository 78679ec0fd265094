"""Reshape a flat lag table into the 3-D layout recurrent layers read."""

from numbers import Integral

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from skrnn._array_output import ArrayOutputMixin
from skrnn._input_errors import check_numeric, check_table_ndim, naming_input


class SequenceReshaper(
    ArrayOutputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Reshape rows of lagged values into ``(timesteps, features)`` windows.

    ``(n_samples, timesteps * n_features)`` becomes
    ``(n_samples, timesteps, n_features)``: the transformer version of the
    ``Lambda(lambda x: tf.expand_dims(x, axis=-1))`` layer that course
    models put in front of their recurrent layers, for lag tables built
    elsewhere (pandas ``shift``, a feature store, another library).

    Parameters
    ----------
    n_features : int, default=1
        Number of features per time step. The number of columns of ``X``
        must be a multiple of it.
    layout : {"time_major", "feature_major"}, default="time_major"
        Column order of ``X``. ``"time_major"``: all features of the first
        time step, then all of the second, ... (``t0_a, t0_b, t1_a, ...``).
        ``"feature_major"``: all time steps of the first feature, then the
        second (``a_t0, a_t1, ..., b_t0, ...``). Either way time steps must
        run from oldest to newest.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.
    n_timesteps_ : int
        Number of time steps per output window.

    See Also
    --------
    SlidingWindowTransformer : Windows from a series, one per row.
    make_windows : Windows and their targets from a series in one call.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SequenceReshaper
    >>> lags = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    >>> SequenceReshaper().fit_transform(lags).shape
    (2, 3, 1)
    >>> two = np.array([[1.0, 10.0, 2.0, 20.0]])
    >>> SequenceReshaper(n_features=2).fit_transform(two)[0]
    array([[ 1., 10.],
           [ 2., 20.]])
    """

    _parameter_constraints = {
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "layout": [StrOptions({"time_major", "feature_major"})],
    }

    def __init__(self, n_features=1, layout="time_major"):
        self.n_features = n_features
        self.layout = layout

    def fit(self, X, y=None):
        """Check that the columns of ``X`` split into ``n_features`` features.

        Parameters
        ----------
        X : array-like of shape (n_samples, timesteps * n_features)
            The lag table.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceReshaper
            The fitted transformer.
        """
        self._validate_params()
        X = self._validate(X, reset=True)
        n_columns = X.shape[1]
        if n_columns % self.n_features:
            raise ValueError(
                f"X has {n_columns} columns, which is not a multiple of "
                f"n_features={self.n_features}. Set n_features to the number of "
                "features per time step."
            )
        self.n_timesteps_ = n_columns // self.n_features
        return self

    def transform(self, X):
        """Reshape ``X`` into windows.

        Parameters
        ----------
        X : array-like of shape (n_samples, timesteps * n_features)
            The lag table.

        Returns
        -------
        X_windows : ndarray of shape (n_samples, timesteps, n_features)
            The same values, as windows.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        n_samples = X.shape[0]
        if self.layout == "time_major":
            return X.reshape(n_samples, self.n_timesteps_, self.n_features)
        windows = X.reshape(n_samples, self.n_features, self.n_timesteps_)
        return windows.transpose(0, 2, 1)

    def _validate(self, X, *, reset):
        check_table_ndim(
            X,
            type(self).__name__,
            rows="one row of lagged values per sample",
            fix_1d="pass lags.reshape(1, -1) for a single sample.",
        )
        check_numeric(X, "X")
        with naming_input("X"):
            return validate_data(self, X, reset=reset, ensure_all_finite="allow-nan")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
