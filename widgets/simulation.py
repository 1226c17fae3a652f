"""Panel over ``tailkit.simulation.study``: switch the model and tweak the crash scenario.

:class:`SimulationPanel` calibrates once (:func:`tailkit.simulation.study.calibrate`, or takes a
calibration) and, on every control change, validates the values through
:class:`~tailkit.simulation.study.SimulationStudyParams`, calls
:func:`~tailkit.simulation.study.run_simulation` and refreshes a fan chart, the drawdown
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

import html
from typing import Any

import ipywidgets as w

from tailkit.charts.simulation import drawdown_distribution_chart, fan_chart
from tailkit.errors import TailkitError
from tailkit.simulation.study import (
    SimulationCalibration,
    SimulationResult,
    SimulationStudyParams,
    calibrate,
    run_simulation,
)
from widgets.controls import controls_for, params_from_controls
from widgets.display import ChartView

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
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td data-metric='{key}'>{fmt.format(s[key])}</td></tr>"
        for key, label, fmt in _METRICS
    )
    return (
        f"<b>{html.escape(str(s['model']))}: {s['n_paths']:,} simulated (synthetic) paths, "
        f"{s['horizon_days']} days</b><table class='tailkit-table'>{rows}</table>"
    )


class SimulationPanel:
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

    def __init__(
        self,
        params: SimulationStudyParams | None = None,
        *,
        calibration: SimulationCalibration | None = None,
        result: SimulationResult | None = None,
    ) -> None:
        self.params = params if params is not None else SimulationStudyParams()
        self.calibration = calibration if calibration is not None else calibrate(self.params)
        self.controls = controls_for(SimulationStudyParams, self.params, include=PANEL_FIELDS)
        for name, ctl in self.controls.items():
            ctl.add_class("tailkit-control")
            ctl.add_class(f"tailkit-control-{name.replace('_', '-')}")
        self.result: SimulationResult | None = None
        self.error = ""
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.error_box = w.HTML().add_class("tailkit-error")
        self.error_box.layout.display = "none"
        self.fan = ChartView()
        self.fan.widget.add_class("tailkit-fan-chart")
        self.drawdowns = ChartView()
        self.drawdowns.widget.add_class("tailkit-drawdown-chart")
        title = w.HTML(
            "<h3 style='margin:0 0 6px 0'>Asymmetric Monte Carlo</h3>"
            "<div class='tailkit-note'>Models fitted to the real S&amp;P 500; every path shown is "
            "<b>simulated (synthetic)</b>. Crash multiplier 1 = as fitted.</div>"
        )
        controls = w.VBox(list(self.controls.values())).add_class("tailkit-controls")
        self._outputs = [self.metrics, self.fan.widget, self.drawdowns.widget]
        right = w.VBox([self.error_box, *self._outputs])
        self.widget = w.VBox([title, w.HBox([controls, right])]).add_class("tailkit-panel")
        for ctl in self.controls.values():
            ctl.observe(self._on_change, names="value")
        if result is not None and result.params == self.params:
            self._show(result)
        else:
            self.refresh()

    def _on_change(self, _change: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the controls, re-simulate and redraw; show the message of invalid inputs."""
        try:
            params = params_from_controls(SimulationStudyParams, self.controls, base=self.params)
            result = run_simulation(params, self.calibration)
        except (TailkitError, ValueError) as exc:
            self.result, self.error = None, str(exc)
            for out in self._outputs:
                out.layout.display = "none"
            self.error_box.value = f"<div class='tailkit-error-banner'>{html.escape(str(exc))}</div>"
            self.error_box.layout.display = None
            return
        self.params = params
        self._show(result)

    def _show(self, result: SimulationResult) -> None:
        self.result, self.error = result, ""
        self.error_box.layout.display = "none"
        self.error_box.value = ""
        for out in self._outputs:
            out.layout.display = None
        self.metrics.value = metrics_html(result)
        self.fan.update(fan_chart(result.model_paths(), y_title="S&P 500 level (start = 1)"))
        self.drawdowns.update(drawdown_distribution_chart(result.max_drawdown))
