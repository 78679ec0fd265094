import sys

import numpy as np
import pandas as pd
import pytest

from skrnn.datasets import load_sunspots, make_load_panel, make_synthetic_series


def course_series():
    """The course's code, as the course notebook writes it."""

    def trend(time, slope=0):
        return slope * time

    def seasonal_pattern(season_time):
        return np.where(
            season_time < 0.4,
            np.cos(season_time * 2 * np.pi),
            1 / np.exp(3 * season_time),
        )

    def seasonality(time, period, amplitude=1, phase=0):
        season_time = ((time + phase) % period) / period
        return amplitude * seasonal_pattern(season_time)

    def noise(time, noise_level=1, seed=None):
        rnd = np.random.RandomState(seed)
        return rnd.randn(len(time)) * noise_level

    time = np.arange(4 * 365 + 1, dtype="float32")
    baseline = 10
    amplitude = 40
    slope = 0.05
    noise_level = 5
    series = (
        baseline
        + trend(time, slope)
        + seasonality(time, period=365, amplitude=amplitude)
    )
    series += noise(time, noise_level, seed=42)
    return series


def test_synthetic_series_defaults_reproduce_the_course():
    series = make_synthetic_series()
    expected = course_series()
    assert series.shape == (1461,)
    assert series.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(series, expected)
    # The first value: baseline + cos(0) * amplitude + the first N(0, 5) draw.
    first_noise = np.random.RandomState(42).randn() * 5
    assert series[0] == pytest.approx(10 + 40 + first_noise, abs=1e-5)
    assert series[0] == pytest.approx(52.48357, abs=1e-5)


def test_synthetic_series_parameters():
    clean = make_synthetic_series(730, slope=0.0, noise_level=0, amplitude=1)
    # Without trend and noise the second year repeats the first.
    np.testing.assert_allclose(clean[365:], clean[:365], atol=1e-6)
    assert clean[0] == pytest.approx(11.0)
    # Past 0.4 of the season the pattern is exp(-3 s).
    s = 200 / 365
    assert clean[200] == pytest.approx(10 + np.exp(-3 * s), abs=1e-5)
    noisy = make_synthetic_series(730, random_state=0)
    assert not np.allclose(noisy, make_synthetic_series(730))
    np.testing.assert_array_equal(noisy, make_synthetic_series(730, random_state=0))


def test_synthetic_series_as_frame():
    series = make_synthetic_series(as_frame=True)
    assert isinstance(series, pd.Series)
    assert series.name == "series"
    assert series.index[0] == pd.Timestamp("2000-01-01")
    assert series.index[-1] == pd.Timestamp("2003-12-31")
    assert series.index.freqstr == "D"
    np.testing.assert_array_equal(series.to_numpy(), make_synthetic_series())


@pytest.mark.parametrize(
    "n_steps, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError)]
)
def test_synthetic_series_rejects_bad_n_steps(n_steps, error):
    with pytest.raises(error, match="n_steps"):
        make_synthetic_series(n_steps)


def test_load_sunspots_as_series():
    sunspots = load_sunspots()
    assert isinstance(sunspots, pd.Series)
    assert sunspots.name == "sunspots"
    assert len(sunspots) == 309
    assert sunspots.dtype == np.float64
    assert sunspots.index[0] == pd.Timestamp("1700-01-01")
    assert sunspots.index[-1] == pd.Timestamp("2008-01-01")
    assert sunspots.index.freqstr.startswith("YS")
    assert sunspots.iloc[0] == 5.0
    assert sunspots.iloc[-1] == 2.9
    # 1957-58 is the largest maximum of the record.
    assert sunspots.idxmax() == pd.Timestamp("1957-01-01")
    assert sunspots.max() == 190.2
    assert not sunspots.isna().any()


def test_load_sunspots_as_arrays():
    years, values = load_sunspots(as_frame=False)
    np.testing.assert_array_equal(years, np.arange(1700, 2009))
    assert values.shape == (309,)
    assert values[:4].tolist() == [5.0, 11.0, 16.0, 23.0]
    assert values[-3:].tolist() == [15.2, 7.5, 2.9]
    np.testing.assert_array_equal(values, load_sunspots().to_numpy())


def test_missing_pandas_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install skrnn\[pandas\]"):
        load_sunspots()
    with pytest.raises(ImportError, match="as_frame=False"):
        make_synthetic_series(as_frame=True)
    with pytest.raises(ImportError, match=r"make_load_panel needs pandas: pip"):
        make_load_panel()
    # numpy output does not need pandas.
    assert load_sunspots(as_frame=False)[1].shape == (309,)


def expected_load(frame, regions):
    """make_load_panel's load without noise, from its documented formula."""
    climates = {  # heating, cooling: the docstring's table
        "cold": (30.0, 5.0),
        "mild": (18.0, 12.0),
        "hot": (6.0, 35.0),
    }
    rows = frame.merge(regions, on="unique_id")
    hour = rows["ds"].dt.hour + rows["ds"].dt.minute / 60
    shape = (
        1
        - 0.2 * np.cos(2 * np.pi * (hour - 4) / 24)
        + 0.05 * np.cos(4 * np.pi * (hour - 19) / 24)
    )
    weekend = rows["ds"].dt.day_of_week >= 5
    f = np.where(rows["holiday"] == 1, 0.75, np.where(weekend, 0.85, 1.0))
    heating = rows["climate"].map(lambda c: climates[c][0]).astype(float)
    cooling = rows["climate"].map(lambda c: climates[c][1]).astype(float)
    temperature = rows["temperature"]
    return rows["population"] * (
        1000 * shape * f
        + heating * np.maximum(0, 15 - temperature)
        + cooling * np.maximum(0, temperature - 22)
    )


def test_load_panel_layout():
    frame, regions = make_load_panel(n_regions=4, n_days=7)
    assert frame.shape == (4 * 7 * 24, 5)
    assert frame.columns.tolist() == [
        "unique_id",
        "ds",
        "load",
        "temperature",
        "holiday",
    ]
    assert pd.api.types.is_datetime64_dtype(frame["ds"])
    assert frame["load"].dtype == frame["temperature"].dtype == np.float64
    assert frame["holiday"].dtype == np.int8
    assert frame["unique_id"].unique().tolist() == [
        "region_1",
        "region_2",
        "region_3",
        "region_4",
    ]
    first = frame[frame["unique_id"] == "region_1"]
    assert first["ds"].iloc[0] == pd.Timestamp("2024-01-01")
    assert first["ds"].iloc[-1] == pd.Timestamp("2024-01-07 23:00")
    assert (first["ds"].diff().iloc[1:] == pd.Timedelta("1h")).all()
    assert not frame.isna().any().any()
    # The static table: one row per region, climates cycling.
    assert regions.columns.tolist() == ["unique_id", "population", "climate"]
    assert regions["unique_id"].tolist() == frame["unique_id"].unique().tolist()
    assert regions["climate"].tolist() == ["cold", "mild", "hot", "cold"]
    assert regions["climate"].cat.categories.tolist() == ["cold", "mild", "hot"]
    assert regions["population"].between(0.5, 3.0).all()
    np.testing.assert_array_equal(regions["population"], regions["population"].round(2))


def test_load_panel_is_seeded():
    frame, regions = make_load_panel(2, 3, random_state=7)
    again, regions_again = make_load_panel(2, 3, random_state=np.random.RandomState(7))
    pd.testing.assert_frame_equal(frame, again)
    pd.testing.assert_frame_equal(regions, regions_again)
    other, other_regions = make_load_panel(2, 3, random_state=8)
    assert not np.allclose(other["load"], frame["load"])
    assert not np.allclose(other["temperature"], frame["temperature"])
    assert not np.allclose(other_regions["population"], regions["population"])
    # The first draws are the populations.
    expected = np.random.RandomState(7).uniform(0.5, 3.0, 2).round(2)
    np.testing.assert_array_equal(regions["population"], expected)


def test_load_panel_follows_its_documented_formula():
    frame, regions = make_load_panel(3, 21, start="2024-04-29", noise_level=0)
    np.testing.assert_allclose(frame["load"], expected_load(frame, regions))
    # With noise, the load departs from the formula by about noise_level.
    noisy, _ = make_load_panel(3, 21, start="2024-04-29", noise_level=0.02)
    ratio = noisy["load"] / expected_load(noisy, regions)
    assert ratio.mean() == pytest.approx(1, abs=0.002)
    assert ratio.std() == pytest.approx(0.02, rel=0.05)


def test_load_panel_temperature_cycles():
    frame, _ = make_load_panel(3, 366, weather_noise=0)
    frame["month"] = frame["ds"].dt.month
    frame["hour"] = frame["ds"].dt.hour
    monthly = frame.groupby(["unique_id", "month"])["temperature"].mean().unstack()
    assert (monthly.idxmin(axis=1) == 1).all()
    assert monthly.idxmax(axis=1).isin([7, 8]).all()
    # Yearly means are the climates' means: cold 6, mild 12, hot 19.
    yearly = frame.groupby("unique_id")["temperature"].mean()
    np.testing.assert_allclose(yearly, [6, 12, 19], atol=0.1)
    hourly = frame.groupby(["unique_id", "hour"])["temperature"].mean().unstack()
    assert (hourly.idxmin(axis=1) == 3).all()
    assert (hourly.idxmax(axis=1) == 15).all()
    # Daily amplitudes 4, 4 and 5 degrees.
    swing = (hourly.max(axis=1) - hourly.min(axis=1)) / 2
    np.testing.assert_allclose(swing, [4, 4, 5], atol=0.06)


def test_load_panel_temperature_effect_sign_and_size():
    # Same seed, so the same weather shocks, scaled: only the temperature moves.
    kwargs = {"n_regions": 3, "n_days": 366, "noise_level": 0}
    calm, regions = make_load_panel(weather_noise=0, **kwargs)
    windy, _ = make_load_panel(weather_noise=3, **kwargs)
    delta_t = windy["temperature"] - calm["temperature"]
    delta_load = windy["load"] - calm["load"]
    assert delta_t.std() == pytest.approx(3, rel=0.15)
    population = calm["unique_id"].map(regions.set_index("unique_id")["population"])
    per_million = delta_load / population
    both_cold = (calm["temperature"] < 15) & (windy["temperature"] < 15)
    both_hot = (calm["temperature"] > 22) & (windy["temperature"] > 22)
    cold_region = calm["unique_id"] == "region_1"
    hot_region = calm["unique_id"] == "region_3"
    moved = delta_t != 0
    # Below 15 degrees each degree warmer saves `heating` MW per million.
    for rows, heating in [(cold_region, 30), (hot_region, 6)]:
        cold = rows & both_cold & moved
        assert cold.sum() > 1000
        np.testing.assert_allclose(per_million[cold] / delta_t[cold], -heating)
    # Above 22 degrees each degree warmer costs `cooling` MW per million.
    hot = hot_region & both_hot & moved
    assert hot.sum() > 500
    np.testing.assert_allclose(per_million[hot] / delta_t[hot], 35)
    # Between 15 and 22 degrees the temperature does not matter.
    mild = calm["temperature"].between(15, 22) & windy["temperature"].between(15, 22)
    assert mild.sum() > 1000
    np.testing.assert_allclose(delta_load[mild], 0, atol=1e-9)


def test_load_panel_holiday_drop():
    frame, _ = make_load_panel(
        3, 21, holidays=["2024-01-10"], noise_level=0.02, random_state=1
    )
    frame["date"] = frame["ds"].dt.normalize()
    assert frame.loc[frame["holiday"] == 1, "date"].unique().tolist() == [
        pd.Timestamp("2024-01-10")
    ]
    assert frame["holiday"].sum() == 3 * 24
    daily = frame.groupby(["unique_id", "date"])["load"].mean().unstack()
    holiday = daily[pd.Timestamp("2024-01-10")]
    # The same weekday a week before and after (Wednesdays).
    around = (daily[pd.Timestamp("2024-01-03")] + daily[pd.Timestamp("2024-01-17")]) / 2
    drop = 1 - holiday / around
    # A quarter of the calendar load: 12-25% of a winter day's total.
    assert drop.between(0.12, 0.25).all(), drop
    # Without noise or weather, the drop is 25% of 1000 * shape * population.
    clean, regions = make_load_panel(
        3, 21, holidays=["2024-01-10"], noise_level=0, weather_noise=0
    )
    clean["date"] = clean["ds"].dt.normalize()
    daily = clean.groupby(["unique_id", "date"])["load"].mean().unstack()
    gap = daily[pd.Timestamp("2024-01-03")] - daily[pd.Timestamp("2024-01-10")]
    expected = 0.25 * 1000 * regions.set_index("unique_id")["population"]
    # The yearly cycle warms the week by a fraction of a degree.
    np.testing.assert_allclose(gap, expected, rtol=0.03)


def test_load_panel_default_holidays():
    frame, _ = make_load_panel(1, 366)
    days = frame.loc[frame["holiday"] == 1, "ds"].dt.strftime("%m-%d").unique()
    assert days.tolist() == ["01-01", "05-01", "08-15", "12-25", "12-26"]
    assert frame["holiday"].sum() == 5 * 24
    none, _ = make_load_panel(1, 7, holidays=[])
    assert none["holiday"].sum() == 0


def test_load_panel_static_columns_are_constant_within_each_series():
    frame = make_load_panel(3, 5, static="columns")
    table_frame, regions = make_load_panel(3, 5)
    assert frame.columns.tolist()[-2:] == ["population", "climate"]
    pd.testing.assert_frame_equal(frame.iloc[:, :5], table_frame)
    counts = frame.groupby("unique_id")[["population", "climate"]].nunique()
    assert (counts.to_numpy() == 1).all()
    per_series = frame.groupby("unique_id", observed=True)[["population", "climate"]]
    pd.testing.assert_frame_equal(
        per_series.first().reset_index(), regions, check_categorical=False
    )
    assert frame["climate"].dtype == "category"


def test_load_panel_half_hourly():
    frame, regions = make_load_panel(2, 2, freq="30min", noise_level=0)
    assert len(frame) == 2 * 96
    assert (frame["ds"].iloc[1:96].diff().iloc[1:] == pd.Timedelta("30min")).all()
    assert frame["ds"].iloc[95] == pd.Timestamp("2024-01-02 23:30")
    # The daily shape and the temperature's daily cycle read fractional hours.
    np.testing.assert_allclose(frame["load"], expected_load(frame, regions))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"freq": "7min"}, "freq='7min' must be a pandas frequency that divides"),
        ({"freq": "ME"}, "freq='ME'"),
        ({"start": "soon"}, "start='soon' is not a date"),
        ({"start": "2024-01-01 00:00+01:00"}, "tz-naive start"),
        ({"holidays": ["not a date"]}, "holidays must be dates"),
        ({"n_regions": 0}, "n_regions"),
        ({"static": "wide"}, "static"),
        ({"noise_level": -1}, "noise_level"),
    ],
)
def test_load_panel_rejects_bad_parameters(kwargs, match):
    arguments = {"n_days": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        make_load_panel(**arguments)
