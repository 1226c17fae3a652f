"""GBM, Merton, regime and GJR-GARCH fits recover known parameters; real-data smoke fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tailkit.calibration import _kernels as K
from tailkit.calibration import filter_regimes, fit_gbm, fit_gjr_garch, fit_merton, fit_regimes, merton_logpdf
from tailkit.errors import DataError, ParameterError
from tailkit.simulation import (
    GBMParams,
    GJRGARCHParams,
    JumpParams,
    RegimeParams,
    simulate_gbm,
    simulate_gjr_garch,
    simulate_merton,
    simulate_regimes,
)


def test_fit_gbm_recovers_parameters() -> None:
    true = GBMParams(mu=(0.10, 0.04), sigma=(0.25, 0.15), correlation=((1, -0.3), (-0.3, 1)))
    r = simulate_gbm(true, n_paths=1, n_steps=20_000, seed=1).returns()[0]
    fit = fit_gbm(pd.DataFrame(r, columns=["a", "b"]))
    for i, c in enumerate("ab"):
        for field in ("mu", "sigma"):
            est, se = fit.table[f"{field}[{c}]"]
            assert abs(est - getattr(true, field)[i]) < 4 * se
    est, se = fit.table["rho[a,b]"]
    assert abs(est + 0.3) < 4 * se
    assert fit.diagnostics.n_params == 5


def test_merton_density_integrates_to_one() -> None:
    # reference: a density integrates to one (Poisson mixture truncated at 12 jumps/day)
    x = np.linspace(-1, 1, 200_001)
    pdf = np.exp(merton_logpdf(x, 0.05, 0.2, 5.0, -0.05, 0.04, 1 / 252))
    assert np.trapezoid(pdf, x) == pytest.approx(1.0, abs=1e-8)


@pytest.mark.slow
def test_fit_merton_recovers_parameters() -> None:
    true_j = JumpParams(market_intensity=8.0, market_mean=(-0.04,), market_vol=(0.02,))
    r = simulate_merton(GBMParams(mu=(0.08,), sigma=(0.15,)), true_j, n_paths=1, n_steps=20_000, seed=5)
    fit = fit_merton(r.returns()[0, :, 0])
    truth = {"mu": 0.08, "sigma": 0.15, "jump_intensity": 8.0, "jump_mean": -0.04, "jump_vol": 0.02}
    for name, value in truth.items():
        est, se = fit.table[name]
        assert abs(est - value) < 4 * se, (name, est, value, se)
    assert fit.diagnostics.converged


def test_hamilton_twins_agree() -> None:
    rng = np.random.default_rng(0)
    ld = rng.normal(size=(50, 3))
    p = np.asarray(RegimeParams().transition)
    p0 = np.full(3, 1 / 3)
    outs = []
    for filt_fn, smooth_fn in (
        (K.hamilton_filter, K.kim_smoother),
        (K.hamilton_filter_python, K.kim_smoother_python),
    ):
        f, pr, sm, xi = np.empty((50, 3)), np.empty((50, 3)), np.empty((50, 3)), np.empty((3, 3))
        ll = filt_fn(ld, p, p0, f, pr)
        smooth_fn(f, pr, p, sm, xi)
        outs.append((ll, f, sm, xi))
    assert outs[0][0] == pytest.approx(outs[1][0], rel=1e-13)
    for a, b in zip(outs[0][1:], outs[1][1:]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_hamilton_filter_loglik_matches_brute_force() -> None:
    # reference: the likelihood by summing over all K^T regime paths (T = 6)
    import itertools

    rng = np.random.default_rng(3)
    ld = rng.normal(size=(6, 2))
    p = np.array([[0.9, 0.1], [0.3, 0.7]])
    p0 = np.array([0.6, 0.4])
    total = 0.0
    for path in itertools.product(range(2), repeat=6):
        pr = p0[path[0]] * np.prod([p[path[t - 1], path[t]] for t in range(1, 6)])
        total += pr * np.exp(sum(ld[t, s] for t, s in enumerate(path)))
    f, pr_ = np.empty((6, 2)), np.empty((6, 2))
    assert K.hamilton_filter(ld, p, p0, f, pr_) == pytest.approx(np.log(total), rel=1e-12)


def test_regime_filter_recovers_planted_regimes() -> None:
    true = RegimeParams(
        regime_names=("calm", "crisis"),
        mu=((0.10,), (-0.30,)),
        sigma=((0.10,), (0.45,)),
        correlation=(((1.0,),), ((1.0,),)),
        transition=((0.99, 0.01), (0.04, 0.96)),
    )
    paths = simulate_regimes(true, n_paths=1, n_steps=4000, seed=8)
    r = paths.returns()[0]
    planted = paths.regimes[0, :-1]
    fit = fit_regimes(r, 2)
    assert fit.params.regime_names == ("calm", "crisis")
    sig = np.asarray(fit.params.sigma)[:, 0]
    assert abs(sig[0] - 0.10) < 0.01 and abs(sig[1] - 0.45) < 0.05
    causal = fit.probabilities.most_likely(causal=True)
    smooth = fit.probabilities.most_likely(causal=False)
    assert np.mean(causal == planted) > 0.93
    assert np.mean(smooth == planted) >= np.mean(causal == planted) - 0.01
    # filtered probabilities are causal: truncating the data does not change the past
    short = filter_regimes(r[:1000], fit.params)
    np.testing.assert_allclose(short.filtered, fit.probabilities.filtered[:1000], atol=1e-12)
    frame = fit.probabilities.to_frame()
    assert list(frame.columns) == ["filtered_calm", "filtered_crisis", "smoothed_calm", "smoothed_crisis"]
    assert fit.diagnostics.converged


def test_fit_regimes_multivariate_three_regimes() -> None:
    true = RegimeParams(
        mu=((0.1, 0.05), (0.0, 0.0), (-0.4, -0.2)),
        sigma=((0.1, 0.08), (0.2, 0.15), (0.5, 0.35)),
        correlation=(((1, 0.2), (0.2, 1)), ((1, 0.5), (0.5, 1)), ((1, 0.9), (0.9, 1))),
    )
    paths = simulate_regimes(true, n_paths=1, n_steps=6000, seed=10)
    fit = fit_regimes(paths.returns()[0], 3)
    assert np.mean(fit.probabilities.most_likely(causal=False) == paths.regimes[0, :-1]) > 0.85
    corr = np.asarray(fit.params.correlation)
    assert corr[2, 0, 1] > corr[0, 0, 1] + 0.3  # crisis correlations go up


def test_garch_simulation_matches_arch_in_distribution() -> None:
    # reference: arch's own GJR-GARCH simulator (arch.univariate.GARCH(p=1, o=1, q=1).simulate
    # with arch's standardised Student-t) at the same parameters; two-sample KS tests on the
    # 20-day return and on the variance of the 20th return
    from arch.univariate import GARCH, StudentsT

    omega, alpha, gamma, beta, nu = 0.02, 0.03, 0.12, 0.87, 6.0  # percent-return scale
    n = 2000
    vol = GARCH(p=1, o=1, q=1)
    rng = StudentsT(seed=np.random.default_rng(0)).simulate([nu])
    h0 = omega / (1 - alpha - gamma / 2 - beta)
    arch_r, arch_v = np.empty(n), np.empty(n)
    for i in range(n):
        data, var = vol.simulate([omega, alpha, gamma, beta], 20, rng, burn=0, initial_value=h0)
        arch_r[i] = data.sum()
        arch_v[i] = np.sqrt(var[-1])
    p = GJRGARCHParams(
        mu=(0.0,), omega=(omega / 1e4,), alpha=(alpha,), gamma=(gamma,), beta=(beta,), dist="t", nu=nu
    )
    ours = simulate_gjr_garch(p, n_paths=n, n_steps=20, seed=1, h0=h0 / 1e4)
    our_r = 100 * ours.returns()[:, :, 0].sum(axis=1)
    our_v = 100 * np.sqrt(ours.variance[:, -2, 0])  # variance of the 20th return = arch's last volatility
    assert stats.ks_2samp(arch_r, our_r).pvalue > 0.001
    assert stats.ks_2samp(arch_v, our_v).pvalue > 0.001


def test_fit_gjr_garch_recovers_parameters() -> None:
    true = GJRGARCHParams(
        mu=(0.0005,), omega=(2e-6,), alpha=(0.03,), gamma=(0.12,), beta=(0.87,), dist="t", nu=7.0
    )
    r = simulate_gjr_garch(true, n_paths=1, n_steps=6000, seed=12).returns()[0, :, 0]
    fit = fit_gjr_garch(r, "t")
    for field in ("alpha", "gamma", "beta"):
        est, se = fit.table[f"{field}[x0]"]
        assert abs(est - getattr(true, field)[0]) < 4 * se, field
    est, se = fit.table["nu[x0]"]
    assert abs(est - 7.0) < 4 * se
    assert fit.params.persistence()[0] < 1
    assert fit.last_variance.shape == (1,)
    assert fit.diagnostics.converged


def test_real_data_fits() -> None:
    # the bundled S&P 500 (1999-2018) and the 2000-2013 stocks
    from tailkit.data import load_sp500, load_stocks

    spx = np.log(load_sp500()["adj_close"]).diff().dropna()
    g = fit_gjr_garch(spx, "t")
    assert g.params.gamma[0] > g.params.alpha[0]  # leverage effect in equity index returns
    assert g.params.persistence()[0] < 1
    stocks = np.log(load_stocks()[["AAPL", "IBM", "MSFT"]]).diff().dropna()
    gb = fit_gbm(stocks)
    assert gb.params.n_assets == 3
    reg = fit_regimes(spx, 3)
    dates = reg.probabilities.index
    crisis = pd.Series(reg.probabilities.smoothed[:, 2], index=dates)
    assert crisis.loc["2008-10"].mean() > 0.5  # the GFC is a crisis regime
    assert crisis.loc["2005"].mean() < 0.1


def test_bad_inputs() -> None:
    with pytest.raises(DataError, match="non-finite"):
        fit_gbm([0.01, np.nan, 0.02, 0.01])
    with pytest.raises(ParameterError, match="n_regimes"):
        fit_regimes(np.zeros(100), 0)
    with pytest.raises(ParameterError, match="dist"):
        fit_gjr_garch(np.zeros(200), "laplace")
    with pytest.raises(ParameterError, match="one series"):
        fit_merton(np.zeros((100, 2)))


def test_fit_vol_index_recovers_parameters() -> None:
    from tailkit.calibration import fit_vol_index
    from tailkit.simulation import VolIndexParams, equity_variance, simulate_vol_index

    true = VolIndexParams(kappa=30.0, premium=1.1, elasticity=0.6, vol_of_vol=0.9)
    g = simulate_gjr_garch(GJRGARCHParams(dist="normal"), n_paths=1, n_steps=20_000, seed=21)
    var = equity_variance(g)
    v = simulate_vol_index(true, var, seed=22).values[0, :, 0]
    fit = fit_vol_index(v, var[0])
    for name in ("kappa", "premium", "elasticity", "vol_of_vol"):
        est, se = fit.table[name]
        assert abs(est - getattr(true, name)) < 4 * se + 0.02 * abs(getattr(true, name)), (name, est, se)
    with pytest.raises(DataError, match="30"):
        fit_vol_index(v[:10], var[0, :10])
