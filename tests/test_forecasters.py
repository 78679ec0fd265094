"""RNNForecaster, LSTMForecaster and GRUForecaster as a user meets them."""

import pickle

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import (
    GRUForecaster,
    LSTMForecaster,
    RNNForecaster,
    SlidingWindowTransformer,
    make_windows,
)
from skrnn._training_data import subsample

FORECASTERS = [RNNForecaster, LSTMForecaster, GRUForecaster]
SMALL = {"units": 8, "epochs": 3, "random_state": 0}


def mae(a, b):
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))))


@pytest.mark.parametrize("cls", FORECASTERS)
def test_is_a_regressor(cls):
    assert is_regressor(cls())


@pytest.mark.parametrize("cls", FORECASTERS)
def test_beats_the_naive_forecast_on_a_sine(cls, sine_windows):
    X, y = sine_windows
    X_train, y_train, X_test, y_test = X[:380], y[:380], X[380:], y[380:]
    model = cls(units=16, epochs=30, random_state=0).fit(X_train, y_train)
    naive = mae(X_test[:, -1, 0], y_test)
    assert mae(model.predict(X_test), y_test) < 0.5 * naive


def test_recurrent_cell_matches_the_class(sine_windows):
    X, y = sine_windows
    for cls, layer in [
        (RNNForecaster, keras.layers.SimpleRNN),
        (LSTMForecaster, keras.layers.LSTM),
        (GRUForecaster, keras.layers.GRU),
    ]:
        model = cls(units=(5, 4), epochs=1, random_state=0).fit(X[:50], y[:50])
        recurrent = [lay for lay in model.model_.layers if isinstance(lay, layer)]
        assert [lay.units for lay in recurrent] == [5, 4]
        assert [lay.return_sequences for lay in recurrent] == [True, False]


def test_clone_keeps_every_parameter_routed_ones_too():
    model = LSTMForecaster(
        units=(40, 40), optimizer="sgd", optimizer__momentum=0.9, loss__delta=2.0
    )
    params = model.get_params()
    assert params["optimizer__momentum"] == 0.9
    assert params["loss__delta"] == 2.0
    copy = clone(model)
    assert copy.get_params() == params
    copy.set_params(optimizer__momentum=0.5, fit__shuffle=False)
    assert copy.get_params()["optimizer__momentum"] == 0.5
    assert clone(copy).get_params()["fit__shuffle"] is False
    assert "optimizer__momentum=0.9" in repr(model)


def test_routed_parameters_reach_keras(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(
        units=4,
        optimizer="sgd",
        learning_rate=1e-3,
        optimizer__momentum=0.9,
        loss__delta=2.5,
        metrics=["mae"],
        epochs=2,
        early_stopping=False,
        random_state=0,
    ).fit(X[:100], y[:100])
    optimizer = model.model_.optimizer
    assert isinstance(optimizer, keras.optimizers.SGD)
    assert optimizer.momentum == pytest.approx(0.9)
    assert float(optimizer.learning_rate) == pytest.approx(1e-3)
    assert isinstance(model.model_.loss, keras.losses.Huber)
    assert model.model_.loss._fn_kwargs["delta"] == pytest.approx(2.5)
    assert len(model.history_["mae"]) == len(model.history_["val_mae"]) == 2


def test_optimizer_instance_is_copied_for_each_fit(sine_windows):
    X, y = sine_windows
    optimizer = keras.optimizers.SGD(learning_rate=0.01, momentum=0.5)
    model = RNNForecaster(units=4, optimizer=optimizer, epochs=1, random_state=0)
    first = model.fit(X[:60], y[:60]).model_.optimizer
    second = model.fit(X[:60], y[:60]).model_.optimizer
    assert first is not optimizer and second is not first
    assert second.momentum == pytest.approx(0.5)


def test_unknown_parameters_are_refused_at_fit(sine_windows):
    X, y = sine_windows
    with pytest.raises(TypeError, match="unknown parameter 'hidden_units'"):
        LSTMForecaster(hidden_units=3).fit(X, y)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"loss": "hubber"}, "loss='hubber' is not a Keras loss"),
        ({"optimizer": "adamm"}, "optimizer='adamm' is not a Keras optimizer"),
        ({"units": (8, 0)}, "units must be a positive int"),
        ({"epochs": 0}, "'epochs' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"max_windows": 0}, "'max_windows' parameter"),
        ({"max_windows": "all"}, "'max_windows' parameter"),
    ],
)
def test_bad_parameters_raise_clear_errors(params, message, sine_windows):
    X, y = sine_windows
    with pytest.raises((ValueError, TypeError), match=message):
        LSTMForecaster(**params).fit(X[:40], y[:40])


def test_max_windows_trains_on_that_many_windows(sine_windows, batch_losses):
    X, y = sine_windows  # 480 windows: 15 batches of 32
    _, every = batch_losses(X, y, random_state=0)
    _, subset = batch_losses(X, y, max_windows=64, random_state=0)
    _, again = batch_losses(X, y, max_windows=64, random_state=0)
    assert every.shape == (2, 15)
    assert subset.shape == (2, 2)
    assert_array_equal(again, subset)


def test_max_windows_draws_its_subset_with_the_seed():
    rows = np.arange(100, 400)
    subset = subsample(rows, 50, seed=0)
    assert len(np.unique(subset)) == 50 and np.isin(subset, rows).all()
    assert_array_equal(subset, np.sort(subset))
    assert_array_equal(subsample(rows, 50, seed=0), subset)
    assert not np.array_equal(subsample(rows, 50, seed=1), subset)
    assert_array_equal(subsample(rows, 300, seed=0), rows)


def test_same_seed_same_predictions_other_seed_other(sine_windows):
    X, y = sine_windows
    first = GRUForecaster(**SMALL).fit(X, y).predict(X)
    second = GRUForecaster(**SMALL).fit(X, y).predict(X)
    other = GRUForecaster(**{**SMALL, "random_state": 1}).fit(X, y).predict(X)
    assert_array_equal(first, second)
    assert not np.allclose(first, other)


def test_each_fit_starts_from_fresh_weights(sine_windows):
    X, y = sine_windows
    model = LSTMForecaster(**SMALL)
    first_model = model.fit(X, y).model_
    first = model.predict(X)
    assert_array_equal(model.fit(X, y).predict(X), first)
    assert model.model_ is not first_model


def test_two_dimensional_windows_are_univariate(sine_windows):
    X, y = sine_windows
    from_3d = RNNForecaster(**SMALL).fit(X, y)
    from_2d = RNNForecaster(**SMALL).fit(X[:, :, 0], y)
    assert from_2d.input_shape_ == (20, 1)
    assert from_2d.n_features_in_ == 20 and from_3d.n_features_in_ == 1
    assert_allclose(from_2d.predict(X[:, :, 0]), from_3d.predict(X), rtol=1e-6)
    # Either model takes the same windows in the other form, too.
    assert_array_equal(from_3d.predict(X[:, :, 0]), from_3d.predict(X))
    assert_array_equal(from_2d.predict(X), from_2d.predict(X[:, :, 0]))
    assert from_3d.score(X[:, :, 0], y) == from_3d.score(X, y)
    with pytest.raises(ValueError, match="X has 19 features"):
        from_3d.predict(X[:, 1:, 0])


def test_dataframe_windows_record_feature_names(sine_windows):
    X, y = sine_windows
    frame = pd.DataFrame(X[:, :, 0], columns=[f"lag_{k}" for k in range(20, 0, -1)])
    model = RNNForecaster(units=4, epochs=1, random_state=0).fit(frame, y)
    assert_array_equal(model.feature_names_in_, frame.columns)
    assert model.predict(frame).shape == (len(frame),)


def test_multi_step_horizon(sine):
    X, y = make_windows(sine, window=20, horizon=5)
    model = LSTMForecaster(units=16, epochs=20, random_state=0).fit(X[:380], y[:380])
    pred = model.predict(X[380:])
    assert pred.shape == (len(X) - 380, 5) and pred.dtype == np.float64
    naive = np.repeat(X[380:, -1, :], 5, axis=1)
    assert mae(pred, y[380:]) < 0.5 * mae(naive, y[380:])


def test_multivariate_input_and_targets(sine):
    frame = pd.DataFrame({"a": sine, "b": np.roll(sine, 3) + 1.0})
    X, y = make_windows(frame, window=10, horizon=2, target=["a", "b"])
    model = GRUForecaster(units=8, epochs=2, random_state=0).fit(X, y)
    assert model.normalize_ == "global"  # "auto" with several features
    assert model.n_features_in_ == 2 and model.n_outputs_ == 4
    pred = model.predict(X[:7])
    assert pred.shape == (7, 2, 2) and pred.dtype == np.float64


def test_nan_windows_are_skipped_in_fit_and_nan_in_predict(sine):
    series = sine.copy()
    series[[50, 200]] = np.nan
    X, y = make_windows(series, window=20)
    has_nan = np.isnan(X).any(axis=(1, 2)) | np.isnan(y)
    model = RNNForecaster(**SMALL).fit(X, y)
    assert model.n_samples_skipped_ == has_nan.sum() == 42
    pred = model.predict(X)
    assert_array_equal(np.isnan(pred), np.isnan(X).any(axis=(1, 2)))
    with pytest.raises(ValueError, match="missing='skip'"):
        RNNForecaster(missing="raise", **SMALL).fit(X, y)


def test_infinity_is_refused(sine_windows):
    X, y = sine_windows
    X = X.copy()
    X[3, 4, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        RNNForecaster(**SMALL).fit(X, y)


def test_failed_fit_leaves_the_fitted_estimator_as_it_was(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(**SMALL).fit(X, y)
    before, fitted_model = model.predict(X), model.model_
    state = dict(vars(model))
    X_bad = X.copy()
    X_bad[0, 0, 0] = np.inf
    with pytest.raises(ValueError):
        model.fit(X_bad, y)
    with pytest.raises(ValueError):
        model.set_params(normalize="last").fit(np.zeros((len(y), 20, 2)), y[:, None])
    model.set_params(normalize="auto")
    assert model.model_ is fitted_model
    assert vars(model).keys() == state.keys()
    assert_array_equal(model.predict(X), before)


def test_predict_checks_the_window_shape(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match="fitted on 20 x 1"):
        model.predict(X[:, :10])
    with pytest.raises(ValueError, match="Expected 2D array"):
        model.predict(X[..., None])
    with pytest.raises(NotFittedError):
        RNNForecaster().predict(X)


def test_predict_does_not_use_model_predict(sine_windows, monkeypatch):
    X, y = sine_windows
    model = RNNForecaster(**SMALL).fit(X, y)
    expected = model.model_.predict(X[:10].astype(np.float32), verbose=0)

    def fail(*args, **kwargs):
        raise AssertionError("keras Model.predict was called")

    monkeypatch.setattr(model.model_, "predict", fail)
    assert_allclose(model.predict(X[:10]), expected[:, 0], rtol=1e-5, atol=1e-6)


def test_pickle_round_trip_predicts_identically(sine_windows):
    X, y = sine_windows
    model = LSTMForecaster(**SMALL).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X), model.predict(X))


def test_normalize_last_follows_level_shifts(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(normalize="last", **SMALL).fit(X, y)
    # Subtracting the last value and adding it back makes the model
    # equivariant to a shift in level.
    assert_allclose(model.predict(X + 1000.0), model.predict(X) + 1000.0, atol=1e-3)
    assert model.normalize_ == "last"


@pytest.mark.parametrize(
    "low, expected",
    [(-100.0, "last"), (0.0, "window"), (50.0, "last")],
    ids=["goes negative", "counts down to zero", "stays away from zero"],
)
def test_auto_scales_each_window_of_a_series_that_falls_to_zero(low, expected):
    """Sunspot-like counts (never negative, down to 0) get per-window
    scaling, whose steps follow the level; other series the last value."""
    t = np.arange(300)
    series = np.maximum(100 * np.sin(t / 10), low) + 100
    series -= series.min() - low  # the series' lowest value is ``low``
    X, y = make_windows(series, window=12)
    model = RNNForecaster(**SMALL).fit(X, y)
    assert model.normalize_ == expected
    assert RNNForecaster(normalize="last", **SMALL).fit(X, y).normalize_ == "last"


def test_normalize_global_embeds_training_statistics(sine_windows):
    X, y = sine_windows
    X, y = 50.0 + 10.0 * X, 50.0 + 10.0 * y
    model = LSTMForecaster(normalize="global", **SMALL).fit(X, y)
    layer = model.model_.get_layer("normalize")
    n_train = len(X) - int(0.1 * len(X))
    center, scale = layer.get_weights()
    assert_allclose(np.ravel(center), X[:n_train].mean(), rtol=1e-5)
    assert_allclose(np.ravel(scale), X[:n_train].std(), rtol=1e-5)
    assert model.model_.get_layer("denormalize").invert


def test_normalize_none_is_a_plain_model(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(normalize=None, **SMALL).fit(X, y)
    names = [layer.name for layer in model.model_.layers]
    assert names == ["windows", "recurrent_0", "output"]


def test_course_simple_rnn_rebuilds_in_one_call(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(
        units=(40, 40),
        normalize=None,
        output_scale=100.0,
        loss="huber",
        optimizer="sgd",
        learning_rate=1e-5,
        optimizer__momentum=0.9,
        epochs=2,
        random_state=0,
    ).fit(X[:, :, 0], y)
    layers = model.model_.layers
    assert [type(layer).__name__ for layer in layers] == [
        "InputLayer",
        "SimpleRNN",
        "SimpleRNN",
        "Dense",
        "Rescaling",
    ]
    assert layers[-1].scale == 100.0
    # The output really is the Dense output times 100.
    dense = keras.Model(model.model_.input, layers[-2].output)
    raw = keras.ops.convert_to_numpy(dense(X[:5].astype(np.float32)))[:, 0]
    assert_allclose(model.predict(X[:5, :, 0]), 100.0 * raw, rtol=1e-5)


def test_bidirectional_conv_and_dense_layers(sine_windows):
    X, y = sine_windows
    model = LSTMForecaster(
        units=(6, 4),
        bidirectional=True,
        conv_filters=3,
        kernel_size=4,
        dense_units=(5,),
        epochs=1,
        random_state=0,
    ).fit(X, y)
    kinds = [type(layer).__name__ for layer in model.model_.layers]
    assert kinds.count("Bidirectional") == 2
    conv = model.model_.get_layer("conv1d")
    assert conv.filters == 3 and conv.kernel_size == (4,) and conv.padding == "causal"
    assert model.model_.get_layer("dense_0").units == 5
    backward = model.model_.get_layer("bidirectional_0").backward_layer
    forward = model.model_.get_layer("bidirectional_0").forward_layer
    # Each direction has its own seed, so they do not start identical.
    assert not np.allclose(forward.get_weights()[0], backward.get_weights()[0])


def test_preprocessing_and_postprocessing_become_lambda_layers(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(
        normalize=None,
        preprocessing=lambda x: x * 0.5,
        postprocessing=lambda x: x * 0.0 + 7.0,
        **SMALL,
    ).fit(X, y)
    assert model.model_.get_layer("preprocessing").__class__.__name__ == "Lambda"
    assert_allclose(model.predict(X[:4]), 7.0)


def test_validation_tail_and_early_stopping(sine_windows):
    X, y = sine_windows
    model = RNNForecaster(units=4, epochs=4, early_stopping=False, random_state=0)
    model.fit(X, y)
    assert model.n_iter_ == 4 and len(model.history_["val_loss"]) == 4
    no_tail = RNNForecaster(
        units=4, epochs=2, validation_fraction=0.0, random_state=0
    ).fit(X, y)
    assert "val_loss" not in no_tail.history_


def test_early_stopping_restores_the_best_epoch(sine_windows):
    X, y = sine_windows
    # A learning rate far too high makes the validation loss erratic. With
    # normalize="last" the loss is in the series' units, as computed below.
    model = RNNForecaster(
        units=8,
        learning_rate=0.5,
        epochs=30,
        patience=2,
        normalize="last",
        random_state=0,
    ).fit(X, y)
    val_loss = model.history_["val_loss"]
    assert model.n_iter_ < 30
    best = int(np.argmin(val_loss))
    assert best == model.n_iter_ - 3  # stopped `patience` epochs after the best
    n_val = int(0.1 * len(X))
    pred = model.predict(X[-n_val:])
    restored = float(keras.losses.Huber()(y[-n_val:], pred))
    assert restored == pytest.approx(val_loss[best], rel=1e-3)


def test_partial_fit_continues_training(sine_windows):
    X, y = sine_windows
    model = GRUForecaster(units=4, random_state=0)
    model.partial_fit(X, y)
    assert_array_equal(model.target_features_, [0])  # recorded by the first call
    kernel = model.model_.get_layer("recurrent_0").get_weights()[0]
    model.partial_fit(X, y)
    assert model.n_iter_ == 2
    assert not np.allclose(
        kernel, model.model_.get_layer("recurrent_0").get_weights()[0]
    )


def test_verbose_shows_keras_progress(sine_windows, capsys):
    X, y = sine_windows
    RNNForecaster(units=4, epochs=1, verbose=2, random_state=0).fit(X[:50], y[:50])
    assert "loss" in capsys.readouterr().out
    RNNForecaster(units=4, epochs=1, verbose=0, random_state=0).fit(X[:50], y[:50])
    assert capsys.readouterr().out == ""


def test_pipeline_with_sliding_windows_and_shifted_target(sine):
    frame = pd.DataFrame({"value": sine})
    target = frame["value"].shift(-1)  # NaN-tailed
    frame.iloc[:5] = np.nan  # NaN-headed input
    pipe = make_pipeline(
        StandardScaler(),
        SlidingWindowTransformer(window=20),
        LSTMForecaster(units=16, epochs=20, random_state=0),
    )
    pipe.fit(frame[:400], target[:400])
    forecaster = pipe[-1]
    assert forecaster.n_samples_skipped_ == 5 + 19
    pred = pipe.predict(frame[400:])
    assert np.isnan(pred[:19]).all() and not np.isnan(pred[19:]).any()
    truth = target[400:].to_numpy()
    known = ~np.isnan(pred) & ~np.isnan(truth)
    naive = frame["value"][400:].to_numpy()
    assert mae(pred[known], truth[known]) < 0.5 * mae(naive[known], truth[known])
    assert np.isfinite(pipe.score(frame[400:], target[400:]))


def test_grid_search_with_time_series_split(sine_windows):
    X, y = sine_windows
    search = GridSearchCV(
        RNNForecaster(units=4, epochs=1, random_state=0),
        {"units": [4, 8], "optimizer__beta_1": [0.8, 0.9]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_mean_absolute_error",
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.get_params()["optimizer__beta_1"] in (0.8, 0.9)
    assert search.best_estimator_.model_.optimizer.beta_1 == pytest.approx(
        search.best_params_["optimizer__beta_1"]
    )


def test_cross_val_score_with_time_series_split(sine_windows):
    X, y = sine_windows
    scores = cross_val_score(
        LSTMForecaster(units=8, epochs=10, random_state=0),
        X,
        y,
        cv=TimeSeriesSplit(n_splits=3),
    )
    assert scores.shape == (3,)
    assert np.all(scores > 0.5)  # R^2 on a sine: far better than the mean


def test_sample_weight_changes_the_fit(sine_windows):
    X, y = sine_windows
    plain = RNNForecaster(**SMALL).fit(X, y).predict(X)
    weights = np.linspace(0.1, 1.0, len(X))
    weighted = RNNForecaster(**SMALL).fit(X, y, sample_weight=weights).predict(X)
    assert not np.allclose(plain, weighted)


def test_callbacks_and_fit_routing_reach_model_fit(sine_windows):
    X, y = sine_windows

    class EpochCounter(keras.callbacks.Callback):
        epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            EpochCounter.epochs += 1

    model = RNNForecaster(
        units=4,
        epochs=4,
        early_stopping=False,
        callbacks=[EpochCounter()],
        fit__validation_freq=2,
        random_state=0,
    ).fit(X, y)
    assert EpochCounter.epochs == 4
    assert len(model.history_["loss"]) == 4
    assert len(model.history_["val_loss"]) == 2  # validated every 2nd epoch


@pytest.mark.parametrize("normalize", ["last", "global"])
def test_saved_keras_model_is_the_whole_predictor(normalize, sine_windows, tmp_path):
    X, y = sine_windows
    model = LSTMForecaster(normalize=normalize, **SMALL).fit(X, y)
    path = tmp_path / "model.keras"
    model.model_.save(path)
    loaded = keras.saving.load_model(path)  # safe mode: no Lambda layers
    raw = keras.ops.convert_to_numpy(loaded(X[:10].astype(np.float32)))
    assert_allclose(raw[:, 0], model.predict(X[:10]), rtol=1e-5)
