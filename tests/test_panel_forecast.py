"""One model for many series: scale-free fits, panel forecasts and intervals."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skrnn import GRUForecaster, LSTMForecaster, PanelWindows, make_windows

WINDOW = 12
T = np.arange(240)


def _panel():
    """Three sines of one shape at very different levels and scales."""
    rng = np.random.RandomState(0)
    shape = np.sin(2 * np.pi * T / 12)
    return {
        "small": shape + 0.05 * rng.randn(len(T)),
        "large": 500 * shape + 10_000 + 25 * rng.randn(len(T)),
        "negative": 0.01 * shape - 3 + 0.0005 * rng.randn(len(T)),
    }


@pytest.fixture(scope="module")
def panel():
    return _panel()


@pytest.fixture(scope="module")
def global_model(panel):
    X, y = make_windows(panel, window=WINDOW)
    return GRUForecaster(units=8, epochs=8, random_state=0).fit(X, y)


def test_one_model_serves_series_of_any_scale(global_model, panel):
    assert global_model.normalize_ == "window"
    forecasts = global_model.forecast(
        {key: series[:-12] for key, series in panel.items()}, 12
    )
    for key, series in panel.items():
        truth = series[-12:]
        naive = np.abs(series[-13] - truth).mean()
        # Each series beats the naive forecast in its own units.
        assert np.abs(forecasts[key] - truth).mean() < naive / 2, key


def test_affine_changes_of_a_series_change_only_its_forecast(global_model, panel):
    forecasts = global_model.forecast(panel, 6)
    changed = dict(panel)
    changed["small"] = 1000 * panel["small"]
    changed["large"] = panel["large"] + 1e6
    moved = global_model.forecast(changed, 6)
    spread = {key: series[-WINDOW:].std() for key, series in panel.items()}
    assert_allclose(moved["small"], 1000 * forecasts["small"], rtol=1e-6)
    assert_allclose(
        moved["large"] - 1e6, forecasts["large"], atol=1e-6 * spread["large"]
    )
    assert_array_equal(moved["negative"], forecasts["negative"])


def test_refitting_on_a_transformed_panel_transforms_its_forecasts(panel):
    """Training is scale-free too: the scaled windows and targets are the
    same, so the fitted model and its forecasts are."""
    changed = dict(panel, small=1000 * panel["small"], large=panel["large"] + 1e6)
    forecasts = []
    for data in (panel, changed):
        X, y = make_windows(data, window=WINDOW)
        model = GRUForecaster(units=4, epochs=2, random_state=0).fit(X, y)
        forecasts.append(model.forecast(data, 3))
    original, moved = forecasts
    assert_allclose(moved["small"], 1000 * original["small"], rtol=1e-4)
    assert_allclose(moved["large"] - 1e6, original["large"], atol=1e-2)
    assert_allclose(moved["negative"], original["negative"], rtol=1e-5)


def test_panel_forecast_equals_each_series_forecast_alone(global_model, panel):
    together = global_model.forecast(list(panel.values()), 20)
    for series, forecast in zip(panel.values(), together, strict=True):
        assert_allclose(
            forecast, global_model.forecast(series, 20), rtol=1e-5, atol=1e-6
        )


def test_forecast_keeps_the_container(global_model, panel):
    dates = pd.date_range("2020-01-01", periods=len(T), freq="MS")
    as_list = global_model.forecast(list(panel.values()), 3)
    assert isinstance(as_list, list) and len(as_list) == 3
    assert as_list[0].shape == (3,)
    as_series = {
        key: pd.Series(v, index=dates, name="sales") for key, v in panel.items()
    }
    as_dict = global_model.forecast(as_series, 3)
    assert list(as_dict) == list(panel)
    assert as_dict["large"].name == "sales"
    assert_array_equal(
        as_dict["large"].index, pd.date_range("2040-01-01", periods=3, freq="MS")
    )
    long = pd.concat(
        [
            pd.DataFrame({"unique_id": key, "ds": dates, "y": values})
            for key, values in panel.items()
        ]
    )
    forecast = global_model.forecast(
        long, 3, id_col="unique_id", time_col="ds", coverage=0.9
    )
    assert list(forecast.columns) == ["unique_id", "ds", "y", "y_lower", "y_upper"]
    assert_array_equal(forecast["unique_id"], np.repeat(list(panel), 3))
    assert_array_equal(
        forecast["ds"][:3], pd.date_range("2040-01-01", periods=3, freq="MS")
    )
    assert_allclose(forecast["y"][3:6], as_dict["large"], rtol=1e-6)
    assert (forecast["y_lower"] < forecast["y"]).all()
    assert (forecast["y"] < forecast["y_upper"]).all()


def test_a_long_forecast_dates_every_series_at_the_panel_frequency(global_model, panel):
    """A panel has one frequency: a series of two rows, too short to infer
    its own, is dated like the others; a series off that grid is refused."""
    monthly = pd.date_range("2000-01-01", periods=len(T), freq="MS")
    long = pd.concat(
        [
            pd.DataFrame({"id": "m", "t": monthly, "y": panel["small"]}),
            pd.DataFrame({"id": "n", "t": monthly[:2], "y": panel["large"][:2]}),
        ]
    )
    forecast = global_model.forecast(long, 2, id_col="id", time_col="t", pad=True)
    assert_array_equal(
        forecast["t"],
        pd.to_datetime(["2020-01-01", "2020-02-01", "2000-03-01", "2000-04-01"]),
    )
    daily = pd.date_range("2000-01-01", periods=len(T), freq="D")
    mixed = pd.concat(
        [long, long.assign(id="m2"), pd.DataFrame({"id": "d", "t": daily, "y": 1.0})]
    )
    with pytest.raises(ValueError, match=r"series 'd'.*2000-01-02.*freq="):
        global_model.forecast(mixed, 2, id_col="id", time_col="t", pad=True)


def test_short_series_of_a_panel_are_padded_with_a_warning(global_model, panel):
    histories = {"new": panel["large"][:5], **panel}
    with pytest.warns(UserWarning, match="1 of 4 series are shorter than the model"):
        forecasts = global_model.forecast(histories, 4)
    padded = np.r_[np.full(WINDOW - 5, panel["large"][0]), panel["large"][:5]]
    assert_allclose(forecasts["new"], global_model.forecast(padded, 4), rtol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        global_model.forecast(histories, 4, pad=True)
    with pytest.raises(ValueError, match=r"1 series are shorter.*series 'new'"):
        global_model.forecast(histories, 4, pad=False)
    # One series alone keeps its error, unless padding is asked for.
    with pytest.raises(ValueError, match="pad=True to pad"):
        global_model.forecast(panel["large"][:5], 4)
    assert_allclose(
        global_model.forecast(panel["large"][:5], 4, pad=True), forecasts["new"]
    )


@pytest.mark.parametrize(
    "history, kwargs, message",
    [
        ({"a": np.r_[np.ones(30), np.nan]}, {}, r"series 'a': its last 12 values"),
        ([np.ones((30, 2))], {}, "have 2 feature"),
        ({"a": np.ones(30)}, {"pad": "yes"}, "pad must be 'auto', True or False"),
        (pd.DataFrame({"y": np.ones(30)}), {"id_col": "id"}, "id_col='id' is not"),
    ],
)
def test_bad_panel_histories_are_refused_before_forecasting(
    global_model, history, kwargs, message
):
    with pytest.raises(ValueError, match=message):
        global_model.forecast(history, 3, **kwargs)


def test_panel_intervals_hold_held_out_values_as_often_as_promised():
    """Intervals calibrated across a panel, per lead, checked on the next
    steps of 60 series at different scales."""
    rng = np.random.RandomState(1)
    t = np.arange(120)
    series = [
        rng.uniform(1, 1000)
        * (np.sin(t / 3 + rng.uniform(0, 6)) + 0.3 * rng.randn(120))
        + rng.uniform(-500, 500)
        for _ in range(60)
    ]
    history = [s[:-4] for s in series]
    X, y = make_windows(history, window=10)
    model = LSTMForecaster(units=8, epochs=5, random_state=0).fit(X, y)
    forecasts = model.forecast(history, 4, coverage=0.8)
    lower = np.array([bounds[:, 0] for _, bounds in forecasts])
    upper = np.array([bounds[:, 1] for _, bounds in forecasts])
    truth = np.array([s[-4:] for s in series])
    inside = (lower <= truth) & (truth <= upper)
    assert 0.65 <= inside.mean() <= 0.95
    # Widths follow each series' scale: the 60 series span three decades.
    width = (upper - lower)[:, 0]
    scale = np.array([h[-10:].std() for h in history])
    assert np.corrcoef(np.log(width), np.log(scale))[0, 1] > 0.9


def test_panel_windows_cross_validate_by_time(panel):
    from sklearn.model_selection import TimeSeriesSplit, cross_val_score

    from skrnn.metrics import get_scorer

    X, y, groups = make_windows(panel, window=WINDOW, return_groups=True)
    cv = TimeSeriesSplit(n_splits=2)
    # Every fold trains on the past of all three series, tests on their future.
    for train, test in cv.split(X):
        assert set(groups[train]) == set(groups[test]) == set(panel)
        assert train.max() < test.min()
    scores = cross_val_score(
        GRUForecaster(units=2, epochs=1, random_state=0),
        X,
        y,
        cv=cv,
        scoring=get_scorer("neg_mean_absolute_error"),
    )
    assert np.isfinite(scores).all()


def test_fitting_panel_windows_reads_them_a_batch_at_a_time(monkeypatch):
    """A panel too large to copy is read in batches: no read of PanelWindows
    copies more windows than a batch (or a NaN scan's chunk)."""
    import skrnn._base
    import skrnn._batches
    import skrnn._forecasting

    X, y = make_windows([np.sin(T / k) for k in range(2, 12)], window=WINDOW)
    monkeypatch.setattr(skrnn._batches, "MAX_COPY_BYTES", 0)
    monkeypatch.setattr(skrnn._batches, "_SCAN_ROWS", 64)
    monkeypatch.setattr(skrnn._base, "PREDICT_BATCH_SIZE", 64)
    monkeypatch.setattr(skrnn._forecasting, "PREDICT_BATCH_SIZE", 64)
    largest = []
    read = PanelWindows.__array__

    def recording(self, dtype=None, copy=None):
        largest.append(len(self))
        return read(self, dtype, copy)

    monkeypatch.setattr(PanelWindows, "__array__", recording)
    model = GRUForecaster(units=2, epochs=1, batch_size=32, random_state=0)
    model.fit(X, y)
    assert largest and max(largest) <= 64 < len(X) / 10
    assert model.predict(X[:5]).shape == (5,)


def test_window_scaling_scales_targets_by_the_windows_own_statistics():
    from skrnn._scaling import WindowScaling

    windows = np.array([[[1.0], [2.0], [3.0]], [[10.0], [30.0], [20.0]]])
    scaling = WindowScaling([0, 0])
    scaled, statistics = scaling.windows(windows)
    spread = windows[:, :, 0].std(axis=1)
    assert_allclose(
        scaled[:, :, 0], (windows[:, :, 0] - windows[:, -1]) / spread[:, None]
    )
    targets = np.array([[4.0, 5.0], [10.0, 20.0]])
    expected = (targets - windows[:, -1]) / spread[:, None]
    assert_allclose(scaling.targets(targets, statistics), expected, rtol=1e-6)
    assert_allclose(scaling.outputs(expected, statistics), targets)
