"""Notebook 11's panel: the hedge sweep's choice in sample, its record out of sample, a heatmap.

The panel re-runs :func:`tailkit.studies.hedge_sweep.hedge_sweep_study` when a control changes
(the notebook's grid and tickers come from the parameters it is given; the controls are the
family, the split date, the targets and the heatmap's dimensions). It never writes the report
nor runs the notebook-level sweep: ``report_dir`` and ``notebook_sweep_dir`` are cleared.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import ipywidgets as w

from tailkit.charts.sweep import score_heatmap
from tailkit.errors import DataError, ParameterError
from tailkit.studies.hedge_sweep import HedgeSweepParams, HedgeSweepStudy, hedge_sweep_study
from widgets.display import ChartView
from widgets.panel import PANEL_CSS, StudyPanel
from widgets.tables import frame_table, metrics_table

__all__ = ["HedgeSweepPanel", "SWEEP_CONTROLS"]

#: notebook-11 fields the panel exposes
SWEEP_CONTROLS = [
    "family",
    "split_date",
    "target_sharpe",
    "target_return",
    "max_drawdown",
    "heatmap_x",
    "heatmap_y",
]

#: columns of the in-sample vs out-of-sample table, and their headers
_TABLE = {
    "ticker": "ticker",
    "rebalance_days": "rebalance days",
    "cost": "cost",
    "impact": "impact",
    "exposure": "exposure",
    "is_score": "score in",
    "oos_score": "score out",
    "is_sharpe": "Sharpe in",
    "oos_sharpe": "Sharpe out",
    "oos_max_drawdown": "max DD out",
    "dsr": "DSR",
}


class HedgeSweepPanel(StudyPanel):
    """Notebook 11's panel: family, split and targets -> chosen configurations and their record.

    Parameters
    ----------
    params : HedgeSweepParams, optional
        Initial values (tickers, grid and data files come from here).
    result : HedgeSweepStudy, optional
        The study of ``params`` if already computed (shown without computing it again).

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        Controls for :data:`SWEEP_CONTROLS`.
    result : HedgeSweepStudy or None
        The current study; ``None`` while the inputs are invalid.
    error : str
        The message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    params_class = HedgeSweepParams
    fields: ClassVar[list[str] | None] = SWEEP_CONTROLS
    errors = (ParameterError, DataError)
    error_lead = "Cannot compute."

    def __init__(self, params: HedgeSweepParams | None = None, result: HedgeSweepStudy | None = None) -> None:
        params = _explore(params if params is not None else HedgeSweepParams())
        if result is not None:
            result = dataclasses.replace(result, params=_explore(result.params))
        super().__init__(params)
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.table = w.HTML().add_class("tailkit-table-box")
        self.chart = ChartView()
        head = w.HTML("<h3 style='margin:0 0 6px 0'>Hedge sweep: chosen in sample, judged out of sample</h3>")
        self.outputs = [self.metrics, self.table, self.chart.widget]
        self.widget = w.VBox(
            [
                w.HTML(PANEL_CSS),
                head,
                w.HBox([self.controls_column(), w.VBox([self.error_box, self.metrics, self.table])]),
                self.chart.widget,
            ]
        ).add_class("tailkit-panel")
        self.start(result)

    def compute(self, params: HedgeSweepParams) -> HedgeSweepStudy:
        """The notebook's study of ``params``."""
        return hedge_sweep_study(params)

    def render(self, result: HedgeSweepStudy) -> None:
        """Fill the headline table (per ticker and source) and the in/out-of-sample table."""
        p = result.params
        rows = [
            ("data", "data", result.data_source),
            ("option_marks", "option marks", result.iv_source),
            ("n_configurations", "configurations per ticker", f"{result.results[0].n_trials}"),
            ("split", "chosen before / judged from", p.split_date),
        ]
        for r in result.results:
            key = r.ticker if r.source == "daily" else f"{r.ticker}_intraday"
            rows.append(
                (
                    f"{key}_oos_score",
                    f"{key}: score in → out",
                    f"{r.in_sample['score']:.3f} → {r.out_of_sample['score']:.3f}",
                )
            )
        self.metrics.value = metrics_table(f"Hedge sweep ({p.family})", rows)
        table = result.table[list(_TABLE)].rename(columns=_TABLE)
        note = "<div class='tailkit-note'>scores in [0, 1]; DSR: deflated Sharpe ratio for the configurations tried</div>"
        self.table.value = frame_table(table, "In sample vs out of sample") + note

    def draw(self, result: HedgeSweepStudy) -> None:
        """Draw the first ticker's heatmap of the best in-sample score."""
        p = result.params
        ticker = p.tickers[0]
        title = f"{ticker}: best in-sample score ({p.heatmap_x} x {p.heatmap_y})"
        self.chart.update(score_heatmap(result.heatmap_frame(ticker), p.heatmap_x, p.heatmap_y, title=title))


def _explore(params: HedgeSweepParams) -> HedgeSweepParams:
    """``params`` without the side effects a panel must not repeat on every change."""
    return dataclasses.replace(params, report_dir="", notebook_sweep_dir="")
