"""Panel over ``tailkit.portfolio``: notebook 03's constraints / confidence / loss-aversion explorer.

The panel builds controls for the constraint, CVaR and prospect-theory fields of
:class:`~tailkit.studies.portfolio_construction.PortfolioStudyParams`, and on every change validates them
through the dataclass, calls :func:`tailkit.studies.portfolio_construction.constrained_portfolios` (inputs
loaded once) and refreshes a weights chart and a summary table. A bad combination (e.g. a
per-stock cap too low to be fully invested) shows the ``ParameterError`` / ``InfeasibleError``
message instead of raising, and hides the figures until the inputs are valid again.

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
from widgets.display import ChartView
from widgets.panel import StudyPanel
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


class PortfolioPanel(StudyPanel):
    """Constraints, CVaR confidence and loss aversion → portfolios, weights chart and table.

    Parameters
    ----------
    params : PortfolioStudyParams, optional
        Initial values (tickers, window and estimator fixed for the panel's life).

    Attributes
    ----------
    result : dict of str to PortfolioResult or None
        The portfolios; ``None`` while the inputs are invalid (figures hidden).
    error : str
        The message of invalid or infeasible inputs, ``""`` otherwise.
    """

    params_class = PortfolioStudyParams
    fields = PANEL_FIELDS
    errors = (ParameterError, InfeasibleError)

    def __init__(self, params: PortfolioStudyParams | None = None) -> None:
        super().__init__(params)
        self.inputs = study_inputs(self.params)
        self.table = w.HTML()
        self.table.add_class("tailkit-metrics")
        self.chart = ChartView()
        self.result: dict[str, PortfolioResult] | None = None
        self.outputs = [self.chart.widget, self.table]
        box = self.controls_column(min_width=None)
        self.widget = w.HBox([box, w.VBox([self.error_box, self.chart.widget, self.table])])
        self.widget.add_class("tailkit-panel")
        self.widget.add_class("tailkit-portfolio-panel")
        self.start()

    def compute(self, params: PortfolioStudyParams) -> dict[str, PortfolioResult]:
        """The constrained portfolios of ``params`` (inputs loaded once)."""
        return constrained_portfolios(params, self.inputs)

    def render(self, result: dict[str, PortfolioResult]) -> None:
        """Fill the summary table."""
        self.table.value = _table_html(result, self.params.risk_free)

    def draw(self, result: dict[str, PortfolioResult]) -> None:
        """Draw the weights chart."""
        self.chart.update(weights_chart(weights_long(result), title="What each investor holds"))
