"""The framing comparison (a)-(d) on the bundled S&P 500 history: same metrics as on simulated paths."""

from __future__ import annotations

import math

import pytest

from tailkit.errors import ParameterError
from tailkit.hedging import (
    ProtectivePut,
    PutSpread,
    bundled_history,
    compare_framings_history,
    evaluate_history,
    risk_matched_weight_history,
)


@pytest.fixture(scope="module")
def market():
    return bundled_history(start="2005-01-01", end="2012-12-31")


def test_four_framings_on_history(market):
    program = ProtectivePut()
    tail = PutSpread(sizing="budget", budget=0.005)
    comp = compare_framings_history(market, program, tail_program=tail, leverage=1.3)
    frame = comp.to_frame()
    assert [r.framing for r in comp.rows] == ["a", "b", "c", "d"]
    assert list(frame.index) == ["(a) all_equity", "(b) risk_matched", "(c) hedged", "(d) levered_tail"]
    a, b, c, d = (r.metrics for r in comp.rows)
    # (a) is the index itself plus nothing: its annual return is the index's (by hand)
    years = (market.n_t - 1) * market.dt
    s = market.spot[0]
    assert a.annual_return == pytest.approx((s[-1] / s[0]) ** (1 / years) - 1, rel=1e-12)
    assert a.equity_weight == 1.0 and c.equity_weight == 1.0 and d.equity_weight == 1.3
    # (c) is exactly the program's own history evaluation
    own = evaluate_history(market, [program], windows=(), attribute=False).metrics[0]
    assert c.annual_return == pytest.approx(own.annual_return, rel=1e-12)
    assert c.cvar95_1y == pytest.approx(own.cvar95_1y, rel=1e-12)
    # (b) holds less equity and matches (c)'s CVaR95 of 1-year returns (the hedge cuts the tail in 2008)
    assert c.cvar95_1y < a.cvar95_1y
    assert 0.0 < b.equity_weight < 1.0
    assert b.cvar95_1y == pytest.approx(c.cvar95_1y, rel=1e-6)
    # (d) pays a tail budget on a levered core: its premium is the budget on a bigger NAV
    assert d.premium_per_year > 0
    assert math.isfinite(d.max_drawdown) and d.max_drawdown < 1.0
    assert "proxy" in frame["implied_vol"].iloc[0]


def test_risk_matched_weight_history_is_one_when_the_target_is_above_full_equity(market):
    assert risk_matched_weight_history(market, 10.0) == 1.0
    w = risk_matched_weight_history(market, 0.05)
    assert 0.0 < w < 1.0


def test_framing_history_rejects_bad_leverage(market):
    with pytest.raises(ParameterError, match="leverage"):
        compare_framings_history(market, ProtectivePut(), leverage=0.5)


def test_study_04_runs_the_framings_on_history_too():
    from tailkit.studies.hedging_strategies import HedgingStudyParams, run_hedging_study

    params = HedgingStudyParams(
        n_paths=40, horizon_days=63, frontier=False, history_start="2007-01-01", history_end="2010-12-31"
    )
    study = run_hedging_study(params)
    assert study.history is not None and study.history_framing is not None
    frame = study.history_framing.to_frame()
    assert list(frame.index) == ["(a) all_equity", "(b) risk_matched", "(c) hedged", "(d) levered_tail"]
    c = study.history_framing.rows[2].metrics
    own = next(m for m in study.history.metrics if m.program == study.program)
    assert params.equity_weight == 1.0  # so (c) is the study's own hedged portfolio
    assert c.max_drawdown == pytest.approx(own.max_drawdown, rel=1e-12)
    assert study.history_framing.rows[3].metrics.equity_weight == params.framing_leverage
