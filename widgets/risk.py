"""Panels over ``tailkit.risk``: the risk review (notebook 10 and the ``risk_review`` app).

:class:`RiskReviewPanel` takes a :class:`tailkit.risk.study.RiskReviewParams`, builds its
controls with :func:`widgets.controls.controls_for`, and on every change validates the values
through the dataclass, calls :func:`tailkit.risk.study.run_risk_study` and refreshes its HTML
tables and :class:`widgets.display.ChartView` charts. Callbacks format numbers; they compute
none. Invalid inputs (a bad weight list, an unknown ticker, an unreadable price file) show
the error message in the panel instead of raising.

Headless use (tests)::

    panel = RiskReviewPanel()
    panel.controls["confidence"].value = 0.95
    panel.result.var.var

Stable CSS classes for browser tests: ``tailkit-panel``, ``tailkit-controls``,
``tailkit-control-<field>`` on each control, ``tailkit-metrics`` (cells carry
``data-metric="<name>"``), ``tailkit-error``, ``tailkit-chart`` (every chart),
``tailkit-contrib-chart``, ``tailkit-stress-chart``, ``tailkit-growth-chart``,
``tailkit-contributions``, ``tailkit-stress``, ``tailkit-limits``, ``tailkit-performance``.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd

from tailkit.charts.risk import contributions_chart, cumulative_returns_chart, drawdown_chart, stress_chart
from tailkit.errors import TailkitError
from tailkit.risk.study import RiskReviewParams, RiskStudy, run_risk_study
from tailkit.risk.tearsheet import Tearsheet
from widgets.controls import controls_for, params_from_controls
from widgets.display import ChartView

__all__ = ["RiskReviewPanel", "PANEL_CSS", "metrics_html", "contributions_html", "stress_html", "limits_html"]

PANEL_CSS = """
<style>
.tailkit-panel table.tailkit-table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px 0; }
.tailkit-panel table.tailkit-table th, .tailkit-panel table.tailkit-table td {
  padding: 3px 10px; border-bottom: 1px solid #e3e3e3; text-align: right; }
.tailkit-panel table.tailkit-table th:first-child, .tailkit-panel table.tailkit-table td:first-child {
  text-align: left; }
.tailkit-panel table.tailkit-table thead th { border-bottom: 2px solid #bbb; }
.tailkit-panel .tailkit-error-banner { color: #8a1f11; background: #fdecea; border: 1px solid #f5c2bd;
  padding: 8px 10px; border-radius: 4px; max-width: 560px; }
.tailkit-panel .tailkit-note { color: #666; font-size: 12px; }
.tailkit-panel .sev-ok { color: #2e7d32; } .tailkit-panel .sev-warning { color: #b26a00; }
.tailkit-panel .sev-breach, .tailkit-panel .sev-critical { color: #c62828; font-weight: bold; }
</style>
"""

_SEVERITY_CLASS = {
    "ok": "sev-ok",
    "warning": "sev-warning",
    "breach": "sev-breach",
    "critical": "sev-critical",
}


def _tag_controls(controls: dict[str, w.Widget]) -> None:
    for name, ctl in controls.items():
        if hasattr(ctl, "continuous_update"):
            ctl.continuous_update = False  # one study per edit (Enter / focus out), not per keystroke
        ctl.add_class("tailkit-control")
        ctl.add_class(f"tailkit-control-{name.replace('_', '-')}")


def _error_html(message: str) -> str:
    return f'<div class="tailkit-error-banner"><b>Invalid input.</b> {html.escape(message)}</div>'


def metrics_html(study: RiskStudy) -> str:
    """Headline VaR/ES, limit status and performance figures as an HTML table."""
    s = study.summary()
    v, nav = study.var, study.portfolio.nav
    rows = [
        ("var", f"VaR {v.confidence:.1%}, {v.horizon} day(s), {v.method.replace('_', ' ')}", s["var"], True),
        ("es", f"ES {v.confidence:.1%}, {v.horizon} day(s), {v.method.replace('_', ' ')}", s["es"], True),
        ("var_with_puts", "VaR with put overlay (historical, full revaluation)", s["var_with_puts"], True),
        ("es_with_puts", "ES with put overlay (historical, full revaluation)", s["es_with_puts"], True),
        ("worst_stress_pnl", f"Worst stress: {s['worst_stress']}", s["worst_stress_pnl"], True),
    ]
    body = "".join(
        f'<tr><td>{html.escape(label)}</td><td data-metric="{key}">{value:,.0f}</td>'
        f'<td data-metric="{key}_pct">{value / nav:.2%}</td></tr>'
        for key, label, value, _ in rows
    )
    sev = s["limit_status"]
    body += (
        f"<tr><td>Limit status (regime: {html.escape(s['regime'])})</td>"
        f'<td data-metric="limit_status" class="{_SEVERITY_CLASS[sev]}">{sev}</td><td></td></tr>'
        f"<tr><td>VaR backtest: exceptions / p-value (cond. coverage)</td>"
        f'<td data-metric="backtest_exceptions">{s["backtest_exceptions"]}</td>'
        f'<td data-metric="backtest_p_cc">{s["backtest_p_cc"]:.3f}</td></tr>'
        f'<tr><td>Sharpe ratio / max drawdown (portfolio)</td><td data-metric="sharpe">{s["sharpe"]:.2f}</td>'
        f'<td data-metric="max_drawdown">{s["max_drawdown"]:.1%}</td></tr>'
    )
    return (
        f"<b>Portfolio</b>: {html.escape(study.portfolio.source)}, NAV {nav:,.0f}, as of {s['as_of']}"
        '<table class="tailkit-table tailkit-metrics-table">'
        "<thead><tr><th></th><th>currency</th><th>% of NAV</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _table(frame: pd.DataFrame, css: str, formats: dict[str, str]) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [frame.index.name or "", *frame.columns])
    rows = []
    for idx, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            val = row[c]
            fmt = formats.get(str(c))
            if isinstance(val, str) or fmt is None or pd.isna(val):
                text = "" if (not isinstance(val, str) and pd.isna(val)) else str(val)
                if str(c) == "severity":
                    cells.append(f'<td class="{_SEVERITY_CLASS.get(text, "")}">{html.escape(text)}</td>')
                    continue
                cells.append(f"<td>{html.escape(text)}</td>")
            else:
                cells.append(f"<td>{format(val, fmt)}</td>")
        rows.append(f"<tr><td>{html.escape(str(idx))}</td>{''.join(cells)}</tr>")
    return f'<table class="tailkit-table {css}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def contributions_html(study: RiskStudy) -> str:
    """Per-position VaR/ES contributions (headline method) as an HTML table."""
    f = study.var.to_frame()[["weight", "component_var", "component_es", "es_share"]]
    return "<b>Contributions by position</b>" + _table(
        f,
        "tailkit-contrib-table",
        {"weight": ",.0f", "component_var": ",.0f", "component_es": ",.0f", "es_share": ".1%"},
    )


def stress_html(study: RiskStudy) -> str:
    """The stress table (historical, factor, Monte Carlo) as HTML."""
    f = study.stress[["kind", "pnl", "return"]]
    return "<b>Stress tests</b>" + _table(f, "tailkit-stress-table", {"pnl": ",.0f", "return": ".2%"})


def limits_html(study: RiskStudy) -> str:
    """The limit report (tightened for the volatility regime) as HTML."""
    lim = study.limits
    head = (
        f"<b>Limits</b>: regime <i>{html.escape(lim.regime)}</i> (realised vol {lim.vol:.1%}), "
        f"limits x{lim.multiplier:g}"
    )
    return head + _table(
        lim.to_frame(), "tailkit-limits-table", {"value": ".4f", "limit": ".4f", "utilization": ".0%"}
    )


class RiskReviewPanel:
    """Risk review: VaR/ES with contributions, stress table, limit status and the tearsheet.

    Parameters
    ----------
    params : RiskReviewParams, optional
        Initial values; defaults to ``RiskReviewParams()``.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        One control per field of :class:`RiskReviewParams`.
    result : RiskStudy or None
        The current study; ``None`` while the inputs are invalid.
    error : str
        The message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    def __init__(self, params: RiskReviewParams | None = None) -> None:
        self.params = params if params is not None else RiskReviewParams()
        self.controls = controls_for(RiskReviewParams, self.params)
        _tag_controls(self.controls)
        self.result: RiskStudy | None = None
        self.error = ""
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.error_box = w.HTML().add_class("tailkit-error")
        self.error_box.layout.display = "none"
        self.contributions = w.HTML().add_class("tailkit-contributions")
        self.stress = w.HTML().add_class("tailkit-stress")
        self.limits = w.HTML().add_class("tailkit-limits")
        self.performance = w.HTML().add_class("tailkit-performance")
        self.contrib_chart = ChartView()
        self.contrib_chart.widget.add_class("tailkit-contrib-chart")
        self.stress_chart = ChartView()
        self.stress_chart.widget.add_class("tailkit-stress-chart")
        self.growth_chart = ChartView()
        self.growth_chart.widget.add_class("tailkit-growth-chart")
        self.drawdown_chart = ChartView()
        self.drawdown_chart.widget.add_class("tailkit-drawdown-chart")
        title = w.HTML(
            "<h3 style='margin:0 0 6px 0'>Risk review</h3>"
            "<div class='tailkit-note'>Weights are fractions of NAV, comma separated, one per ticker. "
            "Prices: a CSV/Parquet file (wide or long) or, when empty, the bundled real stocks. "
            "The S&amp;P 500 puts use a <b>synthetic</b> implied vol (realised x 1.2).</div>"
        )
        controls = w.VBox(list(self.controls.values())).add_class("tailkit-controls")
        controls.layout.min_width = "400px"
        self._outputs = [
            self.metrics,
            self.contrib_chart.widget,
            self.contributions,
            self.limits,
            self.stress_chart.widget,
            self.stress,
            self.growth_chart.widget,
            self.drawdown_chart.widget,
            self.performance,
        ]
        right = w.VBox([self.error_box, *self._outputs])
        self.widget = w.VBox([w.HTML(PANEL_CSS), title, w.HBox([controls, right])]).add_class("tailkit-panel")
        for ctl in self.controls.values():
            ctl.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, _change: Any) -> None:
        self.refresh()

    def _show_error(self, message: str) -> None:
        self.result = None
        self.error = message
        for out in self._outputs:
            out.layout.display = "none"
        self.error_box.value = _error_html(message)
        self.error_box.layout.display = None

    def refresh(self) -> None:
        """Read the controls, rerun the study and redraw; show the message of invalid inputs."""
        try:
            params = params_from_controls(RiskReviewParams, self.controls)
            study = run_risk_study(params)
        except (TailkitError, ValueError, OSError) as exc:
            self._show_error(str(exc))
            return
        self.params, self.result, self.error = params, study, ""
        sheet = Tearsheet("Risk review", study.performance, {})
        self.metrics.value = metrics_html(study)
        self.contributions.value = contributions_html(study)
        self.stress.value = stress_html(study)
        self.limits.value = limits_html(study)
        self.performance.value = "<b>Performance (tearsheet metrics)</b>" + sheet.metrics_html()
        self.error_box.layout.display = "none"
        self.error_box.value = ""
        for out in self._outputs:
            out.layout.display = None
        v = study.var
        self.contrib_chart.update(
            contributions_chart(
                study.var.to_frame(),
                title=f"Component ES {v.confidence:.1%}, {v.horizon} day(s), {v.method.replace('_', ' ')}",
            )
        )
        self.stress_chart.update(stress_chart(study.stress))
        self.growth_chart.update(cumulative_returns_chart(study.strategy_returns))
        self.drawdown_chart.update(drawdown_chart(study.strategy_returns))
