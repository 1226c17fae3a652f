"""Result pieces every fit shares: the fit diagnostics and the estimate/std-error table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tailkit._typing import Float1D

__all__ = ["FitDiagnostics", "ParameterTable", "make_diagnostics"]


@dataclass(frozen=True, slots=True)
class FitDiagnostics:
    """Goodness of fit and convergence of one estimation.

    Parameters
    ----------
    loglik : float
        Maximised log-likelihood (natural log, in the units of the data given).
    n_obs : int
        Observations used in the likelihood.
    n_params : int
        Free parameters estimated.
    aic : float
        ``2 k - 2 loglik``.
    bic : float
        ``k log(n_obs) - 2 loglik``.
    converged : bool
        Whether the optimiser (or closed form) reported success.
    method : str
        How the fit was made (e.g. "closed-form AR(1) MLE", "Hamilton filter EM").
    message : str
        Optimiser message or notes.
    """

    loglik: float
    n_obs: int
    n_params: int
    aic: float
    bic: float
    converged: bool
    method: str
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON friendly)."""
        return {
            "loglik": self.loglik,
            "n_obs": self.n_obs,
            "n_params": self.n_params,
            "aic": self.aic,
            "bic": self.bic,
            "converged": self.converged,
            "method": self.method,
            "message": self.message,
        }


def make_diagnostics(
    loglik: float, n_obs: int, n_params: int, *, converged: bool, method: str, message: str = ""
) -> FitDiagnostics:
    """Build :class:`FitDiagnostics` computing AIC and BIC."""
    return FitDiagnostics(
        loglik=float(loglik),
        n_obs=int(n_obs),
        n_params=int(n_params),
        aic=2.0 * n_params - 2.0 * float(loglik),
        bic=n_params * math.log(max(n_obs, 1)) - 2.0 * float(loglik),
        converged=bool(converged),
        method=method,
        message=message,
    )


@dataclass(frozen=True, slots=True)
class ParameterTable:
    """Estimates with standard errors, one row per scalar parameter.

    Parameters
    ----------
    names : tuple of str
        Parameter labels, e.g. ``"kappa[20y]"``.
    estimates : ndarray of shape (n,)
        Point estimates (in the units of the parameter dataclass).
    std_errors : ndarray of shape (n,)
        Asymptotic standard errors (NaN where not available).
    """

    names: tuple[str, ...]
    estimates: Float1D
    std_errors: Float1D

    def __getitem__(self, name: str) -> tuple[float, float]:
        """``(estimate, std_error)`` of parameter ``name``."""
        i = self.names.index(name)
        return float(self.estimates[i]), float(self.std_errors[i])

    def to_frame(self) -> pd.DataFrame:
        """Frame indexed by parameter with columns ``estimate, std_error, t_stat``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            t = self.estimates / self.std_errors
        return pd.DataFrame(
            {"estimate": self.estimates, "std_error": self.std_errors, "t_stat": t},
            index=pd.Index(self.names, name="parameter"),
        )

    def to_dict(self) -> dict[str, dict[str, float]]:
        """``{name: {"estimate": .., "std_error": ..}}``."""
        return {
            n: {"estimate": float(e), "std_error": float(s)}
            for n, e, s in zip(self.names, self.estimates, self.std_errors)
        }
