"""The overlay's parameter fields, declared once for every study and command that takes them.

Each function returns a :func:`tailkit.params.param` field. Where the library has a domain
dataclass for the concept (:class:`~tailkit.overlay.SimulationSettings`,
:class:`~tailkit.overlay.FillModel`, :class:`~tailkit.overlay.ExitRules`,
:class:`~tailkit.overlay.SizingRules`), the field takes that dataclass's range, doc and default
(:func:`like`), so a range is written down in one place. Studies and commands may choose a
different default (notebook 08 runs fewer paths than ``tailkit evaluate``), never a different
range.

Days are **calendar days to expiry** everywhere a user types them (``expiration_days``,
``dte_close``, ``dte_thresholds``, ``min_dte``/``max_dte``), as in the book and in a chain's
DTE; the simulation converts them with :func:`tailkit.overlay.evaluate.trading_days`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay import ExitRules, FillModel, SimulationSettings, SizingRules
from tailkit.overlay.evaluate import trading_days
from tailkit.params import param, param_like

__all__ = [
    "like",
    "calibration_file",
    "n_paths",
    "seed",
    "risk_free_rate",
    "dividend_yield",
    "residual_noise",
    "half_spread",
    "commission",
    "min_pop",
    "profit_target",
    "loss_multiple",
    "dte_close",
    "expiration_days",
    "widths",
    "deltas",
    "rank_by",
    "top",
    "navs",
    "kelly_fraction",
    "max_risk_pct",
    "min_dte",
    "max_dte",
    "min_delta",
    "max_delta",
    "risk_budget",
    "CALENDAR_DAYS",
    "check_dte_close",
    "exit_rules",
]

_KEEP: Any = object()

#: how every day-count doc ends
CALENDAR_DAYS = "calendar days"


def like(cls: type, name: str, default: Any = _KEEP, *, doc: str | None = None) -> Any:
    """A field with the range (and, unless given, the default and doc) of ``cls.name``.

    ``default=dataclasses.MISSING`` makes a field without default (a required option).
    """
    keep = default is _KEEP or default is dataclasses.MISSING
    f = param_like(cls, name, doc=doc) if keep else param_like(cls, name, default, doc=doc)
    if default is dataclasses.MISSING:
        f.default = dataclasses.MISSING
    return f


def calibration_file(default: Any = dataclasses.MISSING) -> Any:
    """Calibration JSON (``'synthetic'`` fits the bundled SYNTHETIC history)."""
    return param(
        default, doc="calibration JSON from `tailkit calibrate` ('synthetic': fit the SYNTHETIC history)"
    )


def n_paths(default: int = 10_000) -> Any:
    """Simulated paths."""
    return like(
        SimulationSettings, "n_paths", default, doc="simulated paths (the same shocks for every candidate)"
    )


def seed() -> Any:
    """Seed of the shocks."""
    return like(SimulationSettings, "seed", doc="seed of the shocks (same paths for every candidate)")


def risk_free_rate() -> Any:
    """Risk-free rate."""
    return like(SimulationSettings, "risk_free_rate", doc="continuously compounded risk-free rate, decimal")


def dividend_yield() -> Any:
    """TLT dividend yield."""
    return like(SimulationSettings, "dividend_yield", doc="TLT continuous dividend yield, decimal")


def residual_noise() -> Any:
    """TLT regression residual noise on/off."""
    return like(SimulationSettings, "residual_noise", doc="add the TLT regression's residual noise")


def half_spread() -> Any:
    """Assumed half bid-ask per leg."""
    return like(FillModel, "half_spread", doc="half bid-ask per leg for model fills and exits, $/share")


def commission() -> Any:
    """Commission per contract per leg."""
    return like(FillModel, "commission")


def min_pop() -> Any:
    """POP constraint."""
    return param(0.70, ge=0.0, le=1.0, doc="minimum probability of profit")


def profit_target() -> Any:
    """Profit target of the exit rules."""
    return like(ExitRules, "profit_target_pct", doc="close at this fraction of the maximum profit")


def loss_multiple() -> Any:
    """Loss limit of the exit rules."""
    return like(
        ExitRules, "loss_multiple", doc="close when the spread's mark reaches this multiple of the credit"
    )


def dte_close() -> Any:
    """DTE threshold of the exit rules, calendar days."""
    return like(
        ExitRules, "dte_threshold", doc=f"close at this many {CALENDAR_DAYS} to expiry or fewer (0 = off)"
    )


def expiration_days(default: int = 45) -> Any:
    """Days to expiry of a new spread, calendar days."""
    return param(
        default,
        ge=5,
        le=730,
        doc=f"{CALENDAR_DAYS} to expiration (simulated as round(days x 252/365) trading days)",
    )


def widths(default: tuple[float, ...] = (1.0, 2.0, 3.0, 5.0)) -> Any:
    """Strike widths."""
    return param(default, gt=0.0, le=100.0, doc="strike widths, $")


def deltas() -> Any:
    """Short-leg deltas of model screening."""
    return param((0.10, 0.15, 0.20, 0.25, 0.30), gt=0.0, lt=1.0, doc="absolute deltas of the short leg")


def rank_by() -> Any:
    """Screening rank statistic."""
    return param("expected_pnl", choices=("expected_pnl", "risk_adjusted_return"), doc="ranking statistic")


def top() -> Any:
    """Rows shown."""
    return param(10, ge=1, le=1000, doc="rows shown")


def navs() -> Any:
    """NAVs to size for."""
    return like(SizingRules, "navs")


def kelly_fraction() -> Any:
    """Fraction of full Kelly."""
    return like(SizingRules, "kelly_multiplier")


def max_risk_pct() -> Any:
    """Cap of NAV at maximum loss per trade."""
    return like(SizingRules, "max_nav_at_risk")


def min_dte() -> Any:
    """Fewest calendar days to expiry of a chain's contracts."""
    return param(30, ge=1, le=1000, doc=f"fewest {CALENDAR_DAYS} to expiry of the chain's contracts")


def max_dte() -> Any:
    """Most calendar days to expiry of a chain's contracts."""
    return param(90, ge=1, le=1000, doc=f"most {CALENDAR_DAYS} to expiry of the chain's contracts")


def min_delta() -> Any:
    """Smallest |delta| of a chain's short leg."""
    return param(0.05, gt=0.0, lt=1.0, doc="smallest |delta| of the short leg")


def max_delta() -> Any:
    """Largest |delta| of a chain's short leg."""
    return param(0.40, gt=0.0, lt=1.0, doc="largest |delta| of the short leg")


def risk_budget() -> Any:
    """CVaR budget per $ of NAV; ``0`` = no CVaR constraint (the default, as in the original tool)."""
    return param(
        0.0,
        ge=0.0,
        le=1.0,
        doc="largest CVaR95 loss of one trade per $ of NAV, e.g. 0.02375 = 50% of a 4.75% yield "
        "(0 = no CVaR constraint)",
    )


def check_dte_close(dte_close: int, expiration_days: int) -> None:
    """Raise unless the DTE rule leaves at least one simulated trading day of holding.

    Both arguments are calendar days; the message names the fields (the command line maps
    them to its options).
    """
    if dte_close >= expiration_days or trading_days(dte_close) >= trading_days(expiration_days):
        raise ParameterError(
            describe_bad_value(
                "dte_close",
                dte_close,
                f"an int < expiration_days={expiration_days} that leaves at least one trading day of holding "
                "(0 disables the rule)",
            )
        )


def exit_rules(params: Any) -> ExitRules:
    """The simulation's :class:`ExitRules` of a parameter set.

    ``params`` has ``profit_target``, ``loss_multiple`` and ``dte_close`` (calendar days,
    converted to trading days).
    """
    return ExitRules(
        profit_target_pct=params.profit_target,
        loss_multiple=params.loss_multiple,
        dte_threshold=trading_days(params.dte_close),
    )
