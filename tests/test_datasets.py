import sys

import numpy as np
import pandas as pd
import pytest

from skrnn.datasets import load_sunspots, make_synthetic_series


def course_series():
    """The course's code, as the course notebook writes it."""

    def trend(time, slope=0):
        return slope * time

    def seasonal_pattern(season_time):
        return np.where(
            season_time < 0.4,
            np.cos(season_time * 2 * np.pi),
            1 / np.exp(3 * season_time),
        )

    def seasonality(time, period, amplitude=1, phase=0):
        season_time = ((time + phase) % period) / period
        return amplitude * seasonal_pattern(season_time)

    def noise(time, noise_level=1, seed=None):
        rnd = np.random.RandomState(seed)
        return rnd.randn(len(time)) * noise_level

    time = np.arange(4 * 365 + 1, dtype="float32")
    baseline = 10
    amplitude = 40
    slope = 0.05
    noise_level = 5
    series = (
        baseline
        + trend(time, slope)
        + seasonality(time, period=365, amplitude=amplitude)
    )
    series += noise(time, noise_level, seed=42)
    return series


def test_synthetic_series_defaults_reproduce_the_course():
    series = make_synthetic_series()
    expected = course_series()
    assert series.shape == (1461,)
    assert series.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(series, expected)
    # The first value: baseline + cos(0) * amplitude + the first N(0, 5) draw.
    first_noise = np.random.RandomState(42).randn() * 5
    assert series[0] == pytest.approx(10 + 40 + first_noise, abs=1e-5)
    assert series[0] == pytest.approx(52.48357, abs=1e-5)


def test_synthetic_series_parameters():
    clean = make_synthetic_series(730, slope=0.0, noise_level=0, amplitude=1)
    # Without trend and noise the second year repeats the first.
    np.testing.assert_allclose(clean[365:], clean[:365], atol=1e-6)
    assert clean[0] == pytest.approx(11.0)
    # Past 0.4 of the season the pattern is exp(-3 s).
    s = 200 / 365
    assert clean[200] == pytest.approx(10 + np.exp(-3 * s), abs=1e-5)
    noisy = make_synthetic_series(730, random_state=0)
    assert not np.allclose(noisy, make_synthetic_series(730))
    np.testing.assert_array_equal(noisy, make_synthetic_series(730, random_state=0))


def test_synthetic_series_as_frame():
    series = make_synthetic_series(as_frame=True)
    assert isinstance(series, pd.Series)
    assert series.name == "series"
    assert series.index[0] == pd.Timestamp("2000-01-01")
    assert series.index[-1] == pd.Timestamp("2003-12-31")
    assert series.index.freqstr == "D"
    np.testing.assert_array_equal(series.to_numpy(), make_synthetic_series())


@pytest.mark.parametrize(
    "n_steps, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError)]
)
def test_synthetic_series_rejects_bad_n_steps(n_steps, error):
    with pytest.raises(error, match="n_steps"):
        make_synthetic_series(n_steps)


def test_load_sunspots_as_series():
    sunspots = load_sunspots()
    assert isinstance(sunspots, pd.Series)
    assert sunspots.name == "sunspots"
    assert len(sunspots) == 309
    assert sunspots.dtype == np.float64
    assert sunspots.index[0] == pd.Timestamp("1700-01-01")
    assert sunspots.index[-1] == pd.Timestamp("2008-01-01")
    assert sunspots.index.freqstr.startswith("YS")
    assert sunspots.iloc[0] == 5.0
    assert sunspots.iloc[-1] == 2.9
    # 1957-58 is the largest maximum of the record.
    assert sunspots.idxmax() == pd.Timestamp("1957-01-01")
    assert sunspots.max() == 190.2
    assert not sunspots.isna().any()


def test_load_sunspots_as_arrays():
    years, values = load_sunspots(as_frame=False)
    np.testing.assert_array_equal(years, np.arange(1700, 2009))
    assert values.shape == (309,)
    assert values[:4].tolist() == [5.0, 11.0, 16.0, 23.0]
    assert values[-3:].tolist() == [15.2, 7.5, 2.9]
    np.testing.assert_array_equal(values, load_sunspots().to_numpy())


def test_missing_pandas_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install skrnn\[pandas\]"):
        load_sunspots()
    with pytest.raises(ImportError, match="as_frame=False"):
        make_synthetic_series(as_frame=True)
    # numpy output does not need pandas.
    assert load_sunspots(as_frame=False)[1].shape == (309,)
