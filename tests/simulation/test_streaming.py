"""Chunked studies reproduce unchunked paths exactly; reducers; analytics."""

from __future__ import annotations

from functools import partial

import numba
import numpy as np
import pandas as pd
import pytest

from tailkit.errors import ParameterError
from tailkit.simulation import (
    DrawdownReducer,
    GBMParams,
    GJRGARCHParams,
    HorizonReturnReducer,
    JumpParams,
    RegimeParams,
    drawdown_stats,
    iter_chunks,
    path_summary,
    run_streaming,
    simulate_gbm,
    simulate_gjr_garch,
    simulate_regimes,
    stylized_facts,
    stylized_facts_table,
)

JUMPS = JumpParams(market_intensity=5.0, market_mean=(-0.05,), market_vol=(0.03,), idio_intensity=(3.0,))
SIMULATORS = {
    "gbm": partial(simulate_gbm, GBMParams(), n_steps=20, jumps=JUMPS),
    "regimes": partial(simulate_regimes, RegimeParams(), n_steps=20),
    "garch": partial(simulate_gjr_garch, GJRGARCHParams(), n_steps=20, jumps=JUMPS),
}


@pytest.mark.parametrize("name", sorted(SIMULATORS))
@pytest.mark.parametrize("chunk", [1, 333, 1024, 1500, 5000])
def test_identical_paths_whatever_the_chunk_size(name: str, chunk: int) -> None:
    sim = SIMULATORS[name]
    n = 2600 if chunk > 1 else 40
    full = sim(n_paths=n, seed=123)
    parts = list(iter_chunks(sim, n_paths=n, chunk_paths=chunk, seed=123))
    np.testing.assert_array_equal(np.concatenate([p.values for p in parts]), full.values)
    if full.regimes is not None:
        np.testing.assert_array_equal(np.concatenate([p.regimes for p in parts]), full.regimes)
    assert [p.first_path for p in parts] == list(range(0, n, chunk))


def test_seed_matters_and_is_reproducible() -> None:
    sim = SIMULATORS["gbm"]
    a, b, c = sim(n_paths=50, seed=1), sim(n_paths=50, seed=1), sim(n_paths=50, seed=2)
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)
    # a Generator is reproducible from its state and advances, like numpy's own functions
    g, h = np.random.default_rng(7), np.random.default_rng(7)
    first = sim(n_paths=5, seed=g).values
    np.testing.assert_array_equal(first, sim(n_paths=5, seed=h).values)
    assert not np.array_equal(first, sim(n_paths=5, seed=g).values)


def test_streaming_reducers_match_in_memory_statistics() -> None:
    params = GBMParams(mu=(0.05, 0.02), sigma=(0.2, 0.3), correlation=((1, 0.4), (0.4, 1)))
    sim = partial(simulate_gbm, params, n_steps=60)
    dd = DrawdownReducer(n_assets=2, n_bins=1000)
    hr = HorizonReturnReducer()
    summary = run_streaming(sim, [dd, hr], n_paths=5000, chunk_paths=1200, seed=9)
    assert summary.n_chunks == 5 and summary.chunk_bytes == 1200 * 61 * 2 * 8
    full = sim(n_paths=5000, seed=9)
    exact = drawdown_stats(full)
    res = dd.result()
    assert res.n_paths == 5000
    np.testing.assert_allclose(res.mean, exact.max_drawdown.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(res.mean_time_under_water, exact.time_under_water.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(res.prob_exceeds(0.2), exact.prob_exceeds(0.2))
    q = np.quantile(exact.max_drawdown, 0.95, axis=0)
    assert np.all(np.abs(res.quantile(0.95) - q) <= 1e-3 + 1e-9)  # one bin
    gross = full.terminal() / full.values[:, 0]
    np.testing.assert_allclose(hr.result(), gross.mean(axis=1) - 1.0)
    assert set(res.to_frame().columns) >= {"mdd_mean", "mdd_p99", "p_dd_gt_0.3"}
    with pytest.raises(ParameterError, match="chunk_paths"):
        run_streaming(sim, [dd], n_paths=10, chunk_paths=0, seed=1)


def test_drawdown_on_hand_built_path() -> None:
    vals = np.array([100, 120, 90, 60, 130, 117], dtype=float)[None, :, None]
    dd = drawdown_stats(vals)
    assert dd.max_drawdown[0, 0] == pytest.approx(0.5)  # 120 -> 60
    assert dd.time_under_water[0, 0] == pytest.approx(3 / 5)


def test_path_summary_horizon_var_es_against_sorted_reference() -> None:
    # independent reference, written plainly (Acerbi and Tasche 2002, eq. 3.3): 210 paths at 95%
    # -> a tail of 10.5 paths; VaR = the 11th largest horizon loss, ES = (10 largest + half the
    # 11th) / 10.5
    g = simulate_gbm(GBMParams(mu=(0.05, 0.0), sigma=(0.2, 0.35), correlation=((1, 0.3), (0.3, 1))),
                     n_paths=210, n_steps=21, seed=11)  # fmt: skip
    table = path_summary(g, level=0.95).to_frame()
    for a, name in enumerate(g.names):
        worst = np.sort(-(g.values[:, -1, a] / g.values[:, 0, a] - 1.0))[::-1]
        assert table.loc[name, "horizon_var"] == worst[10]
        assert table.loc[name, "horizon_es"] == pytest.approx(
            (worst[:10].sum() + 0.5 * worst[10]) / 10.5, rel=1e-13
        )
    # 200 paths: an integer tail of 10; VaR is the 10th largest loss, ES the mean of the 10
    g = simulate_gbm(GBMParams(), n_paths=200, n_steps=21, seed=12)
    row = path_summary(g, level=0.95).to_frame().iloc[0]
    worst = np.sort(-(g.values[:, -1, 0] / g.values[:, 0, 0] - 1.0))[::-1]
    assert row["horizon_var"] == worst[9]
    assert row["horizon_es"] == pytest.approx(worst[:10].mean(), rel=1e-13)


def test_path_summary_and_stylized_facts() -> None:
    g = simulate_gjr_garch(GJRGARCHParams(), n_paths=200, n_steps=252, seed=3)
    table = path_summary(g).to_frame()
    assert {"mdd_mean", "horizon_var", "horizon_es", "crashes_per_year", "p_dd_gt_0.2"} <= set(table.columns)
    assert (table["horizon_es"] >= table["horizon_var"]).all()
    facts = stylized_facts(g)
    assert facts["acf_abs_r"] > 0.02  # volatility clustering
    assert facts["excess_kurtosis"] > 0.5  # fat tails (t shocks + GARCH)
    hist = pd.DataFrame(np.random.default_rng(1).standard_t(4, size=(1000, 2)) * 0.01, columns=["a", "b"])
    gbm = simulate_gbm(GBMParams(mu=(0.0, 0.0), sigma=(0.2, 0.2), correlation=((1, 0.5), (0.5, 1))),
                       n_paths=50, n_steps=100, seed=1)  # fmt: skip
    tab = stylized_facts_table(hist, {"gbm": gbm})
    assert list(tab.columns) == ["historical", "gbm"]
    assert abs(tab.loc["excess_kurtosis", "gbm"]) < 0.3
    assert tab.loc["crash_comovement", "gbm"] > 0.05


def test_same_paths_whatever_the_thread_count() -> None:
    sim = SIMULATORS["garch"]
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = sim(n_paths=3000, seed=5).values
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = sim(n_paths=3000, seed=5).values
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, many)


def test_parallel_driver_twin_agrees() -> None:
    from tailkit.simulation import _kernels as K
    from tailkit.simulation._streams import plan_blocks

    plan = plan_blocks(3, 1000, 100)  # straddles two blocks
    args = (np.zeros(1), np.full(1, 1e-4), np.full((1, 1), 0.01), False, np.zeros((K.N_JUMP_ROWS, 1)))
    a, b = np.empty((100, 11, 1)), np.empty((100, 11, 1))
    K.gbm_paths(plan.gens, plan.skips, plan.counts, plan.starts, *args, a)
    plan = plan_blocks(3, 1000, 100)
    K.gbm_paths_python(plan.gens, plan.skips, plan.counts, plan.starts, *args, b)
    np.testing.assert_allclose(a, b, rtol=1e-13)
