"""Headless tests of the hedge explorer panel: set a control's value, read ``panel.result``.

Reference: every number the panel shows is the one :func:`run_hedging_study` returns for the
same parameters.
"""

from __future__ import annotations

import pytest

from tailkit.studies.hedging_strategies import HedgingStudyParams, run_hedging_study
from widgets.hedging import HedgingPanel

SMALL = HedgingStudyParams(
    n_paths=60,
    horizon_days=63,
    frontier_types=("put",),
    frontier_moneyness=(0.9,),
    frontier_tenors=(1.0,),
    frontier_budgets=(0.01,),
    history_start="2008-01-02",
    history_end="2009-06-30",
)


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


def test_panel_matches_the_study_and_follows_a_control():
    panel = HedgingPanel(SMALL)
    assert panel.error == ""
    ref = run_hedging_study(SMALL)
    assert panel.result.to_dict() == ref.to_dict()
    assert 'data-metric="net_cost"' in panel.summary.value
    assert "proxy vol" in panel.crises.value  # 2008 rests on the GARCH x VRP proxy
    before = panel.result.program
    panel.controls["moneyness"].value = 0.8
    assert panel.error == ""
    assert panel.result.params.moneyness == 0.8
    assert panel.result.program != before and "80%" in panel.result.program
    expected = run_hedging_study(panel.result.params).to_dict()
    assert panel.result.to_dict() == expected


def test_panel_shows_bad_input_in_the_banner():
    panel = HedgingPanel(SMALL)
    panel.controls["roll_months"].value = 5.0  # longer than the 3-month tenor
    assert panel.result is None
    assert "roll_months=5.0" in panel.error
    assert panel.summary.layout.display == "none"
    panel.controls["roll_months"].value = 1.0
    assert panel.error == "" and panel.result is not None
