"""The hedge explorer panel: a view over :func:`tailkit.studies.hedging_strategies.run_hedging_study`.

Pick the portfolio (equity weight, the rest in cash / short bonds), the program family, its
strike, tenor and budget; the panel shows the payoff diagram, the annual cost, the hedged vs
unhedged distribution of 1-year returns, drawdowns and CVaR with their standard errors, the
crisis table (proxy windows labelled) and where the program sits on the frontier.

Stable CSS classes for browser tests: ``tailkit-hedge-summary``, ``tailkit-hedge-crises``,
``tailkit-hedge-framing``, ``tailkit-payoff-chart``, ``tailkit-distribution-chart``,
``tailkit-frontier-chart``, ``tailkit-crisis-chart`` (plus the :mod:`widgets.panel` classes).
"""

from __future__ import annotations

import html

import ipywidgets as w

from tailkit.charts.hedging import crisis_chart, frontier_chart, payoff_chart, return_distribution_chart
from tailkit.errors import TailkitError
from tailkit.studies.hedging_strategies import (
    HedgingStudy,
    HedgingStudyParams,
    payoff_table,
    run_hedging_study,
)
from widgets.display import ChartView
from widgets.panel import PANEL_CSS, StudyPanel, controls_column
from widgets.tables import metrics_table

__all__ = ["HedgingPanel", "summary_html", "crises_html"]

#: the controls the panel shows (the other fields keep the values it was built with)
FIELDS = [
    "equity_weight",
    "program",
    "moneyness",
    "vix_moneyness",
    "tenor_months",
    "roll_months",
    "sizing",
    "budget",
    "hedge_ratio",
    "model",
    "n_paths",
]


def _pct(x: float, se: float | None = None) -> str:
    if x != x:  # NaN
        return "n/a"
    return f"{x:.2%}" + (f" ± {se:.2%}" if se is not None and se == se else "")


def summary_html(study: HedgingStudy) -> str:
    """Headline table: cost, protection and effectiveness of the chosen program (simulated)."""
    frame = study.to_frame()
    m = frame.loc[study.program]
    base = frame.loc["no hedge"]
    eff = m["effectiveness"]
    rows = [
        ("program", "program", study.program),
        (
            "premium",
            "premium a year (fraction of NAV)",
            _pct(m["premium_per_year"], m["premium_per_year_se"]),
        ),
        ("net_cost", "net cost a year vs unhedged", _pct(m["net_cost_per_year"], m["net_cost_per_year_se"])),
        ("mean_return", "mean 1-year return", _pct(m["mean_return"], m["mean_return_se"])),
        (
            "base_mean_return",
            "unhedged mean 1-year return",
            _pct(base["mean_return"], base["mean_return_se"]),
        ),
        ("cvar95", "CVaR95 of 1-year returns", _pct(m["cvar95"], m["cvar95_se"])),
        ("d_cvar95", "change in CVaR95", _pct(m["d_cvar95"], m["d_cvar95_se"])),
        ("max_drawdown", "mean max drawdown", _pct(m["max_drawdown"])),
        ("d_max_drawdown", "change in max drawdown", _pct(m["d_max_drawdown"], m["d_max_drawdown_se"])),
        (
            "effectiveness",
            "effectiveness in stress (target > 0.70)",
            f"{eff:.2f} ± {m['effectiveness_se']:.2f}" if eff == eff else "n/a",
        ),
        ("pareto", "on the frontier", "Pareto efficient" if bool(m["pareto"]) else "dominated"),
    ]
    return metrics_table(f"Simulated ({study.simulated.source}, {study.simulated.n_paths:,} paths)", rows)


def crises_html(study: HedgingStudy) -> str:
    """Crisis windows of the chosen program on history (proxy windows labelled)."""
    if study.history is None:
        return "<div class='tailkit-note'>History is off.</div>"
    frame = study.history.crisis_frame()
    frame = frame[frame["program"] == study.program]
    rows = []
    for _, r in frame.iterrows():
        label = html.escape(r["window"]) + (" <i>(proxy vol)</i>" if r["proxy"] else "")
        eff = "n/a" if r["effectiveness"] != r["effectiveness"] else f"{r['effectiveness']:.2f}"
        rows.append(
            f"<tr><td>{label}</td><td>{r['start']} – {r['end']}</td><td>{r['unhedged_return']:.1%}</td>"
            f"<td>{r['hedged_return']:.1%}</td><td>{r['hedge_pnl']:.2%}</td><td>{eff}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("window", "dates", "unhedged", "hedged", "hedge P&amp;L", "effectiveness")
    )
    return (
        "<b>Crisis windows (history)</b><table class='tailkit-table tailkit-crisis-table'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def framing_html(study: HedgingStudy) -> str:
    """The four framings (a)-(d) on the same paths."""
    f = study.framing.to_frame()
    rows = [
        (
            str(name)[1],
            f"{name}: {r['description']}",
            f"weight {r['equity_weight']:.2f}; return {_pct(r['mean_return'])}; CVaR95 {_pct(r['cvar95'])}",
        )
        for name, r in f.iterrows()
    ]
    return metrics_table("Framing comparison (same paths)", rows)


class HedgingPanel(StudyPanel):
    """Hedge explorer: portfolio, program and budget in; cost, protection, crises, frontier out.

    Parameters
    ----------
    params : HedgingStudyParams, optional
        Initial values (the fields without a control keep them).

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        One control per name in :data:`FIELDS`.
    result : HedgingStudy or None
        The current study; ``None`` while the inputs are invalid.
    widget : ipywidgets.Widget
        The layout to display.
    """

    params_class = HedgingStudyParams
    fields = FIELDS
    errors = (TailkitError, ValueError, OSError)
    commit_on_enter = True

    def __init__(self, params: HedgingStudyParams | None = None, result: HedgingStudy | None = None) -> None:
        super().__init__(params)
        self.result: HedgingStudy | None = None
        self.summary = w.HTML().add_class("tailkit-hedge-summary").add_class("tailkit-metrics")
        self.crises = w.HTML().add_class("tailkit-hedge-crises")
        self.framing = w.HTML().add_class("tailkit-hedge-framing")
        self.payoff_chart = ChartView()
        self.payoff_chart.widget.add_class("tailkit-payoff-chart")
        self.distribution_chart = ChartView()
        self.distribution_chart.widget.add_class("tailkit-distribution-chart")
        self.frontier_chart = ChartView()
        self.frontier_chart.widget.add_class("tailkit-frontier-chart")
        self.crisis_chart = ChartView()
        self.crisis_chart.widget.add_class("tailkit-crisis-chart")
        title = w.HTML(
            "<h3 style='margin:0 0 6px 0'>Hedge explorer</h3>"
            "<div class='tailkit-note'>Equity weight: share of NAV in the index, the rest in cash / short bonds. "
            "Moneyness is strike / spot (VIX calls: strike / VIX future); budget is premium as a fraction of NAV "
            "a year. History before 2014 uses a <b>proxy</b> implied vol (GARCH x VRP), labelled.</div>"
        )
        self.outputs = [
            self.summary,
            self.payoff_chart.widget,
            self.distribution_chart.widget,
            self.frontier_chart.widget,
            self.crises,
            self.crisis_chart.widget,
            self.framing,
        ]
        right = w.VBox([self.error_box, *self.outputs])
        self.widget = w.VBox(
            [w.HTML(PANEL_CSS), title, w.HBox([controls_column(self.controls), right])]
        ).add_class("tailkit-panel")
        self.start(result)

    def compute(self, params: HedgingStudyParams) -> HedgingStudy:
        """Run the hedging study for ``params``."""
        return run_hedging_study(params)

    def render(self, study: HedgingStudy) -> None:
        """Fill the summary, crisis and framing tables."""
        self.summary.value = summary_html(study)
        self.crises.value = crises_html(study)
        self.framing.value = framing_html(study)

    def draw(self, study: HedgingStudy) -> None:
        """Draw the payoff, distribution, frontier and crisis charts."""
        self.payoff_chart.update(payoff_chart(payoff_table(study.params)))
        self.distribution_chart.update(return_distribution_chart(study.returns_1y))
        self.frontier_chart.update(frontier_chart(study.to_frame(), highlight=study.program))
        if study.history is not None:
            crises = study.history.crisis_frame()
            self.crisis_chart.update(crisis_chart(crises[crises["program"] == study.program]))
