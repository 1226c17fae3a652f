"""Stress tests: historical windows replayed, hypothetical factor shocks, crisis-regime Monte Carlo.

* **Historical replay.** Today's positions are held (buy and hold, no rebalancing) through
  each window's daily returns: the returns dated after ``start`` up to and including
  ``end``, i.e. from the close of ``start`` to the close of ``end``. A position without
  data in a window (a stock listed later) is proxied by its beta to the benchmark (the
  bundled S&P 500 by default) times the benchmark's daily returns, and flagged.
* **Hypothetical factor shocks.** Linear positions move by ``sum_f beta_f * shock_f`` (betas
  from :func:`estimate_factor_betas` or given); options are fully repriced with
  Black-Scholes (:func:`tailkit.pricing.bs_price`) at the shocked spot, vol and rate.
* **Crisis-regime Monte Carlo.** Horizon returns are drawn by block bootstrap from the
  days of a crisis regime (a mask, e.g. from a regime model or high realised vol), or
  taken as given scenario arrays (e.g. :mod:`tailkit.simulation` paths).

One module a method (:mod:`~tailkit.risk.stress.historical`, :mod:`~tailkit.risk.stress.factor`,
:mod:`~tailkit.risk.stress.monte_carlo`); scenarios and the result in
:mod:`~tailkit.risk.stress.scenarios`. Everything is re-exported here.
"""

from tailkit.risk.stress.factor import bundled_factor_changes, estimate_factor_betas, factor_stress
from tailkit.risk.stress.historical import historical_stress
from tailkit.risk.stress.monte_carlo import (
    crisis_mask_from_vol,
    crisis_regime_params,
    monte_carlo_stress,
    regime_monte_carlo_stress,
)
from tailkit.risk.stress.scenarios import (
    HISTORICAL_WINDOWS,
    STANDARD_SHOCKS,
    FactorShock,
    StressResult,
    StressWindow,
    stress_table,
)

__all__ = [
    "regime_monte_carlo_stress",
    "crisis_regime_params",
    "StressWindow",
    "HISTORICAL_WINDOWS",
    "FactorShock",
    "STANDARD_SHOCKS",
    "StressResult",
    "historical_stress",
    "estimate_factor_betas",
    "bundled_factor_changes",
    "factor_stress",
    "crisis_mask_from_vol",
    "monte_carlo_stress",
    "stress_table",
]
