"""Fills and costs checked by hand: the chain credit, commissions, and every exit's fill.

Expected numbers come from the chain rows and the cost model documented in
:mod:`tailkit.overlay.fills` (arithmetic written out in the comments), and the per-path P&L
from :mod:`tests.overlay._reference`, which computes its own entry terms, Black-Scholes marks
and exits without calling tailkit's.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tailkit.data import read_option_chain
from tailkit.overlay import (
    CreditSpread,
    ExitRules,
    FillModel,
    SimulationSettings,
    evaluate,
    evaluate_market,
    simulate_overlay,
)
from tailkit.overlay.simulation import entry_terms

from . import _reference as ref

# Four quotes in the documented Bloomberg-style format (IV in percent), 50 calendar days to
# expiry: 2025-01-02 -> 2025-02-21 is 29 + 21 = 50 days, round(50 * 252 / 365) = round(34.52)
# = 35 trading days. Mids sit near Black-Scholes at the quoted IV (r = 4.5%, T = 35/252:
# put 89 0.973, put 86 0.439, call 94 1.347, call 97 0.552), deltas likewise.
CHAIN = """quote_date,quote_time,underlying_price,option_type,expiration_date,strike,bid,ask,implied_vol,delta
2025-01-02,15:45,91.50,put,2025-02-21,89,0.94,1.00,16.2,-0.28
2025-01-02,15:45,91.50,put,2025-02-21,86,0.42,0.44,17.5,-0.14
2025-01-02,15:45,91.50,call,2025-02-21,94,1.33,1.36,15.8,0.37
2025-01-02,15:45,91.50,call,2025-02-21,97,0.53,0.57,15.6,0.19
"""
SPOT, DAYS = 91.50, 35
# a half-spread far from the quotes' and a non-default commission: the market path must take
# the half-spreads from the quotes and the commission from the fill model
FILLS = FillModel(half_spread=0.50, commission=1.25, multiplier=100)


def test_fill_model_costs_by_hand() -> None:
    fills = FillModel(half_spread=0.03, commission=0.65, multiplier=100)
    # 0.65 $ per contract per leg / 100 shares = 0.0065 $ per share per leg
    assert fills.commission_per_share == pytest.approx(0.0065, abs=1e-15)
    # opening: two legs -> 2 x 0.0065 = 0.013
    assert fills.entry_cost == pytest.approx(0.013, abs=1e-15)
    # closing: half-spread of each leg + two commissions = 0.03 + 0.03 + 0.013 = 0.073
    assert fills.exit_cost() == pytest.approx(0.073, abs=1e-15)
    # with quoted half-spreads 0.015 and 0.02: 0.015 + 0.02 + 0.013 = 0.048
    assert fills.exit_cost(0.015, 0.02) == pytest.approx(0.048, abs=1e-15)
    assert FillModel(commission=1.0, multiplier=10).entry_cost == pytest.approx(0.2, abs=1e-15)


def test_model_iv_entry_is_mid_minus_each_legs_half_spread(calibration) -> None:  # type: ignore[no-untyped-def]
    s0 = calibration.current.tlt_price
    settings = SimulationSettings(risk_free_rate=0.04, dividend_yield=0.01)
    fills = FillModel(half_spread=0.03, commission=0.65)
    for kind, ks, kl in (("put", 139.0, 136.0), ("call", 146.0, 149.0)):
        # the quoted half-spreads differ per leg so that swapping them or their signs shows
        spread = CreditSpread(kind=kind, short_strike=ks, long_strike=kl, expiration_days=30, short_iv=0.11,
                              long_iv=0.12, short_half_spread=0.04, long_half_spread=0.01)  # fmt: skip
        t = entry_terms(calibration, spread, settings, fills)
        T = 30 / 252
        mid_s = ref.bsm(kind, s0, ks, T, 0.04, 0.01, 0.11)
        mid_l = ref.bsm(kind, s0, kl, T, 0.04, 0.01, 0.12)
        # sell the short leg at mid - 0.04, buy the long leg at mid + 0.01
        assert t.model_mid == pytest.approx(mid_s - mid_l, rel=0, abs=1e-12)
        assert t.credit == pytest.approx((mid_s - 0.04) - (mid_l + 0.01), rel=0, abs=1e-12)
        assert t.entry_cost == pytest.approx(0.013, abs=1e-15)  # 2 x 0.65 / 100
        assert t.exit_cost == pytest.approx(0.04 + 0.01 + 0.013, abs=1e-15)
        assert t.max_profit == pytest.approx(t.credit - 0.013, abs=1e-15)
        # without quoted half-spreads both legs use the fill model's 0.03: credit = mid - 0.06
        plain = CreditSpread(kind=kind, short_strike=ks, long_strike=kl, expiration_days=30, short_iv=0.11,
                             long_iv=0.12)  # fmt: skip
        t = entry_terms(calibration, plain, settings, fills)
        assert t.credit == pytest.approx(mid_s - mid_l - 0.06, rel=0, abs=1e-12)
        assert t.exit_cost == pytest.approx(0.073, abs=1e-15)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = Path(tmp_path_factory.mktemp("chain")) / "chain.csv"
    path.write_text(CHAIN, encoding="utf-8")
    return read_option_chain(path, iv_units="percent")


@pytest.fixture(scope="module")
def market(calibration, chain):  # type: ignore[no-untyped-def]
    settings = SimulationSettings(n_paths=400, seed=21, risk_free_rate=0.045)
    res = evaluate_market(calibration, chain, widths=(3.0,), min_delta=0.2, max_delta=0.4, min_pop=0.0,
                          settings=settings, fills=FILLS)  # fmt: skip
    return res, settings


# hand arithmetic per spread (FILLS: commission 1.25 / 100 = 0.0125 per share per leg)
#   put 89/86:  credit  = bid(89) - ask(86)  = 0.94 - 0.44 = 0.50
#               halves  = (1.00 - 0.94) / 2 = 0.03 and (0.44 - 0.42) / 2 = 0.01
#               entry   = 2 x 0.0125 = 0.025;  exit = 0.03 + 0.01 + 0.025 = 0.065
#               max profit = 0.50 - 0.025 = 0.475;  max loss = 3 - 0.475 + 0.065 = 2.59
#   call 94/97: credit  = bid(94) - ask(97)  = 1.33 - 0.57 = 0.76
#               halves  = (1.36 - 1.33) / 2 = 0.015 and (0.57 - 0.53) / 2 = 0.02
#               entry   = 0.025;  exit = 0.015 + 0.02 + 0.025 = 0.06
#               max profit = 0.76 - 0.025 = 0.735;  max loss = 3 - 0.735 + 0.06 = 2.325
HAND = {
    "put": dict(short=89.0, long=86.0, ivs=0.162, ivl=0.175, credit=0.50, entry=0.025, exit=0.065,
                max_loss=2.59, halves=(0.03, 0.01), quotes=(0.94, 0.44), delta=0.28),
    "call": dict(short=94.0, long=97.0, ivs=0.158, ivl=0.156, credit=0.76, entry=0.025, exit=0.06,
                 max_loss=2.325, halves=(0.015, 0.02), quotes=(1.33, 0.57), delta=0.37),
}  # fmt: skip


def test_market_entry_sells_the_bid_and_buys_the_ask(market) -> None:  # type: ignore[no-untyped-def]
    res, settings = market
    assert res.source == "market" and len(res.candidates) == 2
    for cand in res.candidates:
        h = HAND[cand.spread.kind]
        sp, t = cand.spread, cand.terms
        assert (sp.short_strike, sp.long_strike, sp.expiration_days) == (h["short"], h["long"], DAYS)
        assert t.spot == SPOT
        assert (t.short_iv, t.long_iv) == pytest.approx((h["ivs"], h["ivl"]), abs=1e-15)
        assert t.credit == pytest.approx(h["credit"], abs=1e-12)
        assert t.entry_cost == pytest.approx(h["entry"], abs=1e-12)
        assert t.exit_cost == pytest.approx(h["exit"], abs=1e-12)
        assert cand.max_loss == pytest.approx(h["max_loss"], abs=1e-12)
        # the same numbers in the screening table the CLI prints
        row = cand.to_dict()
        assert row["credit"] == pytest.approx(h["credit"], abs=1e-12)
        assert row["max_loss"] == pytest.approx(h["max_loss"], abs=1e-12)
        assert row["width"] == 3.0 and row["short_delta"] == h["delta"]
        T, r = DAYS / 252, settings.risk_free_rate
        mid = ref.bsm(sp.kind, SPOT, h["short"], T, r, 0.0, h["ivs"]) - ref.bsm(sp.kind, SPOT, h["long"], T, r,
                                                                                0.0, h["ivl"])  # fmt: skip
        assert row["model_mid"] == pytest.approx(mid, rel=0, abs=1e-12)
        assert row["return_on_risk"] == pytest.approx(cand.metrics.expected_pnl / h["max_loss"], rel=1e-12)


def _check_against_reference(metrics, pnl: np.ndarray, day: np.ndarray, reason: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    n = pnl.size
    assert metrics.n_paths == n
    assert metrics.expected_pnl == pytest.approx(float(np.mean(pnl)), rel=0, abs=1e-12)
    assert metrics.pop == np.count_nonzero(pnl > 0) / n
    assert metrics.avg_days_held == pytest.approx(float(np.mean(day)), rel=0, abs=1e-12)
    shares = np.bincount(reason, minlength=4) / n
    got = (
        metrics.exit_profit_target,
        metrics.exit_loss_limit,
        metrics.exit_dte_threshold,
        metrics.exit_expiration,
    )
    np.testing.assert_array_equal(got, shares)
    losses = pnl[pnl < 0]
    if losses.size:
        assert metrics.avg_loss == pytest.approx(-float(losses.mean()), rel=0, abs=1e-12)


def _rel_paths(calibration, settings: SimulationSettings, n_steps: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    # log(S_t / S_0) on the study's paths (the same seed draws the same shocks)
    tlt = simulate_overlay(calibration, n_steps, settings=settings).tlt
    return np.log(tlt / tlt[:, :1])


def test_market_exits_pay_the_quoted_half_spreads_and_commissions(calibration, market) -> None:  # type: ignore[no-untyped-def]
    res, settings = market
    rel = _rel_paths(calibration, settings, DAYS)
    vol = calibration.volatility
    rules = res.rules
    assert rules == ExitRules()
    for cand in res.candidates:
        h = HAND[cand.spread.kind]
        # own entry from the chain rows: short bid, long ask, quoted halves, FILLS' commission
        own = ref.entry_at_quotes(*h["quotes"], *h["halves"], FILLS.commission, FILLS.multiplier)
        assert (own.credit, own.entry_cost, own.exit_cost) == pytest.approx(
            (h["credit"], h["entry"], h["exit"])
        )
        v = ref.marks(rel, cand.spread.kind, SPOT, h["short"], h["long"], h["ivs"], h["ivl"], vol.price_sensitivity,
                      vol.iv_floor, settings.risk_free_rate, 0.0)  # fmt: skip
        pnl, day, reason = ref.exits(
            v, own, rules.profit_target_pct, rules.loss_multiple, rules.dte_threshold
        )
        # every exit reason happens on these paths, so each fill is exercised
        assert np.count_nonzero(reason == ref.DTE) > 0 and np.count_nonzero(reason == ref.PROFIT) > 0
        _check_against_reference(cand.metrics, pnl, day, reason)


def test_model_screening_fills_and_exits_match_the_reference(calibration) -> None:  # type: ignore[no-untyped-def]
    settings = SimulationSettings(n_paths=300, seed=4, dividend_yield=0.01)
    fills = FillModel(half_spread=0.03, commission=0.65)
    rules = ExitRules(profit_target_pct=0.4, loss_multiple=1.5, dte_threshold=3)
    res = evaluate(calibration, deltas=(0.25,), widths=(3.0,), expiration_days=20, rules=rules, min_pop=0.0,
                   settings=settings, fills=fills)  # fmt: skip
    assert len(res.candidates) == 2
    s0 = calibration.current.tlt_price
    rel = _rel_paths(calibration, settings, 20)
    vol = calibration.volatility
    for cand in res.candidates:
        sp = cand.spread
        T = 20 / 252
        mid_s = ref.bsm(sp.kind, s0, sp.short_strike, T, 0.05, 0.01, sp.short_iv)
        mid_l = ref.bsm(sp.kind, s0, sp.long_strike, T, 0.05, 0.01, sp.long_iv)
        # credit = (mid_s - 0.03) - (mid_l + 0.03); entry 2 x 0.0065; exit 0.03 + 0.03 + 0.013
        own = ref.entry_at_model(mid_s, mid_l, 0.03, 0.03, 0.65, 100)
        assert cand.terms.credit == pytest.approx(mid_s - mid_l - 0.06, rel=0, abs=1e-12)
        assert cand.terms.credit == pytest.approx(own.credit, rel=0, abs=1e-12)
        assert cand.terms.exit_cost == pytest.approx(0.073, abs=1e-15)
        assert cand.max_loss == pytest.approx(3.0 - (own.credit - 0.013) + 0.073, rel=0, abs=1e-12)
        v = ref.marks(rel, sp.kind, s0, sp.short_strike, sp.long_strike, sp.short_iv, sp.long_iv,
                      vol.price_sensitivity, vol.iv_floor, 0.05, 0.01)  # fmt: skip
        pnl, day, reason = ref.exits(v, own, 0.4, 1.5, 3)
        _check_against_reference(cand.metrics, pnl, day, reason)


def test_reference_black_scholes_against_put_call_parity_and_a_textbook_value() -> None:
    # Hull's worked example (Options, Futures, and Other Derivatives, "the Black-Scholes-Merton
    # pricing formulas"): S = 42, K = 40, r = 10%, sigma = 20%, T = 0.5 -> c = 4.76, p = 0.81
    assert ref.bsm("call", 42.0, 40.0, 0.5, 0.10, 0.0, 0.20) == pytest.approx(4.76, abs=5e-3)
    assert ref.bsm("put", 42.0, 40.0, 0.5, 0.10, 0.0, 0.20) == pytest.approx(0.81, abs=5e-3)
    # parity with a dividend yield: c - p = S e^{-qT} - K e^{-rT}
    c = ref.bsm("call", 91.5, 89.0, 0.2, 0.045, 0.01, 0.16)
    p = ref.bsm("put", 91.5, 89.0, 0.2, 0.045, 0.01, 0.16)
    assert c - p == pytest.approx(91.5 * math.exp(-0.01 * 0.2) - 89.0 * math.exp(-0.045 * 0.2), abs=1e-12)
