"""Panel over ``tailkit.studies.asymmetric_simulation``: switch the model and tweak the crash scenario.

:class:`SimulationPanel` calibrates once (:func:`tailkit.studies.asymmetric_simulation.calibrate`, or takes a
calibration) and, on every control change, validates the values through
:class:`~tailkit.studies.asymmetric_simulation.SimulationStudyParams`, calls
:func:`~tailkit.studies.asymmetric_simulation.run_simulation` and refreshes a fan chart, the drawdown
distribution and a metrics table. Callbacks format numbers; they compute none. Invalid inputs
show the error message in the panel instead of raising.

Headless use (tests)::

    panel = SimulationPanel(params, calibration=cal)
    panel.controls["crash_intensity_multiplier"].value = 3.0
    panel.result.summary()

Stable CSS classes: ``tailkit-panel``, ``tailkit-controls``, ``tailkit-control-<field>``,
``tailkit-metrics`` (cells carry ``data-metric="<name>"``), ``tailkit-error``, ``tailkit-chart``,
``tailkit-fan-chart``, ``tailkit-drawdown-chart``.
"""

from __future__ import annotations

import ipywidgets as w

from tailkit.charts.simulation import drawdown_distribution_chart, fan_chart
from tailkit.errors import TailkitError
from tailkit.studies.asymmetric_simulation import (
    SimulationCalibration,
    SimulationResult,
    SimulationStudyParams,
    calibrate,
    run_simulation,
)
from widgets.display import ChartView
from widgets.panel import StudyPanel
from widgets.tables import metrics_table

__all__ = ["SimulationPanel", "PANEL_FIELDS", "metrics_html"]

#: the fields the panel exposes (the fit window and the rest stay as given)
PANEL_FIELDS = [
    "model",
    "crash_intensity_multiplier",
    "jump_size_multiplier",
    "crisis_duration_multiplier",
    "start_regime",
    "start_vol_multiplier",
    "n_paths",
    "horizon_days",
    "seed",
]

_METRICS = [
    ("mdd_mean", "mean max drawdown", "{:.1%}"),
    ("p_dd_gt_threshold", "P(drawdown > threshold)", "{:.1%}"),
    ("horizon_var_95", "horizon VaR 95%", "{:.1%}"),
    ("horizon_es_95", "horizon ES 95%", "{:.1%}"),
    ("excess_kurtosis", "daily excess kurtosis", "{:.2f}"),
    ("put_premium", "OTM put premium", "{:.4f}"),
    ("put_prob_payoff", "P(put pays)", "{:.1%}"),
    ("vix_p95_max", "95% of path-max vol index", "{:.2f}"),
]


def metrics_html(result: SimulationResult) -> str:
    """Headline metrics of a result as an HTML table (cells tagged ``data-metric``)."""
    s = result.summary()
    return metrics_table(
        f"{s['model']}: {s['n_paths']:,} simulated (synthetic) paths, {s['horizon_days']} days",
        [(key, label, fmt.format(s[key])) for key, label, fmt in _METRICS],
    )


class SimulationPanel(StudyPanel):
    """Model switch and crash-scenario controls over the asymmetric Monte Carlo study.

    Parameters
    ----------
    params : SimulationStudyParams, optional
        Initial values; defaults to ``SimulationStudyParams()``.
    calibration : SimulationCalibration, optional
        Fits to reuse; computed from ``params`` when omitted.
    result : SimulationResult, optional
        An already computed result for ``params`` (skips the first simulation).

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        One control per field in :data:`PANEL_FIELDS`.
    result : SimulationResult or None
        The current result; ``None`` while the inputs are invalid.
    error : str
        The message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    params_class = SimulationStudyParams
    fields = PANEL_FIELDS
    errors = (TailkitError, ValueError)
    error_lead = ""

    def __init__(
        self,
        params: SimulationStudyParams | None = None,
        *,
        calibration: SimulationCalibration | None = None,
        result: SimulationResult | None = None,
    ) -> None:
        super().__init__(params)
        self.calibration = calibration if calibration is not None else calibrate(self.params)
        self.result: SimulationResult | None = None
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.fan = ChartView()
        self.fan.widget.add_class("tailkit-fan-chart")
        self.drawdowns = ChartView()
        self.drawdowns.widget.add_class("tailkit-drawdown-chart")
        title = w.HTML(
            "<h3 style='margin:0 0 6px 0'>Asymmetric Monte Carlo</h3>"
            "<div class='tailkit-note'>Models fitted to the real S&amp;P 500; every path shown is "
            "<b>simulated (synthetic)</b>. Crash multiplier 1 = as fitted.</div>"
        )
        self.outputs = [self.metrics, self.fan.widget, self.drawdowns.widget]
        right = w.VBox([self.error_box, *self.outputs])
        controls = self.controls_column(min_width=None)
        self.widget = w.VBox([title, w.HBox([controls, right])]).add_class("tailkit-panel")
        self.start(result)

    def compute(self, params: SimulationStudyParams) -> SimulationResult:
        """Re-simulate ``params`` with the panel's calibration."""
        return run_simulation(params, self.calibration)

    def render(self, result: SimulationResult) -> None:
        """Fill the metrics table."""
        self.metrics.value = metrics_html(result)

    def draw(self, result: SimulationResult) -> None:
        """Draw the fan and the drawdown distribution."""
        self.fan.update(fan_chart(result.model_paths(), y_title="S&P 500 level (start = 1)"))
        self.drawdowns.update(drawdown_distribution_chart(result.max_drawdown))
