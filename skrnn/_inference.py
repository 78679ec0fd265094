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
