"""Processes and path generators: GBM, jumps, regimes, GJR-GARCH, Vasicek, a vol index.

Every simulator takes a frozen parameter dataclass and ``seed`` and returns :class:`Paths`
with values of shape (n_paths, n_steps + 1, n_assets). Path ``i`` depends only on the seed
and ``i`` (random streams are keyed by blocks of paths), so chunked studies reproduce the
unchunked numbers exactly. Notebook 02's study (calibration to bundled data and scenarios)
lives in :mod:`tailkit.studies.asymmetric_simulation`.
"""

from tailkit.simulation.analytics import (
    DrawdownStats,
    PathSummary,
    drawdown_stats,
    path_summary,
    stylized_facts,
    stylized_facts_table,
)
from tailkit.simulation.correlation import check_correlation, nearest_correlation
from tailkit.simulation.garch import GJRGARCHParams, simulate_gjr_garch
from tailkit.simulation.gbm import GBMParams, simulate_gbm, simulate_merton
from tailkit.simulation.jumps import JumpParams
from tailkit.simulation.paths import Paths, time_grid
from tailkit.simulation.regimes import RegimeParams, simulate_regimes, stationary_distribution
from tailkit.simulation.streaming import (
    DrawdownHistogram,
    DrawdownReducer,
    HorizonReturnReducer,
    StreamSummary,
    iter_chunks,
    run_streaming,
)
from tailkit.simulation.vasicek import (
    VasicekParams,
    simulate_vasicek,
    vasicek_bond_price,
    vasicek_innovation_cov,
    vasicek_mean,
    vasicek_variance,
)
from tailkit.simulation.volindex import VolIndexParams, equity_variance, simulate_vol_index

__all__ = [
    "Paths",
    "time_grid",
    "nearest_correlation",
    "check_correlation",
    "GBMParams",
    "JumpParams",
    "simulate_gbm",
    "simulate_merton",
    "RegimeParams",
    "simulate_regimes",
    "stationary_distribution",
    "GJRGARCHParams",
    "simulate_gjr_garch",
    "VasicekParams",
    "simulate_vasicek",
    "vasicek_bond_price",
    "vasicek_innovation_cov",
    "vasicek_mean",
    "vasicek_variance",
    "VolIndexParams",
    "simulate_vol_index",
    "equity_variance",
    "iter_chunks",
    "run_streaming",
    "StreamSummary",
    "DrawdownReducer",
    "DrawdownHistogram",
    "HorizonReturnReducer",
    "DrawdownStats",
    "drawdown_stats",
    "PathSummary",
    "path_summary",
    "stylized_facts",
    "stylized_facts_table",
]
