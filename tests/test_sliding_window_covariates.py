"""SlidingWindowTransformer with covariates: make_windows' windows, one per
input row, so that a Pipeline carries covariates to a forecaster."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.pipeline import make_pipeline

from skrnn import GRUForecaster, PanelWindows, SlidingWindowTransformer, make_windows
from skrnn.datasets import make_load_panel

WINDOW, HORIZON = 6, 3
COVARIATES = {
    "id_col": "unique_id",
    "time_col": "ds",
    "target": "load",
    "future": ["temperature", "holiday"],
}


@pytest.fixture(scope="module")
def panel():
    """Two regions, four days of hourly load, and their static table."""
    return make_load_panel(n_regions=2, n_days=4, random_state=0)


def _rows_in_time_order(frame, key):
    """Positions of ``key``'s rows in ``frame``, oldest first."""
    mine = np.flatnonzero(frame["unique_id"].to_numpy() == key)
    return mine[np.argsort(frame["ds"].to_numpy()[mine], kind="stable")]


def _next_values(frame, column, horizon):
    """Per row: the ``horizon`` values of ``column`` after it in its series."""
    ordered = frame.sort_values(["unique_id", "ds"])
    grouped = ordered.groupby("unique_id", sort=False)[column]
    following = np.column_stack([grouped.shift(-k) for k in range(1, horizon + 1)])
    return pd.DataFrame(following, index=ordered.index).loc[frame.index].to_numpy()


def test_each_row_is_the_make_windows_window_that_ends_at_it(panel):
    frame, regions = panel
    shuffled = frame.sample(frac=1, random_state=0)
    transformer = SlidingWindowTransformer(
        WINDOW, horizon=HORIZON, static=regions, **COVARIATES
    )
    Xt = transformer.fit_transform(shuffled)
    X, _ = make_windows(
        frame, WINDOW, HORIZON, static=regions, **COVARIATES
    )  # fmt: skip

    assert isinstance(Xt, PanelWindows)
    assert Xt.shape == (len(frame), WINDOW + HORIZON, 5)
    assert Xt.layout == X.layout == transformer.layout_
    assert list(transformer.get_feature_names_out()) == list(X.layout.names)
    # Output row i is input row i: its series is the row's region.
    assert_array_equal(Xt.groups, shuffled["unique_id"])
    for key in regions["unique_id"]:
        rows = _rows_in_time_order(shuffled, key)
        expected = np.asarray(X[np.flatnonzero(X.groups == key)])
        full = rows[WINDOW - 1 : WINDOW - 1 + len(expected)]
        assert_array_equal(np.asarray(Xt[full]), expected)
        # The head has no full past; the tail has no future-known values.
        assert np.isnan(Xt[rows[: WINDOW - 1], 0, 0]).all()
        assert not np.isnan(Xt[rows[WINDOW - 1 :], 0, 0]).any()
        tail = Xt[rows[-HORIZON:], -1, 1]
        assert np.isnan(tail).all()
        assert not np.isnan(Xt[rows[:-HORIZON], -1, 1][WINDOW - 1 :]).any()


def test_one_series_dataframe_with_future_and_static_columns(panel):
    frame, regions = panel
    one = frame[frame["unique_id"] == "region_1"].drop(columns="unique_id")
    one = one.set_index("ds").assign(climate="cold")
    kwargs = {"target": "load", "future": "temperature", "static": ["climate"]}
    Xt = SlidingWindowTransformer(WINDOW, horizon=HORIZON, **kwargs).fit_transform(one)
    X, y = make_windows(one, WINDOW, HORIZON, **kwargs)
    assert Xt.shape == (len(one), WINDOW + HORIZON, 4)
    assert Xt.layout == X.layout
    assert X.layout.past == (2,)  # holiday: neither target, future nor static
    assert_array_equal(np.asarray(Xt[WINDOW - 1 : WINDOW - 1 + len(X)]), X)


def test_transform_codes_categories_as_in_fit(panel):
    """Codes learnt in fit stay: a region transformed alone keeps its code,
    and a category never seen in fit gets the unknown code 0."""
    frame, regions = panel
    frame = frame.merge(regions[["unique_id", "climate"]], on="unique_id")
    covariates = {**COVARIATES, "static": ["climate"]}
    transformer = SlidingWindowTransformer(WINDOW, **covariates).fit(frame)
    assert transformer.layout_.categories == {3: ("cold", "mild", "hot")}
    mild = frame[frame["unique_id"] == "region_2"]
    assert (transformer.transform(mild)[WINDOW - 1 :, 0, 3] == 2).all()
    unseen = mild.assign(climate="arctic")
    assert (transformer.transform(unseen)[WINDOW - 1 :, 0, 3] == 0).all()
    with pytest.raises(ValueError, match="feature names"):
        transformer.transform(frame.drop(columns="holiday"))


def test_defaults_keep_plain_windows():
    X = np.arange(10.0).reshape(-1, 1)
    transformer = SlidingWindowTransformer(window=3).fit(X)
    Xt = transformer.transform(X)
    assert isinstance(Xt, np.ndarray)
    assert transformer.layout_ is None
    windows, _ = make_windows(X[:, 0], 3)
    assert_array_equal(Xt[2 : 2 + len(windows)], windows)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"future": ["rain"]}, "future='rain' is not a column"),
        ({"future": ["load"]}, r"\['load'\] are both target and future"),
        ({"target": None}, "pass target="),
        ({"id_col": None}, "also needs id_col"),
    ],
)
def test_bad_covariate_arguments_are_refused_in_fit(panel, params, message):
    frame, regions = panel
    transformer = SlidingWindowTransformer(WINDOW, static=regions, **COVARIATES)
    with pytest.raises(ValueError, match=message):
        transformer.set_params(**params).fit(frame)


def test_pipeline_carries_covariates_to_the_forecaster(panel):
    frame, regions = panel
    y = _next_values(frame, "load", HORIZON)
    pipeline = make_pipeline(
        SlidingWindowTransformer(WINDOW, horizon=HORIZON, static=regions, **COVARIATES),
        GRUForecaster(units=4, epochs=2, random_state=0),
    ).fit(frame, y)
    model = pipeline[-1]
    assert model.layout_ is not None
    predictions = pipeline.predict(frame)
    assert predictions.shape == (len(frame), HORIZON)
    # The same predictions as on make_windows' windows, row for row.
    X, _ = make_windows(frame, WINDOW, HORIZON, static=regions, **COVARIATES)
    for key in regions["unique_id"]:
        rows = _rows_in_time_order(frame, key)
        windows = X[np.flatnonzero(X.groups == key)]
        full = rows[WINDOW - 1 : WINDOW - 1 + len(windows)]
        assert_allclose(predictions[full], model.predict(windows), rtol=1e-5)
        assert np.isnan(predictions[rows[: WINDOW - 1]]).all()
        assert np.isnan(predictions[rows[-HORIZON:]]).all()

    # Future-known rows appended (load unknown): the origin's row forecasts
    # the next horizon, as forecast() does.
    last = frame["ds"].max()
    times = pd.date_range(last, periods=HORIZON + 1, freq="h")[1:]
    future = pd.DataFrame(
        {
            "unique_id": np.repeat(regions["unique_id"], HORIZON),
            "ds": np.tile(times, len(regions)),
            "temperature": 5.0,
            "holiday": 0,
        }
    )
    extended = pd.concat([frame, future.assign(load=np.nan)], ignore_index=True)
    at_origin = pipeline.predict(extended)[
        (extended["ds"] == last).to_numpy()
    ]  # fmt: skip
    forecast = model.forecast(
        frame, HORIZON, future=future, static=regions, id_col="unique_id",
        time_col="ds",
    )  # fmt: skip
    expected = np.stack(
        [forecast.loc[forecast["unique_id"] == k, "load"] for k in regions["unique_id"]]
    )
    assert_allclose(at_origin, expected, rtol=1e-4)
