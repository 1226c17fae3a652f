"""VIX options and futures, the zero-cost collar, effectiveness, common random numbers, 2008."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tailkit.hedging import (
    Collar,
    CrisisWindow,
    NoHedge,
    ProtectivePut,
    VixModel,
    VolSurface,
    bundled_history,
    evaluate_history,
    hedge_effectiveness,
    implied_vol,
    mark_programs,
    mean_difference,
    pareto_mask,
    simulate_market,
    target_path,
    vix_future,
    vix_option_value,
)
from tailkit.hedging import _kernels as K
from tailkit.pricing import bs_price
from tailkit.simulation import VolIndexParams, simulate_vol_index


def _flat_model(total_vol: float, tau: float) -> VixModel:
    # kappa -> 0: the OU variance xi^2 (1 - e^{-2 kappa tau}) / (2 kappa) -> xi^2 tau
    return VixModel(kappa=1e-9, vol_of_vol=total_vol, long_run_target=0.0)


@pytest.mark.parametrize(
    ("future", "strike", "tau", "rate", "vol", "call", "put", "source"),
    [
        # Hull, Options, Futures, and Other Derivatives (8th ed.), Example 18.8: c = p = 1.12
        (20.0, 20.0, 4 / 12, 0.09, 0.25, 1.12, 1.12, "Hull Ex. 18.8"),
        # Haug, The Complete Guide to Option Pricing Formulas (2007), section 1.1.2: 1.7011
        (19.0, 19.0, 0.75, 0.10, 0.28, 1.7011, 1.7011, "Haug 1.1.2"),
    ],
)
def test_vix_call_black76_reference_values(future, strike, tau, rate, vol, call, put, source):
    model = _flat_model(vol, tau)
    s = vol * math.sqrt(tau)
    index = math.exp(math.log(future) - 0.5 * s * s)  # so that the model future equals `future`
    assert vix_future(model, index, tau, target=math.log(index)) == pytest.approx(future, rel=1e-9)
    c = vix_option_value(model, "call", index, strike, tau, rate=rate, target=math.log(index))
    p = vix_option_value(model, "put", index, strike, tau, rate=rate, target=math.log(index))
    digits = 0.005 if source.startswith("Hull") else 5e-5
    assert c == pytest.approx(call, abs=digits)
    assert p == pytest.approx(put, abs=digits)


@pytest.mark.parametrize("strike", [0.12, 0.18, 0.25, 0.40])
def test_vix_put_call_parity_on_futures(strike):
    model = VixModel(kappa=8.0, vol_of_vol=1.2, long_run_target=math.log(0.19))
    tau, rate, level = 0.25, 0.03, 0.22
    f = vix_future(model, level, tau)
    c = vix_option_value(model, "call", level, strike, tau, rate=rate)
    p = vix_option_value(model, "put", level, strike, tau, rate=rate)
    assert c - p == pytest.approx(math.exp(-rate * tau) * (f - strike), abs=1e-13)


def test_vix_future_is_the_log_ou_expectation():
    """Closed form E[V_T] = exp(m + (x0 - m) e^{-kT} + xi^2 (1 - e^{-2kT}) / (4k)) and a simulation."""
    kappa, xi, m, v0 = 6.0, 1.1, math.log(0.18), 0.35
    model = VixModel(kappa=kappa, vol_of_vol=xi, long_run_target=m)
    for tau in (1 / 252, 21 / 252, 0.5, 2.0):
        closed = math.exp(
            m
            + (math.log(v0) - m) * math.exp(-kappa * tau)
            + xi**2 * -math.expm1(-2 * kappa * tau) / (4 * kappa)
        )
        assert vix_future(model, v0, tau) == pytest.approx(closed, rel=1e-13)
    assert vix_future(model, v0, 0.0) == pytest.approx(v0, rel=1e-15)
    # the simulation package's exact OU step, with a constant equity variance so the target is m
    ref_vol = 0.16
    params = VolIndexParams(
        kappa=kappa,
        premium=math.exp(m) / ref_vol,
        elasticity=1.0,
        reference_vol=ref_vol,
        vol_of_vol=xi,
        initial=v0,
    )
    n, steps = 40_000, 63
    sim = simulate_vol_index(params, np.full((n, steps + 1), ref_vol**2), seed=11).values[:, -1, 0]
    se = sim.std(ddof=1) / math.sqrt(n)
    assert abs(sim.mean() - vix_future(model, v0, steps / 252)) < 4 * se


def test_zero_cost_collar_call_strike_costs_nothing():
    surface = VolSurface()
    surf = surface.vector()
    s, tau, r, q, h, index = 100.0, 63 / 252, 0.02, 0.015, 0.03, 0.2
    put_sigma = implied_vol(surface, index, 0.9, tau, rate=r, dividend_yield=q)
    put_ask = bs_price("put", s, 90.0, tau, r, put_sigma, q) * (1 + h)
    m = K.collar_call_moneyness(put_ask, 1.0, tau, s, math.log(index), 0.0, r, q, surf, h)
    call_sigma = implied_vol(surface, index, m, tau, rate=r, dividend_yield=q)
    call_bid = bs_price("call", s, m * s, tau, r, call_sigma, q) * (1 - h)
    assert m > math.exp((r - q) * tau)
    assert call_bid == pytest.approx(put_ask, rel=1e-9)
    # in the marking loop every roll of a zero-cost collar nets (to rounding) zero premium
    market = simulate_market("gbm", n_paths=4, n_steps=130, seed=5)
    out = mark_programs(market, [Collar(put_moneyness=0.9)])
    assert np.all(np.abs(out.stat("premium")) < 1e-10)


def test_collar_strike_search_stops_when_its_newton_step_rounds_to_nothing(monkeypatch):
    # Newton from the forward converges in a handful of evaluations; a step that rounded to
    # nothing at the root used to land on the bracket's edge and restart the search by
    # bisection from 10x spot (this market's day-42 roll took 43 evaluations, 40 of them wasted)
    evaluations = []
    block = K.bs_block

    def counted(*args):
        evaluations[-1] += 1
        return block(*args)

    monkeypatch.setattr(K, "bs_block", counted)
    market = simulate_market("gjr_garch", n_paths=128, n_steps=252, seed=1)
    surf, vix = market.surface.vector(), market.vix_model.vector()
    r, q, h, tenor = market.rate, market.dividend_yield, 0.01, 63
    tab = K.step_tables_python(tenor, market.dt, r, q, surf, vix)
    P, R, out = np.empty((8, 128)), np.empty((7, 128)), np.empty(128)
    for t in range(0, 211, 42):
        spot, level, target = market.spot[:, t], market.index[:, t], market.target[:, t]
        puts = np.array([
            K.leg_value_python(0, -1.0, 0.9 * s, tenor * market.dt, s, math.log(v), m, r, q, surf, vix)
            for s, v, m in zip(spot, level, target, strict=True)
        ])  # fmt: skip
        cost = puts * (1 + h) / spot * spot  # rounded as the failing case was found
        evaluations.append(0)
        K.collar_log_strikes_python(cost, 1.0, h, tenor, spot, level, 128, r, q, surf, tab, P, R, out)
        assert evaluations[-1] <= 12, (t, evaluations[-1])
        # each strike's call, sold at the bid, pays for its put
        for i in range(0, 128, 9):
            k = spot[i] * math.exp(out[i])
            call = K.leg_value_python(
                0, 1.0, k, tenor * market.dt, spot[i], math.log(level[i]), 0.0, r, q, surf, vix
            )
            assert call * (1 - h) == pytest.approx(cost[i], rel=1e-12)


def test_hedge_effectiveness_is_zero_without_and_one_with_a_perfect_hedge():
    rng = np.random.default_rng(0)
    unhedged = rng.normal(0.05, 0.2, 2000)
    none = hedge_effectiveness(unhedged, unhedged)
    assert none.value == 0.0 and none.se == 0.0
    perfect = np.where(unhedged < 0, 0.0, unhedged)  # every loss given back
    full = hedge_effectiveness(unhedged, perfect)
    assert full.value == pytest.approx(1.0, abs=1e-15) and full.se == pytest.approx(0.0, abs=1e-15)
    half = hedge_effectiveness(unhedged, np.where(unhedged < 0, 0.5 * unhedged, unhedged))
    assert half.value == pytest.approx(0.5, abs=1e-14)
    # end to end: the no-hedge program offsets nothing
    market = simulate_market("gjr_garch", n_paths=200, n_steps=60, seed=2)
    out = mark_programs(market, [NoHedge()])
    r = out.stat("final_nav")[0] - 1
    assert hedge_effectiveness(out.stat("base_final_nav")[0] - 1, r).value == 0.0


def test_common_random_numbers_shrink_the_standard_error_of_differences():
    progs = [ProtectivePut(moneyness=0.95), ProtectivePut(moneyness=0.85)]
    a = simulate_market("gjr_garch", n_paths=400, n_steps=126, seed=21)
    b = simulate_market("gjr_garch", n_paths=400, n_steps=126, seed=22)
    same = mark_programs(a, progs).stat("final_nav")
    crn = mean_difference(same[0], same[1]).se
    x = mark_programs(a, progs[:1]).stat("final_nav")[0]
    y = mark_programs(b, progs[1:]).stat("final_nav")[0]
    independent = math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    assert crn < independent / 3


def test_pareto_mask():
    cost = np.array([1.0, 2.0, 2.0, 3.0, 0.5])
    prot = np.array([1.0, 3.0, 2.0, 2.5, 0.5])
    assert pareto_mask(cost, prot).tolist() == [True, True, False, False, True]


@pytest.mark.slow
def test_90pct_3m_put_program_pays_off_in_late_2008():
    market = bundled_history(start="2007-06-01", end="2009-06-30")
    late = CrisisWindow("late 2008", "2008-09-01", "2008-12-31")
    prog = ProtectivePut(moneyness=0.9, tenor_months=3.0, roll_months=1.0)
    ev = evaluate_history(market, [prog], windows=(late,), attribute=False)
    row = ev.crisis_frame().set_index("window").loc["late 2008"]
    assert row["unhedged_return"] < -0.2
    assert row["hedge_pnl"] > 0.0  # net of the rolls' premiums and spreads, the puts paid
    # an independent Black-Scholes mark of the put held on 2008-11-20 (bs_price, the surface vol)
    out = mark_programs(
        market, [ProtectivePut(moneyness=0.9, tenor_months=3.0, roll_months=1.0)], record_legs=True
    )
    t = int(np.searchsorted(market.dates, pd.Timestamp("2008-11-20")))
    k, e, qty = out.leg_strike[0, t], out.leg_expiry[0, t], out.leg_qty[0, t]
    s, tau = market.spot[0, t], (e - t) * market.dt
    sigma = implied_vol(
        market.surface, market.index[0, t], k / s, tau, rate=market.rate, dividend_yield=market.dividend_yield
    )
    value = bs_price("put", s, k, tau, market.rate, sigma, market.dividend_yield)
    assert k > s  # struck at 90% of a higher spot: in the money in the crash
    intrinsic = k * math.exp(-market.rate * tau) - s * math.exp(-market.dividend_yield * tau)
    assert value > intrinsic > 0.05 * s  # worth more than 5% of spot
    # the kernel's mark of the position (NAV units, NAV started at 1) is that value
    mark = K.leg_value(
        0,
        -1.0,
        k,
        tau,
        s,
        math.log(market.index[0, t]),
        market.target[0, t],
        market.rate,
        market.dividend_yield,
        market.surface.vector(),
        market.vix_model.vector(),
    )
    assert mark == pytest.approx(value, rel=1e-9)
    assert 0.02 < qty * value < 0.5


@pytest.mark.parametrize(("variance_multiple", "steps"), [(0.5, 21), (1.0, 63), (3.0, 21), (3.0, 63)])
def test_gjr_garch_vix_future_approximation_against_nested_monte_carlo(variance_multiple, steps):
    """The moving-target approximation (target fitted as an OU) vs a nested simulation.

    From one state (GARCH variance ``variance_multiple`` x its unconditional level, the index
    10% above its target) 20,000 inner GJR-GARCH paths and their vol index are simulated
    ``steps`` days ahead with tailkit.simulation; the model future must be within 5% of their
    mean (measured when written: -0.6%, +1.0%, -3.6%, -1.6%). Known limit, measured at the
    same time: OTM VIX calls (strike 120% of the future) come out 20-50% below the nested
    Monte Carlo value — GARCH variance jumps give the index a fatter right tail than lognormal.
    """
    from tailkit.simulation import GJRGARCHParams, simulate_gjr_garch

    dt = 1 / 252
    garch, vi = GJRGARCHParams(), VolIndexParams()
    model = simulate_market("gjr_garch", n_paths=400, n_steps=252, seed=7).vix_model
    h0 = float(garch.unconditional_variance()[0]) * variance_multiple
    m0 = float(target_path(vi, np.array([[h0 / dt]]))[0, 0])
    v0 = math.exp(m0) * 1.1
    start = VolIndexParams(
        kappa=vi.kappa,
        premium=vi.premium,
        elasticity=vi.elasticity,
        reference_vol=vi.reference_vol,
        vol_of_vol=vi.vol_of_vol,
        initial=v0,
    )
    inner = simulate_gjr_garch(garch, n_paths=20_000, n_steps=steps, dt=dt, s0=100.0, seed=3, h0=h0)
    index = simulate_vol_index(start, inner.variance[:, :, 0] / dt, dt=dt, seed=4).values[:, -1, 0]
    future = vix_future(model, v0, steps * dt, target=m0)
    assert future == pytest.approx(index.mean(), rel=0.05)
