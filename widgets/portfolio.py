"""Panel over ``tailkit.portfolio``: notebook 03's constraints / confidence / loss-aversion explorer.

The panel builds controls for the constraint, CVaR and prospect-theory fields of
:class:`~tailkit.studies.portfolio_construction.PortfolioStudyParams`, and on every change validates them
through the dataclass, calls :func:`tailkit.studies.portfolio_construction.constrained_portfolios` (inputs
loaded once) and refreshes a weights chart and a summary table. A bad combination (e.g. a
per-stock cap too low to be fully invested) shows the ``ParameterError`` / ``InfeasibleError``
message instead of raising.

Headless use (tests)::

    panel = PortfolioPanel()
    panel.controls["loss_aversion"].value = 4.0
    panel.result["loss_averse"].weights

Stable CSS classes: ``tailkit-panel``, ``tailkit-portfolio-panel``, ``tailkit-controls``,
``tailkit-control-<field>``, ``tailkit-metrics`` (cells carry ``data-metric="<portfolio>-<column>"``),
``tailkit-error``, ``tailkit-chart``.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from tailkit.charts.portfolio import weights_chart
from tailkit.errors import InfeasibleError, ParameterError
from tailkit.portfolio.result import PortfolioResult
from tailkit.studies.portfolio_construction import (
    PortfolioStudyParams,
    constrained_portfolios,
    portfolios_table,
    study_inputs,
    weights_long,
)
from widgets.controls import controls_for, params_from_controls
from widgets.display import ChartView
from widgets.panel import controls_column, error_html, tag_controls
from widgets.tables import table_html

__all__ = ["PortfolioPanel", "PANEL_FIELDS"]

#: fields of PortfolioStudyParams the panel exposes
PANEL_FIELDS = ["max_weight", "max_cash", "cost", "alpha", "loss_aversion", "curvature", "reference"]


def _table_html(portfolios: dict[str, PortfolioResult], risk_free: float) -> str:
    tab = portfolios_table(portfolios, risk_free)
    fmt = {
        "expected_return": "{:.2%}",
        "volatility": "{:.2%}",
        "sharpe": "{:.3f}",
        "cvar_daily": "{:.3%}",
        "cash": "{:.1%}",
    }
    rows = []
    for name, row in tab.iterrows():
        cells = "".join(f'<td data-metric="{name}-{c}">{f.format(row[c])}</td>' for c, f in fmt.items())
        rows.append(f"<tr><td>{html.escape(str(name))}</td>{cells}</tr>")
    head = ["", *(c.replace("_", " ") for c in fmt)]
    return table_html(rows, css="tailkit-metrics-table", head=head) + (
        '<div class="tailkit-note">Bundled daily returns (real data). Expected return net of costs from an '
        "equal-weight book; CVaR of one day's loss.</div>"
    )


class PortfolioPanel:
    """Constraints, CVaR confidence and loss aversion → portfolios, weights chart and table.

    Parameters
    ----------
    params : PortfolioStudyParams, optional
        Initial values (tickers, window and estimator fixed for the panel's life).
    """

    def __init__(self, params: PortfolioStudyParams | None = None) -> None:
        self.params = params or PortfolioStudyParams()
        self.inputs = study_inputs(self.params)
        self.controls: dict[str, w.Widget] = controls_for(
            PortfolioStudyParams, self.params, include=PANEL_FIELDS
        )
        tag_controls(self.controls)
        self.error = w.HTML()
        self.error.add_class("tailkit-error")
        self.table = w.HTML()
        self.table.add_class("tailkit-metrics")
        self.chart = ChartView()
        self.result: dict[str, PortfolioResult] = {}
        box = controls_column(self.controls, min_width=None)
        self.widget = w.HBox([box, w.VBox([self.error, self.chart.widget, self.table])])
        self.widget.add_class("tailkit-panel")
        self.widget.add_class("tailkit-portfolio-panel")
        for ctl in self.controls.values():
            ctl.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Validate the controls, recompute the portfolios and redraw (errors shown, not raised)."""
        try:
            params = params_from_controls(PortfolioStudyParams, self.controls, base=self.params)
            result = constrained_portfolios(params, self.inputs)
        except (ParameterError, InfeasibleError) as exc:
            self.error.value = error_html(str(exc))
            return
        self.error.value = ""
        self.params = params
        self.result = result
        self.chart.update(weights_chart(weights_long(result), title="What each investor holds"))
        self.table.value = _table_html(result, params.risk_free)
