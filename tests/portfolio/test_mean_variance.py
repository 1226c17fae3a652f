from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tailkit.errors import InfeasibleError
from tailkit.portfolio import (
    Constraints,
    Group,
    PortfolioInputs,
    efficient_frontier,
    efficient_return,
    efficient_risk,
    max_sharpe,
    mean_variance,
    min_variance,
)


def _random_inputs(seed: int, n: int) -> PortfolioInputs:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n)) * 0.1
    cov = a @ a.T + np.diag(rng.uniform(0.01, 0.05, n))
    return PortfolioInputs.from_moments(rng.uniform(0.0, 0.15, n), cov)


def test_unconstrained_min_variance_closed_form() -> None:
    # closed form: w = Σ⁻¹1 / 1ᵀΣ⁻¹1 (Merton 1972) when shorts are unrestricted
    inp = _random_inputs(0, 6)
    res = min_variance(inp, Constraints(lower=-10.0, upper=10.0))
    x = np.linalg.solve(inp.cov, np.ones(6))
    np.testing.assert_allclose(res.weights.to_numpy(), x / x.sum(), atol=1e-7)
    assert res.risk_contributions.sum() == pytest.approx(1.0)


def test_unconstrained_max_sharpe_closed_form() -> None:
    # closed form: tangency w ∝ Σ⁻¹(μ - r_f) when shorts are unrestricted
    inp = _random_inputs(1, 5)
    res = max_sharpe(inp, Constraints(lower=-10.0, upper=10.0), risk_free=0.01)
    x = np.linalg.solve(inp.cov, inp.mu - 0.01)
    np.testing.assert_allclose(res.weights.to_numpy(), x / x.sum(), atol=1e-6)
    sr = np.sqrt((inp.mu - 0.01) @ np.linalg.solve(inp.cov, inp.mu - 0.01))
    assert res.objective_value == pytest.approx(sr, rel=1e-7)


def test_mean_variance_unconstrained_closed_form() -> None:
    # closed form with a budget: w = Σ⁻¹(μ - η1)/γ with η making 1ᵀw = 1
    inp = _random_inputs(2, 4)
    gamma = 3.0
    res = mean_variance(inp, gamma, Constraints(lower=-10.0, upper=10.0))
    si = np.linalg.inv(inp.cov)
    one = np.ones(4)
    eta = (one @ si @ inp.mu - gamma) / (one @ si @ one)
    np.testing.assert_allclose(res.weights.to_numpy(), si @ (inp.mu - eta) / gamma, atol=1e-7)


def test_min_variance_against_pyportfolioopt(inputs: PortfolioInputs) -> None:
    # peer reference: PyPortfolioOpt EfficientFrontier.min_volatility (long-only)
    import pypfopt

    ef = pypfopt.EfficientFrontier(inputs.mu, inputs.cov, weight_bounds=(0, 1), solver="CLARABEL")
    ref = np.array(list(ef.min_volatility().values()))
    res = min_variance(inputs)
    assert res.objective_value == pytest.approx(ref @ inputs.cov @ ref, rel=1e-6)
    np.testing.assert_allclose(res.weights.to_numpy(), ref, atol=1e-4)


def test_max_sharpe_against_pyportfolioopt(inputs: PortfolioInputs) -> None:
    import pypfopt

    ef = pypfopt.EfficientFrontier(inputs.mu, inputs.cov, weight_bounds=(0, 1), solver="CLARABEL")
    ref = np.array(list(ef.max_sharpe(risk_free_rate=0.02).values()))
    res = max_sharpe(inputs, risk_free=0.02)
    ref_sr = (inputs.mu @ ref - 0.02) / np.sqrt(ref @ inputs.cov @ ref)
    assert res.objective_value == pytest.approx(ref_sr, rel=1e-6)


def test_pinned_min_variance_weights(inputs: PortfolioInputs) -> None:
    # pinned from this implementation, cross-checked against PyPortfolioOpt above (bundled stocks)
    w = min_variance(inputs).weights
    np.testing.assert_allclose(
        w[["AAPL", "GOOG", "IBM", "MSFT"]].to_numpy(), [0.003482, 0.121553, 0.676637, 0.198328], atol=1e-5
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 8), cap=st.floats(0.3, 1.0))
def test_invariants_sum_and_bounds(seed: int, n: int, cap: float) -> None:
    inp = _random_inputs(seed, n)
    cap = max(cap, 1.0 / n + 1e-3)
    c = Constraints(upper=cap)
    for res in (min_variance(inp, c), max_sharpe(inp, c), mean_variance(inp, 2.0, c)):
        w = res.weights.to_numpy()
        assert w.sum() == pytest.approx(1.0, abs=1e-7)
        assert np.all(w >= -1e-8) and np.all(w <= cap + 1e-8)


def test_frontier_monotone(inputs: PortfolioInputs) -> None:
    fr = efficient_frontier(inputs, "variance", 8)
    assert np.all(np.diff(fr.targets) > 0)
    assert np.all(np.diff(fr.risk) >= -1e-9)
    er = np.array([p.expected_return for p in fr.portfolios])
    assert np.all(er >= fr.targets - 1e-7)
    assert len(fr.to_frame()) == 8


def test_efficient_risk_hits_target(inputs: PortfolioInputs) -> None:
    mv = min_variance(inputs)
    res = efficient_risk(inputs, mv.volatility * 1.2)
    assert res.volatility == pytest.approx(mv.volatility * 1.2, rel=1e-6)
    back = efficient_return(inputs, res.expected_return)
    assert back.volatility == pytest.approx(res.volatility, rel=1e-5)


def test_constraints_group_turnover_cost_cash(inputs: PortfolioInputs) -> None:
    cur = {"AAPL": 0.25, "GOOG": 0.25, "IBM": 0.25, "MSFT": 0.25}
    c = Constraints(
        upper=0.6,
        groups=(Group("ai", ("AAPL", "IBM"), 0.3, 0.5),),
        current_weights=cur,
        max_turnover=0.3,
        cost=0.002,
        max_cash=0.1,
    )
    res = max_sharpe(inputs, c, risk_free=0.02)
    w = res.weights
    assert 0.3 - 1e-7 <= w["AAPL"] + w["IBM"] <= 0.5 + 1e-7
    assert res.turnover <= 0.3 + 1e-7
    assert res.cost == pytest.approx(0.002 * res.turnover)
    assert -1e-9 <= res.cash <= 0.1 + 1e-7


def test_cluster_cap(inputs: PortfolioInputs) -> None:
    corr = inputs.correlation
    thr = float(np.sort(corr[np.triu_indices(4, 1)])[-2]) - 1e-6  # the two most correlated pairs link
    c = Constraints(correlation_threshold=thr, cluster_cap=0.5)
    res = min_variance(inputs, c)
    from tailkit.portfolio import correlation_clusters

    clusters = correlation_clusters(corr, thr)
    assert clusters
    for idx in clusters:
        assert res.weights.to_numpy()[idx].sum() <= 0.5 + 1e-7


def test_correlation_clusters_are_components() -> None:
    from tailkit.portfolio import correlation_clusters

    corr = np.eye(4)
    corr[0, 1] = corr[1, 0] = 0.9
    corr[1, 2] = corr[2, 1] = 0.8  # chain 0-1-2; corr(0, 2) low
    corr[0, 2] = corr[2, 0] = 0.1
    out = correlation_clusters(corr, 0.7)
    assert [list(c) for c in out] == [[0, 1, 2]]


@pytest.mark.parametrize(
    ("cons", "match"),
    [
        (Constraints(lower=0.3), "lower bounds sum"),
        (Constraints(upper=0.2), "upper bounds sum"),
        (Constraints(lower={"AAPL": 0.5}, upper={"AAPL": 0.4}), "lower bound and upper bound of 'AAPL'"),
        (Constraints(groups=(Group("g", ("AAPL", "IBM"), 0.6, 0.5),)), "group 'g' minimum"),
        (Constraints(groups=(Group("g", ("AAPL",), 0.0, 0.1),), upper=0.29), "group 'g' maximum"),
        (Constraints(current_weights={"AAPL": 1.0}, max_turnover=0.2, upper=0.5), "max_turnover"),
    ],
)
def test_infeasible_named(inputs: PortfolioInputs, cons: Constraints, match: str) -> None:
    with pytest.raises(InfeasibleError, match=match):
        min_variance(inputs, cons)


def test_infeasible_found_by_solver_is_named(inputs: PortfolioInputs) -> None:
    c = Constraints(
        upper=0.5,
        groups=(Group("g", ("AAPL", "GOOG"), 0.7, 1.0), Group("h", ("GOOG", "IBM"), 0.0, 0.1)),
    )
    with pytest.raises(
        InfeasibleError, match=r"group 'g' minimum.*group 'h' maximum|group 'h' maximum.*group 'g'"
    ):
        min_variance(inputs, c)
    with pytest.raises(InfeasibleError, match="min_return"):
        efficient_return(inputs, 5.0)
