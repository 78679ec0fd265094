"""Bad input to every public entry point: the exception, and a message that
names the argument at fault, raised before any Keras model is built; a
fitted estimator whose new fit fails keeps predicting as before.

docs/bad_input.rst lists the same table for users.
"""

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError

import skrnn._base
import skrnn._forecasting
from skrnn import (
    LSTMForecaster,
    SequenceReshaper,
    SlidingWindowTransformer,
    fill_gaps,
    make_windows,
)

SMALL = {"units": 2, "epochs": 1, "jit_compile": False, "random_state": 0}


def strings(a):
    return np.full(np.shape(a), "a")


def numeric_strings(a):
    """``a`` as text that reads as numbers: "0.5" and the like."""
    return np.asarray(a).astype(str)


def objects(a):
    """``a`` as an object array of numbers, one of them written as text."""
    a = np.asarray(a).astype(object)
    a.flat[3] = str(a.flat[3])
    return a


def with_inf(a):
    a = np.array(a, dtype=float)
    a.flat[3] = np.inf
    return a


def wider(X):
    """``X`` with its features (last axis) twice."""
    return np.concatenate([X, X], axis=-1)


# id, forecaster parameters, bad data from (X, y), exception, message pattern
FIT_CASES = [
    pytest.param(
        {},
        lambda X, y: (X[:0], y[:0]),
        ValueError,
        r"\bX\b.*0 sample",
        id="empty X",
    ),
    pytest.param(
        {}, lambda X, y: (X[:, 0, 0], y), ValueError, "for X, got 1D", id="1-D X"
    ),
    pytest.param(
        {}, lambda X, y: (X[..., None], y), ValueError, "for X, got 4D", id="4-D X"
    ),
    pytest.param(
        {},
        lambda X, y: (X, y[:-3]),
        ValueError,
        r"\bX\b.*\by\b",
        id="X/y length mismatch",
    ),
    pytest.param(
        {}, lambda X, y: (with_inf(X), y), ValueError, "X contains inf", id="inf X"
    ),
    pytest.param(
        {}, lambda X, y: (X, with_inf(y)), ValueError, "y contains inf", id="inf y"
    ),
    pytest.param(
        {},
        lambda X, y: (strings(X), y),
        ValueError,
        "X must hold numbers",
        id="strings X",
    ),
    pytest.param(
        {},
        lambda X, y: (X, strings(y)),
        ValueError,
        "y must hold numbers",
        id="strings y",
    ),
    pytest.param(
        {},
        lambda X, y: (numeric_strings(X), y),
        ValueError,
        "X must hold numbers, but it holds text such as '",
        id="numeric strings X",
    ),
    pytest.param(
        {},
        lambda X, y: (X, numeric_strings(y)),
        ValueError,
        "y must hold numbers, but it holds text",
        id="numeric strings y",
    ),
    pytest.param(
        {},
        lambda X, y: (objects(X), y),
        ValueError,
        "X must hold numbers, but it holds text",
        id="object X with a string",
    ),
    pytest.param(
        {},
        lambda X, y: (np.full(X.shape, np.nan), y),
        ValueError,
        "NaN in their window or target",
        id="all windows NaN",
    ),
    pytest.param(
        {},
        lambda X, y: (X[:, :0], y),
        ValueError,
        r"\bX\b.*time step",
        id="windows of 0 time steps",
    ),
    pytest.param(
        {},
        lambda X, y: (X[:, :, :0], y),
        ValueError,
        r"\bX\b.*feature",
        id="windows of 0 features",
    ),
    pytest.param({"units": 0}, None, ValueError, "'units' parameter", id="units=0"),
    pytest.param(
        {"units": (8, 0)},
        None,
        ValueError,
        "units must be a positive",
        id="units=(8,0)",
    ),
    pytest.param({"epochs": 0}, None, ValueError, "'epochs' parameter", id="epochs=0"),
    pytest.param(
        {"batch_size": 0}, None, ValueError, "'batch_size' parameter", id="batch_size=0"
    ),
    pytest.param(
        {"learning_rate": -1},
        None,
        ValueError,
        "'learning_rate' parameter",
        id="learning_rate=-1",
    ),
    pytest.param(
        {"dropout": 1.5}, None, ValueError, "'dropout' parameter", id="dropout=1.5"
    ),
    pytest.param(
        {"validation_fraction": 1.0},
        None,
        ValueError,
        "'validation_fraction' parameter",
        id="validation_fraction=1.0",
    ),
    pytest.param(
        {"patience": -1}, None, ValueError, "'patience' parameter", id="patience=-1"
    ),
    pytest.param(
        {"normalize": "minmax"},
        None,
        ValueError,
        "'normalize' parameter",
        id="normalize='minmax'",
    ),
    pytest.param(
        {"loss": "hubber"}, None, ValueError, "loss='hubber' is not", id="loss name"
    ),
    pytest.param(
        {"optimizer": "adamm"},
        None,
        ValueError,
        "optimizer='adamm' is not",
        id="optimizer name",
    ),
    pytest.param(
        {"hidden_units": 3},
        None,
        TypeError,
        "unknown parameter 'hidden_units'",
        id="unknown parameter",
    ),
    pytest.param(
        {"optimizer__nesterov_momentum": 0.9},
        None,
        ValueError,
        "optimizer__nesterov_momentum=0.9",
        id="unknown optimizer__ option",
    ),
    pytest.param(
        {"loss__deltaa": 2.0},
        None,
        TypeError,
        "loss__deltaa=2.0",
        id="unknown loss__ option",
    ),
    pytest.param(
        {"metrics": ["maee"]},
        None,
        ValueError,
        "'maee' is not a Keras metric",
        id="metric name",
    ),
    pytest.param(
        {"bounds": (1, 0)},
        None,
        ValueError,
        r"bounds must be None or a pair \(low, high\)",
        id="bounds=(1, 0)",
    ),
    pytest.param(
        {"bounds": (0,)},
        None,
        ValueError,
        "bounds=.0, None. for a series",
        id="bounds=(0,)",
    ),
]


@pytest.fixture(scope="module")
def fitted(sine_windows):
    X, y = sine_windows
    model = LSTMForecaster(**SMALL).fit(X, y)
    return model, model.predict(X)


@pytest.fixture
def no_model_building(monkeypatch):
    def build_model(**kwargs):
        pytest.fail("a Keras model was built before the bad input was refused")

    monkeypatch.setattr(skrnn._base, "build_model", build_model)


def shallow_copy(model):
    """The fitted ``model`` with its own attribute dict (the Keras model shared)."""
    copy = type(model).__new__(type(model))
    vars(copy).update(vars(model))
    return copy


@pytest.mark.parametrize("params, bad_data, error, match", FIT_CASES)
def test_bad_fit_input_is_refused_before_building_a_model(
    params, bad_data, error, match, fitted, sine_windows, no_model_building
):
    X, y = sine_windows
    if bad_data is not None:
        X, y = bad_data(X, y)
    with pytest.raises(error, match=match):
        LSTMForecaster(**{**SMALL, **params}).fit(X, y)

    # The same failing fit on a fitted forecaster leaves it as it was.
    model, expected = fitted
    copy = shallow_copy(model)
    vars(copy).update(params)  # as __init__ stores them
    state = dict(vars(copy))
    with pytest.raises(error, match=match):
        copy.fit(X, y)
    assert vars(copy).keys() == state.keys()
    assert all(vars(copy)[k] is v for k, v in state.items())
    vars(copy).update({k: v for k, v in vars(model).items() if k in params})
    assert_array_equal(copy.predict(sine_windows[0]), expected)


def test_bad_sample_weight_is_refused(sine_windows, no_model_building):
    X, y = sine_windows
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\)"):
        LSTMForecaster(**SMALL).fit(X, y, sample_weight=np.ones(3))


def test_partial_fit_refuses_bad_input_and_keeps_the_model(fitted, sine_windows):
    X, y = sine_windows
    model, expected = fitted
    copy = shallow_copy(model)
    with pytest.raises(ValueError, match="X has 2 features, but LSTMForecaster"):
        copy.partial_fit(wider(X), y)
    with pytest.raises(ValueError, match=r"y has rows of shape \(2,\)"):
        copy.partial_fit(X, np.c_[y, y])
    assert copy.n_iter_ == model.n_iter_
    assert_array_equal(copy.predict(X), expected)


def test_partial_fit_checks_parameters_first(sine_windows, no_model_building):
    X, y = sine_windows
    with pytest.raises(ValueError, match="'units' parameter"):
        LSTMForecaster(**{**SMALL, "units": 0}).partial_fit(X, y)


PREDICT_CASES = [
    pytest.param(wider, ValueError, "X has 2 features, but", id="more features"),
    pytest.param(
        lambda X: X[:, :5], ValueError, "X has windows of 5 time steps", id="shorter"
    ),
    pytest.param(lambda X: X[0, :, 0], ValueError, "for X, got 1D", id="1-D X"),
    pytest.param(lambda X: X[..., None], ValueError, "for X, got 4D", id="4-D X"),
    pytest.param(with_inf, ValueError, "X contains inf", id="inf"),
    pytest.param(
        lambda X: X[:0],
        ValueError,
        r"\bX\b.*0 sample",
        id="empty X",
    ),
    pytest.param(
        strings,
        ValueError,
        "X must hold numbers",
        id="strings",
    ),
    pytest.param(
        numeric_strings,
        ValueError,
        "X must hold numbers, but it holds text",
        id="numeric strings",
    ),
    pytest.param(
        objects, ValueError, "X must hold numbers, but it holds text", id="objects"
    ),
]


@pytest.mark.parametrize("bad_X, error, match", PREDICT_CASES)
def test_bad_predict_input(bad_X, error, match, fitted, sine_windows):
    model, _ = fitted
    with pytest.raises(error, match=match):
        model.predict(bad_X(sine_windows[0]))


def test_predict_and_score_before_fit(sine_windows):
    X, y = sine_windows
    with pytest.raises(NotFittedError, match="LSTMForecaster instance is not fitted"):
        LSTMForecaster().predict(X)
    with pytest.raises(NotFittedError, match="LSTMForecaster instance is not fitted"):
        LSTMForecaster().score(X, y)


@pytest.mark.parametrize(
    "bad_score, match",
    [
        pytest.param(
            lambda model, X, y: model.score(X, y[:-3]),
            r"\bX\b.*\by\b",
            id="X/y length mismatch",
        ),
        pytest.param(
            lambda model, X, y: model.score(X, y, sample_weight=np.ones(3)),
            "sample_weight",
            id="sample_weight length",
        ),
        pytest.param(
            lambda model, X, y: model.score(X, numeric_strings(y)),
            "y must hold numbers, but it holds text",
            id="numeric strings y",
        ),
    ],
)
def test_bad_score_input(bad_score, match, fitted, sine_windows):
    model, _ = fitted
    with pytest.raises(ValueError, match=match):
        bad_score(model, *sine_windows)


SERIES = np.sin(np.arange(10.0))


@pytest.mark.parametrize(
    "call, error, match",
    [
        pytest.param(
            lambda: make_windows(SERIES, window=0), ValueError, "'window' parameter"
        ),
        pytest.param(
            lambda: make_windows(SERIES, window=2, horizon=0),
            ValueError,
            "'horizon' parameter",
        ),
        pytest.param(
            lambda: make_windows(SERIES, window=20),
            ValueError,
            r"the series has 10 values, fewer than the window and horizon of "
            r"one example \(20 \+ 1\): use window=9 or less",
            id="window longer than series",
        ),
        pytest.param(
            lambda: make_windows(SERIES[:0], window=2),
            ValueError,
            "the series has 0 values",
            id="empty series",
        ),
        pytest.param(
            lambda: make_windows(np.zeros((5, 2, 2)), window=2),
            ValueError,
            "series must be 1-D",
            id="3-D series",
        ),
        pytest.param(
            lambda: make_windows(strings(SERIES), window=2),
            ValueError,
            "series must hold numbers",
            id="strings",
        ),
        pytest.param(
            lambda: make_windows(objects(SERIES), window=2),
            ValueError,
            "series must hold numbers, but it holds text",
            id="objects",
        ),
        pytest.param(
            lambda: make_windows(with_inf(SERIES), window=2),
            ValueError,
            "series contains inf",
            id="inf",
        ),
        pytest.param(
            lambda: make_windows(np.zeros((10, 2)), window=2, target=5),
            ValueError,
            "target=5 is out of range",
            id="target",
        ),
    ],
)
def test_bad_make_windows_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


TABLE = SERIES.reshape(-1, 1)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: SlidingWindowTransformer(0).fit(TABLE), ValueError, "'window' param"),
        (
            lambda: SlidingWindowTransformer(20).fit(TABLE),
            ValueError,
            "window=20 is longer than the series",
        ),
        (
            lambda: SlidingWindowTransformer(2).fit(SERIES),
            ValueError,
            r"got a 1-D array.*series.reshape\(-1, 1\)",
        ),
        (
            lambda: SlidingWindowTransformer(2).fit(TABLE[:, :, None]),
            ValueError,
            "got a 3-D array",
        ),
        (
            lambda: SlidingWindowTransformer(2).fit(strings(TABLE)),
            ValueError,
            "X must hold numbers",
        ),
        (
            lambda: SlidingWindowTransformer(2).fit(TABLE[:0]),
            ValueError,
            r"Invalid X: .*0 sample",
        ),
        (
            lambda: SlidingWindowTransformer(2).fit(with_inf(TABLE)),
            ValueError,
            "X contains inf",
        ),
        (
            lambda: (
                SlidingWindowTransformer(2).fit(TABLE).transform(np.c_[TABLE, TABLE])
            ),
            ValueError,
            "X has 2 features, but SlidingWindowTransformer is expecting 1",
        ),
        (
            lambda: SlidingWindowTransformer(2).transform(TABLE),
            NotFittedError,
            "SlidingWindowTransformer instance is not fitted",
        ),
        (lambda: SequenceReshaper(0).fit(TABLE), ValueError, "'n_features' param"),
        (
            lambda: SequenceReshaper(layout="rows").fit(TABLE),
            ValueError,
            "'layout' parameter",
        ),
        (
            lambda: SequenceReshaper(n_features=3).fit(np.zeros((2, 4))),
            ValueError,
            "X has 4 columns, which is not a multiple of n_features=3",
        ),
        (
            lambda: SequenceReshaper().fit(SERIES),
            ValueError,
            r"got a 1-D array.*lags.reshape\(1, -1\)",
        ),
        (
            lambda: SequenceReshaper().fit(TABLE[:, :, None]),
            ValueError,
            "got a 3-D array",
        ),
        (
            lambda: SequenceReshaper().fit(strings(TABLE)),
            ValueError,
            "X must hold numbers",
        ),
        (
            lambda: (
                SequenceReshaper().fit(np.zeros((3, 4))).transform(np.zeros((3, 5)))
            ),
            ValueError,
            "X has 5 features, but SequenceReshaper is expecting 4",
        ),
        (
            lambda: SequenceReshaper().transform(TABLE),
            NotFittedError,
            "SequenceReshaper instance is not fitted",
        ),
    ],
)
def test_bad_transformer_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


FORECAST_CASES = [
    pytest.param(lambda s: (s, 0), {}, "steps must be an int >= 1", id="steps=0"),
    pytest.param(lambda s: (s, 2.5), {}, "steps must be an int >= 1", id="steps=2.5"),
    pytest.param(
        lambda s: (s[:5], 3),
        {},
        "history has 5 time steps, fewer than the model's window of 20",
        id="history shorter than the window",
    ),
    pytest.param(
        lambda s: (np.c_[s, s], 3),
        {},
        r"history has 2 feature\(s\) per time step",
        id="more features",
    ),
    pytest.param(
        lambda s: (with_inf(s[-30:]), 3), {}, "history contains inf", id="inf"
    ),
    pytest.param(
        lambda s: (np.r_[s[:-1], np.nan], 3),
        {},
        "history .*contain NaN: fill them",
        id="NaN in the last window",
    ),
    pytest.param(
        lambda s: (s, 3),
        {"coverage": 1.5},
        "coverage must be a float strictly between 0 and 1",
        id="coverage=1.5",
    ),
    pytest.param(
        lambda s: (s[:0], 3),
        {},
        r"\bhistory\b",
        id="empty history",
    ),
    pytest.param(
        lambda s: (s.reshape(-1, 1, 1), 3),
        {},
        r"\bhistory\b",
        id="3-D history",
    ),
    pytest.param(
        lambda s: (strings(s), 3),
        {},
        "history must hold numbers",
        id="strings",
    ),
    pytest.param(
        lambda s: (pd.Series(s, index=np.r_[0, np.arange(len(s) - 1)]), 3),
        {},
        "history's index repeats the time 0",
        id="a repeated time",
    ),
    pytest.param(
        lambda s: (pd.Series(s, index=np.arange(len(s)) ** 2 / 2), 3),
        {},
        "history's index is not evenly spaced",
        id="unevenly spaced index",
    ),
    pytest.param(
        lambda s: (s[:40], 30),
        {"coverage": 0.9},
        "history is too short to calibrate a 90% interval 30 step",
        id="too short for intervals",
    ),
    pytest.param(
        lambda s: (numeric_strings(s), 3),
        {},
        "history must hold numbers, but it holds text",
        id="numeric strings",
    ),
    pytest.param(
        lambda s: (objects(s), 3),
        {},
        "history must hold numbers, but it holds text",
        id="objects",
    ),
]


@pytest.mark.parametrize("bad_args, kwargs, match", FORECAST_CASES)
def test_bad_forecast_input(bad_args, kwargs, match, fitted, sine):
    model, _ = fitted
    with pytest.raises(ValueError, match=match):
        model.forecast(*bad_args(sine), **kwargs)


def test_forecast_refuses_a_model_whose_targets_are_not_every_column(sine, monkeypatch):
    frame = pd.DataFrame({"a": sine[:60], "b": -sine[:60]})
    X, y = make_windows(frame, window=5, horizon=2, target="a")
    model = LSTMForecaster(**SMALL).fit(X, y)

    def no_backend(*args, **kwargs):
        pytest.fail("forecast reached the backend before refusing")

    monkeypatch.setattr(skrnn._forecasting, "make_rollout_function", no_backend)
    with pytest.raises(ValueError, match=r"column\(s\) \['b'\] would not be"):
        model.forecast(frame, 3)


def test_bad_metric_input():
    from skrnn.metrics import get_scorer, mean_absolute_error

    with pytest.raises(ValueError, match="'accuracy' is not a NaN-skipping"):
        get_scorer("accuracy")
    with pytest.raises(ValueError, match="None of the 2 rows has both"):
        mean_absolute_error([np.nan, 1.0], [1.0, np.nan])


def test_forecast_before_fit(sine):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        LSTMForecaster().forecast(sine, 3)


@pytest.mark.parametrize(
    "bad_X, coverage, error, match",
    [
        (lambda X: X, 1.5, ValueError, "coverage must be a float strictly"),
        (lambda X: X, "0.9", ValueError, "coverage must be a float strictly"),
        (wider, 0.9, ValueError, "X has 2 features, but LSTMForecaster"),
        (lambda X: X[..., None], 0.9, ValueError, "for X, got 4D"),
    ],
)
def test_bad_predict_interval_input(
    bad_X, coverage, error, match, fitted, sine_windows
):
    model, _ = fitted
    with pytest.raises(error, match=match):
        model.predict_interval(bad_X(sine_windows[0]), coverage=coverage)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        LSTMForecaster().predict_interval(sine_windows[0])


@pytest.mark.parametrize(
    "params, bad_data, kwargs, match",
    [
        ({}, None, {"min_lr": 1.0, "max_lr": 1e-3}, "must be larger than min_lr"),
        ({}, None, {"min_lr": 0.0}, "min_lr must be a float > 0"),
        ({}, None, {"num_steps": 0}, "num_steps must be an int >= 5"),
        ({"units": 0}, None, {}, "'units' parameter"),
        ({}, lambda X, y: (X[..., None], y), {}, "for X, got 4D"),
        ({}, lambda X, y: (X, with_inf(y)), {}, "y contains inf"),
    ],
)
def test_bad_find_learning_rate_input(
    params, bad_data, kwargs, match, fitted, sine_windows, no_model_building
):
    X, y = sine_windows
    if bad_data is not None:
        X, y = bad_data(X, y)
    with pytest.raises(ValueError, match=match):
        LSTMForecaster(**{**SMALL, **params}).find_learning_rate(X, y, **kwargs)
    # A fitted forecaster keeps its model and predictions.
    model, expected = fitted
    copy = shallow_copy(model)
    vars(copy).update(params)
    with pytest.raises(ValueError, match=match):
        copy.find_learning_rate(X, y, **kwargs)
    assert copy.model_ is model.model_
    assert_array_equal(copy.predict(sine_windows[0]), expected)


def suggested(pattern, error):
    """The value an error message suggests, found by ``pattern``."""
    return re.search(pattern, str(error.value)).group(1)


def test_the_fixes_error_messages_suggest_work(fitted, sine):
    model, _ = fitted
    frame = pd.DataFrame({"a": sine, "b": -sine, "label": "x"})
    with pytest.raises(ValueError, match="DataFrame.select_dtypes"):
        make_windows(frame, window=3)
    numbers = frame.select_dtypes("number")
    with pytest.raises(ValueError, match="pass target= the column"):
        make_windows(numbers, window=3)
    assert make_windows(numbers, window=3, target=list(numbers.columns))[1].shape[
        1:
    ] == (2,)

    dated = pd.Series(sine, index=pd.date_range("2024-01-01", periods=len(sine)))
    late_gap = dated.drop(dated.index[-2])
    with pytest.raises(ValueError, match=r"NaN \(the first at .*\): fill them"):
        model.forecast(late_gap, 2)
    assert len(model.forecast(fill_gaps(late_gap).interpolate(), 2)) == 2
    holed = dated.copy()
    holed.iloc[-3] = np.nan
    with pytest.raises(ValueError, match=r"fill_gaps\(history\).interpolate\(\)"):
        model.forecast(holed, 2)
    assert len(model.forecast(fill_gaps(holed).interpolate(), 2)) == 2
    with pytest.raises(ValueError, match=r"contain NaN: .*history.interpolate\(\)"):
        model.forecast(holed.to_numpy(), 2)

    X = sine[:40].reshape(2, 20, 1)
    with pytest.raises(ValueError, match="lower the coverage") as error:
        model.predict_interval(X, coverage=0.99)
    coverage = float(suggested(r"coverage=([\d.]+) works", error))
    assert model.predict_interval(X, coverage=coverage).shape == (2, 2)

    with pytest.raises(ValueError, match="use window=9 or less") as error:
        make_windows(SERIES, window=10)
    window = int(suggested(r"use window=(\d+) or less", error))
    assert make_windows(SERIES, window=window)[0].shape == (1, 9, 1)

    X, y = np.zeros((60, 5, 2)), sine[:60]
    with pytest.raises(ValueError, match="Use normalize='global'"):
        LSTMForecaster(**SMALL, normalize="last").fit(X, y)
    assert LSTMForecaster(**SMALL, normalize="global").fit(X, y).n_iter_ == 1

    with pytest.raises(ValueError, match=r"series.reshape\(-1, 1\)"):
        SlidingWindowTransformer(2).fit(SERIES)
    SlidingWindowTransformer(2).fit(SERIES.reshape(-1, 1))
    with pytest.raises(ValueError, match=r"lags.reshape\(1, -1\)"):
        SequenceReshaper().fit(SERIES)
    SequenceReshaper().fit(SERIES.reshape(1, -1))
    with pytest.raises(ValueError, match="Set n_features to the number"):
        SequenceReshaper(n_features=3).fit(np.zeros((2, 4)))
    assert SequenceReshaper(n_features=2).fit_transform(np.zeros((2, 4))).shape == (
        2,
        2,
        2,
    )
