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
    for i in range(30):
        # A grid search: three configurations, ten fits of each.
        LSTMForecaster(units=(2, 4, 8)[i % 3], epochs=1, random_state=i).fit(X, y)
        rss.append(rss_mb())
        peak.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps({"rss": rss, "peak": peak}))
    """
)


def test_thirty_fits_do_not_grow_memory():
    """Plain Keras keeps ~11 MB per trained model; reused trainers do not."""
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
