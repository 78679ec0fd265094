"""The fourth round of the accuracy study: which statistical partner to average
with the seasonal recipe's network (docs/defaults.rst, "Fourth round").

On the validation tails of the five choice panels (the last ``h`` values
of every history; M1 quarterly, M1 yearly, tourism yearly and every test
value are left out), the recipe of ``benchmarks.m_competitions`` is
fitted once per seed with ``combine=None`` and its forecasts of the
adjusted series are kept. Each partner's forecasts are then averaged with
them, either on the adjusted series (before the seasonal pattern is put
back) or on the raw series (after), and scored by sMAPE, median over the
seeds. statsforecast's models run in their own environment
(``benchmarks/.venv-stats``, made by ``make bench``) on the same histories.

    python -m benchmarks.partner_study          # about 10 minutes
"""

import contextlib
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from benchmarks import _mcomp

SEEDS = (0, 1, 2)

# statsforecast partners: name -> (series, ETS model or "auto", damped, seasonal).
PEERS = {
    "AutoETS, raw": ("raw", "ZZZ", None, True),
    "AutoETS, adjusted": ("adjusted", "ZZZ", None, False),
    "ETS(A,Ad,A), raw": ("raw", "AAA", True, True),
    "ETS(M,Ad,M), raw": ("raw", "MAM", True, True),
    "ETS(A,Ad,A), adjusted": ("adjusted", "AAA", True, True),
    "ETS(A,Ad,N), adjusted": ("adjusted", "AAN", True, False),
}


def network_forecasts(name):
    """The recipe's validation forecasts of one panel, with what the
    partners need: the adjusted and raw histories and the adjuster."""
    from benchmarks.m_competitions import suited_window
    from skrnn import LSTMForecaster, SeasonalAdjuster, make_windows

    subset = _mcomp.load_subset(name, validation=True)
    adjuster = SeasonalAdjuster(season_length=subset.m)
    adjusted = adjuster.fit_transform(list(subset.histories))
    X, y = make_windows(
        adjusted, window=suited_window(adjusted, subset.h), horizon=subset.h
    )
    networks = []
    for seed in SEEDS:
        model = LSTMForecaster(
            random_state=seed, target_transform="auto", normalize="last"
        ).fit(X, y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # short series padded
            networks.append(np.array(model.forecast(adjusted, subset.h)))
    adjusted = [np.asarray(values, dtype=float).ravel() for values in adjusted]
    return subset, adjuster, adjusted, networks


def peer_forecasts(subset, adjusted):
    """statsforecast's partners, from its environment, by name."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "panel.json"
        panel = {
            "raw": [list(x) for x in subset.histories],
            "adjusted": [list(x) for x in adjusted],
            "h": subset.h,
            "m": subset.m,
        }
        path.write_text(json.dumps(panel))
        command = [
            str(_mcomp.STATS_PYTHON),
            "-m",
            "benchmarks.partner_study",
            "--peers",
        ]
        subprocess.run(
            [*command, str(path)],
            check=True,
            cwd=_mcomp.ROOT,
            env={"PYTHONPATH": str(_mcomp.ROOT)},
        )
        forecasts = json.loads(path.read_text())["forecasts"]
    return {name: np.array(values) for name, values in forecasts.items()}


def _peers(path):
    """In the statsforecast environment: each of :data:`PEERS` on a panel.
    Multiplicative models are skipped for panels with values of 0 or less."""
    from statsforecast.models import AutoETS

    from benchmarks.peer_statsforecast import forecast_all

    panel = json.loads(Path(path).read_text())
    h, m = panel["h"], panel["m"]
    panel["forecasts"] = {}
    for name, (series, spec, damped, seasonal) in PEERS.items():
        histories = [np.asarray(x, dtype=float) for x in panel[series]]
        positive = all((x > 0).all() for x in histories)
        if (m == 1 and spec != "ZZZ" and seasonal) or ("M" in spec and not positive):
            continue
        model = AutoETS(season_length=m if seasonal else 1, model=spec, damped=damped)
        panel["forecasts"][name] = forecast_all(model, histories, h)[0].tolist()
    Path(path).write_text(json.dumps(panel))


def skrnn_partners(adjusted, h, m):
    """skrnn's partners of the adjusted series, and variants of Holt-Winters
    that were tried: a finer grid, seasonal states from the first season."""
    from unittest import mock

    from skrnn import _holt_winters
    from skrnn._theta import theta_forecast

    def holt_winters(**grid):
        # The module's grid of weights, replaced for the call.
        with contextlib.ExitStack() as stack:
            for name, weights in grid.items():
                stack.enter_context(mock.patch.object(_holt_winters, name, weights))
            return [_holt_winters.holt_winters_forecast(a, h, m) for a in adjusted]

    finer = {
        "_ALPHAS": (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 0.95),
        "_BETAS": (0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.25),
        "_GAMMAS": (0.0, 0.02, 0.05, 0.1, 0.15, 0.3),
        "_PHIS": (0.8, 0.9, 0.95, 0.98),
    }
    return {
        "theta (third round)": [theta_forecast(a, h) for a in adjusted],
        "holt_winters_forecast": holt_winters(),
        "same, a finer grid": holt_winters(**finer),
    }


def main():
    print(
        f"{'partner of the network':<32}"
        + "".join(f"{p:>19}" for p in _mcomp.CHOICE_PANELS)
    )
    table = {}
    for name in _mcomp.CHOICE_PANELS:
        subset, adjuster, adjusted, networks = network_forecasts(name)
        h = subset.h

        def restored(forecasts, adjuster=adjuster, h=h):
            return np.array(adjuster.inverse_transform(list(forecasts))).reshape(-1, h)

        def score(forecasts, subset=subset):
            return _mcomp.smape(subset.actuals, forecasts)

        scores = {"none (the network alone)": [score(restored(n)) for n in networks]}
        partners = skrnn_partners(adjusted, h, subset.m)
        if _mcomp.STATS_PYTHON.exists():
            partners |= peer_forecasts(subset, adjusted)
        for partner, forecasts in partners.items():
            forecasts = np.asarray(forecasts)
            if partner.endswith(", raw"):  # averaged after the season is back
                means = [(restored(n) + forecasts) / 2 for n in networks]
            else:
                means = [restored((n + forecasts) / 2) for n in networks]
            scores[partner] = [score(mean) for mean in means]
        for partner, values in scores.items():
            table.setdefault(partner, {})[name] = np.median(values)
        print(f"  {name} done", file=sys.stderr, flush=True)
    for partner, by_panel in table.items():
        cells = [
            f"{by_panel[p]:>19.2f}" if p in by_panel else f"{'--':>19}"
            for p in _mcomp.CHOICE_PANELS
        ]
        print(f"{partner:<32}" + "".join(cells))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--peers"]:
        _peers(sys.argv[2])
    else:
        main()
