import datetime
import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import check_param_validation

from skrnn import CalendarFeatures, SlidingWindowTransformer
from skrnn.datasets import make_load_panel


def test_hour_of_day_on_a_daily_period():
    times = pd.DatetimeIndex(
        ["2024-01-01 00:00", "2024-01-01 06:00", "2024-01-01 12:00", "2024-01-01 18:00"]
        + ["2024-01-01 06:30", "2024-01-01 23:00"]
    )
    out = CalendarFeatures(features=["hour"]).fit_transform(times)
    assert out.columns.tolist() == ["hour_sin", "hour_cos"]
    assert out.index.equals(times)
    np.testing.assert_allclose(out["hour_sin"][:4], [0, 1, 0, -1], atol=1e-12)
    np.testing.assert_allclose(out["hour_cos"][:4], [1, 0, -1, 0], atol=1e-12)
    # Minutes count: 6:30 is 6.5 hours into the day.
    angle = 2 * np.pi * 6.5 / 24
    assert out["hour_sin"].iloc[4] == pytest.approx(np.sin(angle))
    assert out["hour_cos"].iloc[4] == pytest.approx(np.cos(angle))
    # 23:00 lies next to 0:00: one hour's angle away.
    assert out["hour_cos"].iloc[5] == pytest.approx(np.cos(2 * np.pi / 24))
    assert out["hour_sin"].iloc[5] == pytest.approx(-np.sin(2 * np.pi / 24))


def test_day_of_week_and_day_of_year():
    # 2024-01-01 is a Monday; 2024 is a leap year, so 2 July is its middle.
    times = pd.DatetimeIndex(["2024-01-01", "2024-01-04", "2024-07-02", "2023-12-31"])
    out = CalendarFeatures(features=["day_of_week", "day_of_year"]).fit_transform(times)
    assert out.columns.tolist() == [
        "day_of_week_sin",
        "day_of_week_cos",
        "day_of_year_sin",
        "day_of_year_cos",
    ]
    week = 2 * np.pi * np.array([0, 3, 1, 6]) / 7  # Mon, Thu, Tue, Sun
    np.testing.assert_allclose(out["day_of_week_sin"], np.sin(week), atol=1e-12)
    np.testing.assert_allclose(out["day_of_week_cos"], np.cos(week), atol=1e-12)
    year = 2 * np.pi * np.array([0, 3 / 366, 183 / 366, 364 / 365])
    np.testing.assert_allclose(out["day_of_year_sin"], np.sin(year), atol=1e-12)
    np.testing.assert_allclose(out["day_of_year_cos"], np.cos(year), atol=1e-12)
    assert out["day_of_year_cos"].iloc[2] == pytest.approx(-1)


def test_default_features_and_holiday_flags():
    times = pd.date_range("2024-12-24 22:00", periods=30, freq="h")
    holidays = ["2024-12-25", datetime.date(2024, 12, 26), pd.Timestamp("2025-01-01")]
    calendar = CalendarFeatures(holidays=holidays).fit(times)
    out = calendar.transform(times)
    assert calendar.calendar_columns_ == [
        "hour_sin",
        "hour_cos",
        "day_of_week_sin",
        "day_of_week_cos",
        "day_of_year_sin",
        "day_of_year_cos",
        "holiday",
    ]
    assert out.columns.tolist() == calendar.calendar_columns_
    assert out["holiday"].dtype == np.int8
    # Every hour of 25 and 26 December, none of the 24th.
    expected = (times.normalize() != pd.Timestamp("2024-12-24")).astype("int8")
    np.testing.assert_array_equal(out["holiday"], expected)
    assert calendar.holidays_.equals(pd.DatetimeIndex(holidays))
    none = CalendarFeatures(features=["hour"], holidays=[]).fit_transform(times)
    assert none["holiday"].sum() == 0
    assert "holiday" not in CalendarFeatures().fit_transform(times).columns


def test_tz_aware_times_use_the_local_clock():
    # Paris skips 2:00 on 31 March 2024; New York's 22:00 on 24 December is
    # already 25 December in UTC, but not a holiday locally.
    paris = pd.date_range("2024-03-31 00:00", periods=4, freq="h", tz="Europe/Paris")
    out = CalendarFeatures(features=["hour"]).fit_transform(paris)
    np.testing.assert_allclose(
        out["hour_sin"], np.sin(2 * np.pi * np.array([0, 1, 3, 4]) / 24)
    )
    new_york = pd.DatetimeIndex(
        ["2024-12-24 22:00", "2024-12-25 01:00"], tz="America/New_York"
    )
    calendar = CalendarFeatures(features=["day_of_week"], holidays=["2024-12-25"])
    out = calendar.fit_transform(new_york)
    assert out["holiday"].tolist() == [0, 1]
    # Tuesday, then Wednesday.
    np.testing.assert_allclose(
        out["day_of_week_sin"], np.sin(2 * np.pi * np.r_[1, 2] / 7)
    )
    # tz-aware holidays count by their own local date.
    aware = CalendarFeatures(
        features=["hour"], holidays=[pd.Timestamp("2024-12-25 23:00", tz="Asia/Tokyo")]
    )
    assert aware.fit_transform(new_york)["holiday"].tolist() == [0, 1]


@pytest.fixture(scope="module")
def panel():
    frame, _ = make_load_panel(n_regions=2, n_days=3)
    return frame


def test_long_frame_keeps_its_rows_and_appends_the_features(panel):
    shuffled = panel.sample(frac=1, random_state=0)
    before = shuffled.copy()
    calendar = CalendarFeatures(time_col="ds", features=["hour", "day_of_week"])
    out = calendar.fit_transform(shuffled)
    pd.testing.assert_frame_equal(shuffled, before)  # the input is not modified
    assert out.index.equals(shuffled.index)
    pd.testing.assert_frame_equal(out[panel.columns], shuffled)
    hours = shuffled["ds"].dt.hour.to_numpy()
    np.testing.assert_allclose(out["hour_sin"], np.sin(2 * np.pi * hours / 24))
    assert calendar.n_features_in_ == 5
    assert calendar.feature_names_in_.tolist() == panel.columns.tolist()
    assert calendar.get_feature_names_out().tolist() == (
        panel.columns.tolist() + calendar.calendar_columns_
    )


def test_index_of_a_single_series_frame():
    series = pd.DataFrame(
        {"load": [1.0, 2.0]}, index=pd.date_range("2024-01-01", periods=2, freq="6h")
    )
    out = CalendarFeatures(features=["hour"]).fit_transform(series)
    assert out.columns.tolist() == ["load", "hour_sin", "hour_cos"]
    np.testing.assert_allclose(out["hour_sin"], [0, 1], atol=1e-12)


def test_future_dates_without_target(panel):
    history = panel.drop(columns="holiday")
    calendar = CalendarFeatures(time_col="ds", holidays=["2024-01-05"]).fit(history)
    future = pd.DataFrame(
        {
            "unique_id": ["region_1"] * 2 + ["region_2"] * 2,
            "ds": pd.to_datetime(["2024-01-04 23:00", "2024-01-05 00:00"] * 2),
            "temperature": [1.0, 2.0, 3.0, 4.0],
        }
    )
    out = calendar.transform(future)
    assert out.columns.tolist() == ["unique_id", "ds", "temperature"] + (
        calendar.calendar_columns_
    )
    assert out["holiday"].tolist() == [0, 1, 0, 1]
    np.testing.assert_allclose(out["hour_cos"], [np.cos(2 * np.pi * 23 / 24), 1] * 2)
    # The bare timestamps of the forecast period give the features alone.
    dates = pd.date_range("2024-01-04 23:00", periods=2, freq="h")
    alone = calendar.transform(dates)
    pd.testing.assert_frame_equal(
        alone.reset_index(drop=True),
        out.loc[:1, calendar.calendar_columns_].reset_index(drop=True),
    )


def test_in_a_pipeline_before_panel_windows(panel):
    pipe = make_pipeline(
        CalendarFeatures(time_col="ds", features=["hour"]),
        SlidingWindowTransformer(window=2, id_col="unique_id", time_col="ds"),
    ).set_output(transform="pandas")
    windows = pipe.fit_transform(panel.drop(columns="holiday"))
    assert pipe[-1].value_columns_ == ["load", "temperature", "hour_sin", "hour_cos"]
    assert windows.shape == (len(panel), 2, 4)
    # Row 1 of region_1 is hours 0 and 1 of 2024-01-01.
    np.testing.assert_allclose(
        np.asarray(windows[1])[:, 2], np.sin(2 * np.pi * np.array([0, 1]) / 24)
    )


def test_clone_and_parameters():
    calendar = CalendarFeatures(
        time_col="ds", features=("hour",), holidays=["2024-01-01"]
    )
    copy = clone(calendar)
    assert copy.get_params() == calendar.get_params()
    assert not hasattr(copy, "calendar_columns_")
    check_param_validation("CalendarFeatures", CalendarFeatures())


@pytest.mark.parametrize(
    "params, match",
    [
        ({"features": ["minute"]}, r"features must name each of \['hour'"),
        ({"features": ["hour", "hour"]}, "at most once"),
        ({"features": []}, "add no column"),
        ({"holidays": ["someday"]}, "holidays must be dates"),
        ({"time_col": "when"}, "time_col='when' is not a column of X"),
        ({"time_col": "load"}, r"pd.to_datetime\(X\['load'\]\)"),
        ({"holidays": ["2024-01-01"], "time_col": "ds"}, r"already has.*'holiday'"),
    ],
)
def test_bad_parameters_are_named(panel, params, match):
    with pytest.raises(ValueError, match=match):
        CalendarFeatures(**params).fit(panel)


def test_bad_input_is_named(panel):
    calendar = CalendarFeatures(features=["hour"])
    with pytest.raises(ValueError, match=r"the index of X must hold timestamps"):
        calendar.fit(panel)
    with pytest.raises(TypeError, match=r"pd.DatetimeIndex\(series\)"):
        calendar.fit(panel["ds"])
    with pytest.raises(TypeError, match="got ndarray"):
        calendar.fit(np.zeros((3, 1)))
    gap = panel.head(3).copy()
    gap.loc[1, "ds"] = pd.NaT
    with pytest.raises(ValueError, match=r"missing timestamps \(NaT\) at position"):
        CalendarFeatures(time_col="ds").fit(gap)
    fitted = CalendarFeatures(time_col="ds").fit(panel)
    with pytest.raises(ValueError, match="time_col='ds' is not a column"):
        fitted.transform(panel.drop(columns="ds"))
    with pytest.raises(ValueError, match="set_output.*'polars'"):
        fitted.set_output(transform="polars")
    assert fitted.set_output(transform="pandas") is fitted


def test_country_and_region_holidays_without_typing_them():
    pytest.importorskip("holidays")
    # Fitted on 2024, transforming 2025's rows too: each year's own holidays.
    days = pd.date_range("2024-11-04", periods=3, freq="D").append(
        pd.DatetimeIndex(["2024-12-24", "2024-12-25", "2025-11-04", "2025-12-25"])
    )
    victoria = CalendarFeatures(features=[], country="AU", subdiv="VIC")
    victoria.fit(days[:5])
    flags = victoria.transform(days)["holiday"]
    # Melbourne Cup day (first Tuesday of November) and Christmas.
    assert flags.tolist() == [0, 1, 0, 0, 1, 1, 1]
    assert pd.Timestamp("2024-11-05") in victoria.holidays_
    assert pd.Timestamp("2025-11-04") not in victoria.holidays_  # not fitted on
    nsw = CalendarFeatures(features=[], country="AU", subdiv="NSW").fit(days)
    assert nsw.transform(days)["holiday"].tolist() == [0, 0, 0, 0, 1, 0, 1]
    national = CalendarFeatures(features=[], country="AU").fit(days)
    assert national.transform(days)["holiday"].tolist() == [0, 0, 0, 0, 1, 0, 1]


def test_country_holidays_combine_with_typed_dates_and_survive_pickling(panel):
    pytest.importorskip("holidays")
    calendar = CalendarFeatures(
        time_col="ds", features=["hour"], holidays=["2024-12-24"], country="AU"
    )
    future = pd.DataFrame(
        {
            "unique_id": "a",
            "ds": pd.to_datetime(["2024-12-24 09:00", "2024-12-25 09:00"]),
        }
    )
    calendar.fit(future)
    assert calendar.calendar_columns_ == ["hour_sin", "hour_cos", "holiday"]
    assert calendar.transform(future)["holiday"].tolist() == [1, 1]
    copy = pickle.loads(pickle.dumps(calendar))
    pd.testing.assert_frame_equal(copy.transform(future), calendar.transform(future))
    assert clone(calendar).get_params() == calendar.get_params()


@pytest.mark.parametrize(
    "params, match",
    [
        ({"country": "XX"}, r"country='XX' is not a country code.*'AU'"),
        ({"country": "au"}, r"Did you mean country='AU'\?"),
        ({"country": "AU", "subdiv": "Melbourne"}, r"subdiv='Melbourne'.*'VIC'"),
        ({"subdiv": "VIC"}, r"pass country= too"),
    ],
)
def test_unknown_country_or_region_is_named_before_reading_x(params, match):
    pytest.importorskip("holidays")
    # X is not even timestamps: the code is checked first.
    with pytest.raises(ValueError, match=match):
        CalendarFeatures(**params).fit(np.zeros((3, 1)))


def test_country_without_the_holidays_package_says_what_to_install(monkeypatch):
    # A None entry in sys.modules makes the import fail as if not installed.
    monkeypatch.setitem(sys.modules, "holidays", None)
    times = pd.date_range("2024-12-24", periods=2, freq="D")
    with pytest.raises(ImportError, match=r"pip install skrnn\[holidays\]"):
        CalendarFeatures(country="AU").fit(times)
