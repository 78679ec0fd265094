"""combine="holt-winters": damped additive Holt-Winters beside the network."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import LSTMForecaster, load, make_windows
from skrnn._combine import COMBINATIONS
from skrnn._holt_winters import _weights, holt_winters_forecast, smooth
from skrnn._theta import theta_forecast


def smoothed_by_hand(values, m, alpha, beta, gamma, phi):
    """The ETS(A,Ad,A) recursions, one step at a time."""
    if m > 1:
        level = np.mean(values[:m])
        trend = (np.mean(values[m : 2 * m]) - level) / m
    else:
        level, trend = values[0], values[1] - values[0]
    season, sse = [0.0] * m, 0.0
    for t, value in enumerate(values):
        error = value - (level + phi * trend + season[t % m])
        sse += error**2
        level, trend = level + phi * trend + alpha * error, phi * trend + beta * error
        season[t % m] += gamma * error
    return sse, level, trend, season


def test_smoothing_matches_the_recursions_and_the_forecast_the_best_weights():
    rng = np.random.default_rng(0)
    t = np.arange(40)
    values = 50 + 0.4 * t + 3 * np.sin(2 * np.pi * t / 4) + rng.normal(size=40)
    weights = _weights(seasonal=True)
    sse, level, trend, season = smooth(values, 4, *weights)
    for i in (0, len(sse) // 2, len(sse) - 1):
        by_hand = smoothed_by_hand(values, 4, *(w[i] for w in weights))
        assert_allclose(sse[i], by_hand[0])
        assert_allclose([level[i], trend[i], *season[i]], [*by_hand[1:3], *by_hand[3]])

    best = np.argmin(sse)
    phi = weights[3][best]
    leads = np.arange(1, 7)
    expected = (
        level[best]
        + np.cumsum(phi**leads) * trend[best]
        + season[best, (40 + leads - 1) % 4]
    )
    assert_allclose(holt_winters_forecast(values, 6, season_length=4), expected)


def test_holt_winters_follows_a_trend_and_a_season_the_history_shows():
    t = np.arange(48)
    pattern = np.array([2.0, -1.0, 0.5, -1.5])
    values = 100 + 0.5 * t + np.tile(pattern, 12)
    forecast = holt_winters_forecast(values, 8, season_length=4)
    truth = 100 + 0.5 * np.arange(48, 56) + np.tile(pattern, 2)
    assert np.abs(forecast - truth).max() < 1.0
    # Without the season, the forecast cannot tell the quarters apart.
    flat = holt_winters_forecast(values, 8)
    assert np.abs(flat - truth).max() > 1.0


def test_holt_winters_fills_gaps_and_forecasts_a_short_series_by_its_last_value():
    assert_allclose(holt_winters_forecast([3.0, 3.0, np.nan, 3.0], 2), [3.0, 3.0])
    assert_allclose(holt_winters_forecast([7.0, 8.0], 3), [8.0, 8.0, 8.0])
    # Shorter than two seasons: smoothed without a season, no error.
    assert holt_winters_forecast(np.arange(10.0), 3, season_length=12).shape == (3,)


@pytest.fixture(scope="module")
def seasonal_panel_and_model():
    rng = np.random.default_rng(0)
    t = np.arange(48)
    panel = [
        20 + 0.3 * t + 4 * np.tile([1.0, -1.0, 0.5, -0.5], 12) + rng.normal(size=48),
        60 + rng.normal(size=36).cumsum(),
    ]
    X, y = make_windows(panel, window=6, horizon=3)
    model = LSTMForecaster(4, epochs=2, random_state=0).fit(X, y)
    return panel, X, y, model


def test_combine_holt_winters_averages_with_the_season_length_given(
    seasonal_panel_and_model, tmp_path
):
    panel, X, y, model = seasonal_panel_and_model
    network = model.forecast(panel, 5)
    combined = pickle.loads(pickle.dumps(model)).set_params(
        combine="holt-winters", season_length=4
    )
    for series, alone, both in zip(
        panel, network, combined.forecast(panel, 5), strict=True
    ):
        statistical = holt_winters_forecast(series, 5, season_length=4)
        assert_allclose(both, (alone + statistical) / 2)
    # The season length is the combination's: 1 forecasts another thing.
    no_season = combined.set_params(season_length=1).forecast(panel[0], 5)
    expected = (network[0] + holt_winters_forecast(panel[0], 5)) / 2
    assert_allclose(no_season, expected)

    both, interval = combined.set_params(season_length=4).forecast(
        panel[0], 5, coverage=0.8
    )
    assert_allclose(interval.mean(axis=1), both)

    refitted = LSTMForecaster(
        4, epochs=2, random_state=0, combine="holt-winters", season_length=4
    ).fit(X, y)
    assert_allclose(refitted.forecast(panel[0], 5), both, rtol=1e-5)
    path = tmp_path / "combined.skrnn"
    refitted.save(path)
    restored = load(path)
    assert restored.season_length == 4
    assert_allclose(restored.forecast(panel[0], 5), both, rtol=1e-5)


def test_season_length_is_refused_when_it_is_not_a_positive_integer(
    seasonal_panel_and_model,
):
    _, X, y, _ = seasonal_panel_and_model
    for bad in (0, 2.5, "4"):
        model = LSTMForecaster(4, epochs=1, combine="holt-winters", season_length=bad)
        with pytest.raises((ValueError, TypeError), match="season_length"):
            model.fit(X, y)
        assert not hasattr(model, "model_")


def test_combine_auto_takes_the_choice_that_misses_least_at_the_origins(
    monkeypatch,
):
    # A clean trend: the statistical methods forecast it almost exactly, a
    # network of two epochs does not, so a combination misses less.
    series = 10 + 0.5 * np.arange(120.0)
    X, y = make_windows(series, window=6, horizon=3)
    model = LSTMForecaster(4, epochs=2, random_state=0).fit(X, y)
    network = model.forecast(series, 3)
    # The mean with either method, or either method alone.
    candidates = [
        model.set_params(combine=choice).forecast(series, 3)
        for choice in ("theta", "holt-winters")
    ]
    candidates += [theta_forecast(series, 3), holt_winters_forecast(series, 3)]
    auto, interval = model.set_params(combine="auto").forecast(series, 3, coverage=0.8)
    assert not np.allclose(auto, network)
    assert any(np.allclose(auto, forecast) for forecast in candidates)
    assert_allclose(interval.mean(axis=1), auto)

    # Statistical methods that miss by far: the network alone.
    for name in ("theta", "holt-winters"):
        monkeypatch.setitem(
            COMBINATIONS, name, lambda values, steps, season_length: np.full(steps, 1e6)
        )
    assert_allclose(model.forecast(series, 3), network)
