"""Return attribution of a multi-strategy allocation by strategy, by period and by regime, adding up exactly.

Linking
-------
Daily contributions ``c_{t,i} = w_{t,i} r_{t,i}`` add up to the day's return ``r_t``, but daily
returns compound, so their sum is not the total return ``R = prod_t (1 + r_t) - 1``. Carino's
logarithmic linking (Carino, "Combining attribution effects over time", J. Performance
Measurement 3(4), 1999) scales each day by ``k_t / k`` with ``k_t = ln(1 + r_t) / r_t`` and
``k = ln(1 + R) / R`` (both 1 at a zero return); the linked contributions
``l_{t,i} = (k_t / k) c_{t,i}`` add up to ``R`` over days and strategies.

Every attribution is a sum of the same ``l_{t,i}``, so each adds up to ``R``:

* **by strategy**: ``sum_t l_{t,i}``;
* **by period** (month, quarter or year): ``sum_{t in period} l_{t,i}``, a period x strategy table
  whose cells add up to ``R``;
* **by regime**: ``sum_t p_{t,s} l_{t,i}`` with the *filtered* regime probabilities
  ``p_{t,s} = P(s_t = s | data up to t)`` (rows sum to one), so a day's contribution is split
  across regimes by how likely each was that day.

Versus naive
------------
:func:`compare_to_naive` measures the allocation against equal weight: the daily return
difference ``d_t``, its annualised mean ``252 mean(d)`` and that mean's standard error from a
Newey-West (Bartlett kernel) long-run variance with ``floor(4 (T / 100)^(2/9))`` lags, and the
t-statistic. It reports what is measured; it does not claim an improvement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.risk.forecast import newey_west_se

__all__ = [
    "Attribution",
    "NaiveComparison",
    "attribute",
    "compare_to_naive",
    "linked_contributions",
    "newey_west_se",
]

_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}


def _link_factor(r: np.ndarray) -> np.ndarray:
    out = np.ones_like(r)
    nz = r != 0.0
    out[nz] = np.log1p(r[nz]) / r[nz]
    return out


def linked_contributions(weights: pd.DataFrame, returns: pd.DataFrame) -> pd.DataFrame:
    """Carino-linked daily contributions ``l_{t,i}``; they add up to the compounded total return.

    Parameters
    ----------
    weights, returns : DataFrame of shape (n_days, n_strategies)
        Weights held and returns earned each day (same index and columns).

    Returns
    -------
    DataFrame of shape (n_days, n_strategies)
    """
    if weights.shape != returns.shape or not weights.index.equals(returns.index):
        raise ParameterError(
            describe_bad_value("weights.shape", weights.shape, f"{returns.shape}, indexed like returns")
        )
    c = weights.to_numpy(dtype=float) * returns.to_numpy(dtype=float)
    if not np.isfinite(c).all():
        raise DataError("weights x returns has a non-finite value; fill or drop those days first")
    r = c.sum(axis=1)
    if np.any(r <= -1.0):
        raise DataError("a daily portfolio return is <= -100%; returns cannot be linked")
    total = float(np.prod(1.0 + r) - 1.0)
    k = float(_link_factor(np.array([total]))[0])
    return pd.DataFrame(c * (_link_factor(r) / k)[:, None], index=returns.index, columns=returns.columns)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Attribution of a total return by strategy, period and regime (each adds up to ``total``).

    Attributes
    ----------
    total : float
        Compounded return of the allocation over the days.
    by_strategy : Series
        Linked contribution per strategy.
    by_period : DataFrame
        Period x strategy linked contributions (``period`` is the rebalancing-style label).
    by_regime : DataFrame or None
        Regime x strategy linked contributions weighted by filtered probabilities (None if no
        probabilities were given).
    period : str
        ``"month"``, ``"quarter"`` or ``"year"``.
    """

    total: float
    by_strategy: pd.Series = field(repr=False)
    by_period: pd.DataFrame = field(repr=False)
    by_regime: pd.DataFrame | None = field(repr=False)
    period: str

    def check(self) -> float:
        """Largest absolute gap between any of the attributions' sums and ``total``."""
        sums = [self.by_strategy.sum(), self.by_period.to_numpy().sum()]
        if self.by_regime is not None:
            sums.append(self.by_regime.to_numpy().sum())
        return float(max(abs(s - self.total) for s in sums))


def attribute(
    weights: pd.DataFrame,
    returns: pd.DataFrame,
    *,
    period: str = "month",
    regime_probabilities: pd.DataFrame | None = None,
) -> Attribution:
    """Attribute the allocation's compounded return by strategy, period and regime.

    Parameters
    ----------
    weights, returns : DataFrame of shape (n_days, n_strategies)
        Weights held and returns earned each day, DatetimeIndex.
    period : {"month", "quarter", "year"}, default="month"
        Time buckets of ``by_period``.
    regime_probabilities : DataFrame of shape (n_days_any, n_regimes), optional
        Filtered regime probabilities (rows summing to one), indexed by date; must cover
        every day of ``returns``.

    Returns
    -------
    Attribution
    """
    if period not in _FREQ:
        raise ParameterError(describe_bad_value("period", period, "'month', 'quarter' or 'year'"))
    linked = linked_contributions(weights, returns)
    total = float(np.prod(1.0 + (weights * returns).sum(axis=1).to_numpy()) - 1.0)
    labels = pd.DatetimeIndex(linked.index).to_period(_FREQ[period]).astype(str)
    by_period = linked.groupby(labels).sum()
    by_period.index.name = period
    by_regime = None
    if regime_probabilities is not None:
        p = regime_probabilities.reindex(linked.index)
        if p.isna().any().any():
            missing = linked.index[p.isna().any(axis=1)][0]
            raise DataError(f"regime_probabilities has no row for {missing.date()}; it must cover every day")
        rows = p.to_numpy(dtype=float).sum(axis=1)
        if np.any(np.abs(rows - 1.0) > 1e-9):
            i = int(np.argmax(np.abs(rows - 1.0)))
            raise DataError(
                f"regime_probabilities row {linked.index[i].date()} sums to {rows[i]}; rows must sum to 1"
            )
        by_regime = pd.DataFrame(
            p.to_numpy(dtype=float).T @ linked.to_numpy(), index=p.columns, columns=linked.columns
        )
        by_regime.index.name = "regime"
    return Attribution(total, linked.sum(axis=0).rename("contribution"), by_period, by_regime, period)


@dataclass(frozen=True, slots=True)
class NaiveComparison:
    """The allocation against equal weight over the same days.

    Attributes
    ----------
    annual_return, naive_annual_return : float
        ``252 x mean`` daily return of each (decimal).
    difference : float
        ``annual_return - naive_annual_return``.
    difference_se : float
        Newey-West standard error of ``difference``.
    t_stat : float
        ``difference / difference_se``.
    sharpe, naive_sharpe : float
        Annualised Sharpe ratios (no risk-free rate).
    n_days : int
    """

    annual_return: float
    naive_annual_return: float
    difference: float
    difference_se: float
    t_stat: float
    sharpe: float
    naive_sharpe: float
    n_days: int

    def to_dict(self) -> dict[str, float | int]:
        """All fields."""
        return {
            "annual_return": self.annual_return,
            "naive_annual_return": self.naive_annual_return,
            "difference": self.difference,
            "difference_se": self.difference_se,
            "t_stat": self.t_stat,
            "sharpe": self.sharpe,
            "naive_sharpe": self.naive_sharpe,
            "n_days": self.n_days,
        }


def compare_to_naive(
    returns: pd.Series, naive: pd.Series, *, periods_per_year: float = 252.0
) -> NaiveComparison:
    """Annualised mean return difference to the naive allocation, with its standard error.

    Parameters
    ----------
    returns, naive : Series of shape (n_days,)
        Daily returns of the allocation and of equal weight on the same days.
    periods_per_year : float, default=252

    Returns
    -------
    NaiveComparison
    """
    a = pd.Series(returns, dtype=float)
    b = pd.Series(naive, dtype=float).reindex(a.index)
    if b.isna().any() or a.isna().any() or len(a) < 2:
        raise DataError("returns and naive must be finite on the same days (at least 2)")
    d = (a - b).to_numpy()
    se = newey_west_se(d) * periods_per_year

    def sharpe(x: pd.Series) -> float:
        sd = float(x.std(ddof=1))
        return float(x.mean() / sd * np.sqrt(periods_per_year)) if sd > 0 else 0.0

    diff = float(d.mean() * periods_per_year)
    return NaiveComparison(
        float(a.mean() * periods_per_year),
        float(b.mean() * periods_per_year),
        diff,
        se,
        diff / se if se > 0 else float("nan"),
        sharpe(a),
        sharpe(b),
        len(a),
    )
