"""Fitting tailkit's processes to data: each fit returns the parameter dataclass + diagnostics."""

from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable
from tailkit.calibration.garch import GJRGARCHFit, fit_gjr_garch
from tailkit.calibration.gbm import GBMFit, MertonFit, fit_gbm, fit_merton, merton_logpdf
from tailkit.calibration.regimes import RegimeFit, RegimeProbabilities, filter_regimes, fit_regimes
from tailkit.calibration.vasicek import VasicekFit, fit_vasicek
from tailkit.calibration.volindex import VolIndexFit, fit_vol_index

__all__ = [
    "FitDiagnostics",
    "ParameterTable",
    "GBMFit",
    "fit_gbm",
    "MertonFit",
    "fit_merton",
    "merton_logpdf",
    "RegimeFit",
    "RegimeProbabilities",
    "fit_regimes",
    "filter_regimes",
    "GJRGARCHFit",
    "fit_gjr_garch",
    "VasicekFit",
    "fit_vasicek",
    "VolIndexFit",
    "fit_vol_index",
]
