"""Portfolio construction: optimizers, constraints, estimators, frontiers and rebalancing.

Build :class:`PortfolioInputs` from returns (sample / Ledoit-Wolf / EWMA covariance), moments
or scenarios, state the rules in :class:`Constraints`, call an optimizer, read a
:class:`PortfolioResult`. The loss-averse investor's optimizer lives in :mod:`tailkit.behavioral`.
"""

from tailkit.portfolio.black_litterman import BlackLittermanResult, black_litterman, equilibrium_returns
from tailkit.portfolio.constraints import Constraints, Group, correlation_clusters
from tailkit.portfolio.downside import min_cvar, min_semivariance
from tailkit.portfolio.frontier import ParetoResult, RiskMeasure, efficient_frontier, pareto_frontier
from tailkit.portfolio.inputs import (
    CovarianceMethod,
    PortfolioInputs,
    ewma_covariance,
    ledoit_wolf_covariance,
    sample_covariance,
    scenarios_from_paths,
)
from tailkit.portfolio.loss_aversion import max_prospect_value
from tailkit.portfolio.mean_variance import (
    efficient_return,
    efficient_risk,
    max_sharpe,
    mean_variance,
    min_variance,
)
from tailkit.portfolio.rebalancing import RebalanceResult, rebalance
from tailkit.portfolio.result import FrontierResult, PortfolioResult, risk_contributions, scenario_cvar
from tailkit.portfolio.risk_budgeting import risk_budgeting, risk_parity

__all__ = [
    "BlackLittermanResult",
    "Constraints",
    "CovarianceMethod",
    "FrontierResult",
    "Group",
    "ParetoResult",
    "PortfolioInputs",
    "PortfolioResult",
    "RebalanceResult",
    "RiskMeasure",
    "black_litterman",
    "correlation_clusters",
    "efficient_frontier",
    "efficient_return",
    "efficient_risk",
    "equilibrium_returns",
    "ewma_covariance",
    "ledoit_wolf_covariance",
    "max_prospect_value",
    "max_sharpe",
    "mean_variance",
    "min_cvar",
    "min_semivariance",
    "min_variance",
    "pareto_frontier",
    "rebalance",
    "risk_budgeting",
    "risk_contributions",
    "risk_parity",
    "sample_covariance",
    "scenario_cvar",
    "scenarios_from_paths",
]
