"""Headless tests of notebook 05's what-if panel: set a control's value, read ``panel.result``.

Reference: the numbers the panel shows are the ones :func:`asymmetric_system_study` returns for
the same parameters.
"""

from __future__ import annotations

import dataclasses

import pytest

from tailkit.studies.asymmetric_system import AsymmetricSystemParams, asymmetric_system_study
from widgets.system import AsymmetricSystemPanel

SMALL = AsymmetricSystemParams(n_paths=20, path_months=72)


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


def test_panel_matches_the_study_and_follows_the_hedge_budget():
    panel = AsymmetricSystemPanel(SMALL)
    assert panel.error == ""
    assert panel.result.summary() == asymmetric_system_study(SMALL).summary()
    assert (
        'data-metric="system_r2"' in panel.table.value
        and 'data-metric="timer_behavior_gap"' in panel.table.value
    )
    assert "<svg" in panel.waterfall.widget.value  # static mode: the waterfall drawn as SVG
    panel.controls["hedge_weight"].value = 1.0
    assert panel.error == ""
    assert panel.params.hedge_weight == 1.0
    want = asymmetric_system_study(dataclasses.replace(SMALL, hedge_weight=1.0)).summary()
    assert panel.result.summary() == want


def test_scenario_control_switches_to_the_regime_model():
    panel = AsymmetricSystemPanel(SMALL)
    panel.controls["scenario"].value = "regimes"
    panel.controls["start_regime"].value = "crisis"
    assert panel.error == ""
    assert (panel.result.params.scenario, panel.result.params.start_regime) == ("regimes", "crisis")


def test_a_horizon_as_long_as_the_memory_is_refused_and_hides_the_figures():
    panel = AsymmetricSystemPanel(SMALL)
    panel.controls["horizon_months"].value = SMALL.memory_months
    assert panel.result is None
    assert "memory_months" in panel.error
    assert all(o.layout.display == "none" for o in panel.outputs)
