"""SYNTHETIC long-Treasury yields, TLT closes and a TLT option chain: the bundled files, made afresh.

No real TLT prices, long yields or TLT option quotes can be bundled with tailkit, so the
overlay's commands and notebooks run out of the box on data made here. **Everything this
module makes is synthetic**: the generator's parameters are assumptions chosen by hand to
*resemble* what a calibration of real FRED 20y/30y yields and TLT closes over 2019-2024
(COVID window left out) shows -- mean reversion so slow that yields are nearly a random
walk over five years (``kappa`` 0.03 and 0.13 a year), a volatility of 0.9% a sqrt(year),
20y/30y shocks correlated at 0.98, TLT near 120 at a 3% yield and a log-quadratic TLT fit
with an R^2 near 0.97. They were **not fitted to any bundled data**; no real TLT prices or
yields ship with tailkit, and nothing derived from them. Use your own files for real work.
A Gaussian model with half-lives of 5-23 years wanders far in ten years, so the bundled
path's seed (:data:`~tailkit.synthetic.history.DEFAULT_SEED`) is the first seed from
20241231 upward whose 20y and 30y yields stay between 1% and 5.5% and whose 20s30s spread
stays within +-0.5% (about the 2015-2024 ranges of real long yields and of their spread;
:func:`~tailkit.synthetic.history.yields_in_reference_range`). The rule looks at the yields
only, never at a calibration, an overlay evaluation or a backtest. ``provenance.json`` records it
and each column's range.

Calibrating the overlay's default window (2019 onward, 2020-03 to 2021-12 excluded, about
four years) on this path does not return the generator's ``kappa``: with a half-life far
longer than the sample, the plain AR(1) estimate is biased towards mean reversion (a
Dickey-Fuller-type bias: MLE ``kappa_20`` 1.23 and ``kappa_30`` 1.29 here), which the default
Kendall correction mostly removes (``kappa_20`` = 0.30 +- 0.71, ``kappa_30`` = 0.36 +- 0.70,
against 0.03 and 0.13), and the long-run mean is barely identified. The estimates lie within
two of the estimator's own standard errors of the generator's values
(``tests/overlay/test_synthetic_recovery.py``), but the delta-method standard error of a
long-run mean is too small this close to a random walk: over many seeds about a third of such
paths put ``theta`` more than three of them away. The path ends with the 30y yield 0.25%
below the 20y and TLT 1.5% above the generator's yield formula (its tracking error, 0.7
standard deviations), which a calibrated model expects to decay.

Models
------
History (:func:`synthetic_history`, parameters :class:`SyntheticHistoryParams`):

* ``(yield_20y, yield_30y)`` follow a bivariate Vasicek process, simulated exactly with
  :func:`tailkit.simulation.simulate_vasicek` on business days (``dt = 1/252``):
  ``dy_i = kappa_i (theta_i - y_i) dt + sigma_i dW_i``, ``d<W_20, W_30> = rho dt``.
* ``tlt_close = exp(alpha + beta * ybar + gamma * ybar**2 + e_t)``, ``ybar`` the mean of the
  two yields (decimals) and ``e_t`` a stationary AR(1) tracking error
  ``e_t = phi e_{t-1} + sd sqrt(1 - phi**2) z_t`` (distributions, roll and ETF premium move
  real TLT away from any yield formula; the AR(1) keeps that error persistent and small).

Chain (:func:`synthetic_option_chain`, parameters :class:`SyntheticChainParams`):

* Expiries: the third Friday of each month with ``min_dte <= DTE <= max_dte`` calendar days
  (exchange holidays are not adjusted). Strikes every ``strike_step`` within
  ``+-strike_range`` of the underlying; a put and a call at each strike.
* Implied vol smile ``IV(K) = max(base_iv + skew * k + curvature * k**2, iv_floor)`` with
  ``k = ln(K / F)``, ``F = S exp((rate - div_yield) T)``, ``T = DTE / 365``.
* Model price: Black-Scholes-Merton (:func:`tailkit.pricing.bs_price`) at that IV.
* Quotes: half-spread ``h = min(max_half_spread, min_half_spread + rel_half_spread * price)``;
  ``bid = floor((price - h) / tick) * tick`` (at least 0), ``ask = ceil((price + h) / tick)
  * tick`` (at least ``bid + tick``).
* Greeks from :func:`tailkit.pricing.bs_greeks` at the model IV: ``delta``, ``gamma``,
  ``theta`` per calendar day, ``vega`` per vol point (0.01), as in Bloomberg exports.
* Open interest ``~ Poisson(oi_atm * exp(-k**2 / (2 oi_width**2)) + 10)`` and volume
  ``~ Poisson(volume_ratio * that mean)``: integers, the only random part of the chain.

Bundled files (``tailkit/data/synthetic_overlay/``, rewritten deterministically by
``python -m tailkit.synthetic``): ``synthetic_tlt_history.csv`` (yields in percent, as
users' files), ``synthetic_tlt_chain.csv`` (the chain on the last history date) and
``provenance.json`` (generator, seeds, parameters, ``"synthetic": true``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from tailkit.data.option_chain import write_option_chain
from tailkit.data.synthetic import SyntheticFiles, synthetic_paths
from tailkit.params import atomic_write_text
from tailkit.synthetic.chain import SyntheticChainParams, synthetic_option_chain
from tailkit.synthetic.history import (
    DEFAULT_SEED,
    HISTORY_END,
    HISTORY_START,
    REFERENCE_SPREAD_MAX,
    REFERENCE_YIELD_RANGE,
    SEED_SEARCH_START,
    SyntheticHistoryParams,
    synthetic_history,
)

__all__ = ["main", "synthetic_file_texts", "write_synthetic_files"]

_BUNDLED = synthetic_paths()
_HISTORY_FILE = _BUNDLED.history.name
_CHAIN_FILE = _BUNDLED.chain.name
_PROVENANCE_FILE = _BUNDLED.provenance.name


def _history_text(history: pd.DataFrame) -> str:
    lines = ["date,yield_20y,yield_30y,tlt_close"]
    for day, y20, y30, tlt in zip(
        history.index, history["yield_20y"], history["yield_30y"], history["tlt_close"]
    ):
        lines.append(f"{day.date().isoformat()},{100.0 * y20:.4f},{100.0 * y30:.4f},{tlt:.2f}")
    return "\n".join(lines) + "\n"


def _chain_text(chain: pd.DataFrame) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / _CHAIN_FILE
        write_option_chain(chain, path)
        return path.read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def synthetic_file_texts(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Return the exact text of each bundled SYNTHETIC file, made afresh from ``seed``.

    The history runs from :data:`HISTORY_START` to :data:`HISTORY_END` with the default
    :class:`SyntheticHistoryParams`; the chain is :func:`synthetic_option_chain` on the last
    history date at its (rounded) TLT close, with default :class:`SyntheticChainParams` and
    the seed ``seed + 1``.

    Parameters
    ----------
    seed : int, default=20241238
        Seed of the history (the chain uses ``seed + 1``).

    Returns
    -------
    dict of str to str
        File name -> text, for ``synthetic_tlt_history.csv``, ``synthetic_tlt_chain.csv``
        and ``provenance.json``.
    """
    hist_params = SyntheticHistoryParams()
    chain_params = SyntheticChainParams()
    history = synthetic_history(HISTORY_START, HISTORY_END, seed=seed, params=hist_params)
    history_text = _history_text(history)
    last_day = history.index[-1]
    last_close = round(float(history["tlt_close"].iloc[-1]), 2)
    chain = synthetic_option_chain(last_close, last_day, params=chain_params, seed=seed + 1)
    chain_text = _chain_text(chain)
    log_ret = np.diff(np.log(history["tlt_close"].to_numpy()))
    provenance = {
        "synthetic": True,
        "description": (
            "SYNTHETIC data made by tailkit's own generator; not market data. Parameters are "
            "assumptions chosen by hand to resemble what a calibration of real FRED 20y/30y "
            "yields and TLT over 2019-2024 (COVID window excluded) shows: kappa_20 ~ 0.03, "
            "kappa_30 ~ 0.13, sigma ~ 0.9%, rho ~ 0.98, log-quadratic TLT fit R^2 ~ 0.97. Not "
            "fitted to any bundled data; no real TLT data ships with tailkit. For demos and "
            "tests of the TLT credit-spread overlay only."
        ),
        "generator": "tailkit.synthetic",
        "regenerate": "python -m tailkit.synthetic",
        "history": {
            "file": _HISTORY_FILE,
            "function": "synthetic_history",
            "seed": seed,
            "seed_rule": (
                f"DEFAULT_SEED {DEFAULT_SEED} is the first seed from {SEED_SEARCH_START} upward whose "
                f"20y and 30y yields all lie in [{REFERENCE_YIELD_RANGE[0]}, {REFERENCE_YIELD_RANGE[1]}] "
                f"and whose |yield_30y - yield_20y| stays <= {REFERENCE_SPREAD_MAX} (about the 2015-2024 "
                "ranges of real long yields and of their 20s30s spread); the rule looks at yields only"
            ),
            "start": HISTORY_START,
            "end": HISTORY_END,
            "rows": len(history),
            "calendar": "business days (Mon-Fri), holidays not removed",
            "units": "yields in percent (4.38 = 4.38%), tlt_close in USD",
            "model": (
                "bivariate Vasicek dy_i = kappa_i (theta_i - y_i) dt + sigma_i dW_i, corr rho, exact "
                "steps dt = 1/252; log(tlt_close) = alpha + beta*ybar + gamma*ybar^2 + e_t, ybar the "
                "mean of the two yields (decimal), e_t stationary AR(1) (noise_ar, noise_sd)"
            ),
            "params": asdict(hist_params),
            "realized_vol_tlt": round(float(np.std(log_ret, ddof=1) * math.sqrt(252.0)), 6),
            "range": {
                col: [round(float(history[col].min()), 6), round(float(history[col].max()), 6)]
                for col in history.columns
            },
            "sha256": _sha256(history_text),
        },
        "chain": {
            "file": _CHAIN_FILE,
            "function": "synthetic_option_chain",
            "seed": seed + 1,
            "quote_date": last_day.date().isoformat(),
            "underlying_price": last_close,
            "rows": len(chain),
            "expiries": sorted({d.date().isoformat() for d in chain["expiration_date"]}),
            "units": "implied_vol in percent; theta per calendar day; vega per vol point",
            "model": (
                "IV = max(base_iv + skew*k + curvature*k^2, iv_floor), k = ln(K/F), "
                "F = S exp((rate - div_yield) T), T = DTE/365; Black-Scholes-Merton price; "
                "half-spread h = min(max_half_spread, min_half_spread + rel_half_spread*price), "
                "bid = floor((price - h)/tick)*tick >= 0, ask = ceil((price + h)/tick)*tick; "
                "open_interest ~ Poisson(oi_atm exp(-k^2/(2 oi_width^2)) + 10), "
                "volume ~ Poisson(volume_ratio * same mean)"
            ),
            "params": asdict(chain_params),
            "sha256": _sha256(chain_text),
        },
    }
    return {
        _HISTORY_FILE: history_text,
        _CHAIN_FILE: chain_text,
        _PROVENANCE_FILE: json.dumps(provenance, indent=2) + "\n",
    }


def write_synthetic_files(folder: str | Path | None = None, *, seed: int = DEFAULT_SEED) -> SyntheticFiles:
    """Write the SYNTHETIC history, chain and provenance files, each atomically.

    Parameters
    ----------
    folder : str or Path, optional
        Destination (default: the bundled folder ``tailkit/data/synthetic_overlay``).
    seed : int, default=20241238
        Seed (see :func:`synthetic_file_texts`); the same seed writes the same bytes.

    Returns
    -------
    SyntheticFiles
        The paths written.
    """
    paths = synthetic_paths(folder)
    texts = synthetic_file_texts(seed)
    for path in (paths.history, paths.chain, paths.provenance):
        atomic_write_text(path, texts[path.name])
    return paths


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with ``--check``, verify) the bundled SYNTHETIC overlay files.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 1 when ``--check`` finds a file differing from a fresh
        regeneration.
    """
    parser = argparse.ArgumentParser(
        prog="python -m tailkit.synthetic",
        description="Rewrite the bundled SYNTHETIC TLT history, option chain and provenance files "
        "deterministically (same seed, same bytes).",
    )
    parser.add_argument("--output", default=None, help="folder to write (default: the bundled folder)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only check the files equal a regeneration")
    args = parser.parse_args(argv)
    if args.check:
        paths = synthetic_paths(args.output)
        texts = synthetic_file_texts(args.seed)
        stale = [
            str(p)
            for p in (paths.history, paths.chain, paths.provenance)
            if not p.exists() or p.read_text(encoding="utf-8") != texts[p.name]
        ]
        if stale:
            print("differs from a fresh regeneration: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("synthetic overlay files are up to date")
        return 0
    paths = write_synthetic_files(args.output, seed=args.seed)
    for p in (paths.history, paths.chain, paths.provenance):
        print(f"wrote {p} ({p.stat().st_size} bytes, SYNTHETIC)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
