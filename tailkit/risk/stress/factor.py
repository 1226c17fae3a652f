"""Hypothetical factor shocks: linear positions by their factor betas, options fully repriced."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tailkit.errors import DataError
from tailkit.risk.revaluation import OptionBook
from tailkit.risk.stress.scenarios import (
    FACTORS,
    STANDARD_SHOCKS,
    FactorShock,
    StressResult,
    nav_of,
    weights_series,
)

__all__ = [
    "bundled_factor_changes",
    "estimate_factor_betas",
    "factor_stress",
]


def bundled_factor_changes() -> pd.DataFrame:
    """Monthly factor moves from the bundled data (columns ``equity, vol, rates, credit``).

    * equity: S&P 500 monthly total return (adjusted close);
    * vol: relative change of the S&P 500's 21-day realised volatility (month end), a VIX
      proxy (the bundled VIX starts in 2014 only);
    * rates: change of Moody's Aaa corporate yield (decimal), a long-rate proxy;
    * credit: change of the Baa - Aaa spread (decimal).

    Returns
    -------
    DataFrame
        Monthly, month-end index.
    """
    from tailkit.data import load_credit_yields, load_sp500

    px = load_sp500()["adj_close"]
    daily = px.pct_change()
    rv = daily.rolling(21).std() * np.sqrt(252.0)
    monthly_px = px.resample("ME").last()
    eq = monthly_px.pct_change()
    vol = rv.resample("ME").last().pct_change()
    yields = load_credit_yields()
    yields.index = yields.index + pd.offsets.MonthEnd(0)
    rates = yields["aaa"].diff()
    credit = (yields["baa"] - yields["aaa"]).diff()
    out = pd.concat({"equity": eq, "vol": vol, "rates": rates, "credit": credit}, axis=1, sort=True).dropna()
    return out


def estimate_factor_betas(returns: pd.DataFrame, factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Multivariate OLS betas of each position on the factors, at the factors' frequency.

    Daily position returns are compounded to the factor dates (month ends for the
    bundled factors) before the regression ``r_j = a_j + sum_f beta_jf * factor_f + e``.

    Parameters
    ----------
    returns : DataFrame
        Daily simple returns per position (DatetimeIndex).
    factors : DataFrame, optional
        Factor moves with columns among ``equity, vol, rates, credit``; default
        :func:`bundled_factor_changes`.

    Returns
    -------
    DataFrame
        Positions x factors (all four columns; factors not supplied are 0).
    """
    f = bundled_factor_changes() if factors is None else factors.copy()
    unknown = [c for c in f.columns if c not in FACTORS]
    if unknown:
        raise DataError(f"factors has unknown column(s) {unknown}; allowed: {list(FACTORS)}")
    out = pd.DataFrame(0.0, index=returns.columns.map(str), columns=list(FACTORS))
    for col in returns.columns:
        r = returns[col].dropna()
        if r.empty:
            continue
        growth = np.log1p(r).cumsum()
        at = growth.reindex(growth.index.union(f.index)).ffill().reindex(f.index)
        period = np.expm1(at.diff())
        both = pd.concat([period.rename("y"), f], axis=1).dropna()
        if len(both) < len(f.columns) + 5:
            continue
        x = np.column_stack([np.ones(len(both)), both[f.columns].to_numpy()])
        coef, *_ = np.linalg.lstsq(x, both["y"].to_numpy(), rcond=None)
        out.loc[str(col), list(f.columns)] = coef[1:]
    return out


def _option_prices(book: OptionBook, spot: np.ndarray, vol: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Black-Scholes values of every option of ``book`` at the given spots, vols and rates."""
    from tailkit.pricing import bs_price

    kind = np.where(book.sign > 0, "call", "put")
    return np.asarray(bs_price(kind, spot, book.strike, book.expiry, rate, vol, book.dividend), dtype=float)


def factor_stress(
    weights: Any,
    betas: pd.DataFrame,
    shocks: Sequence[FactorShock] = STANDARD_SHOCKS,
    *,
    book: OptionBook | None = None,
    underlying_betas: pd.DataFrame | None = None,
) -> StressResult:
    """Hypothetical factor shocks through betas (linear positions) and repricing (options).

    Parameters
    ----------
    weights : Series or mapping
        Position values of the linear book, keyed by the index of ``betas``.
    betas : DataFrame
        Positions x factors (``equity, vol, rates, credit``; missing columns are 0), e.g.
        from :func:`estimate_factor_betas`. A bond with duration D has ``rates = -D``.
    shocks : sequence of FactorShock, default=STANDARD_SHOCKS
        Scenarios.
    book : OptionBook, optional
        Options repriced in full: spot moves by the underlying's factor return (from
        ``underlying_betas`` or ``betas`` if it has a row for the underlying, else beta 1 to
        equity), implied vols are multiplied by ``vol``, rates shift by ``rates_bp``.
    underlying_betas : DataFrame, optional
        Factor betas of the option underlyings.

    Returns
    -------
    StressResult
        Columns ``pnl``, ``return`` (P&L / NAV of the linear book, or of the options' gross
        value if there is no linear book), ``linear_pnl``, ``options_pnl``.
    """
    w = weights_series(weights)
    b = betas.copy()
    b.index = b.index.map(str)
    b = b.reindex(columns=list(FACTORS), fill_value=0.0).fillna(0.0)
    missing = [k for k in w.index if k not in b.index]
    if missing:
        raise DataError(f"no betas for position(s) {missing}")
    b = b.loc[list(w.index)]
    ub = None
    if book is not None:
        src = underlying_betas if underlying_betas is not None else betas
        ub = src.reindex(columns=list(FACTORS), fill_value=0.0).fillna(0.0)
        ub.index = ub.index.map(str)
        base_px = _option_prices(book, book.spot_array()[book.underlying_index()], book.vol, book.rate)
    nav = nav_of(w) if len(w) else 1.0
    rows, pos_rows = [], []
    for shock in shocks:
        move = pd.Series(shock.factor_moves())
        lin = w * (b @ move)
        pos = lin.copy()
        opt_total = 0.0
        if book is not None and ub is not None:
            und_ret = {}
            for u in book.underlyings:
                und_ret[u] = float(ub.loc[u] @ move) if u in ub.index else shock.equity
            s_new = np.array([book.spot[u] * (1.0 + und_ret[u]) for u in book.underlying])
            s_new = np.maximum(s_new, 1e-12)
            px = _option_prices(book, s_new, book.vol * shock.vol, book.rate + shock.rates_bp / 1e4)
            opt = book.quantity * (px - base_px)
            opt_total = float(opt.sum())
            pos = pd.concat([pos, pd.Series(opt, index=list(book.names))])
        total = float(lin.sum()) + opt_total
        rows.append(
            {"pnl": total, "return": total / nav, "linear_pnl": float(lin.sum()), "options_pnl": opt_total}
        )
        pos_rows.append(pos)
    index = pd.Index([s.name for s in shocks], name="scenario")
    return StressResult("factor", pd.DataFrame(rows, index=index), pd.DataFrame(pos_rows, index=index))
