"""Configuration of the regime strategy: one dataclass, tiers, presets, YAML/JSON files.

:class:`RegimeStrategyParams` is the single source of the strategy's parameters (range and
help of each field). It is flat, so a YAML/JSON file's keys are exactly its fields; the
field names group it (engine, selection, sizing, protections, detection, ``hedge_*`` the hedge
overlay), and :meth:`~RegimeStrategyParams.engine`, :meth:`~RegimeStrategyParams.detection`,
:meth:`~RegimeStrategyParams.protections` and :meth:`~RegimeStrategyParams.hedge_overlay` hand
each part its own parameter dataclass. The tiers show nested, growing subsets: ``basic`` (10
fields), ``intermediate`` (25), ``advanced`` (40) and ``expert`` (all 55: the last 15 are
rarely changed -- price impact, regime horizons, the override score, the residual rule and
the hedge overlay). Presets: ``conservative``, ``aggressive``, ``adaptive``, ``institutional``
(:data:`PRESETS`, changes from the defaults).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from tailkit.backtest.detection import RegimeDetectionParams
from tailkit.backtest.engine import EngineParams
from tailkit.backtest.hedge_overlay import HedgeOverlayParams
from tailkit.backtest.protections import ProtectionSettings
from tailkit.backtest.schedule import SCHEDULES
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import (
    atomic_write_text,
    param,
    param_like,
    parameters_from_dict,
    parameters_to_dict,
    validate,
)

__all__ = [
    "RegimeStrategyParams",
    "TIERS",
    "TIER_NAMES",
    "PRESETS",
    "tier_fields",
    "preset",
    "save_config",
    "load_config",
]

TIER_NAMES: tuple[str, ...] = ("basic", "intermediate", "advanced", "expert")


@dataclass(frozen=True, slots=True, kw_only=True)
class RegimeStrategyParams:
    """Every parameter of a regime backtest.

    Parameters
    ----------
    buckets : tuple of str, default=()
        Buckets to trade (names in the bucket file); empty = all.
    max_assets : int, default=8
        Maximum positions.
    rebalance_freq : str, default="weekly"
        Schedule: daily, weekly, monthly, every_n, threshold.
    min_score : float, default=0.6
        Score needed to open, and below which a held asset enters its grace period.
    technical_weight, fundamental_weight : float
        Score weights (renormalised; fundamentals missing -> technical only).
    enable_core_assets : bool, default=True
        Core asset management.
    cash, commission : float
        Starting cash and commission (fraction of traded notional).
    start_date, end_date : str
        ISO dates bounding the run ("" = the data's).
    hedge_program : {"none", "put", "put_spread", "collar"}, default="none"
        Hedge overlay riding on the NAV (:mod:`~tailkit.backtest.hedge_overlay`); the other
        ``hedge_*`` fields are the fields of :class:`~tailkit.backtest.HedgeOverlayParams`.
    The other fields are documented by their ``doc`` (``tailkit backtest config --tier expert``).
    """

    # basic
    buckets: tuple[str, ...] = param((), doc="buckets to trade (empty: all in the bucket file)")
    max_assets: int = param(8, ge=1, le=100, doc="maximum positions")
    rebalance_freq: str = param("weekly", choices=SCHEDULES, doc="rebalance schedule")
    min_score: float = param(0.6, ge=0.0, le=1.0, doc="score to open; below it a holding enters grace")
    technical_weight: float = param(0.6, ge=0.0, le=1.0, doc="weight of the technical score")
    fundamental_weight: float = param(0.4, ge=0.0, le=1.0, doc="weight of the fundamental score")
    enable_core_assets: bool = param(True, doc="core asset management")
    cash: float = param(100_000.0, gt=0.0, doc="starting cash, currency units")
    commission: float = param(0.001, ge=0.0, le=0.1, doc="commission, fraction of traded notional")
    start_date: str = param("", doc="first date (ISO; empty: first date of the data)")
    # intermediate
    end_date: str = param("", doc="last date (ISO; empty: last date of the data)")
    max_core_assets: int = param(3, ge=0, le=50, doc="maximum core assets")
    core_override_threshold: float = param(0.95, ge=0.0, le=1.0, doc="score that makes a holding core")
    core_expiry_days: int = param(90, ge=1, le=2520, doc="core status lasts this many bars")
    smart_diversification_overrides: int = param(2, ge=0, le=50, doc="bucket-limit overrides per rebalance")
    max_per_bucket: int = param(4, ge=1, le=100, doc="maximum positions per bucket")
    max_bucket_allocation: float = param(0.4, gt=0.0, le=1.0, doc="maximum weight per bucket")
    max_position: float = param(0.15, gt=0.0, le=1.0, doc="maximum weight per asset (stage 1 cap)")
    target_invested: float = param(0.95, gt=0.0, le=1.0, doc="invested weight after stage 2")
    grace_days: int = param(5, ge=0, le=63, doc="grace period, bars (0: close at once)")
    grace_decay: float = param(0.8, gt=0.0, le=1.0, doc="weight kept per bar of grace")
    min_holding_days: int = param(3, ge=0, le=252, doc="minimum holding period, bars")
    whipsaw_max_cycles: int = param(1, ge=1, le=100, doc="open->close cycles allowed per window")
    whipsaw_window: int = param(14, ge=1, le=252, doc="whipsaw window, bars")
    trend_threshold: float = param(0.7, ge=0.0, le=1.0, doc="trend confidence for the universe")
    # advanced
    n_regimes: int = param(3, ge=2, le=4, doc="fitted regimes K")
    train_bars: int = param(756, ge=126, le=20_000, doc="bars of the first regime fit (warm-up)")
    refit_bars: int = param(0, ge=0, le=20_000, doc="refit the regimes every n bars (0: never)")
    critical_confidence: float = param(0.8, ge=0.5, le=1.0, doc="confidence of a critical transition")
    override_days: int = param(5, ge=0, le=63, doc="bars a critical override stays in force")
    core_revoke_underperformance: float = param(
        0.15, gt=0.0, le=1.0, doc="revoke core when trailing its bucket by more than this"
    )
    exposure_goldilocks: float = param(1.0, ge=0.0, le=1.0, doc="invested multiplier in goldilocks")
    exposure_volatile_bull: float = param(1.0, ge=0.0, le=1.0, doc="invested multiplier in volatile bull")
    exposure_correction: float = param(0.7, ge=0.0, le=1.0, doc="invested multiplier in correction")
    exposure_crisis: float = param(0.4, ge=0.0, le=1.0, doc="invested multiplier in crisis")
    execution_delay: int = param(0, ge=0, le=63, doc="bars from decision to execution")
    whole_shares: bool = param(False, doc="trade whole shares")
    slippage: float = param(0.0, ge=0.0, le=0.1, doc="half-spread per order, decimal of price")
    every_n: int = param(21, ge=1, le=2520, doc="period of the every_n schedule, bars")
    band: float = param(0.05, gt=0.0, le=1.0, doc="drift band of the threshold schedule")
    # expert
    impact: float = param(0.0, ge=0.0, le=10.0, doc="impact per unit of order notional / portfolio value")
    horizons: tuple[str, ...] = param(
        ("daily", "weekly", "monthly"), choices=("daily", "weekly", "monthly"), doc="regime horizons"
    )
    override_min_score: float = param(0.85, ge=0.0, le=1.0, doc="score for a smart-diversification override")
    residual_to_cash: bool = param(False, doc="leave the sizing residual in cash (no top slice)")
    hedge_program: str = param_like(HedgeOverlayParams, "program")
    hedge_moneyness: float = param_like(HedgeOverlayParams, "moneyness")
    hedge_short_moneyness: float = param_like(HedgeOverlayParams, "short_moneyness")
    hedge_call_moneyness: float = param_like(HedgeOverlayParams, "call_moneyness")
    hedge_tenor_months: float = param_like(HedgeOverlayParams, "tenor_months")
    hedge_roll_months: float = param_like(HedgeOverlayParams, "roll_months")
    hedge_ratio: float = param_like(HedgeOverlayParams, "hedge_ratio")
    hedge_vol_window: int = param_like(HedgeOverlayParams, "vol_window")
    hedge_vrp_ratio: float = param_like(HedgeOverlayParams, "vrp_ratio")
    hedge_vol_floor: float = param_like(HedgeOverlayParams, "vol_floor")
    hedge_half_spread: float = param_like(HedgeOverlayParams, "half_spread")

    def __post_init__(self) -> None:
        validate(self)
        if self.technical_weight + self.fundamental_weight <= 0.0:
            raise ParameterError(
                describe_bad_value(
                    "technical_weight + fundamental_weight",
                    self.technical_weight + self.fundamental_weight,
                    "a positive sum",
                )
            )
        for name in ("start_date", "end_date"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise ParameterError(
                        describe_bad_value(name, value, "an ISO date such as '2021-01-01'")
                    ) from None
        self.detection()  # cross-field checks of the regime settings
        self.hedge_overlay()  # and of the hedge overlay

    def engine(self) -> EngineParams:
        """The execution settings (the strategy sizes to ``target_invested``; gross target 1)."""
        return EngineParams(
            cash=self.cash, commission=self.commission, gross_target=1.0, execution_delay=self.execution_delay,
            whole_shares=self.whole_shares, slippage=self.slippage, impact=self.impact,
            schedule=self.rebalance_freq, every_n=self.every_n, band=self.band,
        )  # fmt: skip

    def detection(self) -> RegimeDetectionParams:
        """The regime detection settings."""
        return RegimeDetectionParams(
            n_regimes=self.n_regimes, train_bars=self.train_bars, refit_bars=self.refit_bars,
            horizons=self.horizons, critical_confidence=self.critical_confidence,
        )  # fmt: skip

    def protections(self) -> ProtectionSettings:
        """The settings the protection rules read."""
        return ProtectionSettings(
            grace_days=self.grace_days, min_holding_days=self.min_holding_days,
            max_cycles=self.whipsaw_max_cycles, whipsaw_window=self.whipsaw_window,
            enable_core_assets=self.enable_core_assets, min_score=self.min_score,
        )  # fmt: skip

    def hedge_overlay(self) -> HedgeOverlayParams:
        """The hedge overlay settings (the ``hedge_*`` fields; ``hedge_program="none"``: no overlay)."""
        return HedgeOverlayParams(
            program=self.hedge_program, moneyness=self.hedge_moneyness,
            short_moneyness=self.hedge_short_moneyness, call_moneyness=self.hedge_call_moneyness,
            tenor_months=self.hedge_tenor_months, roll_months=self.hedge_roll_months,
            hedge_ratio=self.hedge_ratio, vol_window=self.hedge_vol_window, vrp_ratio=self.hedge_vrp_ratio,
            vol_floor=self.hedge_vol_floor, half_spread=self.hedge_half_spread,
        )  # fmt: skip

    def exposure(self, regime: str) -> float:
        """Invested multiplier in ``regime``."""
        return float(getattr(self, f"exposure_{regime}"))


_ALL = tuple(f.name for f in dataclasses.fields(RegimeStrategyParams))
#: the last field of each tier (fields are declared in tier order; each tier holds the one below)
_TIER_ENDS = {"basic": "start_date", "intermediate": "trend_threshold", "advanced": "band"}
TIERS: dict[str, tuple[str, ...]] = {
    **{tier: _ALL[: _ALL.index(last) + 1] for tier, last in _TIER_ENDS.items()},
    "expert": _ALL,
}

PRESETS: dict[str, dict[str, Any]] = {
    "conservative": {
        "max_assets": 10, "min_score": 0.65, "max_position": 0.12, "target_invested": 0.9,
        "exposure_correction": 0.5, "exposure_crisis": 0.2, "whipsaw_window": 21, "min_holding_days": 5,
        "rebalance_freq": "weekly",
    },
    "aggressive": {
        "max_assets": 6, "min_score": 0.55, "max_position": 0.25, "max_bucket_allocation": 0.6,
        "target_invested": 0.99, "exposure_correction": 1.0, "exposure_crisis": 0.8, "grace_days": 3,
        "rebalance_freq": "daily", "smart_diversification_overrides": 3,
    },
    "adaptive": {
        "refit_bars": 252, "critical_confidence": 0.7, "exposure_correction": 0.6, "exposure_crisis": 0.3,
        "override_days": 10, "rebalance_freq": "weekly",
    },
    "institutional": {
        "max_assets": 10, "max_position": 0.15, "max_bucket_allocation": 0.4, "min_holding_days": 5,
        "commission": 0.0005, "whole_shares": True, "max_core_assets": 3, "rebalance_freq": "weekly",
        "slippage": 0.0005,
    },
}  # fmt: skip


def tier_fields(tier: str) -> tuple[str, ...]:
    """Field names shown at ``tier`` (basic, intermediate, advanced, expert)."""
    if tier not in TIERS:
        raise ParameterError(describe_bad_value("tier", tier, "one of " + ", ".join(TIER_NAMES)))
    return TIERS[tier]


def preset(name: str, **overrides: Any) -> RegimeStrategyParams:
    """The preset ``name`` (conservative, aggressive, adaptive, institutional), with overrides."""
    if name not in PRESETS:
        raise ParameterError(describe_bad_value("preset", name, "one of " + ", ".join(PRESETS)))
    return parameters_from_dict(RegimeStrategyParams, {**PRESETS[name], **overrides}, source=f"preset {name}")


def save_config(params: RegimeStrategyParams, path: str | Path, tier: str = "expert") -> None:
    """Write the fields of ``tier`` to a YAML (``.yaml``/``.yml``) or JSON (``.json``) file, atomically."""
    p = Path(path)
    names = tier_fields(tier)
    data = {k: v for k, v in parameters_to_dict(params).items() if k in names}
    if p.suffix.lower() == ".json":
        text = json.dumps(data, indent=2) + "\n"
    elif p.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False)
    else:
        raise ParameterError(describe_bad_value("path", str(p), "a .yaml, .yml or .json file"))
    atomic_write_text(p, text)


def load_config(path: str | Path, base: RegimeStrategyParams | None = None) -> RegimeStrategyParams:
    """Read a YAML/JSON configuration (keys: fields; missing keys from ``base`` or the defaults).

    Raises
    ------
    ParameterError
        Naming the file, the field, the value and the allowed range.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{p}: cannot read configuration ({exc.strerror})") from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ParameterError(
            f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'YAML'}: {exc}"
        ) from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ParameterError(f"{p}: expected a mapping of field names to values, got {type(data).__name__}")
    start = parameters_to_dict(base) if base is not None else {}
    return parameters_from_dict(RegimeStrategyParams, {**start, **data}, source=str(p))
