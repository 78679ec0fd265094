"""scikeras's ``BaseWrapper``, made right for scikit-learn >= 1.6.

scikeras 0.13 predates scikit-learn 1.6, and under the current releases it:

- lists ``RegressorMixin`` right of the wrapper, so ``is_regressor()`` is
  false and the regressor tags are lost;
- declares its tags in ``_more_tags``, which scikit-learn no longer reads;
- sets ``n_features_in_`` to ``X.shape[1]``, the number of time steps, for
  3-D input;
- turns every public attribute into a parameter and prints a tab-separated
  ``repr``.

skrnn reaches scikeras only through this module: it keeps scikeras's
parameter routing (``optimizer__momentum=0.9``, ``loss__delta=2.0``,
``fit__shuffle=False``, ``callbacks=...``) and fixes the rest, so that
replacing scikeras means rewriting this file alone.
"""

import numpy as np
from scikeras._utils import route_params, unflatten_params
from scikeras.wrappers import BaseWrapper
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_array, get_tags
from sklearn.utils.validation import validate_data

from skrnn._input_errors import array_shape, check_numeric, naming_input
from skrnn._panel_windows import PanelWindows

__all__ = ["KerasRegressorBase", "route_params", "unflatten_params"]


class KerasRegressorBase(RegressorMixin, BaseWrapper):
    """A scikeras ``BaseWrapper`` regressor that follows scikit-learn >= 1.6.

    Subclasses declare their parameters in ``__init__`` as scikit-learn
    requires, take ``**routed_params`` for scikeras-style routed parameters
    and pass them to :meth:`_set_routed_params`.
    """

    # scikeras routes "<prefix>__<name>" parameters to these destinations.
    _routing_prefixes = BaseWrapper._routing_prefixes | {"callbacks"}

    def _set_routed_params(self, routed_params):
        """Store ``prefix__name=value`` parameters given to ``__init__``.

        They are accepted as they are, as scikit-learn requires of
        ``__init__``, and checked by :meth:`_validate_params` in ``fit``.
        """
        vars(self).update(routed_params)

    @classmethod
    def _declared_param_names(cls):
        return BaseEstimator._get_param_names.__func__(cls)

    def _extra_param_names(self):
        """Parameters given to ``__init__`` or ``set_params`` beyond the declared."""
        declared = self._declared_param_names()
        return sorted(
            name
            for name in vars(self)
            if name not in declared
            and not name.startswith("_")
            and not name.endswith("_")
        )

    def _get_param_names(self):
        """The ``__init__`` parameters, then the routed parameters set so far."""
        return [*self._declared_param_names(), *self._extra_param_names()]

    def _validate_params(self):
        """scikit-learn's parameter checks, then refuse unroutable extras."""
        super()._validate_params()
        for name in self._extra_param_names():
            prefix, sep, _ = name.partition("__")
            if not sep or prefix not in self._routing_prefixes:
                raise TypeError(
                    f"{type(self).__name__} got an unknown parameter {name!r}. "
                    f"Routed parameters start with one of "
                    f"{sorted(p + '__' for p in self._routing_prefixes)}; see "
                    f"{type(self).__name__}().get_params() for the others."
                )

    __repr__ = BaseEstimator.__repr__

    def _callbacks(self):
        """The user's ``callbacks``, ``callbacks__*`` and ``fit__callbacks``."""
        self._initialize_callbacks()
        callbacks = list(self._fit_callbacks)
        # scikeras keeps them on the estimator; they are not fitted state.
        del self._fit_callbacks, self._predict_callbacks
        return callbacks

    def _routed_fit_kwargs(self):
        """``fit__*`` parameters, for ``Model.fit``."""
        fit_kwargs = route_params(
            self.get_params(), destination="fit", pass_filter=set(), strict=False
        )
        return {k: v for k, v in fit_kwargs.items() if not k.startswith("callbacks")}

    @staticmethod
    def _merge_history(history, new):
        """``history`` extended by a Keras ``History.history``.

        Keys are Keras's (``"mae"``, ``"val_mae"``), not scikeras's full
        metric names, which it gave the training metrics only.
        """
        merged = {key: list(values) for key, values in history.items()}
        for key, values in new.items():
            merged.setdefault(key, []).extend(float(v) for v in values)
        return merged

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        # A few epochs on a few samples cannot promise a good score.
        tags.regressor_tags.poor_score = True
        return tags

    def _validate_data(self, X, y=None, *, reset=False):
        """Validate 2-D or 3-D ``X`` (and ``y``), setting ``n_features_in_``.

        ``n_features_in_`` is ``X.shape[1]`` for 2-D input, as scikit-learn
        expects, and the feature axis ``X.shape[2]`` for 3-D input.
        """
        finite = "allow-nan" if get_tags(self).input_tags.allow_nan else True
        params = {
            "allow_nd": True,
            "ensure_2d": False,
            # float32 input stays float32: no copy of a long strided view.
            "dtype": (np.float64, np.float32),
            "ensure_all_finite": finite,
            "ensure_min_samples": 1,
        }
        if array_shape(X)[:1] == (0,):
            raise ValueError(
                "X is empty (0 samples): pass at least one window. "
                "make_windows gives none when the series is not longer than "
                "the window."
            )
        check_numeric(X, "X")
        if y is not None:
            check_numeric(y, "y")
        with naming_input("X"):
            X = validate_data(
                self, X, reset=reset, skip_check_array=True, ensure_2d=False
            )
            # PanelWindows were checked when they were cut, and an array of
            # them would copy every window.
            if not isinstance(X, PanelWindows):
                X = check_array(X, input_name="X", **params)
        if y is not None:
            with naming_input("y"):
                y = check_array(y, input_name="y", **params)
            if len(X) != len(y):
                raise ValueError(
                    f"X has {len(X)} samples but y has {len(y)}: pass one "
                    "target row per window."
                )
        if X.ndim not in (2, 3):
            raise ValueError(
                f"Expected 2D array (n_samples, timesteps) or 3D array (n_samples, "
                f"timesteps, n_features) for X, got {X.ndim}D array of shape "
                f"{X.shape} instead. Reshape your data, or cut a series into "
                "windows with skrnn.make_windows or SlidingWindowTransformer."
            )
        if 0 in X.shape[1:]:
            raise ValueError(
                f"X has windows of shape {X.shape[1:]}: each window needs at "
                "least one time step and one feature."
            )
        n_features = X.shape[-1]
        if reset:
            self.n_features_in_ = n_features
        elif n_features != self.n_features_in_ and not self._same_windows(X):
            axis = "columns" if X.ndim == 2 else "features (last axis)"
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input: pass X "
                f"with the {axis} it was fitted on."
            )
        return X, y

    def _same_windows(self, X):
        """Whether ``X`` holds the fitted windows in another form, although
        its last axis differs (2-D and 3-D univariate windows)."""
        return False

    @staticmethod
    def _check_target(y):
        """Validate ``y`` on its own (for ``score``)."""
        check_numeric(y, "y")
        return check_array(
            y,
            ensure_2d=False,
            allow_nd=True,
            dtype=np.float64,
            input_name="y",
            ensure_all_finite="allow-nan",
        )
