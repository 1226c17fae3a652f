"""Headless tests of the backtest panels (widgets.backtest): set a control's value, read ``panel.result``.

Reference values: what a panel shows is compared with direct calls of the study functions.
"""

from __future__ import annotations

import dataclasses

import pytest

from tailkit.studies.regime_backtest import (
    BacktestReviewParams,
    RegimeBacktestStudyParams,
    decision_chain,
    demo_results,
    load_review,
    run_regime_backtest_study,
)
from widgets.backtest import BacktestReviewPanel, RegimeBacktestPanel

SMALL = RegimeBacktestStudyParams(n_days=1100, train_bars=504, compare_presets=(), protection_rules=())


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


def test_explorer_panel_follows_its_controls():
    panel = RegimeBacktestPanel(SMALL)
    assert panel.error == ""
    assert panel.result.summary() == run_regime_backtest_study(SMALL).summary()
    assert 'data-metric="sharpe"' in panel.performance.value and "SYNTHETIC" in panel.note.value
    assert "<svg" in panel.equity_chart.widget.value and "<svg" in panel.regime_chart.widget.value
    panel.controls["max_assets"].value = 3
    assert (
        panel.result.summary()
        == run_regime_backtest_study(dataclasses.replace(SMALL, max_assets=3)).summary()
    )
    panel.controls["n_days"].value = 100
    assert panel.result is None and "n_days=100" in panel.error
    assert panel.performance.layout.display == "none"


def test_explorer_shows_the_notebook_study_without_recomputing():
    study = run_regime_backtest_study(SMALL)
    panel = RegimeBacktestPanel(SMALL, study)
    assert panel.result.regime is study.regime


def test_review_panel_traces_decisions(tmp_path):
    folder = tmp_path / "demo"
    demo_results(folder, n_days=1100)
    panel = BacktestReviewPanel(BacktestReviewParams(demo_folder=str(folder)))
    assert panel.error == "" and 'data-metric="final_equity"' in panel.metrics.value
    for view in (panel.equity_chart, panel.drawdown_chart, panel.regime_chart, panel.holdings_chart):
        assert "<svg" in view.widget.value
    review = load_review(folder / "results.json")
    panel.controls["asset"].value = "DEF2"
    panel.controls["date"].value = "2008-06-30"
    chain = decision_chain(review, "DEF2", "2008-06-30")
    assert panel.decisions.value.count("<tr data-event=") == len(chain)
    panel.controls["asset"].value = "NOPE"
    assert panel.result is None and "'NOPE' is not in the results" in panel.error
    panel.controls["asset"].value = ""
    assert panel.error == ""
    panel.controls["results_file"].value = str(tmp_path / "missing.json")
    assert "cannot read" in panel.error
