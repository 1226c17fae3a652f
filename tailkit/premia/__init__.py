"""Risk premia as monthly return streams built from bundled data, and their asymmetry.

* :mod:`~tailkit.premia.streams` — equity beta, size, value, credit carry, trend, short
  volatility (put-write) and a tail hedge, each construction documented;
* :mod:`~tailkit.premia.asymmetry` — Sharpe, skew, excess kurtosis, worst month, crisis beta
  and co-crash probability of each premium;
* :mod:`~tailkit.premia.simulation` — regime-dependent joint simulation (calm, stressed,
  crisis means, vols and correlations fitted with the regime filter);
* :mod:`~tailkit.premia.bootstrap` — joint block bootstrap of the premia (paths that keep
  their co-crashes).
"""

from tailkit.premia.asymmetry import ASYMMETRY_COLUMNS, AsymmetryTable, asymmetry_table, worst_months
from tailkit.premia.bootstrap import block_bootstrap
from tailkit.premia.simulation import (
    DT_MONTH,
    START_REGIMES,
    PremiaPaths,
    fit_premia_regimes,
    simulate_premia,
    stress_regimes,
)
from tailkit.premia.streams import (
    PREMIA,
    PremiaParams,
    PremiaStreams,
    bundled_premia,
    credit_carry,
    equity_excess,
    month_end,
    put_write,
    read_premia,
    tail_hedge,
    trend,
)

__all__ = [
    "ASYMMETRY_COLUMNS",
    "DT_MONTH",
    "PREMIA",
    "START_REGIMES",
    "AsymmetryTable",
    "PremiaParams",
    "PremiaPaths",
    "PremiaStreams",
    "asymmetry_table",
    "block_bootstrap",
    "bundled_premia",
    "credit_carry",
    "equity_excess",
    "fit_premia_regimes",
    "month_end",
    "put_write",
    "read_premia",
    "simulate_premia",
    "stress_regimes",
    "tail_hedge",
    "trend",
    "worst_months",
]
