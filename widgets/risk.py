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
import math
from collections.abc import Callable
from typing import Any, ClassVar

import ipywidgets as w
import pandas as pd

from tailkit.charts.risk import contributions_chart, cumulative_returns_chart, drawdown_chart, stress_chart
from tailkit.errors import TailkitError
from tailkit.inputs import describe_weights, format_percent
from tailkit.studies.risk_review import RiskReviewParams, RiskStudy, run_risk_study
from tailkit.studies.tearsheet import Tearsheet
from widgets.display import ChartView
from widgets.formatting import fmt_cell, fmt_days, fmt_number, fmt_pct, fmt_time
from widgets.panel import StudyPanel, panel_css
from widgets.tables import column_label, table_html

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


def _var_label(v: Any) -> str:
    """``"99% confidence, 1 day, historical"``."""
    return f"{format_percent(v.confidence)} confidence, {fmt_days(v.horizon)}, {v.method.replace('_', ' ')}"


def tail_note(v: Any) -> str:
    """How many scenarios the ES averages (a 99.9% ES of 1,000 days is one day, VaR = ES)."""
    n = int(v.n_scenarios)
    k = max(math.floor((1.0 - v.confidence) * n + 1e-9), 1)
    words = "scenario" if k == 1 else "scenarios"
    text = f"ES averages the worst {k:,} {words} of {n:,}"
    if k < 10:
        text += ": too few for a stable estimate (VaR and ES then sit on the same few days)"
    return text


def metrics_html(study: RiskStudy) -> str:
    """Headline VaR/ES, limit status and performance figures as an HTML table."""
    s = study.summary()
    v, nav = study.var, study.portfolio.nav
    rows = [
        ("var", f"VaR, {_var_label(v)}", s["var"]),
        ("es", f"Expected shortfall (ES), {_var_label(v)}", s["es"]),
        ("var_with_puts", "VaR with put overlay (historical, full revaluation)", s["var_with_puts"]),
        ("es_with_puts", "ES with put overlay (historical, full revaluation)", s["es_with_puts"]),
        ("worst_stress_pnl", f"Worst stress: {s['worst_stress']}", s["worst_stress_pnl"]),
    ]
    body = [
        f'<tr><td>{html.escape(label)}</td><td data-metric="{key}">{fmt_number(value, 0)}</td>'
        f'<td data-metric="{key}_pct">{fmt_pct(value / nav, 2)}</td></tr>'
        for key, label, value in rows
    ]
    sev = s["limit_status"]
    body += [
        f"<tr><td>Limit status (market regime: {html.escape(s['regime'])})</td>"
        f'<td data-metric="limit_status" class="{_SEVERITY_CLASS[sev]}">{sev}</td><td></td></tr>',
        "<tr><td>VaR backtest: exceptions / p-value (conditional coverage)</td>"
        f'<td data-metric="backtest_exceptions">{s["backtest_exceptions"]:,}</td>'
        f'<td data-metric="backtest_p_cc">{fmt_number(s["backtest_p_cc"], 3)}</td></tr>',
        "<tr><td>Sharpe ratio / maximum drawdown (portfolio)</td>"
        f'<td data-metric="sharpe">{fmt_number(s["sharpe"], 2)}</td>'
        f'<td data-metric="max_drawdown">{fmt_pct(s["max_drawdown"])}</td></tr>',
    ]
    return (
        f"<b>Portfolio</b>: {html.escape(study.portfolio.source)}, NAV {fmt_number(nav, 0)} USD, "
        f"as of {html.escape(fmt_time(s['as_of']))}"
        + table_html(body, css="tailkit-metrics-table", head=["", "USD", "% of NAV"])
        + f'<div class="tailkit-note tailkit-tail-note">{html.escape(tail_note(v))}.</div>'
    )


def _table(
    frame: pd.DataFrame, css: str, formats: dict[str, Callable[[Any], str]], labels: dict[str, str]
) -> str:
    rows = []
    for idx, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            val = row[c]
            fmt = formats.get(str(c))
            if isinstance(val, str) or fmt is None or pd.isna(val):
                text = "" if (not isinstance(val, str) and pd.isna(val)) else fmt_cell(val)
                if str(c) == "severity":
                    cells.append(f'<td class="{_SEVERITY_CLASS.get(text, "")}">{html.escape(text)}</td>')
                    continue
                cells.append(f'<td data-col="{html.escape(str(c))}">{html.escape(text)}</td>')
            else:
                cells.append(f'<td data-col="{html.escape(str(c))}">{html.escape(fmt(val))}</td>')
        rows.append(f"<tr><td>{html.escape(str(idx))}</td>{''.join(cells)}</tr>")
    head = [column_label(str(c), labels) for c in [frame.index.name or "", *frame.columns]]
    return table_html(rows, css=css, head=head)


def _usd(x: Any) -> str:
    return fmt_number(x, 0)


#: column captions in words with units
CONTRIBUTION_LABELS = {
    "position": "position",
    "weight": "position value (USD)",
    "component_var": "contribution to VaR (USD)",
    "component_es": "contribution to ES (USD)",
    "es_share": "share of ES",
}
STRESS_LABELS = {
    "scenario": "scenario",
    "kind": "kind",
    "pnl": "P&L (USD)",
    "return": "return (% of NAV)",
    "proxied": "replayed with a beta to the S&P 500 (no price data in the window)",
}
LIMIT_LABELS = {
    "metric": "limit on",
    "value": "value (fraction of NAV)",
    "limit": "limit",
    "utilization": "used",
    "severity": "status",
}
_KINDS = {"historical": "historical replay", "factor": "factor shock", "monte_carlo": "Monte Carlo"}


def contributions_html(study: RiskStudy) -> str:
    """Per-position VaR/ES contributions (headline method) as an HTML table."""
    f = study.var.to_frame()[["weight", "component_var", "component_es", "es_share"]]
    return "<b>Contributions by position</b>" + _table(
        f,
        "tailkit-contrib-table",
        {"weight": _usd, "component_var": _usd, "component_es": _usd, "es_share": fmt_pct},
        CONTRIBUTION_LABELS,
    )


def stress_html(study: RiskStudy) -> str:
    """The stress table (historical, factor, Monte Carlo) as HTML, with the beta-proxied positions.

    A historical replay of a window in which a position has no prices replays that position
    with its beta to the S&P 500; the table names those positions per scenario (all four
    demo stocks in the dot-com window, for instance), so a proxy is never read as history.
    """
    f = study.stress[["kind", "pnl", "return", "proxied"]].copy()
    f["kind"] = f["kind"].map(lambda k: _KINDS.get(str(k), str(k)))
    hist = f["kind"] == _KINDS["historical"]
    f["proxied"] = [
        (str(p) if str(p) else "none") if h else ""
        for p, h in zip(f["proxied"].fillna(""), hist, strict=True)
    ]
    return "<b>Stress tests</b>" + _table(
        f,
        "tailkit-stress-table",
        {"pnl": _usd, "return": lambda x: fmt_pct(x, 2)},
        STRESS_LABELS,
    )


def limits_html(study: RiskStudy) -> str:
    """The limit report (tightened for the volatility regime) as HTML."""
    lim = study.limits
    head = (
        f"<b>Limits</b>: market regime <i>{html.escape(lim.regime)}</i> (realised vol {fmt_pct(lim.vol)} "
        f"of the book at gross 100%), limits x{lim.multiplier:g}"
    )
    return head + _table(
        lim.to_frame(),
        "tailkit-limits-table",
        {
            "value": lambda x: fmt_number(x, 4),
            "limit": lambda x: fmt_number(x, 4),
            "utilization": lambda x: fmt_pct(x, 0),
        },
        LIMIT_LABELS,
    )


#: captions of the per-position concentration and liquidity columns
LIQUIDITY_LABELS = {
    "weight_share": "share of gross value",
    "risk_share": "share of ES",
    "value": "position value (USD)",
    "days_to_liquidate": "days to liquidate",
    "spread_cost": "spread cost (USD)",
    "impact_cost": "impact cost (USD)",
    "stressed_days_to_liquidate": "days to liquidate, stressed",
}


def liquidity_html(study: RiskStudy) -> str:
    """Concentration and liquidity: effective N, liquidity-adjusted VaR and days to liquidate.

    The headline lines are the study's :meth:`~tailkit.studies.risk_management.RiskStudy.risk_tables`
    numbers; the per-position table joins the concentration shares and the liquidity costs.
    Stock bid/ask spreads are estimated from daily highs and lows (Corwin-Schultz), which the
    note says, since the bundled prices carry no quotes.
    """
    conc, liq = study.concentration, study.liquidity
    lines = [
        ("effective number of positions, by weight", fmt_number(conc.effective_n_weight, 2)),
        ("effective number of positions, by risk (ES)", fmt_number(conc.effective_n_risk, 2)),
        ("largest correlation cluster, share of gross value", fmt_pct(conc.largest_cluster_share, 1)),
        ("VaR, 1 day (USD)", _usd(liq.var)),
        ("liquidity-adjusted VaR with spread cost, Bangia (USD)", _usd(liq.lvar_exogenous)),
        ("liquidity-adjusted VaR with spread and impact cost (USD)", _usd(liq.lvar_endogenous)),
        (
            f"liquidity-adjusted VaR, spreads x{liq.stress_spread_factor:g} and volume "
            f"x{liq.stress_volume_factor:g} (USD)",
            _usd(liq.lvar_stressed),
        ),
        (
            f"longest time to liquidate at {fmt_pct(liq.participation, 0)} of daily volume",
            fmt_days(liq.max_days_to_liquidate) if liq.max_days_to_liquidate >= 1 else "under 1 day",
        ),
    ]
    body = [f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in lines]
    per = conc.to_frame()[["weight_share", "risk_share"]].join(
        liq.to_frame()[["days_to_liquidate", "spread_cost", "impact_cost", "stressed_days_to_liquidate"]]
    )
    return (
        "<b>Concentration and liquidity</b>"
        + table_html(body, css="tailkit-liquidity-table", head=["", "value"])
        + _table(
            per,
            "tailkit-liquidity-positions",
            {
                "weight_share": fmt_pct,
                "risk_share": fmt_pct,
                "days_to_liquidate": lambda x: fmt_number(x, 3),
                "spread_cost": _usd,
                "impact_cost": _usd,
                "stressed_days_to_liquidate": lambda x: fmt_number(x, 3),
            },
            LIQUIDITY_LABELS,
        )
        + '<div class="tailkit-note">Bid/ask spreads of the stocks are estimated from daily highs and '
        "lows (Corwin-Schultz); impact is a square-root model of the traded share of daily volume.</div>"
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
    labels: ClassVar[dict[str, str]] = {
        "prices_path": "price file",
        "nav": "NAV (USD)",
        "lookback_days": "VaR window (days)",
        "confidence": "confidence",
        "horizon_days": "horizon (days)",
        "method": "VaR method",
        "put_fraction": "puts (x NAV)",
        "var_limit": "VaR limit (x NAV)",
        "es_limit": "ES limit (x NAV)",
        "n_sims": "Monte Carlo draws",
    }
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
        self.liquidity = w.HTML().add_class("tailkit-liquidity")
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
            self.liquidity,
            self.stress_chart.widget,
            self.stress,
            self.growth_chart.widget,
            self.drawdown_chart.widget,
            self.performance,
        ]
        right = w.VBox([self.error_box, *self.outputs])
        self.widget = w.VBox([w.HTML(PANEL_CSS), title, w.HBox([self.controls_column(), right])]).add_class(
            "tailkit-panel"
        )
        self.start()

    def input_notes(self, params: RiskReviewParams) -> list[str]:
        """Gross and net exposure when the weights are levered, short or not fully invested."""
        text = describe_weights(params.weights)
        return [f"weights: {text}"] if text else []

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
        self.liquidity.value = liquidity_html(study)
        self.performance.value = "<b>Performance (tearsheet metrics)</b>" + sheet.metrics_html()

    def draw(self, study: RiskStudy) -> None:
        """Draw the contribution, stress, growth and drawdown charts."""
        v = study.var
        self.contrib_chart.update(
            contributions_chart(
                study.var.to_frame(),
                title=f"Contribution to ES, {_var_label(v)}",
            )
        )
        self.stress_chart.update(stress_chart(study.stress))
        self.growth_chart.update(cumulative_returns_chart(study.strategy_returns))
        self.drawdown_chart.update(drawdown_chart(study.strategy_returns))
