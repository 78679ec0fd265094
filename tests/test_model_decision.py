"""One model decision: what the data says, whatever container it comes in."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit

from skrnn import PanelWindows, RNNForecaster, make_windows
from skrnn._normalize_choice import (
    DECISION_SAMPLE_SIZE,
    auto_normalize,
    decision_sample,
    falls_to_zero,
    resolve_normalize,
    step_ratio,
)
from skrnn._validation_split import ValidationSplit

TINY = {"units": 2, "epochs": 1, "batch_size": 16, "random_state": 0}
T = np.arange(240)


def _windows(series, window=10):
    """Univariate windows ``(n, window, 1)`` of ``series``."""
    return np.lib.stride_tricks.sliding_window_view(series, window)[:, :, None]


def _counts():
    """Sunspot-like counts: cycles down to zero, peaks of different heights."""
    return (1 + np.sin(2 * np.pi * T / 22)) * (60 + 20 * np.cos(T / 50))


# ------------------------------------------------------------ the pure rule


def test_a_steady_series_is_scaled_relative_to_its_last_value():
    steady = _windows(10 + np.sin(T / 5))
    assert step_ratio(steady) < 3
    assert auto_normalize(steady) == "last"


def test_series_of_different_sizes_are_scaled_window_by_window():
    shape = np.sin(T / 5)
    panel = np.concatenate([_windows(shape), _windows(1000 * shape)])
    assert step_ratio(panel) > 100
    assert auto_normalize(panel) == "window"


def test_counts_that_fall_to_zero_are_scaled_window_by_window():
    counts = _windows(_counts())
    assert falls_to_zero(counts)
    assert auto_normalize(counts) == "window"
    # The same cycles lifted away from zero have a steady scale.
    assert not falls_to_zero(counts + 50)
    assert auto_normalize(counts + 50) == "last"


def test_several_targets_are_standardised_and_constant_windows_are_steady():
    two = np.concatenate([_windows(np.sin(T / 5)), _windows(np.cos(T / 5))], axis=2)
    assert auto_normalize(two) == "global"
    flat = np.full((30, 10, 1), -3.0)
    assert step_ratio(flat) == 1.0
    assert auto_normalize(flat) == "last"


def test_custom_layers_and_explicit_modes_override_the_rule():
    counts = _windows(_counts())
    assert resolve_normalize("auto", counts, n_targets=1) == "window"
    assert resolve_normalize("auto", counts, n_targets=1, custom_layers=True) == "last"
    assert resolve_normalize("auto", None, n_targets=3) == "global"
    assert resolve_normalize("last", counts, n_targets=1) == "last"
    assert resolve_normalize(None, counts, n_targets=1) is None
    with pytest.raises(ValueError, match="use normalize='last' or 'global'"):
        resolve_normalize("window", counts, n_targets=1, custom_layers=True)


def test_the_decision_reads_a_bounded_evenly_spread_sample(monkeypatch):
    series = {key: np.sin(T / 5) + key for key in range(40)}
    X, _ = make_windows(series, window=10)
    assert len(X) > DECISION_SAMPLE_SIZE

    def refuse_whole(self, dtype=None, copy=None):
        assert len(self) <= DECISION_SAMPLE_SIZE, "the whole panel was read"
        return np.asarray(self._view[self._starts], dtype=dtype)

    monkeypatch.setattr(PanelWindows, "__array__", refuse_whole)
    rows = np.arange(len(X))
    sample = decision_sample(X, rows)
    assert sample.shape == (DECISION_SAMPLE_SIZE, 10, 1)
    assert_array_equal(sample[0], X[0])
    assert_array_equal(sample[-1], X[len(X) - 1])
    assert_array_equal(decision_sample(X, rows), sample)  # deterministic


# ------------------------------------------------- the same data, any container


def _containers(series):
    """The windows of one series as an array, [array], a dict and the
    materialised windows of the panel."""
    X, y = make_windows(series, window=12)
    X_list, y_list = make_windows([series], window=12)
    X_dict, y_dict = make_windows({"counts": series}, window=12)
    return {
        "array": (X, y),
        "[array]": (X_list, y_list),
        "dict": (X_dict, y_dict),
        "materialised": (np.asarray(X_dict), np.asarray(y_dict)),
    }


def test_one_series_gets_one_mode_and_one_model_in_any_container():
    containers = _containers(_counts())
    assert isinstance(containers["dict"][0], PanelWindows)
    X, _ = containers["array"]
    fits = {name: RNNForecaster(**TINY).fit(*data) for name, data in containers.items()}
    assert {name: model.normalize_ for name, model in fits.items()} == dict.fromkeys(
        containers, "window"
    )
    expected = fits["array"].predict(X)
    forecast = fits["array"].forecast(_counts(), 3)
    for name, model in fits.items():
        assert_allclose(model.predict(X), expected, rtol=1e-6, err_msg=name)
        assert_allclose(model.forecast(_counts(), 3), forecast, rtol=1e-6)


def test_a_panel_gets_the_same_mode_materialised_or_not():
    shape = np.sin(2 * np.pi * T / 12)
    X, y = make_windows({"small": shape, "large": 1000 * shape}, window=12)
    lazy = RNNForecaster(**TINY).fit(X, y)
    dense = RNNForecaster(**TINY).fit(np.asarray(X), np.asarray(y))
    assert lazy.normalize_ == dense.normalize_ == "window"
    assert_allclose(lazy.predict(X), dense.predict(np.asarray(X)), rtol=1e-6)


# ------------------------------------------------------- the validation split


def test_a_fraction_validates_on_the_last_rows():
    rows = np.arange(100, 110)
    train, validation = ValidationSplit(0.3).split(rows)
    assert_array_equal(train, np.arange(100, 107))
    assert_array_equal(validation, [107, 108, 109])
    train, validation = ValidationSplit(0.0).split(rows)
    assert_array_equal(train, rows)
    assert len(validation) == 0


def test_too_few_rows_for_a_fraction_leave_all_of_them_to_train():
    train, validation = ValidationSplit(0.5).split(np.array([7]))
    assert_array_equal(train, [7])
    assert len(validation) == 0


def test_a_splitter_validates_on_its_last_split():
    rows = np.arange(0, 40, 2)  # complete rows need not be contiguous
    train, validation = ValidationSplit(TimeSeriesSplit(n_splits=3)).split(rows)
    assert_array_equal(train, rows[:15])
    assert_array_equal(validation, rows[15:])


def test_a_splitter_with_too_few_rows_says_what_to_change():
    with pytest.raises(ValueError, match="cannot split the 3 complete windows"):
        ValidationSplit(TimeSeriesSplit(n_splits=5)).split(np.arange(3))
    with pytest.raises(TypeError, match="a float in \\[0, 1\\) or a scikit-learn"):
        ValidationSplit("last 10%").split(np.arange(3))


def test_fit_validates_on_a_splitter_and_clones_with_it():
    X, y = make_windows(np.sin(T / 5), window=10)  # 230 windows
    model = RNNForecaster(validation_fraction=TimeSeriesSplit(n_splits=4), **TINY)
    model.fit(X, y)
    assert len(model.validation_residuals_) == len(X) // 5
    copy = clone(model)
    assert isinstance(copy.get_params()["validation_fraction"], TimeSeriesSplit)
    assert copy.get_params()["validation_fraction"].n_splits == 4


def test_fit_refuses_a_validation_fraction_that_is_neither():
    X, y = make_windows(np.sin(T / 5), window=10)
    model = RNNForecaster(validation_fraction="tail", **TINY)
    with pytest.raises(ValueError, match="'validation_fraction' parameter"):
        model.fit(X, y)


def test_the_split_tells_its_share_of_the_rows():
    assert ValidationSplit(0.2).fraction(7) == 0.2
    assert ValidationSplit(TimeSeriesSplit(n_splits=4)).fraction(100) == 0.2
