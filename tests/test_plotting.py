import sys
import warnings
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.units as munits  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from skrnn import RNNForecaster, make_windows  # noqa: E402
from skrnn.plotting import (  # noqa: E402
    plot_backtest,
    plot_forecast,
    plot_history,
    plot_lr_find,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def band_bounds(collection, x):
    """The band's (lowest, highest) y at each x, from its polygon."""
    vertices = collection.get_paths()[0].vertices
    return np.array(
        [
            [vertices[np.isclose(vertices[:, 0], xi), 1].min(),
             vertices[np.isclose(vertices[:, 0], xi), 1].max()]
            for xi in x
        ]
    )  # fmt: skip


HISTORY = np.array([1.0, 3.0, 2.0, 4.0, 3.5])
Y_PRED = np.array([4.2, 4.6, 5.1])
BOUNDS = np.array([[3.0, 5.0], [3.2, 6.0], [3.5, 6.9]])


def test_plot_forecast_numpy_draws_history_forecast_and_band():
    ax = plot_forecast(HISTORY, Y_PRED, BOUNDS, title="demo")
    history, forecast = ax.lines
    np.testing.assert_array_equal(history.get_xdata(), np.arange(5))
    np.testing.assert_array_equal(history.get_ydata(), HISTORY)
    np.testing.assert_array_equal(forecast.get_xdata(), [5, 6, 7])
    np.testing.assert_array_equal(forecast.get_ydata(), Y_PRED)
    assert len(ax.collections) == 1
    np.testing.assert_allclose(band_bounds(ax.collections[0], [5, 6, 7]), BOUNDS)
    assert ax.get_title() == "demo"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["history", "forecast", "prediction interval"]


def test_plot_forecast_takes_the_tuple_forecast_returns():
    ax = plot_forecast(HISTORY, (Y_PRED, BOUNDS), actual=[4.0, 5.0, 5.5])
    np.testing.assert_allclose(band_bounds(ax.collections[0], [5, 6, 7]), BOUNDS)
    actual = ax.lines[2]
    np.testing.assert_array_equal(actual.get_xdata(), [5, 6, 7])
    np.testing.assert_array_equal(actual.get_ydata(), [4.0, 5.0, 5.5])


def test_plot_forecast_without_interval_draws_no_band():
    ax = plot_forecast(HISTORY, Y_PRED)
    assert len(ax.lines) == 2
    assert len(ax.collections) == 0


def test_plot_forecast_pandas_frame_with_interval_columns():
    dates = pd.date_range("2024-01-01", periods=5, freq="D")
    history = pd.Series(HISTORY, index=dates, name="sales")
    future = pd.date_range("2024-01-06", periods=3, freq="D")
    forecast = pd.DataFrame(
        {"sales": Y_PRED, "sales_lower": BOUNDS[:, 0], "sales_upper": BOUNDS[:, 1]},
        index=future,
    )
    ax = plot_forecast(history, forecast)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), HISTORY)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), Y_PRED)
    x = mdates.date2num(future)
    np.testing.assert_allclose(mdates.date2num(ax.lines[1].get_xdata()), x)
    np.testing.assert_allclose(band_bounds(ax.collections[0], x), BOUNDS)
    assert ax.get_ylabel() == "sales"


def test_plot_forecast_numpy_forecast_continues_a_dated_history():
    history = pd.Series(
        HISTORY, index=pd.date_range("2020-01-01", periods=5, freq="MS")
    )
    ax = plot_forecast(history, Y_PRED)
    expected = pd.DatetimeIndex(["2020-06-01", "2020-07-01", "2020-08-01"])
    np.testing.assert_allclose(
        mdates.date2num(ax.lines[1].get_xdata()), mdates.date2num(expected)
    )


def test_plot_forecast_picks_the_forecast_column_of_a_frame_history():
    history = pd.DataFrame({"y": HISTORY, "other": -HISTORY})
    ax = plot_forecast(history, pd.Series(Y_PRED, index=[5, 6, 7], name="y"))
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), HISTORY)
    with pytest.raises(ValueError, match="history has columns"):
        plot_forecast(history, Y_PRED)


@pytest.mark.parametrize(
    "forecast, interval, message",
    [
        (Y_PRED, BOUNDS[:2], r"interval must have shape \(steps, 2\) = \(3, 2\)"),
        (np.ones((3, 2)), None, r"forecast\[:, 0\]"),
        ((Y_PRED, BOUNDS), BOUNDS, "leave interval=None"),
    ],
)
def test_plot_forecast_rejects_mismatched_input(forecast, interval, message):
    with pytest.raises(ValueError, match=message):
        plot_forecast(HISTORY, forecast, interval)


def test_plot_history_from_dict_uses_a_log_scale_for_wide_ranges():
    history = {"loss": [100.0, 10.0, 2.0], "val_loss": [120.0, 15.0, 3.0]}
    ax = plot_history(history)
    loss, val_loss = ax.lines
    np.testing.assert_array_equal(loss.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(loss.get_ydata(), history["loss"])
    np.testing.assert_array_equal(val_loss.get_ydata(), history["val_loss"])
    assert ax.get_yscale() == "log"
    narrow = plot_history({"loss": [3.0, 2.0, 1.5]})
    assert len(narrow.lines) == 1
    assert narrow.get_yscale() == "linear"


def test_plot_history_of_a_fitted_forecaster(sine):
    X, y = make_windows(sine[:200], window=10)
    model = RNNForecaster(units=4, epochs=3, early_stopping=False, random_state=0)
    model.fit(X, y)
    ax = plot_history(model)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), model.history_["loss"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), model.history_["val_loss"])
    assert len(ax.lines[0].get_ydata()) == 3


def test_plot_history_rejects_an_unfitted_forecaster():
    with pytest.raises(ValueError, match="Call fit first"):
        plot_history(RNNForecaster())
    with pytest.raises(ValueError, match="'loss'"):
        plot_history({"val_loss": [1.0]})


def test_plot_lr_find_marks_the_suggestion_on_a_log_axis():
    lrs = np.logspace(-8, 0, 9)
    losses = np.array([5.0, 5.0, 4.8, 4.0, 2.0, 1.0, 0.9, 40.0, np.nan])
    result = SimpleNamespace(lrs=lrs, losses=losses, suggestion=1e-4)
    ax = plot_lr_find(result)
    assert ax.get_xscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), lrs)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), losses)
    np.testing.assert_allclose(ax.lines[1].get_xydata(), [[1e-4, 2.0]])
    # The divergence (40) is cut: the y-range stops a little above 2 x 5.
    bottom, top = ax.get_ylim()
    assert 10 < top < 11
    assert bottom < 0.9


def test_plot_lr_find_interpolates_the_marker_in_log_lr():
    result = {"lrs": [1e-4, 1e-2], "losses": [2.0, 1.0], "suggestion": 1e-3}
    ax = plot_lr_find(result)
    np.testing.assert_allclose(ax.lines[1].get_xydata(), [[1e-3, 1.5]])


def test_plot_lr_find_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        plot_lr_find({"lrs": [1e-3, 1e-2], "losses": [1.0], "suggestion": None})


def test_missing_matplotlib_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install skrnn\[plot\]"):
        plot_history({"loss": [1.0]})


def test_plots_of_a_real_forecast_and_sweep(sine):
    series = pd.Series(
        sine[:300], index=pd.date_range("2020-01-01", periods=300, freq="D")
    )
    X, y = make_windows(series, window=10)
    model = RNNForecaster(units=4, epochs=2, random_state=0)
    sweep = model.find_learning_rate(X, y, num_steps=20)
    ax = sweep.plot()
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), sweep.lrs)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), sweep.losses)
    assert ax.lines[1].get_xdata()[0] == sweep.suggestion

    forecast = model.fit(X, y).forecast(series, 5, coverage=0.9)
    ax = plot_forecast(series, forecast)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), forecast.iloc[:, 0])
    x = mdates.date2num(forecast.index)
    np.testing.assert_allclose(mdates.date2num(ax.lines[1].get_xdata()), x)
    np.testing.assert_allclose(
        band_bounds(ax.collections[0], x), forecast.iloc[:, 1:].to_numpy()
    )


def test_plot_forecast_dates_let_pandas_plot_on_the_same_axes():
    dates = pd.date_range("2024-01-01", periods=60, freq="D")
    history = pd.Series(np.arange(60.0), index=dates, name="y")
    forecast = pd.Series([60.0, 61.0], index=dates[-2:] + pd.Timedelta(days=2))
    ax = plot_forecast(history, forecast)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history.iloc[-5:].plot(ax=ax)
    # Only this plot drew with pandas' converters: the registry is as it was.
    assert type(munits.registry[np.datetime64]).__module__.startswith("matplotlib")


def test_plot_forecast_shows_a_recent_stretch_of_a_long_history():
    history = np.arange(1000.0)
    ax = plot_forecast(history, Y_PRED)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(976, 1000))
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1000, 1001, 1002])
    forecast = np.zeros(100)
    shown = plot_forecast(history, forecast).lines[0].get_xdata()
    assert len(shown) == 400 and shown[-1] == 999
    assert len(plot_forecast(history, Y_PRED, n_history=10).lines[0].get_xdata()) == 10
    assert (
        len(plot_forecast(history, Y_PRED, n_history="all").lines[0].get_xdata())
        == 1000
    )
    with pytest.raises(ValueError, match="n_history must be"):
        plot_forecast(history, Y_PRED, n_history=0)


def test_plot_forecast_error_fixes_work():
    with pytest.raises(ValueError, match=r"forecast\[:, 0\]"):
        plot_forecast(HISTORY, np.c_[Y_PRED, Y_PRED])
    plot_forecast(HISTORY, np.c_[Y_PRED, Y_PRED][:, 0])
    frame = pd.DataFrame({"y": HISTORY, "other": -HISTORY})
    with pytest.raises(ValueError, match=r"history\['y'\]"):
        plot_forecast(frame, Y_PRED)
    plot_forecast(frame["y"], Y_PRED)


def test_plot_backtest_draws_the_truth_and_each_cutoffs_forecast_and_band():
    months = pd.period_range("2024-01", periods=8, freq="M")
    result = pd.DataFrame(
        {
            "unique_id": "a",
            "ds": months[[4, 5, 6, 6, 7]],
            "cutoff": months[[3, 3, 3, 5, 5]],
            "y": [5.0, 6.0, 7.0, 7.0, 8.0],
            "forecast": [5.5, 6.5, 7.5, 6.5, 7.0],
            "forecast_lower": [5.0, 6.0, 7.0, 6.0, 6.5],
            "forecast_upper": [6.0, 7.0, 8.0, 7.0, 7.5],
        }
    )
    history = pd.Series(np.arange(8.0) + 1, index=months)
    ax = plot_backtest(result, history=history, title="shop a")
    assert [line.get_label() for line in ax.lines] == [
        "truth",
        "from 2024-04",
        "from 2024-06",
    ]
    assert ax.lines[0].get_ydata().tolist() == history.tolist()
    assert ax.lines[2].get_ydata().tolist() == [6.5, 7.0]
    assert len(ax.collections) == 2 and ax.get_ylabel() == "y"
    assert ax.get_title() == "shop a"
    # Without history, the truth is the result's own true values.
    ax = plot_backtest(result.drop(columns=["forecast_lower", "forecast_upper"]))
    assert ax.lines[0].get_ydata().tolist() == [5.0, 6.0, 7.0, 8.0]
    assert not ax.collections


def test_plot_backtest_refuses_what_backtest_did_not_return():
    with pytest.raises(ValueError, match="'cutoff' and 'forecast' columns"):
        plot_backtest(pd.DataFrame({"ds": [1], "y": [1.0]}))
