"""Fitting tailkit's processes to data: each fit returns the parameter dataclass + diagnostics."""

from tailkit.calibration.diagnostics import FitDiagnostics, ParameterTable
from tailkit.calibration.vasicek import VasicekFit, fit_vasicek

__all__ = ["FitDiagnostics", "ParameterTable", "VasicekFit", "fit_vasicek"]
