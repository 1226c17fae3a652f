"""GBM and Merton jump-diffusion fits to log returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from tailkit.calibration._inputs import as_panel
from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable, make_diagnostics
from tailkit.errors import ConvergenceError, ParameterError, describe_bad_value
from tailkit.simulation.correlation import nearest_correlation
from tailkit.simulation.gbm import GBMParams, check_dt
from tailkit.simulation.jumps import JumpParams

__all__ = ["GBMFit", "fit_gbm", "MertonFit", "fit_merton", "merton_logpdf"]


@dataclass(frozen=True, slots=True)
class GBMFit:
    """Result of :func:`fit_gbm`: parameters, estimate table and diagnostics."""

    params: GBMParams
    table: ParameterTable
    diagnostics: FitDiagnostics
    names: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """Estimates and standard errors."""
        return self.table.to_frame()


def fit_gbm(returns: Any, dt: float = 1.0 / 252.0, *, names: Any = None) -> GBMFit:
    """Fit correlated GBM to log returns by maximum likelihood (closed form).

    ``sigma = sd / sqrt(dt)``, ``mu = mean / dt + sigma^2 / 2`` (MLE ``sd`` divides by n);
    the correlation is that of the returns. Standard errors: ``se(mu) = sd / (dt sqrt(n))``
    (the ``sigma^2/2`` term's error is second order), ``se(sigma) = sigma / sqrt(2 n)``,
    ``se(rho) = (1 - rho^2) / sqrt(n)``.

    Parameters
    ----------
    returns : DataFrame, Series or ndarray of shape (n_obs,) or (n_obs, n_assets)
        Log returns per step (decimals).
    dt : float, default=1/252
        Step in years.
    names : sequence of str, optional
        Asset names (default the columns).

    Returns
    -------
    GBMFit
    """
    dt = check_dt(dt)
    r, cols = as_panel("returns", returns, min_rows=3, names=names)
    n, k = r.shape
    mean = r.mean(axis=0)
    cov = np.cov(r.T, bias=True).reshape(k, k)
    sd = np.sqrt(np.diag(cov))
    if np.any(sd <= 0):
        raise ParameterError(describe_bad_value("returns", "constant column", "returns that vary"))
    sigma = sd / np.sqrt(dt)
    mu = mean / dt + 0.5 * sigma**2
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    if np.linalg.eigvalsh(corr)[0] < 0:
        corr = nearest_correlation(corr)
    sign, logdet = np.linalg.slogdet(cov)
    loglik = -0.5 * n * (k * np.log(2 * np.pi) + logdet + k) if sign > 0 else -np.inf
    labels, est, se = [], [], []
    for i, c in enumerate(cols):
        labels += [f"mu[{c}]", f"sigma[{c}]"]
        est += [mu[i], sigma[i]]
        se += [sd[i] / (dt * np.sqrt(n)), sigma[i] / np.sqrt(2 * n)]
    for i in range(k):
        for j in range(i + 1, k):
            labels.append(f"rho[{cols[i]},{cols[j]}]")
            est.append(corr[i, j])
            se.append((1 - corr[i, j] ** 2) / np.sqrt(n))
    params = GBMParams(mu=tuple(mu), sigma=tuple(sigma), correlation=corr)
    diag = make_diagnostics(
        loglik, n, 2 * k + k * (k - 1) // 2, converged=True, method="closed-form Gaussian MLE"
    )
    return GBMFit(
        params, ParameterTable(tuple(labels), np.asarray(est, float), np.asarray(se, float)), diag, cols
    )


def merton_logpdf(x: Any, mu: float, sigma: float, lam: float, jump_mean: float, jump_vol: float, dt: float,
                  n_max: int = 12) -> np.ndarray:  # fmt: skip
    """Log density of one Merton log return over ``dt`` (Poisson mixture of normals).

    ``x = (mu - sigma^2/2 - lam k) dt + sigma sqrt(dt) Z + sum_{i<=N} J_i``, ``N ~ Poisson(lam dt)``,
    ``J ~ N(jump_mean, jump_vol^2)``, ``k = exp(jump_mean + jump_vol^2/2) - 1``; the series is
    truncated at ``n_max`` jumps per step (the omitted mass is ``P(N > n_max)``, negligible for
    daily steps).

    Parameters
    ----------
    x : array_like
        Log returns.
    mu, sigma, lam, jump_mean, jump_vol : float
        Drift, diffusion vol, jump intensity per year, log-jump mean and std dev.
    dt : float
        Step in years.
    n_max : int, default=12
        Series truncation.

    Returns
    -------
    ndarray
        Log densities, same shape as ``x``.
    """
    x = np.asarray(x, dtype=np.float64)
    k = np.expm1(jump_mean + 0.5 * jump_vol**2)
    base = (mu - 0.5 * sigma**2 - lam * k) * dt
    n = np.arange(n_max + 1)
    lam_dt = lam * dt
    log_pois = (
        n * np.log(lam_dt) - lam_dt - special.gammaln(n + 1) if lam_dt > 0 else np.where(n == 0, 0.0, -np.inf)
    )
    var = sigma**2 * dt + n * jump_vol**2
    mean = base + n * jump_mean
    comp = log_pois - 0.5 * np.log(2 * np.pi * var) - 0.5 * (x[..., None] - mean) ** 2 / var
    return special.logsumexp(comp, axis=-1)


@dataclass(frozen=True, slots=True)
class MertonFit:
    """Result of :func:`fit_merton`: the diffusion, the jump layer, estimates and diagnostics."""

    params: GBMParams
    jumps: JumpParams
    table: ParameterTable
    diagnostics: FitDiagnostics

    def to_frame(self) -> pd.DataFrame:
        """Estimates and standard errors."""
        return self.table.to_frame()


def _hessian(f: Any, x: np.ndarray, rel: float = 1e-4) -> np.ndarray:
    k = x.size
    h = rel * np.maximum(np.abs(x), 1e-3)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = h[i]
            ej[j] = h[j]
            val = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            hess[i, j] = hess[j, i] = val
    return hess


def fit_merton(returns: Any, dt: float = 1.0 / 252.0, *, max_intensity: float = 252.0) -> MertonFit:
    """Fit a univariate Merton jump-diffusion by maximum likelihood of its exact density.

    The density of a log return is the Poisson mixture of normals in
    :func:`merton_logpdf` (series truncated where the omitted Poisson mass is below 1e-14 at
    ``max_intensity``); the log-likelihood is maximised with L-BFGS-B from several
    starting points (jump intensities 2, 8 and 25 per year), keeping the best. Standard errors
    come from the inverse of a finite-difference Hessian at the optimum. The jump layer
    returned is compensated, so the fitted ``mu`` is the expected growth rate as in
    :func:`tailkit.simulation.simulate_merton`. With one asset the jumps are the market jumps.

    Parameters
    ----------
    returns : Series or ndarray of shape (n_obs,)
        Daily (per ``dt``) log returns, decimals.
    dt : float, default=1/252
        Step in years.
    max_intensity : float, default=252.0
        Upper bound of the jump intensity (per year). On daily index data the unconstrained MLE
        tends to use many small jumps to mimic volatility clustering; a cap (e.g. 10 a year)
        makes the jumps describe crashes.

    Returns
    -------
    MertonFit

    Raises
    ------
    ConvergenceError
        When no start converges.
    """
    dt = check_dt(dt)
    r, _ = as_panel("returns", returns, min_rows=50)
    if r.shape[1] != 1:
        raise ParameterError(describe_bad_value("returns", r.shape, "one series (fit each asset separately)"))
    x = r[:, 0]
    sd = x.std()
    mad_sigma = 1.4826 * np.median(np.abs(x - np.median(x))) / np.sqrt(dt)

    # truncate the Poisson series where the omitted mass is < 1e-14 at the largest intensity
    n_max = int(max(3, stats.poisson.isf(1e-14, max_intensity * dt) + 1))

    def nll(theta: np.ndarray) -> float:
        mu, sigma, lam, jump_mean, jump_vol = theta
        val = -np.sum(merton_logpdf(x, mu, sigma, lam, jump_mean, jump_vol, dt, n_max=n_max))
        return float(val) if np.isfinite(val) else 1e300

    if not (isinstance(max_intensity, int | float) and 1e-2 < max_intensity <= 252.0):
        raise ParameterError(describe_bad_value("max_intensity", max_intensity, "a number in (0.01, 252]"))
    bounds = [(-5.0, 5.0), (1e-4, 5.0), (1e-3, float(max_intensity)), (-1.0, 1.0), (1e-4, 1.0)]
    best = None
    for lam0 in sorted({min(v, 0.9 * max_intensity) for v in (2.0, 8.0, 25.0)}):
        start = np.array([x.mean() / dt, max(mad_sigma, 1e-3), lam0, -2 * sd, 3 * sd])
        res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=bounds)
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    if not np.isfinite(best.fun) or best.fun >= 1e299:
        raise ConvergenceError(f"fit_merton: the likelihood could not be maximised ({best.message})")
    theta = best.x
    try:
        cov = np.linalg.inv(_hessian(nll, theta))
        se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
    except np.linalg.LinAlgError:
        se = np.full(theta.size, np.nan)
    mu, sigma, lam, jm, js = (float(v) for v in theta)
    labels = ("mu", "sigma", "jump_intensity", "jump_mean", "jump_vol")
    diag = make_diagnostics(
        -best.fun, x.size, 5, converged=bool(best.success), method="MLE of the Merton density (L-BFGS-B)",
        message=str(best.message),
    )  # fmt: skip
    return MertonFit(
        params=GBMParams(mu=(mu,), sigma=(sigma,)),
        jumps=JumpParams(market_intensity=lam, market_mean=(jm,), market_vol=(js,), compensate=True),
        table=ParameterTable(labels, theta.copy(), se),
        diagnostics=diag,
    )
