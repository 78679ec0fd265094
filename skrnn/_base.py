"""The estimator behind RNNForecaster, LSTMForecaster and GRUForecaster."""

import contextlib
from numbers import Integral, Real

import keras
import numpy as np
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from skrnn._batches import Examples, complete_rows, read_rows
from skrnn._bounds import check_bounds, clip
from skrnn._combine import COMBINATIONS, check_combine
from skrnn._covariate_model import check_future_inputs, model_scaling
from skrnn._fitted_windows import FittedWindowsMixin
from skrnn._forecast import is_pandas
from skrnn._forecasting import ForecastMixin
from skrnn._inference import PREDICT_BATCH_SIZE, make_predict_function
from skrnn._lr_finder import LearningRateFinderMixin
from skrnn._model import build_model
from skrnn._model_bytes import pickle_model_state, unpickle_model_state
from skrnn._normalize_choice import decision_sample, resolve_normalize
from skrnn._random import int_seed
from skrnn._scaling import NORMALIZE_MODES, window_scaling
from skrnn._scikeras_compat import KerasRegressorBase
from skrnn._target_layout import fitted_target_features
from skrnn._trainers import (
    compile_kwargs,
    compile_settings,
    train,
    trainer_key,
)
from skrnn._training_data import prepare
from skrnn._transforms import (
    TARGET_TRANSFORMS,
    forward,
    resolve_target_transform,
    with_target_transform,
)


@contextlib.contextmanager
def _restore_on_failure(estimator):
    """Put ``estimator`` back as it was if the block raises (or is interrupted).

    ``fit`` only ever replaces attributes, never mutates them in place, so a
    shallow copy of ``__dict__`` is a full snapshot.
    """
    saved = dict(vars(estimator))
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(saved)
        raise


def _positive_int_tuple(value, name):
    """``units``-like parameters: an int or a non-empty sequence of ints >= 1."""
    values = (value,) if isinstance(value, Integral) else tuple(value)
    if not all(
        isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in values
    ):
        raise ValueError(
            f"{name} must be a positive int or a tuple of positive ints, got {value!r}."
        )
    return tuple(int(v) for v in values)


def _compiled_model(estimator, scaling, settings, *, seed=None):
    """A compiled Keras model for ``estimator``'s parameters and fitted shapes.

    ``seed`` defaults to the fit's seed, so the initial weights follow
    ``random_state``.
    """
    units = _positive_int_tuple(estimator.units, "units")
    dense_units = (
        ()
        if not estimator.dense_units
        else _positive_int_tuple(estimator.dense_units, "dense_units")
    )
    model = build_model(
        cell=estimator._cell,
        input_shape=estimator.input_shape_,
        n_outputs=estimator.n_outputs_,
        units=units,
        bidirectional=estimator.bidirectional,
        dropout=estimator.dropout,
        recurrent_dropout=estimator.recurrent_dropout,
        conv_filters=estimator.conv_filters,
        kernel_size=estimator.kernel_size,
        dense_units=dense_units,
        scaling=scaling,
        output_scale=estimator.output_scale,
        preprocessing=estimator.preprocessing,
        postprocessing=estimator.postprocessing,
        layout=estimator._layout(),
        target_lags=tuple(estimator.target_lags),
        lookahead=estimator.lookahead,
        seed=estimator._random_state if seed is None else seed,
    )
    # compile__jit_compile and the like, when given, win over the settings.
    model.compile(**{**settings, **compile_kwargs(estimator)})
    # A built optimizer saves and pickles with all its variables.
    model.optimizer.build(model.trainable_variables)
    return model


class BaseRecurrentForecaster(
    ForecastMixin, FittedWindowsMixin, LearningRateFinderMixin, KerasRegressorBase
):
    """Shared implementation of the recurrent forecasters.

    Subclasses set ``_cell`` to a Keras recurrent layer class and write the
    docstring; everything else lives here.
    """

    _cell = None
    # Adam's learning rate when ``learning_rate=None``, measured per cell.
    _adam_learning_rate = 0.001

    _parameter_constraints = {
        "units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "conv_filters": [None, Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "dense_units": [tuple, list],
        "target_lags": [tuple, list],
        "lookahead": ["boolean"],
        "normalize": [StrOptions(set(NORMALIZE_MODES)), None],
        "output_scale": [Interval(Real, 0, None, closed="neither")],
        "target_transform": [StrOptions({*TARGET_TRANSFORMS, "auto"}), None],
        "combine": [StrOptions({*COMBINATIONS, "auto"}), None],
        "season_length": [Interval(Integral, 1, None, closed="left")],
        "preprocessing": [None, callable],
        "postprocessing": [None, callable],
        "bounds": [None, tuple, list],
        "loss": [str, callable],
        "optimizer": [str, callable, keras.optimizers.Optimizer],
        "learning_rate": [None, Interval(Real, 0, None, closed="neither")],
        "metrics": [None, list, tuple],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "max_windows": [Interval(Integral, 1, None, closed="left"), None],
        "validation_fraction": [
            Interval(Real, 0, 1, closed="left"),
            HasMethods(["split", "get_n_splits"]),
        ],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "jit_compile": [StrOptions({"auto"}), "boolean"],
        "steps_per_execution": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "missing": [StrOptions({"skip", "raise"})],
        "callbacks": [None, list, keras.callbacks.Callback],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        units=32,
        *,
        bidirectional=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        conv_filters=None,
        kernel_size=3,
        dense_units=(),
        target_lags=(),
        lookahead=False,
        normalize="auto",
        output_scale=1.0,
        target_transform=None,
        combine=None,
        season_length=1,
        preprocessing=None,
        postprocessing=None,
        bounds=None,
        loss="huber",
        optimizer="adam",
        learning_rate=None,
        metrics=None,
        batch_size=32,
        epochs=100,
        max_windows=None,
        validation_fraction=0.1,
        early_stopping=True,
        patience=10,
        shuffle=True,
        jit_compile="auto",
        steps_per_execution="auto",
        missing="skip",
        callbacks=None,
        random_state=None,
        verbose=0,
        **routed_params,
    ):
        self.units = units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.dense_units = dense_units
        self.target_lags = target_lags
        self.lookahead = lookahead
        self.normalize = normalize
        self.output_scale = output_scale
        self.target_transform = target_transform
        self.combine = combine
        self.season_length = season_length
        self.preprocessing = preprocessing
        self.postprocessing = postprocessing
        self.bounds = bounds
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.metrics = metrics
        self.batch_size = batch_size
        self.epochs = epochs
        self.max_windows = max_windows
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.shuffle = shuffle
        self.jit_compile = jit_compile
        self.steps_per_execution = steps_per_execution
        self.missing = missing
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose
        self._set_routed_params(routed_params)

    def _validate_params(self):
        super()._validate_params()
        check_bounds(self.bounds)

    # ------------------------------------------------------------------ fit

    def fit(self, X, y, sample_weight=None):
        """Train a freshly initialised model on windows ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, timesteps, n_features) or \
                (n_samples, timesteps)
            Input windows; 2-D ``X`` holds univariate windows. Windows that
            contain NaN are skipped (see ``missing``).
        y : array-like of shape (n_samples,), (n_samples, n_outputs) or \
                (n_samples, horizon, n_targets)
            Targets. Rows that contain NaN are skipped.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each window in the loss.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        self._validate_params()
        with _restore_on_failure(self):
            data = self._initialize(X, y, sample_weight)
            train(self, data, epochs=self.epochs)
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one more epoch on ``X, y``, keeping the current weights.

        The first call initialises the model as :meth:`fit` does, including
        its scaling statistics; later calls keep them.

        Parameters
        ----------
        X : array-like of shape (n_samples, timesteps, n_features) or \
                (n_samples, timesteps)
            Input windows with the shape seen in the first call.
        y : array-like
            Targets with the shape seen in the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each window in the loss.

        Returns
        -------
        self : object
            The updated forecaster.
        """
        initialized = hasattr(self, "model_")
        if not initialized:
            self._validate_params()
        with _restore_on_failure(self):
            if initialized:
                data = prepare(self, X, y, sample_weight, reset=False)
            else:
                data = self._initialize(X, y, sample_weight)
            initial_epoch = getattr(self, "n_iter_", 0)
            train(self, data, epochs=1, initial_epoch=initial_epoch)
        return self

    def _initialize(self, X, y, sample_weight=None):
        """Validate the data, learn the scaling and build a compiled model.

        Used by :meth:`fit` and the first :meth:`partial_fit`. Returns the
        :class:`~skrnn._training_data.TrainingData` to train on.
        """
        # Resolving loss and optimizer names first reports a typo before any
        # data or backend work.
        compile_kwargs(self)
        # The seed comes first: it draws the subset of max_windows.
        self._random_state = int_seed(self.random_state)
        data = prepare(self, X, y, sample_weight, reset=True)
        layout = self._layout()
        targets, past = (
            (None, None) if layout is None else (layout.targets, layout.window)
        )
        n_targets = data.X.shape[2] if layout is None else len(layout.targets)
        check_combine(self.combine, data.X.shape[2], layout)
        check_future_inputs(self.target_lags, self.lookahead, layout)
        self.target_transform_ = resolve_target_transform(
            self.target_transform, data.X, data.y, layout=layout, bounds=self.bounds
        )
        self.normalize_ = resolve_normalize(
            self.normalize,
            # Read only when the values decide (one target, "auto").
            decision_sample(data.X, data.train_rows, targets, past)
            if self.normalize == "auto"
            and n_targets == 1
            and self.target_transform_ is None
            else None,
            n_targets=n_targets,
            log_space=self.target_transform_ is not None,
            custom_layers=self.preprocessing is not None
            or self.postprocessing is not None,
        )
        self.target_features_ = fitted_target_features(
            data.X, data.y, self.target_shape_, self._n_targets(), layout
        )
        windows = y_sample = None
        if self.normalize_ in ("global", "last") or layout is not None:
            sample = data.scaling_sample()
            windows = forward(self.target_transform_, read_rows(data.X, sample))
            y_sample = forward(self.target_transform_, data.y[sample])
            windows = self._preprocess(windows.astype(np.float32))
        scaling = model_scaling(
            self.normalize_,
            self.input_shape_[1],
            self.n_outputs_,
            self._target_features(),
            layout,
            windows,
            y_sample,
        )
        self.model_ = self._build_model(
            scaling, compile_settings(self, len(data.train_rows))
        )
        self._predict_function = make_predict_function(self.model_)
        self._rollout = (None, None)
        self._start_forecast_loop()
        self._optimizer_state = None
        return data

    def _build_model(self, scaling, settings, *, seed=None):
        """See :func:`_compiled_model`."""
        return _compiled_model(self, scaling, settings, seed=seed)

    def _trainer_key(self, compile_settings):
        """See :func:`skrnn._trainers.trainer_key`."""
        return trainer_key(self, compile_settings)

    def _window_scaling(self):
        """The float64 scaling outside the model: ``target_transform_``, then
        the per-window scaling of ``normalize_="window"``; or None."""
        scaling = window_scaling(
            self.normalize_,
            self.input_shape_[1],
            self.n_outputs_,
            self._target_features(),
            self._layout(),
        )
        # Fitted before target_transform existed: no transform.
        kind = getattr(self, "target_transform_", None)
        return with_target_transform(kind, scaling, bounds=self.bounds)

    def _examples(self, data):
        """``data``'s windows and targets as the model trains on them."""
        return Examples(data.X, data.y, self._window_scaling())

    def _predict_windows(self, windows):
        """The model's outputs ``(n, n_outputs)`` for complete ``windows``,
        a chunk at a time, in the series' units (before ``bounds``)."""
        scaling = self._window_scaling()
        outputs = np.empty((len(windows), self.n_outputs_))
        for start in range(0, len(windows), PREDICT_BATCH_SIZE):
            chunk = slice(start, start + PREDICT_BATCH_SIZE)
            if scaling is None:
                batch = np.asarray(windows[chunk], dtype=np.float32)
                outputs[chunk] = self._predict_function(batch)
            else:
                batch, statistics = scaling.windows(windows[chunk])
                outputs[chunk] = scaling.outputs(
                    self._predict_function(batch), statistics
                )
        return outputs

    def _preprocess(self, X):
        """``X`` as the scaling layers see it, after ``preprocessing``."""
        if self.preprocessing is None:
            return X
        return keras.ops.convert_to_numpy(
            self.preprocessing(keras.ops.convert_to_tensor(X))
        )

    # -------------------------------------------------------------- predict

    def predict(self, X):
        """Predict the targets of windows ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, timesteps, n_features) or \
                (n_samples, timesteps)
            Input windows shaped as in :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, \\*target_shape_)
            Predictions, float64. Rows whose window contains NaN are NaN.
            A pandas ``X`` gives a Series (one output) or DataFrame (one
            column per output) on ``X``'s index.
        """
        check_is_fitted(self)
        index = X.index if is_pandas(X) else None
        X = self._validated_windows(X)
        self._check_layout(X, reset=False)
        complete = complete_rows(X, np.zeros((len(X), 0)), self._layout())
        y_pred = np.full((len(X), self.n_outputs_), np.nan)
        if complete.any():
            y_pred[complete] = self._predict_windows(X[complete])
        y_pred = clip(y_pred, check_bounds(self.bounds))
        y_pred = y_pred.reshape(len(X), *self.target_shape_)
        if index is not None and y_pred.ndim <= 2:
            import pandas as pd

            if y_pred.ndim == 1:
                return pd.Series(y_pred, index=index)
            return pd.DataFrame(y_pred, index=index)
        return y_pred

    def score(self, X, y, sample_weight=None):
        """:math:`R^2` of the predictions, over rows where ``y`` and the
        prediction are both known.

        Parameters
        ----------
        X : array-like of shape (n_samples, timesteps, n_features) or \
                (n_samples, timesteps)
            Input windows.
        y : array-like
            True targets, shaped as in :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            :math:`R^2`, averaged uniformly over outputs.
        """
        y_pred = np.asarray(self.predict(X)).reshape(len(X), -1)
        y = self._check_target(y)
        if len(y) != len(y_pred):
            raise ValueError(
                f"X has {len(y_pred)} samples but y has {len(y)}: pass one "
                "target row per window."
            )
        y = y.reshape(len(y_pred), -1)
        known = ~(np.isnan(y).any(axis=1) | np.isnan(y_pred).any(axis=1))
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y_pred)[known]
        return r2_score(y[known], y_pred[known], sample_weight=sample_weight)

    # ------------------------------------------------------------- plumbing

    def __getstate__(self):
        # object.__getstate__ returns the live __dict__: copy before removing.
        state = dict(super().__getstate__())
        state.pop("_predict_function", None)
        state.pop("_rollout", None)
        # The model travels as .keras bytes, loaded back with the estimator's
        # own callables (a preprocessing function, a custom loss).
        return pickle_model_state(state)

    def __setstate__(self, state):
        state = unpickle_model_state(state)
        super().__setstate__(state)
        if "model_" in state:
            self._predict_function = make_predict_function(self.model_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
