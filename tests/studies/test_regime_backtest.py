"""Notebook 06's study and the backtest_review app's data: reference runs, charts, review files."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from tailkit.backtest import RegimeStrategyParams, preset, run_regime_strategy
from tailkit.charts.backtest import (
    counterfactual_chart,
    drawdown_chart,
    equity_chart,
    hedge_value_chart,
    holdings_chart,
    regime_performance_chart,
    regime_timeline_chart,
    rolling_sharpe_chart,
)
from tailkit.charts.render import chart_to_svg
from tailkit.cli import main
from tailkit.errors import DataError, ParameterError
from tailkit.studies import load_notebook_parameters, parameter_class_for
from tailkit.studies.regime_backtest import (
    BacktestReviewParams,
    RegimeBacktestStudyParams,
    decision_chain,
    demo_results,
    load_review,
    run_regime_backtest_study,
    study_universe,
)
from tailkit.synthetic.universe import synthetic_universe

SMALL = RegimeBacktestStudyParams(
    n_days=1200, train_bars=504, compare_presets=("institutional",), protection_rules=("whipsaw",)
)


@pytest.fixture(scope="module")
def study():
    return run_regime_backtest_study(SMALL)


def test_study_equals_direct_calls(study):
    prices, buckets, _ = study_universe(SMALL)
    ref = run_regime_strategy(prices, buckets, SMALL.strategy_params())
    pd.testing.assert_series_equal(study.regime.backtest.equity, ref.backtest.equity)
    assert [e.key() for e in study.regime.events] == [e.key() for e in ref.events]
    eq = study.equity()
    assert list(eq.columns) == [
        "regime strategy", "regime + hedge overlay", "static inverse-vol", "equal-weight buy & hold"
    ]  # fmt: skip
    # the hedged curve is the overlay on the same run (default hedge_program "put")
    ov = study.regime.overlay
    hedged = ov.equity.loc[eq.index] / ov.equity.loc[eq.index[0]]
    pd.testing.assert_series_equal(eq["regime + hedge overlay"], hedged, check_names=False)
    pd.testing.assert_frame_equal(ov.to_frame(), ref.overlay.to_frame())
    np.testing.assert_allclose(eq.iloc[0].to_numpy(), 1.0)
    assert set(study.performance["strategy"]) == set(eq.columns)
    assert list(study.presets["preset"]) == ["institutional"]
    assert study.regime_accuracy.to_numpy().sum() == len(eq)
    s = study.summary()
    assert s["synthetic"] is True and s["events"] == len(study.regime.events)
    assert s["hedge_premium_paid"] == pytest.approx(ov.to_dict()["hedge_premium_paid"], abs=1e-4)
    json.dumps(s)


def test_charts_render_offline(study):
    eq = study.equity()
    charts = [
        equity_chart(eq), drawdown_chart(eq),
        regime_timeline_chart(study.regime.timeline.frame.dropna(subset=["regime"])),
        regime_performance_chart(study.by_regime), rolling_sharpe_chart(study.rolling),
        holdings_chart(study.regime.targets.dropna(how="all")), counterfactual_chart(study.protections.table),
        hedge_value_chart(study.regime.overlay.option_value + study.regime.overlay.overlay_cash),
    ]  # fmt: skip
    for c in charts:
        assert "<svg" in chart_to_svg(c)


def test_parameter_files_and_registry():
    assert parameter_class_for("06_regime_backtest") is RegimeBacktestStudyParams
    assert parameter_class_for("backtest_review") is BacktestReviewParams
    p = load_notebook_parameters("parameters/06_regime_backtest/institutional.yaml")
    assert p.preset == "institutional" and p.strategy_params().whole_shares
    with pytest.raises(ParameterError, match="n_days=600"):
        RegimeBacktestStudyParams(n_days=600)
    with pytest.raises(ParameterError, match="date='June'"):
        BacktestReviewParams(date="June")


def test_review_of_a_cli_results_file(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["backtest", "regime", "--output", str(out), "--end-date", "2009-12-31", "--train-bars", "504",
                 "--horizons", "daily,weekly"]) == 0  # fmt: skip
    review = load_review(out)
    assert review.series["drawdown"].max() == 0.0 and review.series["drawdown"].min() < 0
    assert len(review.assets) == 20 and "SYNTHETIC" in review.label
    assert review.hedge is None  # the CLI's default hedge_program is "none"
    chain = decision_chain(review, "RSK1", "2009-06-30")
    assert not chain["event_type"].str.startswith("hedge_").any()
    assert (chain["timestamp"] <= "2009-06-30").all()
    assert list(chain["timestamp"]) == sorted(chain["timestamp"])
    # the chain explains the holding: the last decision's size is the target weight held then
    if len(chain):
        held = review.holdings["RSK1"].loc[:"2009-06-30"].iloc[-1]
        last = chain[chain["event_type"].str.startswith(("position", "grace"))].iloc[-1]
        assert last["size_after"] == pytest.approx(held, abs=1e-6) or np.isnan(last["size_after"])
    with pytest.raises(DataError, match="'ZZZ' is not in the results"):
        decision_chain(review, "ZZZ", "2009-06-30")
    bad = tmp_path / "static.json"
    bad.write_text(json.dumps({"kind": "static", "summary": {}}))
    with pytest.raises(DataError, match="not a regime backtest results file"):
        load_review(bad)


def test_stocks_universe_runs():
    p = dataclasses.replace(SMALL, data="stocks", n_days=0, compare_presets=(), protection_rules=())
    s = run_regime_backtest_study(p)
    assert s.synthetic is False and s.regime_accuracy is None and s.protections is None


def test_review_of_a_hedged_cli_results_file(tmp_path):
    """The overlay read back from a CLI results file equals a direct run of the library."""
    out = tmp_path / "hedged.json"
    assert main(["backtest", "regime", "--output", str(out), "--end-date", "2008-12-31", "--train-bars", "504",
                 "--horizons", "daily,weekly", "--hedge-program", "collar", "--quiet"]) == 0  # fmt: skip
    u = synthetic_universe()
    p = RegimeStrategyParams(
        end_date="2008-12-31", train_bars=504, horizons=("daily", "weekly"), hedge_program="collar"
    )
    ref = run_regime_strategy(u.prices, u.buckets, p)
    ov, d = ref.overlay, ref.overlay.to_dict()
    h = load_review(out).hedge
    assert h.program == ov.label and h.rolls == d["hedge_rolls"] > 0
    for got, key in ((h.premium_paid, "hedge_premium_paid"), (h.proceeds, "hedge_proceeds"), (h.pnl, "hedge_pnl"),
                     (h.hedged_final_equity, "hedged_final_equity")):  # fmt: skip
        assert got == pytest.approx(d[key], rel=1e-12)
    assert h.unhedged_final_equity == pytest.approx(float(ref.backtest.equity.iloc[-1]), rel=1e-12)
    assert h.net_cash_flow == pytest.approx(float(ov.cash_flows.sum()), rel=1e-12, abs=1e-9)
    # the series: the file holds them rounded to 6 decimals (so within 5e-7 of the library's)
    dates = h.series.index
    ref_series = pd.DataFrame({
        "hedged_equity": ov.equity.loc[dates], "unhedged_equity": ref.backtest.equity.loc[dates],
        "hedge_value": (ov.option_value + ov.overlay_cash).loc[dates],
    })  # fmt: skip
    np.testing.assert_allclose(h.series.to_numpy(), ref_series.to_numpy(), rtol=0, atol=5e-7)
    # invariant: hedged = unhedged + hedge value (three roundings of 5e-7 each)
    s = h.series
    np.testing.assert_allclose(
        s["hedged_equity"], s["unhedged_equity"] + s["hedge_value"], rtol=0, atol=1.5e-6
    )
    eq = h.equity()
    assert list(eq.columns) == ["hedged", "unhedged"] and (eq.iloc[0] == 1.0).all()


def test_decision_chain_carries_the_hedge_trades(tmp_path):
    """hedge_open / hedge_close events (portfolio-wide) are in every asset's chain, with their cash flows."""
    n = 1100
    path = demo_results(tmp_path / "demo", n_days=n)
    review = load_review(path)
    u = synthetic_universe()
    ref = run_regime_strategy(u.prices.iloc[:n], u.buckets, preset("institutional", hedge_program="put"))
    date = "2008-06-30"
    chain = decision_chain(review, "DEF2", date)
    trades = ref.overlay.rolls[ref.overlay.rolls["date"] <= date]
    hedge = chain["event_type"].str.startswith("hedge_")
    assert hedge.sum() == len(trades) > 0 and (chain.loc[hedge, "asset"] == "").all()
    assert list(chain.loc[hedge, "cash_flow"]) == pytest.approx(list(trades["cash_flow"]), rel=1e-12)
    assert (chain.loc[hedge, "system"] == "hedge_overlay").all()
    asset_rows = [e for e in ref.events if e.asset == "DEF2" and e.timestamp <= date]
    assert (~hedge).sum() == len(asset_rows)
    assert list(chain["timestamp"]) == sorted(chain["timestamp"])
    # the demo is reused when it is the same run, and replaced when the file is of another run
    mtime = path.stat().st_mtime_ns
    assert demo_results(tmp_path / "demo", n_days=n) == path and path.stat().st_mtime_ns == mtime
    old = json.loads(path.read_text())
    old.pop("params")  # a demo written before the overlay carried no stamp
    path.write_text(json.dumps(old))
    demo_results(tmp_path / "demo", n_days=n)
    assert load_review(path).hedge is not None and "params" in json.loads(path.read_text())
