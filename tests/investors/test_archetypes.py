"""Archetype rules on hand-built paths and their simulation."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.investors import (
    MarketTimer,
    MyopicLossAverse,
    RiskTolerance,
    StrategicAllocator,
    return_given_up,
    simulate_archetype,
    target_weights,
)

PATH = np.array([0.1, -0.1, -0.1, 0.05, 0.2, 0.1])


def _paths(n_paths: int = 6, n_steps: int = 80, seed: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.001, 0.03, (n_paths, n_steps))


def test_timer_rule_on_a_hand_built_path() -> None:
    # prices 1.1, 0.99, 0.891 (19% below the 1.1 peak: out after step 2), 0.9356 (5% above the
    # trough), 1.1227 (26% above: back in after step 4)
    w = target_weights(MarketTimer(weight=1.0, threshold=0.15, recovery=0.1), PATH)
    np.testing.assert_array_equal(w[0], [1, 1, 1, 0, 0, 1])
    w = target_weights(MarketTimer(weight=0.8, out_weight=0.2, threshold=0.15, reentry="lag", lag=1), PATH)
    np.testing.assert_array_equal(w[0], [0.8, 0.8, 0.8, 0.2, 0.8, 0.8])


def test_timer_with_unreachable_threshold_is_buy_and_hold() -> None:
    r = _paths()
    res = simulate_archetype(MarketTimer(weight=1.0, threshold=1.0), r)
    np.testing.assert_array_equal(res.weights, 1.0)
    np.testing.assert_array_equal(res.wealth[:, 1:], np.cumprod(1 + r, axis=1))
    np.testing.assert_allclose(res.behavior_gap, 0.0, atol=1e-12)
    assert (res.turnover == 0).all()


def test_strategic_allocator_matches_a_hand_written_loop() -> None:
    r, rf = _paths(), 0.0002
    for a in (
        StrategicAllocator(weight=0.6, every=5),
        StrategicAllocator(weight=0.6, rebalance="band", band=0.02),
    ):
        res = simulate_archetype(a, r, rf)
        for p in range(r.shape[0]):
            equity, cash = 0.6, 0.4
            for t in range(r.shape[1]):
                wealth = equity + cash
                share = equity / wealth
                if (a.rebalance == "calendar" and t % 5 == 0) or (
                    a.rebalance == "band" and abs(share - 0.6) > 0.02
                ):
                    equity, cash = 0.6 * wealth, 0.4 * wealth
                equity *= 1 + r[p, t]
                cash *= 1 + rf
                assert res.wealth[p, t + 1] == pytest.approx(equity + cash, rel=1e-12)


def test_strategic_allocator_without_flows_has_no_behavior_gap() -> None:
    res = simulate_archetype(StrategicAllocator(weight=1.0, every=1), _paths())
    np.testing.assert_allclose(res.behavior_gap, 0.0, atol=1e-12)


def test_myopic_risk_neutral_picks_the_highest_mean() -> None:
    a = MyopicLossAverse(
        horizon=4,
        memory=12,
        grid=(0.0, 0.5, 1.0),
        initial_weight=0.5,
        loss_aversion=1.0,
        alpha=1.0,
        beta=1.0,
        gamma=1.0,
        delta=1.0,
    )
    r = _paths(4, 40)
    rf = 0.0005
    w = target_weights(a, r, rf)
    np.testing.assert_array_equal(w[:, :12], 0.5)
    for p in range(r.shape[0]):
        for t in range(12, 40, 4):
            seen = [np.prod(1 + r[p, s : s + 4]) - 1 for s in range(t - 12, t - 3)]
            expected = 1.0 if np.mean(seen) > (1 + rf) ** 4 - 1 else 0.0
            np.testing.assert_array_equal(w[p, t : t + 4], expected)


def test_myopic_loss_aversion_lowers_the_share() -> None:
    r = _paths(8, 120, seed=9)
    calm = target_weights(MyopicLossAverse(horizon=5, memory=40, initial_weight=0.5, loss_aversion=1.0), r)
    averse = target_weights(MyopicLossAverse(horizon=5, memory=40, initial_weight=0.5, loss_aversion=5.0), r)
    assert (averse <= calm).all() and averse.mean() < calm.mean()


def test_risk_tolerance_by_hand() -> None:
    tol = RiskTolerance(sensitivity=2.0, loss_aversion=2.0, floor=0.0, cap=1.1)
    res = simulate_archetype(
        MarketTimer(weight=1.0, threshold=1.0), np.array([-0.1, 0.1, 0.2]), tolerance=tol
    )
    # 1 - 2 * 2 * 0.1 = 0.6; 0.6 + 2 * 0.1 = 0.8; 0.8 + 0.4 = 1.2 -> capped at 1.1
    np.testing.assert_allclose(res.risk_tolerance[0], [1.0, 0.6, 0.8, 1.1], rtol=1e-14)


def test_return_given_up_and_its_standard_error() -> None:
    r = _paths(30, 120)
    base = simulate_archetype(StrategicAllocator(weight=0.6), r)
    timer = simulate_archetype(MarketTimer(weight=0.6, threshold=0.05, recovery=0.03), r)
    est = return_given_up(timer, base)
    d = base.twr - timer.twr
    assert est.mean == pytest.approx(d.mean(), rel=1e-14)
    assert est.se == pytest.approx(d.std(ddof=1) / np.sqrt(30), rel=1e-14)
    assert return_given_up(base, base).mean == 0.0


def test_bad_profiles_name_the_field() -> None:
    with pytest.raises(ParameterError, match="loss_aversion"):
        MyopicLossAverse(loss_aversion=0.0)
    with pytest.raises(ParameterError, match="memory"):
        MyopicLossAverse(horizon=21, memory=21)
    with pytest.raises(ParameterError, match="weight"):
        StrategicAllocator(weight=1.5)
    with pytest.raises(ParameterError, match="archetype"):
        target_weights("timer", PATH)  # type: ignore[arg-type]  # the bad input under test
