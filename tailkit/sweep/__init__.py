"""Batch execution: papermill notebook runs, notebook sweeps on Dask, kernel sweeps.

Dask is imported only inside the functions that start or join a cluster, so ``import
tailkit`` (and ``import tailkit.sweep``) never loads it.
"""

from tailkit.sweep.grid import Grid, ParameterSet, expand_grid, is_grid_file, load_grid, validate_sets
from tailkit.sweep.notebook_sweep import SweepReport, SweepStatus, collect_sweep, run_sweep, sweep_status
from tailkit.sweep.runner import DemoReport, NotebookRun, execute_notebook, objective_notebooks, run_demo
from tailkit.sweep.store import RunRecord, run_id

__all__ = [
    "DemoReport",
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
