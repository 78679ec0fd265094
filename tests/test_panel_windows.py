"""Panels of many series: windowing, time order, groups and bad panels."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import GroupKFold, TimeSeriesSplit
from sklearn.utils import _safe_indexing

from skrnn import PanelWindows, SlidingWindowTransformer, make_windows


def _ranges_panel():
    """Three series whose values tell them apart: series i lies in [1000 i, ...)."""
    return [1000.0 * i + np.arange(n) for i, n in enumerate((12, 7, 30))]


def test_windows_never_cross_two_series():
    X, y, groups = make_windows(
        _ranges_panel(), window=4, horizon=2, return_groups=True
    )
    windows = np.asarray(X)
    assert windows.shape == (7 + 2 + 25, 4, 1)
    series_of_values = windows[:, :, 0] // 1000
    assert (series_of_values == series_of_values[:, :1]).all()
    assert_array_equal(series_of_values[:, 0], groups)
    assert_array_equal(y // 1000, np.repeat(groups[:, None], 2, axis=1))
    # Each target continues its own window.
    assert_array_equal(y[:, 0], windows[:, -1, 0] + 1)


def test_rows_without_times_sort_by_steps_from_each_series_end():
    X, y, groups = make_windows(_ranges_panel(), window=4, return_groups=True)
    # The most recent window of every series comes last, in series order.
    assert_array_equal(groups[-3:], [0, 1, 2])
    assert_array_equal(y[-3:], [11.0, 1006.0, 2029.0])
    # The longest series' oldest windows come first.
    assert_array_equal(groups[:18], np.full(18, 2))


def test_rows_with_dates_sort_by_each_window_last_date():
    first = pd.Series(
        np.arange(10.0), index=pd.date_range("2024-01-01", periods=10, freq="D")
    )
    late = pd.Series(
        100 + np.arange(5.0), index=pd.date_range("2024-01-20", periods=5, freq="D")
    )
    X, y, groups = make_windows(
        {"first": first, "late": late}, window=3, return_groups=True
    )
    assert_array_equal(groups, ["first"] * 7 + ["late"] * 2)
    assert_array_equal(y, [3, 4, 5, 6, 7, 8, 9, 103, 104])


def test_long_dataframe_in_nixtla_layout_matches_a_dict_of_series():
    rng = np.random.RandomState(0)
    dates = pd.date_range("2024-01-01", periods=20, freq="MS")
    frames = []
    for key, start in (("b", 0), ("a", 5)):
        frames.append(
            pd.DataFrame(
                {"unique_id": key, "ds": dates[start:], "y": rng.rand(20 - start)}
            )
        )
    long = pd.concat(frames).sample(frac=1.0, random_state=0)  # rows shuffled
    X, y, groups = make_windows(
        long,
        window=4,
        id_col="unique_id",
        time_col="ds",
        target="y",
        return_groups=True,
    )
    by_key = {
        key: frame.set_index("ds")["y"].sort_index()
        for key, frame in long.groupby("unique_id")
    }
    X_dict, y_dict, groups_dict = make_windows(by_key, window=4, return_groups=True)
    assert_array_equal(np.asarray(X), np.asarray(X_dict))
    assert_array_equal(y, y_dict)
    assert_array_equal(groups, groups_dict)


def test_short_series_give_no_windows_but_no_error():
    X, y, groups = make_windows(
        [np.arange(3.0), np.arange(10.0)], window=5, return_groups=True
    )
    assert len(X) == 5 and set(groups) == {1}


def test_a_panel_without_a_long_enough_series_is_refused():
    with pytest.raises(ValueError, match="the longest series has 4 values"):
        make_windows([np.arange(3.0), np.arange(4.0)], window=4)


@pytest.mark.parametrize(
    "panel, kwargs, message",
    [
        ({"a": np.arange(5.0), "b": np.array([])}, {}, "series 'b' is empty"),
        (
            [np.zeros((5, 2)), np.zeros((5, 3))],
            {"target": 0},
            r"series 1 \(position\) has 3 column\(s\)",
        ),
        (
            pd.DataFrame({"id": [1, 1], "t": [1, 1], "y": [1.0, 2.0]}),
            {"id_col": "id", "time_col": "t"},
            "series 1 has the time 1 in more than one row",
        ),
        (
            pd.DataFrame({"store": [1], "y": [1.0]}),
            {"id_col": "unique_id"},
            r"id_col='unique_id' is not a column.*\['store', 'y'\]",
        ),
        (
            {"a": pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-1-1"] * 2))},
            {},
            "series 'a' has the time 2024-01-01 00:00:00 more than once",
        ),
        ({"a": np.array(["x", "y"])}, {}, "series 'a' must hold numbers"),
        (np.arange(10.0), {"time_col": "ds"}, "also needs id_col="),
    ],
)
def test_bad_panels_get_errors_naming_the_series(panel, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(panel, window=1, **kwargs)


def test_unsorted_dated_series_are_sorted_with_a_warning():
    dates = pd.date_range("2024-01-01", periods=6, freq="D")
    series = pd.Series(np.arange(6.0), index=dates)[::-1]
    with pytest.warns(UserWarning, match="not in increasing time order"):
        X, y = make_windows({"a": series, "b": series.sort_index()}, window=2)
    assert_array_equal(y, [2, 2, 3, 3, 4, 4, 5, 5])


def test_panel_windows_behave_like_a_read_only_array():
    X, _ = make_windows(_ranges_panel(), window=4)
    dense = np.asarray(X)
    assert isinstance(X, PanelWindows)
    assert len(X) == X.shape[0] == len(dense) and X.ndim == 3
    assert X.dtype == np.float64
    assert_array_equal(X[5], dense[5])
    rows = np.array([3, 0, 7])
    subset = X[rows]
    assert isinstance(subset, PanelWindows)
    assert_array_equal(np.asarray(subset), dense[rows])
    assert_array_equal(np.asarray(X[2:6]), dense[2:6])
    mask = dense[:, 0, 0] > 1000
    assert_array_equal(np.asarray(X[mask]), dense[mask])
    assert_array_equal(X[:, -1, 0], dense[:, -1, 0])
    assert_array_equal(X[rows, 1:], dense[rows, 1:])
    assert_array_equal(subset.groups, X.groups[rows])
    restored = pickle.loads(pickle.dumps(X))
    assert_array_equal(np.asarray(restored), dense)
    with pytest.raises(ValueError, match="copies them"):
        np.asarray(X, copy=False)


def test_panel_windows_hold_the_series_not_the_windows():
    panel = [np.random.RandomState(i).rand(1000).astype(np.float32) for i in range(20)]
    X, _ = make_windows(panel, window=64)
    assert X.dtype == np.float32
    # 20 series x 1000 values, not 20 x 936 windows x 64 values.
    assert X._values.nbytes == 20 * 1000 * 4
    assert X.shape == (20 * 936, 64, 1)


def test_scikit_learn_splitters_index_panel_windows_without_copying():
    X, y, groups = make_windows(_ranges_panel(), window=4, return_groups=True)
    for train, test in TimeSeriesSplit(n_splits=3).split(X):
        X_train = _safe_indexing(X, train)
        assert isinstance(X_train, PanelWindows)
        assert_array_equal(X_train[:, -1, 0], X[:, -1, 0][train])
    for train, test in GroupKFold(n_splits=3).split(X, y, groups):
        assert len(set(groups[train]) & set(groups[test])) == 0


def test_sliding_windows_restart_at_each_series_of_a_long_dataframe():
    frame = pd.DataFrame(
        {
            "store": ["a", "b", "a", "b", "a", "a"],
            "day": [2, 1, 1, 2, 3, 4],
            "sales": [2.0, 10.0, 1.0, 20.0, 3.0, 4.0],
        }
    )
    transformer = SlidingWindowTransformer(window=2, id_col="store", time_col="day")
    Xt = transformer.fit_transform(frame)
    assert Xt.shape == (6, 2, 1) and isinstance(Xt, PanelWindows)
    # Row i is the window ending at row i, within its own store, by day.
    assert_array_equal(
        np.asarray(Xt)[:, :, 0],
        [[1, 2], [np.nan, 10], [np.nan, 1], [10, 20], [2, 3], [3, 4]],
    )
    assert_array_equal(Xt.groups, frame["store"])
    assert_array_equal(transformer.get_feature_names_out(), ["sales"])
    with pytest.raises(ValueError, match="unseen at fit time:\n- units"):
        transformer.transform(frame.rename(columns={"sales": "units"}))
