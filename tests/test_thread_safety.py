"""predict may be called from several threads at once (e.g. a web server)."""

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.testing import assert_array_equal

from skrnn import GRUForecaster


def test_concurrent_predict_matches_serial_predict(sine_windows):
    X, y = sine_windows
    model = GRUForecaster(units=4, epochs=1, jit_compile=False, random_state=0)
    model.fit(X, y)
    # Distinct inputs of distinct sizes, so a result handed to the wrong
    # caller, or a batch mixed with another, would show.
    batches = [X[start : start + 7 + 13 * start % 50] for start in range(0, 400, 25)]
    expected = [model.predict(batch) for batch in batches]

    # A fresh copy has not traced its predict function yet: four threads
    # released together race to trace it.
    fresh = pickle.loads(pickle.dumps(model))
    start = threading.Barrier(4)

    def first_predict(batch):
        start.wait(timeout=30)
        return fresh.predict(batch)

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = list(pool.map(first_predict, batches[:4]))
        # Then many calls at once, each batch three times.
        results = list(pool.map(fresh.predict, batches * 3))
    for got, want in zip(first + results, expected[:4] + expected * 3, strict=True):
        assert_array_equal(got, want)
    assert not np.isnan(np.concatenate(results)).any()
