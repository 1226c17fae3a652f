"""A VIX-style volatility index driven by the equity variance state.

Model: the log index is a target set by the equity's conditional vol plus a mean-reverting
deviation,

    log V_t = m_t + u_t,
    m_t = log(premium * reference_vol) + elasticity * (0.5 log(v_t) - log(reference_vol)),
    du = -kappa u dt + xi dB,

where ``v_t`` is the equity's annualised conditional variance of the next step, known at
``t`` (GARCH variance / dt, or the regime variance ``sigma[s_t]^2``), ``premium`` is the
ratio of the index to the conditional vol when that vol equals ``reference_vol`` (the
variance risk premium; VIX averages ~1.1-1.2x realised vol), ``elasticity`` how strongly the
index follows the conditional vol (1: proportionally), ``kappa`` the speed at which the
index's own deviation ``u`` dies out (per year) and ``xi`` its vol-of-vol. ``u`` is simulated
with the exact OU step. ``B`` is independent of the equity shocks: the link to equity
crashes runs through ``v_t``, so when a crash lifts the GARCH variance (or switches the
regime to crisis) the index jumps with it the same day. Values are decimals (0.20 = VIX 20).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tailkit._typing import Float2D, SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import param, validate
from tailkit.simulation import _kernels as K
from tailkit.simulation._streams import plan_blocks
from tailkit.simulation.paths import Paths
from tailkit.simulation.regimes import RegimeParams

__all__ = ["VolIndexParams", "simulate_vol_index", "equity_variance"]


@dataclass(frozen=True, slots=True, kw_only=True)
class VolIndexParams:
    """Parameters of the vol-index process (decimals, per year).

    Parameters
    ----------
    kappa : float, default=25.0
        Mean-reversion speed of the deviation of log V from its target, per year (half-life
        ``ln 2 / kappa``).
    premium : float, default=1.15
        Ratio of the index to the equity's conditional vol at ``reference_vol``.
    elasticity : float, default=0.8
        d log(target) / d log(conditional vol).
    reference_vol : float, default=0.16
        Conditional vol (annualised, decimal) at which ``premium`` is quoted.
    vol_of_vol : float, default=0.9
        Volatility of log V, per sqrt(year).
    initial : float, default=0.0
        Starting index level (decimal); 0 starts at the target of the first step.
    """

    kappa: float = param(25.0, gt=0.0, le=1000.0, doc="mean-reversion speed of the log deviation, per year")
    premium: float = param(1.15, gt=0.0, le=5.0, doc="index / conditional equity vol at reference_vol")
    elasticity: float = param(0.8, ge=0.0, le=3.0, doc="d log(target) / d log(conditional vol)")
    reference_vol: float = param(0.16, gt=0.0, le=2.0, doc="conditional vol where premium is quoted")
    vol_of_vol: float = param(0.9, ge=0.0, le=10.0, doc="vol of the log deviation, per sqrt(year)")
    initial: float = param(0.0, ge=0.0, le=5.0, doc="starting level, decimal (0: the target)")

    def __post_init__(self) -> None:
        validate(self)


def equity_variance(paths: Paths, *, asset: int = 0, regime_params: RegimeParams | None = None) -> Float2D:
    """Annualised conditional variance of one asset along each path, shape (n_paths, n_steps + 1).

    Parameters
    ----------
    paths : Paths
        GARCH paths (``variance`` present) or regime paths (with ``regime_params``).
    asset : int, default=0
        Asset position.
    regime_params : RegimeParams, optional
        Needed for regime paths: the variance is ``sigma[regime, asset]^2``.

    Returns
    -------
    ndarray of shape (n_paths, n_steps + 1)
    """
    if paths.variance is not None:
        return paths.variance[:, :, asset] / paths.dt
    if paths.regimes is not None and regime_params is not None:
        sig = np.asarray(regime_params.sigma, dtype=float)[:, asset]
        return sig[paths.regimes] ** 2
    raise ParameterError(
        "equity_variance needs paths with a variance state (GARCH) or regime paths with regime_params"
    )


def simulate_vol_index(
    params: VolIndexParams,
    variance: Any,
    *,
    dt: float = 1.0 / 252.0,
    seed: SeedLike = None,
    first_path: int = 0,
    name: str = "vol_index",
) -> Paths:
    """Simulate the vol index along given equity variance paths.

    Parameters
    ----------
    params : VolIndexParams
        Index dynamics.
    variance : array_like of shape (n_paths, n_steps + 1)
        Annualised equity conditional variance (see :func:`equity_variance`), > 0.
    dt : float, default=1/252
        Step in years.
    seed : int, Generator, SeedSequence or None
        Randomness of the index's own noise (use a seed different from the equity's).
    first_path : int, default=0
        Global index of the first path.
    name : str, default="vol_index"
        Name of the single output series.

    Returns
    -------
    Paths
        Index levels of shape (n_paths, n_steps + 1, 1), ``kind="level"``.
    """
    var = np.ascontiguousarray(np.asarray(variance, dtype=np.float64))
    if var.ndim != 2 or var.shape[1] < 2 or not np.all(np.isfinite(var)) or np.any(var <= 0):
        raise ParameterError(
            describe_bad_value("variance", "array", "(n_paths, n_steps + 1) finite values > 0")
        )
    n_paths, n_t = var.shape
    decay = float(np.exp(-params.kappa * dt))
    noise_sd = params.vol_of_vol * float(np.sqrt(-np.expm1(-2.0 * params.kappa * dt) / (2.0 * params.kappa)))
    beta = float(params.elasticity)
    level = float(np.log(params.premium * params.reference_vol) - beta * np.log(params.reference_vol))
    out = np.empty((n_paths, n_t, 1))

    target0 = level + beta * 0.5 * np.log(var[:, 0])
    start_u = np.log(params.initial) - target0 if params.initial > 0 else np.zeros(n_paths)

    plan = plan_blocks(seed, first_path, n_paths)
    K.vol_index_paths(
        plan.gens, plan.skips, plan.counts, plan.starts, start_u, level, beta, decay, noise_sd, var, out
    )
    return Paths(
        values=out,
        times=np.arange(n_t, dtype=np.float64) * dt,
        names=(name,),
        kind="level",
        first_path=first_path,
    )
