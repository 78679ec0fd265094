import keras
import numpy as np
import pytest

from skrnn import RNNForecaster, make_windows


@pytest.fixture(scope="session")
def sine():
    """A clean sine with a little noise: easy to beat the naive forecast on."""
    rng = np.random.RandomState(0)
    t = np.arange(500)
    return np.sin(2 * np.pi * t / 25) + rng.normal(0, 0.02, len(t))


@pytest.fixture(scope="session")
def sine_windows(sine):
    return make_windows(sine, window=20)


class BatchLosses(keras.callbacks.Callback):
    """The running mean loss Keras reports after each call, per epoch."""

    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append([])

    def on_train_batch_end(self, batch, logs=None):
        self.epochs[-1].append(float(logs["loss"]))


@pytest.fixture
def batch_losses():
    """``fit(X, y, **params) -> (model, losses)``: a tiny RNNForecaster
    trained at a learning rate of 1e-12, so its weights stay put and the
    losses Keras reports (epochs x calls) depend on the order of the
    windows alone."""

    def fit(X, y, **params):
        losses = BatchLosses()
        defaults = {
            "units": 4,
            "epochs": 2,
            "learning_rate": 1e-12,
            "early_stopping": False,
            "validation_fraction": 0.0,
            "steps_per_execution": 1,
        }
        model = RNNForecaster(**{**defaults, **params}, callbacks=[losses]).fit(X, y)
        return model, np.array(losses.epochs)

    return fit
