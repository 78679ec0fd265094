"""The training engine: a fit's loop, its compile settings, and compiled
training models reused from one fit to the next.

Keras 3 on TensorFlow keeps ~11 MB alive for every model it trains (its
traced train function), even after ``keras.backend.clear_session()``; a
grid search trains hundreds. Building and compiling a model costs nothing
lasting, so each estimator still gets a model of its own (``model_``), but
the training runs on a *trainer*: a compiled model of the same architecture
and compile settings, borrowed from a pool. Before a fit, the trainer takes
the estimator's freshly initialised variables and an optimizer in its
initial state; after the fit, the estimator's model takes the trained
variables. A reused trainer also skips tracing (and XLA compilation).

:func:`train` runs an estimator's training loop on a borrowed trainer;
:func:`compile_kwargs` and :func:`compile_settings` turn its parameters
into ``Model.compile`` arguments.
"""

import contextlib
import json
import logging
import threading
from collections import OrderedDict

import keras
import numpy as np

from skrnn._batches import fit_inputs, validation_data
from skrnn._compile import resolve_loss, resolve_metrics, resolve_optimizer
from skrnn._covariate_model import model_scaling
from skrnn._random import SeedEachEpoch, seeded
from skrnn._scikeras_compat import route_params

# Idle trainers kept per process, least recently used dropped first.
MAX_IDLE_TRAINERS = 8


def _assign(targets, sources):
    for target, source in zip(targets, sources, strict=True):
        target.assign(source)


def _values(variables):
    return [v.numpy() for v in variables]


def freeze(value):
    """A hashable stand-in for a parameter value, equal for equal settings.

    Keras objects (optimizers, losses, metrics) compare by their serialised
    config; other callables by identity.
    """
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, freeze(v)) for k, v in value.items()))
    if hasattr(value, "get_config"):
        config = keras.saving.serialize_keras_object(value)
        return type(value), json.dumps(config, sort_keys=True, default=repr)
    if isinstance(value, np.ndarray):
        return value.dtype.str, value.shape, value.tobytes()
    return value


class Trainer:
    """A compiled model and the initial state of its optimizer."""

    def __init__(self, model):
        self.model = model
        self._initial_optimizer_state = _values(model.optimizer.variables)

    def load(self, model, optimizer_state=None):
        """Take ``model``'s variables and an optimizer state (initial if None)."""
        _assign(self.model.variables, [v.value for v in model.variables])
        _assign(
            self.model.optimizer.variables,
            optimizer_state or self._initial_optimizer_state,
        )

    def store(self, model):
        """Give the trained variables to ``model``; return the optimizer state."""
        _assign(model.variables, [v.value for v in self.model.variables])
        return _values(self.model.optimizer.variables)


class TrainerPool:
    """Idle :class:`Trainer` objects by key, safe to share between threads."""

    def __init__(self, max_idle=MAX_IDLE_TRAINERS):
        self.max_idle = max_idle
        self._idle = OrderedDict()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def borrow(self, key, build):
        """Lend a trainer for ``key``, made with ``build()`` if none is idle.

        The trainer returns to the pool only if the block succeeds; one
        interrupted mid-step is dropped.
        """
        with self._lock:
            trainer = self._idle.pop(key, None)
        if trainer is None:
            trainer = Trainer(build())
        yield trainer
        with self._lock:
            # One idle trainer per key: concurrent fits of one architecture
            # each build their own, and the spare is dropped.
            self._idle[key] = trainer
            self._idle.move_to_end(key)
            while len(self._idle) > self.max_idle:
                self._idle.popitem(last=False)

    def clear(self):
        """Drop every idle trainer."""
        with self._lock:
            self._idle.clear()


TRAINERS = TrainerPool()


# ---------------------------------------------------------------- a fit's loop
# What follows trains an estimator's model: its compile settings, the key
# of the trainers it can borrow, and the loop itself. The estimator owns its
# parameters and fitted state; these functions read them.

# Training steps per compiled call when ``steps_per_execution="auto"``: fewer
# calls from Python into the backend; epoch-level callbacks are unaffected.
AUTO_STEPS_PER_EXECUTION = 32

# Training steps (batches x epochs) from which jit_compile="auto" turns on
# XLA on TensorFlow: below, compiling takes longer than it saves.
XLA_MIN_STEPS = 500

# Parameters of the training loop, not of the model or its compilation.
TRAINING_LOOP_PARAMS = frozenset(
    {
        "batch_size",
        "epochs",
        "max_windows",
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
INFERENCE_PARAMS = frozenset({"bounds"})


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


def compile_kwargs(estimator):
    """Keras ``compile`` arguments, with scikeras's parameter routing.

    ``optimizer__*``, ``loss__*`` and ``metrics__*`` parameters go to the
    optimizer, loss and metrics; ``compile__*`` to ``Model.compile``.
    """
    params = estimator.get_params()

    def routed(destination):
        return route_params(params, destination, pass_filter=set(), strict=False)

    optimizer_params = routed("optimizer")
    learning_rate = estimator.learning_rate
    if learning_rate is None and estimator.optimizer == "adam":
        learning_rate = estimator._adam_learning_rate
    if learning_rate is not None:
        optimizer_params.setdefault("learning_rate", learning_rate)
    return {
        "optimizer": resolve_optimizer(estimator.optimizer, optimizer_params),
        "loss": resolve_loss(estimator.loss, routed("loss")),
        "metrics": resolve_metrics(estimator.metrics, routed("metrics")),
        **routed("compile"),
    }


def compile_settings(estimator, n_train):
    """``jit_compile`` and ``steps_per_execution`` for ``Model.compile``,
    training on ``n_train`` rows."""
    n_batches = -(-n_train // estimator.batch_size)
    jit_compile = estimator.jit_compile
    if jit_compile == "auto":
        backend = keras.backend.backend()
        # XLA costs a few seconds of compilation, then saves 1-3 ms a
        # step on TensorFlow; JAX always compiles; torch runs eagerly.
        jit_compile = backend == "jax" or (
            backend == "tensorflow" and n_batches * estimator.epochs >= XLA_MIN_STEPS
        )
    steps = estimator.steps_per_execution
    torch = keras.backend.backend() == "torch"
    if steps == "auto":
        steps = 1 if torch else max(1, min(AUTO_STEPS_PER_EXECUTION, n_batches))
    elif torch and steps != 1:
        raise ValueError(
            f"steps_per_execution={steps}: Keras's PyTorch backend runs one "
            "step per call; use steps_per_execution='auto' or 1."
        )
    return {"jit_compile": jit_compile, "steps_per_execution": steps}


def trainer_key(estimator, settings):
    """What makes two fits' trainers interchangeable: everything but the
    training-loop parameters, the seed and the learned statistics."""
    params = {
        name: freeze(value)
        for name, value in estimator.get_params().items()
        if name not in TRAINING_LOOP_PARAMS
        and name not in INFERENCE_PARAMS
        and not name.startswith(("fit__", "callbacks__"))
    }
    return (
        type(estimator),
        tuple(sorted(params.items())),
        estimator.input_shape_,
        estimator.n_outputs_,
        estimator.normalize_,
        # normalize="last" builds the input feature of each output in.
        freeze(estimator._target_features()),
        freeze(getattr(estimator, "layout_", None)),
        freeze(settings),
    )


def build_trainer(estimator, settings):
    """A compiled model of ``estimator``'s architecture, statistics unset."""
    scaling = model_scaling(
        estimator.normalize_,
        estimator.input_shape_[1],
        estimator.n_outputs_,
        estimator._target_features(),
        estimator._layout(),
    )
    return estimator._build_model(scaling, settings, seed=0)


def _fit_callbacks(estimator, has_validation):
    callbacks = estimator._callbacks()
    seed = estimator._random_state
    if seed is not None and keras.backend.backend() != "tensorflow":
        callbacks.append(SeedEachEpoch(seed))
    if estimator.early_stopping:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss" if has_validation else "loss",
                patience=estimator.patience,
                restore_best_weights=True,
            )
        )
    return callbacks


def train(estimator, data, *, epochs, initial_epoch=0):
    """Fit ``estimator.model_`` on ``data``'s training rows on a borrowed
    trainer, validating on its validation rows; record the history and the
    validation residuals."""
    examples = estimator._examples(data)
    settings = compile_settings(estimator, len(data.train_rows))
    fit_kwargs = fit_inputs(
        examples,
        data.sample_weight,
        data.train_rows,
        batch_size=estimator.batch_size,
        shuffle=estimator.shuffle,
        seed=estimator._random_state,
        first_epoch=initial_epoch,
        steps_per_execution=settings["steps_per_execution"],
    )
    if len(data.validation_rows):
        fit_kwargs["validation_data"] = validation_data(
            examples, data.validation_rows, batch_size=estimator.batch_size
        )
    callbacks = _fit_callbacks(estimator, len(data.validation_rows) > 0)
    fit_kwargs.update(
        epochs=initial_epoch + epochs,
        initial_epoch=initial_epoch,
        callbacks=callbacks,
        verbose=estimator.verbose,
    )
    # fit__* parameters win, as in scikeras.
    fit_kwargs.update(estimator._routed_fit_kwargs())
    with TRAINERS.borrow(
        trainer_key(estimator, settings), lambda: build_trainer(estimator, settings)
    ) as trainer:
        trainer.load(
            estimator.model_,
            getattr(estimator, "_optimizer_state", None) if initial_epoch else None,
        )
        try:
            # Seeded after the trainer is built: building one may draw
            # from the global random state that shuffling then uses.
            with seeded(estimator._random_state), _quiet_retracing():
                history = trainer.model.fit(**fit_kwargs)
        finally:
            # Keras leaves the trainer on the callbacks, which are
            # parameters: they must not carry a model around.
            for callback in callbacks:
                callback.set_model(None)
        estimator._optimizer_state = trainer.store(estimator.model_)
    estimator.history_ = estimator._merge_history(
        getattr(estimator, "history_", {}) if initial_epoch else {}, history.history
    )
    estimator.n_iter_ = len(estimator.history_["loss"])
    windows = data.X[data.validation_rows]
    estimator.validation_residuals_ = data.y[
        data.validation_rows
    ] - estimator._predict_windows(windows)
    estimator.validation_scales_ = estimator._output_scales(windows)
