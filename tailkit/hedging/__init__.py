"""Hedge programs (puts, put spreads, collars, VIX calls): cost, protection and effectiveness.

* :mod:`~tailkit.hedging.programs` — the program dataclasses and their compilation;
* :mod:`~tailkit.hedging.surface` — the implied-vol surface from the path state, the VIX
  future and option (Black-76), fill costs;
* :mod:`~tailkit.hedging.marking` — daily marking of every program on every path (one kernel);
* :mod:`~tailkit.hedging.simulated` / :mod:`~tailkit.hedging.history` — the markets: simulated
  paths with their vol index, or the S&P 500 with VIX (GARCH x VRP proxy before 2014);
* :mod:`~tailkit.hedging.measures`, :mod:`~tailkit.hedging.history_eval`,
  :mod:`~tailkit.hedging.framing` — cost, protection, effectiveness, frontier, crisis windows
  and Greeks attribution, the framing comparison.

Options are European and cash settled (SPX and VIX options are); early exercise is ignored.
"""

from tailkit.hedging.framing import (
    FramingComparison,
    FramingRow,
    HistoryFramingComparison,
    HistoryFramingRow,
    compare_framings,
    compare_framings_history,
    risk_matched_weight,
    risk_matched_weight_history,
)
from tailkit.hedging.history import (
    CRISIS_WINDOWS,
    CrisisWindow,
    ImpliedVolPath,
    bundled_history,
    fit_log_ou,
    fit_vrp_ratio,
    garch_vol_forecast,
    history_market,
    implied_vol_path,
)
from tailkit.hedging.history_eval import (
    CrisisResult,
    HistoryEvaluation,
    HistoryMetrics,
    LegAttribution,
    attribute_window,
    evaluate_history,
)
from tailkit.hedging.marking import STAT_NAMES, HedgeMarket, MarkedPrograms, mark_programs
from tailkit.hedging.measures import (
    EFFECTIVENESS_TARGET,
    Estimate,
    ProgramEvaluation,
    ProgramMetrics,
    cvar,
    cvar_difference,
    evaluate_marked,
    hedge_effectiveness,
    mean_difference,
    pareto_mask,
)
from tailkit.hedging.programs import (
    MONTH_DAYS,
    Collar,
    CombinedProgram,
    HedgeProgram,
    NoHedge,
    ProgramTable,
    ProtectivePut,
    PutSpread,
    RatioSpread,
    VixCall,
    compile_programs,
    program_label,
)
from tailkit.hedging.simulated import simulate_market, target_path, vix_model_for
from tailkit.hedging.surface import FillCosts, VixModel, VolSurface, implied_vol, vix_future, vix_option_value

__all__ = [
    "CRISIS_WINDOWS",
    "EFFECTIVENESS_TARGET",
    "MONTH_DAYS",
    "STAT_NAMES",
    "Collar",
    "CombinedProgram",
    "CrisisResult",
    "CrisisWindow",
    "Estimate",
    "FillCosts",
    "FramingComparison",
    "FramingRow",
    "HedgeMarket",
    "HedgeProgram",
    "HistoryEvaluation",
    "HistoryMetrics",
    "ImpliedVolPath",
    "LegAttribution",
    "MarkedPrograms",
    "NoHedge",
    "ProgramEvaluation",
    "ProgramMetrics",
    "ProgramTable",
    "ProtectivePut",
    "PutSpread",
    "RatioSpread",
    "VixCall",
    "VixModel",
    "VolSurface",
    "attribute_window",
    "bundled_history",
    "compare_framings",
    "compare_framings_history",
    "HistoryFramingComparison",
    "HistoryFramingRow",
    "risk_matched_weight_history",
    "compile_programs",
    "cvar",
    "cvar_difference",
    "evaluate_history",
    "evaluate_marked",
    "fit_log_ou",
    "fit_vrp_ratio",
    "garch_vol_forecast",
    "hedge_effectiveness",
    "history_market",
    "implied_vol",
    "implied_vol_path",
    "mark_programs",
    "mean_difference",
    "pareto_mask",
    "program_label",
    "risk_matched_weight",
    "simulate_market",
    "target_path",
    "vix_future",
    "vix_model_for",
    "vix_option_value",
]
