"""The epoch benchmark's stack written in JAX alone: the floor of XLA on the CPU.

SimpleRNN(40, 40) or LSTM(40, 40) + Dense(1), Huber loss and SGD with
momentum 0.9 (Keras's defaults: learning rate 0.01, delta 1), batch 32 with
the last short batch kept, as ``model.fit`` trains them. A whole epoch,
shuffle included, is one compiled call: one ``lax.scan`` over the batches
around the ``lax.scan`` over the time steps. No Keras, no callbacks, no
Python between batches: what is left is XLA's own time on this CPU, which
no wrapper around Keras can beat.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

LEARNING_RATE = 0.01
MOMENTUM = 0.9


def _init(key, cell, n_features, units):
    gates = 4 if cell == "LSTM" else 1
    glorot = jax.nn.initializers.glorot_uniform()
    orthogonal = jax.nn.initializers.orthogonal()
    params, width = [], n_features
    for n_units in units:
        key, k_in, k_rec = jax.random.split(key, 3)
        params.append(
            {
                "kernel": glorot(k_in, (width, gates * n_units)),
                "recurrent": orthogonal(k_rec, (n_units, gates * n_units)),
                "bias": jnp.zeros(gates * n_units),
            }
        )
        width = n_units
    key, k_out = jax.random.split(key)
    params.append({"kernel": glorot(k_out, (width, 1)), "bias": jnp.zeros(1)})
    return params


def _layer(cell, layer, sequence):
    """Run one recurrent layer over a time-major ``sequence``."""
    n_units = layer["recurrent"].shape[0]
    batch = sequence.shape[1]
    projected = sequence @ layer["kernel"] + layer["bias"]

    def simple_step(h, z):
        h = jnp.tanh(z + h @ layer["recurrent"])
        return h, h

    def lstm_step(carry, z):
        c, h = carry
        i, f, g, o = jnp.split(z + h @ layer["recurrent"], 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (c, h), h

    zeros = jnp.zeros((batch, n_units))
    if cell == "LSTM":
        _, outputs = jax.lax.scan(lstm_step, (zeros, zeros), projected)
    else:
        _, outputs = jax.lax.scan(simple_step, zeros, projected)
    return outputs


def _loss(params, cell, windows, targets):
    sequence = jnp.swapaxes(windows, 0, 1)
    for layer in params[:-1]:
        sequence = _layer(cell, layer, sequence)
    predictions = sequence[-1] @ params[-1]["kernel"] + params[-1]["bias"]
    error = jnp.abs(predictions - targets)
    return jnp.mean(jnp.where(error <= 1.0, 0.5 * error**2, error - 0.5))


def _sgd_step(cell, state, batch):
    params, velocity = state
    grads = jax.grad(_loss)(params, cell, *batch)
    velocity = jax.tree.map(
        lambda v, g: MOMENTUM * v - LEARNING_RATE * g, velocity, grads
    )
    params = jax.tree.map(lambda p, v: p + v, params, velocity)
    return (params, velocity), None


def _epoch_function(cell, n_samples, batch_size):
    n_full = n_samples // batch_size * batch_size

    @jax.jit
    def epoch(state, key, X, y):
        order = jax.random.permutation(key, n_samples)
        full = order[:n_full].reshape(-1, batch_size)

        def step(state, index):
            return _sgd_step(cell, state, (X[index], y[index]))

        state, _ = jax.lax.scan(step, state, full)
        if n_full < n_samples:
            rest = order[n_full:]
            state, _ = _sgd_step(cell, state, (X[rest], y[rest]))
        return state

    return epoch


def fit_epochs(cell, X, y, epochs, *, units=(40, 40), batch_size=32, seed=0):
    """Train for ``epochs``; return the time at the start and after each epoch."""
    X = jnp.asarray(X, dtype=jnp.float32)
    y = jnp.asarray(y, dtype=jnp.float32).reshape(len(y), -1)
    key = jax.random.PRNGKey(seed)
    ends = [time.perf_counter()]
    params = _init(key, cell, X.shape[2], units)
    state = (params, jax.tree.map(jnp.zeros_like, params))
    epoch = _epoch_function(cell, len(X), batch_size)
    for i in range(epochs):
        state = epoch(state, jax.random.fold_in(key, i), X, y)
        jax.block_until_ready(state)
        ends.append(time.perf_counter())
    return np.asarray(ends)
