"""The risk-management study behind notebook 10 (and the ``risk_review`` app, which runs it).

:class:`RiskStudyParams` (notebook ``10_risk_management``) extends
:class:`PortfolioRiskParams`, the fields every risk view shares; :func:`load_portfolio` reads prices (a user
file through :func:`tailkit.data.read_prices`, or the bundled demo) and
:func:`run_risk_study` computes everything the notebook and the app show: VaR/ES with
contributions by every method, the full-revaluation VaR of stocks plus a protective put
overlay, a VaR backtest, the stress table, the limit report and the performance report.

The demo portfolio holds the bundled real stocks (AAPL, MSFT, IBM, GOOG, 2004-2013) and,
optionally, S&P 500 puts whose implied vol is **synthetic** (trailing realised vol x ``put_vol_multiplier``;
no option data is bundled).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np
import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.risk.backtest import VaRBacktest, backtest_var, rolling_var_forecast
from tailkit.risk.limits import (
    LimitReport,
    check_limits,
    drawdown_protection,
    realized_vol,
    vol_target_leverage,
)
from tailkit.risk.metrics import PerformanceReport, default_benchmark, performance_report
from tailkit.risk.revaluation import OptionBook, full_revaluation
from tailkit.risk.stress import (
    HISTORICAL_WINDOWS,
    STANDARD_SHOCKS,
    estimate_factor_betas,
    factor_stress,
    historical_stress,
    monte_carlo_stress,
    regime_monte_carlo_stress,
    stress_table,
)
from tailkit.risk.var import VaRMethod, VaRResult, compare_var_es, historical_var_es_arrays, var_es

__all__ = [
    "PortfolioRiskParams",
    "RiskStudyParams",
    "study_params",
    "Portfolio",
    "RiskStudy",
    "load_portfolio",
    "demo_option_book",
    "run_risk_study",
]

_METHOD_CHOICES: tuple[str, ...] = get_args(VaRMethod)
_DEMO = ("AAPL", "MSFT", "IBM", "GOOG")


def _check_portfolio_fields(p: Any) -> None:
    if len(p.tickers) != len(p.weights):
        raise ParameterError(
            describe_bad_value("weights", p.weights, f"one weight per ticker ({len(p.tickers)} tickers)")
        )
    if len(set(p.tickers)) != len(p.tickers) or not p.tickers:
        raise ParameterError(describe_bad_value("tickers", p.tickers, "distinct, non-empty ticker names"))
    if not any(w != 0 for w in p.weights):
        raise ParameterError(describe_bad_value("weights", p.weights, "at least one non-zero weight"))


@dataclass(frozen=True, slots=True, kw_only=True)
class PortfolioRiskParams:
    """The fields every risk view shares: the portfolio, the VaR set-up and the calm-regime limits.

    :class:`RiskStudyParams` (notebook 10) and
    :class:`tailkit.studies.risk_review.RiskReviewParams` (the app) both extend it, so each
    field, its default and its allowed range are written once.
    """

    prices_path: str = param("", doc="price file (CSV/Parquet, wide or long); empty = bundled demo stocks")
    tickers: tuple[str, ...] = param(_DEMO, doc="positions (columns of the price file)")
    weights: tuple[float, ...] = param((0.3, 0.3, 0.2, 0.2), ge=-2.0, le=2.0, doc="weights, fractions of NAV")
    nav: float = param(1_000_000.0, gt=0.0, le=1e12, doc="net asset value, currency")
    lookback_days: int = param(1000, ge=100, le=10_000, doc="scenario window for VaR, trading days")
    confidence: float = param(
        0.99, ge=0.8, le=0.999, percent=True, doc="VaR/ES confidence level (99% = 0.99)"
    )
    horizon_days: int = param(1, ge=1, le=60, doc="VaR horizon, trading days")
    method: VaRMethod = param("historical", choices=_METHOD_CHOICES, doc="headline VaR method")
    put_fraction: float = param(0.5, ge=0.0, le=2.0, doc="S&P 500 put notional, fraction of NAV (0 = none)")
    var_limit: float = param(0.03, gt=0.0, le=1.0, doc="calm-regime limit on 1-day VaR, fraction of NAV")
    es_limit: float = param(0.045, gt=0.0, le=1.0, doc="calm-regime limit on 1-day ES, fraction of NAV")

    def __post_init__(self) -> None:
        validate(self)
        _check_portfolio_fields(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskStudyParams(PortfolioRiskParams):
    """Parameters of notebook ``10_risk_management``: the shared fields plus the study's own."""

    n_sims: int = param(20_000, ge=1_000, le=1_000_000, doc="Monte Carlo draws")
    seed: int = param(7, ge=0, doc="random seed")
    put_moneyness: float = param(0.9, gt=0.5, le=1.2, doc="put strike / spot")
    put_expiry_years: float = param(0.25, gt=0.0, le=2.0, doc="put expiry, years")
    put_vol_multiplier: float = param(
        1.2, gt=0.0, le=5.0, doc="synthetic put IV = trailing 63-day realised vol x this (+2 points OTM skew)"
    )
    rate: float = param(0.02, ge=-0.05, le=0.25, doc="risk-free rate for pricing the puts, decimal")
    dividend: float = param(0.02, ge=0.0, le=0.2, doc="S&P 500 dividend yield for pricing the puts, decimal")
    gross_limit: float = param(1.5, gt=0.0, le=20.0, doc="limit on gross exposure, multiple of NAV")
    mc_horizon_days: int = param(21, ge=1, le=252, doc="crisis Monte Carlo horizon, trading days")
    backtest_window: int = param(250, ge=50, le=2000, doc="rolling window of the VaR backtest, days")
    target_vol: float = param(0.12, gt=0.0, le=1.0, doc="volatility target, annualised")
    drawdown_threshold: float = param(0.15, gt=0.0, lt=1.0, doc="drawdown that triggers de-risking")
    tearsheet_path: str = param("", doc="where to write the standalone HTML tearsheet; empty = temp folder")


def study_params(params: PortfolioRiskParams) -> RiskStudyParams:
    """The full study parameters for any risk view (fields it lacks take their defaults)."""
    if isinstance(params, RiskStudyParams):
        return params
    names = {f.name for f in dataclasses.fields(RiskStudyParams)}
    return RiskStudyParams(
        **{f.name: getattr(params, f.name) for f in dataclasses.fields(params) if f.name in names}
    )


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Positions and their price history.

    Attributes
    ----------
    prices : DataFrame
        Daily prices, one column per position (DatetimeIndex).
    weights : Series
        Position values in currency (weight x NAV), indexed by ticker.
    nav : float
        Net asset value.
    source : str
        ``"bundled demo"`` or the price file path.
    """

    prices: pd.DataFrame = field(repr=False)
    weights: pd.Series = field(repr=False)
    nav: float
    source: str

    @property
    def returns(self) -> pd.DataFrame:
        """Daily simple returns (first row dropped)."""
        return self.prices.pct_change(fill_method=None).iloc[1:]

    @property
    def as_of(self) -> pd.Timestamp:
        """Last date of the price history."""
        return pd.Timestamp(self.prices.index[-1])


def load_portfolio(params: PortfolioRiskParams) -> Portfolio:
    """Read the prices named by ``params`` (or the bundled demo) and size the positions.

    Parameters
    ----------
    params : PortfolioRiskParams
        ``prices_path``, ``tickers``, ``weights`` and ``nav`` are used.

    Returns
    -------
    Portfolio

    Raises
    ------
    DataError
        When a ticker is not a column of the price file.
    """
    if params.prices_path:
        from tailkit.data import read_prices

        prices = read_prices(params.prices_path)
        source = params.prices_path
    else:
        from tailkit.data import load_stocks

        prices = load_stocks()
        source = "bundled demo"
    missing = [t for t in params.tickers if t not in prices.columns]
    if missing:
        raise DataError(f"{source}: no column for ticker(s) {missing}; columns: {list(prices.columns)}")
    prices = prices[list(params.tickers)].dropna(how="any")
    if len(prices) < 60:
        raise DataError(
            f"{source}: only {len(prices)} dates where every ticker has a price; need at least 60"
        )
    w = pd.Series(
        np.asarray(params.weights, dtype=float) * params.nav, index=list(params.tickers), name="value"
    )
    return Portfolio(prices, w, float(params.nav), source)


def demo_option_book(
    spot: float,
    realized: float,
    *,
    nav: float,
    fraction: float,
    moneyness: float,
    expiry: float,
    vol_multiplier: float = 1.2,
    rate: float = 0.02,
    dividend: float = 0.02,
) -> OptionBook:
    """Protective S&P 500 puts: notional ``fraction x nav``, strike ``moneyness x spot``.

    The implied vol is **synthetic**: trailing realised vol x ``vol_multiplier`` plus a
    2-point skew premium for out-of-the-money strikes, floored at 5% (no option data is
    bundled). ``rate`` and ``dividend`` are decimals, continuously compounded.
    """
    vol = max(realized * vol_multiplier + (0.02 if moneyness < 1 else 0.0), 0.05)
    frame = pd.DataFrame(
        {
            "underlying": ["SPX"],
            "kind": ["put"],
            "strike": [moneyness * spot],
            "expiry": [expiry],
            "vol": [vol],
            "quantity": [fraction * nav / spot],
            "name": [f"SPX put {moneyness:.0%} {expiry:.2f}y"],
        }
    )
    return OptionBook.from_frame(frame, {"SPX": spot}, rate=rate, dividend=dividend)


@dataclass(frozen=True, slots=True)
class RiskStudy:
    """Everything notebook 10 and the risk-review app show.

    Attributes
    ----------
    params : RiskStudyParams
    portfolio : Portfolio
    var : VaRResult
        Headline VaR/ES (linear book, chosen method) with contributions.
    methods : DataFrame
        VaR/ES by method and level.
    total : VaRResult
        Historical full-revaluation VaR/ES of stocks plus puts, components per position
        (one-day scenarios with one day of decay; scaled by sqrt(horizon) beyond one day).
    book : OptionBook or None
        The put overlay.
    backtest : VaRBacktest
        Kupiec/Christoffersen on rolling one-day historical VaR of the linear book.
    backtest_series : DataFrame
        Date, P&L, VaR forecast and exception flag.
    stress : DataFrame
        Historical, factor and Monte Carlo stress rows (crisis-day bootstrap and the
        crisis regime of a regime-switching simulation).
    limits : LimitReport
    performance : PerformanceReport
        Portfolio, vol-targeted, drawdown-protected, benchmark.
    strategy_returns : DataFrame
        Daily returns of those strategies.
    """

    params: RiskStudyParams
    portfolio: Portfolio = field(repr=False)
    var: VaRResult = field(repr=False)
    methods: pd.DataFrame = field(repr=False)
    total: VaRResult = field(repr=False)
    book: OptionBook | None = field(repr=False)
    backtest: VaRBacktest = field(repr=False)
    backtest_series: pd.DataFrame = field(repr=False)
    stress: pd.DataFrame = field(repr=False)
    limits: LimitReport = field(repr=False)
    performance: PerformanceReport = field(repr=False)
    strategy_returns: pd.DataFrame = field(repr=False)

    def summary(self) -> dict[str, Any]:
        """Headline numbers (JSON-friendly): VaR/ES, worst stress, limit status, Sharpe."""
        worst = self.stress["pnl"].idxmin()
        perf = self.performance.table
        first = perf.columns[0]
        return {
            "as_of": self.portfolio.as_of.strftime("%Y-%m-%d"),
            "method": self.var.method,
            "confidence": self.var.confidence,
            "horizon_days": self.var.horizon,
            "var": round(self.var.var, 2),
            "es": round(self.var.es, 2),
            "var_with_puts": round(self.total.var, 2),
            "es_with_puts": round(self.total.es, 2),
            "backtest_exceptions": self.backtest.exceptions,
            "backtest_p_cc": round(self.backtest.p_cc, 4),
            "worst_stress": str(worst),
            "worst_stress_pnl": round(float(self.stress.loc[worst, "pnl"].min()), 2),
            "limit_status": self.limits.worst_severity,
            "regime": self.limits.regime,
            "sharpe": round(float(perf.loc["sharpe_ratio", first]), 4),
            "max_drawdown": round(float(perf.loc["max_drawdown", first]), 4),
        }


def _scenario_pnl(
    returns: pd.DataFrame, w: pd.Series, book: OptionBook | None, spx: pd.Series
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Scenario x position P&L: linear positions plus fully revalued options (1-day)."""
    lin = returns[list(w.index)].to_numpy() * w.to_numpy()[None, :]
    names = tuple(w.index)
    if book is None:
        return np.ascontiguousarray(lin), names
    spot_ret = spx.reindex(returns.index).fillna(0.0).to_numpy()[:, None]
    rev = full_revaluation(book, spot_ret, horizon_days=1.0)
    return np.ascontiguousarray(np.hstack([lin, rev.option_pnl])), names + rev.names


def run_risk_study(params: PortfolioRiskParams | None = None) -> RiskStudy:
    """Run the whole risk study for a parameter set.

    Parameters
    ----------
    params : PortfolioRiskParams, optional
        A :class:`RiskStudyParams` or an app's parameter set (fields it lacks take the
        study's defaults, see :func:`study_params`). Defaults to ``RiskStudyParams()``.

    Returns
    -------
    RiskStudy
    """
    params = study_params(params if params is not None else RiskStudyParams())
    pf = load_portfolio(params)
    rets = pf.returns.dropna()
    window = rets.iloc[-params.lookback_days :]
    w = pf.weights
    headline = var_es(
        window,
        w,
        confidence=params.confidence,
        horizon=params.horizon_days,
        method=params.method,
        n_sims=params.n_sims,
        seed=params.seed,
    )
    methods = compare_var_es(
        window,
        w,
        confidences=sorted({0.95, params.confidence}),
        horizon=params.horizon_days,
        n_sims=params.n_sims,
        seed=params.seed,
    )
    spx = default_benchmark()
    book = None
    if params.put_fraction > 0:
        spot_idx = spx.index[spx.index <= pf.as_of]
        from tailkit.data import load_sp500

        spx_px = load_sp500()["adj_close"]
        spot = float(spx_px.loc[: pf.as_of].iloc[-1])
        rv = float(spx.loc[spot_idx[-63:]].std() * np.sqrt(252.0))
        book = demo_option_book(
            spot,
            rv,
            nav=pf.nav,
            fraction=params.put_fraction,
            moneyness=params.put_moneyness,
            expiry=params.put_expiry_years,
            vol_multiplier=params.put_vol_multiplier,
            rate=params.rate,
            dividend=params.dividend,
        )
    mat, names = _scenario_pnl(window, w, book, spx)
    arrays = historical_var_es_arrays(mat, np.ones(mat.shape[1]), params.confidence)
    scale = float(np.sqrt(params.horizon_days))
    total = VaRResult(
        "full_revaluation",
        params.confidence,
        params.horizon_days,
        float(arrays.var[0]) * scale,
        float(arrays.es[0]) * scale,
        names,
        np.ones(len(names)),
        arrays.marginal_var[0] * scale,
        arrays.marginal_es[0] * scale,
        arrays.component_var[0] * scale,
        arrays.component_es[0] * scale,
        mat.shape[0],
    )
    port = (rets * (w / pf.nav)).sum(axis=1).rename("portfolio")
    fc = rolling_var_forecast(port, window=params.backtest_window, confidence=params.confidence)
    bt = backtest_var(port, fc, confidence=params.confidence)
    bt_series = pd.DataFrame({"pnl": port, "var": fc}).dropna()
    bt_series["exception"] = -bt_series["pnl"] > bt_series["var"]
    hist = historical_stress(pf.returns, w, HISTORICAL_WINDOWS, benchmark=spx)
    betas = estimate_factor_betas(pf.returns)
    und_betas = pd.DataFrame({"equity": [1.0]}, index=["SPX"])
    fac = factor_stress(w, betas, STANDARD_SHOCKS, book=book, underlying_betas=und_betas)
    mc = monte_carlo_stress(rets, w, horizon=params.mc_horizon_days, n_sims=params.n_sims, seed=params.seed)
    regime = regime_monte_carlo_stress(
        rets, w, horizon=params.mc_horizon_days, n_sims=params.n_sims, seed=params.seed
    )
    stress = stress_table(hist, fac, mc, regime)
    one_day = (
        headline
        if params.horizon_days == 1
        else var_es(
            window,
            w,
            confidence=params.confidence,
            method=params.method,
            n_sims=params.n_sims,
            seed=params.seed,
        )
    )
    gross = float(np.abs(w).sum() / pf.nav)
    # the regime describes the market, not the book's leverage: realised vol of the book scaled
    # to gross 100% (leverage x2 doubled the vol and flipped a calm market to "stressed")
    vol_now = float(realized_vol(port / gross).iloc[-1])
    limits = check_limits(
        {"var": one_day.var / pf.nav, "es": one_day.es / pf.nav, "gross": gross},
        {"var": params.var_limit, "es": params.es_limit, "gross": params.gross_limit},
        vol=vol_now,
    )
    lev = vol_target_leverage(port, target_vol=params.target_vol)
    dd = drawdown_protection(
        port, threshold=params.drawdown_threshold, rerisk_drawdown=params.drawdown_threshold / 3
    )
    strategies = pd.DataFrame(
        {"portfolio": port, "vol_targeted": port * lev, "drawdown_protected": port * dd}, index=port.index
    )
    perf = performance_report(strategies, spx)
    return RiskStudy(
        params, pf, headline, methods, total, book, bt, bt_series, stress, limits, perf, strategies
    )
