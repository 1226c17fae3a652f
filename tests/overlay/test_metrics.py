"""Metrics against hand computations; Kelly against the closed form; sizing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tailkit.overlay import (
    SizingRules,
    kelly_contracts,
    kelly_fraction,
    paired_difference,
    strategy_metrics,
)
from tailkit.overlay import _kernels as K
from tailkit.overlay.metrics import cvar_count


def test_metrics_by_hand() -> None:
    pnl = np.array([0.5, 0.5, 0.5, -1.0, 0.25, -0.5, 0.5, 0.5, 0.5, 0.5])
    days = np.arange(10) + 1
    reasons = np.array([0, 0, 0, 1, 2, 1, 0, 0, 0, 3])
    m = strategy_metrics(pnl, days, reasons)
    # hand: 8 wins summing 3.75, 2 losses summing -1.5
    assert m.pop == 0.8
    assert m.expected_pnl == pytest.approx(0.225)
    assert m.cvar_95 == -1.0  # ceil(5% of 10) = 1 worst path
    assert m.profit_factor == pytest.approx(3.75 / 1.5)
    assert m.win_loss_ratio == pytest.approx((3.75 / 8) / 0.75)
    b = (3.75 / 8) / 0.75
    assert m.kelly == pytest.approx((0.8 * b - 0.2) / b)
    assert m.sortino == pytest.approx(0.225 / math.sqrt((1.0 + 0.25) / 10))
    assert m.avg_days_held == 5.5
    assert (m.exit_profit_target, m.exit_loss_limit, m.exit_dte_threshold, m.exit_expiration) == (
        0.6,
        0.2,
        0.1,
        0.1,
    )
    assert m.se_expected_pnl == pytest.approx(np.std(pnl, ddof=1) / math.sqrt(10))
    assert m.se_pop == pytest.approx(math.sqrt(0.8 * 0.2 / 10))
    assert m.risk_adjusted_return == pytest.approx(0.225)


def test_cvar_is_the_mean_of_the_worst_five_percent() -> None:
    pnl = np.arange(1, 201, dtype=float) - 50.0  # 200 paths -> worst 10
    m = strategy_metrics(pnl, np.ones(200, int), np.zeros(200, int))
    assert cvar_count(200) == 10
    assert m.cvar_95 == pytest.approx(np.mean(np.arange(1, 11) - 50.0))


def test_no_losses_and_no_wins() -> None:
    m = strategy_metrics(np.array([0.1, 0.2]), np.array([1, 2]), np.array([0, 0]))
    assert math.isinf(m.profit_factor) and m.kelly == 1.0
    m = strategy_metrics(np.array([-0.1, -0.2]), np.array([1, 2]), np.array([1, 1]))
    assert m.pop == 0.0 and m.kelly == -math.inf


@pytest.mark.parametrize(("p", "b"), [(0.6, 1.0), (0.8, 0.3), (0.5, 2.0), (0.3, 1.0)])
def test_kelly_closed_form(p: float, b: float) -> None:
    # Kelly (1956): f* = p - q / b; it maximizes E[log(1 + f X)] for X = +b w.p. p, -1 w.p. q
    f = kelly_fraction(p, b)
    assert f == pytest.approx(p - (1 - p) / b)
    if f > 0:
        grid = np.linspace(0, 0.99, 9901)
        growth = p * np.log1p(grid * b) + (1 - p) * np.log1p(-grid)
        assert grid[np.argmax(growth)] == pytest.approx(f, abs=1e-4)


def test_selection_kernel_and_twin_match_sort() -> None:
    rng = np.random.default_rng(1)
    for n, k in [(1, 1), (10, 3), (1000, 50), (5000, 250)]:
        x = np.round(rng.normal(size=n), 1)  # many ties
        expect = np.sort(x)[:k].mean()
        assert K.tail_mean(x.copy(), k) == pytest.approx(expect, abs=1e-12)
        assert K.tail_mean_python(x.copy(), k) == pytest.approx(expect, abs=1e-12)
        y = x.copy()
        assert K.select_kth(y, k - 1) == np.sort(x)[k - 1]
        assert np.all(y[: k - 1] <= y[k - 1]) and np.all(y[k:] >= y[k - 1])


def test_paired_difference_uses_common_paths() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=4000)
    d = paired_difference(base + 0.01, base)
    assert d.mean_difference == pytest.approx(0.01) and d.standard_error < 1e-12 and not d.indistinguishable
    d = paired_difference(base + rng.normal(0, 1.0, 4000) * 0.01, base)
    assert d.indistinguishable


def test_kelly_contracts() -> None:
    # quarter Kelly of 0.06 = 1.5% of NAV at max loss 2.5/share -> 0.015e6 / 250 = 60 contracts
    s = kelly_contracts(0.06, 2.5, 1_000_000)
    assert (s.contracts, s.capped) == (60, False) and s.capital_at_risk == 15_000
    s = kelly_contracts(0.5, 2.5, 10_000_000, SizingRules(max_nav_at_risk=0.01))
    assert (s.contracts, s.capped) == (400, True)
    assert kelly_contracts(-0.2, 2.5, 1e6).contracts == 0
    assert kelly_contracts(float("-inf"), 2.5, 1e6).contracts == 0
