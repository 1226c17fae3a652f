"""Multi-strategy allocation: screen, caps, optimizers, walk-forward causality, exact attribution."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tailkit.allocation import (
    METHODS,
    allocate,
    attribute,
    cap_weights,
    compare_to_naive,
    linked_contributions,
    newey_west_se,
    performance_weights,
    select_strategies,
    walk_forward,
)
from tailkit.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def strategies() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 900
    idx = pd.bdate_range("2015-01-01", periods=n)
    base = rng.normal(0.0004, 0.01, size=(n, 4))
    base[:, 1] = 0.5 * base[:, 0] + rng.normal(0.0003, 0.008, n)
    frame = pd.DataFrame(base, index=idx, columns=["trend", "carry", "value", "hedge"])
    frame["hedge"] = -0.4 * frame["trend"] + rng.normal(0.0, 0.004, n)
    frame["trend_copy"] = frame["trend"] + rng.normal(0.0, 0.001, n)  # correlation ~0.99
    return frame


def test_cap_weights_by_hand() -> None:
    # 0.7 -> 0.5, the excess 0.2 split 2:1 over 0.2 and 0.1
    assert cap_weights([0.7, 0.2, 0.1], 0.5).tolist() == pytest.approx(
        [0.5, 0.2 + 0.2 * 2 / 3, 0.1 + 0.2 / 3]
    )
    # a second round: 0.6/0.3/0.1 at 0.4 -> 0.4, 0.3 + 0.15 = 0.45 > 0.4 -> 0.4, 0.2
    assert cap_weights([0.6, 0.3, 0.1], 0.4).tolist() == pytest.approx([0.4, 0.4, 0.2])
    with pytest.raises(ParameterError, match="cap"):
        cap_weights([0.5, 0.5], 0.4)


def test_performance_weights_by_hand() -> None:
    r = pd.DataFrame({"a": [0.01, 0.03] * 20, "b": [0.0, 0.02] * 20, "c": [-0.01, 0.0] * 20})
    sd = np.std([0.01, 0.03] * 20, ddof=1)
    sa, sb = (
        0.02 / sd,
        0.01 / sd,
    )  # a and b share sd (ddof=1); the common sqrt(252) cancels in the shares; c's Sharpe < 0 -> 0
    expected = 0.5 * np.array([sa, sb, 0.0]) / (sa + sb) + 0.5 / 3
    assert performance_weights(r).to_numpy() == pytest.approx(expected, rel=1e-12)
    assert performance_weights(r, shrinkage=1.0).to_numpy() == pytest.approx([1 / 3] * 3)
    with pytest.raises(ParameterError, match="shrinkage"):
        performance_weights(r, shrinkage=1.5)


def test_correlation_screen_drops_the_near_duplicate(strategies: pd.DataFrame) -> None:
    included, excluded = select_strategies(strategies, max_correlation=0.7)
    assert ("trend" in included) != ("trend_copy" in included)
    dropped = "trend_copy" if "trend" in included else "trend"
    assert excluded[dropped].startswith("correlation 0.99")
    corr = strategies[list(included)].corr().to_numpy()
    assert corr[np.triu_indices(len(included), 1)].max() <= 0.7


@pytest.mark.parametrize("method", [m for m in METHODS if m != "prospect"])
def test_allocate_every_method(strategies: pd.DataFrame, method: str) -> None:
    res = allocate(strategies.iloc[-500:], method, max_weight=0.4)
    w = res.weights
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert (w >= -1e-12).all() and (w <= res.cap + 1e-7).all()
    assert all(w[s] == 0 for s in res.excluded)
    assert res.max_included_correlation <= 0.7
    assert set(res.to_frame().columns) == {"weight", "included", "excluded_because"}


def test_allocate_prospect_and_cap_raised(strategies: pd.DataFrame) -> None:
    res = allocate(strategies.iloc[-300:, :3], "prospect", max_weight=0.2, max_correlation=0.99)
    assert res.cap == pytest.approx(1 / 3)  # 0.2 < 1/3 cannot hold fully invested
    assert res.weights.sum() == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ParameterError, match="method"):
        allocate(strategies, "guess")


def test_walk_forward_uses_only_past_data(strategies: pd.DataFrame) -> None:
    wf = walk_forward(strategies, "risk_parity", rebalance="quarter", lookback=250)
    first = wf.rebalance_dates[0]
    assert wf.weights.index[0] > first and len(wf.allocations) == len(wf.rebalance_dates)
    # weights set at a rebalance date do not change when the days after it change
    k = 2
    cut = wf.rebalance_dates[k]
    shocked = strategies.copy()
    shocked.loc[shocked.index > cut] *= -3.0
    wf2 = walk_forward(shocked, "risk_parity", rebalance="quarter", lookback=250)
    for a, b in zip(wf.allocations[: k + 1], wf2.allocations[: k + 1]):
        pd.testing.assert_series_equal(a.weights, b.weights)
    held = wf.weights.loc[(wf.weights.index > cut)].iloc[0]
    assert held.to_numpy() == pytest.approx(wf.allocations[k].weights.to_numpy())
    assert wf.allocations[k + 1].weights.to_numpy() != pytest.approx(
        wf2.allocations[k + 1].weights.to_numpy()
    )
    with pytest.raises(DataError, match="lookback"):
        walk_forward(strategies.iloc[:100], lookback=250)


def test_carino_linking_by_hand() -> None:
    # two days, one strategy at weight 1: +10% then -10% -> total -1%
    idx = pd.bdate_range("2020-01-01", periods=2)
    w = pd.DataFrame({"a": [1.0, 1.0]}, index=idx)
    r = pd.DataFrame({"a": [0.10, -0.10]}, index=idx)
    linked = linked_contributions(w, r)
    k = math.log(0.99) / -0.01
    assert linked["a"].tolist() == pytest.approx(
        [math.log(1.1) / 0.1 / k * 0.1, math.log(0.9) / -0.1 / k * -0.1], rel=1e-14
    )
    assert linked.to_numpy().sum() == pytest.approx(-0.01, abs=1e-15)


def test_attribution_adds_up_exactly(strategies: pd.DataFrame) -> None:
    wf = walk_forward(strategies, "performance", rebalance="month", lookback=120)
    n = len(wf.returns)
    rng = np.random.default_rng(0)
    raw = rng.dirichlet(np.ones(3), size=n)
    probs = pd.DataFrame(raw, index=wf.returns.index, columns=["calm", "stressed", "crisis"])
    for period in ("month", "quarter", "year"):
        a = attribute(wf.weights, wf.returns, period=period, regime_probabilities=probs)
        total = float(np.prod(1 + wf.portfolio_returns.to_numpy()) - 1)
        assert a.total == pytest.approx(total, rel=1e-13)
        assert abs(a.by_strategy.sum() - a.total) < 1e-12
        assert abs(a.by_period.to_numpy().sum() - a.total) < 1e-12
        assert a.by_regime is not None and abs(a.by_regime.to_numpy().sum() - a.total) < 1e-12
        assert a.check() < 1e-12
    assert len(attribute(wf.weights, wf.returns, period="year").by_period) == len(
        {d.year for d in wf.returns.index}
    )
    with pytest.raises(DataError, match="sums to"):
        attribute(wf.weights, wf.returns, regime_probabilities=probs * 2)


def test_newey_west_matches_statsmodels() -> None:
    import statsmodels.api as sm

    x = np.random.default_rng(1).normal(size=400).cumsum() * 0.01 + np.random.default_rng(2).normal(size=400)
    fit = sm.OLS(x, np.ones((400, 1))).fit(cov_type="HAC", cov_kwds={"maxlags": 5, "use_correction": False})
    assert newey_west_se(x, lags=5) == pytest.approx(float(fit.bse[0]), rel=1e-10)


def test_compare_to_naive(strategies: pd.DataFrame) -> None:
    wf = walk_forward(strategies, "min_cvar", rebalance="quarter", lookback=250)
    c = compare_to_naive(wf.portfolio_returns, wf.naive_returns)
    assert c.difference == pytest.approx(c.annual_return - c.naive_annual_return, abs=1e-15)
    assert c.difference_se > 0 and c.n_days == len(wf.returns)
    assert c.t_stat == pytest.approx(c.difference / c.difference_se)
    same = compare_to_naive(wf.naive_returns, wf.naive_returns)
    assert same.difference == 0.0 and math.isnan(same.t_stat)
