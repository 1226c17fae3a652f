"""One module per notebook or app: its parameter dataclass and the study functions it calls.

A notebook, its widget panel and its CLI command all call the same ``run_*``/study function
of its module here, with the same parameter dataclass, so nothing numerical lives in a
notebook cell, a widget callback or a command handler. This layer sits above the domain
packages and :mod:`tailkit.charts`; only ``tailkit.cli`` and ``widgets`` sit above it.

:data:`NOTEBOOK_PARAMETERS` maps each notebook or app stem (the folder name under
``parameters/``) to its parameter dataclass; :func:`load_notebook_parameters` reads a
parameter file into the class its folder names.

Adding notebook ``NN_topic``: ``tailkit/studies/topic.py`` (parameters + study functions),
one line in :data:`NOTEBOOK_PARAMETERS`, ``widgets/topic.py``, ``notebooks/NN_topic.ipynb`` and
``parameters/NN_topic/*.yaml``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tailkit.errors import ParameterError, describe_bad_value
from tailkit.params import load_parameters
from tailkit.studies.asymmetric_simulation import SimulationStudyParams
from tailkit.studies.asymmetric_system import AsymmetricSystemParams
from tailkit.studies.book_review import BookReviewParams
from tailkit.studies.exit_optimization import ExitOptimizationParams
from tailkit.studies.hedge_sweep import HedgeSweepParams
from tailkit.studies.hedging_strategies import HedgeExplorerParams, HedgingStudyParams
from tailkit.studies.option_pricing import OptionPricingParams
from tailkit.studies.overlay_calibration import OverlayCalibrationParams
from tailkit.studies.portfolio_construction import PortfolioStudyParams
from tailkit.studies.regime_backtest import BacktestReviewParams, RegimeBacktestStudyParams
from tailkit.studies.risk_management import RiskStudyParams
from tailkit.studies.risk_review import RiskReviewParams
from tailkit.studies.spread_explorer import SpreadExplorerParams
from tailkit.studies.spread_screening import SpreadScreeningParams

__all__ = ["NOTEBOOK_PARAMETERS", "load_notebook_parameters", "parameter_class_for"]

#: notebook or app stem (``parameters/<stem>/``) -> its parameter dataclass
NOTEBOOK_PARAMETERS: dict[str, type] = {
    "01_option_pricing": OptionPricingParams,
    "02_asymmetric_simulation": SimulationStudyParams,
    "03_portfolio_construction": PortfolioStudyParams,
    "04_hedging_strategies": HedgingStudyParams,
    "05_asymmetric_system": AsymmetricSystemParams,
    "06_regime_backtest": RegimeBacktestStudyParams,
    "07_overlay_calibration": OverlayCalibrationParams,
    "08_spread_screening": SpreadScreeningParams,
    "09_exit_optimization": ExitOptimizationParams,
    "10_risk_management": RiskStudyParams,
    "11_hedge_sweep": HedgeSweepParams,
    "spread_explorer": SpreadExplorerParams,
    "risk_review": RiskReviewParams,
    "book_review": BookReviewParams,
    "hedge_explorer": HedgeExplorerParams,
    "backtest_review": BacktestReviewParams,
}


def parameter_class_for(stem: str) -> type:
    """Return the parameter dataclass of notebook or app ``stem``.

    Raises
    ------
    ParameterError
        When ``stem`` is not a registered notebook or app (the message lists them).
    """
    try:
        return NOTEBOOK_PARAMETERS[stem]
    except KeyError:
        raise ParameterError(
            describe_bad_value("notebook", stem, "one of " + ", ".join(sorted(NOTEBOOK_PARAMETERS)))
        ) from None


def load_notebook_parameters(path: str | os.PathLike[str], stem: str | None = None) -> Any:
    """Load ``parameters/<stem>/<name>.yaml`` into the dataclass of notebook ``stem``.

    Parameters
    ----------
    path : path-like
        The YAML file.
    stem : str, optional
        Notebook or app stem; by default the file's folder name.

    Returns
    -------
    dataclass instance
        Validated; errors name the file, the field, the value and the allowed range.
    """
    p = Path(path)
    return load_parameters(p, parameter_class_for(stem if stem is not None else p.parent.name))
