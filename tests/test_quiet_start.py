"""Importing skrnn prints nothing unless the user asks for TensorFlow's logs."""

import os
import subprocess
import sys

import pytest

from skrnn._backend import filtered_stderr, log_level

# What TensorFlow 2.21 writes as it loads, and a line of someone else's.
START_UP = (
    b"WARNING: All log messages before absl::InitializeLog() is called are "
    b"written to STDERR\n"
    b"I0000 00:00:1796216219.818051   17494 port.cc:153] oneDNN custom "
    b"operations are on.\n"
    b"W0000 00:00:1796216219.818999   17494 stub.cc:31] a warning\n"
    b"E0000 00:00:1796216219.818999   17494 cuda_platform.cc:52] failed call "
    b"to cuInit\n"
    b"/x.py:1: UserWarning: a Python warning\n"
)


def test_importing_skrnn_and_a_forecaster_prints_nothing():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run(
        [sys.executable, "-c", "import skrnn\nfrom skrnn import LSTMForecaster"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (done.stdout, done.stderr) == ("", "")


@pytest.mark.parametrize(
    "level, kept",
    [
        (0, ["WARNING: All log", "I0000", "W0000", "E0000", "/x.py"]),
        (1, ["W0000", "E0000", "/x.py"]),
        (2, ["E0000", "/x.py"]),
        (3, ["/x.py"]),
    ],
)
def test_start_up_lines_follow_the_log_level(level, kept, capfd):
    with filtered_stderr(level):
        os.write(2, START_UP)
    expected = [
        line for line in START_UP.decode().splitlines() if line.startswith(tuple(kept))
    ]
    assert capfd.readouterr().err.splitlines() == expected


def test_a_failed_import_writes_everything(capfd):
    with pytest.raises(ImportError), filtered_stderr(3):
        os.write(2, START_UP)
        raise ImportError("no TensorFlow")
    assert capfd.readouterr().err.encode() == START_UP


@pytest.mark.parametrize("value, level", [(None, 3), ("0", 0), ("2", 2), ("x", 0)])
def test_the_users_log_level_wins(value, level, monkeypatch):
    if value is None:
        monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", value)
    assert log_level() == level
