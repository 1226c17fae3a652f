"""Markov regime switching: K regimes, each with its own drifts, vols and correlations.

The regime ``s_t`` follows a Markov chain with a per-step transition matrix ``P``
(``P[i, j] = Pr(s_{t+1} = j | s_t = i)``, one step = ``dt``, usually a trading day). In
regime ``s`` prices move as correlated GBM with ``mu[s]``, ``sigma[s]``,
``correlation[s]``; the regime at ``t`` governs the step from ``t`` to ``t + dt``. The
default has three regimes: calm, stressed and crisis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tailkit._typing import Float1D, Float2D, Float3D, SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.simulation import _kernels as K
from tailkit.simulation._common import default_names, start_values
from tailkit.simulation._streams import check_counts, plan_blocks
from tailkit.simulation.correlation import as_nested_tuple, check_correlation, correlation_cholesky
from tailkit.simulation.gbm import check_dt
from tailkit.simulation.jumps import JumpParams, jump_table
from tailkit.simulation.paths import Paths, time_grid

__all__ = ["RegimeParams", "simulate_regimes", "stationary_distribution"]

_DEFAULT_TRANSITION = ((0.990, 0.009, 0.001), (0.030, 0.960, 0.010), (0.010, 0.040, 0.950))


def stationary_distribution(transition: Any) -> Float1D:
    """Stationary distribution ``pi = pi P`` of a transition matrix, shape (K,)."""
    p = np.asarray(transition, dtype=np.float64)
    k = p.shape[0]
    a = np.vstack([p.T - np.eye(k), np.ones(k)])
    b = np.zeros(k + 1)
    b[-1] = 1.0
    pi, *_ = np.linalg.lstsq(a, b, rcond=None)
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def _matrix(value: Any) -> tuple[tuple[float, ...], ...]:
    return as_nested_tuple(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class RegimeParams:
    """Parameters of a K-regime, n-asset Markov-switching GBM.

    Parameters
    ----------
    regime_names : tuple of str, default=("calm", "stressed", "crisis")
        One name per regime.
    mu : tuple of tuple of float, shape (K, n)
        Drift per regime and asset, decimal per year.
    sigma : tuple of tuple of float, shape (K, n)
        Volatility per regime and asset, decimal per sqrt(year).
    correlation : tuple of (n, n) matrices, length K
        Shock correlation per regime.
    transition : tuple of tuple of float, shape (K, K)
        Per-step transition probabilities; rows sum to one.
    initial : tuple of float, default=()
        Distribution of the first regime; empty = the stationary distribution.
    """

    regime_names: tuple[str, ...] = param(("calm", "stressed", "crisis"), doc="regime names")
    mu: tuple[tuple[float, ...], ...] = param(((0.12,), (0.0,), (-0.40,)), doc="drift per regime and asset")
    sigma: tuple[tuple[float, ...], ...] = param(((0.11,), (0.22,), (0.55,)), doc="vol per regime and asset")
    correlation: tuple[tuple[tuple[float, ...], ...], ...] = param(
        (((1.0,),), ((1.0,),), ((1.0,),)), doc="correlation matrix per regime"
    )
    transition: tuple[tuple[float, ...], ...] = param(_DEFAULT_TRANSITION, doc="per-step transition matrix")
    initial: tuple[float, ...] = param(
        (), ge=0.0, le=1.0, doc="initial regime distribution (empty: stationary)"
    )

    def __post_init__(self) -> None:
        for name in ("mu", "sigma", "transition"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or any(not isinstance(r, tuple) for r in value):
                object.__setattr__(self, name, _matrix(value))
        corr = self.correlation
        if not isinstance(corr, tuple) or any(not isinstance(c, tuple) for c in corr):
            object.__setattr__(self, "correlation", tuple(_matrix(c) for c in np.asarray(corr, dtype=float)))
        if isinstance(self.initial, np.ndarray | list):
            object.__setattr__(self, "initial", tuple(float(x) for x in self.initial))
        validate(self)
        k = len(self.regime_names)
        mu = np.asarray(self.mu, dtype=float)
        sigma = np.asarray(self.sigma, dtype=float)
        if mu.ndim != 2 or mu.shape[0] != k:
            raise ParameterError(describe_bad_value("mu", self.mu, f"{k} rows (one per regime) of drifts"))
        n = mu.shape[1]
        if sigma.shape != (k, n) or np.any(~(sigma > 0)):
            raise ParameterError(describe_bad_value("sigma", self.sigma, f"a {k} x {n} table of vols > 0"))
        if len(self.correlation) != k:
            raise ParameterError(describe_bad_value("correlation", self.correlation, f"{k} matrices"))
        for i, c in enumerate(self.correlation):
            check_correlation(f"correlation[{self.regime_names[i]}]", c, n)
        p = np.asarray(self.transition, dtype=float)
        if p.shape != (k, k) or np.any(~np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
            raise ParameterError(
                describe_bad_value("transition", self.transition, f"a {k} x {k} matrix in [0, 1]")
            )
        sums = p.sum(axis=1)
        if np.any(np.abs(sums - 1.0) > 1e-8):
            i = int(np.argmax(np.abs(sums - 1.0)))
            raise ParameterError(
                describe_bad_value(
                    f"transition row {i} ({self.regime_names[i]})",
                    list(p[i]),
                    f"rows summing to 1 (sums to {sums[i]:.6g})",
                )
            )
        if self.initial:
            init = np.asarray(self.initial)
            if init.size != k or abs(init.sum() - 1.0) > 1e-8:
                raise ParameterError(
                    describe_bad_value("initial", self.initial, f"{k} probabilities summing to 1")
                )

    @property
    def n_regimes(self) -> int:
        """Number of regimes K."""
        return len(self.regime_names)

    @property
    def n_assets(self) -> int:
        """Number of assets n."""
        return len(self.mu[0])

    def arrays(self) -> tuple[Float2D, Float2D, Float3D, Float2D]:
        """``(mu (K, n), sigma (K, n), correlation (K, n, n), transition (K, K))``."""
        return (
            np.asarray(self.mu, dtype=float),
            np.asarray(self.sigma, dtype=float),
            np.asarray(self.correlation, dtype=float),
            np.asarray(self.transition, dtype=float),
        )

    def initial_distribution(self) -> Float1D:
        """Distribution of the first regime (the stationary one when ``initial`` is empty)."""
        if self.initial:
            return np.asarray(self.initial, dtype=float)
        return stationary_distribution(self.transition)

    def expected_durations(self) -> Float1D:
        """Expected stay in each regime, in steps: ``1 / (1 - P[i, i])``."""
        p = np.diag(np.asarray(self.transition, dtype=float))
        with np.errstate(divide="ignore"):
            return 1.0 / (1.0 - p)


def simulate_regimes(
    params: RegimeParams,
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
    """Simulate Markov regime-switching correlated GBM; the regime path is returned.

    Parameters
    ----------
    params : RegimeParams
        Per-regime drifts, vols, correlations and the transition matrix (per step).
    n_paths, n_steps : int
        Paths and steps.
    dt : float, default=1/252
        Step in years (the transition matrix is per step of this length).
    s0 : float or array_like of shape (n_assets,), default=1.0
        Starting prices.
    seed : int, Generator, SeedSequence or None
        Randomness; path ``i`` depends only on the seed and ``i``.
    jumps : JumpParams, optional
        Jump layer on top of the regime diffusion.
    names : sequence of str, optional
        Asset names.
    first_path : int, default=0
        Global index of the first path.

    Returns
    -------
    Paths
        Prices and ``regimes`` of shape (n_paths, n_steps + 1) (index into ``regime_names``).

    Examples
    --------
    >>> paths = simulate_regimes(RegimeParams(), n_paths=10, n_steps=252, seed=3)
    >>> paths.regimes.shape
    (10, 253)
    """
    check_counts(n_paths, n_steps, first_path)
    dt = check_dt(dt)
    n = params.n_assets
    mu, sigma, corr, trans = params.arrays()
    log_s0 = np.log(start_values("s0", s0, n, positive=True))
    has_jumps, table = jump_table(jumps, n, dt, "price")
    drift = (mu - 0.5 * sigma**2) * dt
    chol = np.stack([correlation_cholesky(c) * (s * np.sqrt(dt))[:, None] for c, s in zip(corr, sigma)])
    trans_cum = np.cumsum(trans, axis=1)
    init_cum = np.cumsum(params.initial_distribution())
    out = np.empty((n_paths, n_steps + 1, n), dtype=np.float64)
    states = np.empty((n_paths, n_steps + 1), dtype=np.int64)

    plan = plan_blocks(seed, first_path, n_paths)
    K.regime_paths(
        plan.gens,
        plan.skips,
        plan.counts,
        plan.starts,
        log_s0,
        drift,
        chol,
        trans_cum,
        init_cum,
        has_jumps,
        table,
        out,
        states,
    )
    np.exp(out, out=out)
    return Paths(
        values=out,
        times=time_grid(n_steps, dt),
        names=default_names(names, n),
        regimes=states,
        first_path=first_path,
    )
