"""Kelly position sizing of a credit spread against a portfolio's NAV.

The Kelly fraction ``f* = (p b - q) / b`` (``p`` = POP, ``b`` = average win / average loss)
is read as the fraction of NAV to put **at maximum loss** on the trade. The position uses a
fraction of it (fractional Kelly, default a quarter: full Kelly is far too aggressive when
``p`` and ``b`` are estimates) and never more than ``max_nav_at_risk`` of NAV:

    fraction  = min(kelly_multiplier * max(f*, 0), max_nav_at_risk)
    contracts = floor(fraction * NAV / (max_loss * multiplier))

with ``max_loss`` per share = ``width - credit + entry commissions + closing cost`` (a
spread settling at full loss, plus the cost of a stop exit; conservative).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate

__all__ = ["SizingRules", "PositionSize", "kelly_contracts", "kelly_note", "format_kelly"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SizingRules:
    """How Kelly fractions become contracts.

    Parameters
    ----------
    kelly_multiplier : float, default=0.25
        Fraction of the Kelly fraction used (0.25 = quarter Kelly).
    max_nav_at_risk : float, default=0.02
        Cap on the fraction of NAV at maximum loss per trade.
    navs : tuple of float, default=(1_000_000.0, 10_000_000.0)
        Portfolio NAVs to size for, $.
    multiplier : int, default=100
        Shares per contract.
    """

    kelly_multiplier: float = param(0.25, gt=0.0, le=1.0, doc="fraction of full Kelly")
    max_nav_at_risk: float = param(0.02, gt=0.0, le=1.0, doc="cap on NAV fraction at max loss per trade")
    navs: tuple[float, ...] = param((1_000_000.0, 10_000_000.0), gt=0.0, doc="NAVs to size for, $")
    multiplier: int = param(100, ge=1, doc="shares per contract")

    def __post_init__(self) -> None:
        validate(self)
        if not self.navs:
            raise ParameterError(describe_bad_value("navs", self.navs, "at least one NAV"))


@dataclass(frozen=True, slots=True)
class PositionSize:
    """Contracts for one NAV.

    Attributes
    ----------
    nav : float
        Portfolio NAV, $.
    kelly : float
        Full Kelly fraction ``f*``.
    fraction : float
        Fraction of NAV at maximum loss actually used.
    capped : bool
        Whether ``max_nav_at_risk`` bound.
    contracts : int
        Spreads to sell.
    capital_at_risk : float
        ``contracts * max_loss * multiplier``, $.
    """

    nav: float
    kelly: float
    fraction: float
    capped: bool
    contracts: int
    capital_at_risk: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "nav": self.nav,
            "kelly": self.kelly,
            "fraction": self.fraction,
            "capped": self.capped,
            "contracts": self.contracts,
            "capital_at_risk": self.capital_at_risk,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row."""
        return pd.DataFrame([self.to_dict()])


def kelly_contracts(
    kelly: float, max_loss: float, nav: float, rules: SizingRules | None = None
) -> PositionSize:
    """Contracts to sell for one NAV under fractional Kelly with a cap (see the module docstring).

    Parameters
    ----------
    kelly : float
        Full Kelly fraction ``f*`` (non-positive or NaN: no trade).
    max_loss : float
        Maximum loss per share, $ (> 0).
    nav : float
        Portfolio NAV, $ (> 0).
    rules : SizingRules, optional
        Fractional Kelly, cap, multiplier.

    Returns
    -------
    PositionSize

    Examples
    --------
    >>> kelly_contracts(0.2, 2.5, 1_000_000).contracts
    80
    """
    rules = rules or SizingRules()
    if not (math.isfinite(max_loss) and max_loss > 0):
        raise ParameterError(describe_bad_value("max_loss", max_loss, "a loss per share > 0"))
    if not (math.isfinite(nav) and nav > 0):
        raise ParameterError(describe_bad_value("nav", nav, "a NAV > 0"))
    k = kelly if math.isfinite(kelly) or kelly == math.inf else 0.0
    raw = rules.kelly_multiplier * max(k, 0.0)
    fraction = min(raw, rules.max_nav_at_risk)
    contracts = math.floor(fraction * nav / (max_loss * rules.multiplier) + 1e-9)
    return PositionSize(
        nav=float(nav),
        kelly=float(kelly),
        fraction=fraction,
        capped=raw > rules.max_nav_at_risk,
        contracts=contracts,
        capital_at_risk=contracts * max_loss * rules.multiplier,
    )


def kelly_note(kelly: float, pop: float, credit: float | None = None) -> str:
    """Why a Kelly fraction gives no trade, in words ("" when it is a finite positive edge).

    Parameters
    ----------
    kelly : float
        Full Kelly fraction ``f*`` (``-inf`` when no simulated path wins, NaN when no path
        wins or loses).
    pop : float
        Probability of profit.
    credit : float, optional
        Credit after entry costs per share (the maximum profit), named in the reason.

    Returns
    -------
    str

    Examples
    --------
    >>> kelly_note(float("-inf"), 0.0, credit=-0.003)
    'no edge: no simulated path ends with a profit (credit after costs -0.0030/share <= 0), so the win/loss ratio is 0 and Kelly is -inf'
    >>> kelly_note(0.12, 0.8)
    ''
    """
    if math.isnan(kelly):
        return "no edge: no simulated path wins or loses"
    if kelly == -math.inf:
        why = (
            f"credit after costs {credit:.4f}/share <= 0"
            if credit is not None and credit <= 0
            else f"POP {pop:.3f}"
        )
        return f"no edge: no simulated path ends with a profit ({why}), so the win/loss ratio is 0 and Kelly is -inf"
    if kelly <= 0:
        return f"no edge: Kelly {kelly:+.1%} <= 0 (POP {pop:.3f} too low for the win/loss ratio)"
    return ""


def format_kelly(kelly: float) -> str:
    """Kelly fraction for a table: ``"15.8%"``, or ``"no edge"`` when it is not a positive number."""
    if kelly == math.inf:
        return "100.0%"
    if not math.isfinite(kelly) or kelly <= 0:
        return "no edge"
    return f"{100 * kelly:.1f}%"
