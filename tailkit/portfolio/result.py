"""Named results of the optimizers: one portfolio, or a frontier of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._tail import tail_risk
from tailkit._typing import Float1D, Float2D
from tailkit.portfolio._solvers import SolverOutput
from tailkit.portfolio.inputs import PortfolioInputs

__all__ = ["PortfolioResult", "FrontierResult", "scenario_cvar", "risk_contributions", "build_result"]


def scenario_cvar(losses: Float1D, confidence: float) -> float:
    """Conditional value at risk of equally likely losses (Rockafellar-Uryasev).

    ``CVaR_c = min_z z + E[(L - z)⁺] / (1 - c)``, which for ``S`` scenarios and
    ``t = (1 - c) S`` equals the mean of the ``t`` largest losses, the ``⌊t⌋ + 1``-th counted
    with weight ``t - ⌊t⌋`` — the optimum of the minimum-CVaR linear program. This is the ES of
    tailkit's one tail kernel (:func:`tailkit._tail.tail_risk`, Acerbi-Tasche).

    Parameters
    ----------
    losses : ndarray of shape (n_scenarios,)
        Losses (negative returns), decimals.
    confidence : float
        VaR level in (0, 1), e.g. 0.95.

    Returns
    -------
    float
        CVaR, a loss (positive is bad).
    """
    return tail_risk(losses, confidence=confidence).es


def risk_contributions(weights: Float1D, cov: Float2D) -> Float1D:
    """Shares of portfolio variance ``w_i (Σw)_i / wᵀΣw`` (sum to one; NaN at zero variance).

    Parameters
    ----------
    weights : ndarray of shape (n_assets,)
        Weights.
    cov : ndarray of shape (n_assets, n_assets)
        Covariance.

    Returns
    -------
    ndarray of shape (n_assets,)
    """
    w = np.asarray(weights, dtype=np.float64)
    m = cov @ w
    var = float(w @ m)
    if var <= 0.0:
        return np.full(w.shape, np.nan)
    return w * m / var


@dataclass(frozen=True, slots=True)
class PortfolioResult:
    """One optimized portfolio.

    Attributes
    ----------
    weights : Series of shape (n_assets,)
        Risky-asset weights, fractions of NAV, indexed by asset.
    risk_contributions : Series of shape (n_assets,)
        Shares of portfolio variance (sum to one).
    expected_return : float
        ``μᵀw + r_f · cash − cost``, decimal per year, net of transaction costs.
    volatility : float
        ``√(wᵀΣw)``, decimal per year.
    cvar : float
        CVaR of the scenario losses (net of costs) at ``cvar_alpha``, decimal per scenario
        period; NaN without scenarios.
    cvar_alpha : float
        Confidence level of ``cvar``.
    cash : float
        ``1 - sum(weights)``.
    turnover : float
        ``sum(|w - current|)``.
    cost : float
        Transaction cost paid, fraction of NAV.
    objective : str
        What was optimized (``"min_variance"``, ``"max_sharpe"``, ``"min_cvar"``, ...).
    objective_value : float
        Optimal objective value in the objective's own units.
    status : str
        Solver status (``"Solved"``, ``"optimal"``, ``"converged"``).
    solver : str
        Which solver produced the weights.
    iterations : int
        Solver iterations.
    """

    weights: pd.Series
    risk_contributions: pd.Series
    expected_return: float
    volatility: float
    cvar: float
    cvar_alpha: float
    cash: float
    turnover: float
    cost: float
    objective: str
    objective_value: float
    status: str
    solver: str
    iterations: int

    @property
    def sharpe(self) -> float:
        """Expected return over volatility (no risk-free rate subtracted)."""
        return self.expected_return / self.volatility if self.volatility > 0 else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """Per-asset table: ``weight`` and ``risk_contribution``, indexed by asset."""
        return pd.DataFrame({"weight": self.weights, "risk_contribution": self.risk_contributions})

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers and weights as plain Python values (JSON-friendly)."""
        return {
            "objective": self.objective,
            "objective_value": self.objective_value,
            "expected_return": self.expected_return,
            "volatility": self.volatility,
            "cvar": self.cvar,
            "cvar_alpha": self.cvar_alpha,
            "cash": self.cash,
            "turnover": self.turnover,
            "cost": self.cost,
            "status": self.status,
            "solver": self.solver,
            "iterations": self.iterations,
            "weights": {str(k): float(v) for k, v in self.weights.items()},
        }


@dataclass(frozen=True, slots=True)
class FrontierResult:
    """A frontier: one optimized portfolio per target.

    Attributes
    ----------
    risk_measure : str
        ``"variance"``, ``"semivariance"`` or ``"cvar"``.
    targets : ndarray of shape (n_points,)
        Target expected returns (decimal per year), increasing.
    portfolios : tuple of PortfolioResult
        The optimum at each target.
    risk : ndarray of shape (n_points,)
        The frontier's risk measure at each point: volatility (per year), semi-deviation
        (per period) or CVaR (per period).
    """

    risk_measure: str
    targets: Float1D
    portfolios: tuple[PortfolioResult, ...]
    risk: Float1D

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per point: target, expected_return, volatility, cvar, risk and the weights."""
        rows = []
        for t, p, r in zip(self.targets, self.portfolios, self.risk):
            row = {
                "risk_measure": self.risk_measure,
                "target_return": float(t),
                "expected_return": p.expected_return,
                "volatility": p.volatility,
                "cvar": p.cvar,
                "risk": float(r),
            }
            row.update({f"w_{k}": float(v) for k, v in p.weights.items()})
            rows.append(row)
        return pd.DataFrame(rows)

    def weights(self) -> pd.DataFrame:
        """Weights, one row per point (indexed by target return), one column per asset."""
        return pd.DataFrame(
            [p.weights for p in self.portfolios], index=pd.Index(self.targets, name="target_return")
        )


def build_result(
    inputs: PortfolioInputs,
    x: Float1D,
    *,
    model: Any,
    objective: str,
    objective_value: float,
    out: SolverOutput | None = None,
    status: str | None = None,
    solver: str | None = None,
    iterations: int | None = None,
    risk_free: float = 0.0,
    cvar_alpha: float = 0.95,
) -> PortfolioResult:
    """Wrap a solution vector ``x = [w, ...]`` into a :class:`PortfolioResult`.

    Parameters
    ----------
    inputs : PortfolioInputs
        The problem's inputs.
    x : ndarray of shape (n_vars,) or (n_assets,)
        Solution; the first ``n_assets`` entries are the weights.
    model : LinearModel or None
        Compiled constraints (for costs and turnover).
    objective : str
        Objective name.
    objective_value : float
        Optimal value.
    out : SolverOutput, optional
        Solver output (status, solver, iterations) unless given separately.
    status, solver : str, optional
        Override the solver status / name.
    iterations : int, optional
        Override the iteration count.
    risk_free : float, default=0.0
        Return of cash, decimal per year.
    cvar_alpha : float, default=0.95
        Confidence level of the reported CVaR.

    Returns
    -------
    PortfolioResult
    """
    n = inputs.n_assets
    w = np.asarray(x[:n], dtype=np.float64).copy()
    w[np.abs(w) < 1e-12] = 0.0
    current = model.current if model is not None else np.zeros(n)
    trade = np.abs(w - current)
    cost_rate = model.cost[model.d_slice] if model is not None and model.d_slice is not None else np.zeros(n)
    cost = float(cost_rate @ trade)
    cash = 1.0 - float(w.sum())
    er = float(inputs.mu @ w) + risk_free * cash - cost
    vol = float(np.sqrt(max(float(w @ inputs.cov @ w), 0.0)))
    cvar = float("nan")
    if inputs.scenarios is not None:
        per_period_rf = risk_free / inputs.periods_per_year
        cvar = scenario_cvar(-(inputs.scenarios @ w) - per_period_rf * cash + cost, cvar_alpha)
    idx = pd.Index(inputs.assets, name="asset")
    return PortfolioResult(
        weights=pd.Series(w, index=idx, name="weight"),
        risk_contributions=pd.Series(risk_contributions(w, inputs.cov), index=idx, name="risk_contribution"),
        expected_return=er,
        volatility=vol,
        cvar=cvar,
        cvar_alpha=cvar_alpha,
        cash=cash,
        turnover=float(trade.sum()),
        cost=cost,
        objective=objective,
        objective_value=float(objective_value),
        status=status if status is not None else (out.status if out is not None else "converged"),
        solver=solver if solver is not None else (out.solver if out is not None else "closed form"),
        iterations=iterations if iterations is not None else (out.iterations if out is not None else 0),
    )
