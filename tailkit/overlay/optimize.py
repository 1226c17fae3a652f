"""Search exit rules: the best profit target × loss multiple × DTE threshold under risk limits.

Constraints:

* ``pop >= min_pop``.
* **Risk budget** (optional; default none: no CVaR constraint, as in the original tool).
  ``risk_budget`` is the largest acceptable CVaR95 loss of one trade cycle **per $ of NAV**
  (e.g. 0.02375 = 50% of a 4.75% portfolio yield). The overlay puts
  ``allocation`` of NAV at maximum loss (``n = allocation * NAV / (max_loss * multiplier)``
  spreads, ``max_loss = width - credit + entry commissions`` per share), so its CVaR per $ of
  NAV is ``allocation * |cvar_95| / max_loss`` and the budget becomes a per-spread limit

      |cvar_95| <= cvar_limit = (risk_budget / allocation) * max_loss   (per share).

  With ``risk_budget >= allocation`` the limit is at least the maximum loss and never binds.

The ranking metric is ``expected_return`` (expected P&L per share, the credit's units) or
``risk_adjusted_return`` (E / |CVaR95|). Every combination is evaluated on the same paths, so
the result also reports, per combination, the paired difference to the best one and whether
it is statistically indistinguishable (``|diff| < 1.96 se``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay.fills import FillModel
from tailkit.overlay.grid import ExitGrid, ExitGridResult, evaluate_exit_grid
from tailkit.overlay.metrics import Z_95
from tailkit.overlay.model import OverlayCalibration
from tailkit.overlay.simulation import Shocks, SimulationSettings
from tailkit.overlay.spreads import CreditSpread

__all__ = ["RiskBudget", "ExitOptimization", "optimize_exits", "RANKING_METRICS", "SPREAD_TYPE_NAMES"]

RANKING_METRICS: tuple[str, ...] = ("expected_return", "risk_adjusted_return")

#: the document's ``spread.type`` (the original tool's names) for a spread kind
SPREAD_TYPE_NAMES: dict[str, str] = {"put": "bull_put", "call": "bear_call"}


@dataclass(frozen=True, slots=True)
class RiskBudget:
    """The risk budget mapped to a per-spread CVaR limit (see the module docstring).

    Attributes
    ----------
    risk_budget : float or None
        Largest CVaR95 loss per $ of NAV (None: no CVaR constraint).
    allocation : float
        Fraction of NAV at maximum loss.
    max_loss : float
        Maximum loss per share.
    cvar_limit : float
        Largest acceptable ``|cvar_95|`` per share (``inf`` without a budget).
    """

    risk_budget: float | None
    allocation: float
    max_loss: float
    cvar_limit: float

    def describe(self) -> str:
        """One paragraph explaining the mapping with the numbers."""
        if self.risk_budget is None:
            return "no CVaR constraint (no risk budget given)"
        text = (
            f"risk budget {self.risk_budget:.3%} of NAV (CVaR95 loss of one trade); with {self.allocation:.2%} of "
            f"NAV at maximum loss ({self.max_loss:.4f}/share), per-spread CVaR95 loss limit = "
            f"{self.risk_budget:g} / {self.allocation:g} x {self.max_loss:.4f} = {self.cvar_limit:.4f}/share"
        )
        if self.cvar_limit >= self.max_loss:
            text += " (>= the maximum loss: the CVaR constraint cannot bind)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "risk_budget": self.risk_budget,
            "allocation": self.allocation,
            "max_loss": self.max_loss,
            "cvar_limit": self.cvar_limit,
        }


@dataclass(frozen=True, slots=True)
class ExitOptimization:
    """Result of :func:`optimize_exits`.

    Attributes
    ----------
    grid : ExitGridResult
        Statistics of every combination.
    ranking_metric : str
        ``expected_return`` or ``risk_adjusted_return``.
    min_pop : float
        POP constraint.
    budget : RiskBudget
        The CVaR constraint.
    best : int or None
        Row of the best passing combination (None when none passes).
    binding : str
        When nothing passes: which constraint binds and by how much (else "").
    paired_mean, paired_se : ndarray of shape (n_combos,)
        Per-path P&L difference to the best (or, when none passes, to the unconstrained best).
    """

    grid: ExitGridResult
    ranking_metric: str
    min_pop: float
    budget: RiskBudget
    best: int | None
    binding: str
    paired_mean: np.ndarray
    paired_se: np.ndarray

    @property
    def n_evaluated(self) -> int:
        """Combinations evaluated."""
        return len(self.grid.rules)

    @property
    def n_passing(self) -> int:
        """Combinations meeting both constraints."""
        return int(self._passes().sum())

    def _passes(self) -> np.ndarray:
        pop = self.grid.stats[:, 2]
        cvar = self.grid.stats[:, 3]
        return (pop >= self.min_pop) & (-cvar <= self.budget.cvar_limit)

    def to_frame(self) -> pd.DataFrame:
        """Every combination, ranked: passing first by the metric; constraint flags and paired tests.

        ``combo`` is the combination's row in ``grid.rules`` (profit target slowest, DTE fastest).
        """
        frame = self.grid.to_frame()
        frame["combo"] = np.arange(len(frame))  # row of the combination in ``grid.rules``
        frame["expected_return"] = frame["expected_pnl"]
        frame["passes_min_pop"] = frame["pop"] >= self.min_pop
        frame["passes_cvar"] = -frame["cvar_95"] <= self.budget.cvar_limit
        frame["passes"] = frame["passes_min_pop"] & frame["passes_cvar"]
        frame["diff_vs_best"] = self.paired_mean
        frame["se_diff_vs_best"] = self.paired_se
        with np.errstate(divide="ignore", invalid="ignore"):
            same = np.abs(self.paired_mean) < Z_95 * self.paired_se
        frame["indistinguishable_from_best"] = same | (self.paired_mean == 0.0)
        metric = frame[self.ranking_metric].replace([np.inf], np.finfo(float).max)
        order = np.lexsort((-metric.to_numpy(), ~frame["passes"].to_numpy()))
        frame = frame.iloc[order].reset_index(drop=True)
        frame.insert(0, "rank", np.where(frame["passes"], np.arange(1, len(frame) + 1), 0))
        return frame

    def to_dict(self) -> dict[str, Any]:
        """The ``optimal_params.json`` document (required keys first)."""
        terms = self.grid.marked.terms
        sp = self.grid.marked.spread
        best_params = None
        best_result = None
        if self.best is not None:
            best_params = self.grid.rules[self.best].to_dict()
            m = self.grid.metrics(self.best)
            best_result = {
                "expected_return": m.expected_pnl,
                "cvar_95": m.cvar_95,
                "pop": m.pop,
                "risk_adjusted_return": m.risk_adjusted_return,
                "avg_days_held": m.avg_days_held,
                "se_expected_return": m.se_expected_pnl,
                "se_pop": m.se_pop,
                "kelly": m.kelly,
                "profit_factor": m.profit_factor,
                "sortino": m.sortino,
                "assignment_risk": m.assignment_risk,
                "exit_reasons": {
                    "profit_target": m.exit_profit_target,
                    "loss_limit": m.exit_loss_limit,
                    "dte_threshold": m.exit_dte_threshold,
                    "expiration": m.exit_expiration,
                },
            }
        frame = self.to_frame()
        tied = (
            frame[frame["passes"] & frame["indistinguishable_from_best"]]
            if self.best is not None
            else frame[:0]
        )
        return {
            "spread": {
                "type": SPREAD_TYPE_NAMES[sp.kind],
                "short_strike": sp.short_strike,
                "long_strike": sp.long_strike,
                "expiration_days": sp.expiration_days,
            },
            "initial_credit": terms.credit,
            "best_params": best_params,
            "best_result": best_result,
            "n_evaluated": self.n_evaluated,
            "n_passing": self.n_passing,
            "ranking_metric": self.ranking_metric,
            "min_pop": self.min_pop,
            "risk": self.budget.to_dict(),
            "binding_constraint": self.binding or None,
            "n_indistinguishable_from_best": len(tied),
            "n_paths": self.grid.n_paths,
            "units": "P&L, credit and CVaR in $ per share (x100 per contract); days are trading days",
        }


def _binding(stats: np.ndarray, min_pop: float, limit: float) -> str:
    pop = stats[:, 2]
    loss = -stats[:, 3]
    pop_ok = pop >= min_pop
    cvar_ok = loss <= limit
    parts = []
    if not pop_ok.any():
        parts.append(
            f"min POP binds: the best POP is {pop.max():.4f} < {min_pop:.4f} (short by {min_pop - pop.max():.4f})"
        )
    if not cvar_ok.any():
        parts.append(
            f"CVaR limit binds: the smallest CVaR95 loss is {loss.min():.4f} > limit {limit:.4f} "
            f"(over by {loss.min() - limit:.4f}/share, {loss.min() / limit - 1:.1%})"
        )
    if pop_ok.any() and cvar_ok.any():
        parts.append(
            "the constraints bind jointly: among sets with POP >= min the smallest CVaR95 loss is "
            f"{loss[pop_ok].min():.4f} > limit {limit:.4f} (over by {loss[pop_ok].min() - limit:.4f}); "
            f"among sets within the CVaR limit the best POP is {pop[cvar_ok].max():.4f} < {min_pop:.4f} "
            f"(short by {min_pop - pop[cvar_ok].max():.4f})"
        )
    return "; ".join(parts)


def optimize_exits(
    calibration: OverlayCalibration,
    spread: CreditSpread,
    *,
    grid: ExitGrid | None = None,
    min_pop: float = 0.70,
    risk_budget: float | None = None,
    allocation: float = 0.05,
    ranking_metric: str = "expected_return",
    settings: SimulationSettings | None = None,
    fills: FillModel | None = None,
    shocks: Shocks | None = None,
) -> ExitOptimization:
    """Grid-search exit rules maximizing ``ranking_metric`` subject to min POP and the CVaR budget.

    Parameters
    ----------
    calibration : OverlayCalibration
        The model.
    spread : CreditSpread
        The trade (e.g. from :func:`~tailkit.overlay.spread_from_delta`).
    grid : ExitGrid, optional
        Combinations (default 5 profit targets × 4 loss multiples × 5 DTE thresholds).
    min_pop : float, default=0.70
        Lowest acceptable POP.
    risk_budget : float, optional
        Largest CVaR95 loss of one trade per $ of NAV (default None: no CVaR constraint).
    allocation : float, default=0.05
        Fraction of NAV at maximum loss (position size), in (0, 1].
    ranking_metric : {"expected_return", "risk_adjusted_return"}, default="expected_return"
        Statistic maximized.
    settings : SimulationSettings, optional
        Paths, seed, rates.
    fills : FillModel, optional
        Costs.
    shocks : Shocks, optional
        Pre-drawn shocks.

    Returns
    -------
    ExitOptimization

    Examples
    --------
    >>> spread = spread_from_delta(cal, "put", 0.20, 3, 45)  # doctest: +SKIP
    >>> opt = optimize_exits(cal, spread)  # doctest: +SKIP
    >>> opt.to_dict()["best_params"]  # doctest: +SKIP
    """
    if ranking_metric not in RANKING_METRICS:
        raise ParameterError(
            describe_bad_value("ranking_metric", ranking_metric, " or ".join(RANKING_METRICS))
        )
    if not 0.0 <= float(min_pop) <= 1.0:
        raise ParameterError(describe_bad_value("min_pop", min_pop, "a probability in [0, 1]"))
    if risk_budget is not None and not (math.isfinite(float(risk_budget)) and float(risk_budget) > 0):
        raise ParameterError(describe_bad_value("risk_budget", risk_budget, "a loss per $ of NAV > 0"))
    if not 0.0 < float(allocation) <= 1.0:
        raise ParameterError(describe_bad_value("allocation", allocation, "a fraction of NAV in (0, 1]"))
    res = evaluate_exit_grid(
        calibration, spread, grid or ExitGrid(), settings=settings, fills=fills, shocks=shocks
    )
    terms = res.marked.terms
    max_loss = spread.width - terms.max_profit
    if risk_budget is None:
        budget = RiskBudget(None, float(allocation), max_loss, math.inf)
    else:
        budget = RiskBudget(
            float(risk_budget), float(allocation), max_loss, float(risk_budget) / float(allocation) * max_loss
        )
    stats = res.stats
    metric = (
        stats[:, 0]
        if ranking_metric == "expected_return"
        else np.array([res.metrics(i).risk_adjusted_return for i in range(len(res.rules))])
    )
    passes = (stats[:, 2] >= min_pop) & (-stats[:, 3] <= budget.cvar_limit)
    metric_rank = np.where(np.isnan(metric), -np.inf, metric)
    if passes.any():
        ref = int(np.flatnonzero(passes)[np.argmax(metric_rank[passes])])
        best: int | None = ref
        binding = ""
    else:
        best = None
        binding = _binding(stats, float(min_pop), budget.cvar_limit)
        ref = int(np.argmax(metric_rank))
    mean, se = res.paired_vs(ref)
    return ExitOptimization(res, ranking_metric, float(min_pop), budget, best, binding, mean, se)
