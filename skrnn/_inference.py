"""Fast inference: one compiled forward pass per batch of windows.

``keras.Model.predict`` builds a data pipeline and callbacks on every call,
a fixed cost of ~100 ms on CPU. A forecaster calls ``predict`` often (grid
searches, recursive forecasts), so it calls a compiled function directly.
"""

import threading
from collections import OrderedDict

import keras
import numpy as np

# Rows per call: bounds the memory of one forward pass on long inputs.
PREDICT_BATCH_SIZE = 4096

# Windows per call of TensorFlow's compiled forecast loop, when there are
# several: larger batches run in slices of this size (the time per window
# is about flat from 16 windows up), smaller ones are padded to it.
ROLLOUT_BATCH = 64

# Iterations per call of TensorFlow's compiled forecast loop (the length of
# its output buffer); longer forecasts chain calls.
ROLLOUT_ITERATIONS = 512

# The same for a loop that reads future-known values: each iteration's are
# an input block, so a shorter buffer keeps the inputs of a call small.
AHEAD_ITERATIONS = 16

# Compiled forecast loops kept per process, least recently used dropped.
MAX_COMPILED_LOOPS = 16


class _Forward:
    """``model(x, training=False)`` as an object, not a closure.

    TensorFlow counts traces per code object and warns about "excessive
    retracing" once a grid search has built five models through the same
    function; an object per model is tracked on its own.
    """

    def __init__(self, model):
        self.model = model

    def __call__(self, x):
        return self.model(x, training=False)


def make_predict_function(model):
    """Return ``f(windows) -> outputs`` that runs ``model`` for inference.

    Parameters
    ----------
    model : keras.Model
        A built model taking ``(batch, timesteps, n_features)`` float32.

    Returns
    -------
    callable
        Takes a float32 numpy array, returns a float64 numpy array.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        spec = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
        forward = tf.function(_Forward(model), input_signature=[spec])
    elif backend == "jax":
        import jax

        @jax.jit
        def stateless_forward(trainable, non_trainable, x):
            outputs, _ = model.stateless_call(
                trainable, non_trainable, x, training=False
            )
            return outputs

        def forward(x):
            return stateless_forward(
                [v.value for v in model.trainable_variables],
                [v.value for v in model.non_trainable_variables],
                x,
            )
    else:
        forward = model.predict_on_batch

    def predict(windows):
        chunks = [
            keras.ops.convert_to_numpy(
                forward(windows[start : start + PREDICT_BATCH_SIZE])
            )
            for start in range(0, len(windows), PREDICT_BATCH_SIZE)
        ]
        return np.concatenate(chunks).astype(np.float64, copy=False)

    return predict


class _Rollout:
    """``n_chunks`` forecasts in a row, each fed back into the window.

    Without ``targets`` every feature of the window is forecast, and each
    chunk of outputs becomes its newest steps. With ``targets`` (a model
    whose windows hold covariates) the window holds ``past`` past steps and
    then future ones: each iteration appends the next ``chunk`` rows of
    ``ahead`` (the future-known values of the steps to come) and writes the
    outputs into the target columns of the ``chunk`` rows after the past.
    """

    def __init__(self, model, chunk, past=None, targets=None):
        self.model = model
        self.chunk = chunk
        self.past = past
        self.targets = None if targets is None else [int(j) for j in targets]

    @property
    def reads_ahead(self):
        return self.targets is not None

    def step(self, windows, outputs, ahead=None):
        """The next windows and this iteration's forecasts (batch, chunk, F)."""
        length, n_features = windows.shape[1], windows.shape[2]
        if self.targets is None:
            steps = keras.ops.reshape(outputs, (-1, self.chunk, n_features))
            return keras.ops.concatenate([windows, steps], axis=1)[:, -length:], steps
        steps = keras.ops.reshape(outputs, (-1, self.chunk, len(self.targets)))
        rows = keras.ops.concatenate([windows, ahead], axis=1)
        column = np.zeros(n_features, dtype=int)
        column[self.targets] = np.arange(len(self.targets))
        placed = keras.ops.take(steps, column.tolist(), axis=-1)
        placed = keras.ops.pad(
            placed, [[0, 0], [self.past, length - self.past], [0, 0]]
        )
        forecast = np.zeros((1, length + self.chunk, n_features), dtype=bool)
        forecast[:, self.past : self.past + self.chunk, self.targets] = True
        rows = keras.ops.where(forecast, placed, rows)
        return rows[:, self.chunk :], steps


class _TensorFlowRollout(_Rollout):
    """The loop as a TensorFlow function of the model's weights.

    The weights are arguments, not captured variables, so one compiled loop
    serves every model of the same architecture. ``size`` is the length of
    the output buffer (XLA needs a fixed one; the loop stops after
    ``n_chunks`` iterations, a runtime value), or None for ``n_chunks``.
    ``ahead`` holds one ``(batch, chunk, F)`` block per iteration (ignored
    without ``targets``).
    """

    def __init__(self, model, chunk, past=None, targets=None, size=None):
        super().__init__(model, chunk, past, targets)
        self.size = size

    def __call__(self, trainable, non_trainable, windows, n_chunks, ahead):
        import tensorflow as tf

        def body(i, windows, forecasts):
            outputs, _ = self.model.stateless_call(
                trainable, non_trainable, windows, training=False
            )
            rows = ahead[i] if self.reads_ahead else None
            windows, steps = self.step(windows, outputs, rows)
            return i + 1, windows, forecasts.write(i, steps)

        size = n_chunks if self.size is None else self.size
        forecasts = tf.TensorArray(tf.float32, size=size)
        _, windows, forecasts = tf.while_loop(
            lambda i, *_: i < n_chunks, body, (tf.constant(0), windows, forecasts)
        )
        return forecasts.stack(), windows


def _power_of_two(n):
    """The smallest power of two >= ``n`` (``n`` >= 1)."""
    return 1 << (int(n) - 1).bit_length()


def _in_buckets(loop):
    """Run ``loop`` with the batch and ``n_chunks`` rounded up to powers of two.

    JAX's ``lax.scan`` compiles, in ~0.5 s, for each number of iterations
    and batch size. Rounded up, forecasts of 20 to 32 steps, or
    calibrations on 65 to 128 windows, share one compiled loop; the padding
    costs at most twice the work of a few milliseconds.
    """

    def bucketed(windows, n_chunks, ahead):
        batch, padded_chunks = len(windows), _power_of_two(n_chunks)
        padded = np.resize(windows, (_power_of_two(batch), *windows.shape[1:]))
        if ahead is not None:
            ahead = _padded_blocks(ahead, padded_chunks, len(padded))
        return loop(padded, padded_chunks, ahead)[:n_chunks, :batch]

    return bucketed


def _padded_blocks(ahead, n_blocks, batch):
    """``ahead`` ``(n, batch_0, chunk, F)`` padded (with NaN) to ``n_blocks``
    blocks of ``batch`` rows."""
    ahead = ahead[:n_blocks, :batch]
    padded = np.full((n_blocks, batch, *ahead.shape[2:]), np.nan, np.float32)
    padded[: len(ahead), : ahead.shape[1]] = ahead
    return padded


class _CompiledLoops:
    """The XLA loops of one architecture, compiled in a background thread.

    XLA needs fixed shapes, so the loop is compiled for two batch sizes: 1
    (a forecast) and :data:`ROLLOUT_BATCH` (calibration origins and panels,
    run in slices of that size); the number of iterations is a runtime
    value up to :data:`ROLLOUT_ITERATIONS` a call (:data:`AHEAD_ITERATIONS`
    for a loop that reads future-known values, whose blocks are inputs),
    and longer forecasts chain calls. Compiling both takes ~1 s on a 2-core
    CPU; it starts as soon as the object is made (while the model trains)
    so that the first forecast finds it done. A model XLA cannot compile (a
    ``preprocessing`` function with an op it lacks) runs the plain
    TensorFlow loop, for good.
    """

    def __init__(self, model, chunk, past=None, targets=None):
        import tensorflow as tf

        rollout = _Rollout(model, chunk, past, targets)
        self._iterations = (
            AHEAD_ITERATIONS if rollout.reads_ahead else ROLLOUT_ITERATIONS
        )
        # One trace each (the batch size left open); XLA compiles per size.
        signature = [
            [tf.TensorSpec(v.shape, v.dtype) for v in model.trainable_variables],
            [tf.TensorSpec(v.shape, v.dtype) for v in model.non_trainable_variables],
            tf.TensorSpec((None, *model.input_shape[1:]), tf.float32),
            tf.TensorSpec((), tf.int32),
            tf.TensorSpec(None, tf.float32),
        ]
        self._xla = tf.function(
            _TensorFlowRollout(model, chunk, past, targets, self._iterations),
            input_signature=signature,
            jit_compile=True,
        )
        self._plain = tf.function(
            _TensorFlowRollout(model, chunk, past, targets),
            input_signature=signature,
        )
        self._block = (chunk, model.input_shape[-1]) if rollout.reads_ahead else None
        self._use_xla = True
        self._error = None
        weights = model_weights(model)
        shape = model.input_shape[1:]
        self._compiling = threading.Thread(
            target=self._compile,
            args=(
                weights,
                [np.zeros((n, *shape), np.float32) for n in (1, ROLLOUT_BATCH)],
            ),
            name="skrnn-compile-forecast-loop",
        )
        self._compiling.start()

    def _blocks(self, ahead, n_blocks, batch):
        """The ``ahead`` argument of one call: ``n_blocks`` blocks for
        ``batch`` windows, or a placeholder for a loop that reads none."""
        if self._block is None:
            return np.zeros(1, np.float32)
        if ahead is None:
            ahead = np.zeros((0, batch, *self._block), np.float32)
        return _padded_blocks(ahead, n_blocks, batch)

    def _compile(self, weights, windows):
        import tensorflow as tf

        try:
            for batch in windows:
                ahead = self._blocks(None, self._iterations, len(batch))
                self._xla(*weights, batch, tf.constant(1), ahead)
        except tf.errors.OpError:
            self._use_xla = False
        except Exception as error:  # reported by the first forecast
            self._error = error

    def __call__(self, weights, windows, n_chunks, ahead=None):
        """Forecasts of shape (n_chunks, batch, chunk, features), numpy."""
        import tensorflow as tf

        self._compiling.join()
        if self._error is not None:
            raise self._error
        if self._use_xla and len(windows):
            try:
                return self._run_xla(weights, windows, n_chunks, ahead)
            except tf.errors.OpError:
                self._use_xla = False
        blocks = self._blocks(ahead, n_chunks, len(windows))
        forecasts, _ = self._plain(*weights, windows, tf.constant(n_chunks), blocks)
        return forecasts.numpy()

    def _run_xla(self, weights, windows, n_chunks, ahead):
        import tensorflow as tf

        size = 1 if len(windows) == 1 else ROLLOUT_BATCH
        slices = []
        for start in range(0, len(windows), size):
            part = windows[start : start + size]
            batch = len(part)
            part = np.resize(part, (size, *part.shape[1:]))
            runs = []
            for done in range(0, n_chunks, self._iterations):
                n = min(self._iterations, n_chunks - done)
                blocks = None
                if ahead is not None:
                    blocks = ahead[done : done + n, start : start + size]
                blocks = self._blocks(blocks, self._iterations, size)
                forecasts, part = self._xla(*weights, part, tf.constant(n), blocks)
                runs.append(forecasts.numpy()[:n, :batch])
            slices.append(np.concatenate(runs))
        return np.concatenate(slices, axis=1)


class _LoopPool:
    """:class:`_CompiledLoops` by architecture key, least recently used
    dropped first; safe to share between threads."""

    def __init__(self, max_size=MAX_COMPILED_LOOPS):
        self.max_size = max_size
        self._loops = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make):
        with self._lock:
            loops = self._loops.pop(key, None)
            if loops is None:
                loops = make()
            self._loops[key] = loops
            while len(self._loops) > self.max_size:
                self._loops.popitem(last=False)
            return loops

    def clear(self):
        with self._lock:
            self._loops.clear()


LOOPS = _LoopPool()


def model_weights(model):
    """``model``'s trainable and non-trainable weights, as tensors."""
    return (
        [keras.ops.convert_to_tensor(v) for v in model.trainable_variables],
        [keras.ops.convert_to_tensor(v) for v in model.non_trainable_variables],
    )


def _tensorflow_loop(model, chunk, key, past, targets):
    """The compiled loops for ``model`` (shared by ``key`` when not None)."""

    def make():
        return _CompiledLoops(model, chunk, past, targets)

    targets = None if targets is None else tuple(int(j) for j in targets)
    loops = make() if key is None else LOOPS.get((key, chunk, past, targets), make)

    def loop(windows, n_chunks, ahead):
        return loops(model_weights(model), windows, n_chunks, ahead)

    return loop


def make_rollout_function(model, chunk, *, key=None, past=None, targets=None):
    """Return ``f(windows, n_chunks, ahead=None) -> forecasts`` running a
    compiled loop.

    Each of the ``n_chunks`` iterations runs ``model`` on the windows and
    feeds its outputs, ``chunk`` time steps, back into them. The whole loop
    is one compiled call on TensorFlow (``tf.while_loop``, with XLA where
    it compiles) and JAX (``lax.scan``); other backends call the model once
    per iteration. ``f`` reads the model's weights at each call.

    Without ``targets`` the model forecasts every feature of its windows,
    and its outputs become their newest steps. With ``targets`` (a model
    whose windows hold covariates: ``past`` past steps, then future ones)
    each iteration writes the outputs into the target columns of the
    ``chunk`` steps after the past, and the window moves ``chunk`` steps on,
    its newest steps taken from ``ahead`` (the future-known values of the
    steps to come; the target columns there are ignored).

    On TensorFlow the XLA loop starts compiling, in a background thread,
    when this function is called, and ``f`` waits for it: call it early
    (``fit`` does, before training) so that the first forecast finds it
    compiled. One compilation serves every ``n_chunks`` and batch size.

    Parameters
    ----------
    model : keras.Model
        Maps ``(batch, timesteps, n_features)`` to
        ``(batch, chunk * n_targets)``.
    chunk : int
        Time steps the model forecasts per call.
    key : hashable, default=None
        What makes two models' loops interchangeable (their architecture):
        on TensorFlow, models with equal keys share one compiled loop, so
        the fits of a grid search compile it once. None: never shared.
    past : int, default=None
        With ``targets``: the past steps of a window.
    targets : sequence of int, default=None
        The features the outputs continue (in the outputs' order); None
        for every feature, in order.

    Returns
    -------
    callable
        Takes float32 windows of shape ``(batch, timesteps, n_features)``,
        an int and, with ``targets``, ``ahead`` of shape ``(batch, n,
        n_features)``: the steps after the windows (NaN where fewer than
        ``n_chunks * chunk`` are given: the last windows need no more);
        returns float64 forecasts of shape ``(batch, n_chunks * chunk,
        n_targets)``.

    Examples
    --------
    A model that forecasts the mean of its window, fed back three times:

    >>> import keras
    >>> import numpy as np
    >>> from skrnn._inference import make_rollout_function
    >>> windows = keras.Input((4, 1))
    >>> mean = keras.layers.Flatten()(keras.layers.AveragePooling1D(4)(windows))
    >>> rollout = make_rollout_function(keras.Model(windows, mean), chunk=1)
    >>> rollout(np.array([[[1.0], [2.0], [3.0], [6.0]]], np.float32), 3)[0, :, 0]
    array([3.  , 3.5 , 3.875])
    """
    rollout = _Rollout(model, chunk, past, targets)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        loop = _tensorflow_loop(model, chunk, key, past, targets)
    elif backend == "jax":
        import functools

        import jax

        @functools.partial(jax.jit, static_argnums=3)
        def scan(trainable, non_trainable, windows, n_chunks, ahead):
            def body(windows, rows):
                outputs, _ = model.stateless_call(
                    trainable, non_trainable, windows, training=False
                )
                return rollout.step(windows, outputs, rows)

            return jax.lax.scan(body, windows, ahead, length=n_chunks)[1]

        @_in_buckets
        def loop(windows, n_chunks, ahead):
            return scan(
                [v.value for v in model.trainable_variables],
                [v.value for v in model.non_trainable_variables],
                windows,
                n_chunks,
                ahead,
            )
    else:

        def loop(windows, n_chunks, ahead):
            forecasts = []
            for i in range(n_chunks):
                outputs = model.predict_on_batch(windows)
                rows = None if ahead is None else ahead[i]
                windows, steps = rollout.step(windows, outputs, rows)
                forecasts.append(steps)
            return keras.ops.stack(forecasts)

    def forecast(windows, n_chunks, ahead=None):
        blocks = None
        if rollout.reads_ahead:
            # (batch, n_chunks * chunk, F) -> (n_chunks, batch, chunk, F)
            blocks = np.full((len(windows), n_chunks * chunk, windows.shape[2]), np.nan)
            given = np.asarray(ahead)[:, : n_chunks * chunk]
            blocks[:, : given.shape[1]] = given
            blocks = blocks.astype(np.float32).reshape(
                len(windows), n_chunks, chunk, -1
            )
            blocks = np.ascontiguousarray(np.moveaxis(blocks, 1, 0))
        # (n_chunks, batch, chunk, targets) -> (batch, n_chunks * chunk, targets)
        steps = keras.ops.convert_to_numpy(loop(windows, n_chunks, blocks))
        steps = np.moveaxis(steps, 0, 1)
        return steps.reshape(len(windows), -1, steps.shape[-1]).astype(np.float64)

    return forecast
