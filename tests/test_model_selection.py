"""Backtests from many origins and model selection by multi-step error."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV

import skrnn.metrics
from skrnn import GRUForecaster, make_windows
from skrnn.model_selection import ForecastOriginSplit, backtest

WINDOW = 6


def _model(**params):
    return GRUForecaster(units=4, epochs=1, random_state=0, **params)


def _wave(n, level=0.0, phase=0):
    return level + np.sin((np.arange(n) + phase) / 3)


# ---------------------------------------------------------------- backtest


def test_single_series_rows_cutoffs_times_and_truth():
    series = _wave(60)
    result = backtest(
        _model(),
        series,
        window=WINDOW,
        horizon=1,
        steps=4,
        n_windows=3,
        step_size=2,
        refit=False,
    )
    assert list(result.columns) == ["ds", "cutoff", "y", "forecast"]
    # The last origin is `steps` before the end; the others 2 apart.
    assert_array_equal(result["cutoff"], np.repeat([51, 53, 55], 4))
    assert_array_equal(
        result["ds"],
        np.concatenate([np.arange(52, 56), np.arange(54, 58), np.arange(56, 60)]),
    )
    assert_array_equal(result["y"], series[result["ds"]])
    assert np.isfinite(result["forecast"]).all()


def test_list_panel_lines_series_up_at_their_ends_and_skips_late_starters():
    long, short, late = _wave(50), _wave(30, 5.0), _wave(4, -5.0)
    result = backtest(
        _model(),
        [long, short, late],
        window=WINDOW,
        horizon=2,
        steps=3,
        n_windows=2,
        refit=True,
    )
    assert list(result.columns) == ["unique_id", "ds", "cutoff", "y", "forecast"]
    # Times count from the longest series' start; every series ends at 49.
    assert result["cutoff"].unique().tolist() == [43, 46]
    first = result[result["cutoff"] == 43]
    # The series of 4 values starts at 46: nothing before the first origin,
    # one value at the second, padded to the window.
    assert first["unique_id"].unique().tolist() == [0, 1]
    second = result[result["cutoff"] == 46]
    assert second["unique_id"].unique().tolist() == [0, 1, 2]
    assert_array_equal(second["ds"], np.tile([47, 48, 49], 3))
    assert result["unique_id"].tolist() == [0] * 6 + [1] * 6 + [2] * 3
    truth = {0: long, 1: short, 2: late}
    for key, rows in result.groupby("unique_id"):
        series = truth[key]
        positions = rows["ds"] - (50 - len(series))
        assert_array_equal(rows["y"], series[positions])


def test_dict_of_quarterly_series_matched_by_period():
    periods = pd.period_range("2000Q1", periods=40, freq="Q")
    panel = {
        "north": pd.Series(_wave(40), index=periods),
        # Ends three quarters early: no value at the last origin, 2009Q2.
        "south": pd.Series(_wave(29, 3.0), index=periods[8:37]),
    }
    result = backtest(
        _model(),
        panel,
        window=WINDOW,
        horizon=1,
        steps=2,
        n_windows=2,
        refit=2,
    )
    assert list(result.columns) == ["unique_id", "ds", "cutoff", "y", "forecast"]
    assert result["cutoff"].unique().tolist() == [
        pd.Period("2008Q4", "Q"),
        pd.Period("2009Q2", "Q"),
    ]
    at_last = result[result["cutoff"] == pd.Period("2009Q2", "Q")]
    assert at_last["unique_id"].unique().tolist() == ["north"]
    south = result[result["unique_id"] == "south"]
    assert south["ds"].tolist() == [pd.Period("2009Q1", "Q"), pd.Period("2009Q2", "Q")]
    # What happened, where known.
    assert_array_equal(south["y"], [panel["south"].iloc[-1], np.nan])


def _long_frame(times):
    n = len(times)
    return pd.concat(
        [
            pd.DataFrame({"store": "a", "date": times, "sales": _wave(n, 10.0)}),
            pd.DataFrame(
                {"store": "b", "date": times[5:], "sales": _wave(n - 5, 20.0)}
            ),
        ],
        ignore_index=True,
    )


@pytest.mark.parametrize(
    "times",
    [
        pd.date_range("2024-01-01", periods=40, freq="D"),
        pd.date_range("2020-01-01", periods=40, freq="MS"),
        np.arange(100, 500, 10),
    ],
    ids=["daily", "monthly", "integer-by-10"],
)
def test_long_dataframe_keeps_its_columns_and_times(times):
    frame = _long_frame(times)
    result = backtest(
        _model(),
        frame,
        window=WINDOW,
        horizon=1,
        steps=3,
        n_windows=2,
        refit=False,
        id_col="store",
        time_col="date",
        target="sales",
        coverage=0.8,
    )
    assert list(result.columns) == [
        "store",
        "date",
        "cutoff",
        "sales",
        "forecast",
        "forecast_lower",
        "forecast_upper",
    ]
    assert result["cutoff"].unique().tolist() == [times[-7], times[-4]]
    # Series by series, origin by origin.
    assert result["date"].tolist() == list(times[-6:]) * 2
    assert result["cutoff"].tolist() == ([times[-7]] * 3 + [times[-4]] * 3) * 2
    merged = result.merge(frame, on=["store", "date"], suffixes=("", "_data"))
    assert_array_equal(merged["sales"], merged["sales_data"])
    assert (result["forecast_lower"] <= result["forecast"]).all()
    assert (result["forecast"] <= result["forecast_upper"]).all()


def test_a_missing_value_at_an_origin_leaves_that_series_out():
    series = {"a": _wave(40), "b": _wave(40, 2.0)}
    # Origins 30 and 36; b's window of 6 ending at 30 misses a value.
    series["b"][29] = np.nan
    result = backtest(
        _model(),
        series,
        window=WINDOW,
        horizon=1,
        steps=3,
        n_windows=2,
        step_size=6,
        refit=False,
    )
    first = result[result["cutoff"] == 30]
    assert first["unique_id"].unique().tolist() == ["a"]
    assert result[result["cutoff"] == 36]["unique_id"].unique().tolist() == ["a", "b"]


@pytest.mark.parametrize("refit", [True, False])
def test_values_after_an_origin_change_nothing_forecast_from_it(refit):
    rng = np.random.RandomState(0)
    panel = {
        "a": _wave(50) + 0.1 * rng.randn(50),
        "b": _wave(45, 4.0) + 0.1 * rng.randn(45),
    }
    options = {
        "window": WINDOW,
        "horizon": 2,
        "steps": 3,
        "n_windows": 3,
        "refit": refit,
    }
    # Scaling learnt from the training data, a validation tail and early
    # stopping: each would carry the garbage in if it saw past the origin.
    model = GRUForecaster(
        units=4,
        epochs=3,
        normalize="global",
        validation_fraction=0.2,
        early_stopping=True,
        patience=1,
        random_state=0,
    )
    result = backtest(model, panel, **options)
    # Garbage after the first origin (46 steps into b, 42 into a).
    cutoff = result["cutoff"].min()
    spoiled = {
        key: np.where(np.arange(len(s)) > cutoff - (50 - len(s)), 1e6, s)
        for key, s in panel.items()
    }
    spoiled_result = backtest(model, spoiled, **options)
    same = result["cutoff"] == cutoff
    assert same.sum() == 6
    assert_array_equal(
        result.loc[same, "forecast"], spoiled_result.loc[same, "forecast"]
    )
    # ... and the later origins, which see the garbage, do change.
    assert not np.allclose(
        result.loc[~same, "forecast"], spoiled_result.loc[~same, "forecast"]
    )


class _Untouchable:
    """An estimator that fails the test if backtest fits or clones it."""

    def get_params(self, deep=True):
        raise AssertionError("backtest worked before checking its arguments")

    def fit(self, X, y):
        raise AssertionError("backtest fitted before checking its arguments")

    def forecast(self, history, steps):
        raise AssertionError("backtest forecast before checking its arguments")


@pytest.mark.parametrize(
    "option, value",
    [
        ("n_windows", 0),
        ("n_windows", 2.5),
        ("steps", 0),
        ("step_size", 0),
        ("refit", 0),
        ("refit", "always"),
        ("window", -1),
        ("coverage", 1.5),
    ],
)
def test_bad_options_are_refused_before_any_fit(option, value):
    options = {"window": WINDOW, "horizon": 1, "steps": 3, "n_windows": 2}
    options[option] = value
    with pytest.raises(ValueError, match=option):
        backtest(_Untouchable(), _wave(60), **options)


def test_origins_before_the_data_are_refused_before_any_fit():
    # The 11th origin back is 59 - 5 - 10 * 5 = 4: too early for a window of 6.
    with pytest.raises(ValueError, match="n_windows=11"):
        backtest(
            _Untouchable(), _wave(60), window=WINDOW, horizon=1, steps=5, n_windows=11
        )


@pytest.mark.parametrize(
    "target, message", [("c", "target='c' is not"), ("a", "leaves the value")]
)
def test_targets_that_cannot_be_forecast_are_refused_before_any_fit(target, message):
    frame = pd.DataFrame({"a": _wave(40), "b": _wave(40)})
    with pytest.raises(ValueError, match=message):
        backtest(
            _Untouchable(),
            frame,
            window=WINDOW,
            horizon=1,
            steps=3,
            n_windows=2,
            target=target,
        )


# ----------------------------------------------------- ForecastOriginSplit


def _positions(X):
    """Each window's series and the place of its last input step in it."""
    return X.groups, X[:, -1, 0]


def test_split_tests_every_series_at_its_origins_without_overlap():
    # Values equal their position, so windows say where they are.
    panel = {"a": np.arange(30.0), "b": np.arange(20.0), "c": np.arange(8.0)}
    X, y = make_windows(panel, window=4, horizon=3)
    cv = ForecastOriginSplit(n_splits=3, horizon=3, step=2)
    assert cv.get_n_splits(X, y) == 3
    splits = list(cv.split(X, y))
    assert len(splits) == 3
    for k, (train, test) in enumerate(splits):
        groups, last = _positions(X[test])
        behind = (3 - 1 - k) * 2
        ends = {"a": 26, "b": 16, "c": 4}  # the last window's last input
        assert groups.tolist() == [g for g in ("a", "b", "c") if ends[g] - behind >= 3]
        assert_array_equal(last, [ends[g] - behind for g in groups])
        # Every training target ends at or before its series' origin.
        train_groups, train_last = _positions(X[train])
        origin = np.array([ends[g] - behind for g in train_groups])
        assert (train_last + 3 <= origin).all()
        assert not set(train) & set(test)
        assert_array_equal(y[test][:, 0], last + 1)


def test_split_on_one_series_array_and_on_arrays_with_groups():
    X, y = make_windows(np.arange(20.0), window=3, horizon=2)
    cv = ForecastOriginSplit(n_splits=2, horizon=2)
    (train0, test0), (train1, test1) = cv.split(X, y)
    # 16 windows: the last tests at 15, the one before at 13; training
    # windows end their targets (i + 3 + 1) at or before the test's origin.
    assert_array_equal(test1, [15])
    assert_array_equal(train1, np.arange(14))
    assert_array_equal(test0, [13])
    assert_array_equal(train0, np.arange(12))

    Xp, yp, groups = make_windows(
        [np.arange(10.0), np.arange(8.0)],
        window=3,
        horizon=2,
        return_groups=True,
    )
    from_array = list(cv.split(np.asarray(Xp), yp, groups))
    from_panel = list(cv.split(Xp, yp))
    for (a_train, a_test), (p_train, p_test) in zip(from_array, from_panel):
        assert_array_equal(a_train, p_train)
        assert_array_equal(a_test, p_test)


def test_split_refuses_more_origins_than_windows():
    X, y = make_windows(np.arange(12.0), window=3, horizon=2)
    cv = ForecastOriginSplit(n_splits=4, horizon=2)
    with pytest.raises(ValueError, match="n_splits=4"):
        list(cv.split(X, y))


@pytest.mark.parametrize("option", ["n_splits", "horizon", "step"])
def test_split_refuses_bad_options(option):
    options = {"n_splits": 2, "horizon": 2, "step": None}
    options[option] = 0
    with pytest.raises(ValueError, match=option):
        ForecastOriginSplit(**options)


def test_grid_search_on_a_panel_chooses_by_multi_step_error():
    panel = [_wave(40, level) for level in (0.0, 5.0, 10.0)]
    X, y = make_windows(panel, window=WINDOW, horizon=3)
    cv = ForecastOriginSplit(n_splits=2, horizon=3)
    search = GridSearchCV(
        _model(),
        {"units": [2, 4]},
        cv=cv,
        scoring=skrnn.metrics.smape_scorer,
        refit=False,
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and (scores < 0).all()
    assert search.best_params_ == {"units": [2, 4][np.argmax(scores)]}


def test_future_covariates_are_read_at_their_true_times():
    times = pd.date_range("2024-01-01", periods=40, freq="D")
    promo = (np.arange(40) % 5 == 0).astype(float)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": key,
                    "ds": times,
                    "sales": _wave(40, level) + promo,
                    "promo": promo,
                    "size": level,
                }
            )
            for key, level in (("x", 1.0), ("y", 3.0))
        ],
        ignore_index=True,
    )
    options = {
        "window": WINDOW,
        "horizon": 2,
        "steps": 4,
        "n_windows": 2,
        "refit": False,
        "id_col": "id",
        "time_col": "ds",
        "target": "sales",
        "future": ["promo"],
        "static": ["size"],
    }
    result = backtest(_model(), frame, **options)
    assert list(result.columns) == ["id", "ds", "cutoff", "sales", "forecast"]
    assert result["ds"].tolist() == list(times[-8:]) * 2
    # From the first origin, the promotions at the forecast's times are
    # inputs: changing them changes the forecast; the sales there do not.
    first = result["cutoff"] == times[-9]
    after = frame["ds"] > times[-9]
    changed = frame.assign(sales=np.where(after, 0.0, frame["sales"]))
    assert_array_equal(
        backtest(_model(), changed, **options)["forecast"][first],
        result["forecast"][first],
    )
    later = frame.assign(promo=np.where(after, 5.0, frame["promo"]))
    assert not np.allclose(
        backtest(_model(), later, **options)["forecast"][first],
        result["forecast"][first],
    )
