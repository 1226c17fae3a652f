"""Analytics against empyrical (reference implementation) and hand-built trades; protection analytics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tailkit.backtest import EngineParams, run_backtest
from tailkit.backtest.analytics import (
    drawdown_episodes,
    performance_by_regime,
    performance_summary,
    rolling_metrics,
    round_trips,
    stability_analysis,
    trade_statistics,
)
from tailkit.backtest.protection_analytics import protection_analytics


@pytest.fixture(scope="module")
def equity():
    rng = np.random.default_rng(11)
    r = rng.normal(0.0004, 0.01, 1500)
    return pd.Series(1e5 * np.cumprod(1 + np.r_[0.0, r]), index=pd.bdate_range("2015-01-01", periods=1501))


def test_summary_matches_empyrical(equity):
    # reference: empyrical-reloaded (the pyfolio metrics) on the same daily returns
    import empyrical as ep  # a test peer (empyrical-reloaded)

    r = equity.pct_change().iloc[1:]
    s = performance_summary(equity)
    assert s.sharpe == pytest.approx(ep.sharpe_ratio(r), rel=1e-10)
    assert s.sortino == pytest.approx(ep.sortino_ratio(r), rel=1e-10)
    assert s.max_drawdown == pytest.approx(ep.max_drawdown(r), rel=1e-10)
    assert s.cagr == pytest.approx(ep.annual_return(r), rel=1e-10)
    assert s.calmar == pytest.approx(ep.calmar_ratio(r), rel=1e-10)
    assert s.volatility == pytest.approx(ep.annual_volatility(r), rel=1e-10)
    # Lo (2002) standard error of the Sharpe ratio, i.i.d. case
    srd = r.mean() / r.std()
    assert s.sharpe_se == pytest.approx(math.sqrt((1 + srd**2 / 2) / len(r)) * math.sqrt(252), rel=1e-10)


def test_drawdown_episodes_add_up(equity):
    dd = drawdown_episodes(equity)
    s = performance_summary(equity)
    assert dd["depth"].iloc[0] == pytest.approx(s.max_drawdown)
    assert (dd["depth"] < 0).all() and (dd["days"] > 0).all()
    e = pd.Series([100.0, 110, 99, 105, 111, 100, 101], index=pd.bdate_range("2020-01-01", periods=7))
    ep = drawdown_episodes(e).sort_values("start").reset_index(drop=True)
    assert list(ep["depth"].round(6)) == [round(99 / 110 - 1, 6), round(100 / 111 - 1, 6)]
    assert list(ep["recovery_days"]) == [2, -1]
    assert performance_summary(e).recovery_days == 2  # the deepest (-10%) recovered; the later -9.9% did not


def test_round_trip_by_hand():
    px = pd.DataFrame({"A": [10.0, 11.0, 12.0, 12.0, 9.0]}, index=pd.bdate_range("2020-01-01", periods=5))
    tg = pd.DataFrame({"A": [1.0, 1.0, 0.0, 1.0, 0.0]}, index=px.index)
    decide = np.array([True, False, True, True, True])
    res = run_backtest(px, tg, EngineParams(commission=0.001, gross_target=1.0), decide=decide)
    trips = round_trips(res)
    assert len(trips) == 2
    shares = 1e5 / 1.001 / 10.0  # the partial fill when cash must also pay the commission
    assert trips["pnl"].iloc[0] == pytest.approx(shares * (12 - 10) - 0.001 * shares * (10 + 12))
    stats = trade_statistics(res)
    assert stats["trades"] == 2 and stats["win_rate"] == 0.5
    assert stats["profit_factor"] == pytest.approx(trips["pnl"].iloc[0] / -trips["pnl"].iloc[1])
    assert stats["total_fees"] == pytest.approx(res.fees.sum())


def test_regime_rolling_stability(equity):
    from tailkit.backtest.detection import RegimeTimeline

    lab = np.where(np.arange(1501) % 3 == 0, "crisis", "goldilocks").astype(object)
    tl = RegimeTimeline(pd.DataFrame({"regime": lab}, index=equity.index), (), 0)
    by = performance_by_regime(equity, tl).set_index("regime")
    assert by["days"].sum() == 1500
    r = equity.pct_change().iloc[1:].to_numpy()
    prev = lab[:-1]
    assert by.loc["crisis", "return"] == pytest.approx(r[prev == "crisis"].mean() * 252)
    roll = rolling_metrics(equity, 252)
    tail = r[-252:]
    assert roll["sharpe"].iloc[-1] == pytest.approx(tail.mean() / tail.std(ddof=1) * math.sqrt(252))
    st_ = stability_analysis(equity, 5)
    assert len(st_["sub_period_sharpe"]) == 5 and st_["sharpe_dispersion"] > 0


def test_protection_counterfactuals(short_prices, universe, fast_params):
    pa = protection_analytics(short_prices, universe.buckets, fast_params, rules=("grace_period", "whipsaw"))
    t = pa.table.set_index("run")
    assert list(t.index) == ["base", "without_grace_period", "without_whipsaw"]
    assert t.loc["base", "cycles_prevented"] == 0
    # without whipsaw protection the strategy may cycle more, never less often
    assert t.loc["without_whipsaw", "cycles"] >= t.loc["base", "cycles"]
    assert 0.0 <= pa.grace_recovery_rate <= 1.0
    assert set(pa.to_dict()) >= {"table", "core_alpha", "override_decisions"}
