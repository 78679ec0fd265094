"""Per-epoch training time of SimpleRNN(40, 40) and LSTM(40, 40) + Dense(1).

Three ways to train the same stack on the course's 980 training windows
(batch 32, Huber loss, SGD with momentum 0.9):

- course-style Keras: the course's ``tf.data`` window pipeline and a
  default ``compile`` (TensorFlow only);
- hand-written Keras on numpy windows, compiled with the settings the
  fitted skrnn estimator chose (``jit_compile``, ``steps_per_execution``):
  the wrapper's overhead is skrnn's time over this one;
- skrnn's ``RNNForecaster`` / ``LSTMForecaster``, unseeded as the issue
  writes them, and again with ``random_state=0`` (reproducible training).

Run under ``KERAS_BACKEND=jax`` it measures the last two on JAX, and a
fourth: the same stack and training written in JAX alone, a whole epoch in
one compiled ``lax.scan`` (:mod:`benchmarks._jax_code`), the floor of XLA
on this CPU that no code around Keras can beat. Each
variant runs three times, in turn with the others and in a rotating
order; the table keeps the median run of each.

Short fits (:func:`short_fits`) time whole fits, tracing and compiling
included, of the course's two stacks (SimpleRNN(40, 40) and two
Bidirectional LSTM(32) layers): 6 epochs by the course's code, by skrnn
and by plain Keras compiled as skrnn compiles a short fit (the floor of
Keras's trainer) and, on TensorFlow, by TensorFlow alone without Keras
(:mod:`benchmarks._tf_code`, the floor of TensorFlow itself); and 30 epochs
by skrnn, each the first fit of its kind in the process.
"""

import time
import warnings
from collections import defaultdict
from functools import partial

import keras
import numpy as np

from benchmarks._common import main, median_run, progress
from benchmarks._data import BATCH_SIZE, SPLIT_TIME, WINDOW
from benchmarks._keras_code import (
    CELLS,
    EpochTimer,
    course_model,
    hand_written_model,
    windowed_dataset,
)
from skrnn import LSTMForecaster, RNNForecaster, make_windows
from skrnn.datasets import make_synthetic_series

FORECASTERS = {"SimpleRNN": RNNForecaster, "LSTM": LSTMForecaster}
HAND = "hand-written Keras"
TF_ALONE = "TensorFlow alone"
ROUNDS = 3
# What hand-written Keras copies from the skrnn fit (columns of its row).
COMPILE_SETTINGS = ("jit_compile", "steps_per_execution", "batch_size")


def _row(cell, variant, timer, start, end, epochs, **settings):
    """A table row; ``start`` and ``end`` bracket everything the user runs."""
    return {
        "cell": cell,
        "variant": variant,
        "backend": keras.backend.backend(),
        "epochs": epochs,
        "per_epoch_s": timer.per_epoch,
        "first_epoch_s": timer.first_epoch,
        "fit_s": end - start,
        # Outside the epochs: validation, building, compiling, clean-up.
        "before_training_s": timer.ends[0] - start,
        "after_training_s": end - timer.ends[-1],
        **settings,
    }


def course_style(cell, train_series, epochs):
    keras.utils.set_random_seed(0)
    model = course_model(CELLS[cell])
    model.compile(
        loss=keras.losses.Huber(), optimizer=keras.optimizers.SGD(momentum=0.9)
    )
    timer = EpochTimer()
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Keras notes that a tf.data dataset is shuffled by itself and that
        # its length is unknown until the first epoch ends: both as intended.
        warnings.simplefilter("ignore", UserWarning)
        model.fit(
            windowed_dataset(train_series, WINDOW),
            epochs=epochs,
            callbacks=[timer],
            verbose=0,
        )
    return _row(
        cell,
        "course-style Keras",
        timer,
        start,
        time.perf_counter(),
        epochs,
        jit_compile=bool(model.jit_compile),
        steps_per_execution=int(model.steps_per_execution),
        batch_size=BATCH_SIZE,
    )


def skrnn_estimator(cell, X, y, epochs, random_state=None):
    timer = EpochTimer()
    estimator = FORECASTERS[cell](
        units=(40, 40),
        normalize=None,
        loss="huber",
        optimizer="sgd",
        optimizer__momentum=0.9,
        early_stopping=False,
        validation_fraction=0,
        epochs=epochs,
        callbacks=[timer],
        random_state=random_state,
    )
    start = time.perf_counter()
    estimator.fit(X, y)
    end = time.perf_counter()
    settings = {
        "jit_compile": bool(estimator.model_.jit_compile),
        "steps_per_execution": int(estimator.model_.steps_per_execution),
        "batch_size": int(estimator.batch_size),
    }
    variant = "skrnn" if random_state is None else f"skrnn, random_state={random_state}"
    return _row(cell, variant, timer, start, end, epochs, **settings)


def hand_written(cell, X, y, epochs, *, jit_compile, steps_per_execution, batch_size):
    """Everything a user would write, timed like ``fit``: build, compile, fit."""
    start = time.perf_counter()
    keras.utils.set_random_seed(0)
    model = hand_written_model(CELLS[cell], WINDOW)
    model.compile(
        loss=keras.losses.Huber(),
        optimizer=keras.optimizers.SGD(momentum=0.9),
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    timer = EpochTimer()
    model.fit(
        X.astype("float32"),
        y.astype("float32"),
        batch_size=batch_size,
        epochs=epochs,
        shuffle=True,
        callbacks=[timer],
        verbose=0,
    )
    return _row(
        cell,
        "hand-written Keras",
        timer,
        start,
        time.perf_counter(),
        epochs,
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
        batch_size=batch_size,
    )


def jax_alone(cell, X, y, epochs):
    """The stack in plain JAX, timed from before initialisation (no Keras)."""
    from benchmarks._jax_code import fit_epochs

    timer = EpochTimer()
    start = time.perf_counter()
    timer.ends = list(fit_epochs(cell, X, y, epochs))
    return _row(
        cell,
        "JAX alone",
        timer,
        start,
        time.perf_counter(),
        epochs,
        jit_compile=True,
        steps_per_execution=-(-len(X) // BATCH_SIZE),
        batch_size=BATCH_SIZE,
    )


# The course's two stacks, as its notebooks write them, for the short fits.
COURSE_STACKS = {
    "course SimpleRNN(40, 40)": ("SimpleRNN", (40, 40), False),
    "course Bidirectional LSTM(32, 32)": ("LSTM", (32, 32), True),
}
SHORT_EPOCHS = 6
LONG_EPOCHS = 30


def _short_row(stack, variant, timer, seconds, epochs, **settings):
    ends = np.asarray(timer.ends)
    return {
        "table": "short fits",
        "stack": stack,
        "variant": variant,
        "backend": keras.backend.backend(),
        "epochs": epochs,
        "fit_s": seconds,
        "first_epoch_s": float(ends[1] - ends[0]),
        "median_epoch_s": float(np.median(np.diff(ends[1:]))),
        "outside_epochs_s": seconds - float(ends[-1] - ends[1]),
        **settings,
    }


def course_stack_fit(stack, train_series, epochs):
    """The course's own Keras code for ``stack``, timed from building the model."""
    cell, units, bidirectional = COURSE_STACKS[stack]
    timer = EpochTimer()
    start = time.perf_counter()
    keras.utils.set_random_seed(0)
    model = course_model(CELLS[cell], units, bidirectional=bidirectional)
    model.compile(
        loss=keras.losses.Huber(), optimizer=keras.optimizers.SGD(momentum=0.9)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(
            windowed_dataset(train_series, WINDOW),
            epochs=epochs,
            callbacks=[timer],
            verbose=0,
        )
    seconds = time.perf_counter() - start
    return _short_row(
        stack, "course-style Keras", timer, seconds, epochs, jit_compile=False
    )


def skrnn_stack_fit(stack, X, y, epochs):
    """skrnn's forecaster for ``stack``, the first fit of its kind: no
    compiled model or forecast loop is left from an earlier fit."""
    from skrnn._inference import LOOPS
    from skrnn._trainers import TRAINERS

    TRAINERS.clear()
    LOOPS.clear()
    cell, units, bidirectional = COURSE_STACKS[stack]
    timer = EpochTimer()
    estimator = FORECASTERS[cell](
        units=units,
        bidirectional=bidirectional,
        normalize=None,
        loss="huber",
        optimizer="sgd",
        optimizer__momentum=0.9,
        early_stopping=False,
        validation_fraction=0,
        epochs=epochs,
        callbacks=[timer],
        random_state=0,
    )
    start = time.perf_counter()
    estimator.fit(X, y)
    seconds = time.perf_counter() - start
    return _short_row(
        stack,
        "skrnn",
        timer,
        seconds,
        epochs,
        jit_compile=bool(estimator.model_.jit_compile),
    )


def hand_stack_fit(stack, X, y, epochs):
    """The stack in plain Keras on numpy windows, compiled as skrnn compiles
    a short fit (a whole epoch per call; XLA on JAX only, which otherwise
    runs eagerly): Keras's own floor."""
    cell, units, bidirectional = COURSE_STACKS[stack]
    timer = EpochTimer()
    start = time.perf_counter()
    keras.utils.set_random_seed(0)
    layers = [keras.Input(shape=(WINDOW, 1))]
    for i, n_units in enumerate(units):
        layer = CELLS[cell](n_units, return_sequences=i < len(units) - 1)
        layers.append(keras.layers.Bidirectional(layer) if bidirectional else layer)
    model = keras.Sequential([*layers, keras.layers.Dense(1)])
    model.compile(
        loss=keras.losses.Huber(),
        optimizer=keras.optimizers.SGD(momentum=0.9),
        jit_compile=keras.backend.backend() == "jax",
        steps_per_execution=-(-len(X) // BATCH_SIZE),
    )
    model.fit(
        X.astype("float32"),
        y.astype("float32"),
        batch_size=BATCH_SIZE,
        epochs=epochs,
        callbacks=[timer],
        verbose=0,
    )
    seconds = time.perf_counter() - start
    return _short_row(
        stack, HAND, timer, seconds, epochs, jit_compile=bool(model.jit_compile)
    )


def tf_alone_stack_fit(stack, X, y, epochs):
    """The stack in TensorFlow alone (no Keras), timed from initialisation:
    the floor of a short fit on TensorFlow (:mod:`benchmarks._tf_code`)."""
    from benchmarks._tf_code import fit_epochs

    cell, units, bidirectional = COURSE_STACKS[stack]
    timer = EpochTimer()
    start = time.perf_counter()
    timer.ends = list(
        fit_epochs(cell, X, y, epochs, units=units, bidirectional=bidirectional)
    )
    seconds = time.perf_counter() - start
    return _short_row(stack, TF_ALONE, timer, seconds, epochs, jit_compile=False)


def short_fits(quick):
    """6- and 30-epoch fits of the course's stacks, each the first of its kind.

    The course's code runs the 6-epoch fits; its median epoch is also what
    skrnn's 30-epoch fits are compared with (an epoch of the course's code
    takes as long in a 6-epoch fit as in a 30-epoch one).
    """
    backend = keras.backend.backend()
    short, long = (2, 3) if quick else (SHORT_EPOCHS, LONG_EPOCHS)
    rounds = 1 if quick else 2
    train_series = make_synthetic_series()[:SPLIT_TIME]
    X, y = make_windows(train_series, window=WINDOW)
    rows = []
    for stack in COURSE_STACKS:
        variants = {
            "skrnn short": partial(skrnn_stack_fit, stack, X, y, short),
            "hand-written short": partial(hand_stack_fit, stack, X, y, short),
        }
        if backend == "tensorflow":
            variants["course short"] = partial(
                course_stack_fit, stack, train_series, short
            )
            variants["TensorFlow alone short"] = partial(
                tf_alone_stack_fit, stack, X, y, short
            )
        variants["skrnn long"] = partial(skrnn_stack_fit, stack, X, y, long)
        names = list(variants)
        runs = defaultdict(list)
        for round_ in range(rounds):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                progress(f"{stack}: {name} fit on {backend}, round {round_ + 1}")
                runs[name].append(variants[name]())
        for name in names:
            row = median_run(runs[name], key=lambda row: row["fit_s"])
            row["fit_s_of_rounds"] = [run["fit_s"] for run in runs[name]]
            rows.append(row)
    return rows


def measure(quick):
    backend = keras.backend.backend()
    # Every variant gets at least two epochs after the first (compiling) one.
    epochs, course_epochs = (3, 3) if quick else (20, 8)
    # Rounds of every variant in turn: a burst of load on a shared machine
    # hits one round of one variant, and the median round leaves it out.
    rounds = 1 if quick else ROUNDS
    train_series = make_synthetic_series()[:SPLIT_TIME]
    X, y = make_windows(train_series, window=WINDOW)
    rows = []
    for cell in CELLS:
        # A fit not timed: it shows the compile settings skrnn picks, which
        # hand-written Keras then uses, and warms skrnn's compiled-model pool
        # so that every timed skrnn run is alike.
        warm_up = skrnn_estimator(cell, X, y, epochs)
        settings = {name: warm_up[name] for name in COMPILE_SETTINGS}
        variants = {
            "skrnn": partial(skrnn_estimator, cell, X, y, epochs),
            "hand-written Keras": partial(hand_written, cell, X, y, epochs, **settings),
            "skrnn, seeded": partial(skrnn_estimator, cell, X, y, epochs, 0),
        }
        if backend == "tensorflow":
            course = partial(course_style, cell, train_series, course_epochs)
            variants = {"course-style Keras": course, **variants}
        if backend == "jax":
            variants["JAX alone"] = partial(jax_alone, cell, X, y, epochs)
        names = list(variants)
        runs = defaultdict(list)
        for round_ in range(rounds):
            # Each round starts one variant later, so that no variant always
            # runs right after the same other one.
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                progress(f"{cell}: {name} on {backend}, round {round_ + 1}")
                runs[name].append(variants[name]())
        for name in names:
            row = median_run(runs[name], key=lambda row: row["per_epoch_s"])
            row["rounds"] = len(runs[name])
            rows.append(row)
    return rows + short_fits(quick)


if __name__ == "__main__":
    main(measure, __doc__.splitlines()[0])
