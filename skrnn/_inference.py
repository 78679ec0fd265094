"""Fast inference: one compiled forward pass per batch of windows.

``keras.Model.predict`` builds a data pipeline and callbacks on every call,
a fixed cost of ~100 ms on CPU. A forecaster calls ``predict`` often (grid
searches, recursive forecasts), so it calls a compiled function directly.
"""

import keras
import numpy as np

# Rows per call: bounds the memory of one forward pass on long inputs.
PREDICT_BATCH_SIZE = 4096


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

    def __call__(self, windows, n_chunks):
        import tensorflow as tf

        def body(i, windows, forecasts):
            windows, steps = self.step(windows, self.model(windows, training=False))
            return i + 1, windows, forecasts.write(i, steps)

        forecasts = tf.TensorArray(tf.float32, size=n_chunks)
        _, _, forecasts = tf.while_loop(
            lambda i, *_: i < n_chunks, body, (tf.constant(0), windows, forecasts)
        )
        return forecasts.stack()


def _power_of_two(n):
    """The smallest power of two >= ``n`` (``n`` >= 1)."""
    return 1 << (int(n) - 1).bit_length()


def _in_buckets(loop):
    """Run ``loop`` with the batch and ``n_chunks`` rounded up to powers of two.

    An XLA loop (TensorFlow with ``jit_compile``, JAX's ``lax.scan``)
    compiles, in ~0.5 s, for each number of iterations and batch size.
    Rounded up, forecasts of 20 to 32 steps, or calibrations on 65 to 128
    windows, share one compiled loop; the padding costs at most twice the
    work of a few milliseconds.
    """

    def bucketed(windows, n_chunks):
        batch = len(windows)
        padded = np.resize(windows, (_power_of_two(batch), *windows.shape[1:]))
        return loop(padded, _power_of_two(n_chunks))[:n_chunks, :batch]

    return bucketed


def _tensorflow_loop(rollout):
    """The rollout as an XLA-compiled ``tf.function``, or a plain one.

    XLA runs the loop 20-40 times faster (a 365-step forecast of a small
    model: ~10 ms against ~250 ms). A model XLA cannot compile (a
    ``preprocessing`` function with an op it lacks) falls back to the plain
    loop, for good.
    """
    import tensorflow as tf

    model = rollout.model
    spec = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
    plain = tf.function(rollout, input_signature=[spec, tf.TensorSpec((), tf.int32)])
    xla = _in_buckets(tf.function(rollout, jit_compile=True))
    use_xla = True

    def loop(windows, n_chunks):
        nonlocal use_xla
        if use_xla:
            try:
                return xla(windows, n_chunks)
            except tf.errors.OpError:
                use_xla = False
        return plain(windows, n_chunks)

    return loop


def make_rollout_function(model, chunk):
    """Return ``f(windows, n_chunks) -> forecasts`` running a compiled loop.

    Each of the ``n_chunks`` iterations runs ``model`` on the windows and
    appends its outputs, ``chunk`` time steps of every feature, to them. The
    whole loop is one compiled call on TensorFlow (``tf.while_loop``, with
    XLA where it compiles) and JAX (``lax.scan``); other backends call the
    model once per iteration.

    Parameters
    ----------
    model : keras.Model
        Maps ``(batch, timesteps, n_features)`` to
        ``(batch, chunk * n_features)``.
    chunk : int
        Time steps the model forecasts per call.

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
        loop = _tensorflow_loop(rollout)
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
