"""SYNTHETIC long-Treasury yields, TLT closes and a TLT option chain, for the overlay demos.

No real TLT prices, long yields or TLT option quotes can be bundled with tailkit, so the
overlay's commands and notebooks run out of the box on data made here. **Everything this
module makes is synthetic**: the generator's parameters below are assumptions chosen by
hand to *resemble* long-Treasury behaviour from 2015 to 2024 (yield levels mostly between
1.5% and 5%, strong mean reversion over a few years, 20y/30y shocks correlated at 0.97,
TLT near 120 at a 3% yield, about 12% realised vol). They were **not fitted to real data**;
nothing derived from real market data ships with them. Use your own files for real work.
A Gaussian model allows big excursions: the bundled path (seed 20241231) falls to a 20y yield
of 0.09% and TLT to 189 in 2016 (a 3-sigma rally), then spends 2019-2024 between 2.7% and
4.5%; the overlay's default calibration window (2019 onward, 2020-03 to 2021-12 excluded)
sees only the latter. ``provenance.json`` records each column's range.

Models
------
History (:func:`synthetic_history`, parameters :class:`SyntheticHistoryParams`):

* ``(yield_20y, yield_30y)`` follow a bivariate Vasicek process, simulated exactly with
  :func:`tailkit.simulation.simulate_vasicek` on business days (``dt = 1/252``):
  ``dy_i = kappa_i (theta_i - y_i) dt + sigma_i dW_i``, ``d<W_20, W_30> = rho dt``.
* ``tlt_close = exp(alpha + beta * ybar + gamma * ybar**2 + e_t)``, ``ybar`` the mean of the
  two yields (decimals) and ``e_t`` a stationary AR(1) tracking error
  ``e_t = phi e_{t-1} + sd sqrt(1 - phi**2) z_t`` (distributions, roll and ETF premium move
  real TLT away from any yield formula; the AR(1) keeps that error persistent and small).

Chain (:func:`synthetic_option_chain`, parameters :class:`SyntheticChainParams`):

* Expiries: the third Friday of each month with ``min_dte <= DTE <= max_dte`` calendar days
  (exchange holidays are not adjusted). Strikes every ``strike_step`` within
  ``+-strike_range`` of the underlying; a put and a call at each strike.
* Implied vol smile ``IV(K) = max(base_iv + skew * k + curvature * k**2, iv_floor)`` with
  ``k = ln(K / F)``, ``F = S exp((rate - div_yield) T)``, ``T = DTE / 365``.
* Model price: Black-Scholes-Merton (:func:`tailkit.pricing.bs_price`) at that IV.
* Quotes: half-spread ``h = min(max_half_spread, min_half_spread + rel_half_spread * price)``;
  ``bid = floor((price - h) / tick) * tick`` (at least 0), ``ask = ceil((price + h) / tick)
  * tick`` (at least ``bid + tick``).
* Greeks from :func:`tailkit.pricing.bs_greeks` at the model IV: ``delta``, ``gamma``,
  ``theta`` per calendar day, ``vega`` per vol point (0.01), as in Bloomberg exports.
* Open interest ``~ Poisson(oi_atm * exp(-k**2 / (2 oi_width**2)) + 10)`` and volume
  ``~ Poisson(volume_ratio * that mean)``: integers, the only random part of the chain.

Bundled files (``tailkit/data/synthetic_overlay/``, rewritten deterministically by
``python -m tailkit.data.synthetic``): ``synthetic_tlt_history.csv`` (yields in percent, as
users' files), ``synthetic_tlt_chain.csv`` (the chain on the last history date) and
``provenance.json`` (generator, seeds, parameters, ``"synthetic": true``).

Examples
--------
>>> hist = load_synthetic_history()
>>> hist.columns.tolist()
['yield_20y', 'yield_30y', 'tlt_close']
>>> read = load_synthetic_chain()
>>> sorted(read.chain["option_type"].unique())
['call', 'put']
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, SeedLike
from tailkit.data.history import read_history
from tailkit.data.option_chain import CHAIN_COLUMNS, OptionChainRead, read_option_chain, write_option_chain
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import atomic_write_text, param, validate
from tailkit.pricing import bs_greeks, bs_price
from tailkit.rng import make_generator, seed_sequence
from tailkit.simulation import VasicekParams, simulate_vasicek

__all__ = [
    "DEFAULT_SEED",
    "HISTORY_START",
    "HISTORY_END",
    "SYNTHETIC_DIR",
    "SyntheticChainParams",
    "SyntheticFiles",
    "SyntheticHistoryParams",
    "load_synthetic_chain",
    "load_synthetic_history",
    "monthly_expiries",
    "synthetic_file_texts",
    "synthetic_history",
    "synthetic_option_chain",
    "synthetic_paths",
    "write_synthetic_files",
]

#: Seed of the bundled files.
DEFAULT_SEED = 20241231
#: First and last date of the bundled history.
HISTORY_START = "2015-01-02"
HISTORY_END = "2024-12-31"
#: Folder of the bundled synthetic overlay files.
SYNTHETIC_DIR = Path(__file__).resolve().parent / "synthetic_overlay"

_HISTORY_FILE = "synthetic_tlt_history.csv"
_CHAIN_FILE = "synthetic_tlt_chain.csv"
_PROVENANCE_FILE = "provenance.json"
_DT = 1.0 / 252.0
_DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SyntheticHistoryParams:
    """Parameters of the SYNTHETIC yield/TLT history (assumptions, not fitted to real data).

    Yields are decimals, ``kappa`` per year, ``sigma`` decimal per sqrt(year). The defaults
    give 20y/30y yields with a long-run mean near 3.2%/3.3%, a stationary standard deviation
    of about 0.8% (so levels mostly within 1.5-5%), a daily move of about 5 bp, and TLT near
    120 at a 3% yield with a yield sensitivity (``-beta``) of 18 (TLT's duration is 16-18).
    """

    kappa_20: float = param(0.50, gt=0.0, le=20.0, doc="20y mean-reversion speed, per year")
    theta_20: float = param(0.032, ge=-0.05, le=0.20, doc="20y long-run mean, decimal")
    sigma_20: float = param(0.0080, gt=0.0, le=0.10, doc="20y volatility, decimal per sqrt(year)")
    kappa_30: float = param(0.48, gt=0.0, le=20.0, doc="30y mean-reversion speed, per year")
    theta_30: float = param(0.033, ge=-0.05, le=0.20, doc="30y long-run mean, decimal")
    sigma_30: float = param(0.0076, gt=0.0, le=0.10, doc="30y volatility, decimal per sqrt(year)")
    rho: float = param(0.97, ge=-0.999, le=0.999, doc="correlation of the 20y and 30y shocks")
    yield_20y_start: float = param(0.0245, ge=-0.05, le=0.20, doc="20y yield on the first day, decimal")
    yield_30y_start: float = param(0.0260, ge=-0.05, le=0.20, doc="30y yield on the first day, decimal")
    alpha: float = param(5.291, ge=0.0, le=10.0, doc="log(TLT) intercept")
    beta: float = param(-18.0, ge=-100.0, le=0.0, doc="log(TLT) slope in the mean yield (decimal)")
    gamma: float = param(40.0, ge=-1000.0, le=1000.0, doc="log(TLT) curvature in the mean yield")
    noise_sd: float = param(0.004, ge=0.0, le=0.2, doc="stationary sd of the log(TLT) tracking error")
    noise_ar: float = param(0.95, ge=0.0, lt=1.0, doc="daily AR(1) coefficient of the tracking error")

    def __post_init__(self) -> None:
        validate(self)

    def vasicek(self) -> VasicekParams:
        """Return the bivariate :class:`~tailkit.simulation.VasicekParams` (20y, 30y)."""
        return VasicekParams(
            kappa=(self.kappa_20, self.kappa_30),
            theta=(self.theta_20, self.theta_30),
            sigma=(self.sigma_20, self.sigma_30),
            correlation=((1.0, self.rho), (self.rho, 1.0)),
        )


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


@dataclass(frozen=True, slots=True)
class SyntheticFiles:
    """Paths of the bundled SYNTHETIC overlay files.

    Attributes
    ----------
    history : Path
        ``synthetic_tlt_history.csv`` (``date,yield_20y,yield_30y,tlt_close``, yields in percent).
    chain : Path
        ``synthetic_tlt_chain.csv`` (the option-chain CSV format, IV in percent).
    provenance : Path
        ``provenance.json`` (generator, seeds, parameters, ``"synthetic": true``).
    """

    history: Path
    chain: Path
    provenance: Path

    def to_dict(self) -> dict[str, str]:
        """Return the three paths as strings."""
        return {"history": str(self.history), "chain": str(self.chain), "provenance": str(self.provenance)}


def _timestamp(name: str, value: Any) -> pd.Timestamp:
    try:
        out = pd.Timestamp(value)
    except (TypeError, ValueError):
        out = pd.NaT
    if pd.isna(out):
        raise ParameterError(describe_bad_value(name, value, "a date such as '2024-12-31'"))
    return out.normalize()


def synthetic_history(
    start: str | pd.Timestamp = HISTORY_START,
    end: str | pd.Timestamp = HISTORY_END,
    *,
    seed: SeedLike = DEFAULT_SEED,
    params: SyntheticHistoryParams | None = None,
) -> pd.DataFrame:
    """Make a SYNTHETIC daily history of 20y/30y Treasury yields and TLT closes.

    Business days (Monday to Friday, holidays not removed) from ``start`` to ``end``. The
    yields follow the bivariate Vasicek model of :class:`SyntheticHistoryParams` (exact
    transition, ``dt = 1/252``), and ``tlt_close = exp(alpha + beta ybar + gamma ybar**2 +
    e_t)`` with an AR(1) tracking error ``e_t`` (see the module docstring). The parameters
    are assumptions that resemble long-Treasury behaviour; they are not fitted to real data.

    Parameters
    ----------
    start, end : str or Timestamp, default="2015-01-02", "2024-12-31"
        First and last calendar date (inclusive).
    seed : int, Generator, SeedSequence or None, default=20241231
        Randomness; the same seed gives the same numbers on any machine.
    params : SyntheticHistoryParams, optional
        Model parameters (default :class:`SyntheticHistoryParams()`).

    Returns
    -------
    DataFrame of shape (n_business_days, 3)
        DatetimeIndex ``date``; ``yield_20y``, ``yield_30y`` (decimals) and ``tlt_close``
        (USD), float64 -- the same layout as :func:`tailkit.data.read_history` returns.

    Raises
    ------
    ParameterError
        Unparsable dates, ``end`` before ``start`` or fewer than two business days.

    Examples
    --------
    >>> h = synthetic_history("2024-01-01", "2024-03-29", seed=1)
    >>> h.shape
    (65, 3)
    """
    p = params if params is not None else SyntheticHistoryParams()
    lo, hi = _timestamp("start", start), _timestamp("end", end)
    dates = pd.bdate_range(lo, hi, name="date")
    if len(dates) < 2:
        raise ParameterError(
            describe_bad_value("end", end, f"a date giving at least two business days after start={start!r}")
        )
    yield_seed, noise_seed = seed_sequence(seed).spawn(2)
    paths = simulate_vasicek(
        p.vasicek(),
        (p.yield_20y_start, p.yield_30y_start),
        n_paths=1,
        n_steps=len(dates) - 1,
        dt=_DT,
        seed=yield_seed,
    )
    y = paths.values[0]
    z = make_generator(noise_seed).standard_normal(len(dates))
    noise = _ar1(z, p.noise_ar, p.noise_sd)
    ybar = 0.5 * (y[:, 0] + y[:, 1])
    tlt = np.exp(p.alpha + p.beta * ybar + p.gamma * ybar * ybar + noise)
    return pd.DataFrame({"yield_20y": y[:, 0], "yield_30y": y[:, 1], "tlt_close": tlt}, index=dates)


def _ar1(z: Float1D, phi: float, sd: float) -> Float1D:
    """Stationary AR(1) with unit-variance shocks ``z`` scaled to standard deviation ``sd``."""
    out = np.empty_like(z)
    out[0] = sd * z[0]
    scale = sd * math.sqrt(1.0 - phi * phi)
    for t in range(1, z.size):
        out[t] = phi * out[t - 1] + scale * z[t]
    return out


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
    day = _timestamp("quote_date", quote_date)
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
    seed : int, Generator, SeedSequence or None, default=20241231
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
    day = _timestamp("quote_date", quote_date)
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
    iv = np.maximum(p.base_iv + p.skew * k + p.curvature * k * k, p.iv_floor)
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


def _history_text(history: pd.DataFrame) -> str:
    lines = ["date,yield_20y,yield_30y,tlt_close"]
    for day, y20, y30, tlt in zip(
        history.index, history["yield_20y"], history["yield_30y"], history["tlt_close"]
    ):
        lines.append(f"{day.date().isoformat()},{100.0 * y20:.4f},{100.0 * y30:.4f},{tlt:.2f}")
    return "\n".join(lines) + "\n"


def _chain_text(chain: pd.DataFrame) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / _CHAIN_FILE
        write_option_chain(chain, path)
        return path.read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def synthetic_file_texts(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Return the exact text of each bundled SYNTHETIC file, made afresh from ``seed``.

    The history runs from :data:`HISTORY_START` to :data:`HISTORY_END` with the default
    :class:`SyntheticHistoryParams`; the chain is :func:`synthetic_option_chain` on the last
    history date at its (rounded) TLT close, with default :class:`SyntheticChainParams` and
    the seed ``seed + 1``.

    Parameters
    ----------
    seed : int, default=20241231
        Seed of the history (the chain uses ``seed + 1``).

    Returns
    -------
    dict of str to str
        File name -> text, for ``synthetic_tlt_history.csv``, ``synthetic_tlt_chain.csv``
        and ``provenance.json``.
    """
    hist_params = SyntheticHistoryParams()
    chain_params = SyntheticChainParams()
    history = synthetic_history(HISTORY_START, HISTORY_END, seed=seed, params=hist_params)
    history_text = _history_text(history)
    last_day = history.index[-1]
    last_close = round(float(history["tlt_close"].iloc[-1]), 2)
    chain = synthetic_option_chain(last_close, last_day, params=chain_params, seed=seed + 1)
    chain_text = _chain_text(chain)
    log_ret = np.diff(np.log(history["tlt_close"].to_numpy()))
    provenance = {
        "synthetic": True,
        "description": (
            "SYNTHETIC data made by tailkit's own generator; not market data. Parameters are "
            "assumptions chosen to resemble long-Treasury behaviour 2015-2024 (not fitted to "
            "real data). For demos and tests of the TLT credit-spread overlay only."
        ),
        "generator": "tailkit.data.synthetic",
        "regenerate": "python -m tailkit.data.synthetic",
        "history": {
            "file": _HISTORY_FILE,
            "function": "synthetic_history",
            "seed": seed,
            "start": HISTORY_START,
            "end": HISTORY_END,
            "rows": len(history),
            "calendar": "business days (Mon-Fri), holidays not removed",
            "units": "yields in percent (4.38 = 4.38%), tlt_close in USD",
            "model": (
                "bivariate Vasicek dy_i = kappa_i (theta_i - y_i) dt + sigma_i dW_i, corr rho, exact "
                "steps dt = 1/252; log(tlt_close) = alpha + beta*ybar + gamma*ybar^2 + e_t, ybar the "
                "mean of the two yields (decimal), e_t stationary AR(1) (noise_ar, noise_sd)"
            ),
            "params": asdict(hist_params),
            "realized_vol_tlt": round(float(np.std(log_ret, ddof=1) * math.sqrt(252.0)), 6),
            "range": {
                col: [round(float(history[col].min()), 6), round(float(history[col].max()), 6)]
                for col in history.columns
            },
            "sha256": _sha256(history_text),
        },
        "chain": {
            "file": _CHAIN_FILE,
            "function": "synthetic_option_chain",
            "seed": seed + 1,
            "quote_date": last_day.date().isoformat(),
            "underlying_price": last_close,
            "rows": len(chain),
            "expiries": sorted({d.date().isoformat() for d in chain["expiration_date"]}),
            "units": "implied_vol in percent; theta per calendar day; vega per vol point",
            "model": (
                "IV = max(base_iv + skew*k + curvature*k^2, iv_floor), k = ln(K/F), "
                "F = S exp((rate - div_yield) T), T = DTE/365; Black-Scholes-Merton price; "
                "half-spread h = min(max_half_spread, min_half_spread + rel_half_spread*price), "
                "bid = floor((price - h)/tick)*tick >= 0, ask = ceil((price + h)/tick)*tick; "
                "open_interest ~ Poisson(oi_atm exp(-k^2/(2 oi_width^2)) + 10), "
                "volume ~ Poisson(volume_ratio * same mean)"
            ),
            "params": asdict(chain_params),
            "sha256": _sha256(chain_text),
        },
    }
    return {
        _HISTORY_FILE: history_text,
        _CHAIN_FILE: chain_text,
        _PROVENANCE_FILE: json.dumps(provenance, indent=2) + "\n",
    }


def synthetic_paths(folder: str | Path | None = None) -> SyntheticFiles:
    """Return the paths of the bundled SYNTHETIC overlay files (for the CLI and notebooks).

    Parameters
    ----------
    folder : str or Path, optional
        Folder holding the files (default: the bundled ``tailkit/data/synthetic_overlay``).

    Returns
    -------
    SyntheticFiles
        ``history``, ``chain`` and ``provenance`` paths.

    Examples
    --------
    >>> synthetic_paths().history.name
    'synthetic_tlt_history.csv'
    """
    base = Path(folder) if folder is not None else SYNTHETIC_DIR
    return SyntheticFiles(base / _HISTORY_FILE, base / _CHAIN_FILE, base / _PROVENANCE_FILE)


def write_synthetic_files(folder: str | Path | None = None, *, seed: int = DEFAULT_SEED) -> SyntheticFiles:
    """Write the SYNTHETIC history, chain and provenance files, each atomically.

    Parameters
    ----------
    folder : str or Path, optional
        Destination (default: the bundled folder ``tailkit/data/synthetic_overlay``).
    seed : int, default=20241231
        Seed (see :func:`synthetic_file_texts`); the same seed writes the same bytes.

    Returns
    -------
    SyntheticFiles
        The paths written.
    """
    paths = synthetic_paths(folder)
    texts = synthetic_file_texts(seed)
    for path in (paths.history, paths.chain, paths.provenance):
        atomic_write_text(path, texts[path.name])
    return paths


def load_synthetic_history(
    start: str | pd.Timestamp | None = None, end: str | pd.Timestamp | None = None
) -> pd.DataFrame:
    """Load the bundled SYNTHETIC 20y/30y yields and TLT closes (2015-01-02 to 2024-12-31).

    **Synthetic, not market data**: made by :func:`synthetic_history` (seed 20241231, default
    :class:`SyntheticHistoryParams`, assumptions not fitted to real data); provenance in
    ``synthetic_overlay/provenance.json``. Read with :func:`tailkit.data.read_history`; the
    file holds yields in percent, returned as **decimals**.

    Parameters
    ----------
    start, end : str or Timestamp, optional
        Date window (inclusive).

    Returns
    -------
    DataFrame of shape (n_days, 3)
        DatetimeIndex ``date``; ``yield_20y``, ``yield_30y`` (decimals), ``tlt_close`` (USD).

    Examples
    --------
    >>> load_synthetic_history().index[-1].date().isoformat()
    '2024-12-31'
    """
    return read_history(synthetic_paths().history, start=start, end=end, yield_units="percent")


def load_synthetic_chain() -> OptionChainRead:
    """Load the bundled SYNTHETIC TLT option chain (quoted on 2024-12-31, the history's last day).

    **Synthetic, not market quotes**: made by :func:`synthetic_option_chain` from a
    documented smile, bid-ask and activity model (seed 20241232, default
    :class:`SyntheticChainParams`); provenance in ``synthetic_overlay/provenance.json``. Read
    with :func:`tailkit.data.read_option_chain`; IV in the file is percent, returned as
    decimals.

    Returns
    -------
    OptionChainRead
        ``chain`` (usable quotes with ``dte``, ``T``, ``mid``) and an empty ``rejected``.

    Examples
    --------
    >>> load_synthetic_chain().n_rejected
    0
    """
    return read_option_chain(synthetic_paths().chain, iv_units="percent")


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with ``--check``, verify) the bundled SYNTHETIC overlay files.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 1 when ``--check`` finds a file differing from a fresh
        regeneration.
    """
    parser = argparse.ArgumentParser(
        prog="python -m tailkit.data.synthetic",
        description="Rewrite the bundled SYNTHETIC TLT history, option chain and provenance files "
        "deterministically (same seed, same bytes).",
    )
    parser.add_argument("--output", default=None, help="folder to write (default: the bundled folder)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only check the files equal a regeneration")
    args = parser.parse_args(argv)
    if args.check:
        paths = synthetic_paths(args.output)
        texts = synthetic_file_texts(args.seed)
        stale = [
            str(p)
            for p in (paths.history, paths.chain, paths.provenance)
            if not p.exists() or p.read_text(encoding="utf-8") != texts[p.name]
        ]
        if stale:
            print("differs from a fresh regeneration: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("synthetic overlay files are up to date")
        return 0
    paths = write_synthetic_files(args.output, seed=args.seed)
    for p in (paths.history, paths.chain, paths.provenance):
        print(f"wrote {p} ({p.stat().st_size} bytes, SYNTHETIC)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
