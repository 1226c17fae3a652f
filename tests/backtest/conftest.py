"""Shared fixtures: a short slice of the SYNTHETIC universe and a fast regime configuration."""

from __future__ import annotations

import pytest

from tailkit.backtest import RegimeStrategyParams
from tailkit.synthetic.universe import synthetic_universe


@pytest.fixture(scope="session")
def universe():
    return synthetic_universe()


@pytest.fixture(scope="session")
def short_prices(universe):
    return universe.prices.iloc[:1100]


@pytest.fixture(scope="session")
def fast_params():
    return RegimeStrategyParams(
        train_bars=504, horizons=("daily", "weekly"), rebalance_freq="weekly", fundamental_weight=0.0
    )
