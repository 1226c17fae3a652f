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
from tailkit.overlay.metrics import cvar_tail_size


def test_metrics_by_hand() -> None:
    pnl = np.array([0.5, 0.5, 0.5, -1.0, 0.25, -0.5, 0.5, 0.5, 0.5, 0.5])
    days = np.arange(10) + 1
    reasons = np.array([0, 0, 0, 1, 2, 1, 0, 0, 0, 3])
    m = strategy_metrics(pnl, days, reasons)
    # hand: 8 wins summing 3.75, 2 losses summing -1.5
    assert m.pop == 0.8
    assert m.expected_pnl == pytest.approx(0.225)
    assert m.cvar_95 == -1.0  # tail 0.5 paths: half the worst path over 0.5 = the worst path
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
    assert cvar_tail_size(200) == 10.0
    assert m.cvar_95 == pytest.approx(np.mean(np.arange(1, 11) - 50.0))


def test_cvar_weights_the_last_path_fractionally() -> None:
    # Acerbi-Tasche (2002, eq. 3.3): 30 paths at 95% -> tail 1.5 paths: the worst path with
    # weight 1 and the second worst with weight 0.5, over 1.5
    pnl = np.arange(30, dtype=float) - 3.0  # worst -3, then -2
    m = strategy_metrics(pnl, np.ones(30, int), np.zeros(30, int))
    assert cvar_tail_size(30) == pytest.approx(1.5)
    assert m.cvar_95 == pytest.approx((-3.0 + 0.5 * -2.0) / 1.5, abs=1e-15)


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


def _acerbi_tasche_cvar(pnl: np.ndarray, tail: float) -> float:
    # sort-based reference, written plainly: the floor(tail) worst P&Ls, the next one weighted
    # by the fractional part, over tail (signed P&L)
    x = np.sort(pnl)
    m = int(np.floor(tail))
    return float((x[:m].sum() + (tail - m) * (x[m] if tail > m else 0.0)) / tail)


@pytest.mark.parametrize(
    ("n", "tail"), [(1, 0.05), (10, 3.0), (1000, 50.0), (5000, 250.0), (4999, 249.95), (3001, 150.05)]
)
def test_cvar_kernel_and_twin_match_sort(n: int, tail: float) -> None:
    rng = np.random.default_rng(1)
    x = np.round(rng.normal(size=n), 1)  # many ties
    expect = _acerbi_tasche_cvar(x, tail)
    for fn in (K.cvar_tail_mean, K.cvar_tail_mean_python):
        y = x.copy()
        assert fn(y, tail, np.empty(n)) == pytest.approx(expect, abs=1e-12)
        np.testing.assert_array_equal(y, x)  # the P&L buffer is left unchanged


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
