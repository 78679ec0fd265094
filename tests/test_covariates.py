"""Past, future-known and static covariates: windows, models and forecasts."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skrnn import GRUForecaster, LSTMForecaster, load, make_windows
from skrnn.datasets import make_load_panel

WINDOW, HORIZON = 24, 12


@pytest.fixture(scope="module")
def load_panel():
    """Three regions' hourly load for 30 days and their static attributes;
    the last day held out. The weather varies more than the default's (12
    degrees), so that the past load alone cannot tell the next hours'."""
    frame, regions = make_load_panel(
        n_regions=3, n_days=30, weather_noise=12.0, random_state=0
    )
    cut = frame["ds"].max() - pd.Timedelta(hours=24)
    return frame[frame["ds"] <= cut], frame[frame["ds"] > cut], regions


@pytest.fixture(scope="module")
def with_drivers(load_panel):
    history, _, regions = load_panel
    X, y = make_windows(
        history, window=WINDOW, horizon=HORIZON, id_col="unique_id",
        time_col="ds", target="load", future=["temperature", "holiday"],
        static=regions,
    )  # fmt: skip
    return _model().fit(X, y), X, y


def _model():
    # Enough training for the covariates' effects to show: with fewer
    # epochs or units every model stays far from what the data allow. The
    # load's response to temperature is in MW per degree, which scaling by
    # the last value keeps steadier than "auto"'s per-window spread (MAE
    # with covariates 176 against 217 here).
    return GRUForecaster(
        units=16, epochs=15, learning_rate=0.01, normalize="last", random_state=0
    )


def _validation_mae(model, X, y):
    tail = slice(int(0.9 * len(X)), None)
    return np.abs(model.predict(X[tail]) - y[tail]).mean()


def test_windows_carry_the_future_known_values_and_the_layout(load_panel):
    history, _, regions = load_panel
    X, y = make_windows(
        history, window=WINDOW, horizon=HORIZON, id_col="unique_id",
        time_col="ds", target="load", future=["temperature", "holiday"],
        static=regions,
    )  # fmt: skip
    layout = X.layout
    assert X.shape[1:] == (WINDOW + HORIZON, 5)
    assert layout.names == ("load", "temperature", "holiday", "population", "climate")
    assert (layout.targets, layout.future, layout.static) == ((0,), (1, 2), (3, 4))
    assert layout.categories == {4: ("cold", "mild", "hot")}
    # Window i's future steps hold the temperature of its target hours.
    first = history[history["unique_id"] == "region_1"]
    rows = X.groups == "region_1"
    window = X[np.flatnonzero(rows)[0]]
    assert_array_equal(
        window[WINDOW:, 1], first["temperature"][WINDOW : WINDOW + HORIZON]
    )
    assert_array_equal(
        y[np.flatnonzero(rows)[0]], first["load"][WINDOW : WINDOW + HORIZON]
    )
    # Static attributes are constant, categories as codes 1..k.
    climate = regions.set_index("unique_id").loc["region_1", "climate"]
    assert (window[:, 4] == 1 + ["cold", "mild", "hot"].index(climate)).all()


def test_true_drivers_beat_the_same_model_without_them(load_panel, with_drivers):
    history, _, _ = load_panel
    model, X, y = with_drivers
    X_plain, y_plain = make_windows(
        history[["unique_id", "ds", "load"]], window=WINDOW, horizon=HORIZON,
        id_col="unique_id", time_col="ds", target="load",
    )  # fmt: skip
    plain = _model().fit(X_plain, y_plain)
    assert_array_equal(y, y_plain)
    assert _validation_mae(model, X, y) < 0.8 * _validation_mae(plain, X_plain, y_plain)


def test_a_shuffled_covariate_buys_nothing(load_panel, with_drivers):
    """Temperature, shuffled, is no better than no temperature at all; the
    true one is far better."""
    history, _, regions = load_panel
    model, X, y = with_drivers
    shuffled = history.copy()
    rng = np.random.RandomState(0)
    shuffled["temperature"] = rng.permutation(shuffled["temperature"].to_numpy())
    scores = {}
    for name, frame, future in (
        ("shuffled", shuffled, ["temperature", "holiday"]),
        ("without", history.drop(columns="temperature"), ["holiday"]),
    ):
        windows, targets = make_windows(
            frame, window=WINDOW, horizon=HORIZON, id_col="unique_id",
            time_col="ds", target="load", future=future, static=regions,
        )  # fmt: skip
        fitted = _model().fit(windows, targets)
        scores[name] = _validation_mae(fitted, windows, targets)
    assert scores["shuffled"] > 0.9 * scores["without"]
    assert _validation_mae(model, X, y) < 0.8 * scores["without"]


def test_static_covariates_separate_series_with_the_same_past():
    """Two kinds of series share their windows' past; what follows depends
    only on the kind, which a static column tells."""
    rng = np.random.RandomState(0)
    series = {}
    for i in range(8):
        sign = 1 if i % 2 else -1
        # Each step moves by the kind's drift; levels overlap between kinds.
        values = rng.uniform(-50, 50) + sign * 0.5 * np.arange(150)
        values += 0.05 * rng.randn(150)
        kind = "up" if sign > 0 else "down"
        series[f"s{i}"] = pd.DataFrame({"y": values, "kind": kind})
    # A window of one value, centred on itself ("last"): no past to tell by.
    X, y = make_windows(series, window=1, target="y", static=["kind"])
    X_plain, _ = make_windows({k: v[["y"]] for k, v in series.items()}, window=1)
    scores = []
    for windows in (X, X_plain):
        model = LSTMForecaster(units=4, epochs=10, normalize="last", random_state=0)
        model.fit(windows, y)
        scores.append(np.abs(model.predict(windows) - y).mean())
    with_static, without = scores
    assert with_static < 0.3 * without


def test_forecast_with_future_values_matches_predict_on_the_same_window(
    load_panel, with_drivers
):
    history, future, regions = load_panel
    model, _, _ = with_drivers
    known = future[["unique_id", "ds", "temperature", "holiday"]]
    forecast = model.forecast(
        history, HORIZON, future=known, static=regions, id_col="unique_id",
        time_col="ds",
    )  # fmt: skip
    assert list(forecast.columns) == ["unique_id", "ds", "load"]
    assert len(forecast) == 3 * HORIZON
    # The same window built by make_windows on the whole frame.
    frame = pd.concat([history, future])
    X_all, _ = make_windows(
        frame, window=WINDOW, horizon=HORIZON, id_col="unique_id", time_col="ds",
        target="load", future=["temperature", "holiday"], static=regions,
    )  # fmt: skip
    origin = history["ds"].max()
    for region in ("region_1", "region_3"):
        rows = np.flatnonzero(X_all.groups == region)
        ends = frame.loc[frame["unique_id"] == region, "ds"].sort_values().to_numpy()
        row = rows[ends[WINDOW - 1 :][: len(rows)] == origin][0]
        expected = model.predict(X_all[[row]])[0]
        got = forecast.loc[forecast["unique_id"] == region, "load"].to_numpy()
        assert_allclose(got, expected, rtol=1e-5)


def test_forecast_beyond_the_horizon_and_its_intervals(load_panel, with_drivers):
    history, future, regions = load_panel
    model, _, _ = with_drivers
    known = future[["unique_id", "ds", "temperature", "holiday"]]
    forecast = model.forecast(
        history, 2 * HORIZON, future=known, static=regions, coverage=0.9,
        id_col="unique_id", time_col="ds",
    )  # fmt: skip
    assert len(forecast) == 3 * 2 * HORIZON
    merged = forecast.merge(future, on=["unique_id", "ds"], suffixes=("", "_true"))
    inside = merged["load_true"].between(merged["load_lower"], merged["load_upper"])
    assert inside.mean() >= 0.7
    # Better than the last value repeated.
    last = history.groupby("unique_id")["load"].last().repeat(2 * HORIZON)
    error = np.abs(merged["load"] - merged["load_true"]).mean()
    assert error < np.abs(last.to_numpy() - merged["load_true"].to_numpy()).mean()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.drop(columns="holiday"), r"future for series 'region_1' lacks"),
        (lambda f: f[f["unique_id"] != "region_2"], "no values for series 'region_2'"),
        (lambda f: f.groupby("unique_id").head(5), r"\(7 of the 12 forecast times"),
        (lambda f: f.drop(index=f.index[3]), "has no row for 2024"),
        (lambda f: None, "pass their values for the forecast period"),
    ],
)
def test_missing_or_misaligned_future_values_are_refused(
    load_panel, with_drivers, change, message, monkeypatch
):
    history, future, regions = load_panel
    model, _, _ = with_drivers
    known = change(future[["unique_id", "ds", "temperature", "holiday"]])
    monkeypatch.setattr(
        type(model), "_roll_out", lambda *a: pytest.fail("reached the model")
    )
    with pytest.raises(ValueError, match=message):
        model.forecast(
            history, HORIZON, future=known, static=regions, id_col="unique_id",
            time_col="ds",
        )  # fmt: skip


def test_past_covariates_forecast_one_horizon_and_say_why_not_more(load_panel):
    history, _, _ = load_panel
    X, y = make_windows(
        history, window=WINDOW, horizon=HORIZON, id_col="unique_id",
        time_col="ds", target="load", future=[],
    )  # fmt: skip
    assert X.layout.past == (1, 2)  # temperature and holiday, seen until now
    model = GRUForecaster(units=4, epochs=1, random_state=0).fit(X, y)
    forecast = model.forecast(history, HORIZON, id_col="unique_id", time_col="ds")
    assert len(forecast) == 3 * HORIZON
    with pytest.raises(
        ValueError, match=r"past covariates \['temperature', 'holiday'\]"
    ):
        model.forecast(history, HORIZON + 1, id_col="unique_id", time_col="ds")


def test_covariate_models_save_load_and_pickle(load_panel, with_drivers, tmp_path):
    history, future, regions = load_panel
    model, X, _ = with_drivers
    expected = model.predict(X[-20:])
    assert_array_equal(pickle.loads(pickle.dumps(model)).predict(X[-20:]), expected)
    loaded = load(model.save(tmp_path / "model.skrnn"))
    assert_array_equal(loaded.predict(X[-20:]), expected)
    known = future[["unique_id", "ds", "temperature", "holiday"]]
    kwargs = {
        "future": known,
        "static": regions,
        "id_col": "unique_id",
        "time_col": "ds",
    }
    assert_array_equal(
        loaded.forecast(history, 5, **kwargs)["load"],
        model.forecast(history, 5, **kwargs)["load"],
    )


def test_categorical_future_covariates_need_no_encoding():
    t = np.arange(600)
    day = np.where(t % 7 < 5, "weekday", "weekend")
    load = 10 + np.sin(2 * np.pi * t / 24) - 3 * (day == "weekend")
    frame = pd.DataFrame({"load": load, "day": day})
    X, y = make_windows(frame, window=8, horizon=4, target="load", future=["day"])
    assert X.layout.categories == {1: ("weekday", "weekend")}
    model = LSTMForecaster(units=8, epochs=15, random_state=0).fit(X, y)
    future = pd.DataFrame({"day": ["weekend", "weekend", "weekday", "weekday"]})
    forecast = model.forecast(frame, 4, future=future)
    assert forecast.shape == (4,)
    assert forecast.iloc[:2].mean() < forecast.iloc[2:].mean() - 1


def test_grid_search_and_predict_interval_on_covariate_windows(with_drivers):
    """Searches split covariate windows by time and refit on them; intervals
    read the future-known values, so permuting them moves the bounds."""
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    model, X, y = with_drivers
    search = GridSearchCV(
        GRUForecaster(epochs=1, random_state=0),
        {"units": [2, 4]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_mean_absolute_error",
    ).fit(X, y)
    assert search.best_estimator_.layout_ == model.layout_
    assert search.predict(X[-5:]).shape == (5, HORIZON)

    tail = np.arange(len(X) - 30, len(X))
    bounds = model.predict_interval(X[tail], coverage=0.8)
    prediction = model.predict(X[tail])
    assert bounds.shape == (30, HORIZON, 2)
    assert (bounds[..., 0] <= prediction).all()
    assert (prediction <= bounds[..., 1]).all()
    windows = np.asarray(X[tail]).copy()
    windows[:, WINDOW:, 1] += 15.0  # a much warmer next half-day
    moved = model.predict_interval(windows, coverage=0.8)
    assert np.abs(moved - bounds).mean() > 10.0


def test_one_series_with_future_covariates_forecasts_from_a_dataframe():
    index = pd.date_range("2024-01-01", periods=24 * 12, freq="h")
    rng = np.random.RandomState(0)
    promo = (rng.rand(len(index)) < 0.2).astype(float)
    frame = pd.DataFrame(
        {"sales": 100 + 50 * promo + rng.randn(len(index)), "promo": promo},
        index=index,
    )
    history, ahead = frame.iloc[:-6], frame.iloc[-6:]
    X, y = make_windows(history, window=12, horizon=6, target="sales", future=["promo"])
    model = GRUForecaster(units=8, epochs=30, random_state=0).fit(X, y)
    forecast = model.forecast(history, 6, future=ahead[["promo"]])
    assert forecast.name == "sales"
    assert list(forecast.index) == list(ahead.index)
    # The promotion hours stand out in the forecast as in the data (+50).
    lifted = forecast[ahead["promo"] == 1].mean()
    plain = forecast[ahead["promo"] == 0].mean()
    assert 40.0 < lifted - plain < 60.0


def _promotion_panel(n_steps, seed):
    """Six series at 50, promotions on 10% of the steps adding 10 (kind 0)
    or 40 (kind 1): the kind is only a static column."""
    rng = np.random.RandomState(seed)
    series = {}
    for i in range(6):
        promotion = (rng.rand(n_steps) < 0.1).astype(float)
        gain = 40 if i % 2 else 10
        values = 50 + rng.randn(n_steps) + gain * promotion
        series[f"s{i}"] = pd.DataFrame(
            {"y": values, "promotion": promotion, "kind": i % 2}
        )
    return series


def test_a_static_attribute_sets_what_a_promotion_adds():
    """Windows of 3 steps rarely show a promotion: what one adds is told by
    the static kind alone, so the forecast must follow the attribute."""

    def windows(series):
        return make_windows(
            series, window=3, target="y", future=["promotion"], static=["kind"]
        )

    X, y = windows(_promotion_panel(80, seed=0))
    model = LSTMForecaster(
        units=8, epochs=8, learning_rate=0.02, early_stopping=False,
        normalize="last", random_state=0,
    ).fit(X, y)  # fmt: skip
    held_out = _promotion_panel(80, seed=1)
    X_new, y_new = windows(held_out)
    relabelled, _ = windows(
        {key: frame.assign(kind=1 - frame["kind"]) for key, frame in held_out.items()}
    )
    values = np.asarray(X_new)
    # Promotion days after three days without one.
    quiet = (values[:, :3, 1].sum(axis=1) == 0) & (values[:, 3, 1] == 1)
    forecast, forecast_relabelled = model.predict(X_new), model.predict(relabelled)
    for kind, truth, moved in ((0, 60, 30), (1, 90, -30)):
        rows = quiet & (values[:, 0, 2] == kind)
        assert rows.sum() >= 10
        assert y_new[rows].mean() == pytest.approx(truth, abs=0.5)
        assert forecast[rows].mean() == pytest.approx(truth, rel=0.1)
        shift = (forecast_relabelled - forecast)[rows].mean()
        assert shift == pytest.approx(moved, rel=0.2)
