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
from skrnn._windows import _join_static, _layout, _target_indices


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

    With covariates (``future`` or ``static``, see the user guide's
    "Covariates" section) each output row is the window :func:`make_windows`
    cuts with the same arguments, so a :class:`~sklearn.pipeline.Pipeline`
    can carry covariates to a forecaster: output row ``t`` is the window
    whose last past step is input row ``t`` (``make_windows``' window ``i``
    is row ``i + window - 1`` of its series), followed by the ``horizon``
    steps after it. Its ``layout`` tells the forecaster which column is
    what. Rows without a full past (the head of each series) or without
    their future-known values (the last ``horizon`` rows of each series) are
    NaN-padded; the forecasters skip them in ``fit`` and predict NaN for
    them. The per-row target of a Pipeline is then the ``horizon`` values
    of ``target`` after each row.

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
    target : int, str or list of them, default=None
        With covariates: the column(s) the forecaster predicts, by position
        or by DataFrame column name (``None`` only for a one-column
        series). The columns that are neither ``target``, ``future`` nor
        ``static`` are past covariates. Without covariates ``target`` is
        only checked, and for a long DataFrame recorded as the windows'
        ``target_features``.
    future : int, str or list of them, default=None
        Future-known covariates: columns known for the forecast period too.
        Each window then also holds their values at the ``horizon`` steps
        after its last row.
    static : str, list of str or DataFrame, default=None
        Static covariates: columns constant within each series, or a
        DataFrame with one row per series (indexed by the series' keys, or
        with an ``id_col`` column) whose columns are appended to every row.
    horizon : int, default=1
        With ``future`` columns: the future steps each window holds, the
        steps the forecaster predicts at once. Ignored without ``future``.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.
    layout_ : WindowLayout or None
        With covariates: the roles of the output's features (targets, past,
        future-known, static, categories), as ``make_windows`` records them
        on its windows; None without.

    See Also
    --------
    make_windows : Windows and their targets from a series in one call.
    SequenceReshaper : Reshape a flat lag table into windows.

    Notes
    -----
    The output is a read-only strided view of a NaN-padded copy of the
    input, so it costs O(n_samples) memory, not O(n_samples * window). It is
    a numpy array (pandas has no 3-D container, so :meth:`set_output` leaves
    it as it is), or with ``id_col`` or covariates a
    :class:`~skrnn.PanelWindows` (a single series with covariates is a
    panel of one series, as in ``make_windows``). Text and categorical
    columns are read as categories with covariates: their codes are learnt
    in ``fit`` (``layout_.categories``), and a category first seen in
    ``transform`` gets the code of unknown ones.

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
        "target": [None, Integral, str, list, tuple],
        "future": [None, Integral, str, list, tuple],
        "static": "no_validation",
        "horizon": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        window=20,
        *,
        id_col=None,
        time_col=None,
        target=None,
        future=None,
        static=None,
        horizon=1,
    ):
        self.window = window
        self.id_col = id_col
        self.time_col = time_col
        self.target = target
        self.future = future
        self.static = static
        self.horizon = horizon

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
        self.layout_ = None
        if self._has_covariates():
            panel, _ = self._covariate_panel(X, reset=True)
            self._check_window(panel)
            return self
        if self.id_col is not None:
            panel = self._panel(X, reset=True)
            if self.target is not None:
                _target_indices(self.target, panel.columns, panel.n_features)
            self._check_window(panel)
            return self
        if self.time_col is not None:
            raise ValueError(
                f"time_col={self.time_col!r} orders the rows of a long DataFrame, "
                "which also needs id_col= (the column naming each row's series)."
            )
        X = self._validate(X, reset=True)
        if self.target is not None:
            names = getattr(self, "feature_names_in_", None)
            _target_indices(
                self.target, None if names is None else list(names), X.shape[1]
            )
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
        if self.layout_ is not None:
            panel, rows = self._covariate_panel(X, reset=False)
            return self._panel_windows(panel, rows, self.layout_)
        if self.id_col is not None:
            panel = self._panel(X, reset=False)
            targets = None
            if self.target is not None:
                targets = _target_indices(self.target, panel.columns, panel.n_features)
            return self._panel_windows(panel, panel.rows, targets=targets)
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
        if self.layout_ is not None:
            return np.asarray(self.layout_.names, dtype=object)
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

    def _has_covariates(self):
        return self.future is not None or self.static is not None

    def _check_window(self, panel):
        if self.id_col is None and self.window > panel.lengths[0]:
            raise ValueError(
                f"window={self.window} is longer than the series "
                f"(n_samples={panel.lengths[0]}). Use a shorter window or more "
                "data."
            )
        if self.window > panel.lengths.max():
            raise ValueError(
                f"window={self.window} is longer than every series of the "
                f"panel (the longest has {panel.lengths.max()} rows). Use a "
                "shorter window or more data."
            )

    def _covariate_panel(self, X, *, reset):
        """``X`` read as :func:`make_windows` reads it with covariates: the
        panel (static table joined, categories coded) and the input rows of
        each series. Records the layout in fit, checks it in transform."""
        _check_feature_names(self, X, reset=reset)
        if self.id_col is None:
            if self.time_col is not None:
                raise ValueError(
                    f"time_col={self.time_col!r} orders the rows of a long "
                    "DataFrame, which also needs id_col= (the column naming "
                    "each row's series)."
                )
            check_table_ndim(
                X,
                type(self).__name__,
                rows="one row per time step",
                fix_1d="pass a DataFrame with the target and covariate columns.",
            )
            # The rows' order is the time order: a time index must not reorder
            # them, or output rows would no longer be input rows.
            data = [X.reset_index(drop=True) if hasattr(X, "iloc") else X]
        else:
            data = X
        categories = {} if reset else dict(self.layout_categories_)
        panel = as_panel(
            data, id_col=self.id_col, time_col=self.time_col, categories=categories
        )
        n_features = X.shape[1]
        if not reset and n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        rows = panel.rows or [np.arange(len(panel.values[0]))]
        static = self.static
        if static is not None and not isinstance(static, list | tuple | str):
            panel, static = _join_static(panel, static, self.id_col)
        targets = _target_indices(self.target, panel.columns, panel.n_features)
        layout = _layout(panel, targets, self.future, static, self.window, self.horizon)
        if reset:
            self.n_features_in_ = n_features
            self.layout_ = layout
            self.layout_categories_ = panel.categories
        elif layout != self.layout_:
            raise ValueError(
                f"X's columns give the covariate layout {layout}, but "
                f"{type(self).__name__} was fitted on {self.layout_}: pass the "
                "columns seen in fit."
            )
        return panel, rows

    def _panel_windows(self, panel, rows, layout=None, targets=None):
        """Each row's window within its series, rows in the input's order.

        With a covariate ``layout`` a window also holds the ``horizon`` steps
        after its row; NaN where a series has none.
        """
        ahead = 0 if layout is None else layout.horizon
        length = self.window if layout is None else layout.length
        padding = np.full((self.window - 1, panel.n_features), np.nan)
        tail = np.full((ahead, panel.n_features), np.nan)
        blocks, offset = [], 0
        starts = np.empty(sum(map(len, rows)), dtype=np.intp)
        series = np.empty_like(starts)
        # Where each input row lies in its series' values (after gaps).
        at = panel.at or [np.arange(len(values)) for values in panel.values]
        for i, (values, positions) in enumerate(zip(panel.values, rows, strict=True)):
            blocks += [padding, values, tail]
            starts[positions] = offset + at[i]
            series[positions] = i
            offset += len(padding) + len(values) + ahead
        return PanelWindows(
            np.concatenate(blocks),
            starts,
            length,
            series=series,
            series_keys=panel.keys,
            target_features=targets if layout is None else layout.targets,
            layout=layout,
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
