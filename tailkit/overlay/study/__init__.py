"""Parameter sets and study functions behind the overlay notebooks 07, 08 and 09.

The notebooks (``07_overlay_calibration``, ``08_spread_screening``, ``09_exit_optimization``)
and their panels in ``widgets.overlay`` are thin: they build a parameter set, call one study
function here and hand its frames to :mod:`tailkit.charts.overlay`. The numerics are the
overlay's own (:mod:`tailkit.overlay`); this module only resolves inputs (the bundled
SYNTHETIC files by default), arranges results into tidy frames and collects headline numbers
with their Monte Carlo standard errors.

Input files: ``history_file`` / ``chain_file`` / ``calibration_file`` take a path, or
``"synthetic"`` for the bundled SYNTHETIC files of :mod:`tailkit.data.synthetic` (then every
table and chart title says so), or ``"none"`` where a file is optional.

One module a notebook: :mod:`~tailkit.overlay.study.calibration` (07),
:mod:`~tailkit.overlay.study.screening` (08), :mod:`~tailkit.overlay.study.exit_optimization` (09);
:mod:`~tailkit.overlay.study.inputs` resolves the files they share. Everything is re-exported here.
"""

from tailkit.overlay.study.calibration import (
    OverlayCalibrationParams,
    OverlayCalibrationStudy,
    innovation_stats,
    overlay_calibration_study,
    simulated_fan,
    vasicek_innovations,
)
from tailkit.overlay.study.exit_optimization import (
    ExitOptimizationParams,
    ExitOptimizationStudy,
    exit_optimization_study,
)
from tailkit.overlay.study.inputs import (
    SYNTHETIC,
    data_label,
    load_calibration_input,
    load_chain_input,
    load_history_input,
)
from tailkit.overlay.study.screening import (
    MARKET_SOURCE,
    MODEL_SOURCE,
    SpreadScreeningParams,
    SpreadScreeningStudy,
    spread_screening_study,
)

__all__ = [
    "SYNTHETIC",
    "OverlayCalibrationParams",
    "OverlayCalibrationStudy",
    "data_label",
    "load_history_input",
    "load_chain_input",
    "overlay_calibration_study",
    "vasicek_innovations",
    "innovation_stats",
    "simulated_fan",
    "load_calibration_input",
    "MODEL_SOURCE",
    "MARKET_SOURCE",
    "SpreadScreeningParams",
    "SpreadScreeningStudy",
    "spread_screening_study",
    "ExitOptimizationParams",
    "ExitOptimizationStudy",
    "exit_optimization_study",
]
