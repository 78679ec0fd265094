"""The M-competition benchmark's protocol and scores, on two made-up series.

The benchmark reads the real data from outside the repository; these tests
write their own tiny files, so they need neither the data nor Keras.
"""

import gzip
import json

import numpy as np
import pytest

from benchmarks import _mcomp


@pytest.fixture
def data(tmp_path, monkeypatch):
    m3 = [
        {
            "id": "N1",
            "period": "quarterly",
            "h": 2,
            "x": [1.0, 2.0, 3.0, 4.0, 2.0, 4.0],
            "xx": [6.0, 8.0],
            "forecasts": {name: [5.0, 8.0] for name in _mcomp.ENTRANTS},
        },
        {
            "id": "N2",
            "period": "quarterly",
            "h": 2,
            "x": [10.0, 10.0, 10.0, 10.0, 12.0, 12.0],
            "xx": [0.0, 12.0],
            "forecasts": {name: [0.0, 12.0] for name in _mcomp.ENTRANTS},
        },
    ]
    for name, records in (("m3_dev.jsonl.gz", m3), ("m1.jsonl.gz", [])):
        with gzip.open(tmp_path / name, "wt") as file:
            file.writelines(json.dumps(record) + "\n" for record in records)
    monkeypatch.setenv(_mcomp.DATA_ENV, str(tmp_path))
    return tmp_path


def test_scores_of_a_made_up_subset(data):
    subset = _mcomp.load_subset("M3 quarterly")
    assert (subset.h, subset.m, subset.ids) == (2, 4, ["N1", "N2"])
    np.testing.assert_array_equal(subset.actuals, [[6, 8], [0, 12]])
    # The seasonal naive forecast repeats the last m = 4 values.
    seasonal = _mcomp.seasonal_naive(subset.histories, 2, 4)
    np.testing.assert_array_equal(seasonal, [[3, 4], [10, 10]])
    np.testing.assert_array_equal(_mcomp.naive(subset.histories, 2), [[4, 4], [12, 12]])
    # Series 1: 200 * 1/11 and 0; series 2: y = f = 0 counts as 0, then 0.
    scores = _mcomp.score(subset, subset.entrants["THETA"])
    assert scores["smape"] == pytest.approx((200 / 11 / 2 + 0) / 2)
    # In-sample seasonal naive MAEs: |2-1|, |4-2| -> 1.5; |12-10| twice -> 2.
    np.testing.assert_allclose(_mcomp.mase_scales(subset.histories, 4), [1.5, 2])
    assert scores["mase"] == pytest.approx((0.5 / 1.5 + 0) / 2)


def test_validation_forecasts_the_end_of_each_history(data):
    subset = _mcomp.load_subset("M3 quarterly", validation=True)
    np.testing.assert_array_equal(subset.actuals, [[2, 4], [12, 12]])
    np.testing.assert_array_equal(subset.histories[0], [1, 2, 3, 4])
    # The test values are out of reach, and with them the entrants' forecasts.
    assert subset.entrants == {}
    # A history of m values or fewer is scaled by its naive (lag-1) errors.
    np.testing.assert_allclose(_mcomp.mase_scales(subset.histories, 4), [1, 0])
    # A constant history (scale 0) is left out of MASE, not made infinite.
    naive = _mcomp.naive(subset.histories, 2)
    assert _mcomp.score(subset, naive) == {
        "smape": pytest.approx((200 * 2 / 6 / 2 + 200 * 2 / 22) / 2),
        "mase": pytest.approx(1.0),
    }


def test_missing_data_says_where_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv(_mcomp.DATA_ENV, str(tmp_path))
    reason = _mcomp.missing_data()
    assert "Mcomp R package (version 2.8" in reason
    assert _mcomp.DATA_ENV in reason
