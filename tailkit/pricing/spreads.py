"""Vertical credit spreads (bull put, bear call): credit, max profit/loss, breakeven, win probability."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tailkit._typing import ArrayLike, FloatOrArray
from tailkit._validation import normalize_kind
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.pricing._inputs import coerce, finite, nonnegative, positive
from tailkit.pricing.black_scholes import bs_greeks, bs_price
from tailkit.pricing.greeks import Greeks
from tailkit.pricing.structures import Structure, bear_call_spread, bull_put_spread

__all__ = ["CreditSpreadMetrics", "credit_spread_metrics"]


@dataclass(frozen=True, slots=True)
class CreditSpreadMetrics:
    """Headline numbers of one short vertical spread, per spread (per unit of underlying).

    Attributes
    ----------
    kind : {"put", "call"}
        "put" for a bull put spread, "call" for a bear call spread.
    credit : float or ndarray
        Premium received today, ``price(short leg) - price(long leg)``, > 0.
    width : float
        ``|short_strike - long_strike|``.
    max_profit : float or ndarray
        ``credit`` (both options expire worthless).
    max_loss : float or ndarray
        ``width - credit`` (both options finish in the money), > 0.
    breakeven : float or ndarray
        Underlying price at expiry where the P&L is zero: ``short_strike - credit`` (put) or
        ``short_strike + credit`` (call).
    pop : float or ndarray
        Probability of profit at expiry, in [0, 1]: ``P(S_T > breakeven)`` (put) or
        ``P(S_T < breakeven)`` (call) under a lognormal model (see :func:`credit_spread_metrics`).
    greeks : Greeks
        Greeks of the short spread position (quantities -1 short leg, +1 long leg).
    structure : Structure
        The spread as a :class:`Structure` (carries the per-leg vols when given).

    Notes
    -----
    Max profit, max loss and breakeven follow the trading-desk convention of adding the credit
    received today to the payoff at expiry without interest on it.
    """

    kind: str
    credit: FloatOrArray
    width: float
    max_profit: FloatOrArray
    max_loss: FloatOrArray
    breakeven: FloatOrArray
    pop: FloatOrArray
    greeks: Greeks
    structure: Structure

    def to_dict(self) -> dict[str, Any]:
        """Return the headline numbers and Greeks as a flat dict.

        Returns
        -------
        dict
            ``kind, credit, width, max_profit, max_loss, breakeven, pop`` and ``delta, gamma, vega,
            theta, rho, div_rho`` of the position (``price`` is ``-credit``), plus ``name``.
        """
        out: dict[str, Any] = {
            "kind": self.kind,
            "name": self.structure.name,
            "credit": self.credit,
            "width": self.width,
            "max_profit": self.max_profit,
            "max_loss": self.max_loss,
            "breakeven": self.breakeven,
            "pop": self.pop,
        }
        for key, value in self.greeks.to_dict().items():
            if key != "price":
                out[key] = value
        return out


def _prob_above(spot: Any, level: Any, T: float, vol: Any, drift: Any) -> Any:
    """P(S_T > level) for ln S_T ~ N(ln S + (drift - vol^2/2) T, vol^2 T)."""
    s = np.asarray(spot, dtype=np.float64)
    lv = np.asarray(level, dtype=np.float64)
    sig = np.asarray(vol, dtype=np.float64)
    mu = np.asarray(drift, dtype=np.float64)
    sd = sig * math.sqrt(T)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = np.log(s / np.where(lv > 0.0, lv, 1.0)) + (mu - 0.5 * sig * sig) * T
        z = np.where(sd > 0.0, num / np.where(sd > 0.0, sd, 1.0), np.where(num > 0.0, np.inf, -np.inf))
    z = np.where(lv <= 0.0, np.inf, z)
    from scipy.special import ndtr

    return ndtr(z)


def credit_spread_metrics(
    kind: Any,
    short_strike: float,
    long_strike: float,
    spot: ArrayLike,
    T: float,
    rate: ArrayLike,
    vol: ArrayLike,
    div: ArrayLike = 0.0,
    *,
    short_vol: ArrayLike | None = None,
    long_vol: ArrayLike | None = None,
    drift: ArrayLike | None = None,
) -> CreditSpreadMetrics:
    """Credit, max profit/loss, breakeven and probability of profit of a short vertical spread.

    Parameters
    ----------
    kind : {"put", "call"}
        "put": bull put spread (short the higher-strike put, long the lower);
        "call": bear call spread (short the lower-strike call, long the higher).
    short_strike : float
        Strike of the option sold.
    long_strike : float
        Strike of the option bought (below ``short_strike`` for puts, above it for calls).
    spot : float or array_like
        Underlying price today, > 0 (arrays give array-valued metrics).
    T : float
        Time to expiry in years, >= 0.
    rate : float or array_like
        Risk-free rate, continuously compounded decimal.
    vol : float or array_like
        Volatility (decimal) for any leg without its own vol, >= 0.
    div : float or array_like, default=0.0
        Continuous dividend yield.
    short_vol, long_vol : float or array_like, optional
        Per-leg volatilities (skew). Default: ``vol``.
    drift : float or array_like, optional
        Annual drift of the underlying (continuously compounded, decimal) for the probability of
        profit. Default: the risk-neutral drift ``rate - div``.

    Returns
    -------
    CreditSpreadMetrics
        Credit, width, max profit/loss, breakeven, pop, Greeks and the :class:`Structure`.

    Raises
    ------
    ParameterError
        Strikes not ordered for the spread type, bad market inputs, or a credit above the
        no-arbitrage bound ``width * exp(-rate * T)`` (so ``credit < width`` whenever ``rate >= 0``
        and ``T > 0``; only inconsistent per-leg vols can break it).

    Notes
    -----
    The probability of profit uses the lognormal law
    ``ln S_T ~ N(ln S + (drift - v^2/2) T, v^2 T)`` with ``v`` the short leg's volatility
    (``short_vol`` if given, else ``vol``): ``pop = N(d)`` (put) or ``N(-d)`` (call),
    ``d = (ln(S / breakeven) + (drift - v^2/2) T) / (v sqrt(T))``.

    Examples
    --------
    >>> m = credit_spread_metrics("put", 95.0, 90.0, spot=100.0, T=30 / 365, rate=0.04, vol=0.2)
    >>> bool(0.0 < m.credit < m.width), round(m.max_profit + m.max_loss, 12) == m.width
    (True, True)
    """
    spread = normalize_kind(kind)
    ks = float(coerce("short_strike", short_strike))
    kl = float(coerce("long_strike", long_strike))
    tt = float(coerce("T", T))
    for name, value in (("short_strike", ks), ("long_strike", kl)):
        if not (math.isfinite(value) and value > 0.0):
            raise ParameterError(describe_bad_value(name, value, "a finite strike > 0"))
    if not (math.isfinite(tt) and tt >= 0.0):
        raise ParameterError(describe_bad_value("T", T, "a finite time to expiry in years >= 0"))
    S = coerce("spot", spot)
    positive("spot", S)
    finite("rate", coerce("rate", rate))
    finite("div", coerce("div", div))
    nonnegative("vol", coerce("vol", vol))
    v_short = vol if short_vol is None else short_vol
    v_long = vol if long_vol is None else long_vol
    vs, vl = coerce("short_vol", v_short), coerce("long_vol", v_long)
    nonnegative("short_vol", vs)
    nonnegative("long_vol", vl)
    scalar_leg_vols = np.ndim(v_short) == 0 and np.ndim(v_long) == 0
    if spread == "put":
        if not ks > kl:
            raise ParameterError(
                describe_bad_value(
                    "short_strike", ks, f"a strike above long_strike={kl!r} for a bull put spread"
                )
            )
        builder = bull_put_spread
    else:
        if not ks < kl:
            raise ParameterError(
                describe_bad_value(
                    "short_strike", ks, f"a strike below long_strike={kl!r} for a bear call spread"
                )
            )
        builder = bear_call_spread
    structure = builder(
        ks,
        kl,
        tt,
        short_vol=float(vs) if scalar_leg_vols and short_vol is not None else None,
        long_vol=float(vl) if scalar_leg_vols and long_vol is not None else None,
    )
    short_px = np.asarray(bs_price(spread, S, ks, tt, rate, v_short, div))
    long_px = np.asarray(bs_price(spread, S, kl, tt, rate, v_long, div))
    credit = short_px - long_px
    width = abs(ks - kl)
    # no-arbitrage: a vertical's value never exceeds its discounted width (equality only at expiry
    # or zero vol); a larger credit can only come from inconsistent per-leg vols
    bound = width * np.exp(-np.asarray(rate, dtype=np.float64) * tt)
    if np.any(credit > bound * (1.0 + 1e-12)):
        raise ParameterError(
            describe_bad_value(
                "credit",
                _first(credit[credit > bound * (1.0 + 1e-12)] if credit.ndim else credit),
                f"a credit below the discounted spread width {width!r} * exp(-rate * T) (check the leg vols)",
            )
        )
    max_loss = width - credit
    breakeven = ks - credit if spread == "put" else ks + credit
    mu = (np.asarray(rate, dtype=np.float64) - np.asarray(div, dtype=np.float64)) if drift is None else drift
    finite("drift", coerce("drift", mu))
    p_above = _prob_above(S, breakeven, tt, v_short, mu)
    pop = p_above if spread == "put" else 1.0 - p_above
    # the short spread's Greeks: -1 x short leg, +1 x long leg (legs may carry array vols)
    g_short = _leg_greeks(spread, S, ks, tt, rate, v_short, div)
    g_long = _leg_greeks(spread, S, kl, tt, rate, v_long, div)
    greeks = g_long + g_short.scaled(-1.0)
    return CreditSpreadMetrics(
        kind=spread,
        credit=_out(credit),
        width=width,
        max_profit=_out(credit),
        max_loss=_out(max_loss),
        breakeven=_out(breakeven),
        pop=_out(pop),
        greeks=Greeks(*(_out(v) for v in greeks.to_dict().values())),
        structure=structure,
    )


def _leg_greeks(kind: str, S: Any, K: float, T: float, rate: Any, vol: Any, div: Any) -> Greeks:
    return bs_greeks(kind, S, K, T, rate, vol, div)


def _first(x: Any) -> float:
    return float(np.asarray(x, dtype=np.float64).ravel()[0])


def _out(x: Any) -> FloatOrArray:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr
