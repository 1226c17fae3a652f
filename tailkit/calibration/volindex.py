"""Fit the vol-index process (:mod:`tailkit.simulation.volindex`) to an observed index.

Given the index ``V_t`` (e.g. VIX / 100) and the equity's annualised conditional variance
``v_t`` for the next step (e.g. a GJR-GARCH fit's variance forecast made on date t, / dt) on
the same dates, a two-step fit (Engle-Granger style):

1. the target: OLS of ``x_t = log V_t`` on ``[1, 0.5 log v_t]`` gives the level and the
   ``elasticity``, hence ``premium`` at ``reference_vol``;
2. the deviations ``u_t = x_t - m_t`` follow the exact OU step ``u_{t+1} = b u_t + e``
   (regression through the origin), so ``kappa = -log(b) / dt`` and
   ``vol_of_vol = sd(e) sqrt(2 kappa / (1 - b^2))``.

Standard errors of step 1 are the OLS ones inflated by ``sqrt((1 + b) / (1 - b))`` for the
autocorrelated residuals (AR(1) long-run variance); ``kappa`` by the delta method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable, make_diagnostics
from tailkit.errors import ConvergenceError, DataError
from tailkit.simulation.gbm import check_dt
from tailkit.simulation.volindex import VolIndexParams

__all__ = ["VolIndexFit", "fit_vol_index"]


@dataclass(frozen=True, slots=True)
class VolIndexFit:
    """Result of :func:`fit_vol_index`: parameters, estimates and diagnostics."""

    params: VolIndexParams
    table: ParameterTable
    diagnostics: FitDiagnostics

    def to_frame(self) -> pd.DataFrame:
        """Estimates and standard errors."""
        return self.table.to_frame()


def fit_vol_index(
    index: Any, variance: Any, dt: float = 1.0 / 252.0, *, reference_vol: float = 0.16
) -> VolIndexFit:
    """Fit ``kappa``, ``premium``, ``elasticity`` and ``vol_of_vol`` of the vol-index model.

    Parameters
    ----------
    index : Series or array_like of shape (n,)
        Index level in decimals (VIX 20 -> 0.20), > 0.
    variance : Series or array_like of shape (n,)
        Annualised conditional variance of the equity's next step, known on each date, > 0.
        Two Series are aligned on their common dates.
    dt : float, default=1/252
        Step in years.
    reference_vol : float, default=0.16
        Conditional vol at which ``premium`` is quoted.

    Returns
    -------
    VolIndexFit

    Raises
    ------
    DataError
        Fewer than 30 common observations, or non-positive values.
    ConvergenceError
        No mean reversion of the log ratio (AR(1) coefficient outside (0, 1)).
    """
    dt = check_dt(dt)
    if isinstance(index, pd.Series) and isinstance(variance, pd.Series):
        both = pd.concat([index, variance], axis=1, join="inner").dropna()
        v_idx, v_var = both.iloc[:, 0].to_numpy(float), both.iloc[:, 1].to_numpy(float)
    else:
        v_idx, v_var = np.asarray(index, float).ravel(), np.asarray(variance, float).ravel()
    if v_idx.size != v_var.size or v_idx.size < 30:
        raise DataError(
            f"fit_vol_index: need at least 30 common observations, got {min(v_idx.size, v_var.size)}"
        )
    if np.any(~(v_idx > 0)) or np.any(~(v_var > 0)):
        raise DataError("fit_vol_index: index and variance must be positive and finite (index in decimals)")
    x = np.log(v_idx)
    lv = 0.5 * np.log(v_var)
    design = np.column_stack([np.ones(x.size), lv])
    coef, *_ = np.linalg.lstsq(design, x, rcond=None)
    u = x - design @ coef
    u0, u1 = u[:-1], u[1:]
    b = float(u0 @ u1 / (u0 @ u0))
    if not 0.0 < b < 1.0:
        raise ConvergenceError(f"fit_vol_index: log index does not mean-revert to its target (b={b:.4f})")
    e = u1 - b * u0
    m = e.size
    s2 = float(e @ e / m)
    kappa = float(-np.log(b) / dt)
    xi = float(np.sqrt(s2 * 2 * kappa / (1 - b * b)))
    level, beta = float(coef[0]), float(coef[1])
    log_ref = float(np.log(reference_vol))
    premium = float(np.exp(level + beta * log_ref) / reference_vol)
    inflate = np.sqrt((1 + b) / (1 - b))
    cov = float(u @ u / u.size) * np.linalg.inv(design.T @ design) * inflate**2
    grad = np.array([1.0, log_ref])  # d log(premium) / d (level, beta)
    se_premium = premium * float(np.sqrt(grad @ cov @ grad))
    se_kappa = float(np.sqrt(s2 / (u0 @ u0)) / (b * dt))
    params = VolIndexParams(
        kappa=kappa, premium=premium, elasticity=beta, vol_of_vol=xi, reference_vol=float(reference_vol)
    )
    loglik = -0.5 * m * (np.log(2 * np.pi * s2) + 1)
    table = ParameterTable(
        ("kappa", "premium", "elasticity", "vol_of_vol"),
        np.array([kappa, premium, beta, xi]),
        np.array([se_kappa, se_premium, float(np.sqrt(cov[1, 1])), xi / np.sqrt(2 * m)]),
    )
    diag = make_diagnostics(loglik, m, 4, converged=True, method="two-step: OLS target + AR(1) deviations")
    return VolIndexFit(params, table, diag)
