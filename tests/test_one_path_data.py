"""One reading of the data: times matched by value, gaps as NaN, one
frequency per panel, and the panel read the same whatever its rows' order."""

import numpy as np
import pandas as pd
import pytest

from skrnn import RNNForecaster, fill_gaps, make_windows


def _long(ids, times, values):
    return pd.DataFrame({"unique_id": ids, "ds": times, "y": values})


# fill_gaps


def test_fill_gaps_inserts_missing_dates_of_a_long_frame_as_nan_rows():
    frame = _long(
        ["b", "a", "a", "a", "b"],
        pd.to_datetime(
            ["2024-01-02", "2024-01-04", "2024-01-01", "2024-01-02", "2024-01-01"]
        ),
        [20.0, 4.0, 1.0, 2.0, 10.0],
    )
    filled = fill_gaps(frame, id_col="unique_id", time_col="ds")
    assert filled["unique_id"].tolist() == ["a", "a", "a", "a", "b", "b"]
    assert filled["ds"].dt.day.tolist() == [1, 2, 3, 4, 1, 2]
    np.testing.assert_array_equal(filled["y"], [1.0, 2.0, np.nan, 4.0, 10.0, 20.0])


def test_fill_gaps_gives_the_inserted_rows_their_series_static_values():
    days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"])
    frame = _long(["a"] * 3 + ["b"] * 3, days.append(days), np.arange(6.0))
    frame = frame.assign(size=[5.0] * 3 + [7.0] * 3, region=["n"] * 3 + ["s"] * 3)
    filled = fill_gaps(frame, id_col="unique_id", time_col="ds", static=["size"])
    assert filled["size"].tolist() == [5.0] * 4 + [7.0] * 4
    assert filled["region"].isna().tolist() == [False, False, True, False] * 2
    assert np.isnan(filled["y"][[2, 6]]).all()
    one = fill_gaps(frame[:3].drop(columns="unique_id"), time_col="ds", static=["size"])
    assert one["size"].tolist() == [5.0] * 4
    with pytest.raises(ValueError, match="static='weight' is not a column"):
        fill_gaps(frame, id_col="unique_id", time_col="ds", static=["weight"])


def test_fill_gaps_series_with_a_month_start_index():
    series = pd.Series(
        [1.0, 2.0, 4.0, 5.0],
        index=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01", "2024-05-01"]),
        name="sales",
    )
    filled = fill_gaps(series)
    assert filled.index.month.tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(filled, [1.0, 2.0, np.nan, 4.0, 5.0])
    assert filled.name == "sales"


def test_fill_gaps_integer_times_step_is_the_most_common_one():
    frame = _long(
        ["a"] * 4 + ["b"] * 2, [2000, 2002, 2004, 2008, 2000, 2002], np.arange(6.0)
    )
    filled = fill_gaps(frame, id_col="unique_id", time_col="ds")
    assert filled["ds"].tolist() == [2000, 2002, 2004, 2006, 2008, 2000, 2002]
    assert np.isnan(filled["y"].iloc[3])


def test_fill_gaps_periods_and_explicit_freq():
    series = pd.Series([1.0, 3.0], index=pd.PeriodIndex(["2024Q1", "2024Q3"], freq="Q"))
    np.testing.assert_array_equal(fill_gaps(series), [1.0, np.nan, 3.0])
    dated = pd.Series([1.0, 3.0], index=pd.to_datetime(["2024-01-01", "2024-01-03"]))
    np.testing.assert_array_equal(fill_gaps(dated, freq="D"), [1.0, np.nan, 3.0])


def test_fill_gaps_refuses_a_repeated_time_naming_series_and_time():
    frame = _long(["a", "a", "b"], [2000, 2000, 2001], [1.0, 2.0, 3.0])
    with pytest.raises(
        ValueError, match="series 'a' has the time 2000 in more than one row"
    ):
        fill_gaps(frame, id_col="unique_id", time_col="ds")


def test_fill_gaps_refuses_irregular_times_naming_freq():
    dated = pd.Series(
        [1.0, 2.0, 3.0],
        index=pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-06"]),
    )
    with pytest.raises(ValueError, match="freq="):
        fill_gaps(dated)
    np.testing.assert_array_equal(
        fill_gaps(dated, freq="D"), [1, np.nan, 2, np.nan, np.nan, 3]
    )


# The panels the cases below read: two series "a" and "b" of years.

YEARS = np.arange(2000, 2040)


def _yearly(ids=("a", "b")):
    rows = []
    for i, key in enumerate(ids):
        rows.append(
            pd.DataFrame(
                {
                    "id": key,
                    "year": YEARS,
                    "y": np.sin(YEARS / 3.0) + i,
                    "temp": np.cos(YEARS / 5.0),
                    "kind": np.where(YEARS % 2, "odd", "even"),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _future(years=(2040, 2041), ids=("a", "b")):
    years = np.asarray(years)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "id": key,
                    "year": years,
                    "temp": np.cos(years / 5.0),
                    "kind": np.where(years % 2, "odd", "even"),
                }
            )
            for key in ids
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def covariate_model():
    from skrnn import GRUForecaster

    X, y = make_windows(
        _yearly(),
        window=4,
        id_col="id",
        time_col="year",
        target="y",
        future=["temp", "kind"],
    )
    return GRUForecaster(units=4, epochs=1, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def plain_model():
    from skrnn import GRUForecaster

    X, y = make_windows(
        _yearly()[["id", "year", "y"]],
        window=4,
        id_col="id",
        time_col="year",
        target="y",
    )
    return GRUForecaster(units=4, epochs=1, random_state=0).fit(X, y)


def _forecast(model, future, history=None):
    return model.forecast(
        _yearly() if history is None else history,
        2,
        future=future,
        id_col="id",
        time_col="year",
    )


def test_case1_future_rows_are_matched_to_integer_times_by_value(covariate_model):
    expected = _forecast(covariate_model, _future())
    assert expected["year"].tolist() == [2040, 2041, 2040, 2041]
    # Rows in another order, and extra years, give the same forecast.
    shuffled = _future(years=(2042, 2041, 2040)).sample(frac=1, random_state=0)
    pd.testing.assert_frame_equal(_forecast(covariate_model, shuffled), expected)
    with pytest.raises(ValueError, match="series 'a' has no row for 2040"):
        _forecast(covariate_model, _future(years=(2050, 2051)))
    with pytest.raises(ValueError, match="future has no time_col='year'"):
        _forecast(covariate_model, _future().drop(columns="year"))


def test_case2_a_repeated_time_in_future_is_refused(covariate_model):
    future = _future()
    repeated = pd.concat([future, future.iloc[[2]]], ignore_index=True)
    with pytest.raises(
        ValueError, match="series 'b' has the time 2040 in more than one row"
    ):
        _forecast(covariate_model, repeated)


def test_case3_a_missing_time_is_a_gap_of_nan(plain_model):
    frame = _yearly()[["id", "year", "y"]]
    gap = frame[~((frame["id"] == "a") & (frame["year"] == 2010))]
    X, y = make_windows(gap, window=4, id_col="id", time_col="year", target="y")
    # Same windows as the full panel, those touching 2010 holding NaN.
    full_X, _ = make_windows(frame, window=4, id_col="id", time_col="year", target="y")
    assert X.shape == full_X.shape
    touching = np.isnan(np.asarray(X)).any(axis=(1, 2)) | np.isnan(y)
    assert touching.sum() == 5  # 4 windows hold 2010, 1 predicts it
    last = frame[~((frame["id"] == "b") & (frame["year"] == 2038))]
    with pytest.raises(ValueError, match=r"series 'b'.*NaN at 2038.*fill_gaps"):
        plain_model.forecast(last, 2, id_col="id", time_col="year")
    # The advice works on a long frame.
    filled = fill_gaps(last, id_col="id", time_col="year")
    filled["y"] = filled.groupby("id")["y"].transform(lambda s: s.interpolate())
    assert len(plain_model.forecast(filled, 2, id_col="id", time_col="year")) == 4


def test_case4_a_long_forecast_without_time_col_numbers_the_steps(plain_model):
    frame = _yearly()[["id", "y"]]
    forecast = plain_model.forecast(frame, 3, id_col="id")
    assert list(forecast.columns) == ["id", "step", "y"]
    assert forecast["id"].tolist() == ["a"] * 3 + ["b"] * 3
    assert forecast["step"].tolist() == [1, 2, 3, 1, 2, 3]
    alone = plain_model.forecast(frame["y"][frame["id"] == "b"].to_numpy(), 3)
    np.testing.assert_allclose(forecast["y"][3:], alone, rtol=1e-5, atol=1e-6)


def test_case5_a_series_of_two_rows_is_dated_like_the_panel(plain_model):
    dates = pd.date_range("2024-01-01", periods=40, freq="W-MON")
    frame = _yearly()[["id", "y"]].assign(ds=np.tile(dates, 2))
    new = pd.DataFrame({"id": "new", "ds": dates[-2:], "y": [0.5, 0.6]})
    forecast = plain_model.forecast(
        pd.concat([frame, new]), 2, id_col="id", time_col="ds", pad=True
    )
    after = pd.date_range(dates[-1], periods=3, freq="W-MON")[1:]
    assert_new = forecast[forecast["id"] == "new"]["ds"]
    np.testing.assert_array_equal(assert_new, after)
    X, _ = make_windows(
        pd.concat([frame, new]), window=4, id_col="id", time_col="ds", target="y"
    )
    assert len(X) == 2 * 36


def test_case6_ids_1_and_text_1_stay_two_groups():
    from sklearn.model_selection import GroupKFold

    frame = pd.DataFrame({"id": [1] * 6 + ["1"] * 6, "y": np.arange(12.0)})
    X, y, groups = make_windows(frame, window=2, id_col="id", return_groups=True)
    assert groups.dtype == object
    assert groups[0] == 1 and isinstance(groups[0], int)
    assert groups[-1] == "1"
    # scikit-learn sorts groups, which mixed types refuse: number them.
    codes = pd.factorize(groups)[0]
    for train, test in GroupKFold(n_splits=2).split(X, y, codes):
        assert not set(codes[train]) & set(codes[test])


def test_case7_static_with_a_repeated_id_and_a_forgotten_time_col():
    frame = _yearly()[["id", "year", "y"]]
    static = pd.DataFrame({"id": ["a", "b", "b"], "size": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="static has more than one row for series 'b'"):
        make_windows(
            frame, window=4, id_col="id", time_col="year", target="y", static=static
        )
    dated = frame.assign(year=pd.to_datetime(frame["year"].astype(str)))
    with pytest.raises(ValueError, match="column 'year' holds times.*time_col='year'"):
        make_windows(dated, window=4, id_col="id", target="y")


def test_case8_any_row_order_gives_the_same_windows():
    frame = _yearly()[["id", "year", "y"]]
    X, y, groups = make_windows(
        frame, window=4, id_col="id", time_col="year", target="y", return_groups=True
    )
    shuffled = frame.sample(frac=1, random_state=1)
    assert shuffled["id"].iloc[0] == "b"  # b appears first
    X2, y2, groups2 = make_windows(
        shuffled, window=4, id_col="id", time_col="year", target="y", return_groups=True
    )
    np.testing.assert_array_equal(np.asarray(X2), np.asarray(X))
    np.testing.assert_array_equal(y2, y)
    np.testing.assert_array_equal(groups2, groups)


def test_case9_an_unseen_category_in_future_warns(covariate_model):
    future = _future()
    future.loc[1, "kind"] = "Odd"
    with pytest.warns(UserWarning, match=r"future: column 'kind'.*\['Odd'\]"):
        _forecast(covariate_model, future)


def test_case9_an_unseen_category_in_static_warns():
    from skrnn import GRUForecaster

    frame = _yearly()[["id", "year", "y"]]
    static = pd.DataFrame({"id": ["a", "b"], "size": ["small", "large"]})
    X, y = make_windows(
        frame, window=4, id_col="id", time_col="year", target="y", static=static
    )
    model = GRUForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    typo = static.assign(size=["small", "Large"])
    with pytest.warns(UserWarning, match=r"static: column 'size'.*\['Large'\]"):
        model.forecast(frame, 2, id_col="id", time_col="year", static=typo)


def test_fill_gaps_daily_series_across_a_clock_change():
    days = pd.date_range("2024-03-28", periods=6, freq="D", tz="Europe/Paris")
    series = pd.Series(np.arange(6.0), index=days).drop(days[3])
    filled = fill_gaps(series)
    assert filled.index.equals(days)
    np.testing.assert_array_equal(filled, [0, 1, 2, np.nan, 4, 5])


def test_one_dated_series_reads_its_missing_dates_as_gaps_like_a_panel_of_one():
    """Issue 21: the same series gives the same windows and forecast alone
    or in a list; a missing date is a gap, not a contiguous step."""
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    series = pd.Series(np.sin(np.arange(40) / 3) + 2, index=days).drop(days[20])
    X, y = make_windows(series, window=5)
    X_panel, y_panel = make_windows([series], window=5)
    np.testing.assert_array_equal(np.asarray(X), np.asarray(X_panel))
    np.testing.assert_array_equal(y, y_panel)
    assert len(X) == 40 - 5 and np.isnan(np.asarray(X)).any(axis=(1, 2)).sum() == 5
    model = RNNForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    alone = model.forecast(series, 3)
    np.testing.assert_allclose(alone, model.forecast([series], 3)[0])
    np.testing.assert_allclose(alone, model.forecast(series.asfreq("D"), 3))
    assert list(alone.index) == list(pd.date_range("2024-02-10", periods=3))
    with pytest.raises(ValueError, match="the first at 2024-02-08"):
        model.forecast(series.drop(days[38]), 3)
