"""Headless tests of the simulation panel: set a control's value, read ``panel.result``.

Reference values: every number the panel shows is compared with a direct call of
``tailkit.studies.asymmetric_simulation.run_simulation`` with the same parameters and calibration.
"""

from __future__ import annotations

import dataclasses

import pytest

from tailkit.studies.asymmetric_simulation import SimulationStudyParams, calibrate, run_simulation
from widgets.simulation import PANEL_FIELDS, SimulationPanel

SMALL = SimulationStudyParams(n_paths=300, horizon_days=63, put_expiry_days=21, rates_horizon_years=1.0)


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


@pytest.fixture(scope="module")
def calibration():
    return calibrate(SMALL)


def test_initial_state_matches_direct_call(calibration):
    panel = SimulationPanel(SMALL, calibration=calibration)
    assert panel.error == ""
    assert list(panel.controls) == PANEL_FIELDS
    assert panel.result.summary() == run_simulation(SMALL, calibration).summary()
    assert 'data-metric="mdd_mean"' in panel.metrics.value
    assert "synthetic" in panel.metrics.value
    assert "<svg" in panel.fan.widget.value
    assert "<svg" in panel.drawdowns.widget.value


def test_controls_drive_the_simulation(calibration):
    panel = SimulationPanel(SMALL, calibration=calibration)
    before = panel.result.summary()
    panel.controls["crash_intensity_multiplier"].value = 4.0
    panel.controls["model"].value = "merton"
    expected = dataclasses.replace(SMALL, crash_intensity_multiplier=4.0, model="merton")
    assert panel.result.params == expected
    assert panel.result.summary() == run_simulation(expected, calibration).summary()
    assert panel.result.summary() != before
    panel.controls["crisis_duration_multiplier"].value = 3.0
    panel.controls["start_regime"].value = "crisis"
    assert panel.params.start_regime == "crisis"


def test_invalid_input_shows_message_then_recovers(calibration):
    panel = SimulationPanel(SMALL, calibration=calibration)
    panel.controls["horizon_days"].value = 15  # shorter than the 21-day put
    assert panel.result is None
    assert "put_expiry_days" in panel.error
    assert panel.error_box.layout.display is None
    assert "put_expiry_days" in panel.error_box.value
    panel.controls["horizon_days"].value = 42
    assert panel.error == ""
    assert panel.result.params.horizon_days == 42
    assert panel.fan.widget.layout.display is None
