"""Panels over ``tailkit.pricing``: notebook 01's explorer and the spread explorer app.

Each panel takes its parameter dataclass, builds controls with
:func:`widgets.controls.controls_for`, observes them and, on every change, validates the
values through the dataclass, calls a study function of :mod:`tailkit.studies.option_pricing` and
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
from typing import ClassVar

import ipywidgets as w
import pandas as pd

from tailkit.charts.pricing import greeks_by_strike_chart, jump_premium_chart, spread_pnl_chart
from tailkit.inputs import format_percent
from tailkit.studies.option_pricing import (
    OptionPricingParams,
    OptionPricingStudy,
    option_pricing_study,
)
from tailkit.studies.spread_explorer import (
    SpreadExplorerParams,
    SpreadExplorerView,
    spread_explorer_view,
)
from widgets.display import ChartView
from widgets.formatting import fmt_days, fmt_number, fmt_pct
from widgets.panel import PANEL_CSS, StudyPanel
from widgets.tables import table_html

#: ``PANEL_CSS`` is :data:`widgets.panel.PANEL_CSS`, re-exported under its old name
__all__ = ["SpreadExplorerPanel", "OptionPricingPanel", "PANEL_CSS"]


def _two_columns(controls: w.Widget, right: w.VBox) -> w.HBox:
    """Controls left, outputs right; below 690 px (chart + axis + legend) the outputs wrap under."""
    right.layout.min_width = "690px"
    right.layout.flex = "1 1 0%"
    return w.HBox([controls, right], layout=w.Layout(flex_flow="row wrap"))


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
    body = [
        f'<tr><td>{label} (USD)</td><td data-metric="{key}">{fmt_number(value, 3)}</td>'
        f'<td data-metric="{key}_contract">{fmt_number(100 * value, 2)}</td></tr>'
        for key, label, value, _ in rows
    ]
    body += [
        "<tr><td>Breakeven at expiry (underlying price)</td>"
        f'<td data-metric="breakeven">{fmt_number(m["breakeven"], 3)}</td><td></td></tr>',
        "<tr><td>Probability of profit (model)</td>"
        f'<td data-metric="pop">{fmt_pct(m["pop"])}</td><td></td></tr>',
    ]
    return (
        f"<b>{html.escape(name)}</b>: short {p.short_strike:g} / long {p.long_strike:g}, "
        f"{fmt_days(p.days_to_expiry)} to expiry, IV {format_percent(p.iv)}, "
        f"rate {format_percent(p.rate)}, underlying {p.spot:,g}"
        + table_html(body, css="tailkit-metrics-table", head=["", "per share", "per contract (x100)"])
        + '<div class="tailkit-note">Black-Scholes at one flat IV for both legs; probability of profit is '
        "the model's risk-neutral probability that the underlying ends beyond breakeven.</div>"
    )


def _greeks_table(greeks: pd.DataFrame) -> str:
    """Format the Greeks table (legs + net) as HTML."""
    cols = {
        "price": "value (USD)",
        "delta": "delta",
        "gamma": "gamma",
        "vega": "vega (USD per vol point)",
        "theta": "theta (USD per day)",
        "rho": "rho (USD per 1% rate)",
    }
    rows = []
    for position, row in greeks.iterrows():
        cells = "".join(f'<td data-greek="{k}">{fmt_number(row[k], 4, signed=True)}</td>' for k in cols)
        rows.append(f"<tr><td>{html.escape(str(position))}</td>{cells}</tr>")
    return "<b>Greeks</b> (per share)" + table_html(
        rows, css="tailkit-greeks-table", head=["position", *cols.values()]
    )


class SpreadExplorerPanel(StudyPanel):
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

    params_class = SpreadExplorerParams
    labels: ClassVar[dict[str, str]] = {
        "kind": "spread",
        "spot": "underlying price",
        "short_strike": "short strike",
        "long_strike": "long strike (wing)",
        "days_to_expiry": "days to expiry",
        "iv": "IV",
        "rate": "rate",
    }

    def __init__(self, params: SpreadExplorerParams | None = None) -> None:
        super().__init__(params)
        self.result: SpreadExplorerView | None = None
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.greeks = w.HTML().add_class("tailkit-greeks")
        self.chart = ChartView()
        title = w.HTML(
            "<h3 style='margin:0 0 6px 0'>Credit spread explorer</h3>"
            "<div class='tailkit-note'>Sell one option, buy a further out-of-the-money one as a wing. "
            "IV and rate are percentages: 20%, 20 or 0.20 all mean 20%.</div>"
        )
        # hidden while the inputs are invalid: a browser never sees the last valid spread's figures
        self.outputs = [self.metrics, self.greeks, self.chart.widget]
        right = w.VBox([self.error_box, self.metrics, self.chart.widget, self.greeks])
        self.widget = w.VBox(
            [w.HTML(PANEL_CSS), title, _two_columns(self.controls_column(), right)]
        ).add_class("tailkit-panel")
        self.start()

    def compute(self, params: SpreadExplorerParams) -> SpreadExplorerView:
        """The spread explorer's view of ``params``."""
        return spread_explorer_view(params)

    def render(self, view: SpreadExplorerView) -> None:
        """Fill the metrics and Greeks tables (before they are shown)."""
        self.metrics.value = _metrics_table(view)
        self.greeks.value = _greeks_table(view.greeks)

    def draw(self, view: SpreadExplorerView) -> None:
        """Draw the P&L chart."""
        self.chart.update(
            spread_pnl_chart(
                view.curves,
                spot=view.params.spot,
                breakeven=view.metrics.breakeven,
                title=f"P&L per share at expiry and today ({fmt_days(view.params.days_to_expiry)} to expiry)",
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
        f'<tr><td>ATM call, {fmt_days(p.jump_expiry_days)}</td><td data-metric="atm_call_price">'
        f"{d['atm_call_price']:.4f}</td></tr>"
        f"<tr><td>{p.otm_put_moneyness:.0%} put, Black-Scholes</td>"
        f'<td data-metric="otm_put_bs_price">{d["otm_put_bs_price"]:.4f}</td></tr>'
        f"<tr><td>{p.otm_put_moneyness:.0%} put, Merton jumps</td>"
        f'<td data-metric="otm_put_merton_price">{d["otm_put_merton_price"]:.4f}</td></tr>'
        f'<tr><td>crash premium share</td><td data-metric="otm_put_crash_share">'
        f"{d['otm_put_crash_share']:.1%}</td></tr>"
        "</tbody></table>"
    )


class OptionPricingPanel(StudyPanel):
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

    params_class = OptionPricingParams
    fields = OPTION_PRICING_CONTROLS
    labels: ClassVar[dict[str, str]] = {
        "kind": "option",
        "greek": "Greek",
        "spot": "underlying price",
        "vol": "volatility (decimal)",
        "rate": "rate (decimal)",
        "div": "dividend yield (decimal)",
        "jump_intensity": "jumps per year",
        "jump_mean": "mean jump (log)",
        "jump_vol": "jump size vol",
        "jump_expiry_days": "put expiry (days)",
    }

    def __init__(self, params: OptionPricingParams | None = None) -> None:
        super().__init__(params)
        self.result: OptionPricingStudy | None = None
        self.summary = w.HTML().add_class("tailkit-metrics")
        self.greeks_chart = ChartView()
        self.jump_chart = ChartView()
        # hidden while the inputs are invalid (it listed none, so refused inputs kept old figures)
        self.outputs = [self.summary, self.greeks_chart.widget, self.jump_chart.widget]
        right = w.VBox([self.error_box, self.summary, self.greeks_chart.widget])
        body = _two_columns(self.controls_column(), right)
        self.widget = w.VBox([w.HTML(PANEL_CSS), body, self.jump_chart.widget]).add_class("tailkit-panel")
        self.start()

    def compute(self, params: OptionPricingParams) -> OptionPricingStudy:
        """Notebook 01's study of ``params``."""
        return option_pricing_study(params)

    def render(self, study: OptionPricingStudy) -> None:
        """Fill the summary table."""
        self.summary.value = _study_summary(study)

    def draw(self, study: OptionPricingStudy) -> None:
        """Draw the Greeks and jump-premium charts."""
        self.greeks_chart.update(greeks_by_strike_chart(study.grid, study.params.greek))
        self.jump_chart.update(
            jump_premium_chart(
                study.jumps, title=f"Put price, {fmt_days(study.params.jump_expiry_days)}: BS vs Merton"
            )
        )
