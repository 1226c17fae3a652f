"""The fast path equals the readable reference to 1e-12; jit twins agree; screening and optimization."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.overlay import (
    CreditSpread,
    ExitGrid,
    ExitRules,
    SimulationSettings,
    apply_exit_rules,
    draw_shocks,
    evaluate,
    evaluate_exit_grid,
    mark_paths,
    mark_spread_reference,
    optimize_exits,
    simulate_overlay,
    spread_from_delta,
    strategy_metrics,
)
from tailkit.overlay import _kernels as K
from tailkit.overlay.simulation import _day_factors, _model_arrays, entry_terms, mark_spreads
from tailkit.overlay.spreads import leg_delta

from . import _reference as hand

GRID = ExitGrid(profit_targets=(0.3, 0.5, 0.7), loss_multiples=(1.5, 2.5), dte_thresholds=(0, 3, 10))


@pytest.mark.parametrize(("kind", "noise"), [("put", False), ("call", True)])
def test_fast_grid_equals_reference(calibration, kind: str, noise: bool) -> None:  # type: ignore[no-untyped-def]
    settings = SimulationSettings(n_paths=3000, seed=5, residual_noise=noise, dividend_yield=0.01)
    spread = spread_from_delta(calibration, kind, 0.25, 2.0, 30, risk_free_rate=0.05, dividend_yield=0.01)
    res = evaluate_exit_grid(calibration, spread, GRID, settings=settings)
    terms, values, deep = mark_spread_reference(calibration, spread, settings=settings)
    # the reference shares entry_terms with the fast path: pin the entry on its own
    # (default FillModel: credit = Black-Scholes mid - 0.02 - 0.02; exit 0.02 + 0.02 + 2 x 0.0065)
    s0, T = calibration.current.tlt_price, 30 / 252
    mid = hand.bsm(kind, s0, spread.short_strike, T, 0.05, 0.01, spread.short_iv) - hand.bsm(
        kind, s0, spread.long_strike, T, 0.05, 0.01, spread.long_iv
    )
    assert terms.credit == pytest.approx(mid - 0.04, rel=0, abs=1e-12)
    assert terms.exit_cost == pytest.approx(0.053, rel=0, abs=1e-15)
    assert res.marked.terms == terms
    fast = res.marked.values
    priced = np.isfinite(fast)
    np.testing.assert_allclose(fast[priced], values[priced], rtol=0, atol=1e-12)
    assert priced[:, :2].all() and priced.mean() > 0.3
    for i, rules in enumerate(res.rules):
        out = apply_exit_rules(
            values, terms.credit, rules, entry_cost=terms.entry_cost, exit_cost=terms.exit_cost
        )
        ref = strategy_metrics(out.pnl, out.exit_day, out.reason, first_deep=deep).to_dict()
        got = res.metrics(i).to_dict()
        for key, value in ref.items():
            if isinstance(value, float) and math.isfinite(value):
                assert got[key] == pytest.approx(value, rel=0, abs=1e-12), (rules, key)
            else:
                assert got[key] == value or (math.isnan(got[key]) and math.isnan(value)), (rules, key)
        one = res.marked.outcome(rules)
        np.testing.assert_array_equal(one.exit_day, out.exit_day)
        np.testing.assert_allclose(one.pnl, out.pnl, rtol=0, atol=1e-12)


def test_jit_twins_agree(calibration) -> None:  # type: ignore[no-untyped-def]
    settings = SimulationSettings(n_paths=60, seed=2, residual_noise=True)
    spread = CreditSpread(kind="put", short_strike=140, long_strike=137, expiration_days=20)
    sh = draw_shocks(60, 20, 2, residual_noise=True)
    m = _model_arrays(calibration, settings)
    terms = entry_terms(calibration, spread, settings, __import__("tailkit.overlay").overlay.FillModel())
    vol = calibration.volatility
    legs = np.array([-1.0, 140.0, 137.0, terms.short_iv, terms.long_iv, vol.price_sensitivity, vol.iv_floor])
    day = _day_factors(20, 0.05, 0.0)
    p_lv = np.array([0.5 * terms.credit, 0.2 * terms.credit])
    l_lv = np.array([2.0 * terms.credit])
    dte_days = np.array([20, 15], dtype=np.int64)
    outs = []
    for fn in (K.mark_spread_paths, K.mark_spread_paths_python):
        o = [np.empty((60, 21)), np.empty((2, 60), np.int64), np.empty((2, 60)), np.empty((1, 60), np.int64),
             np.empty((1, 60)), np.empty((2, 60)), np.empty(60, np.int64)]  # fmt: skip
        fn(sh.z, sh.eps, 20, m["y0"], m["theta"], m["decay"], m["chol"], m["reg"], m["u0"], m["phi"], m["resid_sd"],
           terms.spot, legs, day, p_lv, l_lv, dte_days, 0.05, 20, *o)  # fmt: skip
        outs.append(o)
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13, equal_nan=True)
    combos = np.array([[0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 1, 0]], dtype=np.int64)
    res = []
    for fn in (K.evaluate_combos, K.evaluate_combos_python):
        st, rc = np.empty((3, K.N_STATS)), np.empty((3, 4), np.int64)
        o = outs[0]
        fn(
            o[1],
            o[2],
            o[3],
            o[4],
            o[5],
            o[6].reshape(1, -1),
            combos,
            dte_days,
            20,
            np.array([terms.max_profit]),
            np.array([terms.exit_cost]),
            3,
            st,
            rc,
        )
        res.append((st, rc))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(res[0][1], res[1][1])
    yields, tlt = np.empty((60, 21, 2)), np.empty((60, 21))
    yields2, tlt2 = np.empty((60, 21, 2)), np.empty((60, 21))
    args = (sh.z, sh.eps, 20, m["y0"], m["theta"], m["decay"], m["chol"], m["reg"], m["u0"], m["phi"], m["resid_sd"],
            terms.spot)  # fmt: skip
    K.tlt_paths(*args, yields, tlt)
    K.tlt_paths_python(*args, yields2, tlt2)
    np.testing.assert_allclose(tlt, tlt2, rtol=1e-15)


def test_simulated_paths_start_today_and_follow_the_regression(calibration) -> None:  # type: ignore[no-untyped-def]
    paths = simulate_overlay(calibration, 10, settings=SimulationSettings(n_paths=500))
    assert np.all(paths.tlt[:, 0] == calibration.current.tlt_price)
    ybar = paths.yields.mean(axis=2)
    reg = calibration.regression
    implied = reg.log_price(ybar) - reg.log_price(ybar[:, :1]) + math.log(calibration.current.tlt_price)
    u = calibration.last_residual * reg.residual_ar1 ** np.arange(11)
    np.testing.assert_allclose(np.log(paths.tlt), implied + u - u[0], atol=1e-12)
    assert len(paths.to_frame()) == 3 * 5 * 11


def test_strike_from_delta(calibration) -> None:  # type: ignore[no-untyped-def]
    sp = spread_from_delta(calibration, "put", 0.20, 3, 45, strike_step=0.01)
    d = leg_delta("put", calibration.current.tlt_price, sp.short_strike, 45, sp.short_iv, 0.05, 0.0)
    assert d == pytest.approx(-0.20, abs=2e-3)
    assert sp.long_strike == pytest.approx(sp.short_strike - 3)


def test_evaluate_screens_and_ranks(calibration) -> None:  # type: ignore[no-untyped-def]
    res = evaluate(
        calibration, deltas=(0.15, 0.3), widths=(2.0,), settings=SimulationSettings(n_paths=2000), min_pop=0.5
    )
    frame = res.to_frame()
    assert set(frame["type"]) == {"put", "call"} and len(frame) == 4
    passing = frame[frame["passes_min_pop"]]
    assert list(passing["rank"]) == list(range(1, len(passing) + 1))
    assert passing["expected_pnl"].is_monotonic_decreasing


def test_optimize_exits_json_and_constraints(calibration) -> None:  # type: ignore[no-untyped-def]
    spread = spread_from_delta(calibration, "call", 0.2, 3, 45)
    settings = SimulationSettings(n_paths=2000)
    opt = optimize_exits(calibration, spread, grid=GRID, min_pop=0.0, risk_budget=1.0, settings=settings)
    doc = opt.to_dict()
    assert doc["n_evaluated"] == GRID.size and doc["n_passing"] == GRID.size
    assert set(doc["best_result"]) >= {
        "expected_return",
        "cvar_95",
        "pop",
        "risk_adjusted_return",
        "avg_days_held",
    }
    frame = opt.to_frame()
    assert frame.loc[0, "expected_pnl"] == frame["expected_pnl"].max()
    assert doc["best_result"]["expected_return"] == frame.loc[0, "expected_pnl"]
    # nothing passes an impossible POP floor: the message names it and the shortfall
    opt = optimize_exits(calibration, spread, grid=GRID, min_pop=0.999, settings=settings)
    assert opt.best is None and "min POP binds" in opt.binding and opt.to_dict()["best_params"] is None
    # a tiny budget binds the CVaR limit
    opt = optimize_exits(calibration, spread, grid=GRID, min_pop=0.0, risk_budget=1e-5, settings=settings)
    assert "CVaR limit binds" in opt.binding
    with pytest.raises(ParameterError, match="ranking_metric"):
        optimize_exits(calibration, spread, ranking_metric="sharpe")


def test_dte_threshold_beyond_expiry_is_rejected(calibration) -> None:  # type: ignore[no-untyped-def]
    spread = CreditSpread(kind="put", short_strike=140, long_strike=137, expiration_days=10)
    with pytest.raises(ParameterError, match="dte_threshold"):
        evaluate_exit_grid(calibration, spread, ExitRules(dte_threshold=10))
    with pytest.raises(ParameterError, match="long_strike"):
        CreditSpread(kind="put", short_strike=140, long_strike=141, expiration_days=10)


def test_common_random_numbers(calibration) -> None:  # type: ignore[no-untyped-def]
    settings = SimulationSettings(n_paths=500, seed=11)
    a = spread_from_delta(calibration, "put", 0.2, 2, 30)
    b = spread_from_delta(calibration, "put", 0.3, 2, 30)
    ma = mark_paths(calibration, a, settings=settings)
    mb = mark_paths(calibration, b, settings=settings)
    # same shocks: the short legs' TLT paths coincide, so ITM/OTM at expiry is nested
    itm_a = ma.values[:, -1] > 0
    itm_b = mb.values[:, -1] > 0
    assert np.all(itm_a <= itm_b)


@pytest.mark.parametrize("dte", [0, 5])
def test_screening_batch_equals_one_spread_at_a_time(calibration, dte: int) -> None:  # type: ignore[no-untyped-def]
    # reference: evaluate_exit_grid spread by spread on the same shocks (the pre-batch path)
    settings = SimulationSettings(n_paths=1500, seed=9, residual_noise=True)
    rules = ExitRules(profit_target_pct=0.5, loss_multiple=2.0, dte_threshold=dte)
    res = evaluate(calibration, deltas=(0.15, 0.25), widths=(1.0, 2.0), expiration_days=25, rules=rules,
                   settings=settings, min_pop=0.0)  # fmt: skip
    shocks = draw_shocks(1500, 25, 9, residual_noise=True)
    assert len(res.candidates) == 8
    for cand in res.candidates:
        one = evaluate_exit_grid(calibration, cand.spread, rules, settings=settings, shocks=shocks)
        assert cand.terms == one.marked.terms
        ref = one.metrics(0).to_dict()
        for key, value in cand.metrics.to_dict().items():
            assert value == pytest.approx(ref[key], rel=0, abs=1e-12, nan_ok=True), (cand.spread.label, key)


def test_mark_spreads_twins_agree(calibration) -> None:  # type: ignore[no-untyped-def]
    settings = SimulationSettings(n_paths=40, seed=3, residual_noise=True)
    rules = ExitRules(profit_target_pct=0.4, loss_multiple=1.5, dte_threshold=0)
    sps = [
        CreditSpread(kind="put", short_strike=k, long_strike=k - 2, expiration_days=15) for k in (138, 140)
    ]
    pairs = [(sp, entry_terms(calibration, sp, settings, __import__("tailkit.overlay").overlay.FillModel()))
             for sp in sps]  # fmt: skip
    fast = mark_spreads(calibration, pairs, rules, settings=settings)
    slow_kernel = K.mark_spreads
    try:
        K.mark_spreads = K.mark_spreads_python
        slow = mark_spreads(calibration, pairs, rules, settings=settings)
    finally:
        K.mark_spreads = slow_kernel
    for a, b in zip((*fast.crossing_arrays(), fast.first_deep), (*slow.crossing_arrays(), slow.first_deep)):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13, equal_nan=True)
