"""Parameter set and small pure study functions behind notebook 01 (option pricing).

Notebook ``01_option_pricing`` is thin: it builds an :class:`OptionPricingParams`, calls the
study functions below and hands the resulting frames to :mod:`tailkit.charts.pricing`. The
widget panel in ``widgets.pricing`` calls the same functions, so nothing numerical lives in a
notebook cell or a widget callback.

Units: spot and strikes in price units, rates, dividend yields and vols as decimals per year
(continuously compounded), expiries in calendar days (``T = days / 365``).

Examples
--------
>>> study = option_pricing_study(OptionPricingParams())
>>> study.max_iv_error < 1e-9
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float1D
from tailkit.errors import ParameterError
from tailkit.params import param, validate
from tailkit.pricing import (
    bs_greeks,
    bs_price,
    implied_vol,
    merton_jump_price,
)
from tailkit.pricing.smile import quadratic_smile

__all__ = [
    "DAYS_PER_YEAR",
    "CHAIN_STRIKES",
    "OptionPricingParams",
    "OptionPricingStudy",
    "strike_grid",
    "greeks_grid",
    "jump_premium_table",
    "synthetic_chain",
    "implied_vol_roundtrip",
    "option_pricing_study",
]

#: calendar days per year used to turn "days to expiry" into ``T`` in years
DAYS_PER_YEAR = 365.0

#: number of strikes in notebook 01's small synthetic chain (spanning the strike grid)
CHAIN_STRIKES = 11

_GREEKS = ("price", "delta", "gamma", "vega", "theta", "rho")


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionPricingParams:
    """Parameters of notebook ``01_option_pricing``.

    The strike grid runs from ``strike_low`` to ``strike_high`` (fractions of ``spot``) in
    ``n_strikes`` steps, for each expiry in ``expiries_days``. The jump section compares
    Black-Scholes with Merton (1976) jumps for an OTM put at ``otm_put_moneyness``; the
    implied-vol section inverts a synthetic chain priced from the skew
    ``vol(k) = vol + skew_slope * k + skew_curvature * k**2`` with ``k = ln(K / F)``.
    """

    kind: str = param("put", choices=("call", "put"), doc="option type of the strike x expiry grid")
    spot: float = param(100.0, gt=0.0, le=1e6, doc="underlying price")
    rate: float = param(0.04, ge=-0.05, le=0.25, doc="risk-free rate, decimal, continuously compounded")
    div: float = param(0.0, ge=0.0, le=0.20, doc="dividend yield, decimal, continuously compounded")
    vol: float = param(0.20, gt=0.0, le=2.0, doc="Black-Scholes (diffusion) volatility, decimal per year")
    strike_low: float = param(0.80, gt=0.0, lt=1.0, doc="lowest strike as a fraction of spot")
    strike_high: float = param(1.20, gt=1.0, le=5.0, doc="highest strike as a fraction of spot")
    n_strikes: int = param(41, ge=3, le=401, doc="number of strikes in the grid")
    expiries_days: tuple[int, ...] = param(
        (7, 30, 91, 182, 365), ge=1, le=3650, doc="expiries of the grid, calendar days"
    )
    greek: str = param("delta", choices=_GREEKS, doc="Greek drawn across strikes and expiries")
    jump_intensity: float = param(0.25, ge=0.0, le=10.0, doc="Merton jumps per year (lambda)")
    jump_mean: float = param(-0.10, ge=-1.0, le=0.5, doc="mean log jump size (negative = crashes)")
    jump_vol: float = param(0.15, ge=0.0, le=2.0, doc="standard deviation of the log jump size")
    jump_expiry_days: int = param(91, ge=1, le=3650, doc="expiry of the jump comparison, days")
    otm_put_moneyness: float = param(0.90, gt=0.0, lt=1.0, doc="strike / spot of the OTM put")
    skew_slope: float = param(-0.80, ge=-5.0, le=5.0, doc="synthetic skew: dvol / dln(K/F)")
    skew_curvature: float = param(0.50, ge=0.0, le=20.0, doc="synthetic skew: curvature in ln(K/F)")
    chain_expiry_days: int = param(30, ge=1, le=3650, doc="expiry of the synthetic chain, days")

    def __post_init__(self) -> None:
        validate(self)
        if len(self.expiries_days) == 0:
            raise ParameterError("expiries_days=() is not allowed: expected at least one expiry in days")
        if len(set(self.expiries_days)) != len(self.expiries_days):
            raise ParameterError(
                f"expiries_days={self.expiries_days!r} is not allowed: expected distinct expiries"
            )


def strike_grid(spot: float, strike_low: float, strike_high: float, n_strikes: int) -> Float1D:
    """Return ``n_strikes`` evenly spaced strikes from ``strike_low*spot`` to ``strike_high*spot``.

    Parameters
    ----------
    spot : float
        Underlying price.
    strike_low, strike_high : float
        Grid ends as fractions of ``spot``.
    n_strikes : int
        Number of strikes.

    Returns
    -------
    ndarray of shape (n_strikes,)
        Strikes in price units.
    """
    return np.linspace(strike_low * spot, strike_high * spot, int(n_strikes))


def greeks_grid(
    kind: str,
    spot: float,
    strikes: Any,
    expiries_days: Any,
    rate: float,
    vol: float,
    div: float = 0.0,
) -> pd.DataFrame:
    """Black-Scholes price and Greeks on a strike x expiry grid, as a tidy table.

    Parameters
    ----------
    kind : {"call", "put"}
        Option type.
    spot : float
        Underlying price.
    strikes : array_like of shape (n_strikes,)
        Strikes.
    expiries_days : array_like of shape (n_expiries,)
        Expiries in calendar days.
    rate, vol, div : float
        Rate, volatility and dividend yield, decimals per year.

    Returns
    -------
    pandas.DataFrame
        One row per (expiry, strike), ``n_expiries * n_strikes`` rows, columns
        ``expiry_days, T, strike, moneyness`` (K / S), ``price``, ``delta``, ``gamma``,
        ``vega`` (per vol point, 0.01), ``theta`` (per calendar day), ``rho`` (per 1.00 of rate).
    """
    k = np.asarray(strikes, dtype=np.float64).ravel()
    days = np.asarray(expiries_days, dtype=np.float64).ravel()
    T = days[:, None] / DAYS_PER_YEAR
    K = k[None, :]
    g = bs_greeks(kind, spot, K, T, rate, vol, div)
    shape = (days.size, k.size)

    def flat(x: Any) -> Float1D:
        return np.broadcast_to(np.asarray(x, dtype=np.float64), shape).ravel()

    return pd.DataFrame(
        {
            "expiry_days": flat(days[:, None]).astype(np.int64),
            "T": flat(T),
            "strike": flat(K),
            "moneyness": flat(K / spot),
            "price": flat(g.price),
            "delta": flat(g.delta),
            "gamma": flat(g.gamma),
            "vega": flat(g.vega_per_point()),
            "theta": flat(g.theta_per_day()),
            "rho": flat(g.rho),
        }
    )


def jump_premium_table(
    spot: float,
    strikes: Any,
    T: float,
    rate: float,
    vol: float,
    jump_intensity: float,
    jump_mean: float,
    jump_vol: float,
    div: float = 0.0,
) -> pd.DataFrame:
    """Put prices under Black-Scholes and under Merton jumps, and the crash premium.

    ``crash_premium = merton_price - bs_price`` where both use the same diffusion ``vol``:
    the part of the put's price paid for the jumps. ``crash_share`` is that premium as a
    fraction of the Merton price. ``bs_matched_price`` is Black-Scholes at the vol with the
    same total variance as the jump model, ``sqrt(vol**2 + lambda * (m**2 + s**2))``; what
    Merton still charges above it is the price of the crash *shape* (fat left tail), not
    just of extra variance.

    Parameters
    ----------
    spot : float
        Underlying price.
    strikes : array_like of shape (n_strikes,)
        Put strikes.
    T : float
        Time to expiry, years.
    rate, vol, div : float
        Rate, diffusion volatility and dividend yield, decimals per year.
    jump_intensity : float
        Jumps per year.
    jump_mean, jump_vol : float
        Mean and standard deviation of the log jump size.

    Returns
    -------
    pandas.DataFrame
        One row per strike: ``strike, moneyness, bs_price, merton_price, bs_matched_price,
        matched_vol, crash_premium, crash_share, shape_premium``.
    """
    k = np.asarray(strikes, dtype=np.float64).ravel()
    bs = np.asarray(bs_price("put", spot, k, T, rate, vol, div), dtype=np.float64)
    mj = np.asarray(
        merton_jump_price("put", spot, k, T, rate, vol, jump_intensity, jump_mean, jump_vol, div),
        dtype=np.float64,
    )
    matched_vol = float(np.sqrt(vol**2 + jump_intensity * (jump_mean**2 + jump_vol**2)))
    matched = np.asarray(bs_price("put", spot, k, T, rate, matched_vol, div), dtype=np.float64)
    premium = mj - bs
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(mj > 0.0, premium / np.where(mj > 0.0, mj, 1.0), np.nan)
    return pd.DataFrame(
        {
            "strike": k,
            "moneyness": k / spot,
            "bs_price": bs,
            "merton_price": mj,
            "bs_matched_price": matched,
            "matched_vol": np.full(k.size, matched_vol),
            "crash_premium": premium,
            "crash_share": share,
            "shape_premium": mj - matched,
        }
    )


def synthetic_chain(
    spot: float,
    strikes: Any,
    T: float,
    rate: float,
    atm_vol: float,
    slope: float,
    curvature: float,
    div: float = 0.0,
) -> pd.DataFrame:
    """A SYNTHETIC option chain priced by Black-Scholes from the quadratic smile :func:`tailkit.pricing.smile.quadratic_smile`.

    Out-of-the-money options only, as quoted in practice: puts below the forward, calls at
    and above it. Prices are exact model prices (no bid/ask, no rounding).

    Parameters
    ----------
    spot : float
        Underlying price.
    strikes : array_like of shape (n_strikes,)
        Strikes.
    T : float
        Time to expiry, years.
    rate, div : float
        Rate and dividend yield, decimals.
    atm_vol, slope, curvature : float
        Smile coefficients (see :func:`tailkit.pricing.smile.quadratic_smile`).

    Returns
    -------
    pandas.DataFrame
        ``strike, kind, log_moneyness, iv_true, price, source`` (``source == "synthetic"``).
    """
    k = np.asarray(strikes, dtype=np.float64).ravel()
    forward = spot * np.exp((rate - div) * T)
    logm = np.log(k / forward)
    iv = quadratic_smile(logm, atm_vol, slope, curvature)
    kinds = np.where(k < forward, "put", "call")
    price = np.asarray(bs_price(kinds, spot, k, T, rate, iv, div), dtype=np.float64)
    return pd.DataFrame(
        {
            "strike": k,
            "kind": kinds,
            "log_moneyness": logm,
            "iv_true": iv,
            "price": price,
            "source": "synthetic",
        }
    )


def implied_vol_roundtrip(
    chain: pd.DataFrame, spot: float, T: float, rate: float, div: float = 0.0
) -> pd.DataFrame:
    """Invert each price of ``chain`` back to a vol and report the round-trip error.

    Parameters
    ----------
    chain : pandas.DataFrame
        Output of :func:`synthetic_chain` (columns ``strike, kind, price, iv_true``).
    spot, T, rate, div : float
        Market inputs used to price the chain.

    Returns
    -------
    pandas.DataFrame
        ``chain`` plus ``iv`` (recovered, NaN where no vol fits), ``iv_error`` (``iv - iv_true``)
        and ``iv_status`` (text, "ok" when the inversion converged).
    """
    res = implied_vol(
        chain["price"].to_numpy(), chain["kind"].to_numpy(), spot, chain["strike"].to_numpy(), T, rate, div
    )
    out = chain.copy()
    out["iv"] = np.asarray(res.vol, dtype=np.float64)
    out["iv_error"] = out["iv"] - out["iv_true"]
    out["iv_status"] = res.to_frame()["status_text"].to_numpy()
    return out


@dataclass(frozen=True, slots=True)
class OptionPricingStudy:
    """Everything notebook 01 shows, computed from one :class:`OptionPricingParams`.

    Attributes
    ----------
    params : OptionPricingParams
        The inputs.
    grid : pandas.DataFrame
        :func:`greeks_grid` on the strike x expiry grid.
    jumps : pandas.DataFrame
        :func:`jump_premium_table` on the strike grid at ``jump_expiry_days``.
    otm_put : dict
        The jump comparison for the single OTM put at ``otm_put_moneyness``.
    chain : pandas.DataFrame
        :func:`implied_vol_roundtrip` of the synthetic chain (:data:`CHAIN_STRIKES` strikes
        spanning the grid).
    """

    params: OptionPricingParams
    grid: pd.DataFrame
    jumps: pd.DataFrame
    otm_put: dict[str, float]
    chain: pd.DataFrame

    def atm_price(self, kind: str = "call", expiry_days: int | None = None) -> float:
        """Black-Scholes price of the at-the-money option (strike = spot) at an expiry (days)."""
        p = self.params
        days = expiry_days if expiry_days is not None else p.jump_expiry_days
        return float(bs_price(kind, p.spot, p.spot, days / DAYS_PER_YEAR, p.rate, p.vol, p.div))

    @property
    def max_iv_error(self) -> float:
        """Largest absolute implied-vol round-trip error over the chain (decimal vol)."""
        return float(np.nanmax(np.abs(self.chain["iv_error"].to_numpy())))

    def to_dict(self) -> dict[str, float]:
        """Headline numbers (the notebook's summary line)."""
        return {
            "atm_call_price": round(self.atm_price("call"), 6),
            "atm_call_expiry_days": float(self.params.jump_expiry_days),
            "otm_put_bs_price": round(self.otm_put["bs_price"], 6),
            "otm_put_merton_price": round(self.otm_put["merton_price"], 6),
            "otm_put_crash_share": round(self.otm_put["crash_share"], 6),
            "max_iv_roundtrip_error": float(f"{self.max_iv_error:.3e}"),
            "iv_failures": float(int(self.chain["iv"].isna().sum())),
        }


def option_pricing_study(params: OptionPricingParams) -> OptionPricingStudy:
    """Compute notebook 01's tables from its parameters.

    Parameters
    ----------
    params : OptionPricingParams
        Inputs.

    Returns
    -------
    OptionPricingStudy
    """
    p = params
    strikes = strike_grid(p.spot, p.strike_low, p.strike_high, p.n_strikes)
    grid = greeks_grid(p.kind, p.spot, strikes, p.expiries_days, p.rate, p.vol, p.div)
    T_jump = p.jump_expiry_days / DAYS_PER_YEAR
    jump_args = (p.rate, p.vol, p.jump_intensity, p.jump_mean, p.jump_vol, p.div)
    jumps = jump_premium_table(p.spot, strikes, T_jump, *jump_args)
    one = jump_premium_table(p.spot, [p.otm_put_moneyness * p.spot], T_jump, *jump_args).iloc[0]
    otm_put = {
        k: float(one[k]) for k in ("strike", "bs_price", "merton_price", "crash_premium", "crash_share")
    }
    T_chain = p.chain_expiry_days / DAYS_PER_YEAR
    chain_strikes = strike_grid(p.spot, p.strike_low, p.strike_high, CHAIN_STRIKES)
    chain = synthetic_chain(
        p.spot, chain_strikes, T_chain, p.rate, p.vol, p.skew_slope, p.skew_curvature, p.div
    )
    chain = implied_vol_roundtrip(chain, p.spot, T_chain, p.rate, p.div)
    return OptionPricingStudy(params=p, grid=grid, jumps=jumps, otm_put=otm_put, chain=chain)
