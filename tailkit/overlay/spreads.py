"""The overlay's trade: a bull put spread or a bear call spread on TLT, and how to pick strikes.

``kind="put"``: a bull put spread, short the higher-strike put, long the lower-strike put.
``kind="call"``: a bear call spread, short the lower-strike call, long the higher-strike call.
Both collect a credit; the most they lose is ``width - credit`` per share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy.special import ndtri

from tailkit._validation import normalize_kind
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.overlay.model import OverlayCalibration
from tailkit.params import param, validate
from tailkit.pricing._kernels import bs_greeks_scalar, bs_price_scalar

__all__ = ["CreditSpread", "spread_from_delta", "leg_delta"]

TRADING_DAYS = 252.0


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditSpread:
    """A short vertical spread (one contract of each leg; prices per share).

    Parameters
    ----------
    kind : {"put", "call"}
        Bull put spread (``"put"``) or bear call spread (``"call"``).
    short_strike : float
        Strike sold (> 0).
    long_strike : float
        Strike bought (below the short strike for puts, above it for calls).
    expiration_days : int
        Trading days to expiry at entry (>= 2).
    short_iv, long_iv : float, optional
        IV of each leg at entry (decimal); default: the calibration's vol model at the strike.
    credit : float, optional
        Credit received at entry per share; default: model mid minus the fill model's two
        half-spreads.
    short_half_spread, long_half_spread : float, optional
        Quoted half bid-ask spreads of the legs (from a chain) used for closing costs;
        default: the fill model's ``half_spread``.

    Examples
    --------
    >>> CreditSpread(kind="put", short_strike=88, long_strike=85, expiration_days=45).width
    3.0
    """

    kind: str = param("put", choices=("put", "call"), doc="bull put ('put') or bear call ('call')")
    short_strike: float = param(88.0, gt=0.0, doc="strike sold, $")
    long_strike: float = param(85.0, gt=0.0, doc="strike bought, $")
    expiration_days: int = param(45, ge=2, le=2520, doc="trading days to expiry")
    short_iv: float | None = param(None, gt=0.0, le=5.0, doc="IV of the short leg, decimal")
    long_iv: float | None = param(None, gt=0.0, le=5.0, doc="IV of the long leg, decimal")
    credit: float | None = param(None, gt=0.0, doc="credit received per share, $")
    short_half_spread: float | None = param(None, ge=0.0, doc="half bid-ask of the short leg, $")
    long_half_spread: float | None = param(None, ge=0.0, doc="half bid-ask of the long leg, $")

    def __post_init__(self) -> None:
        if isinstance(self.kind, str):
            try:
                object.__setattr__(self, "kind", normalize_kind(self.kind, "kind"))
            except ParameterError:
                pass
        validate(self)
        if self.kind == "put" and not self.long_strike < self.short_strike:
            raise ParameterError(
                describe_bad_value(
                    "long_strike", self.long_strike, f"< short_strike={self.short_strike} for puts"
                )
            )
        if self.kind == "call" and not self.long_strike > self.short_strike:
            raise ParameterError(
                describe_bad_value(
                    "long_strike", self.long_strike, f"> short_strike={self.short_strike} for calls"
                )
            )
        if self.credit is not None and self.credit >= self.width:
            raise ParameterError(describe_bad_value("credit", self.credit, f"< the width {self.width}"))

    @property
    def sign(self) -> float:
        """+1 for calls, -1 for puts."""
        return 1.0 if self.kind == "call" else -1.0

    @property
    def width(self) -> float:
        """Distance between the strikes, $ per share."""
        return abs(self.short_strike - self.long_strike)

    @property
    def label(self) -> str:
        """Short text such as ``"put 88/85 45d"``."""
        return f"{self.kind} {self.short_strike:g}/{self.long_strike:g} {self.expiration_days}d"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return {
            "kind": self.kind,
            "short_strike": self.short_strike,
            "long_strike": self.long_strike,
            "expiration_days": self.expiration_days,
            "short_iv": self.short_iv,
            "long_iv": self.long_iv,
            "credit": self.credit,
            "short_half_spread": self.short_half_spread,
            "long_half_spread": self.long_half_spread,
        }


def leg_delta(kind: str, spot: float, strike: float, days: int, iv: float, rate: float, div: float) -> float:
    """Black-Scholes delta of one option (``days`` trading days to expiry)."""
    sign = 1.0 if normalize_kind(kind) == "call" else -1.0
    return float(bs_greeks_scalar(sign, spot, strike, days / TRADING_DAYS, rate, div, iv)[1])


def spread_from_delta(
    calibration: OverlayCalibration,
    kind: str,
    delta: float,
    width: float,
    expiration_days: int,
    *,
    risk_free_rate: float = 0.05,
    dividend_yield: float = 0.0,
    strike_step: float = 1.0,
) -> CreditSpread:
    """Pick the short strike whose model delta is ``delta`` (absolute) and the long leg ``width`` away.

    The strike solves the Black-Scholes delta at the vol model's IV (with its skew), then is
    rounded to the nearest multiple of ``strike_step`` (TLT lists $1 strikes).

    Parameters
    ----------
    calibration : OverlayCalibration
        Spot, vol model.
    kind : {"put", "call"}
        Spread type.
    delta : float
        Absolute delta of the short leg, in (0, 1).
    width : float
        Strike distance, $ (> 0).
    expiration_days : int
        Trading days to expiry.
    risk_free_rate : float, default=0.05
        Continuously compounded rate, decimal.
    dividend_yield : float, default=0.0
        Continuous dividend yield of TLT, decimal.
    strike_step : float, default=1.0
        Strike grid, $.

    Returns
    -------
    CreditSpread
        ``short_iv``/``long_iv`` set from the vol model; ``credit`` left to the fill model.
    """
    k = normalize_kind(kind)
    if not 0.0 < float(delta) < 1.0:
        raise ParameterError(describe_bad_value("delta", delta, "an absolute delta in (0, 1)"))
    if not float(width) > 0.0:
        raise ParameterError(describe_bad_value("width", width, "a strike distance > 0"))
    if not float(strike_step) > 0.0:
        raise ParameterError(describe_bad_value("strike_step", strike_step, "a number > 0"))
    spot = calibration.current.tlt_price
    T = expiration_days / TRADING_DAYS
    vol = calibration.volatility
    sign = 1.0 if k == "call" else -1.0
    strike = spot
    for _ in range(20):  # fixed point on the skew
        iv = float(vol.leg_iv(strike, spot))
        sq = iv * math.sqrt(T)
        # call delta e^{-qT} N(d1) = delta;  put delta -e^{-qT} N(-d1) = -delta
        target = min(max(float(delta) * math.exp(dividend_yield * T), 1e-9), 1.0 - 1e-9)
        d1 = sign * float(ndtri(target))
        new = spot * math.exp(-(d1 - 0.5 * sq) * sq + (risk_free_rate - dividend_yield) * T)
        if abs(new - strike) < 1e-10:
            break
        strike = new
    short = round(strike / strike_step) * strike_step
    long = short - width if k == "put" else short + width
    if long <= 0:
        raise ParameterError(describe_bad_value("width", width, f"< the short strike {short:g}"))
    return CreditSpread(
        kind=k,
        short_strike=float(short),
        long_strike=float(long),
        expiration_days=int(expiration_days),
        short_iv=float(vol.leg_iv(short, spot)),
        long_iv=float(vol.leg_iv(long, spot)),
    )


def model_mid(
    spread: CreditSpread,
    spot: float,
    short_iv: float,
    long_iv: float,
    risk_free_rate: float,
    dividend_yield: float,
) -> float:
    """Black-Scholes mid of the spread at entry (short leg minus long leg), per share."""
    T = spread.expiration_days / TRADING_DAYS
    s = spread.sign
    return float(
        bs_price_scalar(s, spot, spread.short_strike, T, risk_free_rate, dividend_yield, short_iv)
        - bs_price_scalar(s, spot, spread.long_strike, T, risk_free_rate, dividend_yield, long_iv)
    )
