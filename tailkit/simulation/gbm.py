"""Correlated geometric Brownian motion, with an optional jump layer (Merton)."""

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
from tailkit.simulation.jumps import JumpParams, jump_table
from tailkit.simulation.paths import Paths, time_grid

__all__ = ["GBMParams", "simulate_gbm", "simulate_merton", "check_dt", "coerce_matrix_field"]


def check_dt(dt: Any) -> float:
    """Validate a step length in years."""
    if (
        isinstance(dt, bool)
        or not isinstance(dt, int | float | np.floating)
        or not (np.isfinite(dt) and dt > 0)
    ):
        raise ParameterError(describe_bad_value("dt", dt, "a float > 0 (years)"))
    return float(dt)


def coerce_matrix_field(obj: Any, name: str) -> None:
    """Turn an array/list matrix field into nested tuples (before ``validate``)."""
    value = getattr(obj, name)
    if not isinstance(value, tuple) or any(not isinstance(r, tuple) for r in value):
        try:
            object.__setattr__(obj, name, as_nested_tuple(value))
        except (TypeError, ValueError):
            raise ParameterError(describe_bad_value(name, value, "a square matrix of numbers")) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class GBMParams:
    """Correlated GBM: ``dS_i / S_i = mu_i dt + sigma_i dW_i``, ``d<W_i, W_j> = rho_ij dt``.

    Parameters
    ----------
    mu : tuple of float, default=(0.07,)
        Drift per asset, decimal per year (expected growth ``E[S_t] = S_0 e^{mu t}``).
    sigma : tuple of float, default=(0.18,)
        Volatility per asset, decimal per sqrt(year).
    correlation : tuple of tuple of float, default=((1.0,),)
        Correlation matrix of the Brownian motions, shape (n, n).
    """

    mu: tuple[float, ...] = param((0.07,), ge=-5.0, le=5.0, doc="drift per asset, decimal per year")
    sigma: tuple[float, ...] = param(
        (0.18,), gt=0.0, le=5.0, doc="volatility per asset, decimal per sqrt(year)"
    )
    correlation: tuple[tuple[float, ...], ...] = param(((1.0,),), doc="correlation matrix of the shocks")

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", as_float_tuple(self.mu))
        object.__setattr__(self, "sigma", as_float_tuple(self.sigma))
        coerce_matrix_field(self, "correlation")
        validate(self)
        n = len(self.correlation)
        vector("mu", self.mu, n)
        vector("sigma", self.sigma, n)
        check_correlation("correlation", self.correlation, n)

    @property
    def n_assets(self) -> int:
        """Number of assets (size of the correlation matrix)."""
        return len(self.correlation)

    def arrays(self) -> tuple[Float1D, Float1D, Float2D]:
        """``(mu, sigma, correlation)`` as arrays of length / shape n."""
        n = self.n_assets
        return vector("mu", self.mu, n), vector("sigma", self.sigma, n), np.asarray(self.correlation)


def simulate_gbm(
    params: GBMParams,
    *,
    n_paths: int,
    n_steps: int,
    dt: float = 1.0 / 252.0,
    s0: Any = 1.0,
    seed: SeedLike = None,
    jumps: JumpParams | None = None,
    names: Any = None,
    first_path: int = 0,
) -> Paths:
    """Simulate correlated GBM prices (exact log-normal steps), optionally with jumps.

    Parameters
    ----------
    params : GBMParams
        Drifts, vols, correlation.
    n_paths : int
        Number of paths.
    n_steps : int
        Steps of length ``dt``.
    dt : float, default=1/252
        Step in years.
    s0 : float or array_like of shape (n_assets,), default=1.0
        Starting prices (> 0).
    seed : int, Generator, SeedSequence or None
        Randomness; path ``i`` depends only on the seed and ``i``.
    jumps : JumpParams, optional
        Jump layer (market co-jumps + idiosyncratic jumps); ``None`` for pure GBM.
    names : sequence of str, optional
        Asset names.
    first_path : int, default=0
        Global index of the first path (chunked studies).

    Returns
    -------
    Paths
        Prices of shape (n_paths, n_steps + 1, n_assets).

    Examples
    --------
    >>> p = GBMParams(mu=(0.07, 0.05), sigma=(0.2, 0.3), correlation=((1, 0.5), (0.5, 1)))
    >>> simulate_gbm(p, n_paths=100, n_steps=252, seed=1).values.shape
    (100, 253, 2)
    """
    check_counts(n_paths, n_steps, first_path)
    dt = check_dt(dt)
    n = params.n_assets
    mu, sigma, corr = params.arrays()
    log_s0 = np.log(start_values("s0", s0, n, positive=True))
    has_jumps, table = jump_table(jumps, n, dt, "price")
    drift = (mu - 0.5 * sigma**2) * dt
    chol = correlation_cholesky(corr) * (sigma * np.sqrt(dt))[:, None]
    out = np.empty((n_paths, n_steps + 1, n), dtype=np.float64)

    plan = plan_blocks(seed, first_path, n_paths)
    K.gbm_paths(plan.gens, plan.skips, plan.counts, plan.starts, log_s0, drift, chol, has_jumps, table, out)
    np.exp(out, out=out)
    return Paths(
        values=out, times=time_grid(n_steps, dt), names=default_names(names, n), first_path=first_path
    )


def simulate_merton(
    params: GBMParams,
    jumps: JumpParams,
    *,
    n_paths: int,
    n_steps: int,
    dt: float = 1.0 / 252.0,
    s0: Any = 1.0,
    seed: SeedLike = None,
    names: Any = None,
    first_path: int = 0,
) -> Paths:
    """Merton jump-diffusion: GBM ``params`` with the jump layer ``jumps`` (see :func:`simulate_gbm`).

    Parameters
    ----------
    params : GBMParams
        The diffusion.
    jumps : JumpParams
        Market co-jumps and idiosyncratic jumps.
    n_paths, n_steps : int
        Paths and steps.
    dt : float, default=1/252
        Step in years.
    s0 : float or array_like, default=1.0
        Starting prices.
    seed : int, Generator, SeedSequence or None
        Randomness.
    names : sequence of str, optional
        Asset names.
    first_path : int, default=0
        Global index of the first path.

    Returns
    -------
    Paths
    """
    return simulate_gbm(
        params,
        n_paths=n_paths,
        n_steps=n_steps,
        dt=dt,
        s0=s0,
        seed=seed,
        jumps=jumps,
        names=names,
        first_path=first_path,
    )
