"""Vasicek / Ornstein-Uhlenbeck short rates or yields, one or several correlated, exact steps.

Each tenor ``i`` follows ``dr_i = kappa_i (theta_i - r_i) dt + sigma_i dW_i`` with
``d<W_i, W_j> = rho_ij dt``. The transition over a step ``dt`` is Gaussian and simulated
exactly (no Euler error):

    r_i(t + dt) = theta_i + (r_i(t) - theta_i) exp(-kappa_i dt) + eta_i,
    Cov(eta_i, eta_j) = rho_ij sigma_i sigma_j (1 - exp(-(kappa_i + kappa_j) dt)) / (kappa_i + kappa_j).

``kappa_i = 0`` is a driftless random walk (``theta_i`` unused): every formula below takes its
limit ``(1 - exp(-k t)) / k -> t`` as ``k -> 0``.

This is the rates engine of the TLT overlay (20y and 30y yields).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tailkit._typing import Float1D, Float2D, SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.simulation import _kernels as K
from tailkit.simulation._common import as_float_tuple, default_names, start_values, vector
from tailkit.simulation._streams import check_counts, plan_blocks
from tailkit.simulation.correlation import as_nested_tuple, check_correlation, correlation_cholesky
from tailkit.simulation.paths import Paths, time_grid

__all__ = [
    "VasicekParams",
    "simulate_vasicek",
    "vasicek_innovation_cov",
    "vasicek_mean",
    "vasicek_variance",
    "vasicek_bond_price",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class VasicekParams:
    """Vasicek parameters for one or several correlated yields (decimals, years).

    Parameters
    ----------
    kappa : tuple of float, default=(0.5,)
        Mean-reversion speed per tenor, per year (>= 0; 0 is a driftless random walk and
        ``theta`` is then unused).
    theta : tuple of float, default=(0.04,)
        Long-run mean per tenor, decimal (0.04 = 4%).
    sigma : tuple of float, default=(0.01,)
        Volatility per tenor, decimal per sqrt(year) (> 0).
    correlation : tuple of tuple of float, default=((1.0,),)
        Correlation of the driving Brownian motions, shape (n, n).

    Examples
    --------
    >>> p = VasicekParams(kappa=(0.3, 0.25), theta=(0.045, 0.047), sigma=(0.008, 0.0075),
    ...                   correlation=((1, 0.95), (0.95, 1)))
    >>> p.n_tenors
    2
    """

    kappa: tuple[float, ...] = param(
        (0.5,), ge=0.0, le=1000.0, doc="mean-reversion speed per tenor, per year (0 = random walk)"
    )
    theta: tuple[float, ...] = param((0.04,), ge=-1.0, le=1.0, doc="long-run mean per tenor, decimal")
    sigma: tuple[float, ...] = param(
        (0.01,), gt=0.0, le=1.0, doc="volatility per tenor, decimal per sqrt(year)"
    )
    correlation: tuple[tuple[float, ...], ...] = param(((1.0,),), doc="correlation of the rate shocks")

    def __post_init__(self) -> None:
        for name in ("kappa", "theta", "sigma"):
            object.__setattr__(self, name, as_float_tuple(getattr(self, name)))
        if not isinstance(self.correlation, tuple) or any(not isinstance(r, tuple) for r in self.correlation):
            try:
                object.__setattr__(self, "correlation", as_nested_tuple(self.correlation))
            except (TypeError, ValueError):
                raise ParameterError(
                    describe_bad_value("correlation", self.correlation, "a square matrix of numbers")
                ) from None
        validate(self)
        n = len(self.kappa)
        if len(self.theta) != n or len(self.sigma) != n:
            raise ParameterError(
                describe_bad_value(
                    "theta/sigma",
                    (self.theta, self.sigma),
                    f"as many values as kappa ({n})",
                )
            )
        check_correlation("correlation", self.correlation, n)

    @property
    def n_tenors(self) -> int:
        """Number of tenors (yields)."""
        return len(self.kappa)

    def arrays(self) -> tuple[Float1D, Float1D, Float1D, Float2D]:
        """``(kappa, theta, sigma, correlation)`` as arrays."""
        n = self.n_tenors
        return (
            vector("kappa", self.kappa, n),
            vector("theta", self.theta, n),
            vector("sigma", self.sigma, n),
            np.asarray(self.correlation, dtype=np.float64),
        )

    def to_dict(self) -> dict[str, Any]:
        """Flat dict of the parameters (lists)."""
        return {
            "kappa": list(self.kappa),
            "theta": list(self.theta),
            "sigma": list(self.sigma),
            "correlation": [list(r) for r in self.correlation],
        }


def _decay_integral(k: Any, t: Any) -> Any:
    """``(1 - exp(-k t)) / k``, elementwise, with its limit ``t`` where ``k = 0``."""
    k, t = np.broadcast_arrays(np.asarray(k, dtype=np.float64), np.asarray(t, dtype=np.float64))
    safe = np.where(k > 0, k, 1.0)
    return np.where(k > 0, -np.expm1(-safe * t) / safe, t)


def vasicek_innovation_cov(params: VasicekParams, dt: float) -> Float2D:
    """Covariance of the exact one-step innovations, shape (n, n), decimals squared.

    ``rho_ij sigma_i sigma_j (1 - exp(-(kappa_i + kappa_j) dt)) / (kappa_i + kappa_j)``
    (``rho_ij sigma_i sigma_j dt`` when both kappas are 0).
    """
    kappa, _, sigma, corr = params.arrays()
    ksum = kappa[:, None] + kappa[None, :]
    return corr * np.outer(sigma, sigma) * _decay_integral(ksum, dt)


def vasicek_mean(params: VasicekParams, r0: Any, t: Any) -> Float2D:
    """Conditional mean ``E[r(t) | r(0) = r0]``, shape (len(t), n_tenors).

    ``theta + (r0 - theta) exp(-kappa t)``.
    """
    kappa, theta, _, _ = params.arrays()
    r0a = start_values("r0", r0, params.n_tenors, positive=False)
    tt = np.atleast_1d(np.asarray(t, dtype=np.float64))[:, None]
    return theta + (r0a - theta) * np.exp(-kappa * tt)


def vasicek_variance(params: VasicekParams, t: Any) -> Float2D:
    """Conditional variance ``Var[r(t) | r(0)]``, shape (len(t), n_tenors).

    ``sigma^2 (1 - exp(-2 kappa t)) / (2 kappa)`` (``sigma^2 t`` when kappa is 0).
    """
    kappa, _, sigma, _ = params.arrays()
    tt = np.atleast_1d(np.asarray(t, dtype=np.float64))[:, None]
    return sigma**2 * _decay_integral(2.0 * kappa, tt)


def vasicek_bond_price(params: VasicekParams, r0: Any, maturity: Any) -> Float2D:
    """Zero-coupon bond price when each tenor's rate is the Vasicek short rate (risk-neutral).

    ``P = A exp(-B r0)``, ``B = (1 - exp(-kappa T)) / kappa``,
    ``log A = (theta - sigma^2 / (2 kappa^2)) (B - T) - sigma^2 B^2 / (4 kappa)``
    (Vasicek 1977; Brigo & Mercurio, *Interest Rate Models*, eq. 3.8); for ``kappa = 0``
    its limit ``P = exp(-r0 T + sigma^2 T^3 / 6)`` (the driftless Gaussian short rate).

    Parameters
    ----------
    params : VasicekParams
        The model (read as risk-neutral dynamics).
    r0 : float or array_like of shape (n_tenors,)
        Short rate(s) today, decimal.
    maturity : float or array_like of shape (m,)
        Bond maturities in years.

    Returns
    -------
    ndarray of shape (m, n_tenors)
        Prices per unit face value.
    """
    kappa, theta, sigma, _ = params.arrays()
    r0a = start_values("r0", r0, params.n_tenors, positive=False)
    tt = np.atleast_1d(np.asarray(maturity, dtype=np.float64))[:, None]
    b = _decay_integral(kappa, tt)
    k = np.where(kappa > 0, kappa, 1.0)
    log_a = np.where(
        kappa > 0,
        (theta - sigma**2 / (2 * k**2)) * (b - tt) - sigma**2 * b**2 / (4 * k),
        sigma**2 * tt**3 / 6.0,
    )
    return np.exp(log_a - b * r0a)


def simulate_vasicek(
    params: VasicekParams,
    r0: Any,
    *,
    n_paths: int,
    n_steps: int,
    dt: float = 1.0 / 252.0,
    seed: SeedLike = None,
    names: Any = None,
    first_path: int = 0,
) -> Paths:
    """Simulate correlated Vasicek yields with the exact Gaussian transition.

    Parameters
    ----------
    params : VasicekParams
        kappa, theta, sigma per tenor and the shock correlation.
    r0 : float or array_like of shape (n_tenors,)
        Starting yields, decimal.
    n_paths : int
        Number of paths.
    n_steps : int
        Number of steps of length ``dt``.
    dt : float, default=1/252
        Step in years.
    seed : int, Generator, SeedSequence or None
        Randomness; path ``i`` depends only on the seed and ``i`` (see ``first_path``).
    names : sequence of str, optional
        Tenor names (default ``r0, r1, ...``).
    first_path : int, default=0
        Global index of the first path, for chunked studies.

    Returns
    -------
    Paths
        ``values`` of shape (n_paths, n_steps + 1, n_tenors), ``kind="level"``.

    Examples
    --------
    >>> p = VasicekParams(kappa=(0.3, 0.25), theta=(0.045, 0.047), sigma=(0.008, 0.0075),
    ...                   correlation=((1, 0.95), (0.95, 1)))
    >>> paths = simulate_vasicek(p, (0.044, 0.046), n_paths=1000, n_steps=45, seed=42)
    >>> paths.values.shape
    (1000, 46, 2)
    """
    check_counts(n_paths, n_steps, first_path)
    if not (isinstance(dt, int | float) and np.isfinite(dt) and dt > 0):
        raise ParameterError(describe_bad_value("dt", dt, "a float > 0 (years)"))
    n = params.n_tenors
    kappa, theta, _, _ = params.arrays()
    r0a = start_values("r0", r0, n, positive=False)
    chol = correlation_cholesky(vasicek_innovation_cov(params, dt))
    decay = np.exp(-kappa * dt)
    out = np.empty((n_paths, n_steps + 1, n), dtype=np.float64)

    plan = plan_blocks(seed, first_path, n_paths)
    K.vasicek_paths(plan.gens, plan.skips, plan.counts, plan.starts, r0a, theta, decay, chol, out)
    return Paths(
        values=out,
        times=time_grid(n_steps, dt),
        names=default_names(names, n, "r"),
        kind="level",
        first_path=first_path,
    )
