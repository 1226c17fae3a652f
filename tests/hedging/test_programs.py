"""Hedge programs: validation messages, compilation, marking twins, a hand-computed put program."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.hedging import (
    Collar,
    CombinedProgram,
    HedgeMarket,
    NoHedge,
    ProtectivePut,
    PutSpread,
    RatioSpread,
    VixCall,
    VixModel,
    VolSurface,
    compile_programs,
    implied_vol,
    mark_programs,
    simulate_market,
)
from tailkit.pricing import bs_price


@pytest.mark.parametrize(
    ("build", "field", "shown"),
    [
        (lambda: ProtectivePut(moneyness=0.0), "moneyness", "moneyness=0.0"),
        (lambda: ProtectivePut(moneyness=-0.9), "moneyness", "moneyness=-0.9"),
        (lambda: ProtectivePut(tenor_months=1.0, roll_months=2.0), "roll_months", "roll_months=2.0"),
        (
            lambda: ProtectivePut(tenor_months=1.0, roll_months=2.0, roll_rule="calendar"),
            "tenor_months",
            "tenor_months=1.0",
        ),
        (lambda: ProtectivePut(sizing="budget", budget=-0.01), "budget", "budget=-0.01"),
        (lambda: VixCall(budget=0.0), "budget", "budget=0.0"),
        (lambda: Collar(put_moneyness=0.9, call_moneyness=0.85), "call_moneyness", "call_moneyness=0.85"),
        (
            lambda: PutSpread(long_moneyness=0.8, short_moneyness=0.9),
            "short_moneyness",
            "short_moneyness=0.9",
        ),
        (lambda: CombinedProgram(parts=(ProtectivePut(),), weights=(0.5,)), "weights", "weights=(0.5,)"),
    ],
)
def test_bad_programs_name_the_field_and_value(build, field, shown):
    with pytest.raises(ParameterError) as info:
        build()
    msg = str(info.value)
    assert shown in msg
    assert "expected" in msg
    assert "np.float64" not in msg


def test_compile_programs_layout():
    table = compile_programs(
        [NoHedge(), PutSpread(), CombinedProgram(parts=(ProtectivePut(), VixCall()), weights=(0.7, 0.3))],
        [1.0, 1.0, 1.2],
    )
    assert table.sleeve_start.tolist() == [0, 0, 1, 3]
    assert table.leg_start.tolist() == [0, 2, 3, 4]
    assert table.ratio.tolist() == [1.0, -1.0, 1.0, 1.0]
    assert table.underlying.tolist() == [0, 0, 0, 1]
    # 3 months = 63 days held until 1 month (21 days) is left
    assert table.tenor[0] == 63 and table.hold[0] == 42
    # the combined program's parts take their share of the size
    assert table.size[1] == pytest.approx(0.7 * 1.0) and table.size[2] == pytest.approx(0.3 * 0.005)
    assert len(table.to_frame()) == 4


def test_marking_twins_agree():
    market = simulate_market("gjr_garch", n_paths=6, n_steps=80, seed=3)
    progs = [
        NoHedge(),
        ProtectivePut(sizing="budget", budget=0.01),
        RatioSpread(),
        Collar(tenor_months=1.0, roll_months=0.0),
        VixCall(),
        CombinedProgram(parts=(PutSpread(), VixCall()), weights=(0.6, 0.4)),
    ]
    a = mark_programs(market, progs, record_paths=2, record_legs=True)
    b = mark_programs(market, progs, record_paths=2, record_legs=True, jit=False)
    np.testing.assert_allclose(a.stats, b.stats, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a.nav, b.nav, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(a.leg_expiry, b.leg_expiry)


def test_put_program_cash_flows_match_a_hand_computation():
    """One-month 90% puts held to expiry and rolled, on a hand-built 43-day path.

    Hand computation: NAV 1 buys 1/S0 shares; at t=0 buy 1/S0 puts struck at 90 at the
    Black-Scholes mid (surface vol) times 1 + half-spread, paid from cash; cash grows at
    e^{r dt} a day; at t=21 the put settles at max(90 - S_21, 0) and a new put struck at
    0.9 S_21 is bought; at t=42 it settles at its intrinsic value.
    """
    n_t, dt, r, q, h = 43, 1 / 252, 0.03, 0.01, 0.03
    spot = np.r_[np.full(11, 100.0), np.linspace(100.0, 80.0, 11)[1:], np.linspace(80.0, 70.0, 22)[1:]]
    spot = np.r_[spot, 70.0][:n_t]
    vol = np.full(n_t, 0.25)
    surface = VolSurface()
    market = HedgeMarket(
        spot=spot[None, :],
        index=vol[None, :],
        target=np.log(vol)[None, :],
        dt=dt,
        rate=r,
        dividend_yield=q,
        vix_model=VixModel(),
        surface=surface,
    )
    prog = ProtectivePut(moneyness=0.9, tenor_months=1.0, roll_months=0.0)
    out = mark_programs(market, [prog], record_paths=1)
    tau = 21 * dt
    units = 1.0 / 100.0

    def ask(s):
        k = 0.9 * s
        sigma = implied_vol(surface, 0.25, 0.9, tau, rate=r, dividend_yield=q)
        return k, bs_price("put", s, k, tau, r, sigma, q) * (1 + h)

    k1, c1 = ask(spot[0])
    cash = -units * c1 * math.exp(r * 21 * dt)
    pay1 = units * max(k1 - spot[21], 0.0)
    k2, c2 = ask(spot[21])
    cash = (cash + pay1 - units * c2) * math.exp(r * 21 * dt)
    pay2 = units * max(k2 - spot[42], 0.0)
    nav = units * spot[42] + cash + pay2  # the second put settles on the last day
    assert out.stat("premium")[0, 0] == pytest.approx(units * (c1 + c2), rel=1e-12)
    assert out.stat("proceeds")[0, 0] == pytest.approx(pay1 + pay2, rel=1e-12)
    assert out.stat("final_nav")[0, 0] == pytest.approx(nav, rel=1e-12)
    assert pay1 > 0 and pay2 > 0
