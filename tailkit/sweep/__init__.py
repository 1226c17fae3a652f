"""Batch execution: papermill notebook runs, notebook sweeps on Dask, kernel sweeps.

Notebook sweeps: :mod:`~tailkit.sweep.grid` (grid files), :mod:`~tailkit.sweep.store` (the
results store), :mod:`~tailkit.sweep.notebook_sweep` (``run_sweep``, status, collect),
:mod:`~tailkit.sweep.execution` (one run as a Dask task). Kernel sweeps:
:mod:`~tailkit.sweep.kernel` (chunks of configurations as Dask tasks), the hedge strategy
(:mod:`~tailkit.sweep.hedge`, :mod:`~tailkit.sweep.intraday`, option marks and the user's implied
vols in :mod:`~tailkit.sweep.marks`), bounded target scores
(:mod:`~tailkit.sweep.scoring`) and out-of-sample checks (:mod:`~tailkit.sweep.validation`).

Dask is imported only inside the functions that start or join a cluster, so ``import
tailkit`` (and ``import tailkit.sweep``) never loads it.
"""

from tailkit.sweep.grid import Grid, ParameterSet, expand_grid, is_grid_file, load_grid, validate_sets
from tailkit.sweep.hedge import HedgeGrid, HedgeMarket, HedgeSweep, evaluate_hedge_grid, hedge_market
from tailkit.sweep.kernel import config_grid, sweep_configurations
from tailkit.sweep.marks import OptionMarkModel, read_implied_vols
from tailkit.sweep.notebook_sweep import SweepReport, SweepStatus, collect_sweep, run_sweep, sweep_status
from tailkit.sweep.runner import DemoReport, NotebookRun, execute_notebook, objective_notebooks, run_demo
from tailkit.sweep.scoring import ScoreTable, Targets, score_metrics, target_report
from tailkit.sweep.store import RunRecord, run_id
from tailkit.sweep.validation import (
    SplitResult,
    cost_reality_check,
    deflated_sharpe_ratio,
    neighbour_stability,
    sensitivity,
    split_validation,
    walk_forward,
)

__all__ = [
    "DemoReport",
    "HedgeGrid",
    "HedgeMarket",
    "HedgeSweep",
    "OptionMarkModel",
    "ScoreTable",
    "SplitResult",
    "Targets",
    "config_grid",
    "cost_reality_check",
    "deflated_sharpe_ratio",
    "evaluate_hedge_grid",
    "hedge_market",
    "neighbour_stability",
    "read_implied_vols",
    "score_metrics",
    "sensitivity",
    "split_validation",
    "sweep_configurations",
    "target_report",
    "walk_forward",
    "Grid",
    "NotebookRun",
    "ParameterSet",
    "RunRecord",
    "SweepReport",
    "SweepStatus",
    "collect_sweep",
    "execute_notebook",
    "expand_grid",
    "is_grid_file",
    "load_grid",
    "objective_notebooks",
    "run_demo",
    "run_id",
    "run_sweep",
    "sweep_status",
    "validate_sets",
]
