"""Batch execution: papermill notebook runs (and, later, parameter grids on Dask)."""

from tailkit.sweep.runner import DemoReport, NotebookRun, execute_notebook, objective_notebooks, run_demo

__all__ = ["DemoReport", "NotebookRun", "execute_notebook", "objective_notebooks", "run_demo"]
