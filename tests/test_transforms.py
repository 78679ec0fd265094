"""target_transform: the log of positive series, inverted on every output."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import LSTMForecaster, load, make_windows
from skrnn._transforms import (
    TransformedScaling,
    forward,
    inverse,
    resolve_target_transform,
)


def seasonal_panel():
    """Three quarterly series a decade apart in level, seasonal in proportion."""
    t = np.arange(48)
    season = np.array([0.8, 1.2, 1.1, 0.9])[t % 4]
    return [level * (1 + 0.02 * t) * season for level in (10.0, 100.0, 1000.0)]


def tiny(**params):
    return LSTMForecaster(units=2, epochs=1, random_state=0, **params)


@pytest.mark.parametrize("kind", ["log", "log1p"])
def test_the_transform_inverts_exactly(kind):
    values = np.array([0.5, 1.0, 37.25, 1e6])
    assert_allclose(inverse(kind, forward(kind, values)), values, rtol=1e-14)


@pytest.mark.parametrize("normalize", ["window", "last"])
def test_scaled_targets_come_back_as_the_series_values(normalize):
    X, y = make_windows(seasonal_panel(), window=8, horizon=4)
    windows = np.asarray(X)
    model = tiny(target_transform="log", normalize=normalize).fit(X, y)
    scaling = model._window_scaling()
    assert isinstance(scaling, TransformedScaling)
    scaled, statistics = scaling.windows(windows)
    targets = scaling.targets(y, statistics)
    # float32 targets: back to within float32 precision of the values.
    assert_allclose(scaling.outputs(targets, statistics), y, rtol=1e-5)


def test_normalize_auto_is_last_in_log_space_for_any_container():
    panel = seasonal_panel()
    X, y = make_windows(panel, window=8, horizon=4)
    # Without a transform the panel's sizes (10 to 1000) call for "window".
    assert tiny().fit(X, y).normalize_ == "window"
    for data in (panel, dict(enumerate(panel))):
        X, y = make_windows(data, window=8, horizon=4)
        model = tiny(target_transform="auto").fit(X, y)
        assert (model.target_transform_, model.normalize_) == ("log", "last")
    # An explicit normalize is kept.
    model = tiny(target_transform="log", normalize="window").fit(X, y)
    assert model.normalize_ == "window"


def test_auto_is_log_for_positive_values_and_log1p_for_zeros():
    series = np.array([3.0, 5.0, 4.0, 6.0, 5.0, 7.0])
    X, y = make_windows(series, window=2)
    assert resolve_target_transform("auto", X, y) == "log"
    X, y = make_windows(np.r_[0.0, series], window=2)
    assert resolve_target_transform("auto", X, y) == "log1p"
    X, y = make_windows(np.r_[-1.0, series], window=2)
    assert resolve_target_transform("auto", X, y) is None


def test_auto_reads_the_targets_too():
    # The only zero is the last value: a target, in no window.
    X, y = make_windows(np.array([3.0, 5.0, 4.0, 6.0, 0.0]), window=2)
    assert resolve_target_transform("auto", X, y) == "log1p"


def test_auto_picks_the_same_in_every_container():
    series = np.array([0.0, 4.0, 9.0, 5.0, 3.0, 8.0, 6.0, 2.0, 7.0, 4.0])
    containers = {
        "array": series,
        "list": [series],
        "dict": {"shop": series},
    }
    picks = set()
    for data in containers.values():
        X, y = make_windows(data, window=3)
        picks.add(tiny(target_transform="auto").fit(X, y).target_transform_)
    assert picks == {"log1p"}


def test_a_log_model_forecasts_a_panel_in_the_series_units():
    panel = seasonal_panel()
    X, y = make_windows(panel, window=8, horizon=4)
    model = LSTMForecaster(
        units=4, epochs=3, target_transform="log", random_state=0
    ).fit(X, y)
    assert model.target_transform_ == "log"
    forecasts = np.array(model.forecast(panel, 4))
    # Each series' forecasts are at its own level, positive.
    last_year = np.array([x[-4:].mean() for x in panel])
    assert_allclose(forecasts.mean(axis=1), last_year, rtol=0.5)
    for series_forecast, (forecast, interval) in zip(
        forecasts, model.forecast(panel, 4, coverage=0.8), strict=True
    ):
        assert_allclose(forecast, series_forecast)
        assert np.all(interval[:, 0] <= forecast)
        assert np.all(forecast <= interval[:, 1])


def test_save_load_and_pickle_keep_the_transform(tmp_path):
    panel = seasonal_panel()
    X, y = make_windows(panel, window=8, horizon=4)
    model = tiny(target_transform="auto").fit(X, y)
    expected = np.array(model.forecast(panel, 6))
    for copy in (
        load(model.save(tmp_path / "model.skrnn")),
        pickle.loads(pickle.dumps(model)),
    ):
        assert copy.target_transform_ == "log"
        assert_allclose(np.array(copy.forecast(panel, 6)), expected, rtol=1e-6)
        assert_allclose(copy.predict(X[:5]), model.predict(X[:5]), rtol=1e-6)


def test_log_refuses_zeros_before_training_and_keeps_the_fitted_model():
    panel = seasonal_panel()
    X, y = make_windows(panel, window=8, horizon=4)
    model = tiny(target_transform="log").fit(X, y)
    before = model.predict(X[:3])
    zeros = [np.r_[0.0, x] for x in panel]
    X0, y0 = make_windows(zeros, window=8, horizon=4)
    with pytest.raises(ValueError, match="target_transform='log1p'"):
        model.fit(X0, y0)
    assert_allclose(model.predict(X[:3]), before)


def test_bounds_beside_a_transform_are_refused():
    X, y = make_windows(seasonal_panel(), window=8, horizon=4)
    with pytest.raises(ValueError, match="bounds=None"):
        tiny(target_transform="log", bounds=(0, None)).fit(X, y)
    model = tiny(target_transform="log").fit(X, y)
    model.set_params(bounds=(0, None))
    with pytest.raises(ValueError, match="bounds=None"):
        model.predict(X[:2])
