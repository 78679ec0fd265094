"""Training data for Keras: arrays for small fits, batches gathered on demand
for large ones.

``make_windows`` returns a zero-copy strided view of the series, so a long
series costs O(length) memory, not O(length x window). Copying all windows
to float32 for Keras would undo that; above ``MAX_COPY_BYTES`` the windows
are gathered one batch at a time instead.
"""

import math

import keras
import numpy as np

# Window copies up to this size are handed to Keras as arrays, which it
# slices inside the compiled graph: faster than a Python batch generator.
MAX_COPY_BYTES = 64 * 2**20

# Rows per chunk when scanning windows for NaN, bounding the temporary mask.
_SCAN_ROWS = 2**16


def complete_rows(X, y):
    """Boolean mask of the rows whose window and target contain no NaN."""
    complete = ~np.isnan(y).any(axis=1)
    for start in range(0, len(X), _SCAN_ROWS):
        stop = start + _SCAN_ROWS
        complete[start:stop] &= ~np.isnan(X[start:stop]).any(axis=(1, 2))
    return complete


class WindowBatches(keras.utils.PyDataset):
    """Batches of ``X[rows]``, ``y[rows]`` cast to float32 as they are read.

    Parameters
    ----------
    X : ndarray of shape (n_samples, timesteps, n_features)
        Windows, typically a strided view; never copied whole.
    y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights.
    rows : ndarray of int
        The rows to serve, in time order.
    batch_size : int
        Rows per batch.
    shuffle : bool
        Serve the rows in a new random order every epoch.
    seed : int or None
        Seed of the shuffling.
    """

    def __init__(self, X, y, sample_weight, rows, *, batch_size, shuffle, seed):
        super().__init__()
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._order = np.array(rows)
        self._rng = np.random.RandomState(seed)
        if shuffle:
            self._rng.shuffle(self._order)

    def __len__(self):
        return math.ceil(len(self._order) / self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        batch = (self.X[rows].astype(np.float32), self.y[rows].astype(np.float32))
        if self.sample_weight is not None:
            batch += (self.sample_weight[rows].astype(np.float32),)
        return batch

    def on_epoch_end(self):
        if self.shuffle:
            self._rng.shuffle(self._order)


def fits_in_memory(X, n_rows):
    """Whether a float32 copy of ``n_rows`` windows of ``X`` is small."""
    n_bytes = n_rows * math.prod(X.shape[1:]) * np.dtype(np.float32).itemsize
    return n_bytes <= MAX_COPY_BYTES


def fit_inputs(X, y, sample_weight, rows, *, batch_size, shuffle, seed):
    """``Model.fit`` keyword arguments that train on ``X[rows]``, ``y[rows]``.

    Small selections become float32 arrays (Keras batches and shuffles them
    in the graph); large ones a :class:`WindowBatches`.
    """
    if fits_in_memory(X, len(rows)):
        return {
            "x": X[rows].astype(np.float32),
            "y": y[rows].astype(np.float32),
            "sample_weight": None
            if sample_weight is None
            else sample_weight[rows].astype(np.float32),
            "batch_size": batch_size,
            "shuffle": shuffle,
        }
    batches = WindowBatches(
        X, y, sample_weight, rows, batch_size=batch_size, shuffle=shuffle, seed=seed
    )
    return {"x": batches}


def validation_data(X, y, rows, *, batch_size):
    """``Model.fit``'s ``validation_data`` for ``X[rows]``, ``y[rows]``."""
    if fits_in_memory(X, len(rows)):
        return X[rows].astype(np.float32), y[rows].astype(np.float32)
    return WindowBatches(
        X, y, None, rows, batch_size=batch_size, shuffle=False, seed=None
    )
