"""The backtest engine, the static and regime strategies, protections and the event log.

* :mod:`~tailkit.backtest.engine`: :func:`run_backtest` (numba kernel in ``_kernels.py``),
  :class:`EngineParams`, :class:`BacktestResult`;
* :mod:`~tailkit.backtest.schedule`: :func:`decision_bars` (daily, weekly, monthly, every n, threshold);
* :mod:`~tailkit.backtest.static`: :func:`run_static` (fixed, equal, inverse-volatility weights);
* :mod:`~tailkit.backtest.hedge_overlay`: :func:`apply_hedge_overlay` (a :mod:`tailkit.hedging`
  program riding on a NAV);
* :mod:`~tailkit.backtest.detection`: causal regimes, confidence, stability, transitions;
* :mod:`~tailkit.backtest.scoring`, :mod:`~tailkit.backtest.sizing`, :mod:`~tailkit.backtest.buckets`;
* :mod:`~tailkit.backtest.protections`: the protection rules and their orchestrator;
* :mod:`~tailkit.backtest.events`: the SQLite event log;
* :mod:`~tailkit.backtest.config`: :class:`RegimeStrategyParams`, tiers, presets, files;
* :mod:`~tailkit.backtest.strategy`: :func:`run_regime_strategy`;
* :mod:`~tailkit.backtest.audit`: :func:`audit_lookahead`.
"""

from tailkit.backtest.audit import AuditResult, audit_lookahead
from tailkit.backtest.buckets import DEFAULT_BUCKET_NAMES, check_buckets, load_buckets, select_buckets
from tailkit.backtest.config import (
    PRESETS,
    TIER_NAMES,
    TIERS,
    RegimeStrategyParams,
    load_config,
    preset,
    save_config,
    tier_fields,
)
from tailkit.backtest.detection import (
    REGIME_NAMES,
    RegimeDetectionParams,
    RegimeTimeline,
    Transition,
    detect_regimes,
    name_regimes,
    transition_severity,
)
from tailkit.backtest.engine import BacktestResult, EngineParams, as_price_panel, run_backtest
from tailkit.backtest.events import EVENT_TYPES, Event, EventLog
from tailkit.backtest.hedge_overlay import (
    HEDGE_PROGRAMS,
    HedgeOverlayParams,
    HedgeOverlayResult,
    apply_hedge_overlay,
    path_vol,
)
from tailkit.backtest.protections import (
    ActionRequest,
    AssetState,
    Decision,
    Orchestrator,
    ProtectionSettings,
    default_orchestrator,
)
from tailkit.backtest.schedule import SCHEDULES, decision_bars
from tailkit.backtest.scoring import INDICATORS, TechnicalScores, combine_scores, technical_scores
from tailkit.backtest.sizing import two_stage_weights
from tailkit.backtest.static import StaticParams, inverse_vol_targets, run_static, static_targets
from tailkit.backtest.strategy import RegimeBacktestResult, market_index, run_regime_strategy

__all__ = [
    "DEFAULT_BUCKET_NAMES",
    "EVENT_TYPES",
    "HEDGE_PROGRAMS",
    "INDICATORS",
    "PRESETS",
    "REGIME_NAMES",
    "SCHEDULES",
    "TIERS",
    "TIER_NAMES",
    "ActionRequest",
    "AssetState",
    "AuditResult",
    "BacktestResult",
    "Decision",
    "EngineParams",
    "Event",
    "EventLog",
    "HedgeOverlayParams",
    "HedgeOverlayResult",
    "Orchestrator",
    "ProtectionSettings",
    "RegimeBacktestResult",
    "RegimeDetectionParams",
    "RegimeStrategyParams",
    "RegimeTimeline",
    "StaticParams",
    "TechnicalScores",
    "Transition",
    "apply_hedge_overlay",
    "as_price_panel",
    "audit_lookahead",
    "check_buckets",
    "combine_scores",
    "decision_bars",
    "default_orchestrator",
    "detect_regimes",
    "inverse_vol_targets",
    "load_buckets",
    "load_config",
    "market_index",
    "name_regimes",
    "path_vol",
    "preset",
    "run_backtest",
    "run_regime_strategy",
    "run_static",
    "save_config",
    "select_buckets",
    "static_targets",
    "technical_scores",
    "tier_fields",
    "transition_severity",
    "two_stage_weights",
]
