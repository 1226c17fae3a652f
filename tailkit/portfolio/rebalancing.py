"""Calendar and drift-band rebalancing of a target through a price history, with costs.

Between rebalances the weights drift with prices. At the close of a period the portfolio is
traded back to the target when the calendar says so (``"M"``: last trading day of each month,
``"Q"``, ``"A"``, or every ``n`` periods) or when any weight is more than ``band`` away from its
target (drift band). Trading ``|Δw_i|`` costs ``cost_i · |Δw_i|`` of NAV, paid at once. The
loop runs in a numba kernel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.portfolio._kernels import rebalance_path

__all__ = ["RebalanceResult", "rebalance"]


@dataclass(frozen=True, slots=True)
class RebalanceResult:
    """Weight path, NAV, trades and the turnover/cost report of a rebalancing rule.

    Attributes
    ----------
    weights : DataFrame of shape (n_dates, n_assets)
        Weights at each close after any trade.
    nav : Series of shape (n_dates,)
        NAV (starts at 1), net of costs.
    trades : DataFrame of shape (n_dates, n_assets)
        Weight traded at each close (zero rows when no trade).
    costs : Series of shape (n_dates,)
        Cost paid at each close, fraction of NAV.
    rule : str
        Description of the rule.
    """

    weights: pd.DataFrame
    nav: pd.Series
    trades: pd.DataFrame
    costs: pd.Series
    rule: str

    @property
    def n_rebalances(self) -> int:
        """Number of closes at which the portfolio traded."""
        return int((self.trades.abs().sum(axis=1) > 0).sum())

    @property
    def turnover(self) -> float:
        """Total one-way turnover ``Σ_t Σ_i |trade|``."""
        return float(self.trades.abs().to_numpy().sum())

    @property
    def annual_turnover(self) -> float:
        """Turnover per year (252 periods)."""
        return self.turnover * 252.0 / max(len(self.nav) - 1, 1)

    @property
    def total_cost(self) -> float:
        """Sum of costs, fraction of NAV."""
        return float(self.costs.sum())

    def to_frame(self) -> pd.DataFrame:
        """Per-date table: ``nav``, ``cost``, ``turnover`` and the weights."""
        out = pd.DataFrame({"nav": self.nav, "cost": self.costs, "turnover": self.trades.abs().sum(axis=1)})
        return out.join(self.weights.add_prefix("w_"))

    def to_dict(self) -> dict[str, Any]:
        """Report: rule, rebalances, turnover, annual turnover, total cost, final NAV."""
        return {
            "rule": self.rule,
            "n_rebalances": self.n_rebalances,
            "turnover": self.turnover,
            "annual_turnover": self.annual_turnover,
            "total_cost": self.total_cost,
            "final_nav": float(self.nav.iloc[-1]),
        }


def _calendar(index: pd.Index, every: str | int | None) -> np.ndarray:
    n = len(index)
    flags = np.zeros(n - 1, dtype=np.bool_)
    if every is None:
        return flags
    if isinstance(every, int):
        if every < 1:
            raise ParameterError(describe_bad_value("every", every, "an int >= 1, 'M', 'Q', 'A' or None"))
        flags[every - 1 :: every] = True
        return flags
    if not isinstance(index, pd.DatetimeIndex):
        raise ParameterError("calendar rebalancing by 'M'/'Q'/'A' needs prices with a DatetimeIndex")
    key = {"M": index.year * 100 + index.month, "Q": index.year * 10 + index.quarter, "A": index.year}.get(
        every
    )
    if key is None:
        raise ParameterError(describe_bad_value("every", every, "an int >= 1, 'M', 'Q', 'A' or None"))
    k = np.asarray(key)
    # the close of day t+1 ends a period when the next day is in another period (or the last day)
    last = np.r_[k[1:] != k[:-1], False]
    return last[1:]


def rebalance(
    prices: pd.DataFrame,
    target: Mapping[str, float] | pd.Series,
    *,
    every: str | int | None = "M",
    band: float | None = None,
    cost: float | Mapping[str, float] = 0.0,
) -> RebalanceResult:
    """Run a calendar and/or drift-band rebalancing rule through a price history.

    Parameters
    ----------
    prices : DataFrame of shape (n_dates, n_assets)
        Prices (or total-return indices), oldest first, no NaN in the target's columns.
    target : mapping or Series of str to float
        Target weights; ``1 - sum`` is cash earning zero.
    every : {"M", "Q", "A"} or int or None, default="M"
        Calendar rule; ``None`` for band-only (or buy-and-hold without a band).
    band : float, optional
        Drift band: trade when any ``|w - target| > band``.
    cost : float or mapping of str to float, default=0.0
        Proportional cost per unit traded.

    Returns
    -------
    RebalanceResult
    """
    tgt = pd.Series(target, dtype=np.float64)
    missing = [a for a in tgt.index if a not in prices.columns]
    if missing:
        raise DataError(f"prices: no column(s) {missing} for the target's assets")
    px = prices[list(tgt.index)].astype(np.float64)
    if px.isna().any().any():
        bad = px.columns[px.isna().any()].tolist()
        raise DataError(f"prices: NaN in column(s) {bad}; fill or drop them first")
    if len(px) < 2:
        raise DataError("prices: need at least 2 rows")
    vals = px.to_numpy()
    if np.any(vals <= 0):
        raise DataError("prices: must be > 0")
    if band is not None and not band >= 0:
        raise ParameterError(describe_bad_value("band", band, "a float >= 0 or None"))
    assets = list(tgt.index)
    c = (
        np.array([float(cost.get(a, 0.0)) for a in assets])
        if isinstance(cost, Mapping)
        else np.full(len(assets), float(cost))
    )
    growth = vals[1:] / vals[:-1]
    cal = _calendar(px.index, every)
    w, nav, trades, costs = rebalance_path(
        np.ascontiguousarray(growth), tgt.to_numpy(), -1.0 if band is None else float(band), cal, c
    )
    rule = (
        " + ".join(
            [f"calendar {every}" for _ in [0] if every is not None]
            + [f"band {band}" for _ in [0] if band is not None]
        )
        or "buy and hold"
    )
    idx = px.index
    return RebalanceResult(
        weights=pd.DataFrame(w, index=idx, columns=assets),
        nav=pd.Series(nav, index=idx, name="nav"),
        trades=pd.DataFrame(trades, index=idx, columns=assets),
        costs=pd.Series(costs, index=idx, name="cost"),
        rule=rule,
    )
