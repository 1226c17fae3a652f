"""Concentration and liquidity risk against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tailkit.errors import DataError, ParameterError
from tailkit.risk import (
    DEFAULT_CONCENTRATION_LIMITS,
    average_daily_value,
    check_limits,
    concentration_report,
    corwin_schultz_spread,
    days_to_liquidate,
    effective_number,
    exogenous_liquidity_cost,
    herfindahl,
    impact_cost,
    liquidity_report,
    quote_spreads,
)


def test_herfindahl_by_hand() -> None:
    # weights 40/30/20/10: 0.16 + 0.09 + 0.04 + 0.01 = 0.30, effective N 3.333...
    assert herfindahl([40.0, 30.0, 20.0, 10.0]) == pytest.approx(0.30, abs=1e-15)
    assert effective_number([40.0, 30.0, 20.0, 10.0]) == pytest.approx(1 / 0.3, rel=1e-14)
    # a short counts by its size: |-0.5| + 0.5 -> two equal positions
    assert effective_number([-0.5, 0.5]) == pytest.approx(2.0, rel=1e-15)
    assert herfindahl([7.0]) == 1.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6).filter(lambda x: abs(x) > 1e-3), min_size=1, max_size=30))
def test_herfindahl_bounds(values: list[float]) -> None:
    h = herfindahl(values)
    assert 1.0 / len(values) - 1e-12 <= h <= 1.0 + 1e-12
    assert 1.0 - 1e-9 <= effective_number(values) <= len(values) + 1e-9


def test_concentration_report_by_hand() -> None:
    values = pd.Series([400.0, 300.0, 200.0, 100.0], index=["a", "b", "c", "d"])
    risk = [0.5, 0.3, -0.1, 0.1]  # gross 1.0: shares 0.5, 0.3, 0.1, 0.1
    rep = concentration_report(values, risk, [np.array([1, 2])], threshold=0.7)
    assert rep.names == ("a", "b", "c", "d")
    assert rep.hhi_weight == pytest.approx(0.30, abs=1e-15)
    assert rep.hhi_risk == pytest.approx(0.25 + 0.09 + 0.01 + 0.01, abs=1e-15)
    assert rep.effective_n_risk == pytest.approx(1 / 0.36, rel=1e-14)
    assert rep.largest_position == "a" and rep.largest_position_share == pytest.approx(0.4)
    # clusters: {b, c} = 0.5 beats {a} = 0.4 and {d} = 0.1
    assert rep.largest_cluster == ("b", "c") and rep.largest_cluster_share == pytest.approx(0.5)
    assert rep.to_frame()["cluster"].tolist() == [1, 0, 0, 2]
    assert rep.to_frame()["weight_share"].sum() == pytest.approx(1.0, abs=1e-15)
    m = rep.limit_metrics()
    assert set(m) == set(DEFAULT_CONCENTRATION_LIMITS)


def test_concentration_bad_input() -> None:
    with pytest.raises(ParameterError, match=r"clusters\[1\]"):
        concentration_report([1.0, 1.0, 1.0], [1, 1, 1], [[0, 1], [1, 2]])
    with pytest.raises(ParameterError, match="risk_contributions"):
        concentration_report([1.0, 1.0], [1.0])
    with pytest.raises(DataError, match="all zero"):
        herfindahl([0.0, 0.0])
    with pytest.raises(DataError, match="nan"):
        herfindahl([1.0, float("nan")])


def test_concentration_limits_join_the_breach_report() -> None:
    rep = concentration_report([0.6, 0.2, 0.2], [0.7, 0.2, 0.1])
    out = check_limits(
        {"var": 0.01, **rep.limit_metrics()},
        {"var": 0.03},
        vol=0.30,  # stressed band: var limit x0.6, fixed limits unscaled
        fixed_limits=DEFAULT_CONCENTRATION_LIMITS,
    )
    frame = out.to_frame()
    assert frame.loc["var", "limit"] == pytest.approx(0.018)
    assert frame.loc["largest_position", "limit"] == DEFAULT_CONCENTRATION_LIMITS["largest_position"]
    # 0.6 / 0.35 = 1.71 -> critical; hhi 0.36+0.04+0.04 = 0.44 / 0.30 = 1.47 -> critical
    assert frame.loc["largest_position", "severity"] == "critical"
    assert frame.loc["hhi_weight", "value"] == pytest.approx(0.44)
    assert "largest_position" in out.to_dict()["breaches"]
    with pytest.raises(ParameterError, match="fixed_limits"):
        check_limits({"var": 0.01}, {"var": 0.03}, vol=0.1, fixed_limits={"var": 0.02})
    with pytest.raises(ParameterError, match=r"fixed_limits\['hhi'\]=-1"):
        check_limits({"hhi": 0.1}, {}, vol=0.1, fixed_limits={"hhi": -1.0})


def test_days_to_liquidate_by_hand() -> None:
    # $5m at 10% of $20m a day: 5 / 2 = 2.5 days; a short sells the same way; unknown volume -> NaN
    d = days_to_liquidate([5e6, -1e6, 1e6], [2e7, 1e6, np.nan], participation=0.1)
    assert d[0] == pytest.approx(2.5) and d[1] == pytest.approx(10.0) and np.isnan(d[2])
    with pytest.raises(ParameterError, match=r"participation=1\.5"):
        days_to_liquidate([1.0], [1.0], participation=1.5)
    with pytest.raises(DataError, match="adv"):
        days_to_liquidate([1.0], [0.0])


def test_average_daily_value_by_hand() -> None:
    idx = pd.bdate_range("2020-01-01", periods=3)
    vol = pd.DataFrame({"x": [100.0, 200.0, 300.0]}, index=idx)
    px = pd.DataFrame({"x": [10.0, 11.0, 12.0]}, index=idx)
    # last two days: (200*11 + 300*12) / 2 = 2900
    assert average_daily_value(vol, px, window=2)["x"] == pytest.approx(2900.0)


def test_lvar_constant_spread_textbook_example() -> None:
    # The constant-spread example of the FRM / Jorion's "Value at Risk" liquidity chapter, by hand:
    # 1,000 shares at a mid of $72, daily vol 1.24%, spread $0.16, 95% normal VaR.
    # VaR = 72,000 x 1.645 x 0.0124 = 1,468.66; cost = 1/2 x 1,000 x 0.16 = 80; LVaR = 1,548.66.
    value = 72_000.0
    var = value * 1.645 * 0.0124
    rep = liquidity_report(
        [value], var, adv=[np.nan], spread_mean=[0.16 / 72.0], spread_std=[0.0], daily_vol=[0.0124]
    )
    assert rep.table["spread_cost"].iloc[0] == pytest.approx(80.0, rel=1e-12)
    assert rep.lvar_exogenous == pytest.approx(1548.656, abs=1e-3)
    assert rep.lvar_endogenous == rep.lvar_exogenous  # no volume data: no impact estimate


def test_lvar_bangia_random_spread_by_hand() -> None:
    # Bangia et al. (1999): COL = 1/2 V (mean + a sd). V = 1e6, mean 0.2%, sd 0.1%, a = 3:
    # 0.5 * 1e6 * (0.002 + 0.003) = 2,500.
    cost = exogenous_liquidity_cost([1e6, -2e6], [0.002, 0.001], [0.001, 0.0], spread_multiplier=3.0)
    assert cost.tolist() == pytest.approx([2500.0, 1000.0], rel=1e-14)


def test_endogenous_and_stress_by_hand() -> None:
    # V = 1e6, ADV = 4e7, sigma = 2%: impact = 1e6 x 0.02 x sqrt(1/40) = 3162.2777;
    # volumes halve in the stress: x sqrt(2) = 4472.1360; spreads x3: 0.5e6 x (0.003 + 3 x 0.0015) x ...
    rep = liquidity_report(
        pd.Series([1e6], index=["s"]),
        10_000.0,
        adv=[4e7],
        spread_mean=[0.001],
        spread_std=[0.0005],
        daily_vol=[0.02],
        participation=0.2,
    )
    t = rep.table.loc["s"]
    assert t["impact_cost"] == pytest.approx(1e6 * 0.02 * math.sqrt(1 / 40), rel=1e-13)
    assert t["stressed_impact_cost"] == pytest.approx(1e6 * 0.02 * math.sqrt(1 / 20), rel=1e-13)
    assert t["spread_cost"] == pytest.approx(0.5e6 * (0.001 + 3 * 0.0005), rel=1e-13)
    assert t["stressed_spread_cost"] == pytest.approx(3 * t["spread_cost"], rel=1e-13)
    assert t["days_to_liquidate"] == pytest.approx(1e6 / (0.2 * 4e7))
    assert t["stressed_days_to_liquidate"] == pytest.approx(2 * t["days_to_liquidate"])
    assert rep.lvar_endogenous == pytest.approx(10_000 + t["spread_cost"] + t["impact_cost"], rel=1e-14)
    assert rep.lvar_stressed > rep.lvar_endogenous > rep.lvar_exogenous > rep.var
    assert impact_cost([4e6], [4e7], [0.02])[0] == pytest.approx(8 * t["impact_cost"], rel=1e-13)  # V^1.5


def test_quote_spreads_and_corwin_schultz() -> None:
    assert quote_spreads([1.0, 0.0], [1.2, 0.1]).tolist() == pytest.approx([0.2 / 1.1, 2.0])
    with pytest.raises(DataError, match=r"quote 0 has bid 2\.0 and ask 1\.0"):
        quote_spreads([2.0], [1.0])
    idx = pd.bdate_range("2020-01-01", periods=2)
    high = pd.DataFrame({"x": [101.0, 101.2], "flat": [101.0, 101.0]}, index=idx)
    low = pd.DataFrame({"x": [99.0, 99.2], "flat": [99.0, 99.0]}, index=idx)
    s = corwin_schultz_spread(high, low)["x"]
    # by hand (Corwin and Schultz 2012, eqs. 14 and 18)
    beta = math.log(101 / 99) ** 2 + math.log(101.2 / 99.2) ** 2
    gamma = math.log(101.2 / 99) ** 2
    k = 3 - 2 * math.sqrt(2)
    alpha = (math.sqrt(2 * beta) - math.sqrt(beta)) / k - math.sqrt(gamma / k)
    expected = max(2 * (math.exp(alpha) - 1) / (1 + math.exp(alpha)), 0.0)
    assert np.isnan(s.iloc[0]) and s.iloc[1] == pytest.approx(expected, rel=1e-13)
    assert expected == pytest.approx(0.015156361960876, rel=1e-12)
    # two identical bars with no move: the whole range is spread, (101 - 99) / 100
    assert corwin_schultz_spread(high, low)["flat"].iloc[1] == pytest.approx(0.02, rel=1e-12)


def test_corwin_schultz_recovers_a_known_spread() -> None:
    # Simulated mid-price with a 1% spread: highs are at the ask, lows at the bid (Corwin-Schultz
    # model). The average estimate lands near 1% (their estimator is approximately unbiased).
    rng = np.random.default_rng(5)
    n, m = 2000, 390
    log_mid = np.cumsum(rng.normal(0, 0.01 / math.sqrt(m), size=n * m)).reshape(n, m)
    mid = 100 * np.exp(log_mid)
    spread = 0.01
    high = pd.DataFrame({"x": mid.max(axis=1) * (1 + spread / 2)})
    low = pd.DataFrame({"x": mid.min(axis=1) * (1 - spread / 2)})
    est = corwin_schultz_spread(high, low)["x"].mean()
    assert 0.007 < est < 0.013
