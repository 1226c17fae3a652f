"""Vasicek MLE recovers known parameters; errors on bad data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.calibration import fit_vasicek
from tailkit.errors import ConvergenceError, DataError, ParameterError
from tailkit.simulation import VasicekParams, simulate_vasicek

TRUE = VasicekParams(
    kappa=(1.5, 1.2), theta=(0.045, 0.047), sigma=(0.009, 0.008), correlation=((1.0, 0.9), (0.9, 1.0))
)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    # 40 years of daily data simulated from TRUE (reference: the generating parameters)
    y = simulate_vasicek(TRUE, (0.04, 0.043), n_paths=1, n_steps=10_080, seed=2024).values[0]
    return pd.DataFrame(y, columns=["yield_20y", "yield_30y"])


def test_recovers_parameters_within_standard_errors(sample: pd.DataFrame) -> None:
    fit = fit_vasicek(sample)
    assert fit.names == ("yield_20y", "yield_30y")
    for i, name in enumerate(fit.names):
        for field in ("kappa", "theta", "sigma"):
            est, se = fit.table[f"{field}[{name}]"]
            truth = getattr(TRUE, field)[i]
            assert se > 0
            assert abs(est - truth) < 4 * se, (field, name, est, truth, se)
    rho, se_rho = fit.table["rho[yield_20y,yield_30y]"]
    assert abs(rho - 0.9) < 4 * se_rho
    assert fit.diagnostics.converged
    assert np.isfinite(fit.diagnostics.loglik)
    assert fit.diagnostics.n_params == 7
    assert fit.diagnostics.aic == pytest.approx(2 * 7 - 2 * fit.diagnostics.loglik)
    np.testing.assert_array_equal(fit.last, sample.to_numpy()[-1])
    assert set(fit.to_frame().columns) == {"estimate", "std_error", "t_stat"}
    assert fit.to_dict()["params"]["kappa"] == list(fit.params.kappa)


def test_univariate_array_input(sample: pd.DataFrame) -> None:
    fit = fit_vasicek(sample["yield_20y"].to_numpy())
    assert fit.params.n_tenors == 1
    est, se = fit.table["theta[x0]"]
    assert abs(est - 0.045) < 4 * se


def test_no_mean_reversion_is_an_error() -> None:
    y = 0.01 * 1.001 ** np.arange(300)  # explosive: AR(1) coefficient > 1
    with pytest.raises(ConvergenceError, match="mean reversion"):
        fit_vasicek(y)


def test_missing_values_and_percent_units_are_errors(sample: pd.DataFrame) -> None:
    bad = sample.copy()
    bad.iloc[5, 1] = np.nan
    with pytest.raises(DataError, match=r"yield_30y.*row 5"):
        fit_vasicek(bad)
    with pytest.raises(ParameterError, match="percent"):
        fit_vasicek(sample * 100)
    with pytest.raises(DataError, match="at least"):
        fit_vasicek([0.01, 0.02])
