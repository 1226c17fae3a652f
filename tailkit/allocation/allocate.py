"""Capital allocation across strategy return streams, with a correlation screen and per-strategy caps.

Methods
-------
``equal``
    ``1 / n`` of the included strategies.
``risk_parity``, ``min_cvar``, ``max_sharpe``, ``prospect``
    tailkit's optimizers (:func:`tailkit.portfolio.risk_parity`, :func:`~tailkit.portfolio.min_cvar`,
    :func:`~tailkit.portfolio.max_sharpe`, :func:`~tailkit.portfolio.max_prospect_value`) on the
    trailing window of the included strategies' daily returns (sample covariance; the days are
    the scenarios), long-only and fully invested. When no included strategy has a positive
    trailing mean the tangency portfolio does not exist and ``max_sharpe`` takes the minimum-
    variance portfolio instead.
``performance``
    *Performance weighting*: each strategy's trailing Sharpe ratio (annualised mean over
    annualised volatility of the window, no risk-free rate), floored at zero, normalised to
    sum to one, then shrunk toward equal weight:
    ``w = (1 - shrinkage) x max(S_i, 0) / sum_j max(S_j, 0) + shrinkage / n``. With
    ``shrinkage = 1`` this is equal weight; with no positive Sharpe ratio it is equal weight.
    Trailing Sharpe ratios are noisy estimates of future ones, hence the shrinkage (0.5 by default).

Correlation screen
------------------
Strategies are ranked by trailing Sharpe ratio (best first) and included greedily: a strategy
enters when its correlation with every strategy already included is at most ``max_correlation``
(0.7 by default, the plan's "< 70% maximum strategy correlation"). So the included set's maximum
pairwise correlation is at most ``max_correlation``, and of two near-duplicates the one with
the better record stays.

Caps
----
``max_weight`` caps each strategy (risk parity and performance weights are capped by
redistributing the excess pro rata among the strategies below the cap; the optimizers take it
as an upper bound). A cap below ``1 / n_included`` cannot hold with full investment and is raised
to ``1 / n_included`` (recorded in :attr:`AllocationResult.cap`).

Walk-forward
------------
:func:`walk_forward` re-estimates the weights at every period end from the trailing
``lookback`` days only and holds them (rebalanced daily to the weights) over the next period,
so the returns it reports are out of sample. The naive benchmark holds ``1 / n`` of *all*
strategies over the same days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.portfolio import (
    Constraints,
    PortfolioInputs,
    max_prospect_value,
    max_sharpe,
    min_cvar,
    min_variance,
    risk_parity,
)

__all__ = [
    "METHODS",
    "AllocationResult",
    "WalkForward",
    "allocate",
    "cap_weights",
    "performance_weights",
    "select_strategies",
    "trailing_sharpe",
    "walk_forward",
]

AllocationMethod = Literal["equal", "risk_parity", "min_cvar", "max_sharpe", "prospect", "performance"]
METHODS: tuple[str, ...] = ("equal", "risk_parity", "min_cvar", "max_sharpe", "prospect", "performance")
_FREQ = {"month": "ME", "quarter": "QE", "year": "YE"}


def _check_returns(returns: Any) -> pd.DataFrame:
    if not isinstance(returns, pd.DataFrame):
        raise ParameterError(
            describe_bad_value("returns", type(returns).__name__, "a DataFrame of strategy returns")
        )
    if returns.shape[1] < 1 or len(set(returns.columns)) != returns.shape[1]:
        raise ParameterError(
            describe_bad_value("returns.columns", list(returns.columns), "distinct strategy names")
        )
    clean = returns.astype(float).dropna(how="any")
    if len(clean) < 20:
        raise DataError(
            f"returns: only {len(clean)} days where every strategy has a return; need at least 20"
        )
    if not np.isfinite(clean.to_numpy()).all():
        raise DataError("returns has an infinite value; all returns must be finite")
    return clean


def trailing_sharpe(returns: pd.DataFrame, *, periods_per_year: float = 252.0) -> pd.Series:
    """Annualised Sharpe ratio (mean / sd, ddof=1, no risk-free rate) of each column; 0 if flat."""
    r = returns.to_numpy(dtype=float)
    sd = r.std(axis=0, ddof=1)
    mean = r.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(sd > 0, mean / sd * np.sqrt(periods_per_year), 0.0)
    return pd.Series(s, index=returns.columns, name="sharpe")


def select_strategies(
    returns: pd.DataFrame, *, max_correlation: float = 0.7
) -> tuple[tuple[str, ...], dict[str, str]]:
    """Greedy correlation screen: best trailing Sharpe first, skip any too correlated with one kept.

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_strategies)
        Daily returns.
    max_correlation : float, default=0.7
        Highest pairwise correlation allowed among included strategies, in (-1, 1].

    Returns
    -------
    included : tuple of str
        Kept strategies, in the order of ``returns.columns``.
    excluded : dict of str to str
        Dropped strategy -> reason (the included strategy it is too correlated with).
    """
    if not -1.0 < max_correlation <= 1.0:
        raise ParameterError(
            describe_bad_value("max_correlation", max_correlation, "a correlation in (-1, 1]")
        )
    clean = _check_returns(returns)
    corr = clean.corr().fillna(0.0)
    order = trailing_sharpe(clean).sort_values(ascending=False, kind="stable").index
    kept: list[str] = []
    excluded: dict[str, str] = {}
    for s in order:
        worst = max(kept, key=lambda k: corr.loc[s, k], default=None)
        if worst is not None and corr.loc[s, worst] > max_correlation:
            excluded[str(s)] = f"correlation {corr.loc[s, worst]:.2f} with {worst}"
        else:
            kept.append(s)
    return tuple(str(c) for c in clean.columns if c in kept), excluded


def cap_weights(weights: Any, cap: float) -> np.ndarray:
    """Cap long-only weights summing to one at ``cap``, the excess going pro rata to the others.

    ``cap`` must be at least ``1 / n``. Strategies with zero weight receive excess equally only
    when every positive weight is capped.

    Examples
    --------
    >>> cap_weights([0.7, 0.2, 0.1], 0.5).round(12).tolist()
    [0.5, 0.333333333333, 0.166666666667]
    """
    w = np.asarray(weights, dtype=float).copy()
    n = w.size
    if cap * n < 1.0 - 1e-12:
        raise ParameterError(describe_bad_value("cap", cap, f"a cap >= 1/{n} (weights sum to one)"))
    for _ in range(n + 1):
        over = w > cap + 1e-15
        if not over.any():
            break
        excess = float((w[over] - cap).sum())
        w[over] = cap
        free = w < cap - 1e-15
        base = w[free].sum()
        if base > 0:
            w[free] += excess * w[free] / base
        else:
            w[free] += excess / free.sum()
    return w


def performance_weights(
    returns: pd.DataFrame, *, shrinkage: float = 0.5, periods_per_year: float = 252.0
) -> pd.Series:
    """Performance weights: positive trailing Sharpe ratios, shrunk toward equal weight.

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_strategies)
        Trailing daily returns.
    shrinkage : float, default=0.5
        Weight of the equal-weight target, in [0, 1].
    periods_per_year : float, default=252
        Annualisation of the Sharpe ratios.

    Returns
    -------
    Series
        Weights summing to one.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> r = pd.DataFrame({"a": [0.01, 0.03] * 20, "b": [-0.01, 0.01] * 20})  # Sharpe > 0 and 0
    >>> performance_weights(r, shrinkage=0.5).round(12).tolist()
    [0.75, 0.25]
    """
    if not 0.0 <= shrinkage <= 1.0:
        raise ParameterError(describe_bad_value("shrinkage", shrinkage, "a weight in [0, 1]"))
    s = trailing_sharpe(returns, periods_per_year=periods_per_year).clip(lower=0.0)
    n = len(s)
    perf = s / s.sum() if s.sum() > 0 else pd.Series(1.0 / n, index=s.index)
    return ((1.0 - shrinkage) * perf + shrinkage / n).rename("weight")


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """Weights of one allocation.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`.
    weights : Series
        Weight per strategy (all strategies; excluded ones 0), summing to one.
    included : tuple of str
        Strategies that passed the correlation screen.
    excluded : dict of str to str
        Dropped strategy -> reason.
    cap : float
        Per-strategy cap applied (after raising it to ``1 / n_included`` if needed).
    max_included_correlation : float
        Largest pairwise correlation among included strategies (NaN with one strategy).
    """

    method: str
    weights: pd.Series = field(repr=False)
    included: tuple[str, ...]
    excluded: dict[str, str] = field(repr=False)
    cap: float
    max_included_correlation: float

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy: weight, included, reason excluded."""
        return pd.DataFrame(
            {
                "weight": self.weights,
                "included": [s in self.included for s in self.weights.index],
                "excluded_because": [self.excluded.get(str(s), "") for s in self.weights.index],
            }
        )


def allocate(
    returns: pd.DataFrame,
    method: str = "risk_parity",
    *,
    max_correlation: float = 0.7,
    max_weight: float = 1.0,
    shrinkage: float = 0.5,
    confidence: float = 0.95,
) -> AllocationResult:
    """Allocate capital across strategies from their daily returns (see the module docstring).

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_strategies)
        Daily returns (decimals), the estimation window.
    method : str, default="risk_parity"
        One of :data:`METHODS`.
    max_correlation : float, default=0.7
        Correlation screen threshold.
    max_weight : float, default=1.0
        Per-strategy cap, in (0, 1].
    shrinkage : float, default=0.5
        Shrinkage of performance weights toward equal weight.
    confidence : float, default=0.95
        CVaR level of ``min_cvar``.

    Returns
    -------
    AllocationResult
    """
    if method not in METHODS:
        raise ParameterError(describe_bad_value("method", method, "one of " + ", ".join(METHODS)))
    if not 0.0 < max_weight <= 1.0:
        raise ParameterError(describe_bad_value("max_weight", max_weight, "a cap in (0, 1]"))
    clean = _check_returns(returns)
    included, excluded = select_strategies(clean, max_correlation=max_correlation)
    sub = clean[list(included)]
    n = len(included)
    cap = max(float(max_weight), 1.0 / n)
    if n == 1:
        w = np.ones(1)
    elif method == "equal":
        w = np.full(n, 1.0 / n)
    elif method == "performance":
        w = cap_weights(performance_weights(sub, shrinkage=shrinkage).to_numpy(), cap)
    else:
        inputs = PortfolioInputs.from_returns(sub)
        if method == "risk_parity":
            w = cap_weights(risk_parity(inputs).weights.to_numpy(), cap)
        else:
            cons = Constraints(upper=cap)
            if method == "min_cvar":
                res = min_cvar(inputs, confidence, cons)
            elif method == "max_sharpe" and float(np.max(inputs.mu)) > 0:
                res = max_sharpe(inputs, cons)
            elif method == "max_sharpe":
                res = min_variance(inputs, cons)
            else:
                res = max_prospect_value(inputs, constraints=cons)
            w = np.clip(res.weights.reindex(list(included)).to_numpy(dtype=float), 0.0, None)
            w = w / w.sum()
    weights = pd.Series(0.0, index=[str(c) for c in clean.columns], name="weight")
    weights[list(included)] = w
    corr = sub.corr().to_numpy()
    upper = corr[np.triu_indices(n, 1)]
    return AllocationResult(
        method, weights, included, excluded, cap, float(upper.max()) if upper.size else float("nan")
    )


@dataclass(frozen=True, slots=True)
class WalkForward:
    """Out-of-sample allocation: weights re-estimated each period from trailing data only.

    Attributes
    ----------
    method : str
    weights : DataFrame of shape (n_days, n_strategies)
        Weights held on each evaluation day (set at the previous period end).
    returns : DataFrame of shape (n_days, n_strategies)
        The strategies' returns over the evaluation days.
    allocations : tuple of AllocationResult
        The allocation made at each rebalance date, in order.
    rebalance_dates : tuple of Timestamp
        Period ends at which the weights were set (from data up to and including that day).
    """

    method: str
    weights: pd.DataFrame = field(repr=False)
    returns: pd.DataFrame = field(repr=False)
    allocations: tuple[AllocationResult, ...] = field(repr=False)
    rebalance_dates: tuple[pd.Timestamp, ...] = field(repr=False)

    @property
    def portfolio_returns(self) -> pd.Series:
        """Daily return of the allocation, ``sum_i w_{t,i} r_{t,i}``."""
        return (self.weights * self.returns).sum(axis=1).rename(self.method)

    @property
    def naive_returns(self) -> pd.Series:
        """Daily return of ``1 / n`` of every strategy over the same days."""
        return self.returns.mean(axis=1).rename("equal_weight")

    @property
    def latest(self) -> AllocationResult:
        """The most recent allocation."""
        return self.allocations[-1]


def walk_forward(
    returns: pd.DataFrame,
    method: str = "risk_parity",
    *,
    rebalance: str = "quarter",
    lookback: int = 252,
    max_correlation: float = 0.7,
    max_weight: float = 1.0,
    shrinkage: float = 0.5,
    confidence: float = 0.95,
) -> WalkForward:
    """Re-allocate at every period end from the trailing ``lookback`` days; hold until the next.

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_strategies)
        Daily strategy returns, DatetimeIndex.
    method : str, default="risk_parity"
        One of :data:`METHODS`.
    rebalance : {"month", "quarter", "year"}, default="quarter"
        Rebalancing period.
    lookback : int, default=252
        Trailing estimation window in days (>= 20).
    max_correlation, max_weight, shrinkage, confidence
        As in :func:`allocate`.

    Returns
    -------
    WalkForward
    """
    if rebalance not in _FREQ:
        raise ParameterError(describe_bad_value("rebalance", rebalance, "'month', 'quarter' or 'year'"))
    if isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 20:
        raise ParameterError(describe_bad_value("lookback", lookback, "an int >= 20 (days)"))
    clean = _check_returns(returns)
    if not isinstance(clean.index, pd.DatetimeIndex):
        raise ParameterError(
            describe_bad_value("returns.index", type(clean.index).__name__, "a DatetimeIndex")
        )
    period = clean.index.to_period(_FREQ[rebalance][0])
    last_days = np.flatnonzero(np.r_[period[1:] != period[:-1], False])
    starts = [int(i) for i in last_days if i + 1 >= lookback]
    if not starts:
        raise DataError(
            f"returns: {len(clean)} days leave no period end after the first {lookback} days; "
            "shorten lookback or give more history"
        )
    w = np.full(clean.shape, np.nan)
    allocations = []
    bounds = [*starts, len(clean) - 1]
    for k, i in enumerate(starts):
        res = allocate(
            clean.iloc[i + 1 - lookback : i + 1],
            method,
            max_correlation=max_correlation,
            max_weight=max_weight,
            shrinkage=shrinkage,
            confidence=confidence,
        )
        allocations.append(res)
        w[i + 1 : bounds[k + 1] + 1] = res.weights.to_numpy()
    first = starts[0] + 1
    idx = clean.index[first:]
    return WalkForward(
        method,
        pd.DataFrame(w[first:], index=idx, columns=clean.columns),
        clean.iloc[first:],
        tuple(allocations),
        tuple(pd.Timestamp(clean.index[i]) for i in starts),
    )
