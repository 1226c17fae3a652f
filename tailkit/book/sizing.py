"""Sizing a new credit spread from the book's NAV: the overlay's fractional Kelly with its cap.

The arithmetic is the overlay's (:func:`tailkit.overlay.metrics.kelly_fraction` for ``f* =
(p b - q) / b`` and :func:`tailkit.overlay.sizing.kelly_contracts` for ``contracts =
floor(min(kelly_multiplier * f*, max_nav_at_risk) * NAV / (max_loss * 100))``); this module
supplies the book's side: the latest NAV, the book's ``kelly_fraction`` and ``max_risk_pct``
settings, money in whole cents, and the default win/loss ratio of a credit spread held to its
outcome, ``b = credit / (width - credit)`` (pass the overlay's simulated ratio, exits included,
when you have it). No edge (``f* <= 0``) means zero contracts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tailkit.book.money import to_cents
from tailkit.book.nav import latest_nav
from tailkit.book.settings import get_settings
from tailkit.book.store import Book
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay.metrics import kelly_fraction as kelly_f
from tailkit.overlay.sizing import PositionSize, SizingRules, kelly_contracts

__all__ = ["SizingResult", "size_trade"]


@dataclass(frozen=True, slots=True)
class SizingResult:
    """A sizing decision.

    Attributes
    ----------
    pop : float
        Probability of profit used.
    win_loss_ratio : float
        ``b`` used.
    max_loss_per_contract : float
        ``(width - credit) * 100``, dollars.
    rules : SizingRules
        Fractional Kelly and cap applied.
    size : PositionSize
        The overlay's sizing: ``nav``, ``kelly`` (full ``f*``), ``fraction`` of NAV at risk,
        ``capped``, ``contracts``, ``capital_at_risk``.
    """

    pop: float
    win_loss_ratio: float
    max_loss_per_contract: float
    rules: SizingRules
    size: PositionSize

    @property
    def contracts(self) -> int:
        """Spreads to sell."""
        return self.size.contracts

    @property
    def binding(self) -> str:
        """What limited the size: ``"no edge"``, ``"cap"`` or ``"kelly"``."""
        if not self.size.kelly > 0:
            return "no edge"
        return "cap" if self.size.capped else "kelly"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "pop": self.pop,
            "win_loss_ratio": self.win_loss_ratio,
            "max_loss_per_contract": self.max_loss_per_contract,
            "kelly_fraction": self.rules.kelly_multiplier,
            "max_risk_pct": self.rules.max_nav_at_risk,
            "binding": self.binding,
            **self.size.to_dict(),
        }

    def summary(self) -> str:
        """One line for the CLI and the app."""
        s = self.size
        if self.binding == "no edge":
            return f"no edge: Kelly f* = {s.kelly:.4f} <= 0 at POP {self.pop:.1%}; 0 contracts"
        return (
            f"{s.contracts} contracts: ${s.capital_at_risk:,.0f} at risk of NAV ${s.nav:,.0f} "
            f"({s.fraction:.2%} of NAV: {self.rules.kelly_multiplier:g} x Kelly f*={s.kelly:.4f}, "
            f"cap {self.rules.max_nav_at_risk:.2%}; {self.binding} binds), "
            f"max loss ${self.max_loss_per_contract:,.2f} per contract"
        )


def size_trade(
    book: Book | None,
    *,
    credit: Any,
    width: Any,
    pop: float,
    win_loss_ratio: float | None = None,
    nav: Any = None,
    kelly_fraction: float | None = None,
    max_risk_pct: float | None = None,
) -> SizingResult:
    """Contracts for a new credit spread (see the module docstring).

    Parameters
    ----------
    book : Book or None
        Supplies NAV, ``kelly_fraction`` and ``max_risk_pct`` not given here.
    credit, width : float
        Credit and strike width per share, whole cents, ``0 < credit < width``.
    pop : float
        Probability of profit, in [0, 1].
    win_loss_ratio : float, optional
        ``b`` (default ``credit / (width - credit)``).
    nav : float, optional
        NAV in dollars (default: the book's latest).
    kelly_fraction, max_risk_pct : float, optional
        Defaults: the book's settings (0.25 and 0.02 without a book).

    Returns
    -------
    SizingResult

    Examples
    --------
    >>> r = size_trade(None, credit=0.60, width=3.0, pop=0.85, nav=1_000_000,
    ...                kelly_fraction=0.25, max_risk_pct=0.02)
    >>> r.contracts, r.binding
    (83, 'cap')
    """
    credit_c = to_cents("credit", credit, positive=True)
    width_c = to_cents("width", width, positive=True)
    if not credit_c < width_c:
        raise ParameterError(describe_bad_value("credit", credit, f"a credit < the width {width}"))
    if isinstance(pop, bool) or not isinstance(pop, int | float) or not 0.0 <= float(pop) <= 1.0:
        raise ParameterError(describe_bad_value("pop", pop, "a probability in [0, 1]"))
    settings = get_settings(book) if book is not None else None
    if nav is None:
        nav_d = latest_nav(book) if book is not None else None
        if nav_d is None:
            raise ParameterError("nav is not set: pass nav= or record one with `tailkit book nav set AMOUNT`")
        nav_f = float(nav_d)
    else:
        nav_f = to_cents("nav", nav, positive=True) / 100.0
    kf = kelly_fraction if kelly_fraction is not None else (settings.kelly_fraction if settings else 0.25)
    cap = max_risk_pct if max_risk_pct is not None else (settings.max_risk_pct if settings else 0.02)
    for name, v in (("kelly_fraction", kf), ("max_risk_pct", cap)):
        if isinstance(v, bool) or not (isinstance(v, int | float) and 0.0 < float(v) <= 1.0):
            raise ParameterError(describe_bad_value(name, v, "a fraction in (0, 1]"))
    loss_c = width_c - credit_c
    b = credit_c / loss_c if win_loss_ratio is None else float(win_loss_ratio)
    if not (math.isfinite(b) and b > 0):
        raise ParameterError(describe_bad_value("win_loss_ratio", win_loss_ratio, "a ratio > 0"))
    rules = SizingRules(kelly_multiplier=float(kf), max_nav_at_risk=float(cap), navs=(nav_f,))
    size = kelly_contracts(float(kelly_f(float(pop), b)), loss_c / 100.0, nav_f, rules)
    return SizingResult(
        pop=float(pop), win_loss_ratio=b, max_loss_per_contract=float(loss_c), rules=rules, size=size
    )
