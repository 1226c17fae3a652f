"""A SYNTHETIC 20-asset, 5-bucket universe with known regimes, for the regime backtest demo.

**Everything here is synthetic**: made by tailkit's regime simulator
(:func:`tailkit.simulation.simulate_regimes`) from hand-chosen parameters, not fitted to any
market. It gives the regime strategy a universe whose regimes are known, so the detector's
output can be checked against the truth.

Model: three regimes (calm, stressed, crisis) with the simulator's default transition
matrix; four assets in each of the original system's buckets (``Risk Assets``,
``Defensive Assets``, ``International``, ``Commodities``, ``Fixed Income``). In regime ``s``
asset ``a`` has drift ``mu[s, bucket] + spread_a`` and vol ``sigma[s, bucket] * scale_a``
(``spread_a`` in -2%..+2% a year, ``scale_a`` in 0.85..1.15 across a bucket's four assets);
shocks follow a one-factor correlation ``corr = beta beta' + diag(1 - beta^2)`` with the
bucket's factor loading in that regime (Fixed Income loads negatively in crisis: a flight
to quality). 5,040 business days (20 years) from 2005-01-03, starting prices 100.

``python -m tailkit.synthetic.universe DIR`` writes ``prices.csv`` (wide, 6 decimals),
``regimes.csv`` (the true regime of each day), ``buckets.yaml`` and ``provenance.json``
(``"synthetic": true``), byte for byte the same on every run; ``--check`` compares.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from tailkit.params import atomic_write_text
from tailkit.simulation.regimes import RegimeParams, simulate_regimes

__all__ = [
    "UNIVERSE_SEED",
    "UNIVERSE_BUCKETS",
    "SyntheticUniverse",
    "synthetic_universe",
    "universe_file_texts",
    "main",
]

UNIVERSE_SEED = 20050103
UNIVERSE_START = "2005-01-03"
UNIVERSE_DAYS = 5040

UNIVERSE_BUCKETS: dict[str, tuple[str, ...]] = {
    "Risk Assets": ("RSK1", "RSK2", "RSK3", "RSK4"),
    "Defensive Assets": ("DEF1", "DEF2", "DEF3", "DEF4"),
    "International": ("INT1", "INT2", "INT3", "INT4"),
    "Commodities": ("CMD1", "CMD2", "CMD3", "CMD4"),
    "Fixed Income": ("FIX1", "FIX2", "FIX3", "FIX4"),
}

# per bucket (rows in UNIVERSE_BUCKETS order), per regime (calm, stressed, crisis)
_MU = np.array(
    [[0.16, 0.02, -0.55], [0.09, 0.04, -0.12], [0.12, -0.02, -0.50], [0.05, 0.06, -0.05], [0.04, 0.03, 0.10]]
)
_SIGMA = np.array(
    [[0.16, 0.28, 0.60], [0.10, 0.15, 0.28], [0.15, 0.26, 0.55], [0.18, 0.25, 0.40], [0.05, 0.07, 0.10]]
)
_BETA = np.array([[0.6, 0.75, 0.9], [0.4, 0.5, 0.6], [0.55, 0.7, 0.85], [0.3, 0.35, 0.2], [0.0, -0.1, -0.4]])


@dataclass(frozen=True, slots=True)
class SyntheticUniverse:
    """The SYNTHETIC demo universe.

    Parameters
    ----------
    prices : DataFrame of shape (5040, 20)
        Closes (rounded to 6 decimals, as in the file).
    regimes : Series of shape (5040,)
        True regime name of each day.
    buckets : dict of str to tuple of str
        Bucket -> tickers.
    params : RegimeParams
        The simulator's parameters.
    """

    prices: pd.DataFrame
    regimes: pd.Series
    buckets: dict[str, tuple[str, ...]]
    params: RegimeParams


def _params() -> RegimeParams:
    n_b, k = _MU.shape
    spread = np.array([-0.02, -0.0067, 0.0067, 0.02])
    scale = np.array([0.85, 0.95, 1.05, 1.15])
    mu = np.repeat(_MU, 4, axis=0) + np.tile(spread, n_b)[:, None]
    sigma = np.repeat(_SIGMA, 4, axis=0) * np.tile(scale, n_b)[:, None]
    beta = np.repeat(_BETA, 4, axis=0)
    corr = []
    for s in range(k):
        c = np.outer(beta[:, s], beta[:, s])
        np.fill_diagonal(c, 1.0)
        corr.append(c)
    return RegimeParams(
        regime_names=("calm", "stressed", "crisis"),
        mu=tuple(tuple(float(round(v, 6)) for v in mu[:, s]) for s in range(k)),
        sigma=tuple(tuple(float(round(v, 6)) for v in sigma[:, s]) for s in range(k)),
        correlation=tuple(tuple(tuple(float(round(v, 6)) for v in row) for row in c) for c in corr),
    )


def synthetic_universe(seed: int = UNIVERSE_SEED) -> SyntheticUniverse:
    """Simulate the SYNTHETIC universe (deterministic for a seed).

    Examples
    --------
    >>> u = synthetic_universe()
    >>> u.prices.shape, len(u.buckets)
    ((5040, 20), 5)
    """
    params = _params()
    tickers = [t for ts in UNIVERSE_BUCKETS.values() for t in ts]
    paths = simulate_regimes(params, n_paths=1, n_steps=UNIVERSE_DAYS - 1, s0=100.0, seed=seed, names=tickers)
    index = pd.bdate_range(UNIVERSE_START, periods=UNIVERSE_DAYS, name="date")
    prices = pd.DataFrame(np.round(paths.values[0], 6), index=index, columns=pd.Index(tickers, name="ticker"))
    assert paths.regimes is not None  # simulate_regimes always returns the regime path
    names = np.asarray(params.regime_names)[paths.regimes[0]]
    return SyntheticUniverse(
        prices, pd.Series(names, index=index, name="regime"), dict(UNIVERSE_BUCKETS), params
    )


def universe_file_texts(seed: int = UNIVERSE_SEED) -> dict[str, str]:
    """The files' texts: ``prices.csv``, ``regimes.csv``, ``buckets.yaml``, ``provenance.json``."""
    u = synthetic_universe(seed)
    prices = u.prices.to_csv(float_format="%.6f", date_format="%Y-%m-%d", lineterminator="\n")
    regimes = u.regimes.to_csv(date_format="%Y-%m-%d", lineterminator="\n")
    buckets = "# SYNTHETIC demo universe (tailkit.synthetic.universe)\n" + yaml.safe_dump(
        {k: list(v) for k, v in u.buckets.items()}, sort_keys=False
    )
    prov = {
        "synthetic": True,
        "generator": "tailkit.synthetic.universe.synthetic_universe (tailkit.simulation.simulate_regimes)",
        "seed": seed,
        "start": UNIVERSE_START,
        "days": UNIVERSE_DAYS,
        "note": "SYNTHETIC: hand-chosen regime parameters, not fitted to any market",
        "sha256_prices": hashlib.sha256(prices.encode()).hexdigest(),
    }
    return {
        "prices.csv": prices,
        "regimes.csv": regimes,
        "buckets.yaml": buckets,
        "provenance.json": json.dumps(prov, indent=2, sort_keys=True) + "\n",
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m tailkit.synthetic.universe DIR [--check]``: write (or compare) the files."""
    ap = argparse.ArgumentParser(
        prog="python -m tailkit.synthetic.universe", description=__doc__.splitlines()[0]
    )
    ap.add_argument("folder", help="folder to write the SYNTHETIC universe files into")
    ap.add_argument("--check", action="store_true", help="compare the folder's files instead of writing")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    texts = universe_file_texts()
    if args.check:
        bad = [n for n, t in texts.items() if not (folder / n).exists() or (folder / n).read_text() != t]
        if bad:
            print(f"{folder}: differs from the generator: {', '.join(bad)}", file=sys.stderr)
            return 1
        print(f"{folder}: the SYNTHETIC universe files match byte for byte")
        return 0
    for name, text in texts.items():
        atomic_write_text(folder / name, text)
    print(f"wrote the SYNTHETIC universe to {folder} ({', '.join(texts)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
