"""How training batches reach Keras: one endless dataset on TensorFlow, a
new order every pass, and exactly one pass per epoch."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skrnn._batches import Examples, fit_inputs, repeated_batches

tensorflow_only = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="the dataset is tf.data"
)


def passes(dataset, n_passes, n_batches):
    """The rows served in each of the first ``n_passes`` passes, in order."""
    batches = [x.numpy()[:, 0] for x, _ in dataset.take(n_passes * n_batches)]
    return [
        np.concatenate(batches[p * n_batches : (p + 1) * n_batches])
        for p in range(n_passes)
    ]


@tensorflow_only
def test_every_pass_serves_every_row_once_in_a_new_seeded_order():
    rows = np.arange(10, dtype=np.float32)
    arrays = (rows[:, None], rows[:, None])
    first = passes(repeated_batches(arrays, batch_size=4, seed=0), 3, 3)
    for served in first:
        assert sorted(served) == list(rows)
    assert not np.array_equal(first[0], first[1])
    again = passes(repeated_batches(arrays, batch_size=4, seed=0), 3, 3)
    for served, served_again in zip(first, again):
        assert_array_equal(served, served_again)
    # A fit continued at epoch 1 (partial_fit) goes on with the second order.
    later = passes(repeated_batches(arrays, batch_size=4, seed=0, first_epoch=1), 1, 3)
    assert_array_equal(later[0], first[1])


@tensorflow_only
def test_a_one_pass_dataset_still_gets_a_new_order_every_epoch():
    # Keras iterates it afresh each epoch; the pass is counted outside it.
    rows = np.arange(10, dtype=np.float32)
    arrays = (rows[:, None], rows[:, None])
    dataset = repeated_batches(arrays, batch_size=4, seed=0, endless=False)
    assert dataset.cardinality() == 3
    orders = [passes(dataset, 1, 3)[0] for _ in range(2)]
    endless = passes(repeated_batches(arrays, batch_size=4, seed=0), 2, 3)
    assert_array_equal(orders[0], endless[0])
    assert_array_equal(orders[1], endless[1])


@tensorflow_only
def test_without_a_seed_every_pass_is_in_time_order():
    rows = np.arange(10, dtype=np.float32)
    arrays = (rows[:, None], rows[:, None])
    for served in passes(repeated_batches(arrays, batch_size=4, seed=None), 2, 3):
        assert_array_equal(served, rows)


@tensorflow_only
@pytest.mark.parametrize(
    "steps_per_execution, seed, served",
    [(1, None, "endless"), (7, 0, "endless"), (3, 0, "one pass"), (3, None, "arrays")],
)
def test_an_endless_dataset_only_when_a_call_ends_with_the_pass(
    sine_windows, steps_per_execution, seed, served
):
    # 7 batches a pass: a compiled call of 3 steps would run into the next
    # pass, so Keras ends the epoch itself, on a one-pass dataset where the
    # order is seeded and on the arrays otherwise.
    X, y = sine_windows
    inputs = fit_inputs(
        Examples(X, y),
        None,
        np.arange(200),
        batch_size=32,
        shuffle=True,
        seed=seed,
        steps_per_execution=steps_per_execution,
    )
    if served == "endless":
        assert inputs["steps_per_epoch"] == 7
    elif served == "one pass":
        assert "steps_per_epoch" not in inputs
        assert inputs["x"].cardinality() == 7
    else:
        assert inputs["batch_size"] == 32 and len(inputs["x"]) == 200


@pytest.mark.parametrize("shuffle", [True, False])
def test_unseeded_fits_reshuffle_each_epoch_unless_told_not_to(
    sine_windows, batch_losses, shuffle
):
    X, y = sine_windows
    model, epochs = batch_losses(X[:200], y[:200], epochs=3, shuffle=shuffle)
    assert epochs.shape == (3, 7)
    assert model.n_iter_ == 3
    if shuffle:
        assert not np.allclose(epochs[0], epochs[1])
        assert not np.allclose(epochs[1], epochs[2])
    else:
        np.testing.assert_allclose(epochs[0], epochs[1], rtol=1e-5)
        np.testing.assert_allclose(epochs[1], epochs[2], rtol=1e-5)


def test_seeded_fits_reshuffle_each_epoch_when_a_call_spans_batches(
    sine_windows, batch_losses
):
    # 7 batches an epoch in calls of 3 steps: the one-pass dataset. Keras
    # reports the epoch's running mean loss after each call, which after the
    # first call depends on which windows the first 3 batches held.
    X, y = sine_windows
    _, epochs = batch_losses(
        X[:200], y[:200], epochs=3, steps_per_execution=3, random_state=0
    )
    first_calls = epochs[:, 0]
    assert len(epochs) == 3
    assert len(set(np.round(first_calls, 6))) == 3
