"""How the hedge sweep marks its puts: the option-mark model and the user's implied-vol file.

:class:`OptionMarkModel` holds what both markets of the hedge sweep (daily closes,
:func:`tailkit.sweep.hedge.hedge_market`, and simulated intraday paths,
:func:`tailkit.sweep.intraday.intraday_hedge_market`) need to roll and mark their puts: the
rate, the put's moneyness and life, and the implied-vol model

``iv = max(iv_floor, base + skew * ln(S / K))``, ``base = rv * (1 + iv_premium)``

with ``rv`` the trailing ``rv_window``-day realised volatility of daily log returns (known at
the day). When the user gives an implied-vol file (read by
:func:`tailkit.data.implied_vols.read_implied_vols`, re-exported here), ``base`` is the file's
at-the-money implied vol of the day instead (the last quote at or before the day;
``iv_premium`` is then unused), and the skew and floor still apply to the put's moneyness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tailkit.data.implied_vols import read_implied_vols
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["OptionMarkModel", "read_implied_vols"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionMarkModel:
    """The rolled put and its implied-vol model (module docstring).

    Attributes
    ----------
    rate : float, default=0.02
        Cash rate and option-pricing rate, decimal per year (continuous), in [-0.1, 1].
    put_moneyness : float, default=0.95
        Strike over spot at each roll, in [0.5, 1.5].
    put_days : int, default=63
        Trading days from purchase to expiry (rolled at expiry), 5..756.
    rv_window : int, default=21
        Trailing window of the realised volatility, trading days, 5..252.
    iv_premium : float, default=0.10
        Implied-over-realised premium of the model, in [-0.5, 2].
    skew : float, default=0.5
        Implied-vol slope in ``ln(S / K)`` (an OTM put, ``K < S``, is priced at a higher vol),
        in [-5, 5].
    iv_floor : float, default=0.05
        Lowest implied vol, decimal per year, in [0.001, 2].
    """

    rate: float = 0.02
    put_moneyness: float = 0.95
    put_days: int = 63
    rv_window: int = 21
    iv_premium: float = 0.10
    skew: float = 0.5
    iv_floor: float = 0.05

    def __post_init__(self) -> None:
        for field, value, lo, hi in (
            ("put_moneyness", self.put_moneyness, 0.5, 1.5),
            ("rate", self.rate, -0.1, 1.0),
            ("iv_premium", self.iv_premium, -0.5, 2.0),
            ("skew", self.skew, -5.0, 5.0),
            ("iv_floor", self.iv_floor, 0.001, 2.0),
        ):
            if not lo <= value <= hi:
                raise ParameterError(describe_bad_value(field, value, f"a number in [{lo}, {hi}]"))
        for field, ivalue, ilo, ihi in (
            ("put_days", self.put_days, 5, 756),
            ("rv_window", self.rv_window, 5, 252),
        ):
            if isinstance(ivalue, bool) or int(ivalue) != ivalue or not ilo <= ivalue <= ihi:
                raise ParameterError(describe_bad_value(field, ivalue, f"an integer in {ilo}..{ihi}"))

    def implied_vol(self, base: np.ndarray, spot: np.ndarray, strike: np.ndarray) -> np.ndarray:
        """``max(iv_floor, base + skew * ln(spot / strike))``, elementwise (decimal per year)."""
        return np.maximum(base + self.skew * np.log(spot / strike), self.iv_floor)

    def model_base(self, rv: np.ndarray) -> np.ndarray:
        """The model's at-the-money vol ``rv * (1 + iv_premium)`` from the realised vol ``rv``."""
        return rv * (1.0 + self.iv_premium)
