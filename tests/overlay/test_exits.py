"""Exit rules on hand-built paths: each rule, ties, expiry settlement, gaps; reference vs kernel.

The exit grid (the fast path of exit optimization) is also checked against a plain-Python
reference that computes its own entry terms, marks and exits (:mod:`tests.overlay._reference`).
"""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.overlay import (
    EXIT_REASONS,
    CreditSpread,
    ExitGrid,
    ExitRules,
    FillModel,
    SimulationSettings,
    apply_exit_rules,
    evaluate_exit_grid,
    exit_signal,
    simulate_overlay,
)
from tailkit.overlay import _kernels as K

from . import _reference as ref

CREDIT = 1.0


def kernel_exits(values: np.ndarray, rules: ExitRules, entry_cost: float = 0.0, exit_cost: float = 0.0):  # type: ignore[no-untyped-def]
    """Exits through the fast path's combination kernel, crossings built from the hand-built marks."""
    n_paths, m = values.shape
    n = m - 1
    never = n + 1
    max_profit = CREDIT - entry_cost
    p_level = max_profit * (1 - rules.profit_target_pct) - exit_cost
    l_level = rules.loss_multiple * CREDIT
    fp = np.full((1, n_paths), never, dtype=np.int64)
    fl = np.full((1, n_paths), never, dtype=np.int64)
    vp = np.full((1, n_paths), np.nan)
    vl = np.full((1, n_paths), np.nan)
    for p in range(n_paths):
        for t in range(1, n):
            if fp[0, p] == never and values[p, t] <= p_level:
                fp[0, p], vp[0, p] = t, values[p, t]
            if fl[0, p] == never and values[p, t] >= l_level:
                fl[0, p], vl[0, p] = t, values[p, t]
    dday = n - rules.dte_threshold if rules.dte_threshold else n
    vd = values[:, dday][None, :].copy()
    out = (np.empty(n_paths), np.empty(n_paths, np.int64), np.empty(n_paths, np.int64))
    K.combo_exits(fp, vp, fl, vl, vd, 0, 0, 0, dday, n, max_profit, exit_cost, *out)
    twin = (np.empty(n_paths), np.empty(n_paths, np.int64), np.empty(n_paths, np.int64))
    K.combo_exits_python(fp, vp, fl, vl, vd, 0, 0, 0, dday, n, max_profit, exit_cost, *twin)
    for a, b in zip(out, twin):
        np.testing.assert_array_equal(a, b)
    return out


def check(values: list[list[float]], rules: ExitRules, day: list[int], reason: list[str], pnl: list[float],
          **costs: float) -> None:  # fmt: skip
    v = np.asarray(values, dtype=np.float64)
    ref = apply_exit_rules(v, CREDIT, rules, **costs)
    np.testing.assert_array_equal(ref.exit_day, day)
    assert [EXIT_REASONS[r] for r in ref.reason] == reason
    np.testing.assert_allclose(ref.pnl, pnl, rtol=0, atol=1e-15)
    k_pnl, k_day, k_reason = kernel_exits(v, rules, **costs)
    np.testing.assert_array_equal(k_day, day)
    np.testing.assert_array_equal(k_reason, ref.reason)
    np.testing.assert_allclose(k_pnl, pnl, rtol=0, atol=1e-15)


RULES = ExitRules(profit_target_pct=0.5, loss_multiple=2.0, dte_threshold=2)


def test_profit_target() -> None:
    # P&L = 1 - 0.45 = 0.55 >= 50% of max profit on day 2
    check([[1.0, 0.8, 0.45, 0.3, 0.2, 0.0, 0.0]], RULES, [2], ["profit_target"], [0.55])


def test_loss_limit() -> None:
    check([[1.0, 1.5, 2.0, 2.5, 2.5, 2.5, 3.0]], RULES, [2], ["loss_limit"], [-1.0])


def test_dte_threshold() -> None:
    # 6 days to expiry, DTE threshold 2 -> close on day 4 at its mark
    check([[1.0, 0.9, 0.8, 0.7, 0.6, 0.55, 0.52]], RULES, [4], ["dte_threshold"], [0.4])


def test_expiration_settles_at_intrinsic_without_closing_cost() -> None:
    rules = ExitRules(profit_target_pct=0.9, loss_multiple=3.0, dte_threshold=0)
    check([[1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.25]], rules, [6], ["expiration"], [0.75 - 0.01], entry_cost=0.01,
          exit_cost=0.05)  # fmt: skip


def test_tie_on_the_dte_day_goes_to_the_price_rule() -> None:
    # day 4 is both the DTE day and the first profit crossing: labelled profit_target (priority)
    check([[1.0, 0.9, 0.8, 0.7, 0.4, 0.3, 0.2]], RULES, [4], ["profit_target"], [0.6])
    check([[1.0, 1.1, 1.2, 1.3, 2.2, 2.3, 2.5]], RULES, [4], ["loss_limit"], [-1.2])


def test_gap_through_both_thresholds_exits_at_the_gapped_mark() -> None:
    # from far below the profit level to far above the loss limit overnight: the loss is
    # the gapped mark (2.9), not the limit (2.0); the profit level was never seen at a mark
    check([[1.0, 0.6, 2.9, 0.1, 0.1, 0.1, 0.0]], RULES, [2], ["loss_limit"], [-1.9])


def test_costs_move_the_profit_level() -> None:
    # with entry cost 0.1 and exit cost 0.05: max profit 0.9, level 0.9*0.5 - 0.05 = 0.40
    check([[1.0, 0.42, 0.40, 0.1, 0.1, 0.1, 0.0]], RULES, [2], ["profit_target"], [0.45], entry_cost=0.1,
          exit_cost=0.05)  # fmt: skip


def test_many_paths_at_once() -> None:
    rng = np.random.default_rng(7)
    v = np.abs(1.0 + np.cumsum(rng.normal(0, 0.3, (500, 21)), axis=1))
    v[:, 0] = 1.0
    for rules in (RULES, ExitRules(profit_target_pct=0.3, loss_multiple=1.5, dte_threshold=0)):
        ref = apply_exit_rules(v, CREDIT, rules, entry_cost=0.013, exit_cost=0.053)
        k = kernel_exits(v, rules, entry_cost=0.013, exit_cost=0.053)
        np.testing.assert_array_equal(k[1], ref.exit_day)
        np.testing.assert_array_equal(k[2], ref.reason)
        np.testing.assert_allclose(k[0], ref.pnl, rtol=0, atol=1e-14)


def test_exit_signal_each_rule_and_priority() -> None:
    rules = ExitRules(profit_target_pct=0.5, loss_multiple=2.0, dte_threshold=7)
    assert exit_signal(1.0, 0.5, 20, rules).reason == "profit_target"
    assert exit_signal(1.0, 0.51, 20, rules) is None
    assert exit_signal(1.0, 2.0, 20, rules).reason == "loss_limit"
    assert exit_signal(1.0, 0.8, 7, rules).reason == "dte_threshold"
    assert exit_signal(1.0, 2.5, 7, rules).reason == "loss_limit"  # loss beats DTE on the same day
    assert exit_signal(1.0, 0.3, 5, rules).reason == "profit_target"  # profit beats DTE
    sig = exit_signal(1.0, 0.25, 0, rules)
    assert sig is not None and sig.reason == "expiration" and sig.pnl == pytest.approx(0.75)
    # closing costs count against the profit target
    assert exit_signal(1.0, 0.5, 20, rules, exit_cost=0.02) is None
    assert "2 x credit" in exit_signal(1.0, 2.1, 20, rules).message


@pytest.mark.parametrize(
    ("field", "value"), [("profit_target_pct", 0.0), ("profit_target_pct", 1.5), ("loss_multiple", 0.5),
                         ("dte_threshold", -1)],
)  # fmt: skip
def test_rules_are_validated(field: str, value: float) -> None:
    with pytest.raises(ParameterError, match=field):
        ExitRules(**{field: value})


def test_bad_signal_inputs() -> None:
    with pytest.raises(ParameterError, match="credit"):
        exit_signal(0.0, 0.5, 10, ExitRules())
    with pytest.raises(ParameterError, match="current_value"):
        exit_signal(1.0, float("nan"), 10, ExitRules())
    with pytest.raises(ParameterError, match="dte_threshold"):
        apply_exit_rules(np.ones((2, 5)), 1.0, ExitRules(dte_threshold=4))


@pytest.mark.parametrize(
    ("kind", "ks", "kl", "halves"),
    [("put", 139.0, 136.0, (None, None)), ("call", 146.0, 148.0, (0.04, 0.01))],
)
def test_exit_grid_equals_a_reference_with_its_own_entry_terms(calibration, kind, ks, kl, halves) -> None:  # type: ignore[no-untyped-def]
    # entry at model IV, each leg a half-spread from its Black-Scholes mid:
    #   put:  half-spreads 0.03 (fill model) on both legs -> credit = mid - 0.03 - 0.03
    #   call: quoted half-spreads 0.04 (short) and 0.01 (long) -> credit = mid - 0.04 - 0.01
    # commissions 0.65 / 100 = 0.0065 per share per leg: entry 0.013, exit = both halves + 0.013
    settings = SimulationSettings(
        n_paths=400, seed=13, residual_noise=True, risk_free_rate=0.04, dividend_yield=0.01
    )
    fills = FillModel(half_spread=0.03, commission=0.65)
    spread = CreditSpread(kind=kind, short_strike=ks, long_strike=kl, expiration_days=25, short_iv=0.11, long_iv=0.12,
                          short_half_spread=halves[0], long_half_spread=halves[1])  # fmt: skip
    grid = ExitGrid(profit_targets=(0.3, 0.6), loss_multiples=(1.5, 2.5), dte_thresholds=(0, 5))
    res = evaluate_exit_grid(calibration, spread, grid, settings=settings, fills=fills)

    s0 = calibration.current.tlt_price
    hs, hl = (0.03, 0.03) if halves[0] is None else halves
    T = 25 / 252
    mid_s = ref.bsm(kind, s0, ks, T, 0.04, 0.01, 0.11)
    mid_l = ref.bsm(kind, s0, kl, T, 0.04, 0.01, 0.12)
    own = ref.entry_at_model(mid_s, mid_l, hs, hl, 0.65, 100)
    assert own.exit_cost == pytest.approx(hs + hl + 0.013, abs=1e-15)
    t = res.marked.terms
    assert t.credit == pytest.approx(own.credit, rel=0, abs=1e-12)
    assert (t.entry_cost, t.exit_cost) == pytest.approx((own.entry_cost, own.exit_cost), rel=0, abs=1e-15)

    tlt = simulate_overlay(calibration, 25, settings=settings).tlt
    vol = calibration.volatility
    values = ref.marks(np.log(tlt / tlt[:, :1]), kind, s0, ks, kl, 0.11, 0.12, vol.price_sensitivity, vol.iv_floor,
                       0.04, 0.01)  # fmt: skip
    priced = np.isfinite(res.marked.values)
    np.testing.assert_allclose(res.marked.values[priced], values[priced], rtol=0, atol=1e-12)
    seen = set()
    for i, rules in enumerate(res.rules):
        pnl, day, reason = ref.exits(
            values, own, rules.profit_target_pct, rules.loss_multiple, rules.dte_threshold
        )
        seen.update(reason.tolist())
        out = res.marked.outcome(rules)
        np.testing.assert_array_equal(out.exit_day, day)
        np.testing.assert_array_equal(out.reason, reason)
        np.testing.assert_allclose(out.pnl, pnl, rtol=0, atol=1e-12)
        m = res.metrics(i)
        assert m.expected_pnl == pytest.approx(float(pnl.mean()), rel=0, abs=1e-12)
        assert m.pop == np.count_nonzero(pnl > 0) / pnl.size
        assert m.avg_days_held == pytest.approx(float(day.mean()), rel=0, abs=1e-12)
    assert seen == {ref.PROFIT, ref.LOSS, ref.DTE, ref.EXPIRY}  # every fill is exercised
