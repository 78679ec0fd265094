"""Training data for Keras: arrays for small fits, batches gathered on demand
for large ones, and on TensorFlow an endless dataset reshuffled every pass.

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


def read_rows(X, rows, dtype=None):
    """``X[rows]`` as an ndarray, copied ``_SCAN_ROWS`` windows at a time, so
    that a panel's windows are gathered from its series a chunk at a time."""
    chunks = [
        np.asarray(X[rows[start : start + _SCAN_ROWS]], dtype=dtype)
        for start in range(0, len(rows), _SCAN_ROWS)
    ]
    if len(chunks) == 1:
        return chunks[0]
    return np.concatenate(chunks) if chunks else np.asarray(X[rows], dtype=dtype)


def complete_rows(X, y, layout=None):
    """Boolean mask of the rows whose window and target contain no NaN.

    With a covariate ``layout``, only the window's inputs count: not the
    values of targets and past covariates at its future steps, which the
    model does not see.
    """
    complete = ~np.isnan(y).any(axis=1)
    for start in range(0, len(X), _SCAN_ROWS):
        stop = start + _SCAN_ROWS
        windows = np.asarray(X[start:stop])
        missing = np.isnan(windows[:, : None if layout is None else layout.window])
        complete[start:stop] &= ~missing.any(axis=(1, 2))
        if layout is not None and layout.future:
            future = windows[:, layout.window :][:, :, list(layout.future)]
            complete[start:stop] &= ~np.isnan(future).any(axis=(1, 2))
    return complete


class Examples:
    """Windows and targets as the model trains on them: float32, and scaled
    by a :class:`~skrnn._scaling.WindowScaling` when one is given.

    Parameters
    ----------
    X : ndarray or PanelWindows of shape (n_samples, timesteps, n_features)
        Windows, typically a strided view; never copied whole.
    y : ndarray of shape (n_samples, n_outputs)
        Targets.
    scaling : WindowScaling or None, default=None
        Scales each window, and its targets, by the window's statistics.
    """

    def __init__(self, X, y, scaling=None):
        self.X, self.y, self.scaling = X, y, scaling

    @property
    def window_shape(self):
        return self.X.shape[1:]

    def take(self, rows):
        """``(windows, targets)`` of ``rows``, float32, ready for Keras."""
        if self.scaling is None:
            windows = np.asarray(self.X[rows], dtype=np.float32)
            return windows, self.y[rows].astype(np.float32)
        windows, statistics = self.scaling.windows(self.X[rows])
        return windows, self.scaling.targets(self.y[rows], statistics)


class WindowBatches(keras.utils.PyDataset):
    """Batches of ``examples.take(rows)``, gathered as they are read.

    Parameters
    ----------
    examples : Examples
        The windows and targets.
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
    first_epoch : int, default=0
        The epoch the first order is for: a ``partial_fit`` continues the
        sequence of orders rather than repeating its start.
    """

    def __init__(
        self, examples, sample_weight, rows, *, batch_size, shuffle, seed, first_epoch=0
    ):
        super().__init__()
        self.examples, self.sample_weight = examples, sample_weight
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._order = np.array(rows)
        self._rng = np.random.RandomState(None if seed is None else [seed, first_epoch])
        if shuffle:
            self._rng.shuffle(self._order)

    def __len__(self):
        return math.ceil(len(self._order) / self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        batch = self.examples.take(rows)
        if self.sample_weight is not None:
            batch += (self.sample_weight[rows].astype(np.float32),)
        return batch

    def on_epoch_end(self):
        if self.shuffle:
            self._rng.shuffle(self._order)


def fits_in_memory(examples, n_rows):
    """Whether a float32 copy of ``n_rows`` windows of ``examples`` is small."""
    n_bytes = n_rows * math.prod(examples.window_shape) * np.dtype(np.float32).itemsize
    return n_bytes <= MAX_COPY_BYTES


def repeated_batches(arrays, *, batch_size, seed, first_epoch=0, endless=True):
    """An endless ``tf.data.Dataset`` of the batches of ``arrays``: one pass
    over the rows after another, each pass in a new order fixed by
    ``(seed, epoch)``, or in time order if ``seed`` is None.

    Two things Keras does with arrays on TensorFlow are avoided here. Its
    shuffle draws one order and repeats it in every epoch once a global
    seed is set (its ``tf.random.shuffle`` is re-created with the same seed
    at each pass); here the order is a stateless shuffle seeded with the
    pass, so it differs between epochs and is the same in any process. And
    a finite dataset gets a new iterator every epoch, which costs tens of
    milliseconds an epoch (more than a short epoch's steps); an endless one
    read ``steps_per_epoch`` batches at a time keeps one iterator for the
    whole fit. Batches are gathered from whole-array tensors, as Keras does.

    Parameters
    ----------
    arrays : tuple of ndarray
        ``(x, y)`` or ``(x, y, sample_weight)``, equally long.
    batch_size : int
        Rows per batch; the last batch of a pass may be smaller.
    seed : int or None
        Seed of the orders; None serves the rows in time order.
    first_epoch : int, default=0
        The epoch of the first pass (``initial_epoch``).
    endless : bool, default=True
        If False, the dataset is one pass long and Keras iterates it afresh
        every epoch; the pass is then counted by a variable outside the
        dataset, so each epoch still gets its own order.
    """
    import tensorflow as tf

    n = len(arrays[0])
    n_full = n // batch_size * batch_size

    def order(epoch):
        rows = tf.range(n, dtype=tf.int64)
        if seed is None:
            return rows
        seeds = tf.stack([tf.constant(seed, tf.int64), epoch])
        return tf.random.experimental.stateless_shuffle(rows, seed=seeds)

    def batches(rows):
        full = tf.reshape(rows[:n_full], (-1, batch_size))
        batched = tf.data.Dataset.from_tensor_slices(full)
        if n_full < n:
            batched = batched.concatenate(tf.data.Dataset.from_tensors(rows[n_full:]))
        return batched

    def gather(rows, tensors):
        return tuple(tf.gather(tensor, rows) for tensor in tensors)

    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    if endless:
        epochs = tf.data.Dataset.counter(first_epoch)
    else:
        epoch = tf.Variable(first_epoch, dtype=tf.int64, trainable=False)
        epochs = tf.data.Dataset.range(1).map(lambda _: epoch.assign_add(1) - 1)
        # Nothing serialises the dataset, so its outside state is harmless.
        options.experimental_external_state_policy = (
            tf.data.experimental.ExternalStatePolicy.IGNORE
        )
    indices = epochs.map(order).flat_map(batches)
    if not endless:
        # flat_map hides the length Keras needs to count an epoch's steps.
        n_batches = -(-n // batch_size)
        indices = indices.apply(tf.data.experimental.assert_cardinality(n_batches))
    data = tf.data.Dataset.from_tensors(tuple(arrays)).repeat()
    dataset = tf.data.Dataset.zip((indices, data)).map(
        gather, num_parallel_calls=tf.data.AUTOTUNE
    )
    return dataset.with_options(options).prefetch(tf.data.AUTOTUNE)


def fit_inputs(
    examples,
    sample_weight,
    rows,
    *,
    batch_size,
    shuffle,
    seed,
    first_epoch=0,
    steps_per_execution=1,
):
    """``Model.fit`` keyword arguments that train on ``examples.take(rows)``.

    Small selections become float32 arrays. On TensorFlow they are served
    by an endless :func:`repeated_batches` (``steps_per_epoch`` batches an
    epoch) when ``steps_per_execution`` divides an epoch's batches (a
    compiled call of that many steps would otherwise run on into the next
    pass), else by a one-pass one if the shuffle is seeded (Keras's would
    repeat one order). Elsewhere Keras batches and shuffles them itself.
    Large selections become a
    :class:`WindowBatches`. ``first_epoch`` is the ``initial_epoch`` of the
    fit.
    """
    if not fits_in_memory(examples, len(rows)):
        batches = WindowBatches(
            examples,
            sample_weight,
            rows,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            first_epoch=first_epoch,
        )
        return {"x": batches}
    arrays = examples.take(rows)
    if sample_weight is not None:
        arrays += (sample_weight[rows].astype(np.float32),)
    n_batches = -(-len(rows) // batch_size)
    endless = n_batches % steps_per_execution == 0
    seeded = shuffle and seed is not None
    if keras.backend.backend() == "tensorflow" and (endless or seeded):
        if shuffle and seed is None:
            seed = int(np.random.randint(np.iinfo(np.int32).max))
        batches = repeated_batches(
            arrays,
            batch_size=batch_size,
            seed=seed if shuffle else None,
            first_epoch=first_epoch,
            endless=endless,
        )
        # Keras warns that it does not shuffle datasets: this one does.
        inputs = {"x": batches, "shuffle": False}
        if endless:
            inputs["steps_per_epoch"] = n_batches
        return inputs
    return {
        "x": arrays[0],
        "y": arrays[1],
        "sample_weight": arrays[2] if len(arrays) == 3 else None,
        "batch_size": batch_size,
        "shuffle": shuffle,
    }


def validation_data(examples, rows, *, batch_size):
    """``Model.fit``'s ``validation_data`` for ``examples.take(rows)``."""
    if fits_in_memory(examples, len(rows)):
        return examples.take(rows)
    return WindowBatches(
        examples, None, rows, batch_size=batch_size, shuffle=False, seed=None
    )
