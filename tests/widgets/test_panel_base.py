"""Every study panel hides its results while they do not match the inputs on screen (issue 11).

Notebook 01's panel listed no outputs, so after an invalid input it showed the error banner
beside the previous figures and charts. One headless test runs over every subclass of
:class:`widgets.panel.StudyPanel`: type text that is not a number into a number field, check
that every output is hidden and the banner quotes exactly what was typed; put the text back,
check the outputs return with a result for the inputs on screen.
"""

from __future__ import annotations

from typing import ClassVar

import ipywidgets as w
import pytest

import widgets.backtest
import widgets.hedging
import widgets.overlay
import widgets.portfolio
import widgets.pricing
import widgets.risk
import widgets.simulation
import widgets.sweep
import widgets.system
from tailkit.studies.asymmetric_simulation import SimulationStudyParams
from tailkit.studies.asymmetric_system import AsymmetricSystemParams
from tailkit.studies.hedge_sweep import HedgeSweepParams
from tailkit.studies.hedging_strategies import HedgingStudyParams
from tailkit.studies.option_pricing import OptionPricingParams
from tailkit.studies.overlay_calibration import OverlayCalibrationParams
from tailkit.studies.portfolio_construction import PortfolioStudyParams
from tailkit.studies.spread_screening import SpreadScreeningParams
from widgets.controls import TypedText
from widgets.panel import StudyPanel

#: a small, fast instance of each panel class
FACTORIES = {
    widgets.pricing.SpreadExplorerPanel: lambda: widgets.pricing.SpreadExplorerPanel(),
    widgets.pricing.OptionPricingPanel: lambda: widgets.pricing.OptionPricingPanel(
        OptionPricingParams(n_strikes=11, expiries_days=(30, 60))
    ),
    widgets.risk.RiskReviewPanel: lambda: widgets.risk.RiskReviewPanel(),
    widgets.simulation.SimulationPanel: lambda: widgets.simulation.SimulationPanel(
        SimulationStudyParams(n_paths=300, horizon_days=63, put_expiry_days=21, rates_horizon_years=1.0)
    ),
    widgets.portfolio.PortfolioPanel: lambda: widgets.portfolio.PortfolioPanel(
        PortfolioStudyParams(start="2011-01-01", end="2012-12-31")
    ),
    widgets.overlay.OverlayCalibrationPanel: lambda: widgets.overlay.OverlayCalibrationPanel(
        OverlayCalibrationParams(fan_paths=100, fan_days=5)
    ),
    widgets.overlay.SpreadScreeningPanel: lambda: widgets.overlay.SpreadScreeningPanel(
        SpreadScreeningParams(n_paths=400, deltas=(0.15, 0.25), widths=(2.0, 3.0), top=5)
    ),
    widgets.overlay.ExitOptimizationPanel: lambda: widgets.overlay.ExitOptimizationPanel(
        widgets.overlay.ExitOptimizationParams(n_paths=300)
    ),
    widgets.hedging.HedgingPanel: lambda: widgets.hedging.HedgingPanel(
        HedgingStudyParams(n_paths=100, history=False, frontier=False)
    ),
    widgets.backtest.RegimeBacktestPanel: lambda: widgets.backtest.RegimeBacktestPanel(),
    widgets.backtest.BacktestReviewPanel: lambda: widgets.backtest.BacktestReviewPanel(),
    widgets.system.AsymmetricSystemPanel: lambda: widgets.system.AsymmetricSystemPanel(
        AsymmetricSystemParams(n_paths=20, path_months=72)
    ),
    widgets.sweep.HedgeSweepPanel: lambda: widgets.sweep.HedgeSweepPanel(
        HedgeSweepParams(
            tickers=("IBM",), rebalance_days=(5.0, 20.0), costs=(0.0002,), impacts=(0.0,), n_folds=1
        )
    ),
}


def _concrete_subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        if not sub.__name__.startswith("_") and sub.__module__.startswith("widgets."):
            out.add(sub)
        out |= _concrete_subclasses(sub)
    return out


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


def test_every_panel_class_is_covered():
    assert _concrete_subclasses(StudyPanel) == set(FACTORIES)


def test_a_panel_without_outputs_is_refused():
    class Bare(StudyPanel):
        params_class = OptionPricingParams
        fields: ClassVar[list[str]] = ["spot"]

        def compute(self, params):
            return params

        def render(self, result):
            pass

    panel = Bare(None)
    with pytest.raises(TypeError, match="Bare lists no outputs"):
        panel.start()


def _visible(widget: w.Widget) -> bool:
    return widget.layout.display != "none"


@pytest.mark.parametrize("cls", sorted(FACTORIES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_invalid_text_hides_every_output_and_the_banner_quotes_it(cls):
    panel = FACTORIES[cls]()
    assert panel.outputs and all(_visible(o) for o in panel.outputs)
    assert panel.result is not None and not _visible(panel.error_box)
    typed = [(n, c) for n, c in panel.controls.items() if isinstance(c, TypedText)]
    if not typed:
        pytest.skip(
            f"{cls.__name__} has no number field to type text into (its inputs are choices and paths)"
        )
    name, ctl = typed[0]
    typed_before = ctl.value

    ctl.value = "12..5x"
    assert panel.result is None
    assert not any(_visible(o) for o in panel.outputs)
    assert _visible(panel.error_box)
    assert f"{name}=&#x27;12..5x&#x27;" in panel.error_box.value  # the typed text, HTML-escaped
    assert f"{name}='12..5x' is not allowed" in panel.error

    ctl.value = typed_before
    assert panel.result is not None and panel.error == ""
    assert all(_visible(o) for o in panel.outputs)
    assert not _visible(panel.error_box)
    assert not any("tailkit-stale" in o._dom_classes for o in panel.outputs)
