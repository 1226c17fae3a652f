"""Factor regressions against statsmodels and known exposures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from tailkit.attribution import default_lags, factor_regression, rolling_regression
from tailkit.errors import DataError, ParameterError


def _data(n: int = 240, seed: int = 1) -> tuple[pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-31", periods=n, freq="ME")
    f = pd.DataFrame(rng.normal(0.005, 0.04, (n, 3)), index=idx, columns=["mkt", "smb", "hml"])
    e = np.zeros(n)
    shocks = rng.normal(0, 0.01, n)
    for t in range(n):  # AR(1) errors, so the HAC correction matters
        e[t] = (0.5 * e[t - 1] if t else 0.0) + shocks[t]
    y = 0.002 + f @ np.array([0.9, 0.3, -0.4]) + e
    return y.rename("strategy"), f


@pytest.mark.parametrize(("lags", "small_sample"), [(3, True), (0, True), (6, False)])
def test_matches_statsmodels_hac(lags: int, small_sample: bool) -> None:
    y, f = _data()
    ours = factor_regression(y, f, lags=lags, small_sample=small_sample)
    ref = sm.OLS(y, sm.add_constant(f)).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": small_sample}
    )
    np.testing.assert_allclose(ours.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.se.to_numpy(), ref.bse.to_numpy(), rtol=1e-10)
    assert ours.r2 == pytest.approx(ref.rsquared, rel=1e-12)
    assert ours.adj_r2 == pytest.approx(ref.rsquared_adj, rel=1e-12)
    np.testing.assert_allclose(ours.resid.to_numpy(), ref.resid.to_numpy(), atol=1e-14)


def test_recovers_known_exposures_within_their_standard_errors() -> None:
    y, f = _data(n=600, seed=4)
    fit = factor_regression(y, f)
    true = pd.Series({"alpha": 0.002, "mkt": 0.9, "smb": 0.3, "hml": -0.4})
    assert fit.lags == default_lags(600) == 5  # floor(4 * 6 ** (2 / 9)) = floor(5.957)
    assert ((fit.params - true).abs() < 3 * fit.se).all()
    assert fit.to_frame().loc["mkt", "t"] == pytest.approx(fit.params["mkt"] / fit.se["mkt"])


def test_rolling_and_expanding_windows_equal_their_own_fits() -> None:
    y, f = _data(n=60)
    roll = rolling_regression(y, f, 24, lags=2)
    assert len(roll) == 60 - 24 + 1
    last = factor_regression(y.iloc[-24:], f.iloc[-24:], lags=2)
    np.testing.assert_allclose(
        roll.iloc[-1][last.params.index].to_numpy(), last.params.to_numpy(), rtol=1e-12
    )
    assert roll.iloc[-1]["r2"] == pytest.approx(last.r2, rel=1e-12)
    grow = rolling_regression(y, f, 24, expanding=True, lags=2)
    full = factor_regression(y, f, lags=2)
    np.testing.assert_allclose(
        grow.iloc[-1][full.params.index].to_numpy(), full.params.to_numpy(), rtol=1e-12
    )


def test_bad_inputs_name_the_field() -> None:
    y, f = _data(n=30)
    with pytest.raises(ParameterError, match="lags=-1"):
        factor_regression(y, f, lags=-1)
    with pytest.raises(ParameterError, match="window=4"):
        rolling_regression(y, f, 4)
    with pytest.raises(ParameterError, match="factors='list'"):
        factor_regression(y, [1, 2])
    with pytest.raises(DataError, match="3 complete periods"):
        factor_regression(y.iloc[:3], f)
