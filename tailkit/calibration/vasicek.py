"""Vasicek (Ornstein-Uhlenbeck) maximum likelihood from observed yields.

The exact transition of the OU process sampled every ``dt`` is a Gaussian AR(1),
``r_{t+1} = a + b r_t + e_t`` with ``b = exp(-kappa dt)``, ``a = theta (1 - b)`` and
``Var(e) = sigma^2 (1 - b^2) / (2 kappa)``. Its conditional (exact-likelihood) MLE is
closed form: OLS for ``(a, b)`` and the mean squared residual for ``Var(e)``; the
parameters follow by inverting those maps (invariance of the MLE). Several tenors are fit
equation by equation and the shock correlation is taken from the residuals and mapped
from the one-step innovations back to the continuous-time Brownian correlation.

Standard errors: the asymptotic covariance of ``(a, b)`` (OLS) and of ``Var(e)``
(``2 s^4 / m``) pushed through the map by the delta method (numerical Jacobian); for the
correlation ``(1 - rho^2) / sqrt(m)``. The MLE of ``kappa`` is biased upward in short
samples (half-lives of years need decades of data), which the standard error shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D
from tailkit.calibration._inputs import as_panel
from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable, make_diagnostics
from tailkit.errors import ConvergenceError, DataError, ParameterError, describe_bad_value
from tailkit.simulation.correlation import nearest_correlation
from tailkit.simulation.vasicek import VasicekParams

__all__ = ["VasicekFit", "fit_vasicek"]


@dataclass(frozen=True, slots=True)
class VasicekFit:
    """Result of :func:`fit_vasicek`.

    Parameters
    ----------
    params : VasicekParams
        Estimated kappa, theta, sigma per tenor and the shock correlation.
    table : ParameterTable
        Estimates and standard errors (``kappa[name]``, ``theta[name]``, ``sigma[name]``,
        ``rho[name1,name2]``).
    diagnostics : FitDiagnostics
        Log-likelihood of the joint Gaussian transition, AIC/BIC, convergence.
    names : tuple of str
        Tenor names (DataFrame columns).
    dt : float
        Sampling interval in years.
    last : ndarray of shape (n_tenors,)
        Last observed yields (the natural ``r0`` of a simulation).
    residuals : ndarray of shape (n_pairs, n_tenors)
        One-step innovations ``r_{t+1} - E[r_{t+1} | r_t]``, one row per transition used
        (``n_obs - 1`` unless ``transitions`` left pairs out).
    """

    params: VasicekParams
    table: ParameterTable
    diagnostics: FitDiagnostics
    names: tuple[str, ...]
    dt: float
    last: Float1D
    residuals: Float2D

    def to_frame(self) -> pd.DataFrame:
        """Estimates and standard errors, one row per parameter."""
        return self.table.to_frame()

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict: parameters, standard errors, diagnostics."""
        return {
            "names": list(self.names),
            "dt": self.dt,
            "params": self.params.to_dict(),
            "std_errors": self.table.to_dict(),
            "last": [float(x) for x in self.last],
            "diagnostics": self.diagnostics.to_dict(),
        }


def _map(a: float, b: float, s2: float, dt: float) -> np.ndarray:
    kappa = -np.log(b) / dt
    theta = a / (1.0 - b)
    sigma = np.sqrt(s2 * 2.0 * kappa / (1.0 - b * b))
    return np.array([kappa, theta, sigma])


def _jacobian(x: np.ndarray, dt: float) -> np.ndarray:
    jac = np.empty((3, 3))
    for j in range(3):
        h = 1e-6 * max(abs(x[j]), 1e-8)
        up = x.copy()
        dn = x.copy()
        up[j] += h
        dn[j] -= h
        jac[:, j] = (_map(up[0], up[1], up[2], dt) - _map(dn[0], dn[1], dn[2], dt)) / (2 * h)
    return jac


def _transition_mask(transitions: Any, n_pairs: int) -> np.ndarray:
    ok = np.asarray(transitions)
    if ok.dtype != np.bool_ or ok.shape != (n_pairs,):
        raise ParameterError(
            describe_bad_value(
                "transitions",
                f"array of dtype {ok.dtype} and shape {ok.shape}",
                f"a boolean array of shape ({n_pairs},) (one flag per consecutive pair of observations)",
            )
        )
    if int(ok.sum()) < 10:
        raise DataError(
            f"transitions: {int(ok.sum())} one-step pairs are marked usable; at least 10 are needed"
        )
    return ok


def fit_vasicek(
    yields: Any, dt: float = 1.0 / 252.0, *, names: Any = None, transitions: Any = None
) -> VasicekFit:
    """Fit one or several correlated Vasicek yields by exact-likelihood MLE (closed form).

    Parameters
    ----------
    yields : DataFrame, Series or ndarray of shape (n_obs,) or (n_obs, n_tenors)
        Yield levels in decimals (0.045 = 4.5%), equally spaced by ``dt``, no missing values.
    dt : float, default=1/252
        Sampling interval in years (1/252 for daily data).
    names : sequence of str, optional
        Tenor names (default: the DataFrame's columns).
    transitions : array_like of bool of shape (n_obs - 1,), optional
        ``transitions[t]`` is True when observations ``t`` and ``t + 1`` are one step ``dt``
        apart (default: every consecutive pair is). Pairs marked False (a gap left by an
        excluded window or missing days) are left out of the likelihood, so a gap never counts
        as a one-step move; at least 10 pairs must remain.

    Returns
    -------
    VasicekFit

    Raises
    ------
    DataError
        Missing/non-finite values, fewer than 10 observations or 10 transitions.
    ParameterError
        ``transitions`` is not a boolean array of shape (n_obs - 1,).
    ConvergenceError
        A tenor shows no mean reversion (AR(1) coefficient outside (0, 1)), so no
        Vasicek parameters exist for it.

    Examples
    --------
    >>> import numpy as np
    >>> from tailkit.simulation import VasicekParams, simulate_vasicek
    >>> true = VasicekParams(kappa=(2.0,), theta=(0.04,), sigma=(0.01,))
    >>> y = simulate_vasicek(true, 0.04, n_paths=1, n_steps=5000, seed=1).values[0]
    >>> fit = fit_vasicek(y)
    >>> round(fit.params.theta[0], 2)
    0.04
    """
    if not (isinstance(dt, int | float) and np.isfinite(dt) and dt > 0):
        raise ParameterError(describe_bad_value("dt", dt, "a float > 0 (years)"))
    y, cols = as_panel("yields", yields, min_rows=10, names=names)
    if np.nanmax(np.abs(y)) > 1.0:
        raise ParameterError(
            describe_bad_value(
                "yields", float(np.max(np.abs(y))), "decimals (0.045 = 4.5%); divide percent by 100"
            )
        )
    x, z = y[:-1], y[1:]
    if transitions is not None:
        ok = _transition_mask(transitions, x.shape[0])
        x, z = x[ok], z[ok]
    m, n = z.shape
    kappa = np.empty(n)
    theta = np.empty(n)
    sigma = np.empty(n)
    se = np.empty((n, 3))
    resid = np.empty((m, n))
    for i in range(n):
        xi, zi = x[:, i], z[:, i]
        xm, zm = xi.mean(), zi.mean()
        sxx = np.sum((xi - xm) ** 2)
        if sxx <= 0:
            raise ConvergenceError(f"fit_vasicek: tenor {cols[i]!r} is constant; no parameters to estimate")
        b = float(np.sum((xi - xm) * (zi - zm)) / sxx)
        a = float(zm - b * xm)
        if not 0.0 < b < 1.0:
            raise ConvergenceError(
                f"fit_vasicek: tenor {cols[i]!r} shows no mean reversion (AR(1) coefficient b={b:.6f}, "
                "need 0 < b < 1); use a longer sample or a random-walk model"
            )
        e = zi - a - b * xi
        s2 = float(np.mean(e * e))
        resid[:, i] = e
        kappa[i], theta[i], sigma[i] = _map(a, b, s2, dt)
        # asymptotic covariance of (a, b) and s2
        xtx_inv = np.linalg.inv(np.array([[m, xi.sum()], [xi.sum(), xi @ xi]]))
        cov = np.zeros((3, 3))
        cov[:2, :2] = s2 * xtx_inv
        cov[2, 2] = 2.0 * s2 * s2 / m
        jac = _jacobian(np.array([a, b, s2]), dt)
        se[i] = np.sqrt(np.clip(np.diag(jac @ cov @ jac.T), 0.0, None))
    # residual covariance (MLE) and the continuous-time correlation
    sig_hat = resid.T @ resid / m
    sd = np.sqrt(np.diag(sig_hat))
    r_dt = sig_hat / np.outer(sd, sd)
    v = -np.expm1(-2.0 * kappa * dt) / (2.0 * kappa)
    ksum = kappa[:, None] + kappa[None, :]
    c = -np.expm1(-ksum * dt) / ksum
    rho = np.clip(r_dt * np.sqrt(np.outer(v, v)) / c, -1.0, 1.0)
    np.fill_diagonal(rho, 1.0)
    if np.linalg.eigvalsh(rho)[0] < 0:
        rho = nearest_correlation(rho)
    sign, logdet = np.linalg.slogdet(sig_hat)
    loglik = -0.5 * m * (n * np.log(2.0 * np.pi) + logdet + n) if sign > 0 else -np.inf
    params = VasicekParams(
        kappa=tuple(kappa),
        theta=tuple(theta),
        sigma=tuple(sigma),
        correlation=tuple(tuple(float(v) for v in row) for row in rho),
    )
    labels: list[str] = []
    est: list[float] = []
    ses: list[float] = []
    for i, cname in enumerate(cols):
        for j, pname in enumerate(("kappa", "theta", "sigma")):
            labels.append(f"{pname}[{cname}]")
            est.append(float((kappa, theta, sigma)[j][i]))
            ses.append(float(se[i, j]))
    for i in range(n):
        for j in range(i + 1, n):
            labels.append(f"rho[{cols[i]},{cols[j]}]")
            est.append(float(rho[i, j]))
            ses.append(float((1.0 - rho[i, j] ** 2) / np.sqrt(m)))
    n_params = 3 * n + n * (n - 1) // 2
    diag = make_diagnostics(
        loglik,
        m,
        n_params,
        converged=True,
        method="closed-form exact AR(1) MLE per tenor + residual correlation",
    )
    return VasicekFit(
        params=params,
        table=ParameterTable(tuple(labels), np.asarray(est), np.asarray(ses)),
        diagnostics=diag,
        names=cols,
        dt=float(dt),
        last=y[-1].copy(),
        residuals=resid,
    )
