"""What a fit learned about the shape of its windows, and checks against it."""

import numpy as np

from skrnn._layout import WindowLayout


class FittedWindowsMixin:
    """Fitted window shapes and covariate layout of a recurrent forecaster.

    Records ``input_shape_`` and ``layout_`` in ``fit`` and checks later
    windows against them; reads ``target_shape_``, ``n_outputs_`` and
    ``target_features_``.
    """

    def _validated_windows(self, X):
        """``X`` checked against the fitted windows, as 3-D windows."""
        X, _ = self._validate_data(X, reset=False)
        return self._as_windows(X, reset=False)

    def _as_windows(self, X, *, reset):
        """3-D windows from validated 2-D (univariate) or 3-D ``X``."""
        windows = X[:, :, np.newaxis] if X.ndim == 2 else X
        if reset:
            self.input_shape_ = windows.shape[1:]
        elif windows.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has windows of {windows.shape[1]} time steps x "
                f"{windows.shape[2]} features, but {type(self).__name__} was "
                f"fitted on {self.input_shape_[0]} x {self.input_shape_[1]}."
            )
        return windows

    def _same_windows(self, X):
        # Univariate windows are (n, timesteps) or (n, timesteps, 1) alike.
        timesteps, n_features = self.input_shape_
        return n_features == 1 and X.shape[1:] in ((timesteps,), (timesteps, 1))

    def _check_layout(self, X, *, reset):
        """Record the layout of covariate windows (``layout_``), or check
        that ``X``'s is the fitted one."""
        layout = getattr(X, "layout", None)
        if reset:
            self.layout_ = None if layout is None else layout.to_dict()
        elif layout is not None and layout.to_dict() != self.layout_:
            raise ValueError(
                f"X's windows have the covariate layout {layout}, but "
                f"{type(self).__name__} was fitted on {self._layout()}: cut them "
                "with the same target, future and static columns."
            )

    def _layout(self):
        """The :class:`~skrnn._layout.WindowLayout` of covariate windows
        (``layout_``), or None."""
        layout = getattr(self, "layout_", None)
        return None if layout is None else WindowLayout.from_dict(layout)

    def _target_features(self):
        """``target_features_``; for a model saved before it was recorded,
        the layout the docs then required: every feature, in order."""
        if hasattr(self, "target_features_"):
            return self.target_features_
        n_features = self.input_shape_[1]
        if self.n_outputs_ % n_features == 0:
            return np.arange(n_features)
        return np.full(1, -1)

    def _n_targets(self):
        """Target columns: the last axis of 3-D targets, else of 2-D targets
        of multivariate windows (or 1)."""
        if len(self.target_shape_) == 2:
            return self.target_shape_[1]
        if len(self.target_shape_) == 1 and self.input_shape_[1] > 1:
            return self.target_shape_[0]
        return 1
