from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def sp500_returns() -> pd.Series:
    from tailkit.data import load_sp500

    return load_sp500()["adj_close"].pct_change().dropna().rename("S&P 500")


@pytest.fixture(scope="session")
def stock_returns() -> pd.DataFrame:
    from tailkit.data import load_stocks

    return load_stocks().pct_change(fill_method=None).iloc[1:]


@pytest.fixture
def small_returns() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    cov = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.3], [0.2, 0.3, 1.0]]) * 1e-4
    x = rng.multivariate_normal([0.0005, 0.0002, 0.0], cov, size=750)
    x[:, 0] += 0.01 * rng.standard_t(3, size=750) * 0.3  # a fat, skewed-ish tail
    return pd.DataFrame(x, columns=["A", "B", "C"], index=pd.bdate_range("2010-01-01", periods=750))
