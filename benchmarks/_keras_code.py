"""Keras code written by hand: the course's way, and with skrnn's compile settings.

These are the baselines skrnn is measured against, so they follow the
course ("Sequences, Time Series and Prediction") line for line, in Keras 3
spelling, rather than skrnn's internals.
"""

import time
import warnings

import keras
import numpy as np

from benchmarks._data import BATCH_SIZE, SHUFFLE_BUFFER

CELLS = {"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM}


def windowed_dataset(series, window, batch_size=BATCH_SIZE, buffer=SHUFFLE_BUFFER):
    """The course's ``tf.data`` pipeline: shuffled (window, next value) batches."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window + 1, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda w: w.batch(window + 1))
    dataset = dataset.shuffle(buffer).map(lambda w: (w[:-1], w[-1]))
    return dataset.batch(batch_size).prefetch(1)


def course_forecast(model, series, window):
    """The course's ``model_forecast``: ``model.predict`` on every window."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda w: w.batch(window))
    with warnings.catch_warnings():
        # Keras learns a tf.data dataset's length by running out of it.
        warnings.simplefilter("ignore", UserWarning)
        return model.predict(dataset.batch(BATCH_SIZE).prefetch(1), verbose=0)


def course_model(cell, units=(40, 40), *, bidirectional=False, output_scale=None):
    """The course's model: 2-D windows in, expanded to one feature, a stack out."""
    layers = [
        keras.Input(shape=(None,)),
        keras.layers.Lambda(lambda x: keras.ops.expand_dims(x, axis=-1)),
    ]
    for i, n_units in enumerate(units):
        layer = cell(n_units, return_sequences=i < len(units) - 1)
        layers.append(keras.layers.Bidirectional(layer) if bidirectional else layer)
    layers.append(keras.layers.Dense(1))
    if output_scale is not None:
        layers.append(keras.layers.Lambda(lambda x: x * output_scale))
    return keras.Sequential(layers)


def hand_written_model(cell, window, units=(40, 40)):
    """The same stack on 3-D numpy windows, as a Keras user writes it."""
    layers = [keras.Input(shape=(window, 1))]
    for i, n_units in enumerate(units):
        layers.append(cell(n_units, return_sequences=i < len(units) - 1))
    layers.append(keras.layers.Dense(1))
    return keras.Sequential(layers)


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock time of each epoch of one ``fit``.

    An epoch runs from the end of the previous one, so data shuffling and
    any per-epoch work between callbacks count. The first epoch runs from
    the start of training and includes tracing and compilation.
    """

    def on_train_begin(self, logs=None):
        self.ends = [time.perf_counter()]

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append(time.perf_counter())

    @property
    def first_epoch(self):
        return self.ends[1] - self.ends[0]

    @property
    def per_epoch(self):
        """Median of the epochs after the first (the steady state)."""
        return float(np.median(np.diff(self.ends[1:])))
