"""Parameters of notebook 03 (portfolio construction with asymmetric risk premia)."""

from __future__ import annotations

from dataclasses import dataclass

from tailkit.errors import ParameterError
from tailkit.params import param, validate

__all__ = ["PortfolioStudyParams"]

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
    cov_method: str = param(
        "ledoit_wolf", choices=("sample", "ledoit_wolf", "ewma"), doc="covariance estimator"
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
    curvature: float = param(0.88, gt=0.0, le=1.0, doc="prospect theory α = β")
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
