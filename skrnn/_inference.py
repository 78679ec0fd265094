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
    """``n_chunks`` forecasts in a row, each fed back into the window."""

    def __init__(self, model, chunk):
        self.model = model
        self.chunk = chunk

    def step(self, windows, outputs):
        """Append the flat ``outputs`` to ``windows``, dropping the oldest."""
        timesteps, n_features = windows.shape[1], windows.shape[2]
        steps = keras.ops.reshape(outputs, (-1, self.chunk, n_features))
        return keras.ops.concatenate([windows, steps], axis=1)[:, -timesteps:], steps


class _TensorFlowRollout(_Rollout):
    """The loop as a TensorFlow function of the model's weights.

    The weights are arguments, not captured variables, so one compiled loop
    serves every model of the same architecture. ``size`` is the length of
    the output buffer (XLA needs a fixed one; the loop stops after
    ``n_chunks`` iterations, a runtime value), or None for ``n_chunks``.
    """

    def __init__(self, model, chunk, size=None):
        super().__init__(model, chunk)
        self.size = size

    def __call__(self, trainable, non_trainable, windows, n_chunks):
        import tensorflow as tf

        def body(i, windows, forecasts):
            outputs, _ = self.model.stateless_call(
                trainable, non_trainable, windows, training=False
            )
            windows, steps = self.step(windows, outputs)
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

    def bucketed(windows, n_chunks):
        batch = len(windows)
        padded = np.resize(windows, (_power_of_two(batch), *windows.shape[1:]))
        return loop(padded, _power_of_two(n_chunks))[:n_chunks, :batch]

    return bucketed


class _CompiledLoops:
    """The XLA loops of one architecture, compiled in a background thread.

    XLA needs fixed shapes, so the loop is compiled for two batch sizes: 1
    (a forecast) and :data:`ROLLOUT_BATCH` (calibration origins and panels,
    run in slices of that size); the number of iterations is a runtime
    value up to :data:`ROLLOUT_ITERATIONS` a call, and longer forecasts
    chain calls. Compiling both takes ~1 s on a 2-core CPU; it starts as
    soon as the object is made (while the model trains) so that the first
    forecast finds it done. A model XLA cannot compile (a ``preprocessing``
    function with an op it lacks) runs the plain TensorFlow loop, for good.
    """

    def __init__(self, model, chunk):
        import tensorflow as tf

        # One trace each (the batch size left open); XLA compiles per size.
        signature = [
            [tf.TensorSpec(v.shape, v.dtype) for v in model.trainable_variables],
            [tf.TensorSpec(v.shape, v.dtype) for v in model.non_trainable_variables],
            tf.TensorSpec((None, *model.input_shape[1:]), tf.float32),
            tf.TensorSpec((), tf.int32),
        ]
        self._xla = tf.function(
            _TensorFlowRollout(model, chunk, ROLLOUT_ITERATIONS),
            input_signature=signature,
            jit_compile=True,
        )
        self._plain = tf.function(
            _TensorFlowRollout(model, chunk), input_signature=signature
        )
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

    def _compile(self, weights, windows):
        import tensorflow as tf

        try:
            for batch in windows:
                self._xla(*weights, batch, tf.constant(1))
        except tf.errors.OpError:
            self._use_xla = False
        except Exception as error:  # reported by the first forecast
            self._error = error

    def __call__(self, weights, windows, n_chunks):
        """Forecasts of shape (n_chunks, batch, chunk, features), numpy."""
        import tensorflow as tf

        self._compiling.join()
        if self._error is not None:
            raise self._error
        if self._use_xla and len(windows):
            try:
                return self._run_xla(weights, windows, n_chunks)
            except tf.errors.OpError:
                self._use_xla = False
        forecasts, _ = self._plain(*weights, windows, tf.constant(n_chunks))
        return forecasts.numpy()

    def _run_xla(self, weights, windows, n_chunks):
        import tensorflow as tf

        size = 1 if len(windows) == 1 else ROLLOUT_BATCH
        slices = []
        for start in range(0, len(windows), size):
            part = windows[start : start + size]
            batch = len(part)
            part = np.resize(part, (size, *part.shape[1:]))
            runs = []
            for done in range(0, n_chunks, ROLLOUT_ITERATIONS):
                n = min(ROLLOUT_ITERATIONS, n_chunks - done)
                forecasts, part = self._xla(*weights, part, tf.constant(n))
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


def _tensorflow_loop(model, chunk, key):
    """The compiled loops for ``model`` (shared by ``key`` when not None)."""
    if key is None:
        loops = _CompiledLoops(model, chunk)
    else:
        loops = LOOPS.get((key, chunk), lambda: _CompiledLoops(model, chunk))

    def loop(windows, n_chunks):
        return loops(model_weights(model), windows, n_chunks)

    return loop


def make_rollout_function(model, chunk, *, key=None):
    """Return ``f(windows, n_chunks) -> forecasts`` running a compiled loop.

    Each of the ``n_chunks`` iterations runs ``model`` on the windows and
    appends its outputs, ``chunk`` time steps of every feature, to them. The
    whole loop is one compiled call on TensorFlow (``tf.while_loop``, with
    XLA where it compiles) and JAX (``lax.scan``); other backends call the
    model once per iteration. ``f`` reads the model's weights at each call.

    On TensorFlow the XLA loop starts compiling, in a background thread,
    when this function is called, and ``f`` waits for it: call it early
    (``fit`` does, before training) so that the first forecast finds it
    compiled. One compilation serves every ``n_chunks`` and batch size.

    Parameters
    ----------
    model : keras.Model
        Maps ``(batch, timesteps, n_features)`` to
        ``(batch, chunk * n_features)``.
    chunk : int
        Time steps the model forecasts per call.
    key : hashable, default=None
        What makes two models' loops interchangeable (their architecture):
        on TensorFlow, models with equal keys share one compiled loop, so
        the fits of a grid search compile it once. None: never shared.

    Returns
    -------
    callable
        Takes float32 windows of shape ``(batch, timesteps, n_features)``
        and an int; returns float64 forecasts of shape
        ``(batch, n_chunks * chunk, n_features)``.
    """
    rollout = _Rollout(model, chunk)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        loop = _tensorflow_loop(model, chunk, key)
    elif backend == "jax":
        import functools

        import jax

        @functools.partial(jax.jit, static_argnums=3)
        def scan(trainable, non_trainable, windows, n_chunks):
            def body(windows, _):
                outputs, _ = model.stateless_call(
                    trainable, non_trainable, windows, training=False
                )
                return rollout.step(windows, outputs)

            return jax.lax.scan(body, windows, None, length=n_chunks)[1]

        @_in_buckets
        def loop(windows, n_chunks):
            return scan(
                [v.value for v in model.trainable_variables],
                [v.value for v in model.non_trainable_variables],
                windows,
                n_chunks,
            )
    else:

        def loop(windows, n_chunks):
            forecasts = []
            for _ in range(n_chunks):
                windows, steps = rollout.step(windows, model.predict_on_batch(windows))
                forecasts.append(steps)
            return keras.ops.stack(forecasts)

    def forecast(windows, n_chunks):
        # (n_chunks, batch, chunk, features) -> (batch, n_chunks * chunk, features)
        steps = keras.ops.convert_to_numpy(loop(windows, n_chunks))
        steps = np.moveaxis(steps, 0, 1)
        return steps.reshape(len(windows), -1, steps.shape[-1]).astype(np.float64)

    return forecast
