"""Each example runs as a script, with two epochs, and prints its results."""

import re
import runpy
from pathlib import Path

import matplotlib
import matplotlib.pyplot as pyplot
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Each example and a line its output must contain.
CASES = {
    "quickstart.py": r"LSTMForecaster +\d+\.\d{3}",
    "plot_grid_search.py": r"best: \{'slidingwindowtransformer__window': (10|30)\}",
    "plot_course_bidirectional_lstm.py": r"default LSTM +\d+\.\d\d",
    "plot_course_simple_rnn.py": r"suggested learning rate: \d",
    "plot_sunspots_forecast.py": r"30-year forecast: MAE \d",
    "plot_panel_forecast.py": r"held-out hours inside the 90% interval: \d+%",
    "plot_load_covariates.py": r"with covariates: MAE +\d+\.\d",
    "plot_backtest.py": r"best: \{'units': (8|16)\}",
}


def test_every_example_is_run_here():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_runs(name, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SKRNN_EXAMPLE_EPOCHS", "2")
    monkeypatch.setenv("SKRNN_DEMO_EPOCHS", "2")
    monkeypatch.chdir(tmp_path)
    # As ``python example.py`` would, but in this process: a fresh process
    # would spend ~5 s of CPU importing TensorFlow for each example. The
    # script's code still runs from scratch, in its own namespace, as
    # sphinx-gallery runs it.
    backend = matplotlib.get_backend()
    pyplot.switch_backend("Agg")
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    finally:
        pyplot.close("all")
        pyplot.switch_backend(backend)
    stdout = capsys.readouterr().out
    assert re.search(CASES[name], stdout), stdout
