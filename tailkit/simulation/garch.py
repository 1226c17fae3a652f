"""GJR-GARCH(1,1) with normal or Student-t shocks; several assets via constant conditional correlation.

Per asset ``i`` and step ``t`` (one step = one observation period of the fit, a trading
day for daily data; all parameters are per step and in decimal returns):

    r_t = mu + eps_t,    eps_t = sqrt(h_t) e_t,
    h_{t+1} = omega + (alpha + gamma 1[eps_t < 0]) eps_t^2 + beta h_t.

``e_t`` across assets is ``L z`` (``L L' = correlation``) for normal shocks, or the same
scaled by ``sqrt((nu - 2) / W)`` with one ``W ~ chi2(nu)`` per step shared by all assets
(a standardised multivariate Student-t: unit variance, tail dependence). With a jump layer
the jump (minus its compensator) is part of ``eps_t`` and so feeds the variance: a crash
raises next-day volatility. Prices are ``S_t = S_0 exp(sum r)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tailkit._typing import Float1D, SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.simulation import _kernels as K
from tailkit.simulation._common import as_float_tuple, default_names, start_values, vector
from tailkit.simulation._streams import check_counts, plan_blocks
from tailkit.simulation.correlation import check_correlation, correlation_cholesky
from tailkit.simulation.gbm import check_dt, coerce_matrix_field
from tailkit.simulation.jumps import JumpParams, jump_table
from tailkit.simulation.paths import Paths, time_grid

__all__ = ["GJRGARCHParams", "simulate_gjr_garch"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GJRGARCHParams:
    """GJR-GARCH(1,1)-CCC parameters, per step (daily) and in decimal returns.

    Parameters
    ----------
    mu : tuple of float, default=(0.0004,)
        Mean return per step, per asset.
    omega : tuple of float, default=(2e-6,)
        Variance intercept per step (> 0).
    alpha : tuple of float, default=(0.02,)
        ARCH coefficient (>= 0).
    gamma : tuple of float, default=(0.12,)
        Leverage coefficient: extra ARCH weight after negative shocks.
    beta : tuple of float, default=(0.89,)
        GARCH coefficient (>= 0).
    dist : {"normal", "t"}, default="t"
        Shock distribution.
    nu : float, default=7.0
        Student-t degrees of freedom (> 2; used when ``dist="t"``).
    correlation : tuple of tuple of float, default=((1.0,),)
        Constant conditional correlation of the shocks, shape (n, n).
    """

    mu: tuple[float, ...] = param((0.0004,), ge=-0.1, le=0.1, doc="mean return per step")
    omega: tuple[float, ...] = param((2e-6,), gt=0.0, le=0.01, doc="variance intercept per step")
    alpha: tuple[float, ...] = param((0.02,), ge=0.0, le=1.0, doc="ARCH coefficient")
    gamma: tuple[float, ...] = param((0.12,), ge=-1.0, le=1.0, doc="leverage (asymmetry) coefficient")
    beta: tuple[float, ...] = param((0.89,), ge=0.0, lt=1.0, doc="GARCH coefficient")
    dist: Literal["normal", "t"] = param("t", choices=("normal", "t"), doc="shock distribution")
    nu: float = param(7.0, gt=2.0, le=500.0, doc="Student-t degrees of freedom")
    correlation: tuple[tuple[float, ...], ...] = param(((1.0,),), doc="constant conditional correlation")

    def __post_init__(self) -> None:
        for name in ("mu", "omega", "alpha", "gamma", "beta"):
            object.__setattr__(self, name, as_float_tuple(getattr(self, name)))
        coerce_matrix_field(self, "correlation")
        validate(self)
        n = self.n_assets
        alpha, gamma = vector("alpha", self.alpha, n), vector("gamma", self.gamma, n)
        for name in ("mu", "omega", "beta"):
            vector(name, getattr(self, name), n)
        if np.any(alpha + gamma < 0):
            raise ParameterError(describe_bad_value("alpha + gamma", list(alpha + gamma), "values >= 0"))
        pers = self.persistence()
        if np.any(pers >= 1.0):
            i = int(np.argmax(pers))
            raise ParameterError(
                describe_bad_value(
                    f"persistence alpha + gamma/2 + beta of asset {i}",
                    float(pers[i]),
                    "a value < 1 (covariance stationary); lower alpha, gamma or beta",
                )
            )
        check_correlation("correlation", self.correlation, n)

    @property
    def n_assets(self) -> int:
        """Number of assets (size of the correlation matrix)."""
        return len(self.correlation)

    def persistence(self) -> Float1D:
        """``alpha + gamma / 2 + beta`` per asset (symmetric shocks)."""
        n = self.n_assets
        return (
            vector("alpha", self.alpha, n)
            + 0.5 * vector("gamma", self.gamma, n)
            + vector("beta", self.beta, n)
        )

    def unconditional_variance(self) -> Float1D:
        """Long-run variance per step ``omega / (1 - persistence)``, per asset."""
        return vector("omega", self.omega, self.n_assets) / (1.0 - self.persistence())


def simulate_gjr_garch(
    params: GJRGARCHParams,
    *,
    n_paths: int,
    n_steps: int,
    dt: float = 1.0 / 252.0,
    s0: Any = 1.0,
    h0: Any = None,
    seed: SeedLike = None,
    jumps: JumpParams | None = None,
    names: Any = None,
    store_variance: bool = True,
    first_path: int = 0,
) -> Paths:
    """Simulate GJR-GARCH(1,1)-CCC prices with tailkit's kernel (optionally with jumps).

    Parameters
    ----------
    params : GJRGARCHParams
        Per-step parameters (e.g. from :func:`tailkit.calibration.fit_gjr_garch`).
    n_paths, n_steps : int
        Paths and steps.
    dt : float, default=1/252
        Length of one step in years (the time grid and the jump intensities use it).
    s0 : float or array_like, default=1.0
        Starting prices.
    h0 : float or array_like of shape (n_assets,), optional
        Variance of the first step; default the unconditional variance.
    seed : int, Generator, SeedSequence or None
        Randomness; path ``i`` depends only on the seed and ``i``.
    jumps : JumpParams, optional
        Jump layer (compensated in the mean log return).
    names : sequence of str, optional
        Asset names.
    store_variance : bool, default=True
        Return the conditional variance path (doubles the memory).
    first_path : int, default=0
        Global index of the first path.

    Returns
    -------
    Paths
        Prices and ``variance`` of shape (n_paths, n_steps + 1, n_assets) (per step).

    Examples
    --------
    >>> paths = simulate_gjr_garch(GJRGARCHParams(), n_paths=10, n_steps=252, seed=1)
    >>> paths.variance.shape
    (10, 253, 1)
    """
    check_counts(n_paths, n_steps, first_path)
    dt = check_dt(dt)
    n = params.n_assets
    mu = vector("mu", params.mu, n)
    omega = vector("omega", params.omega, n)
    alpha = vector("alpha", params.alpha, n)
    gamma = vector("gamma", params.gamma, n)
    beta = vector("beta", params.beta, n)
    h_start = params.unconditional_variance() if h0 is None else start_values("h0", h0, n, positive=True)
    log_s0 = np.log(start_values("s0", s0, n, positive=True))
    has_jumps, table = jump_table(jumps, n, dt, "log")
    chol = correlation_cholesky(np.asarray(params.correlation, dtype=float))
    nu = float(params.nu) if params.dist == "t" else 0.0
    out = np.empty((n_paths, n_steps + 1, n), dtype=np.float64)
    var = np.empty((n_paths, n_steps + 1, n) if store_variance else (1, 1, 1), dtype=np.float64)

    plan = plan_blocks(seed, first_path, n_paths)
    K.gjr_paths(
        plan.gens,
        plan.skips,
        plan.counts,
        plan.starts,
        log_s0,
        mu,
        omega,
        alpha,
        gamma,
        beta,
        h_start,
        chol,
        nu,
        has_jumps,
        table,
        store_variance,
        out,
        var,
    )
    np.exp(out, out=out)
    return Paths(
        values=out,
        times=time_grid(n_steps, dt),
        names=default_names(names, n),
        variance=var if store_variance else None,
        first_path=first_path,
    )
