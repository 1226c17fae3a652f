"""Sizing a new credit spread: fractional Kelly, capped by the maximum % of NAV at risk.

For a credit spread held to its outcome, a win keeps the credit and a loss costs at most the
width minus the credit, so the bet's win/loss ratio defaults to ``b = credit / (width -
credit)`` (pass the overlay's simulated ratio, exits included, when you have it). With the
probability of profit ``p`` the full Kelly stake is the overlay's
:func:`tailkit.overlay.metrics.kelly_fraction` ``f* = (p b - q) / b``, the fraction of NAV put
at risk. The book risks ``kelly_fraction * f* * NAV`` but never more than ``max_risk_pct *
NAV``; the number of contracts is that amount divided by the maximum loss of one contract
(``(width - credit) * 100``), rounded down. No edge (``f* <= 0``) means zero contracts.
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

__all__ = ["SizingResult", "size_trade"]


@dataclass(frozen=True, slots=True)
class SizingResult:
    """A sizing decision (dollars unless stated).

    Attributes
    ----------
    nav : float
    pop : float
        Probability of profit used.
    win_loss_ratio : float
        ``b`` used.
    kelly_full : float
        Full Kelly fraction ``f*`` (fraction of NAV at risk).
    kelly_fraction : float
        Fraction of Kelly applied.
    max_risk_pct : float
        Cap, fraction of NAV.
    risk_kelly, risk_cap, risk_used : float
        Dollars at risk under fractional Kelly, under the cap, and used (the smaller).
    max_loss_per_contract : float
        ``(width - credit) * 100``.
    contracts : int
        ``floor(risk_used / max_loss_per_contract)``; 0 without an edge.
    binding : {"kelly", "cap", "no edge"}
        What limited the size.
    """

    nav: float
    pop: float
    win_loss_ratio: float
    kelly_full: float
    kelly_fraction: float
    max_risk_pct: float
    risk_kelly: float
    risk_cap: float
    risk_used: float
    max_loss_per_contract: float
    contracts: int
    binding: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {f: getattr(self, f) for f in self.__slots__}

    def summary(self) -> str:
        """One line for the CLI and the app."""
        if self.binding == "no edge":
            return f"no edge: Kelly f* = {self.kelly_full:.4f} <= 0 at POP {self.pop:.1%}; 0 contracts"
        return (
            f"{self.contracts} contracts: risk ${self.risk_used:,.0f} of NAV ${self.nav:,.0f} "
            f"({self.kelly_fraction:g} x Kelly f*={self.kelly_full:.4f} -> ${self.risk_kelly:,.0f}; "
            f"cap {self.max_risk_pct:.2%} -> ${self.risk_cap:,.0f}; {self.binding} binds), "
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
        Defaults: the book's settings.

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
    from tailkit.overlay.metrics import kelly_fraction as kelly

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
        if not (isinstance(v, int | float) and 0.0 < float(v) <= 1.0):
            raise ParameterError(describe_bad_value(name, v, "a fraction in (0, 1]"))
    loss_c = width_c - credit_c
    b = credit_c / loss_c if win_loss_ratio is None else float(win_loss_ratio)
    if not (math.isfinite(b) and b > 0):
        raise ParameterError(describe_bad_value("win_loss_ratio", win_loss_ratio, "a ratio > 0"))
    f_star = float(kelly(float(pop), b))
    per_contract = loss_c  # cents per share x 100 shares / 100 cents = dollars per contract
    risk_kelly = max(f_star, 0.0) * float(kf) * nav_f
    risk_cap = float(cap) * nav_f
    risk = min(risk_kelly, risk_cap)
    contracts = math.floor(risk / per_contract + 1e-9) if f_star > 0 else 0
    binding = "no edge" if f_star <= 0 else ("kelly" if risk_kelly <= risk_cap else "cap")
    return SizingResult(
        nav=nav_f,
        pop=float(pop),
        win_loss_ratio=b,
        kelly_full=f_star,
        kelly_fraction=float(kf),
        max_risk_pct=float(cap),
        risk_kelly=risk_kelly,
        risk_cap=risk_cap,
        risk_used=risk if f_star > 0 else 0.0,
        max_loss_per_contract=float(per_contract),
        contracts=contracts,
        binding=binding,
    )
