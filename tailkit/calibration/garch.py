"""GJR-GARCH(1,1) fits with the ``arch`` package; several assets as constant conditional correlation.

Each asset is fit by ``arch`` (constant mean, GJR-GARCH(1,1), normal or Student-t) on
returns in percent (arch's numerically preferred scale) and the estimates are converted
back to decimal returns (``mu / 100``, ``omega / 100^2``). The constant conditional
correlation is the correlation of the standardised residuals. With several assets and
Student-t shocks tailkit simulates a multivariate t with one ``nu``: the median of the
per-asset estimates. The log-likelihood reported is the sum of the per-asset ones on the
decimal scale (the correlation term of the CCC likelihood is not included).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from tailkit._typing import Float1D
from tailkit.calibration._inputs import as_panel
from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable, make_diagnostics
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.simulation.correlation import nearest_correlation
from tailkit.simulation.garch import GJRGARCHParams

__all__ = ["GJRGARCHFit", "fit_gjr_garch"]

_SCALE = 100.0


@dataclass(frozen=True, slots=True)
class GJRGARCHFit:
    """Result of :func:`fit_gjr_garch`.

    Parameters
    ----------
    params : GJRGARCHParams
        Per-step parameters in decimal returns.
    table : ParameterTable
        Estimates and arch's robust standard errors (decimal scale).
    diagnostics : FitDiagnostics
        Summed log-likelihood, AIC/BIC, convergence of every asset's optimiser.
    names : tuple of str
        Asset names.
    last_variance : ndarray of shape (n_assets,)
        One-step-ahead conditional variance after the last observation (decimal, per step):
        the natural ``h0`` of a simulation starting today.
    conditional_vol : pandas.DataFrame
        In-sample conditional volatility per step (decimal), one column per asset.
    """

    params: GJRGARCHParams
    table: ParameterTable
    diagnostics: FitDiagnostics
    names: tuple[str, ...]
    last_variance: Float1D
    conditional_vol: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Estimates and standard errors."""
        return self.table.to_frame()


def fit_gjr_garch(returns: Any, dist: Literal["normal", "t"] = "t", *, names: Any = None) -> GJRGARCHFit:
    """Fit GJR-GARCH(1,1) (CCC for several assets) with ``arch``.

    Parameters
    ----------
    returns : DataFrame, Series or ndarray of shape (n_obs,) or (n_obs, n_assets)
        Returns per step (decimals; log or simple).
    dist : {"normal", "t"}, default="t"
        Shock distribution.
    names : sequence of str, optional
        Asset names (default the columns).

    Returns
    -------
    GJRGARCHFit
    """
    from arch import arch_model

    if dist not in ("normal", "t"):
        raise ParameterError(describe_bad_value("dist", dist, "'normal' or 't'"))
    r, cols = as_panel("returns", returns, min_rows=100, names=names)
    n, k = r.shape
    index = returns.index if isinstance(returns, pd.Series | pd.DataFrame) else pd.RangeIndex(n)
    est: dict[str, list[float]] = {p: [] for p in ("mu", "omega", "alpha", "gamma", "beta", "nu")}
    labels: list[str] = []
    values: list[float] = []
    ses: list[float] = []
    std_resid = np.empty((n, k))
    cvol = np.empty((n, k))
    last_var = np.empty(k)
    loglik = 0.0
    converged = True
    messages = []
    scale = {"mu": _SCALE, "omega": _SCALE**2, "alpha[1]": 1.0, "gamma[1]": 1.0, "beta[1]": 1.0, "nu": 1.0}
    for a in range(k):
        model = arch_model(_SCALE * r[:, a], mean="Constant", vol="GARCH", p=1, o=1, q=1, dist=dist)
        res = model.fit(disp="off", show_warning=False)
        converged &= res.convergence_flag == 0
        messages.append(f"{cols[a]}: {res.optimization_result.message}")
        for pname in res.params.index:
            short = pname.split("[")[0]
            value = float(res.params[pname]) / scale[pname]
            est[short].append(value)
            labels.append(f"{short}[{cols[a]}]")
            values.append(value)
            ses.append(float(res.std_err[pname]) / scale[pname])
        loglik += float(res.loglikelihood) + n * np.log(_SCALE)
        std_resid[:, a] = np.asarray(res.std_resid)
        cvol[:, a] = np.asarray(res.conditional_volatility) / _SCALE
        last_var[a] = float(res.forecast(horizon=1, reindex=False).variance.iloc[-1, 0]) / _SCALE**2
    corr = np.corrcoef(std_resid.T).reshape(k, k)
    np.fill_diagonal(corr, 1.0)
    if k > 1 and np.linalg.eigvalsh(corr)[0] < 0:
        corr = nearest_correlation(corr)
    for i in range(k):
        for j in range(i + 1, k):
            labels.append(f"rho[{cols[i]},{cols[j]}]")
            values.append(float(corr[i, j]))
            ses.append((1 - corr[i, j] ** 2) / np.sqrt(n))
    nu = float(np.median(est["nu"])) if dist == "t" else 7.0
    params = GJRGARCHParams(
        mu=tuple(est["mu"]),
        omega=tuple(est["omega"]),
        alpha=tuple(est["alpha"]),
        gamma=tuple(est["gamma"]),
        beta=tuple(est["beta"]),
        dist=dist,
        nu=nu,
        correlation=corr,
    )
    n_params = k * (5 + (dist == "t")) + k * (k - 1) // 2
    diag = make_diagnostics(
        loglik, n, n_params, converged=bool(converged), method="arch GJR-GARCH(1,1) MLE per asset + CCC",
        message="; ".join(messages),
    )  # fmt: skip
    return GJRGARCHFit(
        params,
        ParameterTable(tuple(labels), np.asarray(values), np.asarray(ses)),
        diag,
        cols,
        last_var,
        pd.DataFrame(cvol, index=index, columns=list(cols)),
    )
