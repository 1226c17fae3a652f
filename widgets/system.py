"""Panel over notebook 05's asymmetric system: the what-if panel.

Controls for loss aversion (λ), the myopic investor's evaluation horizon, the hedge budget
(tail-hedge notional per unit of NAV), the archetype held on history and the market scenario of
:class:`~tailkit.studies.asymmetric_system.AsymmetricSystemParams`. On every change the panel
validates them through the dataclass, calls
:func:`~tailkit.studies.asymmetric_system.asymmetric_system_study` and refreshes the headline
table (R² against the plan's target, behavior gaps with their standard errors), the attribution
waterfall, the wealth fans and the behavior-gap chart. A refused combination (e.g. a horizon
not shorter than the memory) shows the ``ParameterError`` message and hides the figures.

Headless use (tests)::

    panel = AsymmetricSystemPanel(AsymmetricSystemParams(n_paths=20, path_months=72))
    panel.controls["hedge_weight"].value = 1.0
    panel.result.summary()["system_r2"]

Stable CSS classes: ``tailkit-panel``, ``tailkit-system-panel``, ``tailkit-controls``,
``tailkit-control-<field>``, ``tailkit-metrics`` (cells carry ``data-metric="<key>"``),
``tailkit-error``, ``tailkit-chart``.
"""

from __future__ import annotations

from typing import ClassVar

import ipywidgets as w

from tailkit.charts.system import behavior_gap_chart, fan_chart, waterfall_chart
from tailkit.errors import ParameterError
from tailkit.studies.asymmetric_system import (
    ARCHETYPES,
    R2_TARGET,
    AsymmetricSystemParams,
    AsymmetricSystemStudy,
    asymmetric_system_study,
)
from widgets.display import ChartView
from widgets.formatting import fmt_number, fmt_pct
from widgets.panel import StudyPanel
from widgets.tables import metrics_table

__all__ = ["PANEL_FIELDS", "AsymmetricSystemPanel"]

#: fields of AsymmetricSystemParams the panel exposes (the issue's what-if: λ, evaluation
#: horizon, hedge budget, scenario)
PANEL_FIELDS = [
    "loss_aversion",
    "horizon_months",
    "hedge_weight",
    "archetype",
    "scenario",
    "start_regime",
    "crisis_duration_multiplier",
]


def _headlines(study: AsymmetricSystemStudy) -> str:
    s = study.summary()
    r2 = float(s["system_r2"])
    verdict = "below" if s["r2_below_target"] else "meets"
    rows = [
        (
            "system_r2",
            "R² of the investor on the seven premia",
            f"{fmt_number(r2, 3)} ({verdict} {R2_TARGET:.0%})",
        ),
        ("largest_layer", "largest attribution layer", str(s["largest_layer"]).replace("_", " ")),
    ]
    for name in ARCHETYPES:
        gap, se = fmt_pct(s[f"{name}_behavior_gap"], 2, signed=True), fmt_pct(s[f"{name}_behavior_gap_se"], 2)
        rows.append((f"{name}_behavior_gap", f"{name}: behavior gap a year (SE)", f"{gap} ({se})"))
    return metrics_table("The system", rows)


class AsymmetricSystemPanel(StudyPanel):
    """λ, evaluation horizon, hedge budget, archetype and scenario → the system's figures.

    Parameters
    ----------
    params : AsymmetricSystemParams, optional
        Initial values (the fields not in :data:`PANEL_FIELDS` stay fixed).

    Attributes
    ----------
    result : AsymmetricSystemStudy or None
        The current study; ``None`` while the inputs are invalid (figures hidden).
    """

    params_class = AsymmetricSystemParams
    fields = PANEL_FIELDS
    errors = (ParameterError,)
    labels: ClassVar[dict[str, str]] = {
        "loss_aversion": "loss aversion λ",
        "horizon_months": "evaluation horizon (months)",
        "hedge_weight": "hedge budget (notional / NAV)",
        "start_regime": "scenario start regime",
        "crisis_duration_multiplier": "crisis duration x",
    }

    def __init__(
        self, params: AsymmetricSystemParams | None = None, result: AsymmetricSystemStudy | None = None
    ):
        super().__init__(params)
        self.table = w.HTML().add_class("tailkit-metrics")
        self.waterfall = ChartView()
        self.fans = ChartView()
        self.gaps = ChartView()
        self.result: AsymmetricSystemStudy | None = None
        self.outputs = [self.table, self.waterfall.widget, self.fans.widget, self.gaps.widget]
        box = self.controls_column(min_width=None)
        charts = w.VBox(
            [self.error_box, self.table, self.waterfall.widget, self.gaps.widget, self.fans.widget]
        )
        self.widget = w.HBox([box, charts]).add_class("tailkit-panel").add_class("tailkit-system-panel")
        self.start(result)

    def compute(self, params: AsymmetricSystemParams) -> AsymmetricSystemStudy:
        """The whole chain for ``params``."""
        return asymmetric_system_study(params)

    def render(self, result: AsymmetricSystemStudy) -> None:
        """Fill the headline table."""
        self.table.value = _headlines(result)

    def draw(self, result: AsymmetricSystemStudy) -> None:
        """Draw the waterfall, the behavior gaps and the wealth fans."""
        self.waterfall.update(waterfall_chart(result.layers.summary()))
        self.gaps.update(behavior_gap_chart(result.archetype_table()))
        self.fans.update(fan_chart(result.fan_frame("wealth")))
