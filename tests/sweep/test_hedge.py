"""The hedge sweep: kernel twins, an independent numpy reference, bounded scores, the deflated
Sharpe ratio against Bailey & López de Prado's worked example, and the validation helpers."""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tailkit.data.stocks import load
from tailkit.errors import ParameterError
from tailkit.sweep import _kernels as K
from tailkit.sweep.hedge import METRICS, HedgeGrid, evaluate_hedge_grid, hedge_market, hedge_metrics_chunk
from tailkit.sweep.kernel import config_grid, sweep_configurations
from tailkit.sweep.scoring import Targets, score_metrics, target_report
from tailkit.sweep.validation import (
    best_index,
    cost_reality_check,
    daily_returns,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    neighbour_stability,
    sensitivity,
    split_validation,
    walk_forward,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.sweep import reference_metrics, reference_protective_values  # noqa: E402

# impact 1e-9/$: a $1M book pays 0.1% to trade its whole capital at once (1e-7 would be 10%)
SMALL = HedgeGrid(
    rebalance_days=(1.0, 5.0, 20.0), cost=(0.0, 0.0005), impact=(0.0, 1e-9), exposure=(0.5, 1.0)
)


@pytest.fixture(scope="module")
def aapl():
    return hedge_market(load()["AAPL"], ticker="AAPL")


def test_market_starts_after_the_volatility_window_and_rolls_puts(aapl):
    closes = load()["AAPL"].dropna()
    assert aapl.dates[0] == closes.index[21] and aapl.n_days == closes.size - 22
    rolls = np.flatnonzero(aapl.roll)
    assert rolls[0] == 0 and set(np.diff(rolls)) == {63}
    # an expiring put is worth its intrinsic value; in between, the put of the step carries on
    t = rolls[1]
    strike = 0.95 * aapl.spot[0]
    assert aapl.put_end[t] == pytest.approx(max(strike - aapl.spot[t], 0.0), abs=1e-12)
    assert np.array_equal(aapl.put_end[1:t], aapl.put_start[1:t])
    assert np.all((aapl.put_delta >= -1.0) & (aapl.put_delta <= 0.0))


@pytest.mark.parametrize("config", [(1, 0.0005, 1e-9, 1.0), (5, 0.0, 0.0, 0.5), (20, 0.001, 1e-8, 1.5)])
def test_kernel_matches_an_independent_numpy_reference(aapl, config):
    grid = HedgeGrid(
        rebalance_days=(float(config[0]),), cost=(config[1],), impact=(config[2],), exposure=(config[3],)
    )
    sweep = evaluate_hedge_grid(aapl, grid)
    assert sweep.metrics[0, K.M_RUINED] == 0.0
    values = reference_protective_values(aapl, *config)
    ref = reference_metrics(values, aapl.rate)
    got = dict(zip(METRICS, sweep.metrics[0]))
    for name, value in ref.items():
        assert got[name] == pytest.approx(value, rel=1e-10, abs=1e-12), name
    r = daily_returns(aapl, np.array(config, dtype=float))
    assert np.allclose(r, values[1:] / values[:-1] - 1.0, rtol=1e-12, atol=1e-15)


def test_python_and_jitted_kernels_agree(aapl):
    market = aapl.slice_days(0, 300)
    configs = SMALL.configs()
    data = dict(
        family=0, spot=market.spot, put_end=market.put_end, put_start=market.put_start,
        put_delta=market.put_delta, roll=market.roll, sigma_hat=market.sigma_hat, steps_per_day=1,
        growth=math.exp(0.02 / 252), capital=1e6, target_vol=0.15, max_leverage=3.0,
    )  # fmt: skip
    for family in (0, 1):
        data["family"] = family
        jitted = hedge_metrics_chunk(configs, **data)
        plain = np.empty_like(jitted)
        original = (K.hedge_values, K.daily_metrics, K.trade_cost)
        try:  # the plain twin calling plain helpers
            K.hedge_values, K.daily_metrics, K.trade_cost = (
                K.hedge_values_python,
                K.daily_metrics_python,
                K.trade_cost_python,
            )
            K.hedge_metrics_python(configs, *list(data.values()), plain)
        finally:
            K.hedge_values, K.daily_metrics, K.trade_cost = original
        assert np.allclose(plain, jitted, rtol=1e-12, atol=1e-14, equal_nan=True)


def test_costs_and_impact_only_lower_the_result(aapl):
    # the protective family's shares do not depend on its value, so any cost lowers every day's
    # value (vol targeting sizes on the value, so its path changes with the costs)
    sweep = evaluate_hedge_grid(aapl, SMALL, family="protective")
    lattice = sweep.metrics[:, K.M_ANN_RETURN].reshape(SMALL.shape)
    assert np.all(np.diff(lattice, axis=1) < 0)  # higher proportional cost
    assert np.all(np.diff(lattice, axis=2) < 0)  # higher impact
    costs = sweep.metrics[:, K.M_COSTS].reshape(SMALL.shape)
    assert np.all(costs[:, 0, 0, :] == 0.0)
    vt = evaluate_hedge_grid(aapl, SMALL, family="vol_target").metrics[:, K.M_COSTS].reshape(SMALL.shape)
    assert np.all(vt[:, 0, 0, :] == 0.0) and np.all(vt[:, 1:, :, :] > 0.0)


def test_chunking_and_order_do_not_change_the_result(aapl):
    configs = SMALL.configs()
    data = {"family": 0, "spot": aapl.spot, "put_end": aapl.put_end, "put_start": aapl.put_start,
            "put_delta": aapl.put_delta, "roll": aapl.roll, "sigma_hat": aapl.sigma_hat, "steps_per_day": 1,
            "growth": 1.0, "capital": 1e6, "target_vol": 0.15, "max_leverage": 3.0}  # fmt: skip
    whole = sweep_configurations(hedge_metrics_chunk, configs, data=data, chunk_size=1000)
    pieces = sweep_configurations(hedge_metrics_chunk, configs, data=data, chunk_size=5)
    assert np.array_equal(whole, pieces, equal_nan=True)
    assert config_grid([[1, 2], [3]]).tolist() == [[1.0, 3.0], [2.0, 3.0]]


@pytest.mark.slow
def test_chunks_as_dask_tasks_give_the_same_result(aapl):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            remote = evaluate_hedge_grid(aapl, SMALL, chunk_size=7, client=client)
    local = evaluate_hedge_grid(aapl, SMALL)
    assert np.array_equal(remote.metrics, local.metrics, equal_nan=True)


def test_sub_daily_frequencies_are_refused_on_daily_data(aapl):
    with pytest.raises(
        ParameterError, match=r"rebalance_days=\[0.1, 0.2, 0.5\] is not allowed.*simulated intraday"
    ):
        evaluate_hedge_grid(aapl, HedgeGrid())


# --- scoring -----------------------------------------------------------------------------


def _metrics(sharpe=1.0, ann_return=0.30, max_dd=0.10, consistency=0.6):
    row = np.full(K.N_METRICS, 0.0)
    row[K.M_SHARPE], row[K.M_ANN_RETURN], row[K.M_MAX_DRAWDOWN], row[K.M_CONSISTENCY] = (
        sharpe, ann_return, max_dd, consistency,
    )  # fmt: skip
    return row


def test_a_configuration_exactly_on_target_scores_one_half_per_component():
    table = score_metrics(_metrics()[None, :])
    assert table.components[0].tolist() == [0.5, 0.5, 0.5, 0.6]
    assert table.score[0] == pytest.approx(0.4 * 0.5 + 0.3 * 0.5 + 0.2 * 0.5 + 0.1 * 0.6, abs=1e-15)
    # one scale better: the logistic function at 1, 1 / (1 + e^-1)
    better = score_metrics(_metrics(sharpe=1.25)[None, :]).components[0, 0]
    assert better == pytest.approx(1.0 / (1.0 + math.exp(-1.0)), rel=1e-14)


@given(
    st.lists(
        st.tuples(*[st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(np.nan))] * 4),
        min_size=1, max_size=20,
    )
)  # fmt: skip
def test_scores_are_bounded_for_any_metrics(rows):
    m = np.array([_metrics(*r) for r in rows])
    table = score_metrics(m)
    assert np.all((table.components >= 0.0) & (table.components <= 1.0))
    assert np.all((table.score >= 0.0) & (table.score <= 1.0))


def test_a_ruined_configuration_scores_zero_whatever_its_sharpe_before_ruin():
    row = _metrics(sharpe=3.0, ann_return=-1.0, max_dd=1.0)
    row[K.M_RUINED] = 1.0
    table = score_metrics(row[None, :])
    assert table.score[0] == 0.0 and not table.components.any()


def test_scores_rise_with_sharpe_and_return_and_fall_with_drawdown():
    base = score_metrics(_metrics()[None, :]).score[0]
    assert score_metrics(_metrics(sharpe=1.5)[None, :]).score[0] > base
    assert score_metrics(_metrics(ann_return=0.4)[None, :]).score[0] > base
    assert score_metrics(_metrics(max_dd=0.2)[None, :]).score[0] < base


def test_target_report_says_what_is_reached_and_by_how_much_the_rest_is_missed():
    rep = target_report(_metrics(sharpe=0.7, ann_return=0.35, max_dd=0.25))
    assert rep["reached"].tolist() == [False, True, False]
    assert rep["shortfall"].tolist() == pytest.approx([0.3, 0.0, 0.15])


def test_bad_targets_are_rejected():
    with pytest.raises(ParameterError, match=r"weights=\(0.5, 0.5, 0.5, 0.1\) is not allowed"):
        Targets(weights=(0.5, 0.5, 0.5, 0.1))


# --- deflated Sharpe ratio -----------------------------------------------------------------


def test_deflated_sharpe_matches_the_papers_worked_example():
    # Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", J. Portfolio Management 40(5),
    # section "A numerical example": annualised SR 2.5 over T = 1,250 daily observations, N = 100
    # trials whose Sharpe ratios have annualised variance 0.5, skewness -3, kurtosis 10, 250 days
    # a year -> SR0 = 0.1132 per day and DSR = 0.9004.
    days = 250
    sr0 = expected_max_sharpe(100, 0.5 / days)
    assert sr0 == pytest.approx(0.1132, abs=5e-5)
    dsr = deflated_sharpe_ratio(2.5 / math.sqrt(days), 1250, -3.0, 10.0, 100, 0.5 / days)
    assert dsr == pytest.approx(0.9004, abs=5e-4)


def test_expected_max_sharpe_approximates_the_maximum_of_independent_normals():
    # independent computation: the mean maximum of N standard normals by simulation; the paper's
    # closed form is an approximation, within 1% for N = 100 and 1,000 (3.5% at N = 10)
    rng = np.random.default_rng(7)
    for n in (100, 1000):
        simulated = rng.standard_normal((4000, n)).max(axis=1).mean()
        assert expected_max_sharpe(n, 1.0) == pytest.approx(simulated, rel=0.02)


def test_deflated_sharpe_falls_with_more_trials():
    values = [deflated_sharpe_ratio(0.1, 1000, 0.0, 3.0, n, 0.001) for n in (2, 10, 100, 1000)]
    assert all(a > b for a, b in itertools.pairwise(values)) and 0.0 <= values[-1] <= values[0] <= 1.0


# --- validation ------------------------------------------------------------------------------


def test_split_validation_chooses_before_and_reports_after_the_split(aapl):
    res = split_validation(aapl, SMALL, "2009-01-02")
    assert res.split == pd.Timestamp("2009-01-02") and res.n_trials == 24
    assert res.in_sample_sweep.end == res.split  # the in-sample period ends where the test starts
    best = best_index(res.in_sample_sweep)
    assert res.config == dict(
        zip(("rebalance_days", "cost", "impact", "exposure"), res.in_sample_sweep.configs[best])
    )
    assert res.in_sample["score"] == pytest.approx(score_metrics(res.in_sample_sweep.metrics).score.max())
    assert 0.0 <= res.out_of_sample["score"] <= 1.0 and 0.0 <= res.dsr <= 1.0
    assert set(res.to_dict()) >= {"is_score", "oos_score", "dsr", "exposure"}
    with pytest.raises(ParameterError, match="split='2000-01-03' is not allowed"):
        split_validation(aapl, SMALL, "2000-01-03")


def test_walk_forward_tests_each_fold_on_later_data(aapl):
    folds = walk_forward(aapl, SMALL, n_folds=3)
    assert folds["fold"].tolist() == [1, 2, 3]
    assert (folds["test_start"] == folds["train_end"]).all()
    assert (folds["test_start"].diff().dropna() > pd.Timedelta(0)).all()
    assert folds[["is_score", "oos_score"]].apply(lambda c: c.between(0, 1)).all().all()


def test_sensitivity_neighbours_and_cost_check(aapl):
    sweep = evaluate_hedge_grid(aapl, SMALL)
    sens = sensitivity(sweep)
    assert len(sens) == 3 + 2 + 2 + 2
    score = score_metrics(sweep.metrics).score
    assert sens["best_score"].max() == pytest.approx(score.max())
    corner = neighbour_stability(sweep, 0)
    assert corner.n_neighbours == 4  # a lattice corner has one neighbour per dimension
    inner = neighbour_stability(sweep, int(np.ravel_multi_index((1, 0, 0, 0), SMALL.shape)))
    assert inner.n_neighbours == 5  # inside along rebalance_days (3 values), at the edge elsewhere
    assert inner.drop == pytest.approx(inner.score - inner.neighbour_min)
    best = best_index(sweep)
    winner = score_metrics(sweep.metrics).score[best]
    assert neighbour_stability(sweep, best).neighbour_min <= winner  # nothing beats the maximum
    check = cost_reality_check(aapl, sweep.configs[best])
    own = float(sweep.configs[best, 1])
    assert check["cost"].tolist() == [own, *[c for c in (0.0002, 0.0005) if c != own]]
    assert check["score"].iloc[0] == pytest.approx(winner)
    assert check.sort_values("cost")["costs"].is_monotonic_increasing


# --- simulated intraday markets ------------------------------------------------------------


def test_intraday_parameters_keep_the_daily_persistence_and_variance():
    from tailkit.simulation.garch import GJRGARCHParams
    from tailkit.sweep.intraday import intraday_params

    daily = GJRGARCHParams(mu=(0.0005,), omega=(4e-6,), alpha=(0.04,), gamma=(0.08,), beta=(0.9,))
    same = intraday_params(daily, 1)  # one step a day is the daily process itself
    assert same.omega[0] == pytest.approx(daily.omega[0], rel=1e-12)
    assert (same.alpha, same.gamma) == (daily.alpha, daily.gamma)
    assert same.beta[0] == pytest.approx(daily.beta[0], rel=1e-12)
    step = intraday_params(daily, 10)
    assert step.persistence()[0] ** 10 == pytest.approx(daily.persistence()[0], rel=1e-12)
    assert 10 * step.unconditional_variance()[0] == pytest.approx(
        daily.unconditional_variance()[0], rel=1e-12
    )
    assert 10 * step.mu[0] == pytest.approx(daily.mu[0], rel=1e-12)
    # a jump layer's variance v: (omega + a v) / (1 - p) + v is still the daily variance over 10
    v = 1e-6
    jumpy = intraday_params(daily, 10, v)
    a = jumpy.alpha[0] + jumpy.gamma[0] / 2
    total = (jumpy.omega[0] + a * v) / (1 - jumpy.persistence()[0]) + v
    assert total == pytest.approx(daily.unconditional_variance()[0] / 10, rel=1e-12)
    with pytest.raises(ParameterError, match="lower max_jump_intensity"):
        intraday_params(daily, 10, 1e-4)


@pytest.mark.slow
def test_sub_daily_frequencies_run_on_simulated_intraday_paths():
    from tailkit.sweep.intraday import intraday_hedge_market

    market = intraday_hedge_market(load()["IBM"], ticker="IBM", n_days=400, seed=3)
    assert market.steps_per_day == 10 and market.n_days == 400 and market.spot.shape == (4001,)
    assert market.source.startswith("simulated intraday (10 steps a day, seed 3)") and "IBM" in market.source
    assert market.dates[0] > load()["IBM"].dropna().index[-1]  # simulated days follow the sample
    grid = HedgeGrid(rebalance_days=(0.1, 0.2, 1.0), cost=(0.0002,), impact=(0.0,), exposure=(1.0,))
    sweep = evaluate_hedge_grid(market, grid)
    assert sweep.source == market.source and np.isfinite(sweep.metrics[:, K.M_SHARPE]).all()
    for row, rb in zip(sweep.metrics, (0.1, 0.2, 1.0)):
        values = reference_protective_values(market, rb, 0.0002, 0.0, 1.0)
        assert row[K.M_ANN_RETURN] == pytest.approx(values[-1] ** (252 / 400) - 1.0, rel=1e-9)
    # more frequent re-hedging trades more
    assert np.all(np.diff(sweep.metrics[:, K.M_TURNOVER]) < 0)
    half = market.slice_days(0, 200)
    assert half.steps_per_day == 10 and half.spot.shape == (2001,) and half.roll[0] == 1


@pytest.mark.parametrize("seed", range(5))
def test_drawdown_shortcut_gives_the_bits_of_the_full_division(seed):
    # daily_metrics divides only near the deepest drawdown so far; the result must be the
    # max of 1 - v / running peak computed at every day, to the last bit
    rng = np.random.default_rng(seed)
    values = np.cumprod(np.concatenate([[1.0], 1.0 + 0.02 * rng.standard_t(3, 2000)]))
    out = np.empty(K.N_METRICS)
    K.daily_metrics(values, values.size - 1, 0.0001, 0.0, 0.0, out)
    assert out[K.M_MAX_DRAWDOWN] == np.max(1.0 - values / np.maximum.accumulate(values))
    plain = np.empty(K.N_METRICS)
    K.daily_metrics_python(values, values.size - 1, 0.0001, 0.0, 0.0, plain)
    assert np.array_equal(plain, out, equal_nan=True)
