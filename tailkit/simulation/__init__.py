"""Processes and path generators: GBM, jumps, regimes, GJR-GARCH, Vasicek, a vol index.

Every simulator takes a frozen parameter dataclass and ``seed`` and returns :class:`Paths`
with values of shape (n_paths, n_steps + 1, n_assets). Path ``i`` depends only on the seed
and ``i`` (random streams are keyed by blocks of paths), so chunked studies reproduce the
unchunked numbers exactly.
"""

from tailkit.simulation.correlation import nearest_correlation
from tailkit.simulation.paths import Paths, time_grid
from tailkit.simulation.vasicek import (
    VasicekParams,
    simulate_vasicek,
    vasicek_bond_price,
    vasicek_innovation_cov,
    vasicek_mean,
    vasicek_variance,
)

__all__ = [
    "Paths",
    "time_grid",
    "nearest_correlation",
    "VasicekParams",
    "simulate_vasicek",
    "vasicek_bond_price",
    "vasicek_innovation_cov",
    "vasicek_mean",
    "vasicek_variance",
]
