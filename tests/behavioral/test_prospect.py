from __future__ import annotations

import numpy as np
import pytest

from tailkit._numba import HAS_NUMBA
from tailkit.behavioral import (
    ProspectParams,
    decision_weights,
    probability_weight,
    prospect_value,
    value_function,
)
from tailkit.behavioral._kernels import cpt_value_grad, cpt_value_grad_python
from tailkit.errors import ParameterError
from tailkit.portfolio import Constraints, PortfolioInputs, max_prospect_value


def test_tk1992_value_function() -> None:
    # Tversky & Kahneman (1992): v(x) = x^0.88 for gains, -2.25 (-x)^0.88 for losses
    assert value_function(100.0) == pytest.approx(100**0.88)
    assert value_function(100.0) == pytest.approx(57.544, abs=1e-3)
    assert value_function(-100.0) == pytest.approx(-2.25 * 57.544, abs=1e-2)
    assert value_function(0.0) == 0.0


def test_tk1992_weighting_function() -> None:
    # w(p) = p^γ / (p^γ + (1-p)^γ)^(1/γ), γ = 0.61 (gains), δ = 0.69 (losses) (Tversky & Kahneman 1992)
    assert probability_weight(0.5, 0.61) == pytest.approx(0.421, abs=5e-4)
    assert probability_weight(0.5, 0.69) == pytest.approx(0.454, abs=5e-4)
    assert probability_weight(0.01, 0.61) == pytest.approx(0.0552, abs=5e-4)  # small p overweighted
    assert probability_weight(0.99, 0.61) == pytest.approx(0.9119, abs=5e-4)  # large p underweighted
    assert probability_weight(0.0, 0.61) == 0.0 and probability_weight(1.0, 0.61) == 1.0


def test_two_outcome_prospect_by_hand() -> None:
    # 50/50 gamble of +x/-x: V = w⁺(.5) x^.88 − λ w⁻(.5) x^.88
    x = 0.1
    ref = probability_weight(0.5, 0.61) * x**0.88 - 2.25 * probability_weight(0.5, 0.69) * x**0.88
    assert prospect_value(np.array([x, -x])) == pytest.approx(ref, rel=1e-12)
    # loss aversion: the symmetric gamble is rejected
    assert prospect_value(np.array([x, -x])) < 0


def test_decision_weights_sum() -> None:
    x = np.random.default_rng(0).standard_normal(101)
    d = decision_weights(x)
    p = ProspectParams()
    n_loss = int((x < 0).sum())
    assert d[x >= 0].sum() == pytest.approx(probability_weight((101 - n_loss) / 101, p.gamma))
    assert d[x < 0].sum() == pytest.approx(probability_weight(n_loss / 101, p.delta))
    assert (d * value_function(x)).sum() == pytest.approx(prospect_value(x), rel=1e-12)


def test_reference_point_shifts_outcomes() -> None:
    x = np.array([0.02, -0.01, 0.005])
    p = ProspectParams(reference=0.01)
    assert prospect_value(x, p) == pytest.approx(prospect_value(x - 0.01), rel=1e-12)


@pytest.mark.skipif(not HAS_NUMBA, reason="needs numba")
def test_kernel_twins_agree() -> None:
    x = np.random.default_rng(2).standard_normal(500) * 0.02
    v1, g1 = cpt_value_grad(x, 0.88, 0.88, 2.25, 0.61, 0.69)
    v2, g2 = cpt_value_grad_python(x, 0.88, 0.88, 2.25, 0.61, 0.69)
    assert v1 == pytest.approx(v2, rel=1e-13)
    np.testing.assert_allclose(g1, g2, rtol=1e-13)


def test_params_validated() -> None:
    with pytest.raises(ParameterError, match="loss_aversion"):
        ProspectParams(loss_aversion=-1.0)


def _two_asset_inputs() -> PortfolioInputs:
    # a safe asset (+0.1% always) and a risky one (+5% or -2%, 50/50)
    risky = np.tile([0.05, -0.02], 100)
    safe = np.full(200, 0.001)
    return PortfolioInputs.from_scenarios(np.c_[safe, risky], assets=["safe", "risky"], periods_per_year=1)


def test_loss_aversion_reduces_risky_holding() -> None:
    inp = _two_asset_inputs()
    mild = max_prospect_value(inp, ProspectParams(loss_aversion=1.0))
    averse = max_prospect_value(inp, ProspectParams(loss_aversion=3.0))
    assert averse.weights["risky"] < mild.weights["risky"]
    assert averse.weights.sum() == pytest.approx(1.0)


def test_loss_averse_optimum_beats_grid() -> None:
    # the optimizer's value is at least the best of a fine grid over the 2-asset simplex
    inp = _two_asset_inputs()
    p = ProspectParams()
    res = max_prospect_value(inp, p)
    grid = np.linspace(0, 1, 2001)
    vals = [prospect_value(inp.scenarios @ np.array([1 - g, g]), p) for g in grid]
    assert res.objective_value >= max(vals) - 1e-9


def test_loss_averse_with_cash_and_floor() -> None:
    inp = _two_asset_inputs()
    res = max_prospect_value(inp, constraints=Constraints(max_cash=1.0), min_return=0.002)
    assert res.expected_return >= 0.002 - 1e-8
    assert 0.0 - 1e-9 <= res.cash <= 1.0
