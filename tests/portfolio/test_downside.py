from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import InfeasibleError, ParameterError
from tailkit.portfolio import (
    Constraints,
    PortfolioInputs,
    efficient_frontier,
    min_cvar,
    min_semivariance,
    pareto_frontier,
    scenario_cvar,
)


def test_scenario_cvar_hand_computed() -> None:
    # hand computation: 10 losses, α = 0.75 → k = 2.5: (10 + 9 + 0.5·8) / 2.5 = 9.2
    losses = np.arange(1.0, 11.0)
    assert scenario_cvar(losses, 0.75) == pytest.approx(9.2)
    assert scenario_cvar(losses, 0.8) == pytest.approx(9.5)


def test_dual_and_primal_lp_agree(synthetic: PortfolioInputs) -> None:
    d = min_cvar(synthetic, 0.95)
    p = min_cvar(synthetic, 0.95, formulation="primal")
    assert d.solver == "clarabel" and p.solver == "highs"  # the dual path did not fall back
    assert d.objective_value == pytest.approx(p.objective_value, rel=1e-9)
    # reference: the Rockafellar-Uryasev (2000) objective min_z z + E[(L - z)+] / (1 - a) of the
    # optimal weights' scenario losses, evaluated here at every kink z = L_i (a piecewise-linear
    # convex function is minimal at one of them) -- no sorting or tail weights shared with tailkit
    losses = -(synthetic.scenarios @ d.weights.to_numpy())
    ru = min(z + np.maximum(losses - z, 0.0).mean() / 0.05 for z in losses)
    assert d.cvar == pytest.approx(ru, rel=1e-12)
    assert d.objective_value == pytest.approx(ru, rel=1e-9)
    np.testing.assert_allclose(d.weights.to_numpy(), p.weights.to_numpy(), atol=1e-6)


def test_dual_and_primal_agree_with_constraints(synthetic: PortfolioInputs) -> None:
    c = Constraints(
        upper=0.3, cost=0.001, current_weights={"s0": 0.5, "s1": 0.5}, max_turnover=1.2, max_cash=0.2
    )
    d = min_cvar(synthetic, 0.9, c, min_return=0.05, risk_free=0.02)
    p = min_cvar(synthetic, 0.9, c, min_return=0.05, risk_free=0.02, formulation="primal")
    assert d.solver == "clarabel"
    assert d.objective_value == pytest.approx(p.objective_value, rel=1e-9)
    assert d.expected_return >= 0.05 - 1e-8
    assert d.turnover <= 1.2 + 1e-8
    assert np.all(d.weights <= 0.3 + 1e-8)


def test_min_cvar_against_skfolio(synthetic: PortfolioInputs) -> None:
    # peer reference: skfolio MeanRisk(risk_measure=CVAR), long-only, fully invested
    import skfolio as skf
    import skfolio.optimization as opt

    m = opt.MeanRisk(risk_measure=skf.RiskMeasure.CVAR, cvar_beta=0.95, solver="CLARABEL")
    m.fit(synthetic.scenarios)
    ref = scenario_cvar(-(synthetic.scenarios @ m.weights_), 0.95)
    assert min_cvar(synthetic, 0.95).objective_value == pytest.approx(ref, rel=1e-6)


def test_min_semivariance_against_pyportfolioopt(synthetic: PortfolioInputs) -> None:
    # peer reference: PyPortfolioOpt EfficientSemivariance.min_semivariance (benchmark 0, per-period)
    import pandas as pd
    import pypfopt

    r = pd.DataFrame(synthetic.scenarios, columns=synthetic.assets)
    es = pypfopt.EfficientSemivariance(r.mean(), r, frequency=1, benchmark=0.0, solver="CLARABEL")
    ref = np.array(list(es.min_semivariance().values()))
    ref_sv = np.mean(np.minimum(r.to_numpy() @ ref, 0.0) ** 2)
    ours = min_semivariance(synthetic).objective_value
    assert ours <= ref_sv * (1 + 1e-7)  # never worse than the peer
    assert ours == pytest.approx(ref_sv, rel=1e-4)


def test_cvar_frontier_monotone(inputs: PortfolioInputs) -> None:
    fr = efficient_frontier(inputs, "cvar", 6)
    assert np.all(np.diff(fr.risk) >= -1e-10)
    fs = efficient_frontier(inputs, "semivariance", 5)
    assert np.all(np.diff(fs.risk) >= -1e-10)


def test_pareto_set(inputs: PortfolioInputs) -> None:
    pr = pareto_frontier(inputs, 4)
    df = pr.to_frame()
    assert pr.pareto.any()
    front = df[df.pareto]
    for _, row in front.iterrows():
        dominated = (
            (df.expected_return >= row.expected_return)
            & (df.cvar <= row.cvar)
            & (df.prospect >= row.prospect)
            & (
                (df.expected_return > row.expected_return + 1e-12)
                | (df.cvar < row.cvar - 1e-12)
                | (df.prospect > row.prospect + 1e-12)
            )
        )
        assert not dominated.any()


def test_min_cvar_errors(inputs: PortfolioInputs) -> None:
    with pytest.raises(ParameterError, match="scenarios"):
        min_cvar(PortfolioInputs.from_moments(inputs.mu, inputs.cov, assets=inputs.assets))
    with pytest.raises(InfeasibleError, match="min_return"):
        min_cvar(inputs, 0.95, min_return=3.0)
    with pytest.raises(ParameterError, match="alpha"):
        min_cvar(inputs, 1.0)
