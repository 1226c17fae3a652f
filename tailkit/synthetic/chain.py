"""The SYNTHETIC TLT option chain: monthly expiries, a quadratic smile, Black-Scholes-Merton quotes.

The model is described in :mod:`tailkit.synthetic.files`, which makes the bundled chain with it.
Everything made here is synthetic, not market data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, SeedLike
from tailkit.data.option_chain import CHAIN_COLUMNS
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.pricing import bs_greeks, bs_price
from tailkit.pricing.smile import quadratic_smile
from tailkit.rng import make_generator
from tailkit.synthetic.history import DEFAULT_SEED, as_day

__all__ = ["SyntheticChainParams", "monthly_expiries", "synthetic_option_chain"]

_DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SyntheticChainParams:
    """Parameters of the SYNTHETIC option chain: expiries, strikes, smile, quotes, activity.

    Vols and rates are decimals; DTE in calendar days; prices in USD per share.
    """

    min_dte: int = param(30, ge=1, le=1000, doc="shortest expiry kept, calendar days")
    max_dte: int = param(120, ge=1, le=1000, doc="longest expiry kept, calendar days")
    strike_step: float = param(1.0, gt=0.0, le=100.0, doc="strike spacing, USD")
    strike_range: float = param(0.15, gt=0.0, lt=1.0, doc="strikes within +-this fraction of spot")
    base_iv: float = param(0.16, gt=0.0, le=3.0, doc="at-the-forward implied vol, decimal")
    skew: float = param(-0.25, ge=-5.0, le=5.0, doc="smile slope dIV/dln(K/F)")
    curvature: float = param(1.0, ge=0.0, le=50.0, doc="smile curvature in ln(K/F)")
    iv_floor: float = param(0.05, gt=0.0, le=1.0, doc="lowest implied vol, decimal")
    rate: float = param(0.045, ge=-0.05, le=0.25, doc="risk-free rate, decimal, continuously compounded")
    div_yield: float = param(0.0, ge=0.0, le=0.25, doc="dividend yield, decimal (0: no distributions)")
    tick: float = param(0.01, gt=0.0, le=1.0, doc="quote tick, USD")
    min_half_spread: float = param(0.01, ge=0.0, le=10.0, doc="smallest half bid-ask spread, USD")
    rel_half_spread: float = param(0.015, ge=0.0, le=1.0, doc="half-spread per USD of model price")
    max_half_spread: float = param(0.10, ge=0.0, le=10.0, doc="largest half bid-ask spread, USD")
    oi_atm: float = param(8000.0, ge=0.0, le=1e7, doc="mean open interest at the money, contracts")
    oi_width: float = param(0.08, gt=0.0, le=5.0, doc="open interest decay width in ln(K/F)")
    volume_ratio: float = param(0.05, ge=0.0, le=10.0, doc="mean daily volume per unit of mean OI")
    quote_time: str = param("16:00:00", doc="quote time written to every row (HH:MM:SS)")

    def __post_init__(self) -> None:
        validate(self)
        if self.max_dte < self.min_dte:
            raise ParameterError(
                describe_bad_value("max_dte", self.max_dte, f"an int >= min_dte={self.min_dte}")
            )
        if self.max_half_spread < self.min_half_spread:
            raise ParameterError(
                describe_bad_value(
                    "max_half_spread", self.max_half_spread, f">= min_half_spread={self.min_half_spread}"
                )
            )


def monthly_expiries(quote_date: str | pd.Timestamp, min_dte: int, max_dte: int) -> pd.DatetimeIndex:
    """Third Fridays of the month between ``min_dte`` and ``max_dte`` calendar days ahead.

    Parameters
    ----------
    quote_date : str or Timestamp
        The quote date.
    min_dte, max_dte : int
        Calendar days to expiry, inclusive bounds.

    Returns
    -------
    DatetimeIndex
        Expiration dates, ascending (exchange holidays are not adjusted).

    Examples
    --------
    >>> [d.date().isoformat() for d in monthly_expiries("2024-12-31", 30, 120)]
    ['2025-02-21', '2025-03-21', '2025-04-18']
    """
    day = as_day("quote_date", quote_date)
    out = []
    month = pd.Timestamp(year=day.year, month=day.month, day=1)
    last = day + pd.Timedelta(days=int(max_dte))
    while month <= last:
        first_friday = 1 + (4 - month.weekday()) % 7
        expiry = month + pd.Timedelta(days=first_friday - 1 + 14)
        if min_dte <= (expiry - day).days <= max_dte:
            out.append(expiry)
        month = month + pd.offsets.MonthBegin(1)
    return pd.DatetimeIndex(out, name="expiration_date")


def _quotes(price: Float1D, p: SyntheticChainParams) -> tuple[Float1D, Float1D]:
    half = np.minimum(p.max_half_spread, p.min_half_spread + p.rel_half_spread * price)
    ticks_bid = np.maximum(np.floor((price - half) / p.tick + 1e-9), 0.0)
    ticks_ask = np.maximum(np.ceil((price + half) / p.tick - 1e-9), ticks_bid + 1.0)
    return np.round(ticks_bid * p.tick, 10), np.round(ticks_ask * p.tick, 10)


def synthetic_option_chain(
    underlying: float,
    quote_date: str | pd.Timestamp,
    *,
    params: SyntheticChainParams | None = None,
    seed: SeedLike = DEFAULT_SEED,
) -> pd.DataFrame:
    """Make a SYNTHETIC option chain in the option-chain CSV format.

    Monthly expiries, a put and a call at every strike, priced by Black-Scholes-Merton at the
    documented smile ``IV(K) = max(base_iv + skew k + curvature k**2, iv_floor)``,
    ``k = ln(K/F)``, quoted at bid/ask around the model price with the documented
    half-spread, Greeks at the model IV and random integer volume and open interest (see the
    module docstring for every formula).

    Parameters
    ----------
    underlying : float
        Underlying (TLT) price on the quote date, USD.
    quote_date : str or Timestamp
        Quote date.
    params : SyntheticChainParams, optional
        Expiries, strikes, smile, quote and activity model (default
        :class:`SyntheticChainParams()`).
    seed : int, Generator, SeedSequence or None, default=20241238
        Randomness of volume and open interest.

    Returns
    -------
    DataFrame of shape (n_quotes, 15)
        Exactly the columns of :data:`tailkit.data.CHAIN_COLUMNS`, with ``implied_vol`` as a
        **decimal** (0.162; :func:`~tailkit.data.write_option_chain` writes percent),
        ``theta`` per calendar day and ``vega`` per vol point. Sorted by type, expiry, strike.
        Values are rounded as an export would be (prices to the tick, IV to 1e-6).

    Raises
    ------
    ParameterError
        Non-positive ``underlying`` or an unparsable ``quote_date``.
    DataError
        No monthly expiry within ``[min_dte, max_dte]`` or no strike in the range.

    Examples
    --------
    >>> chain = synthetic_option_chain(90.0, "2024-12-31")
    >>> chain["expiration_date"].nunique(), bool((chain["bid"] <= chain["ask"]).all())
    (3, True)
    """
    p = params if params is not None else SyntheticChainParams()
    if not (isinstance(underlying, int | float) and math.isfinite(underlying) and underlying > 0):
        raise ParameterError(describe_bad_value("underlying", underlying, "a price > 0"))
    spot = round(float(underlying), 2)
    day = as_day("quote_date", quote_date)
    expiries = monthly_expiries(day, p.min_dte, p.max_dte)
    if len(expiries) == 0:
        raise DataError(
            f"synthetic_option_chain: no third-Friday expiry between {p.min_dte} and {p.max_dte} "
            f"days after {day.date().isoformat()}"
        )
    lo = math.ceil(spot * (1.0 - p.strike_range) / p.strike_step - 1e-9)
    hi = math.floor(spot * (1.0 + p.strike_range) / p.strike_step + 1e-9)
    strikes = np.round(np.arange(max(lo, 1), hi + 1) * p.strike_step, 10)
    if strikes.size == 0:
        raise DataError("synthetic_option_chain: no strike within strike_range of the underlying")
    dte = np.asarray((expiries - day).days, dtype=np.int64)
    kinds = np.array(["put", "call"], dtype=object)
    # grid order: type, expiry, strike
    kind_g, dte_g, strike_g = (a.ravel() for a in np.meshgrid(kinds, dte, strikes, indexing="ij"))
    dte_g = dte_g.astype(np.int64)
    expiry_g = day + pd.to_timedelta(dte_g, unit="D")
    T = dte_g / _DAYS_PER_YEAR
    forward = spot * np.exp((p.rate - p.div_yield) * T)
    k = np.log(strike_g.astype(np.float64) / forward)
    iv = quadratic_smile(k, p.base_iv, p.skew, p.curvature, p.iv_floor)
    strike_f = strike_g.astype(np.float64)
    price = np.asarray(bs_price(kind_g, spot, strike_f, T, p.rate, iv, p.div_yield), dtype=np.float64)
    g = bs_greeks(kind_g, spot, strike_f, T, p.rate, iv, p.div_yield)
    bid, ask = _quotes(price, p)
    gen = make_generator(seed)
    oi_mean = p.oi_atm * np.exp(-0.5 * (k / p.oi_width) ** 2) + 10.0
    open_interest = gen.poisson(oi_mean)
    volume = gen.poisson(p.volume_ratio * oi_mean)
    return pd.DataFrame(
        {
            "quote_date": pd.DatetimeIndex(np.full(kind_g.size, day)),
            "quote_time": p.quote_time,
            "underlying_price": spot,
            "option_type": kind_g,
            "expiration_date": pd.DatetimeIndex(expiry_g),
            "strike": strike_f,
            "bid": bid,
            "ask": ask,
            "implied_vol": np.round(iv, 6),
            "delta": np.round(np.asarray(g.delta, dtype=np.float64), 4),
            "gamma": np.round(np.asarray(g.gamma, dtype=np.float64), 5),
            "theta": np.round(np.asarray(g.theta, dtype=np.float64) / _DAYS_PER_YEAR, 4),
            "vega": np.round(np.asarray(g.vega, dtype=np.float64) / 100.0, 4),
            "volume": volume.astype(np.int64),
            "open_interest": open_interest.astype(np.int64),
        },
        columns=list(CHAIN_COLUMNS),
    )
