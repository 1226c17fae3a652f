"""Headless test of notebook 11's panel: what it shows is the study's own table, it never
repeats the notebook's side effects, and a control change re-runs the sweep."""

from __future__ import annotations

import dataclasses

import pytest

from tailkit.studies.hedge_sweep import HedgeSweepParams, hedge_sweep_study
from widgets.sweep import SWEEP_CONTROLS, HedgeSweepPanel

QUICK = dict(tickers=("IBM",), rebalance_days=(5.0, 20.0), costs=(0.0002,), impacts=(0.0,), n_folds=1)


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


def test_the_panel_shows_the_notebooks_study_and_recomputes_on_a_change(tmp_path):
    params = HedgeSweepParams(**QUICK, report_dir=str(tmp_path))
    study = hedge_sweep_study(params)
    written = sorted(p.name for p in tmp_path.iterdir())
    panel = HedgeSweepPanel(params, result=study)
    assert set(panel.controls) == set(SWEEP_CONTROLS)
    assert panel.params.report_dir == "" and panel.params.notebook_sweep_dir == ""
    # shown without computing it again: the very tables of the notebook's study
    assert panel.result.table is study.table
    row = study.table.iloc[0]
    assert f"{row['is_score']:,.4f}" in panel.table.value and f"{row['oos_score']:,.4f}" in panel.table.value
    assert f"{study.results[0].in_sample['score']:.3f} → {study.results[0].out_of_sample['score']:.3f}" in (
        panel.metrics.value
    )

    panel.controls["family"].value = "vol_target"
    assert panel.result is not None and panel.result.params.family == "vol_target"
    direct = hedge_sweep_study(dataclasses.replace(params, family="vol_target", report_dir=""))
    assert panel.result.table.equals(direct.table)
    assert "Hedge sweep (vol_target)" in panel.metrics.value
    assert sorted(p.name for p in tmp_path.iterdir()) == written  # the report was not rewritten
