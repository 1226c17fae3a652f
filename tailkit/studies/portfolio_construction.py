"""Parameters of notebook 03 (portfolio construction with asymmetric risk premia)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError
from tailkit.params import param, validate
from tailkit.portfolio.black_litterman import BlackLittermanResult, black_litterman
from tailkit.portfolio.constraints import Constraints
from tailkit.portfolio.downside import min_cvar, min_semivariance
from tailkit.portfolio.frontier import ParetoResult, efficient_frontier, pareto_frontier
from tailkit.portfolio.inputs import CovarianceMethod, PortfolioInputs
from tailkit.portfolio.mean_variance import max_sharpe, min_variance
from tailkit.portfolio.rebalancing import RebalanceResult, rebalance
from tailkit.portfolio.result import FrontierResult, PortfolioResult
from tailkit.portfolio.risk_budgeting import risk_parity

__all__ = [
    "PortfolioStudyParams",
    "PortfolioStudy",
    "portfolio_study",
    "study_constraints",
    "load_study_prices",
]

_TICKERS = ("AAPL", "GOOG", "IBM", "MSFT")


@dataclass(frozen=True, slots=True, kw_only=True)
class PortfolioStudyParams:
    """Inputs of ``notebooks/03_portfolio_construction.ipynb``.

    Parameters
    ----------
    tickers : tuple of str
        Bundled stocks to hold (subset of AAPL, GOOG, IBM, MSFT).
    start, end : str
        Sample window (ISO dates) of daily returns.
    cov_method : {"sample", "ledoit_wolf", "ewma"}
        Covariance estimator.
    alpha : float
        CVaR confidence level.
    max_weight : float
        Upper bound per stock.
    max_cash : float
        Maximum cash weight (cash earns ``risk_free``).
    risk_free : float
        Risk-free rate, decimal per year.
    cost : float
        Proportional transaction cost per unit traded.
    n_points : int
        Points per frontier.
    risk_aversion : float
        Black-Litterman ``δ``.
    view_outperformance : float
        Black-Litterman view: first ticker beats the last by this much per year.
    view_confidence : float
        Idzorek confidence of the view.
    loss_aversion : float
        Prospect theory ``λ``.
    curvature : float
        Prospect theory ``α = β``.
    reference : float
        Reference return per day for prospect theory.
    rebalance_band : float
        Drift band for the rebalancing study.
    """

    tickers: tuple[str, ...] = param(_TICKERS, choices=_TICKERS, doc="stocks to hold")
    start: str = param("2004-09-01", doc="first date of the sample (ISO)")
    end: str = param("2013-03-01", doc="last date of the sample (ISO)")
    cov_method: CovarianceMethod = param(
        "ledoit_wolf", choices=get_args(CovarianceMethod), doc="covariance estimator"
    )
    alpha: float = param(0.95, ge=0.8, le=0.995, doc="CVaR confidence level")
    max_weight: float = param(0.6, gt=0.0, le=1.0, doc="upper bound per stock")
    max_cash: float = param(0.0, ge=0.0, le=1.0, doc="maximum cash weight")
    risk_free: float = param(0.02, ge=0.0, le=0.2, doc="risk-free rate, decimal per year")
    cost: float = param(0.001, ge=0.0, le=0.05, doc="proportional cost per unit traded")
    n_points: int = param(12, ge=3, le=60, doc="points per frontier")
    risk_aversion: float = param(2.5, gt=0.0, le=20.0, doc="Black-Litterman risk aversion δ")
    view_outperformance: float = param(0.03, ge=-0.5, le=0.5, doc="view: first ticker minus last, per year")
    view_confidence: float = param(0.5, gt=0.0, le=1.0, doc="Idzorek confidence of the view")
    loss_aversion: float = param(2.25, gt=0.0, le=10.0, doc="prospect theory λ")
    curvature: float = param(
        0.88, gt=0.0, lt=2.0, doc="prospect theory α = β (above 1: risk seeking in gains)"
    )
    reference: float = param(0.0, ge=-0.05, le=0.05, doc="reference return per day")
    rebalance_band: float = param(0.05, gt=0.0, le=0.5, doc="drift band for rebalancing")

    def __post_init__(self) -> None:
        validate(self)
        if len(self.tickers) < 2 or len(set(self.tickers)) != len(self.tickers):
            raise ParameterError(
                f"tickers={self.tickers!r} is not allowed: expected at least 2 distinct tickers"
            )
        if self.start >= self.end:
            raise ParameterError(f"start={self.start!r} must be before end={self.end!r}")
        if self.max_weight * len(self.tickers) + self.max_cash < 1.0:
            raise ParameterError(
                f"max_weight={self.max_weight} x {len(self.tickers)} tickers + max_cash={self.max_cash} < 1: "
                "the portfolio cannot be fully invested"
            )


@dataclass(frozen=True, slots=True)
class PortfolioStudy:
    """Everything notebook 03 shows, computed from one :class:`PortfolioStudyParams`.

    Attributes
    ----------
    params : PortfolioStudyParams
        The inputs.
    inputs : PortfolioInputs
        Moments (annualized) and daily return scenarios of the bundled stocks.
    frontiers : dict of str to FrontierResult
        ``"variance"``, ``"semivariance"`` and ``"cvar"`` frontiers.
    portfolios : dict of str to PortfolioResult
        ``min_variance``, ``max_sharpe``, ``min_semivariance``, ``min_cvar``, ``risk_parity``,
        ``black_litterman`` (max Sharpe on the posterior) and ``loss_averse``.
    black_litterman : BlackLittermanResult
        Prior (equal-weight market proxy) and posterior returns.
    pareto : ParetoResult
        Return / CVaR / prospect-value candidates and their Pareto flags.
    rebalancing : dict of str to RebalanceResult
        The risk-parity target held with monthly and with drift-band rebalancing.
    """

    params: PortfolioStudyParams
    inputs: PortfolioInputs
    frontiers: dict[str, FrontierResult]
    portfolios: dict[str, PortfolioResult]
    black_litterman: BlackLittermanResult
    pareto: ParetoResult
    rebalancing: dict[str, RebalanceResult]

    def frontier_frame(self) -> pd.DataFrame:
        """Tidy frontiers: ``risk_measure, expected_return, volatility, cvar, risk`` and weights."""
        return pd.concat([f.to_frame() for f in self.frontiers.values()], ignore_index=True)

    def weights_frame(self) -> pd.DataFrame:
        """Long table ``portfolio, asset, weight`` (cash as an asset when held)."""
        return weights_long(self.portfolios)

    def summary_frame(self) -> pd.DataFrame:
        """One row per portfolio: expected return, volatility, Sharpe, CVaR (daily), cash."""
        return portfolios_table(self.portfolios, self.params.risk_free)

    def summary(self) -> dict[str, float]:
        """Headline numbers for the notebook's summary line."""
        p = self.portfolios
        return {
            "max_sharpe_ratio": round(
                (p["max_sharpe"].expected_return - self.params.risk_free) / p["max_sharpe"].volatility, 4
            ),
            "min_variance_vol": round(p["min_variance"].volatility, 4),
            "min_cvar_daily": round(p["min_cvar"].cvar, 5),
            "loss_averse_cash": round(p["loss_averse"].cash, 4),
            "loss_averse_max_weight": round(float(p["loss_averse"].weights.max()), 4),
            "risk_parity_max_rc_gap": round(float(p["risk_parity"].objective_value), 8),
            "pareto_points": int(self.pareto.pareto.sum()),
            "band_rebalances": self.rebalancing["band"].n_rebalances,
        }


def study_constraints(params: PortfolioStudyParams) -> Constraints:
    """The study's constraint set: per-stock cap, cash range, costs from an equal-weight book."""
    n = len(params.tickers)
    return Constraints(
        upper=params.max_weight,
        max_cash=params.max_cash,
        cost=params.cost,
        current_weights={t: 1.0 / n for t in params.tickers},
    )


def load_study_prices(params: PortfolioStudyParams) -> pd.DataFrame:
    """Adjusted closes of the chosen bundled stocks over the study window (no NaN rows)."""
    from tailkit.data.stocks import load

    px = load(list(params.tickers))
    px = px.loc[params.start : params.end].dropna(how="any")
    if len(px) < 60:
        raise ParameterError(
            f"start={params.start!r}, end={params.end!r}: only {len(px)} days with prices for all of "
            f"{', '.join(params.tickers)} (GOOG starts 2004-08-19)"
        )
    return px


def portfolio_study(params: PortfolioStudyParams | None = None) -> PortfolioStudy:
    """Run notebook 03's study: frontiers, named portfolios, Black-Litterman, Pareto set, rebalancing.

    Parameters
    ----------
    params : PortfolioStudyParams, optional
        Defaults if omitted.

    Returns
    -------
    PortfolioStudy
    """
    from tailkit.behavioral import ProspectParams
    from tailkit.portfolio import max_prospect_value

    p = params or PortfolioStudyParams()
    px = load_study_prices(p)
    inputs = study_inputs(p)
    cons = study_constraints(p)
    rf = p.risk_free
    frontiers = {
        m: efficient_frontier(inputs, m, p.n_points, cons, alpha=p.alpha, risk_free=rf)
        for m in ("variance", "semivariance", "cvar")
    }
    n = inputs.n_assets
    view = np.zeros((1, n))
    view[0, 0], view[0, -1] = 1.0, -1.0
    bl = black_litterman(
        inputs.cov,
        np.full(n, 1.0 / n),
        risk_aversion=p.risk_aversion,
        views=view,
        view_returns=np.array([p.view_outperformance]),
        confidences=np.array([p.view_confidence]),
        omega="idzorek",
        assets=inputs.assets,
    )
    prospect = ProspectParams(
        alpha=p.curvature, beta=p.curvature, loss_aversion=p.loss_aversion, reference=p.reference
    )
    portfolios = {
        "min_variance": min_variance(inputs, cons),
        "max_sharpe": max_sharpe(inputs, cons, risk_free=rf),
        "min_semivariance": min_semivariance(inputs, cons, risk_free=rf),
        "min_cvar": min_cvar(inputs, p.alpha, cons, risk_free=rf),
        "risk_parity": risk_parity(inputs),
        "black_litterman": max_sharpe(bl.to_inputs(inputs.scenarios), cons, risk_free=rf),
        "loss_averse": max_prospect_value(inputs, prospect, cons, risk_free=rf),
    }
    pareto = pareto_frontier(
        inputs, max(3, p.n_points // 2), cons, alpha=p.alpha, prospect=prospect, risk_free=rf
    )
    target = portfolios["risk_parity"].weights
    rebal = {
        "monthly": rebalance(px, target, every="M", cost=p.cost),
        "band": rebalance(px, target, every=None, band=p.rebalance_band, cost=p.cost),
    }
    return PortfolioStudy(p, inputs, frontiers, portfolios, bl, pareto, rebal)


def study_inputs(params: PortfolioStudyParams) -> PortfolioInputs:
    """Moments and daily scenarios of the study's stocks and window."""
    rets = load_study_prices(params).pct_change().dropna(how="any")
    return PortfolioInputs.from_returns(rets, cov_method=params.cov_method)


def constrained_portfolios(
    params: PortfolioStudyParams, inputs: PortfolioInputs | None = None
) -> dict[str, PortfolioResult]:
    """The portfolios that depend on the constraints, CVaR level and prospect preferences.

    What the notebook's panel recomputes when a control moves: minimum variance, maximum
    Sharpe, minimum CVaR and the loss-averse optimum.

    Parameters
    ----------
    params : PortfolioStudyParams
        Study parameters.
    inputs : PortfolioInputs, optional
        Reuse already loaded inputs (must match ``params``' tickers, window and estimator).

    Returns
    -------
    dict of str to PortfolioResult
    """
    from tailkit.behavioral import ProspectParams
    from tailkit.portfolio import max_prospect_value

    inp = inputs if inputs is not None else study_inputs(params)
    cons = study_constraints(params)
    rf = params.risk_free
    prospect = ProspectParams(
        alpha=params.curvature,
        beta=params.curvature,
        loss_aversion=params.loss_aversion,
        reference=params.reference,
    )
    return {
        "min_variance": min_variance(inp, cons),
        "max_sharpe": max_sharpe(inp, cons, risk_free=rf),
        "min_cvar": min_cvar(inp, params.alpha, cons, risk_free=rf),
        "loss_averse": max_prospect_value(inp, prospect, cons, risk_free=rf),
    }


def portfolios_table(portfolios: dict[str, PortfolioResult], risk_free: float = 0.0) -> pd.DataFrame:
    """One row per portfolio: expected return, volatility, Sharpe, CVaR (per day), cash.

    Parameters
    ----------
    portfolios : dict of str to PortfolioResult
        Named portfolios.
    risk_free : float, default=0.0
        Subtracted in the Sharpe ratio.

    Returns
    -------
    pandas.DataFrame
    """
    return pd.DataFrame(
        {
            name: {
                "expected_return": p.expected_return,
                "volatility": p.volatility,
                "sharpe": (p.expected_return - risk_free) / p.volatility
                if p.volatility > 0
                else float("nan"),
                "cvar_daily": p.cvar,
                "cash": p.cash,
            }
            for name, p in portfolios.items()
        }
    ).T


def weights_long(portfolios: dict[str, PortfolioResult]) -> pd.DataFrame:
    """Long table ``portfolio, asset, weight`` (cash as an asset when held)."""
    rows = []
    for name, p in portfolios.items():
        for asset, wt in p.weights.items():
            rows.append({"portfolio": name, "asset": str(asset), "weight": float(wt)})
        if abs(p.cash) > 1e-9:
            rows.append({"portfolio": name, "asset": "cash", "weight": p.cash})
    return pd.DataFrame(rows)
