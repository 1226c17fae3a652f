"""The marking kernel against the benchmark's independent numpy + scipy ``ndtr`` reference.

The reference (``benchmarks/hedging.py``) reprices every leg of every program every day with
``scipy.special.ndtr``, one program at a time, and solves zero-cost collar calls by an 80-step
bisection; the kernel values each distinct option once per path and day with the pricing
package's Black pass and solves collar calls by Newton's method. Same paths, same programs
(the benchmark's 50: puts, spreads, ratio spreads, fixed and zero-cost collars, VIX calls,
notional and budget sized): every statistic the kernel returns (final NAV, 1-year return,
deepest drawdown, time under water, worst month, premium, proceeds and the unhedged ones,
which the reference follows day by day with numpy) agrees to 1e-10.
"""

from __future__ import annotations

import numpy as np

from benchmarks.hedging import programs, reference
from tailkit.hedging import mark_programs, simulate_market
from tailkit.hedging.marking import STAT_NAMES


def test_kernel_matches_the_numpy_ndtr_reference_on_the_benchmark_programs():
    market = simulate_market("gjr_garch", n_paths=40, n_steps=130, seed=11)
    progs = programs()
    out = mark_programs(market, progs)
    ref = reference(market, progs)
    for k, name in enumerate(STAT_NAMES):
        np.testing.assert_allclose(out.stat(name), ref[:, :, k], rtol=0, atol=1e-10, err_msg=name)
    # the comparison has teeth: the programs differ from each other, every put program pays
    # premium, and drawdowns, months and time under water are not all zero
    assert np.ptp(ref[:, :, 0].mean(axis=1)) > 1e-3
    assert ref[:18, :, STAT_NAMES.index("premium")].min() > 1e-4
    for name in ("max_drawdown", "time_under_water", "proceeds", "base_max_drawdown"):
        assert ref[:, :, STAT_NAMES.index(name)].max() > 1e-3, name
    assert ref[:, :, STAT_NAMES.index("worst_month")].min() < -1e-3
    # the benchmark's shorter reference (final NAV and premium only) computes those two the same way
    short = reference(market, progs, statistics=False)
    for name in ("final_nav", "premium"):
        k = STAT_NAMES.index(name)
        np.testing.assert_array_equal(short[:, :, k], ref[:, :, k])


def test_kernel_matches_the_reference_with_levered_and_partial_equity_weights():
    market = simulate_market("merton", n_paths=24, n_steps=90, seed=4)
    progs = programs()[::5]
    weights = np.linspace(0.6, 1.8, len(progs))
    out = mark_programs(market, progs, weights=weights)
    ref = reference(market, progs, weights=weights)
    for k, name in enumerate(STAT_NAMES):
        np.testing.assert_allclose(out.stat(name), ref[:, :, k], rtol=0, atol=1e-10, err_msg=name)


def test_unhedged_statistics_follow_each_programs_equity_weight():
    """Programs sharing a weight share one unhedged computation; every one gets its own weight's."""
    market = simulate_market("gbm", n_paths=16, n_steps=60, seed=8)
    progs = programs()[:6]
    weights = np.array([1.0, 0.5, 1.0, 1.5, 0.5, 1.0])
    out = mark_programs(market, progs, weights=weights)
    s = market.spot
    growth = np.exp(market.rate * market.dt * (market.n_t - 1))
    expected = weights[:, None] * s[None, :, -1] / s[None, :, 0] + (1 - weights[:, None]) * growth
    np.testing.assert_allclose(out.stat("base_final_nav"), expected, rtol=1e-13)
    base = weights[:, None, None] * s[None] / s[None, :, :1] + (1 - weights[:, None, None]) * np.exp(
        market.rate * market.dt * np.arange(market.n_t)
    )
    peak = np.maximum.accumulate(np.maximum(base, 1.0), axis=2)
    np.testing.assert_allclose(out.stat("base_max_drawdown"), np.max(1 - base / peak, axis=2), atol=1e-13)


def test_vectorised_black_pass_agrees_with_black_core():
    """``black_block`` (the hedging kernel's Black pass) against the scalar one Black formula."""
    from tailkit.pricing._kernels import black_block_python, black_core

    rng = np.random.default_rng(2)
    n = 500
    fd = 100 * np.exp(rng.normal(0, 0.3, n))
    kd = 100 * np.exp(rng.normal(0, 0.3, n))
    sd = rng.uniform(0.005, 1.5, n)
    x = np.log(fd / kd)
    for sign in (1.0, -1.0):
        res = np.empty((1, n))
        black_block_python(sign, np.stack([fd, kd, x, sd]), n, res, 0)
        out = res[0]
        ref = np.array([max(black_core(sign, fd[i], kd[i], x[i], sd[i])[0], 0.0) for i in range(n)])
        np.testing.assert_allclose(out, ref, rtol=1e-13, atol=1e-13)


def test_the_marking_state_starts_on_cache_lines_and_holds_its_initial_value():
    from tailkit.hedging import _kernels as K

    for lines in (K._lines, K._lines_python):
        for n in (1, 7, 128, 50 * 128):
            a = lines(n, 1.5)
            assert a.shape == (n,) and a.ctypes.data % 64 == 0
            assert np.all(a == 1.5)


def test_blocks_of_paths_are_whole_vectors_shared_equally_and_do_not_change_a_number(monkeypatch):
    from tailkit.hedging import _kernels as K

    assert K.path_blocks(10_000, 2) == 80  # 5,008 and 4,992 paths per thread
    assert K.path_blocks(10_000, 1) == 79
    assert K.path_blocks(20, 2) == 2 and K.path_blocks(5, 2) == 1 and K.path_blocks(1, 8) == 1
    market = simulate_market("gjr_garch", n_paths=70, n_steps=60, seed=3)
    progs = programs()[::7]
    want = mark_programs(market, progs, record_paths=70, record_legs=True)
    for n_blocks in (1, 3, 5, 6):  # 6: more blocks than 16-path vectors, one left empty
        monkeypatch.setattr(K, "path_blocks", lambda n, w, nb=n_blocks: nb)
        got = mark_programs(market, progs, record_paths=70, record_legs=True)
        np.testing.assert_array_equal(got.stats, want.stats)
        np.testing.assert_array_equal(got.nav, want.nav)
        np.testing.assert_array_equal(got.leg_qty, want.leg_qty)
        np.testing.assert_array_equal(got.leg_strike, want.leg_strike)


def test_tiles_of_days_do_not_change_a_number(monkeypatch):
    # the daily loop values the distinct options for a tile of days, then marks each program over
    # them: with 1 day a tile it is the day-by-day loop. Short rolls (a 1-month put rolled after
    # 2 days, a VIX call with notional sizing) make options close and reopen inside one tile.
    from tailkit.hedging import ProtectivePut, VixCall
    from tailkit.hedging import _kernels as K

    market = simulate_market("merton", n_paths=40, n_steps=70, seed=11)
    progs = [
        *programs()[::5],
        ProtectivePut(moneyness=0.95, tenor_months=1.0, roll_months=0.9),
        VixCall(moneyness=1.2, tenor_months=1.0, roll_months=0.9, sizing="notional", hedge_ratio=0.3),
    ]
    weights = np.where(np.arange(len(progs)) % 2 == 0, 1.0, 0.6)  # shared unhedged portfolios
    monkeypatch.setattr(K, "TILE_DAYS", 1)
    want = mark_programs(market, progs, weights=weights, record_paths=40, record_legs=True)
    for tile in (2, 3, 8, 21, 71, 500):  # 71, 500: the whole path in one tile
        monkeypatch.setattr(K, "TILE_DAYS", tile)
        got = mark_programs(market, progs, weights=weights, record_paths=40, record_legs=True)
        for name in ("stats", "nav", "leg_qty", "leg_strike", "leg_expiry"):
            np.testing.assert_array_equal(
                getattr(got, name), getattr(want, name), err_msg=f"{name}, tile {tile}"
            )
