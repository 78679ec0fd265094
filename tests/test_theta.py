"""combine="theta": the network's forecast averaged with the theta method's."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import LSTMForecaster, load, make_windows
from skrnn._theta import _smoothed, theta_forecast


def smoothed_by_hand(values, alpha):
    level, errors = values[0], []
    for value in values[1:]:
        errors.append(value - level)
        level = alpha * value + (1 - alpha) * level
    return np.sum(np.square(errors)), level


def test_theta_is_smoothing_plus_half_the_trend_at_the_best_weight():
    rng = np.random.default_rng(0)
    values = 20 + 0.5 * np.arange(30) + rng.normal(size=30).cumsum()
    grid = np.linspace(0.01, 0.99, 99)
    errors = [smoothed_by_hand(values, alpha)[0] for alpha in grid]
    for alpha in (0.1, 0.5, 0.9):
        assert_allclose(_smoothed(values, alpha), smoothed_by_hand(values, alpha))

    best = grid[np.argmin(errors)]
    level = smoothed_by_hand(values, best)[1]
    slope = np.polyfit(np.arange(30), values, 1)[0]
    leads = np.arange(4) + (1 - (1 - best) ** 30) / best
    # The optimiser finds the weight the grid brackets.
    assert_allclose(theta_forecast(values, 4), level + slope / 2 * leads, rtol=1e-2)


def test_theta_fills_gaps_and_forecasts_a_short_series_by_its_last_value():
    # 1, 2, 3, 4: the level 4 and half the slope from the first lead.
    assert_allclose(theta_forecast([1.0, np.nan, 3.0, 4.0], 2), [4.5, 5.0], atol=0.01)
    assert_allclose(theta_forecast([7.0, 8.0], 3), [8.0, 8.0, 8.0])


@pytest.fixture(scope="module")
def panel_and_model():
    rng = np.random.default_rng(0)
    panel = [
        10 + 0.3 * np.arange(40) + rng.normal(size=40),
        50 + rng.normal(size=30).cumsum(),
    ]
    X, y = make_windows(panel, window=6, horizon=3)
    model = LSTMForecaster(4, epochs=2, random_state=0).fit(X, y)
    return panel, X, y, model


def test_combine_averages_the_network_and_theta_and_centres_the_interval(
    panel_and_model, tmp_path
):
    panel, X, y, model = panel_and_model
    network = model.forecast(panel, 5)
    network_one, network_interval = model.forecast(panel[0], 5, coverage=0.8)

    combined = pickle.loads(pickle.dumps(model)).set_params(combine="theta")
    for series, alone, both in zip(
        panel, network, combined.forecast(panel, 5), strict=True
    ):
        assert_allclose(both, (alone + theta_forecast(series, 5)) / 2)
    both_one, both_interval = combined.forecast(panel[0], 5, coverage=0.8)
    assert_allclose(both_interval.mean(axis=1), both_one)
    # Calibrated on the combination's own errors, smaller on a trend that
    # the theta method follows than the network's alone.
    assert np.all(np.diff(both_interval) < np.diff(network_interval))
    assert not np.allclose(both_one, network_one)

    refitted = LSTMForecaster(4, epochs=2, random_state=0, combine="theta")
    assert_allclose(refitted.fit(X, y).forecast(panel[0], 5), both_one, rtol=1e-5)
    path = tmp_path / "combined.skrnn"
    refitted.save(path)
    assert_allclose(load(path).forecast(panel[0], 5), both_one, rtol=1e-5)


def test_combine_refuses_windows_of_several_features_before_fitting(panel_and_model):
    _, X, y, _ = panel_and_model
    two = np.concatenate([X, X], axis=2)
    model = LSTMForecaster(4, epochs=1, combine="theta")
    with pytest.raises(ValueError, match="combine='theta' combines forecasts of one"):
        model.fit(two, np.stack([y, y], axis=-1))
    assert not hasattr(model, "model_")
    with pytest.raises(ValueError, match="combine"):
        LSTMForecaster(combine="ets").fit(X, y)
