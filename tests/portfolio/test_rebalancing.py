from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tailkit._numba import HAS_NUMBA
from tailkit.portfolio import rebalance
from tailkit.portfolio._kernels import rebalance_path, rebalance_path_python


def _prices() -> pd.DataFrame:
    idx = pd.bdate_range("2020-01-01", periods=130)
    rng = np.random.default_rng(5)
    r = rng.normal(0.0005, 0.02, size=(130, 2))
    r[0] = 0.0
    return pd.DataFrame(100 * np.cumprod(1 + r, axis=0), index=idx, columns=["a", "b"])


def test_buy_and_hold_nav_matches_prices() -> None:
    px = _prices()
    res = rebalance(px, {"a": 0.5, "b": 0.5}, every=None)
    ref = 0.5 * px["a"] / px["a"].iloc[0] + 0.5 * px["b"] / px["b"].iloc[0]
    np.testing.assert_allclose(res.nav.to_numpy(), ref.to_numpy(), rtol=1e-12)
    assert res.n_rebalances == 0 and res.total_cost == 0.0


def test_monthly_rebalancing_and_costs() -> None:
    px = _prices()
    res = rebalance(px, {"a": 0.5, "b": 0.5}, every="M", cost=0.001)
    months = px.index.to_period("M").nunique()
    assert res.n_rebalances == months - 1  # month ends before the last day
    assert res.total_cost == pytest.approx(0.001 * res.turnover)
    ends = res.trades.abs().sum(axis=1) > 0
    np.testing.assert_allclose(res.weights[ends].to_numpy(), 0.5)


def test_band_rule_keeps_weights_in_band() -> None:
    px = _prices()
    res = rebalance(px, {"a": 0.6, "b": 0.4}, every=None, band=0.03)
    assert (res.weights["a"] - 0.6).abs().max() <= 0.03 + 1e-12
    assert set(res.to_dict()) >= {"turnover", "total_cost", "n_rebalances"}


@pytest.mark.skipif(not HAS_NUMBA, reason="needs numba")
def test_rebalance_twins_agree() -> None:
    px = _prices().to_numpy()
    g = px[1:] / px[:-1]
    cal = np.zeros(len(g), dtype=np.bool_)
    cal[::10] = True
    args = (g, np.array([0.5, 0.4]), 0.02, cal, np.array([0.001, 0.002]))
    for a, b in zip(rebalance_path(*args), rebalance_path_python(*args)):
        np.testing.assert_allclose(a, b, rtol=1e-13)
