"""The risk-management study behind notebook 10 (and the ``risk_review`` app, which runs it).

:class:`RiskStudyParams` (notebook ``10_risk_management``) extends
:class:`PortfolioRiskParams`, the fields every risk view shares; :func:`load_portfolio` reads prices (a user
file through :func:`tailkit.data.read_prices`, or the bundled demo) and
:func:`run_risk_study` computes everything the notebook and the app show: VaR/ES with
contributions by every method, the full-revaluation VaR of stocks plus a protective put
overlay, a VaR backtest, the stress table, the limit report (regime-scaled VaR/ES/gross limits
and fixed concentration and liquidity limits), the performance report, concentration and
liquidity, a walk-forward multi-strategy allocation with its attribution, and (notebook 10
only) the out-of-sample evaluation of return forecasts.

Liquidity inputs of the demo: average daily traded value from the bundled OHLCV (volume x
unadjusted close, trailing 20 days) and bid-ask spreads estimated from daily highs and lows
(Corwin-Schultz, trailing 63 days). A user price file has neither: its positions get
``default_spread_bps`` and no volume (days to liquidate NaN, no impact cost). The put overlay's
implied vol is synthetic and it has no quotes, so it is left out of the liquidity table.

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

from tailkit.allocation import (
    METHODS,
    Attribution,
    NaiveComparison,
    WalkForward,
    attribute,
    compare_to_naive,
    walk_forward,
)
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.risk.backtest import VaRBacktest, backtest_var, rolling_var_forecast
from tailkit.risk.concentration import DEFAULT_CONCENTRATION_LIMITS, ConcentrationReport, concentration_report
from tailkit.risk.forecast import FORECAST_MODELS, ForecastEvaluation, evaluate_forecasts
from tailkit.risk.limits import (
    LimitReport,
    check_limits,
    drawdown_protection,
    realized_vol,
    vol_target_leverage,
)
from tailkit.risk.liquidity import (
    LiquidityReport,
    average_daily_value,
    corwin_schultz_spread,
    liquidity_report,
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
    "strategy_streams",
    "position_risk",
    "market_regimes",
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
    cluster_threshold: float = param(0.7, ge=-1.0, lt=1.0, doc="correlation linking positions into a cluster")
    position_share_limit: float = param(
        0.35, gt=0.0, le=1.0, doc="fixed limit on the largest position's share"
    )
    cluster_share_limit: float = param(0.6, gt=0.0, le=1.0, doc="fixed limit on the largest cluster's share")
    participation: float = param(0.1, gt=0.0, le=1.0, doc="share of average daily volume traded per day")
    liquidation_days_limit: float = param(5.0, gt=0.0, le=1000.0, doc="fixed limit on days to liquidate")
    spread_multiplier: float = param(3.0, ge=0.0, le=10.0, doc="Bangia's spread tail multiple a")
    impact_coefficient: float = param(1.0, gt=0.0, le=10.0, doc="square-root impact coefficient Y")
    default_spread_bps: float = param(
        5.0, ge=0.0, le=1000.0, doc="bid-ask spread of positions without OHLC, bp"
    )
    stress_spread_factor: float = param(3.0, ge=1.0, le=20.0, doc="liquidity stress: spreads widen x this")
    stress_volume_factor: float = param(0.5, gt=0.0, le=1.0, doc="liquidity stress: volumes fall to x this")
    strategies_path: str = param(
        "", doc="NAV file of strategies to allocate across; empty = the demo strategies"
    )
    allocation_method: str = param("risk_parity", choices=METHODS, doc="multi-strategy allocation method")
    max_strategy_correlation: float = param(
        0.7, gt=-1.0, le=1.0, doc="max pairwise correlation of included strategies"
    )
    max_strategy_weight: float = param(0.5, gt=0.0, le=1.0, doc="cap on each strategy's weight")
    performance_shrinkage: float = param(
        0.5, ge=0.0, le=1.0, doc="performance weights: shrinkage to equal weight"
    )
    rebalance: str = param(
        "quarter", choices=("month", "quarter", "year"), doc="allocation rebalancing period"
    )
    allocation_lookback: int = param(252, ge=20, le=5000, doc="allocation estimation window, days")
    attribution_period: str = param("quarter", choices=("month", "quarter", "year"), doc="attribution period")
    forecast_horizon_days: int = param(21, ge=1, le=252, doc="forecast horizon, trading days")
    forecast_step_days: int = param(21, ge=0, le=252, doc="days between forecast origins; 0 = no evaluation")
    forecast_window: int = param(750, ge=250, le=5000, doc="forecast models' fitting window, days")
    forecast_draws: int = param(1000, ge=100, le=100_000, doc="draws per forecast distribution")


def study_params(params: PortfolioRiskParams) -> RiskStudyParams:
    """The full study parameters for any risk view.

    Fields the view lacks take their defaults, except the forecast evaluation (refits a
    GARCH and a regime model at every origin, seconds of work): it is off
    (``forecast_step_days=0``) unless the view carries ``forecast_step_days``.
    """
    if isinstance(params, RiskStudyParams):
        return params
    names = {f.name for f in dataclasses.fields(RiskStudyParams)}
    given = {f.name: getattr(params, f.name) for f in dataclasses.fields(params) if f.name in names}
    given.setdefault("forecast_step_days", 0)
    return RiskStudyParams(**given)


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
    concentration : ConcentrationReport
        Herfindahl / effective N by weight and by component ES, largest position and
        correlation-cluster shares (clusters at ``cluster_threshold``), of the stock positions.
    liquidity : LiquidityReport
        Days to liquidate at ``participation`` of ADV, Bangia and square-root-impact LVaR
        around the headline VaR, and the liquidity stress.
    allocation : WalkForward
        Out-of-sample multi-strategy allocation (``allocation_method``, re-estimated every
        ``rebalance`` period from ``allocation_lookback`` days).
    attribution : Attribution
        The allocation's compounded return by strategy, by ``attribution_period`` and by
        S&P 500 regime (filtered probabilities of a 3-regime model fitted to the S&P 500), each
        adding up to the total.
    naive : NaiveComparison
        Allocation vs equal weight of all strategies, with the difference's standard error.
    forecasts : ForecastEvaluation or None
        Rolling-origin scores of the portfolio's ``forecast_horizon_days`` return forecasts
        (None when ``forecast_step_days`` is 0).
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
    concentration: ConcentrationReport = field(repr=False)
    liquidity: LiquidityReport = field(repr=False)
    allocation: WalkForward = field(repr=False)
    attribution: Attribution = field(repr=False)
    naive: NaiveComparison = field(repr=False)
    forecasts: ForecastEvaluation | None = field(repr=False)

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
            "effective_n_weight": round(self.concentration.effective_n_weight, 4),
            "effective_n_risk": round(self.concentration.effective_n_risk, 4),
            "largest_cluster_share": round(self.concentration.largest_cluster_share, 4),
            "lvar_exogenous": round(self.liquidity.lvar_exogenous, 2),
            "lvar_endogenous": round(self.liquidity.lvar_endogenous, 2),
            "lvar_stressed": round(self.liquidity.lvar_stressed, 2),
            "max_days_to_liquidate": round(self.liquidity.max_days_to_liquidate, 4),
            "allocation_total_return": round(self.attribution.total, 4),
            "allocation_vs_naive": round(self.naive.difference, 4),
            "allocation_vs_naive_se": round(self.naive.difference_se, 4),
            **self._forecast_summary(),
        }

    def risk_tables(self) -> dict[str, pd.DataFrame]:
        """Concentration and liquidity tables for the tearsheet (``tearsheet(..., tables=...)``)."""
        conc = self.concentration
        liq = self.liquidity
        head = pd.DataFrame(
            {
                "value": [
                    conc.effective_n_weight,
                    conc.effective_n_risk,
                    conc.largest_cluster_share,
                    liq.var,
                    liq.lvar_exogenous,
                    liq.lvar_endogenous,
                    liq.lvar_stressed,
                    liq.max_days_to_liquidate,
                ]
            },
            index=[
                "effective N by weight",
                "effective N by risk",
                "largest cluster share",
                "VaR (1 day)",
                "LVaR exogenous (Bangia)",
                "LVaR endogenous (+ impact)",
                "LVaR stressed",
                "max days to liquidate",
            ],
        )
        return {
            "Concentration and liquidity": head,
            "Concentration by position": conc.to_frame(),
            "Liquidity by position": liq.to_frame(),
        }

    def _forecast_summary(self) -> dict[str, Any]:
        if self.forecasts is None:
            return {}
        t = self.forecasts.table()
        out: dict[str, Any] = {}
        for m in t.index:
            for key, col in (("coverage_90", "coverage_90"), ("direction", "directional_accuracy")):
                value = float(t.loc[m, col]) if col in t.columns else float("nan")
                out[f"forecast_{m}_{key}"] = round(value, 4) if np.isfinite(value) else None
            out[f"forecast_{m}_failed"] = int(t.loc[m, "failed"])
        return out | {"forecast_always_up": round(self.forecasts.base_rate, 4)}


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
    conc, liq, limits = position_risk(params, pf, window, one_day, port)
    lev = vol_target_leverage(port, target_vol=params.target_vol)
    dd = drawdown_protection(
        port, threshold=params.drawdown_threshold, rerisk_drawdown=params.drawdown_threshold / 3
    )
    strategies = pd.DataFrame(
        {"portfolio": port, "vol_targeted": port * lev, "drawdown_protected": port * dd}, index=port.index
    )
    perf = performance_report(strategies, spx)
    streams = strategy_streams(params, pf, strategies)
    wf = walk_forward(
        streams,
        params.allocation_method,
        rebalance=params.rebalance,
        lookback=params.allocation_lookback,
        max_correlation=params.max_strategy_correlation,
        max_weight=params.max_strategy_weight,
        shrinkage=params.performance_shrinkage,
        confidence=0.95,
    )
    attr = attribute(
        wf.weights,
        wf.returns,
        period=params.attribution_period,
        regime_probabilities=market_regimes(spx, wf.returns.index),
    )
    naive = compare_to_naive(wf.portfolio_returns, wf.naive_returns)
    forecasts = None
    if params.forecast_step_days > 0:
        forecasts = evaluate_forecasts(
            port,
            horizon=params.forecast_horizon_days,
            models=FORECAST_MODELS,
            window=params.forecast_window,
            step=params.forecast_step_days,
            n_draws=params.forecast_draws,
            seed=params.seed,
        )
    return RiskStudy(
        params,
        pf,
        headline,
        methods,
        total,
        book,
        bt,
        bt_series,
        stress,
        limits,
        perf,
        strategies,
        conc,
        liq,
        wf,
        attr,
        naive,
        forecasts,
    )


def position_risk(
    params: RiskStudyParams, pf: Portfolio, window: pd.DataFrame, one_day: VaRResult, port: pd.Series
) -> tuple[ConcentrationReport, LiquidityReport, LimitReport]:
    """Concentration, liquidity and the limit report of the positions as of ``pf.as_of``.

    Parameters
    ----------
    params : RiskStudyParams
    pf : Portfolio
        Positions and prices up to the as-of date.
    window : DataFrame
        The VaR scenario window (daily returns up to the as-of date).
    one_day : VaRResult
        One-day VaR/ES of the headline method with its component ES (currency).
    port : Series
        Daily portfolio returns up to the as-of date (sets the volatility regime of the limits).

    Returns
    -------
    (ConcentrationReport, LiquidityReport, LimitReport)
    """
    from tailkit.portfolio import correlation_clusters

    w = pf.weights
    clusters = correlation_clusters(window.corr().to_numpy(), params.cluster_threshold)
    groups = [[int(i) for i in c] for c in clusters]
    conc = concentration_report(w, one_day.component_es, groups, threshold=params.cluster_threshold)
    liq = _liquidity(params, pf, window, one_day.var)
    gross = float(np.abs(w).sum() / pf.nav)
    # the regime describes the market, not the book's leverage: realised vol of the book scaled
    # to gross 100% (leverage x2 doubled the vol and flipped a calm market to "stressed")
    vol_now = float(realized_vol(port / gross).iloc[-1])
    fixed = {
        **DEFAULT_CONCENTRATION_LIMITS,
        "largest_position": params.position_share_limit,
        "largest_cluster": params.cluster_share_limit,
        "days_to_liquidate": params.liquidation_days_limit,
    }
    days = liq.max_days_to_liquidate
    liq_metric = {} if np.isnan(days) else {"days_to_liquidate": days}
    limits = check_limits(
        {
            "var": one_day.var / pf.nav,
            "es": one_day.es / pf.nav,
            "gross": gross,
            **conc.limit_metrics(),
            **liq_metric,
        },
        {"var": params.var_limit, "es": params.es_limit, "gross": params.gross_limit},
        vol=vol_now,
        fixed_limits=fixed,
    )
    return conc, liq, limits


def _liquidity(params: RiskStudyParams, pf: Portfolio, window: pd.DataFrame, var: float) -> LiquidityReport:
    """Liquidity of the stock positions (see the module docstring for the inputs)."""
    tickers = list(pf.weights.index)
    n = len(tickers)
    adv = np.full(n, np.nan)
    mean = np.full(n, params.default_spread_bps / 1e4)
    std = np.zeros(n)
    if not params.prices_path:
        from tailkit.data import load_stock_ohlcv

        ohlcv = load_stock_ohlcv(tickers).loc[: pf.as_of]
        wide = {f: ohlcv[f].unstack("ticker")[tickers] for f in ("high", "low", "close", "volume")}
        adv = average_daily_value(wide["volume"], wide["close"], window=20).to_numpy()
        cs = corwin_schultz_spread(wide["high"], wide["low"]).iloc[-63:]
        mean = cs.mean().to_numpy()
        std = cs.std(ddof=1).to_numpy()
    return liquidity_report(
        pf.weights,
        var,
        adv=adv,
        spread_mean=mean,
        spread_std=std,
        daily_vol=window[tickers].std(ddof=1).to_numpy(),
        participation=params.participation,
        spread_multiplier=params.spread_multiplier,
        impact_coefficient=params.impact_coefficient,
        stress_spread_factor=params.stress_spread_factor,
        stress_volume_factor=params.stress_volume_factor,
    )


def strategy_streams(params: RiskStudyParams, pf: Portfolio, strategies: pd.DataFrame) -> pd.DataFrame:
    """Daily returns of the strategies to allocate across.

    ``strategies_path`` names a NAV file (wide or long, read like a price file by
    :func:`tailkit.data.read_prices`; every column is a strategy). Without one, the demo
    strategies are the portfolio's stock sleeves (buy and hold each stock) and its two
    rule-based versions (volatility-targeted, drawdown-protected).
    """
    if params.strategies_path:
        from tailkit.data import read_prices

        nav = read_prices(params.strategies_path)
        return nav.pct_change(fill_method=None).iloc[1:].dropna(how="any")
    sleeves = pf.returns[list(pf.weights.index)]
    return pd.concat([sleeves, strategies[["vol_targeted", "drawdown_protected"]]], axis=1).dropna(how="any")


def market_regimes(benchmark: pd.Series, index: pd.Index) -> pd.DataFrame:
    """Filtered probabilities of calm / stressed / crisis S&P 500 regimes on ``index``.

    A 3-regime Gaussian Markov-switching model is fitted to the S&P 500's daily log returns
    (whole bundled history: the parameters use all data, the probabilities of each day only
    data up to that day) by :func:`tailkit.calibration.fit_regimes`; days of ``index`` without
    an S&P 500 return carry the previous day's probabilities.
    """
    from tailkit.calibration import fit_regimes

    r = np.log1p(benchmark.dropna())
    fit = fit_regimes(r, 3)
    probs = pd.DataFrame(fit.probabilities.filtered, index=r.index, columns=list(fit.params.regime_names))
    return probs.reindex(probs.index.union(index)).ffill().reindex(index)
