"""Model selection on joblib's process backend and on a Dask cluster.

Every fit is seeded from ``random_state`` alone, so a search gives the same
``cv_results_`` wherever its fits run. The workers are fresh processes whose
global random states differ from this one's: equal scores show that nothing
else leaks into the fits.
"""

import os

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skrnn import LSTMForecaster

distributed = pytest.importorskip("distributed")

# One thread per worker and per TensorFlow pool: two workers on two cores.
WORKER_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}
SCORES = ["split0_test_score", "split1_test_score", "mean_test_score"]


def search(**kwargs):
    # XLA compilation would take longer than these tiny fits.
    forecaster = LSTMForecaster(units=4, epochs=2, jit_compile=False, random_state=0)
    return GridSearchCV(
        forecaster,
        {"units": [2, 4]},
        cv=TimeSeriesSplit(n_splits=2),
        refit=False,
        **kwargs,
    )


@pytest.fixture(scope="module")
def serial_results(sine_windows):
    X, y = sine_windows
    return search().fit(X, y).cv_results_


@pytest.fixture(scope="module")
def dask_client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            env=WORKER_ENV,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_grid_search_on_a_dask_cluster_matches_a_serial_run(
    dask_client, serial_results, sine_windows
):
    X, y = sine_windows
    with distributed.get_task_stream(dask_client) as tasks:
        with joblib.parallel_backend("dask"):
            results = search(n_jobs=-1).fit(X, y).cv_results_
    # Bit-identical: each fit is seeded from random_state alone and
    # TensorFlow runs deterministic ops, so worker processes reproduce it.
    for key in SCORES:
        assert_array_equal(results[key], serial_results[key])
    assert np.all(np.isfinite(results["mean_test_score"]))
    # The fits ran on both worker processes, with the thread limits.
    workers = dask_client.run(os.getpid)
    assert len(workers) == 2 and os.getpid() not in workers.values()
    assert {task["worker"] for task in tasks.data} == set(workers)
    env = dask_client.run(lambda: os.environ.get("TF_NUM_INTRAOP_THREADS"))
    assert set(env.values()) == {"1"}


def test_grid_search_with_loky_processes_matches_a_serial_run(
    serial_results, sine_windows
):
    X, y = sine_windows
    # joblib's default backend; it caps each worker's BLAS/OpenMP threads at
    # cores // n_jobs.
    results = search(n_jobs=2).fit(X, y).cv_results_
    for key in SCORES:
        assert_array_equal(results[key], serial_results[key])
