"""Compiled training models, reused from one fit to the next.

Keras 3 on TensorFlow keeps ~11 MB alive for every model it trains (its
traced train function), even after ``keras.backend.clear_session()``; a
grid search trains hundreds. Building and compiling a model costs nothing
lasting, so each estimator still gets a model of its own (``model_``), but
the training runs on a *trainer*: a compiled model of the same architecture
and compile settings, borrowed from a pool. Before a fit, the trainer takes
the estimator's freshly initialised variables and an optimizer in its
initial state; after the fit, the estimator's model takes the trained
variables. A reused trainer also skips tracing (and XLA compilation).
"""

import contextlib
import json
import threading
from collections import OrderedDict

import keras
import numpy as np

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
