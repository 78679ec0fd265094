"""Each example runs as a script, with two epochs, and prints its results."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from skrnn import LSTMForecaster

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HAS_WORKFLOW = hasattr(LSTMForecaster, "forecast") and hasattr(
    LSTMForecaster, "find_learning_rate"
)

# Each example and a line its output must contain.
CASES = {
    "quickstart.py": r"LSTMForecaster +\d+\.\d{3}",
    "plot_grid_search.py": r"best: \{'slidingwindowtransformer__window': (10|30)\}",
    "plot_course_bidirectional_lstm.py": r"default LSTM +\d+\.\d\d",
    "plot_course_simple_rnn.py": r"suggested learning rate: \d",
    "plot_sunspots_forecast.py": r"30-year forecast: MAE \d",
}
NEEDS_WORKFLOW = {"plot_course_simple_rnn.py", "plot_sunspots_forecast.py"}


def test_every_example_is_run_here():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_runs(name, tmp_path):
    if name in NEEDS_WORKFLOW and not HAS_WORKFLOW:
        pytest.skip("forecast/find_learning_rate have not landed yet")
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "SKRNN_EXAMPLE_EPOCHS": "2",
        "SKRNN_DEMO_EPOCHS": "2",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert re.search(CASES[name], completed.stdout), completed.stdout
