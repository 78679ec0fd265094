"""The forecasters use only Keras layers and keras.ops: other backends work."""

import json
import os
import subprocess
import sys
import textwrap
from importlib.util import find_spec

import pytest

SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np
    from skrnn import GRUForecaster, LSTMForecaster, RNNForecaster, make_windows

    series = np.sin(np.arange(400) * 2 * np.pi / 25)
    X, y = make_windows(series, window=20)
    result = {"backend": keras.backend.backend()}
    for cls, options in [
        (RNNForecaster, {"normalize": "last"}),
        (LSTMForecaster, {"bidirectional": True, "conv_filters": 4}),
        (GRUForecaster, {"normalize": "global", "dense_units": (16,)}),
    ]:
        def fit():
            model = cls(
                units=8, epochs=8, learning_rate=0.01, random_state=0, **options
            )
            return model.fit(X[:300], y[:300])
        # Compilation dominates: a second model of the same configuration
        # reuses the first one's compiled functions, so it serves both the
        # reproducibility check and the forecast and interval checks.
        model = fit()
        first, second = fit().predict(X[300:]), model.predict(X[300:])
        # The compiled forecast loop agrees with predict fed back by hand.
        window, by_hand = series[-20:].copy(), []
        for _ in range(5):
            by_hand.append(float(model.predict(window[None, :, None])[0]))
            window = np.append(window[1:], by_hand[-1])
        lower, upper = model.predict_interval(X[:3]).T
        result[cls.__name__] = {
            "mae": float(np.abs(first - y[300:]).mean()),
            "naive": float(np.abs(X[300:, -1, 0] - y[300:]).mean()),
            "reproducible": bool(np.array_equal(first, second)),
            "forecast_error": float(
                np.abs(model.forecast(series, 5) - by_hand).max()
            ),
            "interval_ordered": bool(np.all(lower < upper)),
        }
    print(json.dumps(result))
    """
)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_forecasters_train_on_other_backends(backend):
    if find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    env = {**os.environ, "KERAS_BACKEND": backend}
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result.pop("backend") == backend
    for name, scores in result.items():
        assert scores["reproducible"], name
        assert scores["mae"] < scores["naive"], (name, scores)
        assert scores["forecast_error"] < 1e-4, (name, scores)
        assert scores["interval_ordered"], (name, scores)
