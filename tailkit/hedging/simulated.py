"""Markets on simulated paths: an equity model from :mod:`tailkit.simulation` with its vol index.

The equity paths (GBM, Merton co-jumps, regimes or GJR-GARCH) and the vol index are simulated
once; every program is then marked on the same paths (common random numbers), so differences
between programs carry small standard errors. Two independent streams are spawned from the
seed: one for the equity, one for the index's own noise.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from tailkit._typing import SeedLike
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.hedging.marking import HedgeMarket
from tailkit.hedging.surface import VixModel, VolSurface
from tailkit.rng import seed_sequence
from tailkit.simulation import (
    GBMParams,
    GJRGARCHParams,
    JumpParams,
    Paths,
    RegimeParams,
    VolIndexParams,
    equity_variance,
    simulate_gbm,
    simulate_gjr_garch,
    simulate_merton,
    simulate_regimes,
    simulate_vol_index,
)

__all__ = ["EquityModel", "simulate_market", "target_path", "vix_model_for"]

EquityModel = Literal["gbm", "merton", "regimes", "gjr_garch"]
MODELS = ("gbm", "merton", "regimes", "gjr_garch")


def _target_coefficients(vol_index: VolIndexParams) -> tuple[float, float]:
    beta = float(vol_index.elasticity)
    level = float(
        np.log(vol_index.premium * vol_index.reference_vol) - beta * np.log(vol_index.reference_vol)
    )
    return level, beta


def target_path(vol_index: VolIndexParams, variance: np.ndarray) -> np.ndarray:
    """Log target ``m_t = level + elasticity * 0.5 log v_t`` of the vol index (as simulated).

    Parameters
    ----------
    vol_index : VolIndexParams
    variance : ndarray of shape (n_paths, n_t)
        Annualised equity conditional variance, > 0.

    Returns
    -------
    ndarray of shape (n_paths, n_t)
    """
    level, beta = _target_coefficients(vol_index)
    return level + beta * 0.5 * np.log(variance)


def vix_model_for(vol_index: VolIndexParams, target: np.ndarray, *, dt: float = 1.0 / 252.0) -> VixModel:
    """The :class:`VixModel` whose future is the expectation of the simulated index.

    The deviation ``u`` keeps the index's own ``kappa`` and ``vol_of_vol``. The target ``m_t``
    (driven by the equity's variance) is treated as an OU process fitted by pooled AR(1) to
    the simulated target paths: ``m_inf`` their mean, ``kappa_m = -log(b) / dt``,
    ``sigma_m = sd(e) sqrt(2 kappa_m / (1 - b^2))``. A constant target (GBM, Merton) gives
    ``sigma_m = 0`` and the exact log-OU future; GJR-GARCH and regimes get an approximation
    (checked against a nested Monte Carlo in the tests).

    Parameters
    ----------
    vol_index : VolIndexParams
    target : ndarray of shape (n_paths, n_t)
        Simulated log targets.
    dt : float, default=1/252

    Returns
    -------
    VixModel
    """
    m = np.asarray(target, dtype=np.float64)
    common = {"kappa": vol_index.kappa, "vol_of_vol": max(vol_index.vol_of_vol, 1e-6)}
    m_inf = float(m.mean())
    d = m - m_inf
    x, y = d[:, :-1].ravel(), d[:, 1:].ravel()
    sxx = float(np.dot(x, x))
    if sxx <= 1e-20 * max(x.size, 1):
        return VixModel(**common, long_run_target=m_inf, target_speed=0.0, target_vol=0.0)
    b = min(max(float(np.dot(x, y)) / sxx, 1e-6), 1.0 - 1e-9)
    kappa_m = min(-np.log(b) / dt, 1000.0)
    resid = y - b * x
    sigma_m = float(resid.std() * np.sqrt(2.0 * kappa_m / (1.0 - b * b)))
    return VixModel(
        **common, long_run_target=m_inf, target_speed=float(kappa_m), target_vol=min(sigma_m, 10.0)
    )


def simulate_market(
    model: EquityModel = "gjr_garch",
    *,
    n_paths: int,
    n_steps: int,
    seed: SeedLike = None,
    dt: float = 1.0 / 252.0,
    gbm: GBMParams | None = None,
    jumps: JumpParams | None = None,
    garch: GJRGARCHParams | None = None,
    regimes: RegimeParams | None = None,
    vol_index: VolIndexParams | None = None,
    surface: VolSurface | None = None,
    rate: float = 0.02,
    dividend_yield: float = 0.015,
    initial_vol: float = 0.0,
) -> HedgeMarket:
    """Simulate the equity index (start 100) and its vol index; return the market to mark on.

    Parameters
    ----------
    model : {"gbm", "merton", "regimes", "gjr_garch"}, default="gjr_garch"
        Equity model.
    n_paths, n_steps : int
        Paths and daily steps.
    seed : int, Generator, SeedSequence or None
        Two streams are spawned: equity, index noise.
    dt : float, default=1/252
    gbm, jumps, garch, regimes : parameter dataclasses, optional
        Model parameters (defaults of :mod:`tailkit.simulation`; ``jumps`` for ``"merton"``
        and optionally for ``"gjr_garch"``).
    vol_index : VolIndexParams, optional
    surface : VolSurface, optional
    rate, dividend_yield : float
        Cash rate and dividend yield, decimals.
    initial_vol : float, default=0.0
        Starting vol index (decimal); 0 starts at its target.

    Returns
    -------
    HedgeMarket
    """
    if model not in MODELS:
        raise ParameterError(
            describe_bad_value("model", model, "one of " + ", ".join(repr(m) for m in MODELS))
        )
    vi = vol_index or VolIndexParams()
    if initial_vol:
        vi = VolIndexParams(
            kappa=vi.kappa,
            premium=vi.premium,
            elasticity=vi.elasticity,
            reference_vol=vi.reference_vol,
            vol_of_vol=vi.vol_of_vol,
            initial=initial_vol,
        )
    eq_seed, ix_seed = seed_sequence(seed).spawn(2)
    paths: Paths
    if model == "gbm":
        gp = gbm or GBMParams()
        paths = simulate_gbm(gp, n_paths=n_paths, n_steps=n_steps, dt=dt, s0=100.0, seed=eq_seed)
        variance = np.full((n_paths, n_steps + 1), float(gp.sigma[0]) ** 2)
    elif model == "merton":
        gp = gbm or GBMParams()
        paths = simulate_merton(
            gp, jumps or JumpParams(), n_paths=n_paths, n_steps=n_steps, dt=dt, s0=100.0, seed=eq_seed
        )
        variance = np.full((n_paths, n_steps + 1), float(gp.sigma[0]) ** 2)
    elif model == "regimes":
        rp = regimes or RegimeParams()
        paths = simulate_regimes(rp, n_paths=n_paths, n_steps=n_steps, dt=dt, s0=100.0, seed=eq_seed)
        variance = equity_variance(paths, regime_params=rp)
    else:
        paths = simulate_gjr_garch(
            garch or GJRGARCHParams(),
            n_paths=n_paths,
            n_steps=n_steps,
            dt=dt,
            s0=100.0,
            seed=eq_seed,
            jumps=jumps,
        )
        variance = equity_variance(paths)
    index = simulate_vol_index(vi, variance, dt=dt, seed=ix_seed)
    target = target_path(vi, variance)
    return HedgeMarket(
        spot=np.ascontiguousarray(paths.values[:, :, 0]),
        index=np.ascontiguousarray(index.values[:, :, 0]),
        target=target,
        dt=dt,
        rate=rate,
        dividend_yield=dividend_yield,
        vix_model=vix_model_for(vi, target, dt=dt),
        surface=surface or VolSurface(),
        source=f"simulated: {model}",
    )
