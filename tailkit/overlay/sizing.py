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

__all__ = ["SizingRules", "PositionSize", "kelly_contracts"]


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
