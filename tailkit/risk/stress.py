"""Stress tests: historical windows replayed, hypothetical factor shocks, crisis-regime Monte Carlo.

* **Historical replay.** Today's positions are held (buy and hold, no rebalancing) through
  each window's daily returns: the returns dated after ``start`` up to and including
  ``end``, i.e. from the close of ``start`` to the close of ``end``. A position without
  data in a window (a stock listed later) is proxied by its beta to the benchmark (the
  bundled S&P 500 by default) times the benchmark's daily returns, and flagged.
* **Hypothetical factor shocks.** Linear positions move by ``sum_f beta_f * shock_f`` (betas
  from :func:`estimate_factor_betas` or given); options are fully repriced with
  Black-Scholes (:func:`tailkit.pricing.bs_price`) at the shocked spot, vol and rate.
* **Crisis-regime Monte Carlo.** Horizon returns are drawn by block bootstrap from the
  days of a crisis regime (a mask, e.g. from a regime model or high realised vol), or
  taken as given scenario arrays (e.g. :mod:`tailkit.simulation` paths).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import SeedLike
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.risk._inputs import check_confidence
from tailkit.risk.revaluation import OptionBook
from tailkit.rng import make_generator

__all__ = [
    "regime_monte_carlo_stress",
    "crisis_regime_params",
    "StressWindow",
    "HISTORICAL_WINDOWS",
    "FactorShock",
    "STANDARD_SHOCKS",
    "StressResult",
    "historical_stress",
    "estimate_factor_betas",
    "bundled_factor_changes",
    "factor_stress",
    "crisis_mask_from_vol",
    "monte_carlo_stress",
    "stress_table",
]


@dataclass(frozen=True, slots=True)
class StressWindow:
    """A historical stress window, from the close of ``start`` to the close of ``end``.

    Attributes
    ----------
    name : str
        Label shown in tables.
    start, end : str
        ISO dates (``"2008-09-12"``).
    """

    name: str
    start: str
    end: str

    def __post_init__(self) -> None:
        try:
            a, b = pd.Timestamp(self.start), pd.Timestamp(self.end)
        except ValueError:
            raise ParameterError(describe_bad_value("window", (self.start, self.end), "ISO dates")) from None
        if not a < b:
            raise ParameterError(
                describe_bad_value(f"window {self.name!r}", (self.start, self.end), "start < end")
            )


#: Windows replayable from the bundled data (S&P 500 1999-2018, stocks 2000-2013).
HISTORICAL_WINDOWS: tuple[StressWindow, ...] = (
    StressWindow("dot-com 2000-02", "2000-03-24", "2002-10-09"),
    StressWindow("GFC 2007-09", "2007-10-09", "2009-03-09"),
    StressWindow("Lehman Sep-Nov 2008", "2008-09-12", "2008-11-20"),
    StressWindow("Aug 2011 downgrade", "2011-07-22", "2011-08-19"),
    StressWindow("Aug 2015 devaluation", "2015-08-17", "2015-08-25"),
    StressWindow("Q4 2018 sell-off", "2018-09-20", "2018-12-24"),
)


@dataclass(frozen=True, slots=True)
class FactorShock:
    """A hypothetical shock to the four risk factors.

    Attributes
    ----------
    name : str
        Label.
    equity : float, default=0.0
        Simple return of the equity factor (-0.20 = -20%).
    vol : float, default=1.0
        Multiplier on volatility (implied vols of options; the vol factor moves by ``vol - 1``).
    rates_bp : float, default=0.0
        Parallel change of interest rates, basis points.
    credit_bp : float, default=0.0
        Change of credit spreads, basis points.
    """

    name: str
    equity: float = 0.0
    vol: float = 1.0
    rates_bp: float = 0.0
    credit_bp: float = 0.0

    def __post_init__(self) -> None:
        if not self.equity > -1.0:
            raise ParameterError(describe_bad_value("equity", self.equity, "a return > -1"))
        if not self.vol > 0.0:
            raise ParameterError(describe_bad_value("vol", self.vol, "a multiplier > 0"))

    def factor_moves(self) -> dict[str, float]:
        """Moves of the factors ``equity`` (return), ``vol`` (relative), ``rates``, ``credit`` (decimals)."""
        return {
            "equity": self.equity,
            "vol": self.vol - 1.0,
            "rates": self.rates_bp / 1e4,
            "credit": self.credit_bp / 1e4,
        }


FACTORS = ("equity", "vol", "rates", "credit")

#: The issue's standard shocks, one at a time and combined.
STANDARD_SHOCKS: tuple[FactorShock, ...] = (
    FactorShock("equity -20%", equity=-0.20),
    FactorShock("vol x2", vol=2.0),
    FactorShock("rates +100bp", rates_bp=100.0),
    FactorShock("credit +200bp", credit_bp=200.0),
    FactorShock("combined", equity=-0.20, vol=2.0, rates_bp=100.0, credit_bp=200.0),
)


@dataclass(frozen=True, slots=True)
class StressResult:
    """Stress outcomes: one row per scenario, P&L per position.

    Attributes
    ----------
    kind : str
        ``"historical"``, ``"factor"`` or ``"monte_carlo"``.
    table : DataFrame
        Index ``scenario``; columns ``pnl`` (currency), ``return`` (P&L / NAV) and kind-specific
        columns (``max_drawdown``, ``worst_day``, ``n_days``, ``proxied`` for historical).
    position_pnl : DataFrame
        Scenario x position P&L (options as their own columns).
    """

    kind: str
    table: pd.DataFrame = field(repr=False)
    position_pnl: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The scenario table with a ``kind`` column."""
        out = self.table.copy()
        out.insert(0, "kind", self.kind)
        return out

    def to_dict(self) -> dict[str, float]:
        """Scenario name -> P&L."""
        return {str(k): float(v) for k, v in self.table["pnl"].items()}

    def worst(self) -> tuple[str, float]:
        """Name and P&L of the worst scenario."""
        name = self.table["pnl"].idxmin()
        return str(name), float(self.table.loc[name, "pnl"])


def _weights_series(weights: Any, columns: Sequence[str] | None = None) -> pd.Series:
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series):
        weights = pd.Series(dict(weights), dtype=float)
    if not isinstance(weights, pd.Series):
        arr = np.asarray(weights, dtype=float).ravel()
        if columns is None or len(columns) != arr.size:
            raise ParameterError(describe_bad_value("weights", arr.shape, "a Series keyed by position name"))
        weights = pd.Series(arr, index=list(columns))
    w = weights.astype(float)
    w.index = w.index.map(str)
    if not np.isfinite(w.to_numpy()).all():
        raise ParameterError(describe_bad_value("weights", w.to_dict(), "finite position values"))
    return w


def _nav(w: pd.Series) -> float:
    total = float(w.sum())
    return total if total > 0 else float(w.abs().sum()) or 1.0


def _default_benchmark() -> pd.Series:
    from tailkit.data import load_sp500

    px = load_sp500()["adj_close"]
    return px.pct_change().dropna().rename("S&P 500")


def historical_stress(
    returns: pd.DataFrame,
    weights: Any,
    windows: Sequence[StressWindow] = HISTORICAL_WINDOWS,
    *,
    benchmark: pd.Series | None = None,
    proxy: bool = True,
) -> StressResult:
    """Replay historical windows on today's portfolio (buy and hold through each window).

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_positions)
        Daily simple returns per position (DatetimeIndex; NaN where an asset has no data).
    weights : Series or mapping
        Position values keyed by column.
    windows : sequence of StressWindow, default=HISTORICAL_WINDOWS
        Windows to replay; add your own (e.g. ``StressWindow("Mar 2020", "2020-02-19",
        "2020-03-23")`` when your data covers it).
    benchmark : Series, optional
        Daily benchmark returns for proxying positions without data in a window; default
        the bundled S&P 500.
    proxy : bool, default=True
        Proxy missing positions by beta x benchmark; if False they contribute 0 and are flagged.

    Returns
    -------
    StressResult
        Columns ``pnl``, ``return``, ``max_drawdown`` (of the portfolio value path, as a
        positive fraction of NAV), ``worst_day`` (P&L), ``n_days``, ``proxied`` (names).
        Windows with no data at all are skipped.
    """
    if not isinstance(returns, pd.DataFrame) or not isinstance(returns.index, pd.DatetimeIndex):
        raise DataError("returns must be a DataFrame with a DatetimeIndex (one column per position)")
    w = _weights_series(weights, list(returns.columns))
    missing = [k for k in w.index if k not in returns.columns.map(str)]
    if missing:
        raise DataError(f"weights name position(s) {missing} that are not columns of returns")
    rets = returns.copy()
    rets.columns = rets.columns.map(str)
    rets = rets[list(w.index)]
    bench = _default_benchmark() if benchmark is None else pd.Series(benchmark, dtype=float).dropna()
    betas = {}
    for name in w.index:
        both = pd.concat([rets[name], bench], axis=1, join="inner").dropna()
        if len(both) >= 20 and both.iloc[:, 1].var() > 0:
            betas[name] = float(both.cov().iloc[0, 1] / both.iloc[:, 1].var())
        else:
            betas[name] = 1.0
    nav = _nav(w)
    rows, pos_rows, names = [], [], []
    for win in windows:
        a, b = pd.Timestamp(win.start), pd.Timestamp(win.end)
        idx = rets.index[(rets.index > a) & (rets.index <= b)]
        bidx = bench.index[(bench.index > a) & (bench.index <= b)]
        dates = idx.union(bidx)
        if len(dates) == 0:
            continue
        panel = rets.reindex(dates)
        bwin = bench.reindex(dates).fillna(0.0)
        proxied = []
        for name in w.index:
            col = panel[name]
            if col.notna().all():
                continue
            if proxy and len(bidx):
                panel[name] = col.where(col.notna(), betas[name] * bwin)
            else:
                panel[name] = col.fillna(0.0)
            proxied.append(name)
        growth = (1.0 + panel).cumprod()
        value_path = growth.mul(w, axis=1)
        pnl_path = value_path.sum(axis=1) - float(w.sum())
        nav_path = nav + pnl_path
        peak = np.maximum.accumulate(np.concatenate([[nav], nav_path.to_numpy()]))
        dd = float(np.max(1.0 - np.concatenate([[nav], nav_path.to_numpy()]) / peak))
        daily = np.diff(np.concatenate([[0.0], pnl_path.to_numpy()]))
        pos_pnl = value_path.iloc[-1] - w
        rows.append(
            {
                "start": win.start,
                "end": win.end,
                "pnl": float(pnl_path.iloc[-1]),
                "return": float(pnl_path.iloc[-1]) / nav,
                "max_drawdown": dd,
                "worst_day": float(daily.min()),
                "n_days": len(dates),
                "proxied": ", ".join(proxied),
            }
        )
        pos_rows.append(pos_pnl)
        names.append(win.name)
    if not rows:
        raise DataError("no stress window overlaps the returns or the benchmark")
    index = pd.Index(names, name="scenario")
    return StressResult("historical", pd.DataFrame(rows, index=index), pd.DataFrame(pos_rows, index=index))


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
    try:
        from tailkit.pricing import bs_price
    except ImportError:  # pragma: no cover - pricing ships with tailkit
        bs_price = None
    if bs_price is not None:
        kind = np.where(book.sign > 0, "call", "put")
        return np.asarray(
            bs_price(kind, spot, book.strike, book.expiry, rate, vol, book.dividend), dtype=float
        )
    from tailkit.risk import _kernels  # pragma: no cover

    return np.array(  # pragma: no cover
        [
            _kernels.bs_value(
                spot[i], book.strike[i], book.expiry[i], vol[i], rate[i], book.dividend[i], book.sign[i]
            )
            for i in range(len(book.strike))
        ]
    )


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
    w = _weights_series(weights)
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
    nav = _nav(w) if len(w) else 1.0
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


def crisis_mask_from_vol(
    returns: pd.Series, *, window: int = 21, quantile: float = 0.9, threshold: float | None = None
) -> pd.Series:
    """Crisis-regime days: trailing realised vol above a quantile (or an absolute threshold).

    Parameters
    ----------
    returns : Series
        Daily returns of the regime driver (e.g. the S&P 500).
    window : int, default=21
        Trailing window in days.
    quantile : float, default=0.9
        Days whose annualised realised vol is above this quantile of its history.
    threshold : float, optional
        Absolute annualised vol threshold instead (0.3 = 30%).

    Returns
    -------
    Series of bool
    """
    rv = returns.rolling(window, min_periods=window).std() * np.sqrt(252.0)
    cut = threshold if threshold is not None else float(rv.quantile(quantile))
    return (rv > cut).rename("crisis")


def monte_carlo_stress(
    returns: pd.DataFrame | None,
    weights: Any,
    *,
    crisis_mask: pd.Series | None = None,
    scenarios: Any | None = None,
    horizon: int = 21,
    n_sims: int = 10_000,
    block: int = 5,
    confidence: float = 0.99,
    seed: SeedLike = None,
    label: str = "crisis bootstrap",
) -> StressResult:
    """Monte Carlo stress from the crisis regime: the P&L distribution over ``horizon`` days.

    Horizon returns are built by a block bootstrap (blocks of ``block`` consecutive crisis
    days, keeping cross-asset correlation and volatility clustering) from the days where
    ``crisis_mask`` is True, compounded over ``horizon`` days. Alternatively pass
    ``scenarios`` (horizon returns per position, e.g. from a regime-switching simulation's
    crisis regime) and they are used as they are.

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n_positions) or None
        Daily returns per position (unused with ``scenarios``).
    weights : Series or mapping
        Position values keyed by column.
    crisis_mask : Series of bool, optional
        Crisis days; default :func:`crisis_mask_from_vol` of the equal-weighted average return.
    scenarios : DataFrame or ndarray of shape (n_sims, n_positions), optional
        Pre-computed horizon returns.
    horizon : int, default=21
        Days per scenario.
    n_sims : int, default=10_000
        Scenarios drawn.
    block : int, default=5
        Bootstrap block length in days.
    confidence : float, default=0.99
        Level of the reported VaR and ES rows.
    seed : int, Generator or None
        Seed of the bootstrap.
    label : str, default="crisis bootstrap"
        Prefix of the row names.

    Returns
    -------
    StressResult
        Rows ``<label> <h>d: mean``, ``median``, ``VaR <c>``, ``ES <c>``, ``worst`` of the P&L
        distribution.
    """
    c = float(check_confidence(confidence)[0])
    if scenarios is not None:
        if isinstance(scenarios, pd.DataFrame):
            w = _weights_series(weights, list(scenarios.columns))
            sims = scenarios[list(w.index)].to_numpy(dtype=float)
        else:
            sims = np.asarray(scenarios, dtype=float)
            w = _weights_series(weights, [f"position_{j}" for j in range(sims.shape[1])])
    else:
        if returns is None:
            raise ParameterError("give either returns (to bootstrap crisis days) or scenarios")
        w = _weights_series(weights, list(returns.columns))
        rets = returns.copy()
        rets.columns = rets.columns.map(str)
        rets = rets[list(w.index)].dropna()
        if crisis_mask is None:
            crisis_mask = crisis_mask_from_vol(rets.mean(axis=1))
        mask = crisis_mask.reindex(rets.index).fillna(False).astype(bool).to_numpy()
        days = np.log1p(rets.to_numpy()[mask])
        if days.shape[0] < block:
            raise DataError(
                f"only {days.shape[0]} crisis day(s) with complete returns; need at least {block}"
            )
        if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
            raise ParameterError(describe_bad_value("horizon", horizon, "an int >= 1 (days)"))
        rng = make_generator(seed)
        n_blocks = -(-horizon // block)
        starts = rng.integers(0, days.shape[0] - block + 1, size=(n_sims, n_blocks))
        offs = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_sims, -1)[:, :horizon]
        sims = np.expm1(days[offs].sum(axis=1))
    if sims.ndim != 2 or sims.shape[1] != len(w):
        raise ParameterError(describe_bad_value("scenarios", sims.shape, f"(n_sims, {len(w)})"))
    pos = sims * w.to_numpy()[None, :]
    pnl = pos.sum(axis=1)
    nav = _nav(w)
    losses = -pnl
    order = np.sort(losses)[::-1]
    k = max(int(np.ceil(round(len(pnl) * (1 - c), 9))), 1)
    var = float(order[k - 1])
    es = float(order[:k].mean())
    stats_rows = {
        "mean": float(pnl.mean()),
        "median": float(np.median(pnl)),
        f"VaR {c:.0%}": -var,
        f"ES {c:.0%}": -es,
        "worst": float(pnl.min()),
    }
    worst_k = np.argsort(pnl)[:k]
    pos_rows = {
        "mean": pos.mean(axis=0),
        "median": np.median(pos, axis=0),
        f"VaR {c:.0%}": pos[np.argsort(pnl)[k - 1]],
        f"ES {c:.0%}": pos[worst_k].mean(axis=0),
        "worst": pos[np.argmin(pnl)],
    }
    index = pd.Index([f"{label} {horizon}d: {k}" for k in stats_rows], name="scenario")
    table = pd.DataFrame(
        {"pnl": list(stats_rows.values()), "return": [v / nav for v in stats_rows.values()]}, index=index
    )
    table["horizon_days"] = horizon
    table["n_sims"] = len(pnl)
    return StressResult(
        "monte_carlo",
        table,
        pd.DataFrame(np.array(list(pos_rows.values())), index=index, columns=list(w.index)),
    )


def stress_table(*results: StressResult) -> pd.DataFrame:
    """Stack stress results into one table (``kind``, ``scenario``, ``pnl``, ``return``, ...)."""
    if not results:
        raise ParameterError("stress_table needs at least one StressResult")
    return pd.concat([r.to_frame() for r in results], axis=0, sort=False)


def crisis_regime_params(returns: pd.DataFrame, *, crisis_mask: pd.Series | None = None) -> Any:
    """Three-regime (calm, stressed, crisis) parameters estimated from history.

    Days are split by the trailing 21-day realised vol of the equal-weighted average return:
    crisis above its 90th percentile (or ``crisis_mask``), stressed above its median, calm
    otherwise. Each regime gets its annualised mean, volatility and correlation; the
    transition matrix is :class:`tailkit.simulation.RegimeParams`' default (expected stays of
    about 100, 25 and 20 days) and paths start in the crisis regime.

    Parameters
    ----------
    returns : DataFrame
        Daily returns per position (complete rows are used).
    crisis_mask : Series of bool, optional
        Crisis days; default the 90th-percentile realised-vol rule.

    Returns
    -------
    tailkit.simulation.RegimeParams
    """
    from tailkit.simulation import RegimeParams

    rets = returns.dropna()
    avg = rets.mean(axis=1)
    crisis = (
        crisis_mask_from_vol(avg) if crisis_mask is None else crisis_mask.reindex(rets.index).fillna(False)
    )
    stressed = crisis_mask_from_vol(avg, quantile=0.5) & ~crisis.astype(bool)
    calm = ~(crisis.astype(bool) | stressed)
    mus, sigmas, corrs = [], [], []
    n = rets.shape[1]
    for mask in (calm, stressed, crisis.astype(bool)):
        x = rets.to_numpy()[mask.to_numpy()]
        if x.shape[0] < max(n + 2, 10):
            raise DataError(f"only {x.shape[0]} days in a regime; need at least {max(n + 2, 10)}")
        mus.append(tuple(float(v) for v in x.mean(axis=0) * 252.0))
        sigmas.append(tuple(float(v) for v in x.std(axis=0, ddof=1) * np.sqrt(252.0)))
        c = np.corrcoef(x, rowvar=False).reshape(n, n)
        c = 0.5 * (c + c.T)
        np.fill_diagonal(c, 1.0)
        corrs.append(tuple(tuple(float(v) for v in row) for row in c))
    return RegimeParams(mu=tuple(mus), sigma=tuple(sigmas), correlation=tuple(corrs), initial=(0.0, 0.0, 1.0))


def regime_monte_carlo_stress(
    returns: pd.DataFrame | None,
    weights: Any,
    *,
    regime_params: Any | None = None,
    crisis_mask: pd.Series | None = None,
    horizon: int = 21,
    n_sims: int = 10_000,
    confidence: float = 0.99,
    seed: SeedLike = None,
) -> StressResult:
    """Monte Carlo stress from the crisis regime of a regime-switching simulation.

    Paths of :func:`tailkit.simulation.simulate_regimes` start in the last regime (the crisis)
    and follow the Markov chain for ``horizon`` days; the horizon returns of each position
    feed :func:`monte_carlo_stress`.

    Parameters
    ----------
    returns : DataFrame or None
        Daily returns per position, to estimate the regimes (unused with ``regime_params``).
    weights : Series or mapping
        Position values keyed by column (or by the order of ``regime_params``' assets).
    regime_params : tailkit.simulation.RegimeParams, optional
        Regimes to simulate (its ``initial`` distribution is used as given); default
        :func:`crisis_regime_params` of ``returns``.
    crisis_mask : Series of bool, optional
        Crisis days for the default estimate.
    horizon : int, default=21
        Days per path.
    n_sims : int, default=10_000
        Paths.
    confidence : float, default=0.99
        Level of the VaR and ES rows.
    seed : int, Generator or None
        Seed of the simulation.

    Returns
    -------
    StressResult
        Rows ``crisis regime MC <h>d: mean, median, VaR, ES, worst``.
    """
    from tailkit.simulation import simulate_regimes

    if regime_params is None:
        if returns is None:
            raise ParameterError("give either returns (to estimate the regimes) or regime_params")
        regime_params = crisis_regime_params(returns, crisis_mask=crisis_mask)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ParameterError(describe_bad_value("horizon", horizon, "an int >= 1 (days)"))
    paths = simulate_regimes(regime_params, n_paths=n_sims, n_steps=horizon, seed=seed)
    scen = paths.values[:, -1, :] / paths.values[:, 0, :] - 1.0
    if returns is not None:
        w = _weights_series(weights, list(returns.columns))
        frame = pd.DataFrame(scen, columns=[str(c) for c in returns.columns])[list(w.index)]
    else:
        names = [f"position_{j}" for j in range(scen.shape[1])]
        w = _weights_series(weights, names)
        frame = pd.DataFrame(scen, columns=list(w.index))
    return monte_carlo_stress(
        None, w, scenarios=frame, horizon=horizon, confidence=confidence, label="crisis regime MC"
    )
