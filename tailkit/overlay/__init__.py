"""The TLT credit-spread income overlay: calibrate, simulate, exit, evaluate, optimize, size.

Workflow: :func:`calibrate_overlay` fits the bivariate Vasicek 20y/30y yields, the TLT
regression on yields and a volatility model (:class:`OverlayCalibration`, JSON via
:func:`write_calibration` / :func:`read_calibration`); :func:`mark_paths` simulates TLT and
marks a :class:`CreditSpread` every day with Black-Scholes; :class:`ExitRules` close it (first
trigger wins); :func:`evaluate_exit_grid` evaluates a grid of exit rules on one fast kernel;
:class:`StrategyMetrics` hold POP, E[P&L], CVaR95, Kelly and their Monte Carlo errors;
:func:`evaluate` / :func:`evaluate_market` screen spreads (model IV / a chain at bid/ask, with
Kelly sizing) and :func:`optimize_exits` searches exit rules under a POP floor and a CVaR
risk budget.

What the model ignores: TLT options are American (early exercise is reported as
``assignment_risk``, not priced), TLT's discrete monthly distributions (a continuous
``dividend_yield`` stands in), intraday moves (rules are checked on daily marks; gaps are
taken at the next mark), changes of the bid-ask spread with stress, and pin risk.
"""

from tailkit.overlay.calibration import calibrate_overlay, vol_from_chain
from tailkit.overlay.evaluate import ScreenedSpread, ScreeningResult, evaluate, evaluate_market
from tailkit.overlay.exits import (
    EXIT_REASONS,
    ExitOutcome,
    ExitRules,
    ExitSignal,
    apply_exit_rules,
    exit_signal,
)
from tailkit.overlay.fills import FillModel
from tailkit.overlay.grid import ExitGrid, ExitGridResult, evaluate_exit_grid, evaluate_marked
from tailkit.overlay.mean_reversion import KAPPA_ESTIMATORS, MeanReversionFit
from tailkit.overlay.metrics import (
    PairedDifference,
    StrategyMetrics,
    kelly_fraction,
    paired_difference,
    strategy_metrics,
)
from tailkit.overlay.model import (
    CurrentValues,
    OverlayCalibration,
    OverlayFitWarning,
    TLTRegression,
    VolModel,
    read_calibration,
    write_calibration,
)
from tailkit.overlay.optimize import RANKING_METRICS, ExitOptimization, RiskBudget, optimize_exits
from tailkit.overlay.simulation import (
    EntryTerms,
    MarkedPaths,
    OverlayPaths,
    Shocks,
    SimulationSettings,
    draw_shocks,
    entry_terms,
    mark_paths,
    mark_spread_reference,
    simulate_overlay,
)
from tailkit.overlay.sizing import PositionSize, SizingRules, kelly_contracts
from tailkit.overlay.spreads import CreditSpread, spread_from_delta

__all__ = [
    "EXIT_REASONS",
    "KAPPA_ESTIMATORS",
    "MeanReversionFit",
    "RANKING_METRICS",
    "ExitOptimization",
    "PositionSize",
    "RiskBudget",
    "ScreenedSpread",
    "ScreeningResult",
    "SizingRules",
    "evaluate",
    "evaluate_market",
    "kelly_contracts",
    "optimize_exits",
    "CreditSpread",
    "CurrentValues",
    "EntryTerms",
    "ExitGrid",
    "ExitGridResult",
    "ExitOutcome",
    "ExitRules",
    "ExitSignal",
    "FillModel",
    "MarkedPaths",
    "OverlayCalibration",
    "OverlayFitWarning",
    "OverlayPaths",
    "PairedDifference",
    "Shocks",
    "SimulationSettings",
    "StrategyMetrics",
    "TLTRegression",
    "VolModel",
    "apply_exit_rules",
    "calibrate_overlay",
    "draw_shocks",
    "entry_terms",
    "evaluate_exit_grid",
    "evaluate_marked",
    "exit_signal",
    "kelly_fraction",
    "mark_paths",
    "mark_spread_reference",
    "paired_difference",
    "read_calibration",
    "simulate_overlay",
    "spread_from_delta",
    "strategy_metrics",
    "vol_from_chain",
    "write_calibration",
]
