"""Panels over ``tailkit.risk``: the risk review (notebook 10 and the ``risk_review`` app).

:class:`RiskReviewPanel` takes a :class:`tailkit.studies.risk_review.RiskReviewParams`, builds its
controls with :func:`widgets.controls.controls_for`, and on every change validates the values
through the dataclass, calls :func:`tailkit.studies.risk_management.run_risk_study` and refreshes its HTML
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

import ipywidgets as w
import pandas as pd

from tailkit.charts.risk import contributions_chart, cumulative_returns_chart, drawdown_chart, stress_chart
from tailkit.errors import TailkitError
from tailkit.studies.risk_review import RiskReviewParams, RiskStudy, run_risk_study
from tailkit.studies.tearsheet import Tearsheet
from widgets.display import ChartView
from widgets.panel import StudyPanel, controls_column, panel_css
from widgets.tables import table_html

__all__ = ["RiskReviewPanel", "PANEL_CSS", "metrics_html", "contributions_html", "stress_html", "limits_html"]

PANEL_CSS = panel_css(
    """.tailkit-panel .sev-ok { color: #2e7d32; } .tailkit-panel .sev-warning { color: #b26a00; }
.tailkit-panel .sev-breach, .tailkit-panel .sev-critical { color: #c62828; font-weight: bold; }
"""
)

_SEVERITY_CLASS = {
    "ok": "sev-ok",
    "warning": "sev-warning",
    "breach": "sev-breach",
    "critical": "sev-critical",
}


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
    body = [
        f'<tr><td>{html.escape(label)}</td><td data-metric="{key}">{value:,.0f}</td>'
        f'<td data-metric="{key}_pct">{value / nav:.2%}</td></tr>'
        for key, label, value, _ in rows
    ]
    sev = s["limit_status"]
    body += [
        f"<tr><td>Limit status (regime: {html.escape(s['regime'])})</td>"
        f'<td data-metric="limit_status" class="{_SEVERITY_CLASS[sev]}">{sev}</td><td></td></tr>',
        "<tr><td>VaR backtest: exceptions / p-value (cond. coverage)</td>"
        f'<td data-metric="backtest_exceptions">{s["backtest_exceptions"]}</td>'
        f'<td data-metric="backtest_p_cc">{s["backtest_p_cc"]:.3f}</td></tr>',
        f'<tr><td>Sharpe ratio / max drawdown (portfolio)</td><td data-metric="sharpe">{s["sharpe"]:.2f}</td>'
        f'<td data-metric="max_drawdown">{s["max_drawdown"]:.1%}</td></tr>',
    ]
    return f"<b>Portfolio</b>: {html.escape(study.portfolio.source)}, NAV {nav:,.0f}, as of {s['as_of']}" + (
        table_html(body, css="tailkit-metrics-table", head=["", "currency", "% of NAV"])
    )


def _table(frame: pd.DataFrame, css: str, formats: dict[str, str]) -> str:
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
    return table_html(rows, css=css, head=[str(c) for c in [frame.index.name or "", *frame.columns]])


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


class RiskReviewPanel(StudyPanel):
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

    params_class = RiskReviewParams
    errors = (TailkitError, ValueError, OSError)
    commit_on_enter = True  # one study per edit (Enter / focus out), not per keystroke

    def __init__(self, params: RiskReviewParams | None = None) -> None:
        super().__init__(params)
        self.result: RiskStudy | None = None
        self.metrics = w.HTML().add_class("tailkit-metrics")
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
        self.outputs = [
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
        right = w.VBox([self.error_box, *self.outputs])
        self.widget = w.VBox(
            [w.HTML(PANEL_CSS), title, w.HBox([controls_column(self.controls), right])]
        ).add_class("tailkit-panel")
        self.start()

    def compute(self, params: RiskReviewParams) -> RiskStudy:
        """Run the risk study for ``params``."""
        return run_risk_study(params)

    def render(self, study: RiskStudy) -> None:
        """Fill the headline, contribution, stress, limit and performance tables."""
        sheet = Tearsheet("Risk review", study.performance, {})
        self.metrics.value = metrics_html(study)
        self.contributions.value = contributions_html(study)
        self.stress.value = stress_html(study)
        self.limits.value = limits_html(study)
        self.performance.value = "<b>Performance (tearsheet metrics)</b>" + sheet.metrics_html()

    def draw(self, study: RiskStudy) -> None:
        """Draw the contribution, stress, growth and drawdown charts."""
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
