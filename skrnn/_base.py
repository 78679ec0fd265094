"""The estimator behind RNNForecaster, LSTMForecaster and GRUForecaster."""

import contextlib
import dataclasses
import logging
from numbers import Integral, Real

import keras
import numpy as np
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from skrnn._batches import Examples, complete_rows, fit_inputs, validation_data
from skrnn._bounds import check_bounds, clip
from skrnn._compile import resolve_loss, resolve_metrics, resolve_optimizer
from skrnn._covariate_model import model_scaling
from skrnn._forecast import (
    is_pandas,
)
from skrnn._forecasting import ForecastMixin
from skrnn._inference import (
    PREDICT_BATCH_SIZE,
    make_predict_function,
)
from skrnn._layout import WindowLayout
from skrnn._model import build_model
from skrnn._model_bytes import pickle_model_state, unpickle_model_state
from skrnn._panel_windows import PanelWindows
from skrnn._random import SeedEachEpoch, seeded
from skrnn._scaling import (
    NORMALIZE_MODES,
    falls_to_zero,
    resolve_normalize,
    window_scaling,
)
from skrnn._scikeras_compat import KerasRegressorBase, route_params
from skrnn._target_layout import target_layout
from skrnn._trainers import TRAINERS, freeze
from skrnn._transforms import (
    TARGET_TRANSFORMS,
    forward,
    resolve_target_transform,
    with_target_transform,
)

# Training steps per compiled call when ``steps_per_execution="auto"``: fewer
# calls from Python into the backend; epoch-level callbacks are unaffected.
AUTO_STEPS_PER_EXECUTION = 32

# Training steps (batches x epochs) from which jit_compile="auto" turns on
# XLA on TensorFlow: below, compiling takes longer than it saves.
XLA_MIN_STEPS = 500

# Parameters of the training loop, not of the model or its compilation.
_TRAINING_LOOP_PARAMS = frozenset(
    {
        "batch_size",
        "epochs",
        "validation_fraction",
        "early_stopping",
        "patience",
        "shuffle",
        "missing",
        "callbacks",
        "random_state",
        "verbose",
    }
)

# Parameters applied to predictions only: trainers ignore them.
_INFERENCE_PARAMS = frozenset({"bounds"})

# Windows sampled to learn the scaling statistics: enough for stable means
# and deviations, bounded so a long series is never copied whole.
_SCALING_SAMPLE_SIZE = 20_000


@dataclasses.dataclass
class _TrainingData:
    """Validated windows and targets, with the rows to train and validate on."""

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    train_rows: np.ndarray
    validation_rows: np.ndarray


def _scaling_sample(rows):
    """At most ``_SCALING_SAMPLE_SIZE`` of ``rows``, evenly spread in time."""
    if len(rows) <= _SCALING_SAMPLE_SIZE:
        return rows
    return rows[np.linspace(0, len(rows) - 1, _SCALING_SAMPLE_SIZE).astype(int)]


@contextlib.contextmanager
def _quiet_retracing():
    """Silence TensorFlow's "excessive retracing" warning for the block.

    Every trainer traces its own train function once; TensorFlow counts the
    traces of all of them together and warns after five, wrongly.
    """
    if keras.backend.backend() != "tensorflow":
        yield
        return
    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


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


class BaseRecurrentForecaster(ForecastMixin, KerasRegressorBase):
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
        "normalize": [StrOptions(set(NORMALIZE_MODES)), None],
        "output_scale": [Interval(Real, 0, None, closed="neither")],
        "target_transform": [StrOptions({*TARGET_TRANSFORMS, "auto"}), None],
        "preprocessing": [None, callable],
        "postprocessing": [None, callable],
        "bounds": [None, tuple, list],
        "loss": [str, callable],
        "optimizer": [str, callable, keras.optimizers.Optimizer],
        "learning_rate": [None, Interval(Real, 0, None, closed="neither")],
        "metrics": [None, list, tuple],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
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
        normalize="auto",
        output_scale=1.0,
        target_transform=None,
        preprocessing=None,
        postprocessing=None,
        bounds=None,
        loss="huber",
        optimizer="adam",
        learning_rate=None,
        metrics=None,
        batch_size=32,
        epochs=100,
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
        self.normalize = normalize
        self.output_scale = output_scale
        self.target_transform = target_transform
        self.preprocessing = preprocessing
        self.postprocessing = postprocessing
        self.bounds = bounds
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.metrics = metrics
        self.batch_size = batch_size
        self.epochs = epochs
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
            self._train(data, epochs=self.epochs)
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
                data = self._prepare(X, y, sample_weight, reset=False)
            else:
                data = self._initialize(X, y, sample_weight)
            initial_epoch = getattr(self, "n_iter_", 0)
            self._train(data, epochs=1, initial_epoch=initial_epoch)
        return self

    def _initialize(self, X, y, sample_weight=None):
        """Validate the data, learn the scaling and build a compiled model.

        Used by :meth:`fit` and the first :meth:`partial_fit`. Returns the
        :class:`_TrainingData` to train on.
        """
        # Resolving loss and optimizer names first reports a typo before any
        # data or backend work.
        self._get_compile_kwargs()
        data = self._prepare(X, y, sample_weight, reset=True)
        layout = self._layout()
        self.target_transform_ = resolve_target_transform(
            self.target_transform, data.X, data.y, layout=layout, bounds=self.bounds
        )
        self.normalize_ = resolve_normalize(
            self.normalize,
            data.X.shape[2] if layout is None else len(layout.targets),
            panel=isinstance(data.X, PanelWindows) and len(data.X.series_keys) > 1,
            to_zero=layout is None and falls_to_zero(data.X),
            custom_layers=self.preprocessing is not None
            or self.postprocessing is not None,
        )
        # Windows of a panel know their targets; others show them in time order.
        known = getattr(data.X, "target_features", None)
        if layout is not None:
            self.target_features_ = np.array(layout.targets)
        elif known is not None and len(known) == self._n_targets():
            self.target_features_ = known
        else:
            self.target_features_ = target_layout(data.X, data.y, self.target_shape_)
        self._random_state = self._seed()
        windows = y_sample = None
        if self.normalize_ in ("global", "last") or layout is not None:
            sample = _scaling_sample(data.train_rows)
            windows = forward(self.target_transform_, data.X[sample])
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
        self.model_ = self._build_model(scaling, self._compile_settings(data))
        self._predict_function = make_predict_function(self.model_)
        self._rollout = (None, None)
        self._start_forecast_loop()
        self._optimizer_state = None
        return data

    def _build_model(self, scaling, compile_settings, *, seed=None):
        """A compiled Keras model for these parameters and fitted shapes.

        ``seed`` defaults to the fit's seed, so the initial weights follow
        ``random_state``.
        """
        units = _positive_int_tuple(self.units, "units")
        dense_units = (
            ()
            if not self.dense_units
            else _positive_int_tuple(self.dense_units, "dense_units")
        )
        model = build_model(
            cell=self._cell,
            input_shape=self.input_shape_,
            n_outputs=self.n_outputs_,
            units=units,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            conv_filters=self.conv_filters,
            kernel_size=self.kernel_size,
            dense_units=dense_units,
            scaling=scaling,
            output_scale=self.output_scale,
            preprocessing=self.preprocessing,
            postprocessing=self.postprocessing,
            layout=self._layout(),
            seed=self._random_state if seed is None else seed,
        )
        # compile__jit_compile and the like, when given, win over the settings.
        model.compile(**{**compile_settings, **self._get_compile_kwargs()})
        # A built optimizer saves and pickles with all its variables.
        model.optimizer.build(model.trainable_variables)
        return model

    def _trainer_key(self, compile_settings):
        """What makes two fits' trainers interchangeable: everything but the
        training-loop parameters, the seed and the learned statistics."""
        params = {
            name: freeze(value)
            for name, value in self.get_params().items()
            if name not in _TRAINING_LOOP_PARAMS
            and name not in _INFERENCE_PARAMS
            and not name.startswith(("fit__", "callbacks__"))
        }
        return (
            type(self),
            tuple(sorted(params.items())),
            self.input_shape_,
            self.n_outputs_,
            self.normalize_,
            # normalize="last" builds the input feature of each output in.
            freeze(self._target_features()),
            freeze(getattr(self, "layout_", None)),
            freeze(compile_settings),
        )

    def _build_trainer(self, compile_settings):
        scaling = model_scaling(
            self.normalize_,
            self.input_shape_[1],
            self.n_outputs_,
            self._target_features(),
            self._layout(),
        )
        return self._build_model(scaling, compile_settings, seed=0)

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

    def _prepare(self, X, y, sample_weight, *, reset):
        """Validate ``X, y`` and find the complete rows to train and validate on.

        ``X`` is not copied: a strided view from ``make_windows`` stays one.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target "
                "y is None: pass the values that follow each window, e.g. "
                "from make_windows."
            )
        X, y = self._validate_data(X, y, reset=reset)
        X = self._as_windows(X, reset=reset)
        self._check_layout(X, reset=reset)
        if reset:
            self.target_shape_ = y.shape[1:]
        elif y.shape[1:] != self.target_shape_:
            raise ValueError(
                f"y has rows of shape {y.shape[1:]}, but {type(self).__name__} "
                f"was fitted on rows of shape {self.target_shape_}."
            )
        y = y.reshape(len(y), -1)
        if reset:
            self.n_outputs_ = y.shape[1]
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, ensure_non_negative=True
            )
        complete = complete_rows(X, y, self._layout())
        n_skipped = int(len(X) - complete.sum())
        if n_skipped and self.missing == "raise":
            raise ValueError(
                f"{n_skipped} of {len(X)} samples have NaN in their window or "
                "target. Drop or fill them, or set missing='skip' to skip them."
            )
        if not complete.any():
            raise ValueError(
                f"All {len(X)} samples have NaN in their window or target; "
                "there is nothing to train on."
            )
        self.n_samples_skipped_ = n_skipped
        rows = np.flatnonzero(complete)
        n_train = len(rows) - self._n_validation(len(rows))
        return _TrainingData(X, y, sample_weight, rows[:n_train], rows[n_train:])

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

    def _n_validation(self, n_samples):
        """Size of the time-ordered validation tail."""
        n_validation = int(self.validation_fraction * n_samples)
        return n_validation if n_validation < n_samples else 0

    def _seed(self):
        """An int seed from ``random_state``; None (fresh randomness) for None."""
        if isinstance(self.random_state, Integral):
            return int(self.random_state)
        if self.random_state is None:
            return None
        return int(check_random_state(self.random_state).randint(2**31 - 1))

    def _preprocess(self, X):
        """``X`` as the scaling layers see it, after ``preprocessing``."""
        if self.preprocessing is None:
            return X
        return keras.ops.convert_to_numpy(
            self.preprocessing(keras.ops.convert_to_tensor(X))
        )

    def _get_compile_kwargs(self):
        """Keras ``compile`` arguments, with scikeras's parameter routing.

        ``optimizer__*``, ``loss__*`` and ``metrics__*`` parameters go to the
        optimizer, loss and metrics; ``compile__*`` to ``Model.compile``.
        """
        params = self.get_params()

        def routed(destination):
            return route_params(params, destination, pass_filter=set(), strict=False)

        optimizer_params = routed("optimizer")
        learning_rate = self.learning_rate
        if learning_rate is None and self.optimizer == "adam":
            learning_rate = self._adam_learning_rate
        if learning_rate is not None:
            optimizer_params.setdefault("learning_rate", learning_rate)
        return {
            "optimizer": resolve_optimizer(self.optimizer, optimizer_params),
            "loss": resolve_loss(self.loss, routed("loss")),
            "metrics": resolve_metrics(self.metrics, routed("metrics")),
            **routed("compile"),
        }

    def _compile_settings(self, data):
        """``jit_compile`` and ``steps_per_execution`` for ``Model.compile``."""
        n_batches = -(-len(data.train_rows) // self.batch_size)
        jit_compile = self.jit_compile
        if jit_compile == "auto":
            backend = keras.backend.backend()
            # XLA costs a few seconds of compilation, then saves 1-3 ms a
            # step on TensorFlow; JAX always compiles; torch runs eagerly.
            jit_compile = backend == "jax" or (
                backend == "tensorflow" and n_batches * self.epochs >= XLA_MIN_STEPS
            )
        steps = self.steps_per_execution
        torch = keras.backend.backend() == "torch"
        if steps == "auto":
            steps = 1 if torch else max(1, min(AUTO_STEPS_PER_EXECUTION, n_batches))
        elif torch and steps != 1:
            raise ValueError(
                f"steps_per_execution={steps}: Keras's PyTorch backend runs one "
                "step per call; use steps_per_execution='auto' or 1."
            )
        return {"jit_compile": jit_compile, "steps_per_execution": steps}

    def _train(self, data, *, epochs, initial_epoch=0):
        """Fit ``model_`` on ``data``'s training rows, validating on the tail."""
        examples = self._examples(data)
        settings = self._compile_settings(data)
        fit_kwargs = fit_inputs(
            examples,
            data.sample_weight,
            data.train_rows,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            seed=self._random_state,
            first_epoch=initial_epoch,
            steps_per_execution=settings["steps_per_execution"],
        )
        if len(data.validation_rows):
            fit_kwargs["validation_data"] = validation_data(
                examples, data.validation_rows, batch_size=self.batch_size
            )
        callbacks = self._callbacks()
        if self._random_state is not None and keras.backend.backend() != "tensorflow":
            callbacks.append(SeedEachEpoch(self._random_state))
        if self.early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if len(data.validation_rows) else "loss",
                    patience=self.patience,
                    restore_best_weights=True,
                )
            )
        fit_kwargs.update(
            epochs=initial_epoch + epochs,
            initial_epoch=initial_epoch,
            callbacks=callbacks,
            verbose=self.verbose,
        )
        # fit__* parameters win, as in scikeras.
        fit_kwargs.update(self._routed_fit_kwargs())
        with TRAINERS.borrow(
            self._trainer_key(settings), lambda: self._build_trainer(settings)
        ) as trainer:
            trainer.load(
                self.model_,
                getattr(self, "_optimizer_state", None) if initial_epoch else None,
            )
            try:
                # Seeded after the trainer is built: building one may draw
                # from the global random state that shuffling then uses.
                with seeded(self._random_state), _quiet_retracing():
                    history = trainer.model.fit(**fit_kwargs)
            finally:
                # Keras leaves the trainer on the callbacks, which are
                # parameters: they must not carry a model around.
                for callback in callbacks:
                    callback.set_model(None)
            self._optimizer_state = trainer.store(self.model_)
        self.history_ = self._merge_history(
            getattr(self, "history_", {}) if initial_epoch else {}, history.history
        )
        self.n_iter_ = len(self.history_["loss"])
        windows = data.X[data.validation_rows]
        self.validation_residuals_ = data.y[
            data.validation_rows
        ] - self._predict_windows(windows)
        self.validation_scales_ = self._output_scales(windows)

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

    def find_learning_rate(
        self, X, y, *, min_lr=1e-8, max_lr=1.0, num_steps=100, diverge_factor=4.0
    ):
        """Learning-rate range test: train with an exponentially growing rate.

        The course's sweep (``LearningRateScheduler(lambda epoch: 1e-8 *
        10 ** (epoch / 20))``), one batch per rate instead of one epoch: a
        fresh copy of the model trains one batch at each of ``num_steps``
        rates from ``min_lr`` to ``max_lr`` and records the loss. The
        estimator itself is left as it was (unfitted if it was).

        Parameters
        ----------
        X, y : array-like
            Windows and targets, as for :meth:`fit`.
        min_lr, max_lr : float, default=1e-8, 1.0
            First and last learning rate of the sweep.
        num_steps : int, default=100
            Number of rates (and training batches) in the sweep.
        diverge_factor : float, default=4.0
            Stop once the smoothed loss exceeds this multiple of its minimum.

        Returns
        -------
        result : ~skrnn.LearningRateFinder
            With ``lrs``, ``losses``, ``suggestion`` and ``plot()``.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn import RNNForecaster, make_windows
        >>> series = np.sin(np.arange(300) / 10)
        >>> X, y = make_windows(series, window=20)
        >>> model = RNNForecaster(units=4, optimizer="sgd", random_state=0)
        >>> sweep = model.find_learning_rate(X, y, min_lr=1e-4, num_steps=30)
        >>> bool(sweep.lrs[0] <= sweep.suggestion <= sweep.lrs[-1])
        True
        >>> hasattr(model, "model_")  # the estimator itself stays unfitted
        False
        """
        from skrnn._lr_finder import find_learning_rate

        return find_learning_rate(
            self,
            X,
            y,
            min_lr=min_lr,
            max_lr=max_lr,
            num_steps=num_steps,
            diverge_factor=diverge_factor,
        )

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
