"""Which input column each target continues, read off the windows alone."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skrnn import make_windows
from skrnn._target_layout import (
    forecast_order,
    infer_target_features,
    target_layout,
)

SERIES = np.c_[np.arange(40.0), np.arange(40.0) ** 2, -np.arange(40.0)]


def layout(X, y):
    """``target_layout`` as ``fit`` calls it."""
    return target_layout(X, y.reshape(len(y), -1), y.shape[1:])


@pytest.mark.parametrize(
    "target, horizon, expected",
    [
        ([0, 1, 2], 1, [0, 1, 2]),
        ([2, 1, 0], 1, [2, 1, 0]),
        ([1, 2, 0], 3, [1, 2, 0]),
        (1, 1, [1]),
        (2, 4, [2]),  # one target over a horizon: a 2-D y
        ([0, 2], 2, [0, 2]),
    ],
)
def test_targets_are_matched_to_the_columns_they_continue(target, horizon, expected):
    X, y = make_windows(SERIES, window=5, horizon=horizon, target=target)
    assert_array_equal(layout(X, y), expected)


def test_univariate_windows_continue_their_only_feature():
    X, y = make_windows(SERIES[:, 0], window=5, horizon=3)
    assert_array_equal(layout(X, y), [0])


def test_shuffled_windows_leave_the_layout_unknown():
    X, y = make_windows(SERIES, window=5, target=[0, 1, 2])
    order = np.random.RandomState(0).permutation(len(X))
    assert_array_equal(layout(X[order], y[order]), [-1, -1, -1])
    # Targets that are no column's next value stay unknown too.
    assert_array_equal(layout(X, y + 0.5), [-1, -1, -1])


def test_nan_is_skipped_and_identical_columns_are_told_apart_by_position():
    series = np.c_[np.arange(30.0), np.arange(30.0)]
    series[[3, 12], 0] = np.nan
    X, y = make_windows(series, window=4, target=[1, 0])
    assert_array_equal(layout(X, y), [1, 0])
    X, y = make_windows(series, window=4, target=[0, 1])
    assert_array_equal(layout(X, y), [0, 1])


def test_float32_windows_match_float64_targets():
    X, y = make_windows(SERIES / 7, window=5, target=[1, 0, 2])
    assert_array_equal(layout(X.astype(np.float32), y), [1, 0, 2])


class RowCounter:
    """An array that counts the rows read from it."""

    def __init__(self, array):
        self.array, self.shape, self.rows_read = array, array.shape, 0

    def __len__(self):
        return len(self.array)

    def __getitem__(self, key):
        self.rows_read += np.size(key[0])
        return self.array[key]


def test_a_million_windows_are_checked_on_a_bounded_sample():
    series = np.c_[np.arange(1_000_005.0), np.zeros(1_000_005)]
    X, y = make_windows(series, window=3, target=0)
    X = RowCounter(X)
    assert_array_equal(infer_target_features(X, y[:, None, None]), [0])
    assert X.rows_read <= 3 * 1000


def test_forecast_order_puts_outputs_in_column_order_or_refuses():
    assert_array_equal(forecast_order(np.array([2, 0, 1]), 3), [1, 2, 0])
    with pytest.raises(ValueError, match=r"column\(s\) \['b'\] would not be"):
        forecast_order(np.array([0]), 2, ["a", "b"])
    with pytest.raises(ValueError, match="is unknown"):
        forecast_order(np.array([-1, -1]), 2)
    with pytest.raises(ValueError, match="repeat one"):
        forecast_order(np.array([0, 1, 1]), 2)


def test_the_suggested_windowing_gives_a_forecastable_layout():
    frame = pd.DataFrame(SERIES, columns=["a", "b", "c"])
    X, y = make_windows(frame, window=5, target=list(frame.columns))
    assert_array_equal(forecast_order(layout(X, y), 3), [0, 1, 2])
    X, y = make_windows(SERIES, window=5, target=list(range(SERIES.shape[1])))
    assert_array_equal(forecast_order(layout(X, y), 3), [0, 1, 2])
