"""GJR-GARCH(1,1) fits with the ``arch`` package; several assets as constant conditional correlation.

Each asset is fit by ``arch`` (constant mean, GJR-GARCH(1,1), normal or Student-t) on
returns in percent (arch's numerically preferred scale) and the estimates are converted
back to decimal returns (``mu / 100``, ``omega / 100^2``). The constant conditional
correlation is the correlation of the standardised residuals. With several assets and
Student-t shocks tailkit simulates a multivariate t with one ``nu``: the median of the
per-asset estimates. The log-likelihood reported is the sum of the per-asset ones on the
decimal scale (the correlation term of the CCC likelihood is not included).

:func:`fourth_moment_condition` says whether a GJR-GARCH(1,1)'s returns have a finite fourth
moment (so that their sample kurtosis converges) and, when they do, what the kurtosis is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from tailkit._typing import Float1D
from tailkit.calibration._inputs import as_panel
from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable, make_diagnostics
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.simulation.correlation import nearest_correlation
from tailkit.simulation.garch import GJRGARCHParams

__all__ = [
    "FourthMomentCondition",
    "GJRGARCHFit",
    "fit_gjr_garch",
    "fourth_moment_condition",
    "shock_kurtosis",
]

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

    def fourth_moment(self) -> FourthMomentCondition:
        """:func:`fourth_moment_condition` of the fitted parameters (innovation kurtosis of the fit)."""
        return fourth_moment_condition(self.params, names=self.names)


def shock_kurtosis(dist: Literal["normal", "t"], nu: float = 7.0) -> float:
    """Kurtosis ``E[z^4]`` of a unit-variance shock: 3 (normal) or ``3 (nu - 2) / (nu - 4)`` (t).

    Parameters
    ----------
    dist : {"normal", "t"}
        Shock distribution.
    nu : float, default=7.0
        Student-t degrees of freedom (> 2); ignored for ``"normal"``.

    Returns
    -------
    float
        The (non-excess) kurtosis; ``inf`` for a Student-t with ``nu <= 4``, whose fourth
        moment does not exist.

    Examples
    --------
    >>> shock_kurtosis("t", 6.0)
    6.0
    """
    if dist == "normal":
        return 3.0
    if dist != "t":
        raise ParameterError(describe_bad_value("dist", dist, "'normal' or 't'"))
    if not nu > 2.0:
        raise ParameterError(describe_bad_value("nu", nu, "degrees of freedom > 2"))
    return 3.0 * (nu - 2.0) / (nu - 4.0) if nu > 4.0 else float("inf")


@dataclass(frozen=True, slots=True)
class FourthMomentCondition:
    """Existence of the fourth moment of GJR-GARCH(1,1) returns, per asset.

    Parameters
    ----------
    value : ndarray of shape (n_assets,)
        ``beta^2 + 2 beta (alpha + gamma/2) + kappa_z (alpha^2 + alpha gamma + gamma^2/2)``;
        ``inf`` when ``kappa_z`` is infinite and ``alpha`` or ``gamma`` is not 0.
    exists : ndarray of bool, shape (n_assets,)
        ``value < 1`` and ``kappa_z`` finite: the returns have a finite fourth moment
        (``E[eps^4] = kappa_z E[h^2]`` and ``value < 1`` is the condition for ``E[h^2]``).
    innovation_kurtosis : float
        ``kappa_z = E[z^4]`` of the unit-variance shocks used.
    kurtosis : ndarray of shape (n_assets,)
        Kurtosis of the shocks ``eps_t = r_t - mu`` (non-excess)
        ``kappa_z (1 - P^2) / (1 - value)`` with ``P = alpha + gamma/2 + beta``; ``inf`` where
        the fourth moment does not exist.
    names : tuple of str
        Asset names.
    """

    value: Float1D
    exists: npt.NDArray[np.bool_]
    innovation_kurtosis: float
    kurtosis: Float1D
    names: tuple[str, ...]

    @property
    def all_exist(self) -> bool:
        """True when every asset has a finite fourth moment."""
        return bool(np.all(self.exists))

    def to_frame(self) -> pd.DataFrame:
        """One row per asset: ``condition, fourth_moment_exists, innovation_kurtosis, excess_kurtosis``."""
        return pd.DataFrame(
            {
                "condition": self.value,
                "fourth_moment_exists": self.exists,
                "innovation_kurtosis": self.innovation_kurtosis,
                "excess_kurtosis": self.kurtosis - 3.0,
            },
            index=pd.Index(self.names, name="asset"),
        )


def fourth_moment_condition(
    params: GJRGARCHParams, innovation_kurtosis: float | None = None, *, names: Any = None
) -> FourthMomentCondition:
    """Whether GJR-GARCH(1,1) returns have a finite fourth moment, and their kurtosis if so.

    With ``h_{t+1} = omega + h_t (beta + (alpha + gamma 1[z_t < 0]) z_t^2)`` and shocks ``z``
    symmetric about 0 with unit variance and kurtosis ``kappa_z``, the stationary ``E[h^2]``
    is finite if and only if ``E[(beta + (alpha + gamma 1[z < 0]) z^2)^2] < 1``, i.e.

        beta^2 + 2 beta (alpha + gamma/2) + kappa_z (alpha^2 + alpha gamma + gamma^2/2) < 1

    (Ling & McAleer 2002, "Stationarity and the existence of moments of a family of GARCH
    processes", J. Econometrics 106; for GARCH(1,1) with normal shocks, ``gamma = 0`` and
    ``kappa_z = 3``, it is Bollerslev's (1986) ``beta^2 + 2 alpha beta + 3 alpha^2 < 1``).
    When it fails the sample kurtosis of simulated returns does not converge: it grows with
    the number of draws and says nothing about the model's tails. When it holds, the kurtosis
    of ``eps`` is ``kappa_z (1 - P^2) / (1 - value)`` with ``P = alpha + gamma/2 + beta`` (He &
    Terasvirta 1999 for GARCH(1,1); the same algebra with ``value`` for GJR).

    Parameters
    ----------
    params : GJRGARCHParams
        Per-step parameters (e.g. ``fit.params``).
    innovation_kurtosis : float, optional
        ``kappa_z >= 1`` (``inf`` allowed). Default: that of ``params.dist``
        (:func:`shock_kurtosis`: 3 for normal, ``3 (nu - 2)/(nu - 4)`` for Student-t with
        ``nu > 4``, infinite for ``nu <= 4``).
    names : sequence of str, optional
        Asset names (default ``asset0, asset1, ...``).

    Returns
    -------
    FourthMomentCondition

    Examples
    --------
    >>> from tailkit.simulation import GJRGARCHParams
    >>> c = fourth_moment_condition(GJRGARCHParams(alpha=0.1, gamma=0.0, beta=0.8, dist="normal"))
    >>> round(float(c.value[0]), 4), bool(c.exists[0]), round(float(c.kurtosis[0]), 4)
    (0.83, True, 3.3529)
    """
    if innovation_kurtosis is None:
        kz = shock_kurtosis(params.dist, params.nu)
    else:
        kz = float(innovation_kurtosis)
        if not kz >= 1.0:  # E[z^4] >= E[z^2]^2 = 1
            raise ParameterError(
                describe_bad_value(
                    "innovation_kurtosis", innovation_kurtosis, "a kurtosis >= 1 (inf allowed)"
                )
            )
    n = params.n_assets
    alpha = np.asarray(params.alpha, dtype=float) * np.ones(n)
    gamma = np.asarray(params.gamma, dtype=float) * np.ones(n)
    beta = np.asarray(params.beta, dtype=float) * np.ones(n)
    arch_part = alpha**2 + alpha * gamma + 0.5 * gamma**2
    with np.errstate(invalid="ignore"):
        kz_term = np.where(arch_part > 0, kz * arch_part, 0.0)
    value = beta**2 + 2.0 * beta * (alpha + 0.5 * gamma) + kz_term
    exists = (value < 1.0) & bool(np.isfinite(kz))
    pers = alpha + 0.5 * gamma + beta
    with np.errstate(divide="ignore", invalid="ignore"):
        kurt = np.where(exists, kz * (1.0 - pers**2) / (1.0 - value), np.inf)
    labels = tuple(str(x) for x in names) if names is not None else tuple(f"asset{i}" for i in range(n))
    if len(labels) != n:
        raise ParameterError(describe_bad_value("names", list(labels), f"{n} asset names"))
    return FourthMomentCondition(
        value=value, exists=exists, innovation_kurtosis=kz, kurtosis=kurt, names=labels
    )


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
        correlation=tuple(tuple(row) for row in corr.tolist()),
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
