from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.errors import ParameterError
from tailkit.portfolio import (
    PortfolioInputs,
    ewma_covariance,
    ledoit_wolf_covariance,
    sample_covariance,
    scenarios_from_paths,
)


def test_ledoit_wolf_matches_sklearn(returns: pd.DataFrame) -> None:
    # reference: sklearn.covariance.LedoitWolf (same LW 2004 scaled-identity target)
    import sklearn.covariance as sk

    x = returns.to_numpy()
    ref = sk.LedoitWolf().fit(x)
    cov, shrink = ledoit_wolf_covariance(x)
    assert shrink == pytest.approx(ref.shrinkage_, rel=1e-10)
    np.testing.assert_allclose(cov, ref.covariance_, rtol=1e-10, atol=1e-16)


def test_ledoit_wolf_wide_panel_matches_sklearn() -> None:
    import sklearn.covariance as sk

    x = np.random.default_rng(3).standard_normal((30, 50)) * 0.01
    cov, shrink = ledoit_wolf_covariance(x)
    ref = sk.LedoitWolf().fit(x)
    assert shrink == pytest.approx(ref.shrinkage_, rel=1e-10)
    np.testing.assert_allclose(cov, ref.covariance_, rtol=1e-10, atol=1e-16)


def test_sample_covariance_is_numpy_cov(returns: pd.DataFrame) -> None:
    np.testing.assert_allclose(
        sample_covariance(returns), np.cov(returns.to_numpy(), rowvar=False), rtol=1e-12
    )


def test_ewma_matches_riskmetrics_recursion() -> None:
    # reference: RiskMetrics (1996) recursion S_t = λ S_{t-1} + (1-λ) r_t r_tᵀ, seeded with r_0 r_0ᵀ;
    # normalised weights make the two agree up to the factor 1 - λ^T
    x = np.random.default_rng(1).standard_normal((400, 3)) * 0.01
    lam = 0.94
    s = np.outer(x[0], x[0]) * (1 - lam)
    for t in range(1, len(x)):
        s = lam * s + (1 - lam) * np.outer(x[t], x[t])
    np.testing.assert_allclose(ewma_covariance(x, lam) * (1 - lam ** len(x)), s, rtol=1e-12)


def test_from_returns_annualizes(returns: pd.DataFrame) -> None:
    inp = PortfolioInputs.from_returns(returns, cov_method="ewma")
    assert inp.assets == tuple(returns.columns)
    np.testing.assert_allclose(inp.mu, returns.mean().to_numpy() * 252)
    assert inp.scenarios is not None and inp.scenarios.shape == returns.shape


def test_scenarios_from_paths() -> None:
    paths = np.ones((5, 3, 2))
    paths[:, 2, 0] = 1.1
    paths[:, 1, 1] = 0.9
    scen, names = scenarios_from_paths(paths)
    np.testing.assert_allclose(scen[:, 0], 0.1)
    np.testing.assert_allclose(scen[:, 1], 0.0)
    assert names == ("asset0", "asset1")
    scen1, _ = scenarios_from_paths(paths, horizon=1)
    np.testing.assert_allclose(scen1[:, 1], -0.1)


@pytest.mark.parametrize(
    "bad",
    [np.array([[np.nan, 0.1], [0.2, 0.3]]), np.ones(3), np.ones((1, 2))],
    ids=["nan", "1-d", "one-row"],
)
def test_bad_scenarios_rejected(bad: np.ndarray) -> None:
    with pytest.raises(ParameterError):
        PortfolioInputs.from_scenarios(bad)


def test_asymmetric_cov_rejected() -> None:
    with pytest.raises(ParameterError, match="symmetric"):
        PortfolioInputs.from_moments(np.zeros(2), np.array([[1.0, 0.2], [0.1, 1.0]]))
