"""Seeding: reproducible fits in any process, on any Keras backend."""

import contextlib
import random
from numbers import Integral

import keras
import numpy as np
from sklearn.utils import check_random_state


def int_seed(random_state):
    """An int seed from ``random_state``; None (fresh randomness) for None."""
    if isinstance(random_state, Integral):
        return int(random_state)
    if random_state is None:
        return None
    return int(check_random_state(random_state).randint(2**31 - 1))


class SeedSequence:
    """Hand out one explicit seed per layer, all derived from ``seed``.

    Keras initializers with ``seed=None`` draw from Python's global random
    state, which differs between worker processes; explicit seeds make a
    fit reproducible wherever it runs.
    """

    def __init__(self, seed):
        self._rng = np.random.RandomState(seed)

    def __call__(self):
        return int(self._rng.randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded(seed):
    """Seed Python, numpy and the Keras backend (shuffling) for a block.

    Python's and numpy's global random states are restored afterwards, so a
    seeded fit does not disturb the user's own random numbers. ``None``
    seeds nothing.
    """
    if seed is None:
        yield
        return
    python_state, numpy_state = random.getstate(), np.random.get_state()
    keras.utils.set_random_seed(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


class SeedEachEpoch(keras.callbacks.Callback):
    """Reseed the global random state that shuffles, before every epoch.

    On JAX Keras shuffles with numpy's global state, on PyTorch with
    torch's, and the first fit of a new model draws from it while building:
    without reseeding, a fit would depend on what ran before it in the
    process. (TensorFlow's shuffle is seeded when its dataset is made; and
    ``tf.random.set_seed`` would clear TensorFlow's kernel caches, slowing
    every epoch.)
    """

    def __init__(self, seed):
        super().__init__()
        self.seed = seed

    def on_epoch_begin(self, epoch, logs=None):
        seed = (self.seed + epoch) % 2**31
        random.seed(seed)
        np.random.seed(seed)
        if keras.backend.backend() == "torch":
            import torch

            torch.manual_seed(seed)
