"""tailkit: tail-risk hedging and options-overlay research.

The library never imports Jupyter, IPython, ipywidgets or Dask; those live in ``widgets``,
the notebooks and the optional extras.
"""

from __future__ import annotations

from tailkit.errors import ConvergenceError, DataError, InfeasibleError, ParameterError, TailkitError

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError",
    "DataError",
    "InfeasibleError",
    "ParameterError",
    "TailkitError",
    "__version__",
]
