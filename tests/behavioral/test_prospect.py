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
    prob = np.random.default_rng(3).dirichlet(np.ones(500))
    v1, g1 = cpt_value_grad(x, prob, 0.88, 0.88, 2.25, 0.61, 0.69)
    v2, g2 = cpt_value_grad_python(x, prob, 0.88, 0.88, 2.25, 0.61, 0.69)
    assert v1 == pytest.approx(v2, rel=1e-13)
    np.testing.assert_allclose(g1, g2, rtol=1e-13)


def test_params_validated() -> None:
    with pytest.raises(ParameterError, match="loss_aversion"):
        ProspectParams(loss_aversion=-1.0)
    for field in ("alpha", "beta"):
        assert getattr(ProspectParams(**{field: 1.2}), field) == 1.2  # curvature above 1 is allowed
        for bad in (0.0, 2.0):
            with pytest.raises(ParameterError, match=field):
                ProspectParams(**{field: bad})


def _w(p: float, g: float) -> float:
    # Tversky & Kahneman (1992) weighting function, written out here independently of tailkit
    return p**g / (p**g + (1 - p) ** g) ** (1 / g)


def test_tk1992_probability_weighted_prospect_by_hand() -> None:
    # reference: Tversky & Kahneman (1992), "Advances in prospect theory", J. Risk Uncertainty 5,
    # eq. (2) decision weights with their median parameters (a = b = 0.88, lambda = 2.25,
    # gamma = 0.61, delta = 0.69), for the prospect (-5, 0.2; 10, 0.5; 20, 0.3):
    #   pi(20) = w+(0.3) = 0.318368,  pi(10) = w+(0.8) - w+(0.3) = 0.607439 - 0.318368,
    #   pi(-5) = w-(0.2) = 0.257025
    #   V = 0.318368 * 20^0.88 + 0.289071 * 10^0.88 - 2.25 * 0.257025 * 5^0.88 = 4.25376
    x = np.array([10.0, -5.0, 20.0])  # unsorted on purpose
    prob = np.array([0.5, 0.2, 0.3])
    hand = (
        _w(0.3, 0.61) * 20**0.88 + (_w(0.8, 0.61) - _w(0.3, 0.61)) * 10**0.88 - 2.25 * _w(0.2, 0.69) * 5**0.88
    )
    assert hand == pytest.approx(4.25376, abs=5e-6)
    assert prospect_value(x, probabilities=prob) == pytest.approx(hand, rel=1e-12)
    d = decision_weights(x, probabilities=prob)
    np.testing.assert_allclose(d, [_w(0.8, 0.61) - _w(0.3, 0.61), _w(0.2, 0.69), _w(0.3, 0.61)], rtol=1e-12)
    v1, _ = cpt_value_grad_python(x, prob, 0.88, 0.88, 2.25, 0.61, 0.69)
    assert v1 == pytest.approx(hand, rel=1e-12)


def test_equal_explicit_probabilities_equal_the_default() -> None:
    x = np.random.default_rng(5).standard_normal(257) * 0.02
    eq = np.full(x.size, 1.0 / x.size)
    p = ProspectParams(alpha=1.15, beta=0.9)
    assert prospect_value(x, p, probabilities=eq) == pytest.approx(prospect_value(x, p), rel=1e-12)
    np.testing.assert_allclose(decision_weights(x, p, probabilities=eq), decision_weights(x, p), rtol=1e-12)


def test_repeated_outcomes_equal_their_merged_probability() -> None:
    # rank dependence only sees the distribution: (a, a, b) equally likely == (a: 2/3, b: 1/3)
    a, b, c = 0.03, -0.02, 0.01
    assert prospect_value(np.array([a, a, b])) == pytest.approx(
        prospect_value(np.array([a, b]), probabilities=[2 / 3, 1 / 3]), rel=1e-12
    )
    assert prospect_value(np.array([a, b, c]), probabilities=[0.5, 0.5, 0.0]) == pytest.approx(
        prospect_value(np.array([a, b])), rel=1e-12
    )


def test_curvature_above_one_is_risk_seeking_in_gains() -> None:
    # without probability distortion (gamma = 1), v(x) = x^alpha: a 50/50 gamble on 0 or 2x beats a
    # sure x exactly when 0.5 * 2^alpha > 1, i.e. alpha > 1
    gamble, sure = np.array([0.0, 0.2]), np.array([0.1])
    seeking = ProspectParams(alpha=1.2, gamma=1.0)
    averse = ProspectParams(alpha=0.88, gamma=1.0)
    assert prospect_value(gamble, seeking) > prospect_value(sure, seeking)
    assert prospect_value(gamble, averse) < prospect_value(sure, averse)
    assert prospect_value(gamble, seeking) == pytest.approx(0.5 * 0.2**1.2, rel=1e-12)


@pytest.mark.parametrize(
    ("prob", "match"),
    [
        ([0.5, 0.5], r"probabilities='shape \(2,\)'.*shape \(3,\)"),
        ([0.5, 0.6, -0.1], r"probabilities=-0\.1 .*>= 0"),
        ([0.25, 0.25, 0.25], r"sum\(probabilities\)=0\.75 .* 1 \(within 1e-9\)"),
        ([0.5, np.nan, 0.5], "probabilities"),
    ],
)
def test_bad_probabilities_are_clear(prob: list[float], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        prospect_value(np.array([0.01, -0.02, 0.03]), probabilities=prob)


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
