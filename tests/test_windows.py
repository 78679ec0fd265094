"""make_windows, SlidingWindowTransformer and SequenceReshaper."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import SequenceReshaper, SlidingWindowTransformer, make_windows


def test_make_windows_slices_the_series():
    series = np.arange(10.0)
    X, y = make_windows(series, window=4)
    assert X.shape == (6, 4, 1)
    assert y.shape == (6,)
    for i in range(6):
        assert_array_equal(X[i, :, 0], series[i : i + 4])
        assert y[i] == series[i + 4]


def test_make_windows_is_a_zero_copy_view_of_numpy_input():
    series = np.random.RandomState(0).normal(size=(1000, 3))
    X, _ = make_windows(series, window=50, target=0)
    assert np.shares_memory(X, series)
    assert X.base is not None and X.nbytes > series.nbytes  # a view, not a copy
    assert not X.flags.writeable  # no accidental writes into the series


def test_make_windows_horizon():
    X, y = make_windows(np.arange(10.0), window=3, horizon=2)
    assert X.shape == (6, 3, 1)
    assert y.shape == (6, 2)
    assert_array_equal(y[0], [3.0, 4.0])
    assert_array_equal(y[-1], [8.0, 9.0])


def test_make_windows_multivariate_targets_by_name_and_index():
    frame = pd.DataFrame({"a": np.arange(8.0), "b": 10 * np.arange(8.0)})
    X, y = make_windows(frame, window=3, target="b")
    assert X.shape == (5, 3, 2)
    assert_array_equal(X[1], frame.to_numpy()[1:4])
    assert_array_equal(y, 10 * np.arange(3.0, 8.0))

    _, y_both = make_windows(frame, window=3, target=["a", 1])
    assert y_both.shape == (5, 2)
    assert_array_equal(y_both[0], [3.0, 30.0])

    _, y_horizon = make_windows(frame, window=3, horizon=2, target=["a", "b"])
    assert y_horizon.shape == (4, 2, 2)
    assert_array_equal(y_horizon[0], [[3.0, 30.0], [4.0, 40.0]])


def test_make_windows_pandas_series():
    series = pd.Series(np.arange(6.0), name="sales")
    X, y = make_windows(series, window=2, target="sales")
    assert X.shape == (4, 2, 1)
    assert_array_equal(y, [2.0, 3.0, 4.0, 5.0])


def test_make_windows_keeps_nan():
    series = np.array([0.0, 1.0, np.nan, 3.0, 4.0, 5.0])
    X, y = make_windows(series, window=2)
    assert np.isnan(X[1, 1, 0]) and np.isnan(y[0])
    assert_array_equal(X[3, :, 0], [3.0, 4.0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"window": 10},
            r"values, fewer than the window and horizon of one "
            r"example \(10 \+ 1\): use window=\d+ or less",
        ),
        ({"window": 3, "horizon": 8}, r"\(3 \+ 8\): use window=2 or less"),
        ({"window": 0}, "window"),
        ({"window": 2, "target": "nope"}, "not a column"),
        ({"window": 2, "target": 5}, "out of range"),
    ],
)
def test_make_windows_errors_name_the_problem(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(np.arange(10.0), **kwargs)


def test_make_windows_needs_target_for_multivariate():
    with pytest.raises(ValueError, match="pass target="):
        make_windows(np.zeros((10, 2)), window=3)


def test_make_windows_rejects_text():
    with pytest.raises(ValueError):
        make_windows(np.array(["a", "b", "c"]), window=1)


def test_sliding_window_rows_end_at_each_row():
    X = np.arange(12.0).reshape(6, 2)
    Xt = SlidingWindowTransformer(window=3).fit_transform(X)
    assert Xt.shape == (6, 3, 2)
    assert np.isnan(Xt[0, :2]).all() and np.isnan(Xt[1, 0]).all()
    assert_array_equal(Xt[0, 2], X[0])
    for t in range(2, 6):
        assert_array_equal(Xt[t], X[t - 2 : t + 1])


def test_sliding_window_output_is_lean():
    X = np.random.RandomState(0).normal(size=(10_000, 1))
    Xt = SlidingWindowTransformer(window=100).fit_transform(X)
    # Consecutive windows overlap in memory: a strided view over a padded
    # copy of X, not n_samples * window values.
    assert Xt.strides[0] == Xt.strides[1]


def test_sliding_window_dataframe_feature_names():
    frame = pd.DataFrame({"load": np.arange(5.0), "temp": np.ones(5)})
    transformer = SlidingWindowTransformer(window=2).fit(frame)
    assert_array_equal(transformer.feature_names_in_, ["load", "temp"])
    assert_array_equal(transformer.get_feature_names_out(), ["load", "temp"])
    assert transformer.transform(frame).shape == (5, 2, 2)


def test_sliding_window_pipeline_set_output_keeps_3d_array():
    frame = pd.DataFrame({"x": np.arange(6.0)})
    pipe = make_pipeline(StandardScaler(), SlidingWindowTransformer(window=2))
    pipe.set_output(transform="pandas")
    Xt = pipe.fit_transform(frame)
    assert isinstance(Xt, np.ndarray) and Xt.shape == (6, 2, 1)


def test_sliding_window_longer_than_series():
    with pytest.raises(ValueError, match="longer than the series"):
        SlidingWindowTransformer(window=10).fit(np.zeros((5, 1)))


def test_sequence_reshaper_time_major():
    lags = np.arange(12.0).reshape(2, 6)
    out = SequenceReshaper(n_features=2).fit_transform(lags)
    assert out.shape == (2, 3, 2)
    assert_array_equal(out[0], [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])


def test_sequence_reshaper_feature_major():
    lags = np.array([[1.0, 2.0, 3.0, 10.0, 20.0, 30.0]])
    out = SequenceReshaper(n_features=2, layout="feature_major").fit_transform(lags)
    assert_array_equal(out[0], [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])


def test_sequence_reshaper_matches_course_expand_dims():
    lags = np.random.RandomState(0).normal(size=(4, 20))
    out = SequenceReshaper().fit_transform(lags)
    assert_array_equal(out, np.expand_dims(lags, axis=-1))


def test_sequence_reshaper_columns_must_divide():
    with pytest.raises(ValueError, match="not a multiple of n_features=2"):
        SequenceReshaper(n_features=2).fit(np.zeros((3, 5)))
