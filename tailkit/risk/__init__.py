"""Risk engine: VaR/ES with contributions, backtests, stress tests, limits, concentration, liquidity, forecasts, performance analytics.

Losses (VaR, ES, stress P&L) are in the units of the position values you pass; VaR and ES
are positive numbers, stress P&L is signed. Every VaR and ES in tailkit follows one
convention and one kernel, :mod:`tailkit._tail` (re-exported here as :func:`tail_risk` and
:class:`TailRisk`): losses positive, ``confidence`` the VaR level, VaR the
``ceil(n (1 - confidence))``-th largest loss, ES the Acerbi-Tasche tail mean. Performance metrics follow empyrical's
conventions (see :mod:`tailkit.risk.metrics`).
"""

from __future__ import annotations

from tailkit._tail import TailRisk, tail_risk
from tailkit.risk.backtest import (
    VaRBacktest,
    backtest_var,
    christoffersen_independence,
    kupiec_pof,
    rolling_var_forecast,
)
from tailkit.risk.concentration import (
    DEFAULT_CONCENTRATION_LIMITS,
    ConcentrationReport,
    concentration_report,
    effective_number,
    herfindahl,
)
from tailkit.risk.forecast import (
    FORECAST_MODELS,
    ForecastEvaluation,
    crps_sample,
    diebold_mariano,
    evaluate_forecasts,
    forecast_distribution,
    newey_west_se,
)
from tailkit.risk.limits import (
    DEFAULT_SCHEDULE,
    LimitBreach,
    LimitReport,
    VolRegimeSchedule,
    check_limits,
    drawdown_protection,
    dynamic_limits,
    realized_vol,
    vol_target_leverage,
)
from tailkit.risk.liquidity import (
    LiquidityReport,
    average_daily_value,
    corwin_schultz_spread,
    days_to_liquidate,
    exogenous_liquidity_cost,
    impact_cost,
    liquidity_report,
    quote_spreads,
)
from tailkit.risk.metrics import (
    BENCHMARK_METRICS,
    METRICS,
    PerformanceReport,
    drawdown_series,
    performance_report,
    rolling_metrics,
)
from tailkit.risk.revaluation import OptionBook, RevaluationResult, book_var_es, full_revaluation
from tailkit.risk.stress import (
    HISTORICAL_WINDOWS,
    STANDARD_SHOCKS,
    FactorShock,
    StressResult,
    StressWindow,
    bundled_factor_changes,
    crisis_mask_from_vol,
    crisis_regime_params,
    estimate_factor_betas,
    factor_stress,
    historical_stress,
    monte_carlo_stress,
    regime_monte_carlo_stress,
    stress_table,
)
from tailkit.risk.var import (
    HistoricalVaRArrays,
    VaRResult,
    compare_var_es,
    historical_var_es_arrays,
    overlapping_returns,
    scenario_var_es,
    var_es,
)

__all__ = [
    "BENCHMARK_METRICS",
    "DEFAULT_CONCENTRATION_LIMITS",
    "DEFAULT_SCHEDULE",
    "FORECAST_MODELS",
    "HISTORICAL_WINDOWS",
    "METRICS",
    "STANDARD_SHOCKS",
    "ConcentrationReport",
    "FactorShock",
    "ForecastEvaluation",
    "HistoricalVaRArrays",
    "LimitBreach",
    "LimitReport",
    "LiquidityReport",
    "OptionBook",
    "PerformanceReport",
    "RevaluationResult",
    "StressResult",
    "StressWindow",
    "TailRisk",
    "VaRBacktest",
    "VaRResult",
    "VolRegimeSchedule",
    "average_daily_value",
    "backtest_var",
    "book_var_es",
    "bundled_factor_changes",
    "check_limits",
    "christoffersen_independence",
    "compare_var_es",
    "concentration_report",
    "corwin_schultz_spread",
    "crisis_mask_from_vol",
    "crisis_regime_params",
    "crps_sample",
    "days_to_liquidate",
    "diebold_mariano",
    "drawdown_protection",
    "drawdown_series",
    "dynamic_limits",
    "effective_number",
    "estimate_factor_betas",
    "evaluate_forecasts",
    "exogenous_liquidity_cost",
    "factor_stress",
    "forecast_distribution",
    "full_revaluation",
    "herfindahl",
    "historical_stress",
    "historical_var_es_arrays",
    "impact_cost",
    "kupiec_pof",
    "liquidity_report",
    "monte_carlo_stress",
    "newey_west_se",
    "overlapping_returns",
    "performance_report",
    "quote_spreads",
    "realized_vol",
    "regime_monte_carlo_stress",
    "rolling_metrics",
    "rolling_var_forecast",
    "scenario_var_es",
    "stress_table",
    "tail_risk",
    "var_es",
    "vol_target_leverage",
]
