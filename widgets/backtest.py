"""Panels over the regime backtest: notebook 06's explorer and the ``backtest_review`` app.

:class:`RegimeBacktestPanel` takes a :class:`tailkit.studies.regime_backtest.RegimeBacktestStudyParams`,
reruns :func:`~tailkit.studies.regime_backtest.run_regime_backtest_study` (without the preset
comparison and the counterfactuals, which take longer) when a control changes, and shows the
performance table, the equity curves and the regime timeline.

:class:`BacktestReviewPanel` (the app) opens a results file of ``tailkit backtest regime
--output`` and its event log: equity, drawdown, regimes and holdings over time, and for a
chosen asset and date the chain of decisions that led there with the hedge overlay's option
trades; when the run had a hedge overlay, its premiums and proceeds, hedged vs unhedged equity
and the hedge's value over time (else one line saying there is none).

Stable CSS classes for browser tests: ``tailkit-panel``, ``tailkit-control-<field>``,
``tailkit-metrics`` (cells with ``data-metric``), ``tailkit-error``, ``tailkit-chart``,
``tailkit-equity-chart``, ``tailkit-drawdown-chart``, ``tailkit-regime-chart``,
``tailkit-holdings-chart``, ``tailkit-decisions`` (the decision chain table, rows with
``data-event``), ``tailkit-performance``, ``tailkit-hedge`` (the hedge overlay's numbers, cells
with ``data-metric``, or the one line saying there is none) and ``tailkit-hedge-chart``.
"""

from __future__ import annotations

import dataclasses
import html
import math
from typing import ClassVar

import ipywidgets as w
import pandas as pd

from tailkit.charts.backtest import (
    drawdown_chart,
    equity_chart,
    hedge_value_chart,
    holdings_chart,
    regime_timeline_chart,
)
from tailkit.errors import TailkitError
from tailkit.studies.regime_backtest import (
    BacktestReviewParams,
    HedgeReview,
    RegimeBacktestStudy,
    RegimeBacktestStudyParams,
    ReviewData,
    decision_chain,
    demo_results,
    load_review,
    run_regime_backtest_study,
)
from widgets.display import ChartView
from widgets.formatting import MISSING, fmt_days, fmt_money
from widgets.panel import PANEL_CSS, StudyPanel, controls_column
from widgets.tables import metrics_table, table_html

__all__ = ["RegimeBacktestPanel", "BacktestReviewPanel", "performance_html", "decisions_html", "hedge_html"]

#: what the app says of a results file without a hedge overlay
NO_OVERLAY = "No hedge overlay in these results (hedge_program none)."


def _fmt(v: object, spec: str) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    return format(v, spec)


def performance_html(performance: pd.DataFrame) -> str:
    """The strategies' performance table (``performance_summary`` rows with a ``strategy`` column)."""
    cols = [("total_return", "total return", ".1%"), ("cagr", "CAGR", ".2%"), ("volatility", "vol", ".1%"),
            ("sharpe", "Sharpe", ".2f"), ("sharpe_se", "± SE", ".2f"), ("sortino", "Sortino", ".2f"),
            ("calmar", "Calmar", ".2f"), ("max_drawdown", "max DD", ".1%")]  # fmt: skip
    rows = []
    for r in performance.to_dict(orient="records"):
        cells = "".join(f'<td data-metric="{k}">{_fmt(r.get(k), f)}</td>' for k, _, f in cols)
        rows.append(f"<tr><td>{html.escape(str(r['strategy']))}</td>{cells}</tr>")
    return table_html(rows, head=["strategy", *(h for _, h, _ in cols)])


def decisions_html(chain: pd.DataFrame) -> str:
    """The decision chain of one asset with the hedge overlay's trades, oldest first."""
    rows = []
    for r in chain.to_dict(orient="records"):
        hedge = str(r["event_type"]).startswith("hedge_")
        weight = MISSING if hedge else f"{_fmt(r['size_before'], '.2%')} → {_fmt(r['size_after'], '.2%')}"
        flow = fmt_money(r.get("cash_flow"), signed=True) if hedge else MISSING
        rows.append(
            f'<tr data-event="{html.escape(str(r["event_type"]))}"><td>{html.escape(str(r["timestamp"]))}</td>'
            f"<td>{html.escape(str(r['event_type']))}</td><td>{html.escape(str(r['system']))}</td>"
            f"<td>{weight}</td><td>{_fmt(r['score_after'], '.3f')}</td>"
            f'<td data-col="cash_flow">{flow}</td>'
            f"<td style='text-align:left'>{html.escape(str(r['reason']))}</td></tr>"
        )
    if not rows:
        return "<div class='tailkit-note'>No decision on this asset up to that date.</div>"
    head = ["date", "event", "decided by", "weight", "score", "hedge cash flow (currency units)", "reason"]
    return table_html(rows, head=head)


def hedge_html(hedge: HedgeReview | None) -> str:
    """The hedge overlay's premiums, proceeds and P&L (currency units), or one line saying there is none."""
    if hedge is None:
        return f"<div class='tailkit-note' data-metric='hedge_none'>{html.escape(NO_OVERLAY)}</div>"
    rows = [
        ("hedge_program", "program", hedge.program),
        ("hedge_premium_paid", "premium paid (currency units)", fmt_money(hedge.premium_paid)),
        ("hedge_proceeds", "proceeds: sales and settlements (currency units)", fmt_money(hedge.proceeds)),
        ("hedge_net_cash_flow", "proceeds − premium (currency units)", fmt_money(hedge.net_cash_flow, signed=True)),
        ("hedge_pnl", "hedge P&L: hedged − unhedged final equity (currency units)", fmt_money(hedge.pnl, signed=True)),
        ("hedged_final_equity", "hedged final equity (currency units)", fmt_money(hedge.hedged_final_equity)),
        ("unhedged_final_equity", "unhedged final equity (currency units)", fmt_money(hedge.unhedged_final_equity)),
        ("hedge_rolls", "options bought on", fmt_days(hedge.rolls, "roll date")),
    ]  # fmt: skip
    return metrics_table("Hedge overlay", rows)


class RegimeBacktestPanel(StudyPanel):
    """Notebook 06's explorer: change the universe, preset or selection and see the result."""

    params_class = RegimeBacktestStudyParams
    fields: ClassVar[list[str] | None] = [
        "data",
        "n_days",
        "preset",
        "rebalance_freq",
        "max_assets",
        "min_score",
        "hedge_program",
    ]
    errors = (TailkitError, ValueError)

    def __init__(
        self, params: RegimeBacktestStudyParams | None = None, study: RegimeBacktestStudy | None = None
    ) -> None:
        super().__init__(params)
        self.performance = w.HTML().add_class("tailkit-performance")
        self.equity_chart = ChartView()
        self.equity_chart.widget.add_class("tailkit-equity-chart")
        self.regime_chart = ChartView()
        self.regime_chart.widget.add_class("tailkit-regime-chart")
        self.note = w.HTML().add_class("tailkit-note")
        self.outputs = [self.note, self.performance, self.equity_chart.widget, self.regime_chart.widget]
        self.widget = w.VBox(
            [
                w.HTML(PANEL_CSS),
                w.HBox([controls_column(self.controls), w.VBox([self.error_box, *self.outputs])]),
            ]
        ).add_class("tailkit-panel")
        quick = None
        if study is not None:
            quick = dataclasses.replace(study, params=self._quick(study.params))
        self.start(quick)

    @staticmethod
    def _quick(params: RegimeBacktestStudyParams) -> RegimeBacktestStudyParams:
        return dataclasses.replace(params, compare_presets=(), protection_rules=())

    def compute(self, params: RegimeBacktestStudyParams) -> RegimeBacktestStudy:
        """The study without the preset comparison and the counterfactuals."""
        return run_regime_backtest_study(self._quick(params))

    def start(self, result: RegimeBacktestStudy | None = None) -> None:
        """Show ``result`` when it is for the panel's parameters, else compute."""
        self.params = self._quick(self.params)
        self._base = self.params
        super().start(result)

    def render(self, study: RegimeBacktestStudy) -> None:
        """Fill the performance table and the data label."""
        label = "SYNTHETIC 20-asset, 5-bucket universe" if study.synthetic else "bundled stocks (real prices)"
        overlay = study.regime.overlay
        hedge = "no hedge overlay" if overlay is None else f"hedge overlay {html.escape(overlay.label)}"
        self.note.value = f"Data: <b>{label}</b>; {len(study.regime.events)} decisions logged; {hedge}."
        self.performance.value = performance_html(study.performance)

    def draw(self, study: RegimeBacktestStudy) -> None:
        """Draw the equity curves and the regime timeline."""
        self.equity_chart.update(equity_chart(study.equity()))
        start = study.regime.targets.dropna(how="all").index[0]
        self.regime_chart.update(regime_timeline_chart(study.regime.timeline.frame.loc[start:]))


class BacktestReviewPanel(StudyPanel):
    """The ``backtest_review`` app: a results file, its event log, and the decision chain of an asset."""

    params_class = BacktestReviewParams
    fields: ClassVar[list[str] | None] = ["results_file", "asset", "date"]
    errors = (TailkitError, ValueError, OSError)
    commit_on_enter = True
    error_lead = "Cannot show these results."

    def __init__(self, params: BacktestReviewParams | None = None) -> None:
        super().__init__(params)
        self._cache: tuple[str, ReviewData] | None = None
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.decisions = w.HTML().add_class("tailkit-decisions")
        self.equity_chart = ChartView()
        self.equity_chart.widget.add_class("tailkit-equity-chart")
        self.drawdown_chart = ChartView()
        self.drawdown_chart.widget.add_class("tailkit-drawdown-chart")
        self.regime_chart = ChartView()
        self.regime_chart.widget.add_class("tailkit-regime-chart")
        self.holdings_chart = ChartView()
        self.holdings_chart.widget.add_class("tailkit-holdings-chart")
        self.hedge = w.HTML().add_class("tailkit-hedge")
        self.hedge_chart = ChartView()
        self.hedge_chart.widget.add_class("tailkit-hedge-chart")
        title = w.HTML(
            "<h3 style='margin:0 0 6px 0'>Backtest review</h3><div class='tailkit-note'>Results file: the JSON "
            "written by <code>tailkit backtest regime --output</code> (its event log next to it); empty: a demo "
            "run on the <b>SYNTHETIC</b> universe. Pick an asset and a date to trace its decisions.</div>"
        )
        self.outputs = [
            self.metrics, self.hedge, self.decisions, self.equity_chart.widget, self.hedge_chart.widget,
            self.drawdown_chart.widget, self.regime_chart.widget, self.holdings_chart.widget,
        ]  # fmt: skip
        right = w.VBox([self.error_box, *self.outputs])
        self.widget = w.VBox(
            [w.HTML(PANEL_CSS), title, w.HBox([controls_column(self.controls), right])]
        ).add_class("tailkit-panel")
        self.start()

    def _review(self, params: BacktestReviewParams) -> ReviewData:
        path = params.results_file or str(demo_results(params.demo_folder))
        if self._cache is None or self._cache[0] != path:
            self._cache = (path, load_review(path))
        return self._cache[1]

    def compute(self, params: BacktestReviewParams) -> tuple[ReviewData, pd.DataFrame, str, str]:
        """The review data and the decision chain of the chosen asset up to the chosen date."""
        review = self._review(params)
        asset = params.asset or review.assets[0]
        date = params.date or str(review.series.index[-1].date())
        return review, decision_chain(review, asset, date), asset, date

    def render(self, result: tuple[ReviewData, pd.DataFrame, str, str]) -> None:
        """Headline numbers and the decision chain."""
        review, chain, asset, date = result
        s = review.summary
        rows = [
            ("data", "data", review.label),
            ("final_equity", "final equity", _fmt(s.get("final_equity"), ",.0f")),
            ("sharpe", "Sharpe", _fmt(s.get("sharpe"), ".2f")),
            ("max_drawdown", "max drawdown", _fmt(s.get("max_drawdown"), ".1%")),
            ("events", "decisions logged", str(s.get("events", "n/a"))),
            ("trace", "decisions traced", f"{asset} up to {date}: {len(chain)}"),
        ]
        self.metrics.value = metrics_table("Backtest", rows)
        self.hedge.value = hedge_html(review.hedge)
        self.decisions.value = (
            f"<b>Decisions on {html.escape(asset)} up to {html.escape(date)}</b>" + decisions_html(chain)
        )

    def draw(self, result: tuple[ReviewData, pd.DataFrame, str, str]) -> None:
        """Equity, drawdown, regime timeline and holdings charts."""
        review = result[0]
        eq = review.series[["equity"]]
        if review.hedge is None:
            self.equity_chart.update(equity_chart(eq / eq.iloc[0], title="Equity (rebased to 1)"))
            self.hedge_chart.widget.layout.display = "none"
        else:
            title = "Equity with and without the hedge overlay (rebased to 1)"
            self.equity_chart.update(equity_chart(review.hedge.equity(), title=title))
            self.hedge_chart.update(hedge_value_chart(review.hedge.series["hedge_value"]))
        self.drawdown_chart.update(drawdown_chart(eq))
        self.regime_chart.update(regime_timeline_chart(review.series))
        self.holdings_chart.update(holdings_chart(review.holdings))
