"""The asymmetry table: how each premium behaves on average and when equity crashes.

For a premium with monthly excess returns ``r`` (n months) and the equity excess return ``e``
on the same months:

* ``mean``, ``vol`` — ``12 mean(r)`` and ``sqrt(12) std(r, ddof=1)``; ``sharpe = mean / vol``
  (the returns are already excess returns);
* ``skew`` — ``m3 / m2^1.5`` and ``excess_kurtosis`` — ``m4 / m2^2 - 3``, with the population
  central moments ``m_k = mean((r - mean(r))^k)``;
* ``worst_month`` — ``min(r)``;
* the **crash months**: the ``k = ceil(tail * n)`` months with the lowest ``e`` (ties broken by
  date); ``crisis_mean`` is ``mean(r)`` over them and ``crisis_beta`` is
  ``crisis_mean / mean(e over them)`` (1 for equity itself; > 0 loses with equity, < 0 pays);
* ``co_crash`` — the share of the crash months that are also among the ``k`` lowest months of
  ``r`` itself (1 for equity; about ``tail`` for a premium independent of equity).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["ASYMMETRY_COLUMNS", "AsymmetryTable", "asymmetry_table", "worst_months"]

ASYMMETRY_COLUMNS: tuple[str, ...] = (
    "mean",
    "vol",
    "sharpe",
    "skew",
    "excess_kurtosis",
    "worst_month",
    "crisis_mean",
    "crisis_beta",
    "co_crash",
)


def worst_months(x: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` lowest entries of ``x`` (ties: the earlier entry first)."""
    mask = np.zeros(len(x), dtype=bool)
    mask[np.argsort(x, kind="stable")[:k]] = True
    return mask


@dataclass(frozen=True, slots=True)
class AsymmetryTable:
    """One row per premium, the columns of :data:`ASYMMETRY_COLUMNS`.

    Parameters
    ----------
    table : DataFrame of shape (n_premia, 9)
    n_months : int
        Months used.
    n_crash : int
        Crash months (the equity's worst ``tail`` share).
    """

    table: pd.DataFrame
    n_months: int
    n_crash: int

    def to_frame(self) -> pd.DataFrame:
        """The table."""
        return self.table.copy()


def asymmetry_table(returns: pd.DataFrame, equity: str = "equity", *, tail: float = 0.05) -> AsymmetryTable:
    """Asymmetry statistics of every column of ``returns`` (see the module docstring).

    Parameters
    ----------
    returns : DataFrame of shape (n_months, n_premia)
        Monthly excess returns (decimal); rows with any NaN are dropped.
    equity : str, default="equity"
        The column that defines the crash months.
    tail : float, default=0.05
        Share of months counted as crashes, in (0, 0.5].

    Returns
    -------
    AsymmetryTable
    """
    if not isinstance(returns, pd.DataFrame):
        raise ParameterError(
            describe_bad_value("returns", type(returns).__name__, "a DataFrame of monthly returns")
        )
    if equity not in returns.columns:
        raise ParameterError(
            describe_bad_value("equity", equity, "one of the columns " + ", ".join(map(str, returns.columns)))
        )
    if not np.isfinite(tail) or not 0.0 < tail <= 0.5:
        raise ParameterError(describe_bad_value("tail", tail, "a share in (0, 0.5]"))
    data = returns.astype(float).dropna()
    n = len(data)
    if n < 3:
        raise DataError(f"returns has {n} complete months; at least 3 are needed")
    k = max(1, math.ceil(tail * n - 1e-12))
    e = data[equity].to_numpy()
    crash = worst_months(e, k)
    rows = {}
    for name in data.columns:
        r = data[name].to_numpy()
        d = r - r.mean()
        m2, m3, m4 = (np.mean(d**2), np.mean(d**3), np.mean(d**4))
        vol = float(np.sqrt(12.0) * r.std(ddof=1))
        mean = float(12.0 * r.mean())
        crisis_mean = float(r[crash].mean())
        rows[name] = {
            "mean": mean,
            "vol": vol,
            "sharpe": mean / vol if vol > 0 else float("nan"),
            "skew": float(m3 / m2**1.5) if m2 > 0 else float("nan"),
            "excess_kurtosis": float(m4 / m2**2 - 3.0) if m2 > 0 else float("nan"),
            "worst_month": float(r.min()),
            "crisis_mean": crisis_mean,
            "crisis_beta": crisis_mean / float(e[crash].mean()),
            "co_crash": float(np.mean(worst_months(r, k)[crash])),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")[list(ASYMMETRY_COLUMNS)]
    table.index.name = "premium"
    return AsymmetryTable(table=table, n_months=n, n_crash=k)
