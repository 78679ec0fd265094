"""SeasonalAdjuster: removes a known seasonal pattern and puts it back."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_param_validation

from skrnn import SeasonalAdjuster

QUARTERS = np.array([0.8, 1.1, 1.3, 0.8])


def seasonal_series(n, level=100.0, trend=0.0, pattern=QUARTERS):
    t = np.arange(n)
    return (level + trend * t) * pattern[t % len(pattern)]


def test_a_known_multiplicative_pattern_is_removed_and_put_back_on_a_forecast():
    # 22 values: the forecast starts at season position 2, not 0.
    series = seasonal_series(22)
    adjuster = SeasonalAdjuster(season_length=4).fit(series)

    assert_allclose(adjuster.indices_, QUARTERS)
    assert adjuster.multiplicative_ is True
    assert_allclose(adjuster.transform(series), np.full(22, 100.0))
    forecast = adjuster.inverse_transform(np.full(5, 100.0))
    assert_allclose(forecast, 100 * QUARTERS[[2, 3, 0, 1, 2]])


def test_an_additive_pattern_on_a_series_with_negative_values():
    pattern = np.array([-3.0, 1.0, 4.0, -2.0])
    series = -10.0 + 0.5 * np.arange(24) + pattern[np.arange(24) % 4]
    adjuster = SeasonalAdjuster(season_length=4).fit(series)

    assert adjuster.multiplicative_ is False
    assert_allclose(adjuster.indices_, pattern)
    assert_allclose(adjuster.transform(series), -10.0 + 0.5 * np.arange(24))
    assert_allclose(adjuster.inverse_transform(np.zeros(4)), pattern)


def test_a_count_series_with_empty_quarters_stays_multiplicative():
    # Visitors with two empty quarters: adjusting additively would make
    # adjusted values negative (and rule out a log transform).
    series = seasonal_series(24, level=20.0, trend=1.0)
    series[[0, 9]] = 0.0
    adjuster = SeasonalAdjuster(season_length=4).fit(series)

    assert adjuster.multiplicative_ is True
    adjusted = adjuster.transform(series)
    assert adjusted.min() == 0.0
    assert_allclose(adjuster.inverse_transform(adjusted), series)  # same start
    assert np.argmax(adjuster.indices_) == 2  # the pattern survives two zeros


def test_a_season_position_always_empty_is_adjusted_additively():
    series = seasonal_series(24, pattern=np.array([0.0, 1.2, 1.6, 1.2]))
    adjuster = SeasonalAdjuster(season_length=4).fit(series)

    assert adjuster.multiplicative_ is False
    assert_allclose(adjuster.transform(series), np.full(24, 100.0))


def test_a_panel_keeps_its_container_and_each_series_its_own_index():
    rng = np.random.default_rng(0)
    panel = {
        "seasonal": seasonal_series(20),
        "flat noise": 50 + rng.normal(size=20),
        "short": seasonal_series(10),  # under three seasons: left alone
    }
    adjuster = SeasonalAdjuster(season_length=4).fit(panel)

    assert adjuster.n_adjusted_ == 1
    assert_allclose(adjuster.indices_["seasonal"], QUARTERS)
    assert adjuster.indices_["flat noise"] is None
    assert adjuster.indices_["short"] is None
    adjusted = adjuster.transform(panel)
    assert list(adjusted) == list(panel)
    assert_allclose(adjusted["seasonal"], 100.0)
    assert_allclose(adjusted["flat noise"], panel["flat noise"])
    restored = adjuster.inverse_transform({key: np.ones(4) for key in panel})
    assert_allclose(restored["seasonal"], QUARTERS)
    assert_allclose(restored["flat noise"], 1.0)
    # A list panel gives the same indices by position.
    listed = SeasonalAdjuster(season_length=4).fit(list(panel.values()))
    assert_allclose(listed.indices_[0], QUARTERS)


def test_test_false_adjusts_a_series_the_seasonality_test_leaves_alone():
    rng = np.random.default_rng(1)
    series = 50 + rng.normal(size=24)
    assert SeasonalAdjuster(season_length=4).fit(series).indices_ is None
    forced = SeasonalAdjuster(season_length=4, test=False).fit(series)
    assert forced.indices_.shape == (4,)


def test_the_season_length_comes_from_a_pandas_frequency():
    quarterly = pd.Series(
        seasonal_series(16), index=pd.period_range("2020Q1", periods=16, freq="Q")
    )
    adjuster = SeasonalAdjuster().fit(quarterly)
    assert adjuster.season_length_ == 4
    adjusted = adjuster.transform(quarterly)
    assert isinstance(adjusted, pd.Series)
    assert adjusted.index.equals(quarterly.index)
    assert_allclose(adjusted, 100.0)


def test_inverse_transform_restores_an_interval_column_by_column():
    adjuster = SeasonalAdjuster(season_length=4).fit(seasonal_series(20))
    interval = np.column_stack([np.full(4, 90.0), np.full(4, 110.0)])
    restored = adjuster.inverse_transform(interval)
    assert_allclose(restored[:, 0], 90 * QUARTERS)
    assert_allclose(restored[:, 1], 110 * QUARTERS)


def test_restoring_the_adjusted_continuation_gives_the_series_back():
    """transform and inverse_transform are exact inverses, phase included."""
    panel = [seasonal_series(31, level=level, trend=1.0) for level in (50, 500)]
    adjuster = SeasonalAdjuster(season_length=4).fit([x[:27] for x in panel])
    # A longer history transforms with the fitted indices and phases...
    adjusted = adjuster.transform(panel)
    # ... and its adjusted last 4 values, read as a forecast after the
    # fitted 27, restore to the series' own.
    restored = adjuster.inverse_transform([x[27:] for x in adjusted])
    for x, values in zip(panel, restored, strict=True):
        assert_allclose(values, x[27:])


@pytest.mark.parametrize(
    ("params", "data", "match"),
    [
        ({}, np.arange(1.0, 30.0), "season_length=None reads the season"),
        (
            {"season_length": 4, "model": "multiplicative"},
            np.r_[-1.0, np.arange(1.0, 30.0)],
            "model='multiplicative' needs values that are not negative",
        ),
        ({"season_length": 4}, np.r_[np.nan, np.arange(1.0, 30.0)], "NaN"),
        ({"season_length": 4}, np.ones((20, 2)), "one-dimensional"),
        ({"season_length": 4}, [], "holds no series"),
    ],
)
def test_bad_input_is_named(params, data, match):
    with pytest.raises(ValueError, match=match):
        SeasonalAdjuster(**params).fit(data)


def test_other_series_than_the_fitted_ones_are_refused():
    adjuster = SeasonalAdjuster(season_length=4).fit({"a": seasonal_series(16)})
    with pytest.raises(ValueError, match="fitted on \\['a'\\]"):
        adjuster.transform({"b": seasonal_series(16)})


def test_clone_pickle_and_parameter_validation():
    adjuster = SeasonalAdjuster(season_length=4, model="additive")
    assert clone(adjuster).get_params() == adjuster.get_params()
    fitted = adjuster.fit(seasonal_series(20))
    again = pickle.loads(pickle.dumps(fitted))
    assert_allclose(again.indices_, fitted.indices_)
    check_param_validation("SeasonalAdjuster", SeasonalAdjuster())


def test_the_user_guide_recipe_forecasts_a_seasonal_panel_in_its_own_units():
    from skrnn import LSTMForecaster, make_windows

    panel = {
        "small": seasonal_series(40, level=10.0, trend=0.1),
        "large": seasonal_series(40, level=1000.0, trend=10.0),
    }
    adjuster = SeasonalAdjuster(season_length=4)
    adjusted = adjuster.fit_transform(panel)
    X, y = make_windows(adjusted, window=8, horizon=4)
    model = LSTMForecaster(
        units=4,
        epochs=2,
        target_transform="auto",
        normalize="last",
        combine="holt-winters",
        season_length=4,
        random_state=0,
    ).fit(X, y)
    adjusted_forecasts = model.forecast(adjusted, 4)
    forecasts = adjuster.inverse_transform(adjusted_forecasts)

    assert list(forecasts) == ["small", "large"]
    for key, level in (("small", 14.0), ("large", 1400.0)):
        # The season is back on the forecast (40 values: it starts at the
        # first quarter) and the level is the series' own.
        ratio = forecasts[key] / adjusted_forecasts[key]
        assert_allclose(ratio, adjuster.indices_[key])
        assert_allclose(ratio, QUARTERS, rtol=0.01)
        assert 0.5 * level < forecasts[key].mean() < 1.5 * level
