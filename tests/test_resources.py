"""Many fits in one process, interrupted fits: memory and state stay sound."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skrnn import GRUForecaster, LSTMForecaster

SMALL = {"units": 4, "epochs": 2, "random_state": 0}

MANY_FITS = textwrap.dedent(
    """
    import json, resource
    import numpy as np
    from skrnn import LSTMForecaster, make_windows

    def rss_mb():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 / 2**20

    X, y = make_windows(np.sin(np.arange(300) / 5), window=20)
    rss, peak = [], []
    for i in range(15):
        # A grid search: three configurations, five fits of each.
        LSTMForecaster(units=(2, 4, 8)[i % 3], epochs=1, random_state=i).fit(X, y)
        rss.append(rss_mb())
        peak.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps({"rss": rss, "peak": peak}))
    """
)


def test_fifteen_fits_do_not_grow_memory():
    """Plain Keras keeps ~11 MB per trained model (~130 MB over the last
    twelve fits, over the limits below); reused trainers do not."""
    completed = subprocess.run(
        [sys.executable, "-c", MANY_FITS],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    memory = json.loads(completed.stdout.strip().splitlines()[-1])
    # From the end of the first round of the three configurations.
    assert memory["peak"][-1] - memory["peak"][2] <= 150
    assert memory["rss"][-1] - memory["rss"][2] <= 100


class Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise KeyboardInterrupt


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_interrupted_fit_keeps_the_previous_fit(method, sine_windows):
    X, y = sine_windows
    model = GRUForecaster(**SMALL).fit(X, y)
    before, fitted_model = model.predict(X), model.model_
    state = {k: v for k, v in vars(model).items() if k.endswith("_")}
    model.set_params(callbacks=[Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        getattr(model, method)(X, y)
    assert model.model_ is fitted_model
    assert_array_equal(model.predict(X), before)
    for name, value in state.items():
        assert vars(model)[name] is value, name
    # The next fit is unaffected by the interrupted one.
    model.set_params(callbacks=None)
    assert_array_equal(model.fit(X, y).predict(X), before)


def test_fits_of_one_configuration_are_independent(sine_windows):
    """Estimators fitted one after the other keep their own models."""
    X, y = sine_windows
    first = LSTMForecaster(**SMALL).fit(X, y)
    before = first.predict(X)
    second = LSTMForecaster(**{**SMALL, "random_state": 1}).fit(X, y)
    assert_array_equal(first.predict(X), before)
    assert not np.array_equal(second.predict(X), before)
    assert second.model_ is not first.model_


LONG_SERIES_FIT = textwrap.dedent(
    """
    import json, resource
    import numpy as np
    from skrnn import LSTMForecaster, make_windows

    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    series = np.sin(np.arange(1_000_000, dtype=np.float32) / 50)
    X, y = make_windows(series, window=64)
    model = LSTMForecaster(
        units=2, epochs=1, batch_size=4096, validation_fraction=0.01,
        jit_compile=False, random_state=0,
    )
    model.fit(X[:1000], y[:1000])  # Keras and the model's code paths, warmed up
    before = peak_mb()
    model.fit(X, y)
    print(json.dumps({"growth": peak_mb() - before, "copy": X.size * 4 / 2**20}))
    """
)


def test_fit_on_a_long_series_does_not_copy_the_windows():
    """Windows of a million steps would take 256 MB as a float32 copy."""
    completed = subprocess.run(
        [sys.executable, "-c", LONG_SERIES_FIT],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    memory = json.loads(completed.stdout.strip().splitlines()[-1])
    assert memory["copy"] > 240
    assert memory["growth"] < memory["copy"] / 3, memory


def test_batches_from_the_strided_view_match_a_copy(sine_windows, monkeypatch):
    """Above MAX_COPY_BYTES, fit gathers each batch from the windows."""
    import skrnn._batches

    X, y = sine_windows
    params = {**SMALL, "shuffle": False, "batch_size": 16}
    copied = LSTMForecaster(**params).fit(X, y)
    monkeypatch.setattr(skrnn._batches, "MAX_COPY_BYTES", 0)
    served = []
    getitem = skrnn._batches.WindowBatches.__getitem__

    def spy(self, index):
        served.append(index)
        return getitem(self, index)

    monkeypatch.setattr(skrnn._batches.WindowBatches, "__getitem__", spy)
    gathered = LSTMForecaster(**params).fit(X, y)
    n_train = len(X) - int(0.1 * len(X))
    # Every training batch of every epoch came from WindowBatches.
    assert len(served) >= params["epochs"] * -(-n_train // 16)
    # Same data, same order: the fits agree up to Keras's two input paths.
    np.testing.assert_allclose(gathered.predict(X), copied.predict(X), atol=0.05)
    assert abs(gathered.score(X, y) - copied.score(X, y)) < 0.01
