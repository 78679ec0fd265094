"""The course's stacks written in TensorFlow alone: the floor of a short fit.

SimpleRNN or LSTM layers (optionally Bidirectional) + Dense(1), Huber loss
and SGD with momentum 0.9 (Keras's defaults: learning rate 0.01, delta 1),
batch 32 with the last short batch kept, as ``model.fit`` trains them. No
Keras anywhere: the cells are a few matrix products, and a whole epoch,
its batches in a ``tf.while_loop``, is one ``tf.function`` call. What a
short fit costs here is what TensorFlow itself costs: tracing the epoch
into a graph, optimising it, and running it. No wrapper around Keras's
trainer, which traces far more Python, can do better.

The time steps are unrolled for SimpleRNN (a small graph, quick to trace)
and looped for LSTM (unrolled, the Bidirectional LSTM's graph takes longer
to trace than its loop takes to run), whichever was faster on this
machine; autograph is off, since the code is already graph-ready.
"""

import time

import numpy as np

LEARNING_RATE = 0.01
MOMENTUM = 0.9


def _glorot(rng, shape):
    limit = np.sqrt(6 / sum(shape))
    return rng.uniform(-limit, limit, shape).astype(np.float32)


def _orthogonal(rng, shape):
    q, r = np.linalg.qr(rng.normal(size=(shape[1], shape[0])))
    return (q * np.sign(np.diag(r))).T.astype(np.float32)


def _init(rng, cell, n_features, units, directions):
    """Kernels, recurrent kernels and biases of every layer and direction."""
    gates = 4 if cell == "LSTM" else 1
    layers, width = [], n_features
    for n_units in units:
        layers.append(
            [
                (
                    _glorot(rng, (width, gates * n_units)),
                    _orthogonal(rng, (n_units, gates * n_units)),
                    np.zeros(gates * n_units, np.float32),
                )
                for _ in range(directions)
            ]
        )
        width = n_units * directions
    return layers, (_glorot(rng, (width, 1)), np.zeros(1, np.float32))


def fit_epochs(
    cell,
    X,
    y,
    epochs,
    *,
    units=(40, 40),
    bidirectional=False,
    batch_size=32,
    seed=0,
):
    """Train for ``epochs``; return the time at the start and after each epoch."""
    import tensorflow as tf

    ends = [time.perf_counter()]
    rng = np.random.default_rng(seed)
    directions = 2 if bidirectional else 1
    lstm = cell == "LSTM"
    unroll = not lstm
    layers, head = _init(rng, cell, X.shape[2], units, directions)
    layers = [[tuple(map(tf.Variable, weights)) for weights in ls] for ls in layers]
    head = tuple(map(tf.Variable, head))
    variables = [v for ls in layers for weights in ls for v in weights] + list(head)
    velocities = [tf.Variable(tf.zeros_like(v)) for v in variables]
    X = tf.constant(np.asarray(X, np.float32))
    y = tf.constant(np.asarray(y, np.float32).reshape(len(y), -1))
    n_samples, n_steps = X.shape[0], X.shape[1]
    n_batches = -(-n_samples // batch_size)

    def step(x, h, c, kernel, recurrent, bias):
        z = x @ kernel + h @ recurrent + bias
        if not lstm:
            return tf.tanh(z), c
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        return tf.sigmoid(o) * tf.tanh(c), c

    def layer(sequence, weights, reverse, return_sequences):
        """One direction of one layer over a batch-major ``sequence``."""
        n_units = weights[1].shape[0]
        h = c = tf.zeros((tf.shape(sequence)[0], n_units))
        order = range(n_steps - 1, -1, -1) if reverse else range(n_steps)
        if unroll:
            inputs, outputs = tf.unstack(sequence, axis=1), [None] * n_steps
            for t in order:
                h, c = step(inputs[t], h, c, *weights)
                outputs[t] = h
            return tf.stack(outputs, axis=1) if return_sequences else h
        inputs = tf.transpose(sequence, (1, 0, 2))
        if reverse:
            inputs = tf.reverse(inputs, [0])
        outputs = tf.TensorArray(tf.float32, size=n_steps)

        def body(t, h, c, outputs):
            h, c = step(inputs[t], h, c, *weights)
            return t + 1, h, c, outputs.write(t, h)

        _, h, c, outputs = tf.while_loop(
            lambda t, *_: t < n_steps, body, (0, h, c, outputs)
        )
        if not return_sequences:
            return h
        outputs = outputs.stack()
        if reverse:
            outputs = tf.reverse(outputs, [0])
        return tf.transpose(outputs, (1, 0, 2))

    def loss(windows, targets):
        sequence = windows
        for depth, directions_weights in enumerate(layers):
            last = depth == len(layers) - 1
            outputs = [
                layer(sequence, weights, reverse=d == 1, return_sequences=not last)
                for d, weights in enumerate(directions_weights)
            ]
            sequence = tf.concat(outputs, axis=-1)
        error = tf.abs(sequence @ head[0] + head[1] - targets)
        quadratic = tf.minimum(error, 1.0)
        return tf.reduce_mean(0.5 * quadratic**2 + error - quadratic)

    @tf.function(autograph=False)
    def epoch(order):
        windows, targets = tf.gather(X, order), tf.gather(y, order)

        def body(i, total):
            rows = slice(i * batch_size, (i + 1) * batch_size)
            with tf.GradientTape() as tape:
                value = loss(windows[rows], targets[rows])
            grads = tape.gradient(value, variables)
            for variable, velocity, grad in zip(variables, velocities, grads):
                velocity.assign(MOMENTUM * velocity - LEARNING_RATE * grad)
                variable.assign_add(velocity)
            return i + 1, total + value

        _, total = tf.while_loop(lambda i, _: i < n_batches, body, (0, 0.0))
        return total / n_batches

    for _ in range(epochs):
        float(epoch(tf.constant(rng.permutation(n_samples), tf.int32)))
        ends.append(time.perf_counter())
    return np.asarray(ends)
