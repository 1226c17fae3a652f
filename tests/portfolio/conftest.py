from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit.portfolio import PortfolioInputs


@pytest.fixture(scope="session")
def returns() -> pd.DataFrame:
    """Daily returns of the bundled stocks (AAPL, GOOG, IBM, MSFT; 2004-08 to 2013-03)."""
    from tailkit.data.stocks import load

    return load().pct_change().dropna()


@pytest.fixture(scope="session")
def inputs(returns: pd.DataFrame) -> PortfolioInputs:
    return PortfolioInputs.from_returns(returns)


@pytest.fixture(scope="session")
def synthetic() -> PortfolioInputs:
    """Synthetic fat-tailed scenarios, 8 assets x 2,000 (Student-t, 4 dof), seed 7."""
    rng = np.random.default_rng(7)
    n = 8
    mix = np.eye(n) * 0.01 + 0.003 * rng.standard_normal((n, n))
    r = rng.standard_t(4, size=(2000, n)) @ mix + np.linspace(0.0001, 0.0008, n)
    return PortfolioInputs.from_scenarios(
        pd.DataFrame(r, columns=[f"s{i}" for i in range(n)]), periods_per_year=252
    )
