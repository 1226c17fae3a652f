"""Black-Litterman posterior returns.

Equilibrium (reverse optimisation): ``π = δ Σ w_mkt``. Views ``P μ = Q + ε``, ``ε ~ N(0, Ω)``.
Posterior (He & Litterman 1999, in the form that allows ``Ω = 0``)::

    μ_BL = π + τΣPᵀ (PτΣPᵀ + Ω)⁻¹ (Q − Pπ)
    Σ_BL = Σ + τΣ − τΣPᵀ (PτΣPᵀ + Ω)⁻¹ PτΣ

View uncertainty ``Ω`` (diagonal):

``"he_litterman"``
    ``Ω = diag(P τΣ Pᵀ)`` — each view as uncertain as the prior of its portfolio
    (He & Litterman 1999).
``"idzorek"``
    from confidences ``c_k ∈ (0, 1]``: ``ω_k = ((1 − c_k)/c_k) · p_k τΣ p_kᵀ``, the closed form
    of Idzorek's (2005) method (Walters 2014): confidence 1 puts the posterior exactly on the
    view, 0.5 gives the He-Litterman uncertainty, → 0 ignores the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tailkit._typing import Float1D, Float2D
from tailkit._validation import as_float_array, check_finite
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.portfolio.inputs import PortfolioInputs

__all__ = ["BlackLittermanResult", "black_litterman", "equilibrium_returns"]


def equilibrium_returns(cov: Float2D, market_weights: Float1D, risk_aversion: float) -> Float1D:
    """Implied excess returns ``π = δ Σ w_mkt`` (decimal per year).

    Parameters
    ----------
    cov : ndarray of shape (n_assets, n_assets)
        Covariance, decimal² per year.
    market_weights : ndarray of shape (n_assets,)
        Market-capitalisation weights.
    risk_aversion : float
        ``δ > 0``.

    Returns
    -------
    ndarray of shape (n_assets,)
    """
    if not risk_aversion > 0:
        raise ParameterError(describe_bad_value("risk_aversion", risk_aversion, "a float > 0"))
    return risk_aversion * np.asarray(cov, dtype=np.float64) @ np.asarray(market_weights, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class BlackLittermanResult:
    """Black-Litterman prior and posterior.

    Attributes
    ----------
    assets : tuple of str
        Asset names.
    equilibrium : ndarray of shape (n_assets,)
        ``π``, decimal per year.
    posterior_mean : ndarray of shape (n_assets,)
        ``μ_BL``, decimal per year.
    posterior_cov : ndarray of shape (n_assets, n_assets)
        ``Σ_BL``, decimal² per year.
    omega : ndarray of shape (n_views, n_views)
        View uncertainty used.
    tau : float
        Prior scaling.
    risk_aversion : float
        ``δ``.
    """

    assets: tuple[str, ...]
    equilibrium: Float1D
    posterior_mean: Float1D
    posterior_cov: Float2D
    omega: Float2D
    tau: float
    risk_aversion: float

    def to_frame(self) -> pd.DataFrame:
        """Per-asset table: ``equilibrium`` and ``posterior`` expected returns."""
        return pd.DataFrame(
            {"equilibrium": self.equilibrium, "posterior": self.posterior_mean},
            index=pd.Index(self.assets, name="asset"),
        )

    def unconstrained_weights(self) -> pd.Series:
        """Unconstrained optimum ``(δ Σ_BL)⁻¹ μ_BL`` (He & Litterman's ``w*``)."""
        w = np.linalg.solve(self.risk_aversion * self.posterior_cov, self.posterior_mean)
        return pd.Series(w, index=pd.Index(self.assets, name="asset"), name="weight")

    def to_inputs(self, scenarios: Float2D | None = None, periods_per_year: float = 252.0) -> PortfolioInputs:
        """The posterior as :class:`PortfolioInputs` for any optimizer."""
        return PortfolioInputs(
            assets=self.assets,
            mu=self.posterior_mean,
            cov=self.posterior_cov,
            scenarios=scenarios,
            periods_per_year=periods_per_year,
        )


def black_litterman(
    cov: Float2D | pd.DataFrame,
    market_weights: Float1D | pd.Series,
    *,
    risk_aversion: float = 2.5,
    tau: float = 0.05,
    views: Float2D | None = None,
    view_returns: Float1D | None = None,
    confidences: Float1D | None = None,
    omega: Literal["he_litterman", "idzorek"] | Float2D = "he_litterman",
    assets: Sequence[str] | None = None,
) -> BlackLittermanResult:
    """Black-Litterman posterior from market weights and views.

    Parameters
    ----------
    cov : ndarray or DataFrame of shape (n_assets, n_assets)
        Covariance, decimal² per year.
    market_weights : ndarray or Series of shape (n_assets,)
        Equilibrium (market-cap) weights.
    risk_aversion : float, default=2.5
        ``δ``.
    tau : float, default=0.05
        Scale of the prior's uncertainty.
    views : ndarray of shape (n_views, n_assets), optional
        Pick matrix ``P`` (rows: absolute or relative views).
    view_returns : ndarray of shape (n_views,), optional
        ``Q``, decimal per year.
    confidences : ndarray of shape (n_views,), optional
        In (0, 1]; required with ``omega="idzorek"``.
    omega : {"he_litterman", "idzorek"} or ndarray of shape (n_views, n_views), default="he_litterman"
        View uncertainty (see the module docstring) or an explicit matrix.
    assets : sequence of str, optional
        Names (default from ``cov``'s columns or ``market_weights``' index).

    Returns
    -------
    BlackLittermanResult

    Examples
    --------
    >>> import numpy as np
    >>> bl = black_litterman(np.diag([0.04, 0.09]), np.array([0.5, 0.5]))
    >>> [round(float(v), 4) for v in bl.posterior_mean]
    [0.05, 0.1125]
    """
    if assets is None:
        if isinstance(cov, pd.DataFrame):
            assets = [str(c) for c in cov.columns]
        elif isinstance(market_weights, pd.Series):
            assets = [str(c) for c in market_weights.index]
    if isinstance(cov, pd.DataFrame):
        cov = cov.to_numpy(dtype=np.float64)
    if isinstance(market_weights, pd.Series):
        market_weights = (
            market_weights.reindex(list(assets)).to_numpy(dtype=np.float64)
            if assets
            else market_weights.to_numpy()
        )
    s = as_float_array("cov", cov)
    wm = as_float_array("market_weights", market_weights)
    n = wm.shape[0]
    if s.shape != (n, n):
        raise ParameterError(describe_bad_value("cov.shape", s.shape, f"({n}, {n})"))
    check_finite("cov", s)
    check_finite("market_weights", wm)
    if not tau > 0:
        raise ParameterError(describe_bad_value("tau", tau, "a float > 0"))
    assets = tuple(assets) if assets is not None else tuple(f"asset{i}" for i in range(n))
    pi = equilibrium_returns(s, wm, risk_aversion)
    ts = tau * s
    if views is None:
        if view_returns is not None:
            raise ParameterError("view_returns given without views (the pick matrix P)")
        return BlackLittermanResult(assets, pi, pi.copy(), s + ts, np.zeros((0, 0)), tau, risk_aversion)
    p = np.atleast_2d(as_float_array("views", views))
    q = np.atleast_1d(as_float_array("view_returns", view_returns))
    k = p.shape[0]
    if p.shape[1] != n or q.shape != (k,):
        raise ParameterError(
            describe_bad_value("views/view_returns shapes", (p.shape, q.shape), f"(k, {n}) and (k,)")
        )
    pts = p @ ts @ p.T
    if isinstance(omega, str):
        if omega == "he_litterman":
            om = np.diag(np.diag(pts))
        elif omega == "idzorek":
            if confidences is None:
                raise ParameterError("omega='idzorek' needs confidences (one per view, in (0, 1])")
            c = np.atleast_1d(as_float_array("confidences", confidences))
            if c.shape != (k,) or np.any(~(c > 0)) or np.any(c > 1):
                raise ParameterError(describe_bad_value("confidences", c, f"{k} numbers in (0, 1]"))
            om = np.diag((1.0 - c) / c * np.diag(pts))
        else:
            raise ParameterError(describe_bad_value("omega", omega, "'he_litterman', 'idzorek' or a matrix"))
    else:
        om = as_float_array("omega", omega)
        if om.shape != (k, k):
            raise ParameterError(describe_bad_value("omega.shape", om.shape, f"({k}, {k})"))
    gain = np.linalg.solve(pts + om, p @ ts).T  # τΣPᵀ (PτΣPᵀ + Ω)⁻¹, shape (n, k)
    mu = pi + gain @ (q - p @ pi)
    post = s + ts - gain @ p @ ts
    post = 0.5 * (post + post.T)
    return BlackLittermanResult(assets, pi, mu, post, om, tau, risk_aversion)
