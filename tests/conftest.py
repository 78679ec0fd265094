import numpy as np
import pytest

from skrnn import make_windows


@pytest.fixture(scope="session")
def sine():
    """A clean sine with a little noise: easy to beat the naive forecast on."""
    rng = np.random.RandomState(0)
    t = np.arange(500)
    return np.sin(2 * np.pi * t / 25) + rng.normal(0, 0.02, len(t))


@pytest.fixture(scope="session")
def sine_windows(sine):
    return make_windows(sine, window=20)
