from __future__ import annotations

import numpy as np
import pytest

from tailkit._numba import HAS_NUMBA
from tailkit.portfolio import PortfolioInputs, black_litterman, risk_budgeting, risk_parity
from tailkit.portfolio._kernels import risk_budget_ccd, risk_budget_ccd_python


def test_erc_diagonal_is_inverse_vol() -> None:
    # closed form: with a diagonal covariance, equal risk contribution = inverse volatility
    vols = np.array([0.1, 0.2, 0.3, 0.4])
    inp = PortfolioInputs.from_moments(np.zeros(4), np.diag(vols**2))
    w = risk_parity(inp).weights.to_numpy()
    np.testing.assert_allclose(w, (1 / vols) / (1 / vols).sum(), rtol=1e-10)


def test_risk_budgets_met(inputs: PortfolioInputs) -> None:
    b = {"AAPL": 0.4, "GOOG": 0.3, "IBM": 0.2, "MSFT": 0.1}
    res = risk_budgeting(inputs, b)
    np.testing.assert_allclose(res.risk_contributions[list(b)].to_numpy(), list(b.values()), atol=1e-9)


def test_risk_parity_against_skfolio(inputs: PortfolioInputs) -> None:
    # peer reference: skfolio RiskBudgeting (variance, equal budgets)
    import skfolio.optimization as opt

    m = opt.RiskBudgeting(solver="CLARABEL")
    m.fit(inputs.scenarios)
    ours = risk_parity(inputs)
    np.testing.assert_allclose(
        ours.weights.to_numpy(), m.weights_, atol=5e-5
    )  # peer's interior-point accuracy
    np.testing.assert_allclose(ours.risk_contributions.to_numpy(), 0.25, atol=1e-10)


@pytest.mark.skipif(not HAS_NUMBA, reason="needs numba")
def test_ccd_twins_agree(inputs: PortfolioInputs) -> None:
    b = np.full(4, 0.25)
    w1, i1 = risk_budget_ccd(inputs.cov, b, 1e-12, 10_000)
    w2, i2 = risk_budget_ccd_python(inputs.cov, b, 1e-12, 10_000)
    np.testing.assert_allclose(w1, w2, rtol=1e-12)
    assert i1 == i2


# He & Litterman (1999), "The Intuition Behind Black-Litterman Model Portfolios", Goldman Sachs:
# seven equity markets, correlations / volatilities / market weights of their tables,
# δ = 2.5, τ = 0.05, Ω = diag(PτΣPᵀ). Published values are rounded to 0.1%.
_CORR = np.array(
    [
        [1.000, 0.488, 0.478, 0.515, 0.439, 0.512, 0.491],
        [0.488, 1.000, 0.664, 0.655, 0.310, 0.608, 0.779],
        [0.478, 0.664, 1.000, 0.861, 0.355, 0.783, 0.668],
        [0.515, 0.655, 0.861, 1.000, 0.354, 0.777, 0.653],
        [0.439, 0.310, 0.355, 0.354, 1.000, 0.405, 0.306],
        [0.512, 0.608, 0.783, 0.777, 0.405, 1.000, 0.652],
        [0.491, 0.779, 0.668, 0.653, 0.306, 0.652, 1.000],
    ]
)
_VOL = np.array([16.0, 20.3, 24.8, 27.1, 21.0, 20.0, 18.7]) / 100
_W = np.array([1.6, 2.2, 5.2, 5.5, 11.6, 12.4, 61.5]) / 100
_COV = _CORR * np.outer(_VOL, _VOL)
_GER_VIEW = np.array([0, 0, -0.295, 1, 0, -0.705, 0])  # Germany vs. the rest of Europe (France, UK)
_CAN_VIEW = np.array([0, 1, 0, 0, 0, 0, -1])  # Canada vs. the US


def test_he_litterman_equilibrium() -> None:
    bl = black_litterman(_COV, _W, risk_aversion=2.5, tau=0.05)
    np.testing.assert_allclose(bl.equilibrium * 100, [3.9, 6.9, 8.4, 9.0, 4.3, 6.8, 7.6], atol=0.051)
    # no views: posterior mean = equilibrium (closed form)
    np.testing.assert_allclose(bl.posterior_mean, bl.equilibrium, rtol=1e-15)


def test_he_litterman_one_view() -> None:
    bl = black_litterman(_COV, _W, risk_aversion=2.5, tau=0.05, views=_GER_VIEW[None, :], view_returns=[0.05])
    np.testing.assert_allclose(bl.posterior_mean * 100, [4.3, 7.6, 9.3, 11.0, 4.5, 7.0, 8.1], atol=0.051)
    np.testing.assert_allclose(
        bl.unconstrained_weights().to_numpy() * 100, [1.5, 2.1, -3.9, 35.4, 11.0, -9.5, 58.6], atol=0.051
    )


def test_he_litterman_two_views() -> None:
    bl = black_litterman(
        _COV,
        _W,
        risk_aversion=2.5,
        tau=0.05,
        views=np.vstack([_GER_VIEW, _CAN_VIEW]),
        view_returns=[0.05, 0.03],
    )
    np.testing.assert_allclose(bl.posterior_mean * 100, [4.4, 8.7, 9.5, 11.2, 4.6, 7.0, 7.5], atol=0.051)
    np.testing.assert_allclose(
        bl.unconstrained_weights().to_numpy() * 100, [1.5, 41.9, -3.4, 33.6, 11.0, -8.2, 18.8], atol=0.051
    )


def test_idzorek_confidence_limits() -> None:
    p = _GER_VIEW[None, :]
    full = black_litterman(_COV, _W, views=p, view_returns=[0.05], omega="idzorek", confidences=[1.0])
    assert float((p @ full.posterior_mean)[0]) == pytest.approx(0.05, abs=1e-12)
    half = black_litterman(_COV, _W, views=p, view_returns=[0.05], omega="idzorek", confidences=[0.5])
    hl = black_litterman(_COV, _W, views=p, view_returns=[0.05])
    np.testing.assert_allclose(half.posterior_mean, hl.posterior_mean, rtol=1e-12)
    weak = black_litterman(_COV, _W, views=p, view_returns=[0.05], omega="idzorek", confidences=[1e-9])
    np.testing.assert_allclose(weak.posterior_mean, weak.equilibrium, atol=1e-8)
