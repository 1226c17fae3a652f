"""Headless tests of the backtest panels' hedge overlay views (widgets.backtest).

Reference values: what a panel shows is compared with direct calls of the library: the regime
strategy with its overlay (:func:`tailkit.backtest.run_regime_strategy`,
:class:`tailkit.backtest.HedgeOverlayResult`), formatted with :mod:`widgets.formatting`.
"""

from __future__ import annotations

import dataclasses

import ipywidgets as w
import pytest

from tailkit.backtest import preset, run_regime_strategy
from tailkit.cli import main
from tailkit.studies.regime_backtest import (
    DEMO_HEDGE,
    DEMO_PRESET,
    BacktestReviewParams,
    RegimeBacktestStudyParams,
    demo_results,
    study_universe,
)
from tailkit.synthetic.universe import synthetic_universe
from widgets.backtest import NO_OVERLAY, BacktestReviewPanel, RegimeBacktestPanel
from widgets.formatting import fmt_money

N_DAYS = 1100
SMALL = RegimeBacktestStudyParams(n_days=N_DAYS, train_bars=504, compare_presets=(), protection_rules=())


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


@pytest.fixture(scope="module")
def hedged(tmp_path_factory):
    """(demo results file, the same run straight from the library)."""
    path = demo_results(tmp_path_factory.mktemp("demo"), n_days=N_DAYS)
    u = synthetic_universe()
    ref = run_regime_strategy(
        u.prices.iloc[:N_DAYS], u.buckets, preset(DEMO_PRESET, hedge_program=DEMO_HEDGE)
    )
    return path, ref


def _shown(value: str, metric: str) -> str:
    return value.split(f'data-metric="{metric}">', 1)[1].split("<", 1)[0]


def test_review_panel_shows_the_overlay(hedged):
    path, ref = hedged
    ov = ref.overlay
    d = ov.to_dict()
    panel = BacktestReviewPanel(BacktestReviewParams(results_file=str(path)))
    assert panel.error == ""
    hedge = panel.result[0].hedge
    assert hedge.premium_paid == pytest.approx(d["hedge_premium_paid"], rel=1e-12)
    assert hedge.proceeds == pytest.approx(d["hedge_proceeds"], rel=1e-12)
    assert hedge.pnl == pytest.approx(d["hedge_pnl"], rel=1e-12)
    # proceeds - premium is every option cash flow of the run added up (the overlay account)
    assert hedge.net_cash_flow == pytest.approx(float(ov.cash_flows.sum()), rel=1e-12)
    shown = panel.hedge.value
    assert _shown(shown, "hedge_program") == ov.label
    assert _shown(shown, "hedge_premium_paid") == fmt_money(d["hedge_premium_paid"])
    assert _shown(shown, "hedge_proceeds") == fmt_money(d["hedge_proceeds"])
    assert _shown(shown, "hedge_net_cash_flow") == fmt_money(float(ov.cash_flows.sum()), signed=True)
    assert _shown(shown, "hedge_pnl") == fmt_money(d["hedge_pnl"], signed=True)
    assert _shown(shown, "hedged_final_equity") == fmt_money(float(ov.equity.iloc[-1]))
    assert _shown(shown, "unhedged_final_equity") == fmt_money(float(ref.backtest.equity.iloc[-1]))
    assert _shown(shown, "hedge_rolls") == f"{d['hedge_rolls']} roll dates"
    assert "premium paid (currency units)" in shown and "," in _shown(shown, "hedged_final_equity")
    for view in (panel.equity_chart, panel.hedge_chart):
        assert "<svg" in view.widget.value and view.widget.layout.display is None
    assert "hedged" in panel.equity_chart.widget.value and "unhedged" in panel.equity_chart.widget.value


def test_review_chain_carries_the_hedge_trades(hedged):
    path, ref = hedged
    panel = BacktestReviewPanel(BacktestReviewParams(results_file=str(path)))
    date = "2008-06-30"
    panel.controls["date"].value = date
    assert panel.error == ""
    trades = ref.overlay.rolls[ref.overlay.rolls["date"] <= date]
    opens = trades[trades["action"] == "open"]
    assert len(opens) > 0
    shown = panel.decisions.value
    assert shown.count('<tr data-event="hedge_open">') == len(opens)
    assert shown.count('<tr data-event="hedge_close">') == len(trades) - len(opens)
    # the first option bought: its premium (a cash flow paid, so negative) shown in the chain
    first = shown.split('<tr data-event="hedge_open">', 1)[1]
    assert _cell(first, "cash_flow") == fmt_money(float(opens["cash_flow"].iloc[0]), signed=True)
    chain = panel.result[1]
    hedge = chain["event_type"].str.startswith("hedge_")
    assert chain.loc[hedge, "cash_flow"].sum() == pytest.approx(float(trades["cash_flow"].sum()), rel=1e-12)
    assert chain.loc[~hedge, "cash_flow"].isna().all() and chain.loc[hedge, "size_after"].isna().all()


def _cell(row_html: str, col: str) -> str:
    return row_html.split(f'data-col="{col}">', 1)[1].split("<", 1)[0]


def test_review_panel_without_overlay_says_so(tmp_path, hedged):
    out = tmp_path / "plain.json"
    assert main(["backtest", "regime", "--output", str(out), "--end-date", "2008-12-31", "--train-bars", "504",
                 "--horizons", "daily,weekly", "--quiet"]) == 0  # fmt: skip
    panel = BacktestReviewPanel(BacktestReviewParams(results_file=str(out)))
    assert panel.error == "" and panel.result[0].hedge is None
    assert NO_OVERLAY in panel.hedge.value and panel.hedge.value.count("<div") == 1
    assert panel.hedge_chart.widget.layout.display == "none"
    assert "hedge_open" not in panel.decisions.value
    # a file with an overlay brings the hedge chart back
    panel.controls["results_file"].value = str(hedged[0])
    assert panel.error == "" and panel.hedge_chart.widget.layout.display is None


def test_explorer_hedge_program_control():
    panel = RegimeBacktestPanel(SMALL)
    ctl = panel.controls["hedge_program"]
    assert isinstance(ctl, w.Dropdown) and list(ctl.options) == ["none", "put", "put_spread", "collar"]
    assert ctl.value == SMALL.hedge_program == "put"
    prices, buckets, _ = study_universe(SMALL)
    for program in ("collar", "none"):
        ctl.value = program
        assert panel.error == "" and panel.result.params.hedge_program == program
        p = dataclasses.replace(SMALL, hedge_program=program)
        ref = run_regime_strategy(prices, buckets, p.strategy_params())
        got = panel.result.regime
        if program == "none":
            assert got.overlay is None and ref.overlay is None
            assert "regime + hedge overlay" not in panel.performance.value
            assert "no hedge overlay" in panel.note.value
        else:
            assert got.overlay.label == ref.overlay.label and "collar" in got.overlay.label
            d, r = got.overlay.to_dict(), ref.overlay.to_dict()
            for k in ("hedge_premium_paid", "hedge_proceeds", "hedged_final_equity", "hedge_pnl"):
                assert d[k] == pytest.approx(r[k], rel=1e-12, abs=1e-12)
            assert (
                "regime + hedge overlay" in panel.performance.value and got.overlay.label in panel.note.value
            )
