"""NaN-skipping metrics and scorers for model selection on row-per-step data."""

import numpy as np
import pytest
from sklearn import metrics as sk_metrics
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

import skrnn.metrics
from skrnn import GRUForecaster, SlidingWindowTransformer
from skrnn.metrics import (
    get_scorer,
    mean_absolute_error,
    mean_absolute_scaled_error,
    r2_score,
    root_mean_squared_error,
    symmetric_mean_absolute_percentage_error,
)

Y_TRUE = np.array([np.nan, 1.0, 2.0, 4.0, 3.0, np.nan])
Y_PRED = np.array([0.5, 1.5, np.nan, 3.0, 3.5, 2.0])
KNOWN = [1, 3, 4]  # rows with both a target and a prediction


@pytest.mark.parametrize(
    "metric, reference",
    [
        (mean_absolute_error, sk_metrics.mean_absolute_error),
        (root_mean_squared_error, sk_metrics.root_mean_squared_error),
        (r2_score, sk_metrics.r2_score),
    ],
)
def test_metrics_equal_scikit_learns_on_the_known_rows(metric, reference):
    expected = reference(Y_TRUE[KNOWN], Y_PRED[KNOWN])
    assert metric(Y_TRUE, Y_PRED) == pytest.approx(expected)
    weights = np.arange(1.0, 7.0)
    assert metric(Y_TRUE, Y_PRED, sample_weight=weights) == pytest.approx(
        reference(Y_TRUE[KNOWN], Y_PRED[KNOWN], sample_weight=weights[KNOWN])
    )


def test_multi_output_rows_are_skipped_whole():
    y_true = np.array([[1.0, 2.0], [np.nan, 1.0], [3.0, 5.0]])
    y_pred = np.array([[1.0, 3.0], [0.0, 0.0], [4.0, 5.0]])
    assert mean_absolute_error(y_true, y_pred) == pytest.approx(0.5)


def test_mase_scales_by_the_naive_forecasts_error():
    # One-step changes of 1, 2, -1: the naive forecast errs by 4/3 on average.
    y_true = np.array([1.0, 2.0, 4.0, 3.0])
    y_pred = y_true + [1.0, -1.0, 1.0, -1.0]
    assert mean_absolute_scaled_error(y_true, y_pred) == pytest.approx(0.75)
    train = np.array([0.0, 2.0, 0.0])  # changes of 2
    assert mean_absolute_scaled_error(y_true, y_pred, y_train=train) == 0.5
    with pytest.raises(ValueError, match="use mean_absolute_error"):
        mean_absolute_scaled_error(np.ones(4), y_pred)


def test_smape_is_a_fraction_and_zero_for_zero_over_zero():
    value = symmetric_mean_absolute_percentage_error([100.0, 0.0], [110.0, 0.0])
    assert value == pytest.approx((20 / 210) / 2)


def test_every_row_without_a_target_is_an_error():
    with pytest.raises(ValueError, match="nothing to score"):
        mean_absolute_error([np.nan, 1.0], [1.0, np.nan])


def test_get_scorer_knows_the_scikit_learn_names_and_refuses_others():
    assert get_scorer("neg_mean_absolute_error") is skrnn.metrics.mae_scorer
    for name in skrnn.metrics.get_scorer_names():
        assert callable(get_scorer(name))
    with pytest.raises(ValueError, match="sklearn.metrics.get_scorer"):
        get_scorer("accuracy")


def test_scorers_let_a_sliding_window_pipeline_be_searched():
    series = np.sin(np.arange(200) / 5)
    X, y = series.reshape(-1, 1), np.append(series[1:], np.nan)
    pipe = make_pipeline(
        SlidingWindowTransformer(window=10),
        GRUForecaster(units=4, epochs=1, jit_compile=False, random_state=0),
    )
    cv = TimeSeriesSplit(n_splits=2)
    search = GridSearchCV(
        pipe,
        {"gruforecaster__units": [4]},
        cv=cv,
        scoring={
            "mae": skrnn.metrics.mae_scorer,
            "mase": get_scorer("neg_mean_absolute_scaled_error"),
        },
        refit=False,
        error_score="raise",
    ).fit(X, y)
    mae = -search.cv_results_["mean_test_mae"][0]
    assert 0 < mae < 1 and np.isfinite(search.cv_results_["mean_test_mase"][0])
