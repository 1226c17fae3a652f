"""Liquidity risk: days to liquidate, liquidity-adjusted VaR (exogenous and endogenous), a liquidity stress.

Days to liquidate
-----------------
Selling a position of value ``|V|`` at a participation rate ``p`` of the average daily traded
value ``ADV`` (currency: volume x price, trailing mean) takes ``|V| / (p ADV)`` days.

Exogenous liquidity cost (Bangia, Diebold, Schuermann and Stroughair 1999)
--------------------------------------------------------------------------
Bangia et al. ("Modeling liquidity risk, with implications for traditional market risk
measurement and management", Wharton FIC working paper 99-06, 1999) add to VaR the cost of
crossing half the bid-ask spread in a bad spread state:
``COL = 1/2 x |V| x (mean_spread + a x sd_spread)``, with the relative spread
``(ask - bid) / mid`` and ``a`` the spread's tail multiple (``spread_multiplier``, default 3).
``LVaR_exo = VaR + sum_i COL_i`` (adding the costs is conservative: it assumes the spread tail
and the return tail coincide).

Endogenous cost: square-root market impact
------------------------------------------
Trading ``Q`` of a stock whose daily volatility is ``sigma`` and average daily traded value is
``ADV`` moves the price by about ``Y sigma sqrt(Q / ADV)`` (the square-root law of market
impact: Torre, BARRA Market Impact Model Handbook, 1997; Almgren, Thum, Hauptmann and Li,
"Direct estimation of equity market impact", Risk 2005; Toth et al., "Anomalous price impact
and the critical nature of liquidity in financial markets", PRX 2011, who find ``Y`` of order
one). The cost of liquidating ``|V|`` is ``|V| x Y sigma sqrt(|V| / ADV)`` (``impact_coefficient``
``Y``, default 1). ``LVaR_endo = VaR + sum_i COL_i + sum_i impact_i``: the position cannot be
sold at the quoted price *and* its own sale moves the price.

Liquidity stress
----------------
Spreads widen ``x k`` (mean and sd, ``stress_spread_factor``) and traded volumes fall to
``stress_volume_factor x ADV``; days to liquidate, both costs and both LVaRs are recomputed.

Spreads without quotes
----------------------
Daily OHLC files have no bid/ask. :func:`corwin_schultz_spread` estimates the relative spread
from daily highs and lows (Corwin and Schultz, "A simple way to estimate bid-ask spreads from
daily high and low prices", J. Finance 67, 2012, eqs. 14 and 18, negative two-day estimates set
to zero as in their paper). Option books use their quotes: :func:`quote_spreads`.

A position without volume data (NaN ADV, e.g. an option) has NaN days to liquidate and no
impact cost; its spread cost still counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "LiquidityReport",
    "average_daily_value",
    "corwin_schultz_spread",
    "days_to_liquidate",
    "exogenous_liquidity_cost",
    "impact_cost",
    "liquidity_report",
    "quote_spreads",
]


def _positive(name: str, value: float, *, upper: float | None = None) -> float:
    ok = isinstance(value, int | float | np.floating) and np.isfinite(value) and value > 0
    if not ok or (upper is not None and value > upper):
        allowed = f"a number in (0, {upper}]" if upper is not None else "a finite number > 0"
        raise ParameterError(describe_bad_value(name, value, allowed))
    return float(value)


def _array(name: str, value: Any, n: int | None = None, *, allow_nan: bool = False) -> np.ndarray:
    x = np.asarray(value, dtype=np.float64).ravel()
    if n is not None and x.size != n:
        raise ParameterError(describe_bad_value(name, x.size, f"{n} values, one per position"))
    bad = ~np.isfinite(x) if not allow_nan else np.isinf(x)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"{name} has a non-finite value {float(x[i])} at position {i}; all must be finite")
    return x


def average_daily_value(volume: pd.DataFrame, price: pd.DataFrame, *, window: int = 20) -> pd.Series:
    """Average daily traded value (volume x price) over the last ``window`` days, per column.

    Parameters
    ----------
    volume : DataFrame of shape (n_days, n_positions)
        Shares traded per day.
    price : DataFrame of shape (n_days, n_positions)
        Unadjusted closing prices (the prices the volumes traded at).
    window : int, default=20
        Trailing days (NaN days are skipped).

    Returns
    -------
    Series
        ADV in currency per column.
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ParameterError(describe_bad_value("window", window, "an int >= 1"))
    traded = (volume * price).iloc[-window:]
    return traded.mean(axis=0, skipna=True).rename("adv")


def days_to_liquidate(values: Any, adv: Any, *, participation: float = 0.1) -> np.ndarray:
    """Days to sell each position at ``participation`` of its average daily traded value.

    Parameters
    ----------
    values : array_like of shape (n_positions,)
        Position values, currency (sign ignored).
    adv : array_like of shape (n_positions,)
        Average daily traded value, currency (> 0; NaN = unknown, gives NaN).
    participation : float, default=0.1
        Share of daily volume one may trade, in (0, 1].

    Returns
    -------
    ndarray of shape (n_positions,)

    Examples
    --------
    >>> days_to_liquidate([1e6, 5e5], [2e6, 1e7], participation=0.1).tolist()
    [5.0, 0.5]
    """
    p = _positive("participation", participation, upper=1.0)
    v = _array("values", values)
    a = _array("adv", adv, v.size, allow_nan=True)
    if np.any(a <= 0):
        i = int(np.flatnonzero(a <= 0)[0])
        raise DataError(f"adv has a value {float(a[i])} at position {i}; traded values must be > 0 (or NaN)")
    return np.abs(v) / (p * a)


def exogenous_liquidity_cost(
    values: Any, spread_mean: Any, spread_std: Any, *, spread_multiplier: float = 3.0
) -> np.ndarray:
    """Bangia et al. (1999) cost of liquidity ``1/2 |V| (mean_spread + a sd_spread)`` per position.

    Parameters
    ----------
    values : array_like of shape (n_positions,)
        Position values, currency.
    spread_mean, spread_std : array_like of shape (n_positions,)
        Mean and standard deviation of the relative spread ``(ask - bid) / mid`` (decimals).
    spread_multiplier : float, default=3.0
        ``a``: how many spread standard deviations the bad state sits above the mean (>= 0).

    Returns
    -------
    ndarray of shape (n_positions,)
        Costs, currency (positive).

    Examples
    --------
    >>> exogenous_liquidity_cost([72_000.0], [0.16 / 72], [0.0]).round(6).tolist()
    [80.0]
    """
    v = _array("values", values)
    m = _array("spread_mean", spread_mean, v.size)
    s = _array("spread_std", spread_std, v.size)
    if np.any(m < 0) or np.any(s < 0):
        raise DataError("spread_mean and spread_std must be >= 0 (relative spreads, decimals)")
    if not (np.isfinite(spread_multiplier) and spread_multiplier >= 0):
        raise ParameterError(describe_bad_value("spread_multiplier", spread_multiplier, "a number >= 0"))
    return 0.5 * np.abs(v) * (m + float(spread_multiplier) * s)


def impact_cost(values: Any, adv: Any, daily_vol: Any, *, impact_coefficient: float = 1.0) -> np.ndarray:
    """Square-root market impact ``|V| Y sigma sqrt(|V| / ADV)`` of liquidating each position.

    Parameters
    ----------
    values : array_like of shape (n_positions,)
        Position values, currency.
    adv : array_like of shape (n_positions,)
        Average daily traded value, currency (NaN = unknown: no impact estimate, 0).
    daily_vol : array_like of shape (n_positions,)
        Daily return volatility (decimal).
    impact_coefficient : float, default=1.0
        ``Y``, of order one empirically (> 0).

    Returns
    -------
    ndarray of shape (n_positions,)
        Costs, currency.

    Examples
    --------
    >>> impact_cost([1e6], [1e8], [0.02]).round(6).tolist()  # 1e6 * 0.02 * sqrt(0.01)
    [2000.0]
    """
    y = _positive("impact_coefficient", impact_coefficient)
    v = np.abs(_array("values", values))
    a = _array("adv", adv, v.size, allow_nan=True)
    sig = _array("daily_vol", daily_vol, v.size)
    if np.any(a <= 0) or np.any(sig < 0):
        raise DataError("adv must be > 0 (or NaN) and daily_vol >= 0")
    known = np.isfinite(a)
    out = np.zeros(v.size)
    out[known] = v[known] * y * sig[known] * np.sqrt(v[known] / a[known])
    return out


def quote_spreads(bid: Any, ask: Any) -> np.ndarray:
    """Relative spreads ``(ask - bid) / mid`` of quotes (e.g. an option book's).

    Raises
    ------
    DataError
        If a bid is negative, above its ask, or the ask is not positive.

    Examples
    --------
    >>> quote_spreads([1.9], [2.1]).round(12).tolist()
    [0.1]
    """
    b = _array("bid", bid)
    a = _array("ask", ask, b.size)
    bad = (b < 0) | (a <= 0) | (b > a)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"quote {i} has bid {float(b[i])} and ask {float(a[i])}; need 0 <= bid <= ask and ask > 0"
        )
    return (a - b) / (0.5 * (a + b))


def corwin_schultz_spread(high: pd.DataFrame, low: pd.DataFrame) -> pd.DataFrame:
    """Corwin-Schultz (2012) relative bid-ask spread from daily highs and lows, per two-day window.

    ``beta = ln(H_t/L_t)^2 + ln(H_{t+1}/L_{t+1})^2``, ``gamma = ln(H2/L2)^2`` with the two-day
    high and low, ``alpha = (sqrt(2 beta) - sqrt(beta)) / (3 - 2 sqrt 2) - sqrt(gamma / (3 - 2 sqrt 2))``
    and ``S = 2 (e^alpha - 1) / (1 + e^alpha)``, negative estimates set to 0. The value at row
    ``t`` uses days ``t - 1`` and ``t``.

    Parameters
    ----------
    high, low : DataFrame of shape (n_days, n_positions)
        Daily highs and lows (unadjusted; a split between two days gives a zero estimate).

    Returns
    -------
    DataFrame of shape (n_days, n_positions)
        Relative spreads (decimals); the first row is NaN.
    """
    hl = np.log(high / low) ** 2
    beta = hl + hl.shift(1)
    h2 = np.maximum(high, high.shift(1))
    l2 = np.minimum(low, low.shift(1))
    gamma = np.log(h2 / l2) ** 2
    k = 3.0 - 2.0 * np.sqrt(2.0)
    alpha = (np.sqrt(2.0 * beta) - np.sqrt(beta)) / k - np.sqrt(gamma / k)
    s = 2.0 * (np.exp(alpha) - 1.0) / (1.0 + np.exp(alpha))
    return s.clip(lower=0.0)


@dataclass(frozen=True, slots=True)
class LiquidityReport:
    """Liquidity of a book: days to liquidate, spread and impact costs, LVaR, base and stressed.

    Attributes
    ----------
    table : DataFrame
        One row per position: ``value``, ``adv``, ``days_to_liquidate``, ``spread_mean``,
        ``spread_std``, ``spread_cost``, ``impact_cost`` and their ``stressed_`` versions.
    var : float
        The VaR the costs are added to (currency, positive).
    participation, spread_multiplier, impact_coefficient : float
        Settings (see the module docstring).
    stress_spread_factor, stress_volume_factor : float
        The stress: spreads x factor, volumes x factor.
    """

    table: pd.DataFrame = field(repr=False)
    var: float
    participation: float
    spread_multiplier: float
    impact_coefficient: float
    stress_spread_factor: float
    stress_volume_factor: float

    @property
    def lvar_exogenous(self) -> float:
        """``VaR + sum of spread costs`` (Bangia et al. 1999)."""
        return self.var + float(self.table["spread_cost"].sum())

    @property
    def lvar_endogenous(self) -> float:
        """``VaR + spread costs + square-root impact costs``."""
        return self.lvar_exogenous + float(self.table["impact_cost"].sum())

    @property
    def lvar_stressed(self) -> float:
        """Endogenous LVaR under the liquidity stress."""
        t = self.table
        return self.var + float(t["stressed_spread_cost"].sum() + t["stressed_impact_cost"].sum())

    @property
    def max_days_to_liquidate(self) -> float:
        """Days the slowest position takes to sell (NaN if no position has volume data)."""
        d = self.table["days_to_liquidate"]
        return float(d.max()) if d.notna().any() else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """The per-position table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, float]:
        """Headline figures (JSON-friendly)."""
        return {
            "var": self.var,
            "lvar_exogenous": self.lvar_exogenous,
            "lvar_endogenous": self.lvar_endogenous,
            "lvar_stressed": self.lvar_stressed,
            "max_days_to_liquidate": self.max_days_to_liquidate,
            "max_days_to_liquidate_stressed": float(self.table["stressed_days_to_liquidate"].max()),
        }


def liquidity_report(
    values: pd.Series | Sequence[float],
    var: float,
    *,
    adv: Any,
    spread_mean: Any,
    spread_std: Any,
    daily_vol: Any,
    names: Sequence[str] | None = None,
    participation: float = 0.1,
    spread_multiplier: float = 3.0,
    impact_coefficient: float = 1.0,
    stress_spread_factor: float = 3.0,
    stress_volume_factor: float = 0.5,
) -> LiquidityReport:
    """Days to liquidate, exogenous and endogenous LVaR, and the same under a liquidity stress.

    Parameters
    ----------
    values : Series or sequence of float, shape (n_positions,)
        Position values, currency (a Series names the positions).
    var : float
        VaR of the book (currency, >= 0), e.g. from :func:`tailkit.risk.var_es`.
    adv : array_like of shape (n_positions,)
        Average daily traded value, currency (NaN for positions without volume data).
    spread_mean, spread_std : array_like of shape (n_positions,)
        Relative bid-ask spread statistics (decimals).
    daily_vol : array_like of shape (n_positions,)
        Daily return volatility per position (decimal).
    names : sequence of str, optional
        Position names (default the Series index).
    participation : float, default=0.1
        Share of ADV one may trade per day, in (0, 1].
    spread_multiplier : float, default=3.0
        Bangia's ``a``.
    impact_coefficient : float, default=1.0
        Square-root impact ``Y``.
    stress_spread_factor : float, default=3.0
        Spreads widen by this factor in the stress (>= 1).
    stress_volume_factor : float, default=0.5
        Volumes fall to this fraction of ADV in the stress, in (0, 1].

    Returns
    -------
    LiquidityReport
    """
    if not (np.isfinite(var) and var >= 0):
        raise ParameterError(describe_bad_value("var", var, "a VaR >= 0 in currency"))
    if not (np.isfinite(stress_spread_factor) and stress_spread_factor >= 1):
        raise ParameterError(
            describe_bad_value("stress_spread_factor", stress_spread_factor, "a factor >= 1")
        )
    vf = _positive("stress_volume_factor", stress_volume_factor, upper=1.0)
    if names is None:
        names = [str(x) for x in values.index] if isinstance(values, pd.Series) else None
    v = _array("values", values)
    names = tuple(names) if names is not None else tuple(f"p{i}" for i in range(v.size))
    a = _array("adv", adv, v.size, allow_nan=True)
    m = _array("spread_mean", spread_mean, v.size)
    s = _array("spread_std", spread_std, v.size)
    sig = _array("daily_vol", daily_vol, v.size)
    k = float(stress_spread_factor)
    table = pd.DataFrame(
        {
            "value": v,
            "adv": a,
            "days_to_liquidate": days_to_liquidate(v, a, participation=participation),
            "spread_mean": m,
            "spread_std": s,
            "spread_cost": exogenous_liquidity_cost(v, m, s, spread_multiplier=spread_multiplier),
            "impact_cost": impact_cost(v, a, sig, impact_coefficient=impact_coefficient),
            "stressed_days_to_liquidate": days_to_liquidate(v, a * vf, participation=participation),
            "stressed_spread_cost": exogenous_liquidity_cost(
                v, m * k, s * k, spread_multiplier=spread_multiplier
            ),
            "stressed_impact_cost": impact_cost(v, a * vf, sig, impact_coefficient=impact_coefficient),
        },
        index=pd.Index(names, name="position"),
    )
    return LiquidityReport(
        table,
        float(var),
        float(participation),
        float(spread_multiplier),
        float(impact_coefficient),
        k,
        vf,
    )
