"""Exit rules of a short credit spread: profit target, loss limit, days-to-expiry, expiration.

A credit spread is opened for a ``credit`` (price units per share, received) and marked every
day at its ``value`` (the cost to buy it back at mid, >= 0). Four rules close it; on each day
the position is checked at the daily mark, and the **first rule that triggers wins**:

``profit_target``
    The P&L of closing now reaches ``profit_target_pct`` of the maximum profit:
    ``max_profit - value - exit_cost >= profit_target_pct * max_profit`` where
    ``max_profit = credit - entry_cost`` (what the trade keeps if the spread expires
    worthless) and ``exit_cost`` is the cost of closing (half-spreads + commissions).
``loss_limit``
    The spread's mark reaches ``loss_multiple`` times the credit: ``value >= loss_multiple * credit``.
``dte_threshold``
    The days left to expiry fall to ``dte_threshold`` or fewer (``0`` disables the rule).
``expiration``
    None of the above before expiry: the spread settles at its intrinsic value, no closing cost.

Ties on the same day (documented priority, used by every evaluator in tailkit):
on the expiry day (DTE 0) the spread settles (``expiration``); before that
``loss_limit`` > ``profit_target`` > ``dte_threshold``. The exit price on a given day is the
same whichever rule fires, so the priority only decides the label. A path that gaps through a
threshold (or through both) between two daily marks is closed at the mark of the day it is
first seen beyond a threshold, not at the threshold: gap losses are real.

Days are trading days in tailkit's simulations; :func:`exit_signal` (used by the live book)
compares ``dte`` to ``dte_threshold`` in whatever day count the caller uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D, Int64Array
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate

__all__ = [
    "EXIT_REASONS",
    "ExitReason",
    "ExitRules",
    "ExitSignal",
    "ExitOutcome",
    "exit_signal",
    "apply_exit_rules",
]

ExitReason = Literal["profit_target", "loss_limit", "dte_threshold", "expiration"]

#: reason codes used in arrays (index = code)
EXIT_REASONS: tuple[str, ...] = ("profit_target", "loss_limit", "dte_threshold", "expiration")
PROFIT, LOSS, DTE, EXPIRY = 0, 1, 2, 3


@dataclass(frozen=True, slots=True, kw_only=True)
class ExitRules:
    """When to close a short credit spread (first trigger wins; see the module docstring).

    Parameters
    ----------
    profit_target_pct : float, default=0.50
        Close when the P&L reaches this fraction of the maximum profit, in (0, 1].
    loss_multiple : float, default=2.0
        Close when the spread's mark reaches this multiple of the credit (>= 1).
    dte_threshold : int, default=7
        Close when this many days or fewer remain to expiry (0 = hold to expiry).

    Examples
    --------
    >>> ExitRules(profit_target_pct=0.5, loss_multiple=2.0, dte_threshold=7).loss_multiple
    2.0
    """

    profit_target_pct: float = param(
        0.50, gt=0.0, le=1.0, percent=True, doc="close at this fraction of the maximum profit"
    )
    loss_multiple: float = param(
        2.0, ge=1.0, le=100.0, doc="close when the spread's mark reaches this multiple of the credit"
    )
    dte_threshold: int = param(7, ge=0, le=3650, doc="close at this many days to expiry or fewer (0 = off)")

    def __post_init__(self) -> None:
        validate(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with the three fields."""
        return {
            "profit_target_pct": self.profit_target_pct,
            "loss_multiple": self.loss_multiple,
            "dte_threshold": self.dte_threshold,
        }

    def check_expiration(self, expiration_days: int) -> None:
        """Raise unless ``dte_threshold`` leaves at least one day of holding before it fires."""
        if self.dte_threshold >= expiration_days:
            raise ParameterError(
                describe_bad_value(
                    "dte_threshold",
                    self.dte_threshold,
                    f"an int < expiration_days={expiration_days} (0 disables the rule)",
                )
            )


@dataclass(frozen=True, slots=True)
class ExitSignal:
    """A rule fired: what it was and a one-line explanation.

    Attributes
    ----------
    reason : {"profit_target", "loss_limit", "dte_threshold", "expiration"}
        The rule.
    message : str
        Human-readable explanation with the numbers that triggered it.
    pnl : float
        P&L of closing now, price units per share (``credit - entry_cost - value - exit_cost``).
    """

    reason: ExitReason
    message: str
    pnl: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"reason": self.reason, "message": self.message, "pnl": self.pnl}


def _finite(name: str, value: Any, *, positive: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value(name, value, "a finite number")) from None
    if not math.isfinite(v) or (positive and v <= 0) or (not positive and v < 0):
        allowed = "a finite number " + ("> 0" if positive else ">= 0")
        raise ParameterError(describe_bad_value(name, value, allowed))
    return v


def exit_signal(
    credit: float,
    current_value: float,
    dte: float,
    rules: ExitRules,
    *,
    entry_cost: float = 0.0,
    exit_cost: float = 0.0,
) -> ExitSignal | None:
    """Check one open spread against the exit rules (the live book's daily check).

    Parameters
    ----------
    credit : float
        Credit received when the spread was opened, price units per share (> 0).
    current_value : float
        Current mark of the spread (cost to buy it back at mid), per share (>= 0).
    dte : float
        Days to expiry, in the day count ``rules.dte_threshold`` is expressed in.
    rules : ExitRules
        The rules.
    entry_cost : float, default=0.0
        Commissions paid at entry, per share (reduce the maximum profit).
    exit_cost : float, default=0.0
        Cost of closing now (half-spreads + commissions), per share.

    Returns
    -------
    ExitSignal or None
        The rule that fires (priority: expiration at ``dte <= 0``, then loss limit, profit
        target, DTE threshold), or ``None`` to keep holding.

    Examples
    --------
    >>> exit_signal(1.00, 0.45, 20, ExitRules()).reason
    'profit_target'
    >>> exit_signal(1.00, 0.80, 20, ExitRules()) is None
    True
    """
    credit = _finite("credit", credit, positive=True)
    value = _finite("current_value", current_value)
    entry_cost = _finite("entry_cost", entry_cost)
    exit_cost = _finite("exit_cost", exit_cost)
    try:
        dte_f = float(dte)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value("dte", dte, "a number of days")) from None
    if not math.isfinite(dte_f):
        raise ParameterError(describe_bad_value("dte", dte, "a finite number of days"))
    max_profit = credit - entry_cost
    pnl = max_profit - value - exit_cost
    if dte_f <= 0:
        text = f"expiry reached: settle at intrinsic value {value:.4f}"
        return ExitSignal("expiration", text, max_profit - value)
    limit = rules.loss_multiple * credit
    if value >= limit:
        return ExitSignal(
            "loss_limit",
            f"mark {value:.4f} >= {rules.loss_multiple:g} x credit {credit:.4f} = {limit:.4f}; "
            f"close (P&L {pnl:+.4f})",
            pnl,
        )
    target = rules.profit_target_pct * max_profit
    if pnl >= target:
        return ExitSignal(
            "profit_target",
            f"P&L {pnl:+.4f} >= {rules.profit_target_pct:.0%} of max profit {max_profit:.4f}; close",
            pnl,
        )
    if rules.dte_threshold > 0 and dte_f <= rules.dte_threshold:
        return ExitSignal(
            "dte_threshold",
            f"{dte_f:g} days to expiry <= {rules.dte_threshold}; close (P&L {pnl:+.4f})",
            pnl,
        )
    return None


@dataclass(frozen=True, slots=True)
class ExitOutcome:
    """Per-path result of applying exit rules to marked paths.

    Attributes
    ----------
    pnl : ndarray of shape (n_paths,)
        P&L per share, price units, net of entry and exit costs.
    exit_day : ndarray of shape (n_paths,)
        Trading day of the exit (1..n_steps; n_steps = expiry).
    reason : ndarray of shape (n_paths,)
        Reason code, an index into :data:`EXIT_REASONS`.
    """

    pnl: Float1D
    exit_day: Int64Array
    reason: Int64Array

    def to_frame(self) -> pd.DataFrame:
        """One row per path: ``pnl``, ``exit_day``, ``reason`` (text)."""
        return pd.DataFrame(
            {
                "pnl": self.pnl,
                "exit_day": self.exit_day,
                "reason": np.asarray(EXIT_REASONS, dtype=object)[self.reason],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Counts per reason and mean P&L."""
        counts = np.bincount(self.reason, minlength=4)
        return {
            "n_paths": int(self.pnl.size),
            "mean_pnl": float(np.mean(self.pnl)) if self.pnl.size else float("nan"),
            "reasons": {r: int(c) for r, c in zip(EXIT_REASONS, counts)},
        }


def first_true(mask: np.ndarray, never: int) -> Int64Array:
    """Index of the first True per row of ``mask`` (shape (n, m)); ``never`` where none."""
    any_hit = mask.any(axis=1)
    return np.where(any_hit, np.argmax(mask, axis=1), never).astype(np.int64)


def apply_exit_rules(
    values: Float2D,
    credit: float,
    rules: ExitRules,
    *,
    entry_cost: float = 0.0,
    exit_cost: float = 0.0,
) -> ExitOutcome:
    """Apply the exit rules to daily marks (the readable numpy reference).

    Parameters
    ----------
    values : ndarray of shape (n_paths, n_steps + 1)
        Spread mark per path and day, price units per share; column 0 is the entry day,
        column ``n_steps`` the expiry day (intrinsic value).
    credit : float
        Credit received at entry, per share (> 0).
    rules : ExitRules
        The rules; ``rules.dte_threshold`` must be < ``n_steps``.
    entry_cost : float, default=0.0
        Commissions at entry, per share.
    exit_cost : float, default=0.0
        Cost of closing before expiry (half-spreads + commissions), per share.

    Returns
    -------
    ExitOutcome

    Examples
    --------
    >>> v = np.array([[1.0, 0.8, 0.4, 0.3, 0.0]])
    >>> out = apply_exit_rules(v, 1.0, ExitRules(dte_threshold=0))
    >>> int(out.exit_day[0]), EXIT_REASONS[out.reason[0]], float(out.pnl[0])
    (2, 'profit_target', 0.6)
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] < 2:
        allowed = "an array of shape (n_paths, n_steps + 1)"
        raise ParameterError(describe_bad_value("values", v.shape, allowed))
    n = v.shape[1] - 1
    credit = _finite("credit", credit, positive=True)
    rules.check_expiration(n)
    max_profit = credit - entry_cost
    inner = v[:, 1:n]
    profit_level = max_profit * (1.0 - rules.profit_target_pct) - exit_cost
    first_p = first_true(inner <= profit_level, n) + 1
    first_l = first_true(inner >= rules.loss_multiple * credit, n) + 1
    first_p = np.minimum(first_p, n + 1)
    first_l = np.minimum(first_l, n + 1)
    dte_day = n - rules.dte_threshold if rules.dte_threshold > 0 else n
    day = np.minimum(np.minimum(first_p, first_l), dte_day)
    reason = np.full(day.shape, EXPIRY, dtype=np.int64)
    reason[(day == dte_day) & (rules.dte_threshold > 0)] = DTE
    reason[day == first_p] = PROFIT
    reason[day == first_l] = LOSS
    mark = v[np.arange(v.shape[0]), day]
    pnl = np.where(day < n, max_profit - mark - exit_cost, max_profit - mark)
    return ExitOutcome(pnl=pnl, exit_day=day.astype(np.int64), reason=reason)
