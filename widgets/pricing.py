"""Panels over ``tailkit.pricing``: notebook 01's explorer and the spread explorer app.

Each panel takes its parameter dataclass, builds controls with
:func:`widgets.controls.controls_for`, observes them and, on every change, validates the
values through the dataclass, calls a study function of :mod:`tailkit.pricing.study` and
refreshes its HTML tables and :class:`widgets.display.ChartView`. Callbacks format numbers;
they compute none. A bad combination (e.g. strikes in the wrong order) shows the
``ParameterError`` message in the panel instead of raising.

Headless use (tests)::

    panel = SpreadExplorerPanel()
    panel.controls["iv"].value = 0.3
    panel.result.metrics.credit

Stable CSS classes for browser tests: ``tailkit-panel``, ``tailkit-controls``,
``tailkit-control-<field>`` on each control, ``tailkit-metrics`` (cells carry
``data-metric="<name>"``), ``tailkit-error``, ``tailkit-chart``, ``tailkit-greeks``.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd

from tailkit.charts.pricing import greeks_by_strike_chart, jump_premium_chart, spread_pnl_chart
from tailkit.errors import ParameterError
from tailkit.pricing.study import (
    OptionPricingParams,
    OptionPricingStudy,
    SpreadExplorerParams,
    SpreadExplorerView,
    option_pricing_study,
    spread_explorer_view,
)
from widgets.controls import controls_for, params_from_controls
from widgets.display import ChartView

__all__ = ["SpreadExplorerPanel", "OptionPricingPanel", "PANEL_CSS"]

#: styles shared by the pricing panels (tables, error banner)
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
</style>
"""


def _tag_controls(controls: dict[str, w.Widget]) -> None:
    for name, ctl in controls.items():
        ctl.add_class("tailkit-control")
        ctl.add_class(f"tailkit-control-{name.replace('_', '-')}")


def _error_html(message: str) -> str:
    return f'<div class="tailkit-error-banner"><b>Invalid input.</b> {html.escape(message)}</div>'


def _metrics_table(view: SpreadExplorerView) -> str:
    """Format the spread's headline metrics as an HTML table (per share and per contract)."""
    m = view.to_dict()
    p = view.params
    name = "Put credit spread (bull put)" if p.kind == "put" else "Call credit spread (bear call)"
    rows = [
        ("credit", "Credit received", m["credit"], True),
        ("max_profit", "Max profit", m["max_profit"], True),
        ("max_loss", "Max loss", m["max_loss"], True),
        ("width", "Width", m["width"], True),
    ]
    body = "".join(
        f'<tr><td>{label}</td><td data-metric="{key}">{value:,.3f}</td>'
        f'<td data-metric="{key}_contract">{100 * value:,.2f}</td></tr>'
        for key, label, value, _ in rows
    )
    body += (
        "<tr><td>Breakeven at expiry</td>"
        f'<td data-metric="breakeven">{m["breakeven"]:,.3f}</td><td></td></tr>'
        f'<tr><td>Probability of profit (model)</td><td data-metric="pop">{m["pop"]:.1%}</td><td></td></tr>'
    )
    return (
        f"<b>{html.escape(name)}</b>: short {p.short_strike:g} / long {p.long_strike:g}, "
        f"{p.days_to_expiry} days, IV {p.iv:.1%}, rate {p.rate:.2%}, spot {p.spot:g}"
        '<table class="tailkit-table tailkit-metrics-table">'
        "<thead><tr><th></th><th>per share</th><th>per contract (x100)</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
        '<div class="tailkit-note">Black-Scholes at one flat IV for both legs; probability of profit is '
        "the model's risk-neutral probability that the underlying ends beyond breakeven.</div>"
    )


def _greeks_table(greeks: pd.DataFrame) -> str:
    """Format the Greeks table (legs + net) as HTML."""
    cols = {
        "price": "value",
        "delta": "delta",
        "gamma": "gamma",
        "vega": "vega /vol pt",
        "theta": "theta /day",
        "rho": "rho /1% rate",
    }
    head = "".join(f"<th>{c}</th>" for c in ["position", *cols.values()])
    rows = []
    for position, row in greeks.iterrows():
        cells = "".join(f'<td data-greek="{k}">{row[k]:+.4f}</td>' for k in cols)
        rows.append(f"<tr><td>{html.escape(str(position))}</td>{cells}</tr>")
    return (
        "<b>Greeks</b> (per share)"
        f'<table class="tailkit-table tailkit-greeks-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


class SpreadExplorerPanel:
    """Vertical credit spread explorer: controls, metrics table, P&L chart, Greeks table.

    Parameters
    ----------
    params : SpreadExplorerParams, optional
        Initial values; defaults to ``SpreadExplorerParams()``.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        One control per field of :class:`SpreadExplorerParams`.
    result : SpreadExplorerView or None
        The current view; ``None`` while the inputs are invalid.
    error : str
        The ``ParameterError`` message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    def __init__(self, params: SpreadExplorerParams | None = None) -> None:
        self.params = params if params is not None else SpreadExplorerParams()
        self.controls = controls_for(SpreadExplorerParams, self.params)
        _tag_controls(self.controls)
        self.result: SpreadExplorerView | None = None
        self.error = ""
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.error_box = w.HTML().add_class("tailkit-error")
        self.error_box.layout.display = "none"
        self.greeks = w.HTML().add_class("tailkit-greeks")
        self.chart = ChartView()
        title = w.HTML(
            "<h3 style='margin:0 0 6px 0'>Credit spread explorer</h3>"
            "<div class='tailkit-note'>Sell one option, buy a further out-of-the-money one as a wing. "
            "Inputs are decimals (IV 0.20 = 20%).</div>"
        )
        controls = w.VBox(list(self.controls.values())).add_class("tailkit-controls")
        controls.layout.min_width = "400px"
        right = w.VBox([self.error_box, self.metrics, self.chart.widget, self.greeks])
        # grow into the free width; below 690 px (chart + axis + legend) wrap under the controls
        right.layout.min_width = "690px"
        right.layout.flex = "1 1 0%"
        body = w.HBox([controls, right], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([w.HTML(PANEL_CSS), title, body]).add_class("tailkit-panel")
        for ctl in self.controls.values():
            ctl.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, _change: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the controls, recompute the view and redraw; show the message of invalid inputs."""
        try:
            params = params_from_controls(SpreadExplorerParams, self.controls)
            view = spread_explorer_view(params)
        except ParameterError as exc:
            self.result = None
            self.error = str(exc)
            # hide the last valid spread's figures and curves before showing the message
            self.metrics.layout.display = "none"
            self.greeks.layout.display = "none"
            self.chart.widget.layout.display = "none"
            self.error_box.value = _error_html(self.error)
            self.error_box.layout.display = None
            return
        self.params, self.result, self.error = params, view, ""
        # new numbers first, then show them: a browser never sees stale figures made visible
        self.metrics.value = _metrics_table(view)
        self.greeks.value = _greeks_table(view.greeks)
        self.error_box.layout.display = "none"
        self.error_box.value = ""
        self.metrics.layout.display = None
        self.greeks.layout.display = None
        self.chart.widget.layout.display = None
        self.chart.update(
            spread_pnl_chart(
                view.curves,
                spot=params.spot,
                breakeven=view.metrics.breakeven,
                title=f"P&L per share at expiry and today ({params.days_to_expiry} days to expiry)",
            )
        )


#: notebook-01 fields the explorer panel exposes (the grid layout and chain stay as parameters)
OPTION_PRICING_CONTROLS = [
    "kind",
    "greek",
    "spot",
    "vol",
    "rate",
    "div",
    "jump_intensity",
    "jump_mean",
    "jump_vol",
    "jump_expiry_days",
]


def _study_summary(study: OptionPricingStudy) -> str:
    d = study.to_dict()
    p = study.params
    return (
        '<table class="tailkit-table tailkit-summary-table"><tbody>'
        f'<tr><td>ATM call, {p.jump_expiry_days} days</td><td data-metric="atm_call_price">'
        f"{d['atm_call_price']:.4f}</td></tr>"
        f"<tr><td>{p.otm_put_moneyness:.0%} put, Black-Scholes</td>"
        f'<td data-metric="otm_put_bs_price">{d["otm_put_bs_price"]:.4f}</td></tr>'
        f"<tr><td>{p.otm_put_moneyness:.0%} put, Merton jumps</td>"
        f'<td data-metric="otm_put_merton_price">{d["otm_put_merton_price"]:.4f}</td></tr>'
        f'<tr><td>crash premium share</td><td data-metric="otm_put_crash_share">'
        f"{d['otm_put_crash_share']:.1%}</td></tr>"
        "</tbody></table>"
    )


class OptionPricingPanel:
    """Notebook 01's explorer: Greeks across strikes and expiries, and the jump premium.

    Parameters
    ----------
    params : OptionPricingParams, optional
        Initial values (the notebook passes its parameters cell); fields without a control
        (strike grid, expiries, synthetic chain) are taken from here.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        Controls for :data:`OPTION_PRICING_CONTROLS`.
    result : OptionPricingStudy or None
        The current study; ``None`` while the inputs are invalid.
    error : str
        The ``ParameterError`` message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    def __init__(self, params: OptionPricingParams | None = None) -> None:
        self.params = params if params is not None else OptionPricingParams()
        self._base = self.params
        self.controls = controls_for(OptionPricingParams, self.params, include=OPTION_PRICING_CONTROLS)
        _tag_controls(self.controls)
        self.result: OptionPricingStudy | None = None
        self.error = ""
        self.summary = w.HTML().add_class("tailkit-metrics")
        self.error_box = w.HTML().add_class("tailkit-error")
        self.error_box.layout.display = "none"
        self.greeks_chart = ChartView()
        self.jump_chart = ChartView()
        controls = w.VBox(list(self.controls.values())).add_class("tailkit-controls")
        controls.layout.min_width = "400px"
        right = w.VBox([self.error_box, self.summary, self.greeks_chart.widget])
        right.layout.min_width = "690px"
        right.layout.flex = "1 1 0%"
        body = w.HBox([controls, right], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([w.HTML(PANEL_CSS), body, self.jump_chart.widget]).add_class("tailkit-panel")
        for ctl in self.controls.values():
            ctl.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, _change: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the controls, recompute the study and redraw; show the message of invalid inputs."""
        try:
            params = params_from_controls(OptionPricingParams, self.controls, base=self._base)
            study = option_pricing_study(params)
        except ParameterError as exc:
            self.result = None
            self.error = str(exc)
            self.error_box.value = _error_html(self.error)
            self.error_box.layout.display = None
            return
        self.params, self.result, self.error = params, study, ""
        self.error_box.value = ""
        self.error_box.layout.display = "none"
        self.summary.value = _study_summary(study)
        self.greeks_chart.update(greeks_by_strike_chart(study.grid, params.greek))
        self.jump_chart.update(
            jump_premium_chart(study.jumps, title=f"Put price, {params.jump_expiry_days} days: BS vs Merton")
        )
