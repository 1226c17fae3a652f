"""How the overlay's trades are filled: entry at the market, exits at model mid plus costs.

Conventions (per share of the underlying; one contract = ``multiplier`` shares):

* **Entry with a chain** (:func:`tailkit.overlay.evaluate_market`): sell the short leg at its
  bid, buy the long leg at its ask; the credit is ``bid_short - ask_long``.
* **Entry at model IV** (:func:`tailkit.overlay.evaluate`, :func:`tailkit.overlay.optimize_exits`):
  each leg is filled ``half_spread`` away from its Black-Scholes mid, so the credit is
  ``mid_short - mid_long - 2 * half_spread``. This is the assumed bid-ask spread of model-IV
  screening (default $0.02 per share per leg, a typical half-spread of liquid TLT options).
* **Exits before expiry** are made at the model mid plus a closing cost of ``2 * half_spread``
  (each leg crosses half its spread; with a chain, the legs' quoted half-spreads of today).
* **Commission** ``commission`` dollars per contract per leg is paid when opening and when
  closing (two legs each time); settlement at expiry is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tailkit.params import param, validate

__all__ = ["FillModel"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FillModel:
    """Transaction-cost assumptions for the overlay's fills.

    Parameters
    ----------
    half_spread : float, default=0.02
        Half of the bid-ask spread per leg, price units per share, used at model-IV entry and
        at every exit before expiry.
    commission : float, default=0.65
        Commission per contract per leg, dollars.
    multiplier : int, default=100
        Shares per contract.

    Examples
    --------
    >>> round(FillModel().entry_cost, 4)
    0.013
    """

    half_spread: float = param(0.02, ge=0.0, le=10.0, doc="half bid-ask spread per leg, $/share")
    commission: float = param(0.65, ge=0.0, le=100.0, doc="commission per contract per leg, $")
    multiplier: int = param(100, ge=1, le=100000, doc="shares per contract")

    def __post_init__(self) -> None:
        validate(self)

    @property
    def commission_per_share(self) -> float:
        """Commission per leg per share, price units."""
        return self.commission / self.multiplier

    @property
    def entry_cost(self) -> float:
        """Commissions paid at entry (two legs), per share."""
        return 2.0 * self.commission_per_share

    def exit_cost(
        self, half_spread_short: float | None = None, half_spread_long: float | None = None
    ) -> float:
        """Cost of closing before expiry, per share: two half-spreads plus two commissions."""
        hs = self.half_spread if half_spread_short is None else half_spread_short
        hl = self.half_spread if half_spread_long is None else half_spread_long
        return hs + hl + 2.0 * self.commission_per_share

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"half_spread": self.half_spread, "commission": self.commission, "multiplier": self.multiplier}
