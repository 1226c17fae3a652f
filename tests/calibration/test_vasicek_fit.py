"""Vasicek MLE recovers known parameters; errors on bad data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.calibration import fit_vasicek
from tailkit.errors import ConvergenceError, DataError, ParameterError
from tailkit.simulation import VasicekParams, simulate_vasicek

TRUE = VasicekParams(
    kappa=(1.5, 1.2), theta=(0.045, 0.047), sigma=(0.009, 0.008), correlation=((1.0, 0.9), (0.9, 1.0))
)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    # 40 years of daily data simulated from TRUE (reference: the generating parameters)
    y = simulate_vasicek(TRUE, (0.04, 0.043), n_paths=1, n_steps=10_080, seed=2024).values[0]
    return pd.DataFrame(y, columns=["yield_20y", "yield_30y"])


def test_recovers_parameters_within_standard_errors(sample: pd.DataFrame) -> None:
    fit = fit_vasicek(sample)
    assert fit.names == ("yield_20y", "yield_30y")
    for i, name in enumerate(fit.names):
        for field in ("kappa", "theta", "sigma"):
            est, se = fit.table[f"{field}[{name}]"]
            truth = getattr(TRUE, field)[i]
            assert se > 0
            assert abs(est - truth) < 4 * se, (field, name, est, truth, se)
    rho, se_rho = fit.table["rho[yield_20y,yield_30y]"]
    assert abs(rho - 0.9) < 4 * se_rho
    assert fit.diagnostics.converged
    assert np.isfinite(fit.diagnostics.loglik)
    assert fit.diagnostics.n_params == 7
    assert fit.diagnostics.aic == pytest.approx(2 * 7 - 2 * fit.diagnostics.loglik)
    np.testing.assert_array_equal(fit.last, sample.to_numpy()[-1])
    assert set(fit.to_frame().columns) == {"estimate", "std_error", "t_stat"}
    assert fit.to_dict()["params"]["kappa"] == list(fit.params.kappa)


def test_univariate_array_input(sample: pd.DataFrame) -> None:
    fit = fit_vasicek(sample["yield_20y"].to_numpy())
    assert fit.params.n_tenors == 1
    est, se = fit.table["theta[x0]"]
    assert abs(est - 0.045) < 4 * se


def test_no_mean_reversion_is_an_error() -> None:
    y = 0.01 * 1.001 ** np.arange(300)  # explosive: AR(1) coefficient > 1
    with pytest.raises(ConvergenceError, match="mean reversion"):
        fit_vasicek(y)


def test_missing_values_and_percent_units_are_errors(sample: pd.DataFrame) -> None:
    bad = sample.copy()
    bad.iloc[5, 1] = np.nan
    with pytest.raises(DataError, match=r"yield_30y.*row 5"):
        fit_vasicek(bad)
    with pytest.raises(ParameterError, match="percent"):
        fit_vasicek(sample * 100)
    with pytest.raises(DataError, match="at least"):
        fit_vasicek([0.01, 0.02])


def _ou_loglik(params: np.ndarray, x: np.ndarray, z: np.ndarray, dt: float) -> float:
    """Exact OU transition log-likelihood, written from the Gaussian transition law of Vasicek (1977)."""
    kappa, theta, sigma = params
    decay = np.exp(-kappa * dt)
    var = sigma**2 * (1.0 - decay**2) / (2.0 * kappa)
    e = z - theta - (x - theta) * decay
    return float(-0.5 * np.sum(np.log(2.0 * np.pi * var) + e * e / var))


@pytest.mark.parametrize("col", ["yield_20y", "yield_30y"])
def test_estimates_and_standard_errors_match_independent_computations(sample: pd.DataFrame, col: str) -> None:
    # independent references: (1) statsmodels OLS of r_{t+1} on (1, r_t) for the AR(1) coefficients,
    # (2) scipy maximising the exact OU likelihood for the estimates and (3) statsmodels' numeric
    # Hessian of that likelihood, whose inverse is the MLE covariance (observed information).
    import statsmodels.api as sm
    from scipy.optimize import minimize
    from statsmodels.tools.numdiff import approx_hess3

    dt = 1.0 / 252.0
    fit = fit_vasicek(sample, dt)
    est = np.array([fit.table[f"{p}[{col}]"][0] for p in ("kappa", "theta", "sigma")])
    se = np.array([fit.table[f"{p}[{col}]"][1] for p in ("kappa", "theta", "sigma")])
    y = sample[col].to_numpy()
    x, z = y[:-1], y[1:]
    ols = sm.OLS(z, sm.add_constant(x)).fit()
    a, b = ols.params
    assert est[0] == pytest.approx(-np.log(b) / dt, rel=1e-10)
    assert est[1] == pytest.approx(a / (1.0 - b), rel=1e-10)
    s2 = ols.ssr / x.size  # MLE variance (statsmodels' scale divides by n - 2)
    assert est[2] == pytest.approx(np.sqrt(s2 * 2.0 * est[0] / (1.0 - b * b)), rel=1e-10)
    # the maximiser of the exact likelihood, searched from the generating parameters
    i = fit.names.index(col)
    start = np.array([TRUE.kappa[i], TRUE.theta[i], TRUE.sigma[i]])
    scale = np.array([1.0, 0.01, 0.001])
    res = minimize(
        lambda u: -_ou_loglik(u * scale, x, z, dt), start / scale, method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20_000, "maxfev": 20_000},
    )  # fmt: skip
    np.testing.assert_allclose(res.x * scale, est, rtol=1e-6)
    # standard errors: inverse of the numeric Hessian of the exact likelihood at the estimate
    hess = approx_hess3(est, lambda p: _ou_loglik(p, x, z, dt), epsilon=1e-4 * np.abs(est))
    ref_se = np.sqrt(np.diag(np.linalg.inv(-hess)))
    np.testing.assert_allclose(se, ref_se, rtol=1e-5)


def test_correlation_standard_error_matches_bivariate_normal_information(sample: pd.DataFrame) -> None:
    # reference: inverse numeric Hessian (statsmodels) of the bivariate normal likelihood of the
    # one-step innovations in (log sd1, log sd2, r); the fit maps r to continuous time by a factor
    # 1 - O((kappa1 - kappa2)^2 dt^2), below the 1e-6 tolerance here
    from statsmodels.tools.numdiff import approx_hess3

    fit = fit_vasicek(sample)
    rho, se_rho = fit.table["rho[yield_20y,yield_30y]"]
    e = fit.residuals

    def loglik(p: np.ndarray) -> float:
        s1, s2, r = np.exp(p[0]), np.exp(p[1]), p[2]
        u, v = e[:, 0] / s1, e[:, 1] / s2
        q = (u * u - 2 * r * u * v + v * v) / (1 - r * r)
        return float(np.sum(-np.log(2 * np.pi * s1 * s2 * np.sqrt(1 - r * r)) - 0.5 * q))

    sd = np.sqrt(np.mean(e * e, axis=0))
    r_hat = float(np.mean(e[:, 0] * e[:, 1]) / (sd[0] * sd[1]))
    p_hat = np.array([np.log(sd[0]), np.log(sd[1]), r_hat])
    hess = approx_hess3(p_hat, loglik, epsilon=np.array([1e-4, 1e-4, 1e-5]))
    ref = float(np.sqrt(np.linalg.inv(-hess)[2, 2]))
    assert rho == pytest.approx(r_hat, rel=1e-6)
    assert se_rho == pytest.approx(ref, rel=1e-6)


def test_transitions_leave_gaps_out_of_the_likelihood(sample: pd.DataFrame) -> None:
    # reference: statsmodels OLS on the kept (r_t, r_{t+1}) pairs only; a fake jump across the gap
    # (the last 2,000 days shifted by 3 points) must not enter the fit
    import statsmodels.api as sm

    y = sample["yield_20y"].to_numpy().copy()
    y[8000:] += 0.03
    keep = np.ones(y.size - 1, dtype=bool)
    keep[7999] = False  # the pair (day 7999, day 8000) spans the break
    fit = fit_vasicek(y, transitions=keep)
    x, z = y[:-1][keep], y[1:][keep]
    a, b = sm.OLS(z, sm.add_constant(x)).fit().params
    assert fit.params.kappa[0] == pytest.approx(-np.log(b) * 252.0, rel=1e-10)
    assert fit.params.theta[0] == pytest.approx(a / (1.0 - b), rel=1e-10)
    assert fit.residuals.shape == (y.size - 2, 1)
    assert fit.params.kappa[0] != pytest.approx(fit_vasicek(y).params.kappa[0], rel=1e-3)
    with pytest.raises(ParameterError, match=r"transitions=.*boolean array of shape \(10080,\)"):
        fit_vasicek(y, transitions=keep[:-1])
    with pytest.raises(DataError, match="at least 10"):
        fit_vasicek(y, transitions=np.arange(y.size - 1) < 5)
