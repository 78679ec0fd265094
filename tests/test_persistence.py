"""Save and load without pickle; pickle, joblib and cloudpickle round trips."""

import copy
import io
import json
import os
import pickle
import re
import threading
import zipfile

import joblib
import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import skrnn
import skrnn._persistence
from skrnn import GRUForecaster, LSTMForecaster, RNNForecaster, load

# XLA compilation would dominate the run time of these tiny fits.
SMALL = {"units": 4, "epochs": 2, "random_state": 0, "jit_compile": False}


def squared_error(y_true, y_pred):
    return keras.ops.mean((y_true - y_pred) ** 2)


@pytest.fixture(scope="module")
def fitted(sine_windows):
    X, y = sine_windows
    return LSTMForecaster(**SMALL).fit(X, y)


@pytest.fixture(scope="module")
def with_lambda(sine_windows):
    X, y = sine_windows
    return RNNForecaster(preprocessing=lambda x: x * 1, **SMALL).fit(X, y)


def read_document(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("skrnn.json"))


def rewrite_document(path, change):
    """Rewrite the JSON member of a saved file through ``change(document)``."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(members["skrnn.json"])
    change(document)
    members["skrnn.json"] = json.dumps(document)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_save_and_load_predict_identically(fitted, sine_windows, tmp_path):
    X, _ = sine_windows
    path = fitted.save(tmp_path / "model.skrnn")
    assert path == tmp_path / "model.skrnn"
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["skrnn.json", "model.keras"]
    loaded = load(path)
    assert type(loaded) is LSTMForecaster
    assert_array_equal(loaded.predict(X), fitted.predict(X))
    # Fitted state the intervals and forecasts use comes back too.
    if hasattr(fitted, "predict_interval"):
        assert_array_equal(loaded.predict_interval(X), fitted.predict_interval(X))
    if hasattr(fitted, "forecast"):
        history = X[-1, :, 0]
        assert_array_equal(loaded.forecast(history, 5), fitted.forecast(history, 5))
    assert loaded.get_params() == fitted.get_params()
    for name in ["input_shape_", "target_shape_", "n_features_in_", "history_"]:
        assert getattr(loaded, name) == getattr(fitted, name)
    assert_array_equal(loaded.target_features_, [0])
    assert type(loaded.input_shape_) is tuple
    assert loaded._random_state == fitted._random_state
    assert loaded.model_ is not fitted.model_


def test_document_records_versions_params_and_attributes(fitted, tmp_path):
    document = read_document(fitted.save(tmp_path / "model.skrnn"))
    assert document["format"] == "skrnn-estimator"
    assert document["format_version"] == 1
    assert document["skrnn_version"] == skrnn.__version__
    assert document["class"] == "LSTMForecaster"
    assert document["params"]["units"] == 4
    assert document["attributes"]["input_shape_"] == {"__tuple__": [20, 1]}
    attributes = document["attributes"]
    assert "model_" not in attributes and "_predict_function" not in attributes
    assert attributes["_random_state"] == 0 and attributes["n_iter_"] == 2


def test_multi_output_dataframe_and_tuple_params_round_trip(sine, tmp_path):
    frame = pd.DataFrame({"a": sine, "b": np.cos(np.arange(len(sine)) / 4)})
    X, y = skrnn.make_windows(frame, window=8, horizon=2, target=["a", "b"])
    flat = pd.DataFrame(X[:, :, 0], columns=[f"lag_{k}" for k in range(8)])
    model = GRUForecaster(
        units=(4, 3),
        dense_units=[3],
        normalize="global",
        optimizer="sgd",
        optimizer__momentum=0.5,
        metrics=["mae"],
        random_state=np.random.RandomState(3),
        epochs=1,
        jit_compile=False,
    ).fit(flat, y)
    loaded = load(model.save(tmp_path / "model.skrnn"))
    assert_array_equal(loaded.predict(flat), model.predict(flat))
    assert loaded.predict(flat).shape == (len(flat), 2, 2)
    assert loaded.units == (4, 3) and loaded.dense_units == [3]
    assert loaded.optimizer__momentum == 0.5
    assert loaded.feature_names_in_.dtype == object
    assert_array_equal(loaded.feature_names_in_, model.feature_names_in_)
    # The RandomState parameter comes back in the state it was saved in.
    assert loaded.random_state.randint(10**9) == model.random_state.randint(10**9)


def joblib_round_trip(estimator):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


@pytest.mark.parametrize(
    "round_trip",
    [lambda est: pickle.loads(pickle.dumps(est)), joblib_round_trip],
    ids=["pickle", "joblib"],
)
def test_pickle_and_joblib_round_trips(round_trip, fitted, sine_windows):
    X, _ = sine_windows
    restored = round_trip(fitted)
    assert_array_equal(restored.predict(X), fitted.predict(X))


def test_target_layout_and_bounds_survive_save_load_and_pickle(sine, tmp_path):
    frame = pd.DataFrame({"a": sine, "b": np.cos(np.arange(len(sine)) / 4)})
    X, y = skrnn.make_windows(frame, window=8, target=["b", "a"])
    model = RNNForecaster(normalize="last", bounds=(-0.9, None), **SMALL).fit(X, y)
    expected = model.forecast(frame, 4)
    for restored in (
        load(model.save(tmp_path / "model.skrnn")),
        pickle.loads(pickle.dumps(model)),
    ):
        assert_array_equal(restored.target_features_, [1, 0])
        assert restored.bounds == (-0.9, None)
        pd.testing.assert_frame_equal(restored.forecast(frame, 4), expected)


def test_a_model_saved_without_target_features_still_forecasts(fitted, sine):
    # Files written before target_features_ was recorded lack it.
    old = copy.copy(fitted)
    del old.target_features_
    assert_array_equal(old.forecast(sine, 3), fitted.forecast(sine, 3))


def test_cloudpickle_round_trip_keeps_code(sine_windows):
    cloudpickle = pytest.importorskip("cloudpickle")
    X, y = sine_windows
    model = RNNForecaster(
        preprocessing=lambda x: x * 2.0, loss=squared_error, **SMALL
    ).fit(X, y)
    restored = cloudpickle.loads(cloudpickle.dumps(model))
    assert_array_equal(restored.predict(X), model.predict(X))


def test_loaded_estimator_refits_clones_and_continues(
    fitted, sine_windows, tmp_path, monkeypatch
):
    X, y = sine_windows
    # Every numeric array (the optimizer's variables among them) goes to the
    # binary member, as large ones do.
    monkeypatch.setattr(skrnn._persistence, "MAX_JSON_ARRAY_SIZE", 0)
    path = fitted.save(tmp_path / "model.skrnn")
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["skrnn.json", "model.keras", "arrays.npz"]
    loaded = load(path)
    assert_array_equal(loaded.predict(X), fitted.predict(X))
    assert clone(loaded).get_params() == fitted.get_params()
    # The optimizer state travels with the model: one more epoch on each
    # gives the same weights.
    continued = pickle.loads(pickle.dumps(fitted)).partial_fit(X, y)
    assert_array_equal(loaded.partial_fit(X, y).predict(X), continued.predict(X))
    assert loaded.n_iter_ == fitted.n_iter_ + 1
    # Seeded by the saved random_state, a refit reproduces the saved fit.
    refit = load(tmp_path / "model.skrnn").fit(X, y)
    assert_array_equal(refit.predict(X), fitted.predict(X))


def test_safe_mode_refuses_code_and_unsafe_mode_loads_it(
    with_lambda, sine_windows, tmp_path
):
    X, _ = sine_windows
    model = with_lambda
    path = model.save(tmp_path / "code.skrnn")
    with pytest.raises(ValueError, match="arbitrary Python code.*safe_mode=False"):
        load(path)
    loaded = load(path, safe_mode=False)
    assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.model_.get_layer("preprocessing").__class__.__name__ == "Lambda"


def test_safe_mode_refuses_a_lambda_layer_without_pickled_params(with_lambda, tmp_path):
    path = with_lambda.save(tmp_path / "code.skrnn")
    # Even with the pickled parameters gone, the Lambda in the Keras model
    # is code, and Keras's safe mode check is translated.
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "code.pkl"}
    document = json.loads(members["skrnn.json"])
    document["params"]["preprocessing"] = None
    members["skrnn.json"] = json.dumps(document)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="Lambda layer.*safe_mode=False"):
        load(path)


def test_named_functions_loss_and_callbacks_load_unsafely(sine_windows, tmp_path):
    X, y = sine_windows
    model = RNNForecaster(
        loss=squared_error, callbacks=[keras.callbacks.TerminateOnNaN()], **SMALL
    ).fit(X, y)
    path = model.save(tmp_path / "loss.skrnn")
    document = read_document(path)
    assert document["params"]["loss"] == {"__code__": "params.loss"}
    with pytest.raises(ValueError, match="arbitrary Python code"):
        load(path)
    loaded = load(path, safe_mode=False)
    assert loaded.loss.__name__ == "squared_error"
    assert_array_equal(loaded.predict(X), model.predict(X))


def test_optimizer_instance_is_stored_as_keras_config(sine_windows, tmp_path):
    X, y = sine_windows
    optimizer = keras.optimizers.SGD(learning_rate=0.02, momentum=0.3)
    model = RNNForecaster(optimizer=optimizer, **SMALL).fit(X, y)
    path = model.save(tmp_path / "sgd.skrnn")
    loaded = load(path)  # safe mode: no pickle needed
    assert isinstance(loaded.optimizer, keras.optimizers.SGD)
    assert loaded.optimizer.momentum == pytest.approx(0.3)
    assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize(
    "content",
    [b"", os.urandom(1000), b"PK\x03\x04 not really a zip"],
    ids=["empty", "random-bytes", "zip-magic"],
)
def test_non_archives_are_refused_clearly(content, tmp_path):
    path = tmp_path / "bad.skrnn"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="is not a forecaster saved by skrnn"):
        load(path)


def test_truncated_file_is_refused_clearly(fitted, tmp_path):
    path = fitted.save(tmp_path / "model.skrnn")
    data = path.read_bytes()
    for size in (len(data) // 2, len(data) - 10):
        path.write_bytes(data[:size])
        with pytest.raises(ValueError, match="not a complete zip archive"):
            load(path)


def test_foreign_zip_is_refused_clearly(tmp_path):
    path = tmp_path / "foreign.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("skrnn.json", "{}")
        archive.writestr("model.keras", b"")
    with pytest.raises(ValueError, match="skrnn.json is not skrnn's"):
        load(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="without skrnn.json"):
        load(path)


def test_other_class_names_and_newer_formats_are_refused(fitted, tmp_path):
    path = fitted.save(tmp_path / "model.skrnn")
    rewrite_document(path, lambda doc: doc.update({"class": "BaseEstimator"}))
    with pytest.raises(ValueError, match="holds a 'BaseEstimator' estimator"):
        load(path)
    path = fitted.save(tmp_path / "model.skrnn")
    rewrite_document(path, lambda doc: doc.update({"format_version": 99}))
    with pytest.raises(ValueError, match="format version 99.*Upgrade skrnn"):
        load(path)


def test_failed_save_leaves_the_existing_file_intact(fitted, tmp_path, monkeypatch):
    path = fitted.save(tmp_path / "model.skrnn")
    before = path.read_bytes()
    with pytest.raises(NotFittedError):
        LSTMForecaster().save(path)
    with pytest.raises(ValueError, match="is a directory"):
        fitted.save(tmp_path)

    def disk_full(*args):
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        fitted.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.skrnn"]


def test_unpicklable_parameter_is_refused_before_writing(fitted, tmp_path):
    model = pickle.loads(pickle.dumps(fitted))
    model.set_params(callbacks=[keras.callbacks.LambdaCallback()])
    model.callbacks[0].lock = threading.Lock()
    with pytest.raises(TypeError, match="params.callbacks is neither JSON nor"):
        model.save(tmp_path / "model.skrnn")
    assert list(tmp_path.iterdir()) == []


class MyForecaster(RNNForecaster):
    pass


def test_subclasses_are_refused_at_save_and_pickle_as_suggested(sine_windows, tmp_path):
    X, y = sine_windows
    model = MyForecaster(**SMALL).fit(X[:50], y[:50])
    with pytest.raises(TypeError, match="not MyForecaster.*pickle or joblib"):
        model.save(tmp_path / "model.skrnn")
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X[:5]), model.predict(X[:5]))


def test_saving_to_a_directory_suggests_a_path_that_works(fitted, tmp_path):
    with pytest.raises(ValueError, match="is a directory") as error:
        fitted.save(tmp_path)
    suggested = re.search(r"such as '([^']+)'", str(error.value)).group(1)
    assert load(fitted.save(suggested)).n_iter_ == fitted.n_iter_
