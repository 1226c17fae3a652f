"""Factor attribution: regressions with Newey-West errors, decompositions that add up.

* :mod:`~tailkit.attribution.regression` — OLS of a return series on factor returns,
  Newey-West standard errors, R² and adjusted R², rolling and expanding windows;
* :mod:`~tailkit.attribution.decomposition` — per-period and cumulative parts (alpha, each
  factor, residual; or the layers of the integrated system) that add up to the return.
"""

from tailkit.attribution.decomposition import Decomposition, factor_decomposition, layer_decomposition
from tailkit.attribution.regression import (
    FactorRegression,
    default_lags,
    factor_regression,
    newey_west_cov,
    rolling_regression,
)

__all__ = [
    "Decomposition",
    "FactorRegression",
    "default_lags",
    "factor_decomposition",
    "factor_regression",
    "layer_decomposition",
    "newey_west_cov",
    "rolling_regression",
]
