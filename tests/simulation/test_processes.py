"""GBM, Merton jumps, regimes, GJR-GARCH, vol index: moments vs closed forms, twins, errors."""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.errors import ParameterError
from tailkit.simulation import (
    GBMParams,
    GJRGARCHParams,
    JumpParams,
    RegimeParams,
    VolIndexParams,
    equity_variance,
    simulate_gbm,
    simulate_gjr_garch,
    simulate_merton,
    simulate_regimes,
    simulate_vol_index,
    stationary_distribution,
)
from tailkit.simulation import _kernels as K
from tailkit.simulation.jumps import jump_table

CORR3 = ((1.0, 0.6, 0.3), (0.6, 1.0, 0.5), (0.3, 0.5, 1.0))


def _z(x: np.ndarray, mean: float) -> float:
    return float((x.mean() - mean) / (x.std(ddof=1) / np.sqrt(x.size)))


def test_gbm_moments_match_closed_form() -> None:
    # reference: log S_T ~ N(log S0 + (mu - s^2/2) T, s^2 T); E[S_T] = S0 e^{mu T}
    p = GBMParams(mu=(0.08, 0.03, -0.02), sigma=(0.2, 0.35, 0.1), correlation=CORR3)
    paths = simulate_gbm(p, n_paths=20_000, n_steps=50, dt=1 / 50, s0=(100, 50, 10), seed=1)
    logret = np.log(paths.terminal() / paths.values[:, 0])
    mu, sigma, corr = p.arrays()
    for a in range(3):
        assert abs(_z(logret[:, a], mu[a] - 0.5 * sigma[a] ** 2)) < 4
        assert abs(_z(paths.terminal()[:, a], paths.values[0, 0, a] * np.exp(mu[a]))) < 4
        se_var = sigma[a] ** 2 * np.sqrt(2 / logret.shape[0])
        assert abs(logret[:, a].var(ddof=1) - sigma[a] ** 2) < 4 * se_var
    emp = np.corrcoef(logret.T)
    se_rho = (1 - corr**2) / np.sqrt(logret.shape[0])
    assert np.all(np.abs(emp - corr) <= 4 * se_rho + 1e-12)


def test_merton_moments_match_closed_form() -> None:
    # reference: compound Poisson moments; Var(log S_T) = s^2 T + lam T (m^2 + v^2) per jump source,
    # compensated drift keeps E[S_T] = S0 e^{mu T}
    p = GBMParams(mu=(0.05, 0.05), sigma=(0.15, 0.2), correlation=((1, 0.3), (0.3, 1)))
    j = JumpParams(
        market_intensity=2.0,
        market_mean=(-0.05, -0.08),
        market_vol=(0.03, 0.05),
        idio_intensity=(1.0, 0.0),
        idio_mean=(0.02, 0.0),
        idio_vol=(0.04, 0.0),
    )
    paths = simulate_merton(p, j, n_paths=20_000, n_steps=63, dt=1 / 252, seed=2)
    t = paths.times[-1]
    term = paths.terminal()
    lr = np.log(term)
    assert abs(_z(term[:, 0], np.exp(0.05 * t))) < 4
    assert abs(_z(term[:, 1], np.exp(0.05 * t))) < 4
    var0 = 0.15**2 * t + 2.0 * t * (0.05**2 + 0.03**2) + 1.0 * t * (0.02**2 + 0.04**2)
    se = np.sqrt((np.mean((lr[:, 0] - lr[:, 0].mean()) ** 4) - var0**2) / lr.shape[0])
    assert abs(lr[:, 0].var() - var0) < 4 * se
    # co-jumps: the covariance of log returns gains lam T m1 m2 from the shared events
    cov01 = 0.3 * 0.15 * 0.2 * t + 2.0 * t * (0.05 * 0.08)
    prod = (lr[:, 0] - lr[:, 0].mean()) * (lr[:, 1] - lr[:, 1].mean())
    assert abs(prod.mean() - cov01) < 4 * prod.std() / np.sqrt(prod.size)


def test_regime_occupancy_matches_stationary_distribution() -> None:
    # reference: ergodic Markov chain occupation frequencies -> stationary distribution
    p = RegimeParams()
    paths = simulate_regimes(p, n_paths=400, n_steps=1000, seed=3)
    pi = stationary_distribution(p.transition)
    np.testing.assert_allclose(pi @ np.asarray(p.transition), pi, atol=1e-12)
    # paths start in the stationary distribution, so each chain's occupation frequency has mean pi;
    # the 400 chains are independent, so the standard error comes from their spread (the steps
    # within a chain are autocorrelated, the chains are not)
    for s in range(3):
        per_chain = (paths.regimes == s).mean(axis=1)
        assert abs(_z(per_chain, pi[s])) < 4
    # per-regime vols of the log returns
    ret = paths.returns()[:, :, 0]
    st = paths.regimes[:, :-1]
    for s in range(3):
        sample = ret[st == s]
        sd = sample.std(ddof=1) * np.sqrt(252)
        assert abs(sd - p.sigma[s][0]) < 4 * p.sigma[s][0] / np.sqrt(2 * sample.size)
    # transition frequencies
    counts = np.zeros((3, 3))
    np.add.at(counts, (st.ravel(), paths.regimes[:, 1:].ravel()), 1)
    freq = counts / counts.sum(axis=1, keepdims=True)
    se = np.sqrt(
        np.asarray(p.transition) * (1 - np.asarray(p.transition)) / counts.sum(axis=1, keepdims=True)
    )
    assert np.all(np.abs(freq - np.asarray(p.transition)) <= 4 * se + 1e-9)


def test_garch_variance_is_unconditional_on_average_and_t_is_standardised() -> None:
    # reference: E[eps^2] = omega / (1 - alpha - gamma/2 - beta) when started at the unconditional variance
    p = GJRGARCHParams(omega=(1e-5,), alpha=(0.05,), gamma=(0.1,), beta=(0.85,), dist="t", nu=8.0, mu=(0.0,))
    paths = simulate_gjr_garch(p, n_paths=4000, n_steps=100, seed=4)
    eps = paths.returns()[:, :, 0]
    hbar = p.unconditional_variance()[0]
    per_path = (eps**2).mean(axis=1)
    assert abs(_z(per_path, hbar)) < 4
    z = eps / np.sqrt(paths.variance[:, :-1, 0])
    assert abs(_z(z.ravel() ** 2, 1.0)) < 4  # standardised shocks have unit variance
    np.testing.assert_allclose(paths.variance[:, 0, 0], hbar)


def test_garch_jumps_feed_variance_and_compensate_mean() -> None:
    p = GJRGARCHParams(mu=(0.0,), dist="normal")
    j = JumpParams(market_intensity=20.0, market_mean=(-0.05,), market_vol=(0.02,))
    paths = simulate_gjr_garch(p, n_paths=3000, n_steps=100, seed=5, jumps=j)
    r = paths.returns()[:, :, 0]
    assert abs(_z(r.mean(axis=1), 0.0)) < 4  # compensated in the mean log return
    big = r < -0.04
    nxt = paths.variance[:, 1:, 0]
    assert nxt[big].mean() > 2 * nxt[~big].mean()


def test_vol_index_tracks_variance_target() -> None:
    p = VolIndexParams(kappa=50.0, premium=1.2, vol_of_vol=0.5, elasticity=1.0)
    var = np.full((2000, 253), 0.04)
    var[:, 126:] = 0.25  # equity vol jumps from 20% to 50%
    v = simulate_vol_index(p, var, seed=6).values[:, :, 0]
    # reference: log V = log(premium * vol) + u with u an OU started at 0 and stepped exactly, so
    # u_T ~ N(0, xi^2 (1 - e^{-2 kappa T}) / (2 kappa)) at T = 1 year; for normal samples the
    # mean has standard error sd / sqrt(n) and the standard deviation sd / sqrt(2 (n - 1))
    x_end = np.log(v[:, -1])
    target = np.log(1.2 * 0.5)
    sd = 0.5 * np.sqrt(-np.expm1(-2 * 50.0 * 1.0) / (2 * 50.0))
    n = x_end.size
    assert abs(x_end.mean() - target) < 4 * sd / np.sqrt(n)
    assert abs(x_end.std(ddof=1) - sd) < 4 * sd / np.sqrt(2 * (n - 1))
    # the index jumps with the variance the same day
    assert np.median(v[:, 125]) < 0.3 < np.median(v[:, 126])
    np.testing.assert_allclose(v[:, 0], 1.2 * 0.2)  # starts on its target


def test_vol_index_from_garch_and_regimes() -> None:
    g = simulate_gjr_garch(GJRGARCHParams(), n_paths=20, n_steps=30, seed=1)
    vi = simulate_vol_index(VolIndexParams(), equity_variance(g), seed=2)
    assert vi.values.shape == (20, 31, 1) and np.all(vi.values > 0)
    rp = RegimeParams()
    r = simulate_regimes(rp, n_paths=20, n_steps=30, seed=1)
    var = equity_variance(r, regime_params=rp)
    np.testing.assert_allclose(var, np.asarray(rp.sigma)[r.regimes, 0] ** 2)
    with pytest.raises(ParameterError, match="variance"):
        equity_variance(simulate_gbm(GBMParams(), n_paths=2, n_steps=3, seed=1))


def _gens() -> tuple[np.random.Generator, np.random.Generator]:
    return np.random.default_rng(11), np.random.default_rng(11)


def test_twins_agree_gbm_with_jumps() -> None:
    n = 3
    j = JumpParams(market_intensity=30.0, market_mean=(-0.05,), market_vol=(0.03,), idio_intensity=(10.0,))
    has, table = jump_table(j, n, 1 / 252, "price")
    chol = np.linalg.cholesky(np.asarray(CORR3)) * 0.01
    args = (np.zeros(n), np.full(n, 1e-4), chol, has, table)
    a, b = np.empty((4, 21, n)), np.empty((4, 21, n))
    g1, g2 = _gens()
    K.gbm_block(g1, 1, 4, *args, a, 0)
    K.gbm_block_python(g2, 1, 4, *args, b, 0)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_twins_agree_regimes() -> None:
    p = RegimeParams()
    chol = np.asarray(p.sigma)[:, :, None] * 0.06
    args = (
        np.zeros(1),
        np.full((3, 1), 1e-4),
        chol,
        np.cumsum(np.asarray(p.transition), axis=1),
        np.cumsum(p.initial_distribution()),
        False,
        jump_table(None, 1, 1 / 252, "price")[1],
    )
    a, b = np.empty((4, 51, 1)), np.empty((4, 51, 1))
    sa, sb = np.empty((4, 51), np.int64), np.empty((4, 51), np.int64)
    g1, g2 = _gens()
    K.regime_block(g1, 2, 4, *args, a, sa, 0)
    K.regime_block_python(g2, 2, 4, *args, b, sb, 0)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(sa, sb)


def test_twins_agree_garch_t_with_jumps() -> None:
    n = 2
    j = JumpParams(market_intensity=20.0, market_mean=(-0.05,), market_vol=(0.03,))
    has, table = jump_table(j, n, 1 / 252, "log")
    one = np.ones(n)
    args = (np.zeros(n), 1e-4 * one, 2e-6 * one, 0.03 * one, 0.1 * one, 0.85 * one, 1e-4 * one,
            np.linalg.cholesky([[1, 0.5], [0.5, 1]]), 6.0, has, table, True)  # fmt: skip
    a, b = np.empty((3, 41, n)), np.empty((3, 41, n))
    va, vb = np.empty((3, 41, n)), np.empty((3, 41, n))
    g1, g2 = _gens()
    K.gjr_block(g1, 1, 3, *args, a, va, 0)
    K.gjr_block_python(g2, 1, 3, *args, b, vb, 0)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(va, vb, rtol=1e-12)


def test_twins_agree_vol_index_and_drawdowns() -> None:
    var = np.random.default_rng(0).uniform(0.01, 0.2, size=(4, 30))
    a, b = np.empty((4, 30, 1)), np.empty((4, 30, 1))
    g1, g2 = _gens()
    x0 = np.full(4, 0.05)
    K.vol_index_block(g1, 2, 4, x0, 0.1, 0.8, 0.9, 0.05, var, a, 0)
    K.vol_index_block_python(g2, 2, 4, x0, 0.1, 0.8, 0.9, 0.05, var, b, 0)
    np.testing.assert_allclose(a, b, rtol=1e-13)
    vals = np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.02, (5, 40, 2)), axis=1))
    m1, t1, m2, t2 = (np.empty((5, 2)) for _ in range(4))
    K.drawdown_stats(vals, m1, t1)
    K.drawdown_stats_python(vals, m2, t2)
    np.testing.assert_allclose(m1, m2)
    np.testing.assert_allclose(t1, t2)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: GBMParams(sigma=(-0.2,)), "sigma"),
        (lambda: GBMParams(mu=(0.1, 0.1), sigma=(0.2, 0.2), correlation=((1, 1.2), (1.2, 1))), "correlation"),
        (
            lambda: GBMParams(
                mu=(0.1,) * 3, sigma=(0.2,) * 3, correlation=((1, 0.9, -0.9), (0.9, 1, 0.9), (-0.9, 0.9, 1))
            ),
            "nearest_correlation",
        ),
        (lambda: RegimeParams(transition=((0.9, 0.05, 0.04), (0.03, 0.96, 0.01), (0.01, 0.04, 0.95))), "sum"),
        (lambda: RegimeParams(sigma=((0.1,), (-0.2,), (0.5,))), "sigma"),
        (lambda: GJRGARCHParams(alpha=(0.1,), gamma=(0.2,), beta=(0.85,)), "persistence"),
        (lambda: GJRGARCHParams(nu=2.0), "nu"),
        (lambda: GJRGARCHParams(dist="laplace"), "dist"),
        (lambda: JumpParams(market_intensity=-1.0), "market_intensity"),
        (lambda: VolIndexParams(kappa=0.0), "kappa"),
    ],
)
def test_bad_parameters_give_clear_errors(build, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError, match=match):
        build()


def test_paths_helpers() -> None:
    p = simulate_regimes(RegimeParams(), n_paths=3, n_steps=4, seed=1, names=["spx"])
    frame = p.to_frame()
    assert list(frame.columns) == ["path", "step", "time", "asset", "value", "regime"]
    assert p.returns().shape == (3, 4, 1)
    np.testing.assert_array_equal(p.asset("spx"), p.values[:, :, 0])
    assert p.to_dict()["n_paths"] == 3
    with pytest.raises(ParameterError, match="name"):
        p.asset("nope")
