"""The jump layer: market-wide co-jumps plus idiosyncratic jumps, added to any diffusion.

Market events arrive as a Poisson process (simulated through exponential waiting times,
so jumps cost per event, not per step) with intensity ``market_intensity`` per year;
one event moves every asset at once, asset ``i`` by a log-jump ``N(market_mean_i,
market_vol_i^2)`` (sizes independent across assets given the event; the co-movement
comes from the common timing and the shared sign of the means). Each asset also has its
own Poisson idiosyncratic jumps ``N(idio_mean_i, idio_vol_i^2)``. In a step with ``m``
market and ``k`` idiosyncratic events the total log-jump is drawn exactly as
``N(m mu_m + k mu_i, m s_m^2 + k s_i^2)``.

With ``compensate=True`` the drift is corrected so jumps do not change the expected
growth: for price diffusions (GBM, regimes) by ``lambda (E[e^J] - 1)`` so that
``E[S_t] = S_0 e^{mu t}``; for GARCH log-returns by ``lambda E[J]`` so that the mean log
return stays ``mu``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tailkit._typing import Float2D
from tailkit.params import param, validate
from tailkit.simulation import _kernels as K
from tailkit.simulation._common import as_float_tuple, vector

__all__ = ["JumpParams", "jump_table"]


@dataclass(frozen=True, slots=True, kw_only=True)
class JumpParams:
    """Co-jump and idiosyncratic jump parameters (log-jump sizes, decimals, per year).

    Parameters
    ----------
    market_intensity : float, default=0.5
        Market-wide crash events per year.
    market_mean : tuple of float, default=(-0.06,)
        Mean log-jump of each asset when a market event hits (one value or one per asset).
    market_vol : tuple of float, default=(0.04,)
        Standard deviation of each asset's log-jump in a market event.
    idio_intensity : tuple of float, default=(0.0,)
        Idiosyncratic jumps per year, per asset.
    idio_mean : tuple of float, default=(0.0,)
        Mean idiosyncratic log-jump.
    idio_vol : tuple of float, default=(0.0,)
        Standard deviation of the idiosyncratic log-jump.
    compensate : bool, default=True
        Correct the drift so jumps leave the expected growth unchanged.

    Examples
    --------
    >>> j = JumpParams(market_intensity=1.0, market_mean=(-0.08, -0.10), market_vol=(0.03, 0.05))
    >>> j.market_mean
    (-0.08, -0.1)
    """

    market_intensity: float = param(0.5, ge=0.0, le=252.0, doc="market-wide jump events per year")
    market_mean: tuple[float, ...] = param((-0.06,), ge=-2.0, le=2.0, doc="mean log-jump per asset (co-jump)")
    market_vol: tuple[float, ...] = param((0.04,), ge=0.0, le=2.0, doc="log-jump std dev per asset (co-jump)")
    idio_intensity: tuple[float, ...] = param((0.0,), ge=0.0, le=252.0, doc="idiosyncratic jumps per year")
    idio_mean: tuple[float, ...] = param((0.0,), ge=-2.0, le=2.0, doc="mean idiosyncratic log-jump")
    idio_vol: tuple[float, ...] = param((0.0,), ge=0.0, le=2.0, doc="idiosyncratic log-jump std dev")
    compensate: bool = param(True, doc="keep expected growth unchanged by the jumps")

    def __post_init__(self) -> None:
        for name in ("market_mean", "market_vol", "idio_intensity", "idio_mean", "idio_vol"):
            object.__setattr__(self, name, as_float_tuple(getattr(self, name)))
        validate(self)


def jump_table(
    jumps: JumpParams | None, n: int, dt: float, kind: Literal["price", "log"]
) -> tuple[bool, Float2D]:
    """Per-step jump table of shape (7, n) the kernels read, and whether jumps are active.

    Parameters
    ----------
    jumps : JumpParams or None
        The jump layer (None: no jumps).
    n : int
        Number of assets.
    dt : float
        Step in years.
    kind : {"price", "log"}
        Compensation of price growth (``E[e^J] - 1``) or of the mean log return (``E[J]``).

    Returns
    -------
    has_jumps : bool
    table : ndarray of shape (7, n)
    """
    table = np.zeros((K.N_JUMP_ROWS, n))
    if jumps is None:
        return False, table
    lam_m = jumps.market_intensity * dt
    mm, sm = vector("market_mean", jumps.market_mean, n), vector("market_vol", jumps.market_vol, n)
    lam_i = vector("idio_intensity", jumps.idio_intensity, n) * dt
    mi, si = vector("idio_mean", jumps.idio_mean, n), vector("idio_vol", jumps.idio_vol, n)
    table[0] = lam_m
    table[1] = mm
    table[2] = sm**2
    table[3] = lam_i
    table[4] = mi
    table[5] = si**2
    if jumps.compensate:
        if kind == "price":
            table[6] = lam_m * np.expm1(mm + 0.5 * sm**2) + lam_i * np.expm1(mi + 0.5 * si**2)
        else:
            table[6] = lam_m * mm + lam_i * mi
    active = bool(lam_m > 0 or np.any(lam_i > 0))
    return active, table
