"""Risk premia as monthly excess-return streams, each built from data tailkit bundles.

Every stream is a monthly **excess** return (decimal, over the one-month T-bill where a T-bill
applies), dated on the last calendar day of the month it is earned over. The constructions:

* **equity beta** — S&P 500 month-end to month-end price return minus the Fama-French ``rf``
  of that month (the bundled index is a price index: dividends are not included).
* **size**, **value** — Fama-French ``smb`` and ``hml`` as published (long-short, self-financed).
* **credit carry** — a duration-scaled excess return of BAA over AAA bonds from the Moody's
  yields: with the spread ``s_t = baa_t - aaa_t`` (the month's average yield, placed at that
  month's end), ``r_t = s_{t-1} / 12 - D (s_t - s_{t-1})``: a month of spread carry minus the
  price effect of the spread change on a bond of modified duration ``D`` (default 7 years).
* **trend** — time-series momentum on the S&P 500. At each month end the signal is the mean of
  ``sign(price return over the last L months)`` over the lookbacks ``L`` (default 1, 3 and 12
  months), in ``[-1, 1]``; the position is ``signal * target_vol / realised_vol`` capped at
  ``max_leverage`` in absolute value, ``realised_vol`` being the annualised standard deviation
  of the last ``vol_window`` daily log returns (ddof=1, x sqrt(252)). The position taken at the
  end of month ``t-1`` earns the equity excess return of month ``t``.
* **short volatility** — a monthly, fully collateralised put-write: at each month-end close
  ``S_0`` sell one put struck at ``K = moneyness * S_0`` expiring at the next month-end close
  ``S_1``, priced with :func:`tailkit.pricing.bs_price` at the implied vol of the hedging
  package's surface (:func:`tailkit.hedging.implied_vol`) given the vol index at ``S_0``'s
  close, with ``T`` = trading days between the closes / 252, ``r = 12 log(1 + rf)`` and the
  dividend yield ``q``. The vol index is the VIX where the bundled VIX exists (2014-2018) and,
  before, the GJR-GARCH x variance-risk-premium proxy of :mod:`tailkit.hedging.history` (the
  ``proxy`` column says which months rest on it). Collateral ``K`` earns ``rf``, so the
  excess return is ``P (1 + rf) / K - max(K - S_1, 0) / K``.
* **tail hedge** — a :mod:`tailkit.hedging` program marked daily on the S&P 500 history
  (:func:`tailkit.hedging.bundled_history`, weight 1): the monthly return of equity with the
  program minus the monthly return of equity alone (:class:`tailkit.hedging.NoHedge`), i.e. the
  return the hedge adds to an equity holding; negative carry. Whether it pays in crash months
  depends on the program: with the default (90% puts, 3 months, rolled with one month left)
  it does *not* on 2000-2018 month-end marks (crisis beta > 0), because the roll in early
  October 2008 bought new puts at implied vols near 100% that lost value by the month's end;
  the asymmetry table shows this rather than hiding it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.hedging import (
    HedgeProgram,
    NoHedge,
    ProtectivePut,
    VolSurface,
    bundled_history,
    implied_vol,
    implied_vol_path,
    mark_programs,
)
from tailkit.params import param, validate
from tailkit.pricing import bs_price

__all__ = [
    "PREMIA",
    "PremiaParams",
    "PremiaStreams",
    "bundled_premia",
    "credit_carry",
    "equity_excess",
    "month_end",
    "put_write",
    "read_premia",
    "tail_hedge",
    "trend",
]

#: the bundled premia, in table order
PREMIA: tuple[str, ...] = ("equity", "size", "value", "credit", "trend", "short_vol", "tail_hedge")


def _series(name: str, value: object) -> pd.Series:
    if not isinstance(value, pd.Series) or not isinstance(value.index, pd.DatetimeIndex):
        raise ParameterError(describe_bad_value(name, type(value).__name__, "a Series on a DatetimeIndex"))
    s = value.dropna().sort_index().astype(float)
    if len(s) < 2:
        raise DataError(f"{name} has {len(s)} valid values; at least 2 are needed")
    return s


def month_end(daily: pd.Series) -> pd.Series:
    """Last observation of each calendar month, dated on the month's last calendar day.

    Parameters
    ----------
    daily : Series
        Values on a DatetimeIndex (any frequency finer than monthly).

    Returns
    -------
    Series
        One value per month present in ``daily`` (the last month may be incomplete: its value
        is then the last observation there is).
    """
    s = _series("daily", daily)
    grouped = s.groupby(s.index.to_period("M")).last()
    grouped.index = pd.DatetimeIndex(grouped.index.to_timestamp(how="end").normalize(), name="date")
    return grouped


def _on_months(s: pd.Series) -> pd.Series:
    out = s.copy()
    out.index = pd.DatetimeIndex(s.index.to_period("M").to_timestamp(how="end").normalize(), name="date")
    return out


def equity_excess(closes: pd.Series, rf: pd.Series) -> pd.Series:
    """Monthly price return of ``closes`` (month end to month end) minus ``rf`` of the same month.

    Parameters
    ----------
    closes : Series
        Daily index closes (points).
    rf : Series
        Monthly T-bill return (decimal), dated in the month it is earned (any day of it).

    Returns
    -------
    Series
        Monthly excess return on the months where both exist.
    """
    m = month_end(_series("closes", closes))
    ret = (m / m.shift(1) - 1.0).iloc[1:]
    r = _on_months(_series("rf", rf))
    return (ret - r).dropna().rename("equity")


def credit_carry(baa: pd.Series, aaa: pd.Series, *, duration: float = 7.0) -> pd.Series:
    """Duration-scaled BAA - AAA excess return ``s_{t-1}/12 - duration (s_t - s_{t-1})``.

    Parameters
    ----------
    baa, aaa : Series
        Monthly yields (decimal), one per month (the month's average).
    duration : float, default=7.0
        Modified duration of the bonds, years (> 0).

    Returns
    -------
    Series
        Monthly excess return, dated at each month's end, from the second month on.
    """
    if not np.isfinite(duration) or duration <= 0:
        raise ParameterError(describe_bad_value("duration", duration, "a number of years > 0"))
    spread = _on_months(_series("baa", baa) - _series("aaa", aaa)).dropna()
    prev = spread.shift(1)
    return (prev / 12.0 - duration * (spread - prev)).iloc[1:].rename("credit")


def trend(
    closes: pd.Series,
    rf: pd.Series,
    *,
    lookbacks: tuple[int, ...] = (1, 3, 12),
    target_vol: float = 0.10,
    vol_window: int = 63,
    max_leverage: float = 2.0,
) -> pd.DataFrame:
    """Time-series trend on ``closes``: the signal, the vol-targeted position and its return.

    Parameters
    ----------
    closes : Series
        Daily index closes.
    rf : Series
        Monthly T-bill return (decimal).
    lookbacks : tuple of int, default=(1, 3, 12)
        Lookbacks in months (each >= 1).
    target_vol : float, default=0.10
        Annualised vol target (> 0).
    vol_window : int, default=63
        Daily returns in the realised-vol estimate (>= 2).
    max_leverage : float, default=2.0
        Cap on the absolute position (> 0).

    Returns
    -------
    DataFrame
        Columns ``signal``, ``position`` (both decided at the previous month end) and
        ``trend`` (the month's excess return ``position * equity excess``), from the first
        month with a full lookback and vol window.
    """
    if len(lookbacks) == 0 or any(int(k) != k or k < 1 for k in lookbacks):
        raise ParameterError(describe_bad_value("lookbacks", lookbacks, "a non-empty tuple of integers >= 1"))
    for name, value, lo in (("target_vol", target_vol, 0.0), ("max_leverage", max_leverage, 0.0)):
        if not np.isfinite(value) or value <= lo:
            raise ParameterError(describe_bad_value(name, value, f"a number > {lo}"))
    if int(vol_window) != vol_window or vol_window < 2:
        raise ParameterError(describe_bad_value("vol_window", vol_window, "an integer >= 2"))
    c = _series("closes", closes)
    m = month_end(c)
    signal = sum(np.sign(m / m.shift(int(k)) - 1.0) for k in lookbacks) / len(lookbacks)
    daily_vol = np.log(c).diff().rolling(int(vol_window)).std(ddof=1) * np.sqrt(252.0)
    vol = month_end(daily_vol.dropna()).reindex(m.index)
    position = (signal * target_vol / vol).clip(-max_leverage, max_leverage)
    excess = equity_excess(c, rf)
    frame = pd.DataFrame({"signal": signal.shift(1), "position": position.shift(1)}).reindex(excess.index)
    frame["trend"] = frame["position"] * excess
    return frame.dropna()


def put_write(
    closes: pd.Series,
    vol_index: pd.Series,
    rf: pd.Series,
    *,
    moneyness: float = 1.0,
    dividend_yield: float = 0.018,
    surface: VolSurface | None = None,
) -> pd.DataFrame:
    """Monthly collateralised put-write on ``closes`` (see the module docstring).

    Parameters
    ----------
    closes : Series
        Daily index closes (points).
    vol_index : Series
        Vol index (decimal, 0.2 = 20%) at each daily close.
    rf : Series
        Monthly T-bill return (decimal).
    moneyness : float, default=1.0
        Strike / spot at the sale, in (0, 2] (1.0 at the money, 0.95 five per cent out).
    dividend_yield : float, default=0.018
        Continuous dividend yield (decimal).
    surface : VolSurface, optional
        The hedging package's surface (default :class:`tailkit.hedging.VolSurface`).

    Returns
    -------
    DataFrame
        One row per month of expiry: ``spot``, ``strike``, ``T``, ``rate``, ``vol``,
        ``premium``, ``payoff`` and ``short_vol`` (the excess return).
    """
    if not np.isfinite(moneyness) or not 0.0 < moneyness <= 2.0:
        raise ParameterError(describe_bad_value("moneyness", moneyness, "strike / spot in (0, 2]"))
    c = _series("closes", closes)
    v = _series("vol_index", vol_index).reindex(c.index).ffill()
    pos = pd.Series(np.arange(len(c)), index=c.index)
    ends = month_end(pos).astype(int)
    r_month = _on_months(_series("rf", rf))
    surf = surface or VolSurface()
    rows = []
    for i in range(1, len(ends)):
        j0, j1 = int(ends.iloc[i - 1]), int(ends.iloc[i])
        date = ends.index[i]
        if date not in r_month.index or not np.isfinite(v.iloc[j0]):
            continue
        rf_m = float(r_month.loc[date])
        s0, s1 = float(c.iloc[j0]), float(c.iloc[j1])
        strike = moneyness * s0
        tau = (j1 - j0) / 252.0
        rate = 12.0 * np.log1p(rf_m)
        sigma = float(
            implied_vol(
                surf,
                float(v.iloc[j0]),
                moneyness,
                tau,
                rate=rate,
                dividend_yield=dividend_yield,
            )
        )
        premium = float(bs_price("put", s0, strike, tau, rate, sigma, dividend_yield))
        payoff = max(strike - s1, 0.0)
        rows.append(
            (
                date,
                s0,
                strike,
                tau,
                rate,
                sigma,
                premium,
                payoff,
                premium * (1 + rf_m) / strike - payoff / strike,
            )
        )
    if not rows:
        raise DataError("closes, vol_index and rf share no month: the put-write has no return")
    cols = ["date", "spot", "strike", "T", "rate", "vol", "premium", "payoff", "short_vol"]
    return pd.DataFrame(rows, columns=cols).set_index("date")


def tail_hedge(program: HedgeProgram | None = None) -> pd.Series:
    """Monthly return a hedge program adds to equity on the bundled S&P 500 history.

    Parameters
    ----------
    program : HedgeProgram, optional
        Default: :class:`tailkit.hedging.ProtectivePut` with its defaults (3-month 90% puts,
        rolled with one month left, hedge ratio 1).

    Returns
    -------
    Series
        ``hedged monthly return - unhedged monthly return`` at each month end after the first.
    """
    market = bundled_history()
    marked = mark_programs(market, [NoHedge(), program or ProtectivePut()], record_paths=1)
    nav = pd.DataFrame(marked.nav[:, 0, :].T, index=market.dates, columns=["unhedged", "hedged"])
    m = pd.DataFrame({k: month_end(nav[k]) for k in nav.columns})
    ret = (m / m.shift(1) - 1.0).iloc[1:]
    return (ret["hedged"] - ret["unhedged"]).rename("tail_hedge")


@dataclass(frozen=True, slots=True, kw_only=True)
class PremiaParams:
    """Construction parameters of the bundled premia (see the module docstring)."""

    credit_duration: float = param(7.0, gt=0.0, le=30.0, doc="modified duration of the credit bonds, years")
    trend_target_vol: float = param(0.10, gt=0.0, le=1.0, doc="trend vol target, annualised")
    trend_vol_window: int = param(63, ge=2, le=504, doc="daily returns in the trend's realised vol")
    trend_max_leverage: float = param(2.0, gt=0.0, le=10.0, doc="cap on the trend position")
    put_moneyness: float = param(1.0, gt=0.0, le=2.0, doc="put-write strike / spot (1.0 ATM, 0.95 5% OTM)")
    dividend_yield: float = param(0.018, ge=0.0, le=0.2, doc="index dividend yield in option prices")
    hedge_moneyness: float = param(0.9, gt=0.0, le=2.0, doc="tail-hedge put strike / spot")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True, slots=True)
class PremiaStreams:
    """Monthly excess returns of the bundled premia.

    Parameters
    ----------
    returns : DataFrame of shape (n_months, 7)
        One column per name of :data:`PREMIA`, on the months all of them exist.
    proxy : Series of bool
        True where the short-vol return was priced at the GARCH proxy rather than the VIX.
    """

    returns: pd.DataFrame
    proxy: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """The returns with a ``vol_proxy`` column."""
        return self.returns.assign(vol_proxy=self.proxy)


def bundled_premia(params: PremiaParams | None = None) -> PremiaStreams:
    """The seven premia of :data:`PREMIA` from the bundled data, on their common months.

    Parameters
    ----------
    params : PremiaParams, optional

    Returns
    -------
    PremiaStreams
    """
    from tailkit.data import load_credit_yields, load_fama_french, load_sp500, load_vix

    p = params or PremiaParams()
    spx = load_sp500()["close"]
    ff = load_fama_french()
    cy = load_credit_yields()
    vol_path = implied_vol_path(spx, load_vix()["vix"])
    pw = put_write(spx, vol_path.vol, ff["rf"], moneyness=p.put_moneyness, dividend_yield=p.dividend_yield)
    cols = {
        "equity": equity_excess(spx, ff["rf"]),
        "size": ff["smb"].rename("size"),
        "value": ff["hml"].rename("value"),
        "credit": credit_carry(cy["baa"], cy["aaa"], duration=p.credit_duration),
        "trend": trend(
            spx,
            ff["rf"],
            target_vol=p.trend_target_vol,
            vol_window=p.trend_vol_window,
            max_leverage=p.trend_max_leverage,
        )["trend"],
        "short_vol": pw["short_vol"],
        "tail_hedge": tail_hedge(ProtectivePut(moneyness=p.hedge_moneyness)),
    }
    returns = pd.DataFrame(cols).dropna()
    proxy_month = month_end(vol_path.proxy.astype(float)).shift(1).reindex(returns.index) > 0
    return PremiaStreams(returns=returns, proxy=proxy_month.rename("vol_proxy"))


def read_premia(
    path: str | os.PathLike[str],
    *,
    excess: bool = True,
    format: Literal["csv", "parquet"] | None = None,
    date_col: str = "date",
) -> pd.DataFrame:
    """User premia from a file of price (or NAV) levels: monthly returns, one column per premium.

    The file is read by :func:`tailkit.data.read_prices` (CSV or Parquet, wide or long, its
    checks and messages); each column is sampled at month ends (:func:`month_end`) and turned
    into month-end to month-end simple returns. With ``excess`` the bundled Fama-French ``rf``
    of the month is subtracted (months without it are dropped), so the columns sit beside the
    bundled premia.

    Parameters
    ----------
    path : str or PathLike
    excess : bool, default=True
    format : {"csv", "parquet"}, optional
    date_col : str, default="date"

    Returns
    -------
    DataFrame of shape (n_months, n_premia)
        Month-end dates; a premium's months before its first price are NaN.
    """
    from tailkit.data import load_fama_french, read_prices

    prices = read_prices(path, format=format, date_col=date_col)
    cols = {}
    for name in prices.columns:
        m = month_end(prices[name])
        cols[str(name)] = (m / m.shift(1) - 1.0).iloc[1:]
    out = pd.DataFrame(cols)
    if excess:
        rf = _on_months(load_fama_french()["rf"])
        out = out.loc[out.index.isin(rf.index)].sub(rf, axis=0).dropna(how="all")
    return out
