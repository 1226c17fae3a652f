"""The hedge overlay: cash flows on hand-built paths against a hand computation, invariants, off == before."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from tailkit.backtest import (
    EventLog,
    HedgeOverlayParams,
    RegimeStrategyParams,
    apply_hedge_overlay,
    path_vol,
    run_regime_strategy,
)
from tailkit.errors import DataError, ParameterError
from tailkit.hedging import VolSurface

DT = 1.0 / 252.0
#: a surface without skew or term structure: every option at 0.9 x the vol index
FLAT = VolSurface(atm_ratio=0.9, long_run_vol=0.18, skew=0.0, curvature=0.0)


def _bsm_put(s: float, k: float, t: float, sigma: float) -> float:
    """Black-Scholes put with r = q = 0, written out (Hull, *Options, Futures and Other Derivatives*, eq. 15.21)."""
    d1 = (math.log(s / k) + 0.5 * sigma * sigma * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    n = lambda x: 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))  # noqa: E731
    return k * n(-d2) - s * n(-d1)


def _path(n: int, legs: list[tuple[int, float]]) -> pd.Series:
    """Geometric NAV path through (bar, level) knots, starting at 100,000."""
    bars, levels = zip(*[(0, 100_000.0), *legs])
    x = np.interp(np.arange(n), bars, np.log(levels))
    return pd.Series(np.exp(x), index=pd.bdate_range("2020-01-01", periods=n), name="equity")


def test_put_held_to_expiry_matches_hand_computation():
    # NAV 100,000 -> 80,000 over the first month, back to 88,000 over the second
    nav = _path(43, [(21, 80_000.0), (42, 88_000.0)])
    vol = pd.Series(0.2, index=nav.index)  # vol index 20: every option at 0.9 x 0.2 = 18%
    p = HedgeOverlayParams(program="put", moneyness=0.9, tenor_months=1, roll_months=0, half_spread=0.03)
    res = apply_hedge_overlay(nav, p, vol=vol, surface=FLAT)
    t1 = 21 * DT
    prem0 = _bsm_put(100_000.0, 90_000.0, t1, 0.18) * 1.03
    s21 = nav.iloc[21]
    prem21 = _bsm_put(s21, 0.9 * s21, t1, 0.18) * 1.03
    payoff21 = 90_000.0 - s21  # the first put settles in the money, free of spread
    expected = np.zeros(43)
    expected[0] = -prem0
    expected[21] = payoff21 - prem21
    expected[42] = max(
        0.9 * s21 - nav.iloc[42], 0.0
    )  # the second expires worthless; nothing bought on the last bar
    np.testing.assert_allclose(res.cash_flows.to_numpy(), expected, rtol=1e-10, atol=1e-8)
    # option marks between rolls: the live put at its mid
    s10 = nav.iloc[10]
    assert res.option_value.iloc[10] == pytest.approx(_bsm_put(s10, 90_000.0, 11 * DT, 0.18), rel=1e-10)
    assert res.option_value.iloc[42] == 0.0
    # hedged equity = NAV + overlay cash + marks, and at the end NAV + every cash flow
    assert res.equity.iloc[-1] == pytest.approx(88_000.0 + expected.sum(), rel=1e-12)
    assert list(res.rolls["action"]) == ["open", "settle", "open", "settle"]
    assert list(res.rolls["strike"]) == pytest.approx([90_000.0, 90_000.0, 0.9 * s21, 0.9 * s21])
    assert (res.quantity.iloc[:42, 0] == 1.0).all() and res.quantity.iloc[42, 0] == 0.0
    assert res.to_dict()["hedge_premium_paid"] == pytest.approx(prem0 + prem21, rel=1e-10)


def test_put_spread_rolled_early_sells_at_the_bid():
    # 2-month spread 95/85, rolled with one month left; the overlay starts on bar 3
    nav = _path(30, [(3, 100_000.0), (24, 85_000.0), (29, 86_000.0)])
    vol = pd.Series(0.2, index=nav.index)  # flat 18%: no term structure either (atm = long_run_vol)
    p = HedgeOverlayParams(
        program="put_spread", moneyness=0.95, short_moneyness=0.85, tenor_months=2, roll_months=1,
        hedge_ratio=2.0, half_spread=0.05,
    )  # fmt: skip
    res = apply_hedge_overlay(nav, p, start=3, vol=vol, surface=FLAT)
    sig = 0.9 * 0.2
    s0, s24 = nav.iloc[3], nav.iloc[24]
    k_long, k_short = 0.95 * s0, 0.85 * s0
    open0 = 2.0 * (_bsm_put(s0, k_long, 42 * DT, sig) * 1.05 - _bsm_put(s0, k_short, 42 * DT, sig) * 0.95)
    # bar 3 + 21: sell the long at mid x 0.95, buy back the short at mid x 1.05, 21 bars left
    close = 2.0 * (_bsm_put(s24, k_long, 21 * DT, sig) * 0.95 - _bsm_put(s24, k_short, 21 * DT, sig) * 1.05)
    reopen = 2.0 * (
        _bsm_put(s24, 0.95 * s24, 42 * DT, sig) * 1.05 - _bsm_put(s24, 0.85 * s24, 42 * DT, sig) * 0.95
    )
    cf = res.cash_flows
    assert cf.iloc[:3].eq(0.0).all() and res.equity.iloc[:3].equals(nav.iloc[:3])
    assert cf.iloc[3] == pytest.approx(-open0, rel=1e-10)
    assert cf.iloc[24] == pytest.approx(close - reopen, rel=1e-10)
    assert cf.drop(cf.index[[3, 24]]).eq(0.0).all()
    assert res.equity.iloc[-1] == pytest.approx(
        nav.iloc[-1] + cf.sum() + res.option_value.iloc[-1], rel=1e-12
    )


@pytest.mark.parametrize("program", ["put", "put_spread", "collar"])
def test_equity_is_nav_plus_overlay_cash_plus_marks(program):
    rng = np.random.default_rng(5)
    nav = pd.Series(
        1e6 * np.exp(np.cumsum(rng.normal(0.0, 0.015, 300))), index=pd.bdate_range("2019-01-01", periods=300)
    )
    res = apply_hedge_overlay(nav, HedgeOverlayParams(program=program), start=10)
    # two derivations: the hedging kernel's NAV, and the roll table valued on the same surface
    np.testing.assert_allclose(res.equity, nav + res.overlay_cash + res.option_value, rtol=1e-12, atol=1e-7)
    if program == "collar":  # zero-cost: the call's bid pays the put's ask at each roll
        opens = res.rolls[res.rolls["action"] == "open"].groupby("bar")["cash_flow"].sum()
        np.testing.assert_allclose(opens, 0.0, atol=1e-6 * 1e6)


def test_path_vol_is_trailing_realised_vol():
    nav = _path(40, [(20, 90_000.0), (39, 120_000.0)]) * np.exp(0.01 * np.sin(np.arange(40)))
    p = HedgeOverlayParams(program="put", vol_window=10, vrp_ratio=1.2, vol_floor=0.05)
    v = path_vol(nav, p)
    r = np.diff(np.log(nav.to_numpy()))
    for t in (2, 5, 25, 39):
        window = r[max(0, t - 10) : t]
        assert v.iloc[t] == pytest.approx(1.2 * max(np.std(window, ddof=1) * math.sqrt(252), 0.05))
    assert v.iloc[0] == v.iloc[1] == pytest.approx(1.2 * 0.05)


def test_bad_inputs_name_the_value():
    nav = _path(30, [(29, 90_000.0)])
    with pytest.raises(ParameterError, match=r"hedge overlay \(put\).*roll_months"):
        HedgeOverlayParams(program="put", tenor_months=1.0, roll_months=1.0)
    with pytest.raises(ParameterError, match="program"):
        apply_hedge_overlay(nav, HedgeOverlayParams())
    with pytest.raises(ParameterError, match="start"):
        apply_hedge_overlay(nav, HedgeOverlayParams(program="put"), start=29)
    bad = nav.copy()
    bad.iloc[4] = -1.0
    with pytest.raises(DataError, match=r"-1\.0"):
        apply_hedge_overlay(bad, HedgeOverlayParams(program="put"))


@pytest.fixture(scope="module")
def runs(short_prices, universe, fast_params):
    off = run_regime_strategy(short_prices, universe.buckets, fast_params)
    hedged = RegimeStrategyParams(**{**_fields(fast_params), "hedge_program": "put"})
    with EventLog() as log:
        on = run_regime_strategy(short_prices, universe.buckets, hedged, log=log)
        stored = log.query("SELECT * FROM portfolio_events WHERE event_category = 'hedge' ORDER BY bar, id")
    return off, on, stored


def _fields(p):
    from tailkit.params import parameters_to_dict

    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in parameters_to_dict(p).items()}


def test_overlay_off_is_the_run_without_overlay(runs):
    off, on, _ = runs
    assert off.overlay is None and off.equity is off.backtest.equity
    # the overlay never changes the trades or the decisions
    pd.testing.assert_frame_equal(on.backtest.to_frame(), off.backtest.to_frame())
    pd.testing.assert_frame_equal(on.targets, off.targets)
    assert [e.key() for e in on.events if not e.event_type.startswith("hedge")] == [
        e.key() for e in off.events
    ]
    hedged_keys = {"final_equity", "total_return", "events", "event_counts"}
    same_on = {k: v for k, v in on.to_dict().items() if k in off.to_dict() and k not in hedged_keys}
    same_off = {k: v for k, v in off.to_dict().items() if k not in hedged_keys}
    assert same_on == same_off and "hedge_program" not in off.to_dict()
    assert RegimeStrategyParams().hedge_program == "none"


def test_overlay_in_the_regime_run_is_logged_and_adds_up(runs):
    off, on, stored = runs
    ov = on.overlay
    first = int(np.flatnonzero(on.targets.notna().any(axis=1).to_numpy())[0])
    assert ov is not None and ov.start == first
    assert on.equity.iloc[:first].equals(off.backtest.equity.iloc[:first])
    np.testing.assert_allclose(on.equity, off.backtest.equity + ov.overlay_cash + ov.option_value, rtol=1e-12)
    assert on.to_dict()["final_equity"] == pytest.approx(float(on.equity.iloc[-1]))
    # every option trade is an event with its cash flow; the events are in time order
    assert len(stored) == len(ov.rolls) > 0
    assert set(stored["system"]) == {"hedge_overlay"}
    meta = stored["metadata"].map(lambda m: json.loads(m)["cash_flow"])
    np.testing.assert_allclose(meta.sum(), ov.cash_flows.sum(), rtol=1e-12)
    assert [e.bar for e in on.events] == sorted(e.bar for e in on.events)
