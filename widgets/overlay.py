"""Panels over the TLT credit-spread overlay: notebooks 07, 08 and 09.

Each panel takes its parameter dataclass (the overlay study modules (:mod:`tailkit.studies.overlay_calibration`, :mod:`tailkit.studies.spread_screening`, :mod:`tailkit.studies.exit_optimization`)), builds controls
for a subset of its fields with :func:`widgets.controls.controls_for`, and on every change
validates the values through the dataclass, calls the notebook's study function and
refreshes HTML tables and :class:`widgets.display.ChartView` charts. Callbacks format; they
compute nothing. Invalid inputs (or a file that cannot be read) show the error message in the
panel instead of raising.

Headless use (tests)::

    panel = OverlayCalibrationPanel()
    panel.controls["start_date"].value = "2022-01-01"
    panel.result.calibration.regression.r_squared

Stable CSS classes for browser tests: ``tailkit-panel``, ``tailkit-controls``,
``tailkit-control-<field>``, ``tailkit-metrics`` (cells carry ``data-metric="<name>"``),
``tailkit-error``, ``tailkit-chart``, ``tailkit-table``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from typing import Any

import ipywidgets as w

from tailkit.charts.overlay import (
    fan_chart,
    feasible_region_chart,
    grid_heatmap,
    kelly_chart,
    regression_chart,
    screening_scatter,
)
from tailkit.errors import DataError, InfeasibleError, ParameterError
from tailkit.studies.exit_optimization import (
    ExitOptimizationParams,
    ExitOptimizationStudy,
    exit_optimization_study,
)
from tailkit.studies.overlay_calibration import (
    OverlayCalibrationParams,
    OverlayCalibrationStudy,
    overlay_calibration_study,
)
from tailkit.studies.spread_screening import (
    MARKET_SOURCE,
    SpreadScreeningParams,
    SpreadScreeningStudy,
    spread_screening_study,
)
from widgets.display import ChartView
from widgets.panel import PANEL_CSS, StudyPanel
from widgets.tables import frame_table, metrics_table

__all__ = [
    "OverlayCalibrationPanel",
    "SpreadScreeningPanel",
    "ExitOptimizationPanel",
    "CALIBRATION_CONTROLS",
    "SCREENING_CONTROLS",
    "EXIT_CONTROLS",
    "metrics_html",
    "frame_html",
]

_ERRORS = (ParameterError, DataError, InfeasibleError)


#: the headline-metrics table (:func:`widgets.tables.metrics_table`) under its old name
metrics_html = metrics_table
#: a small DataFrame as a table (:func:`widgets.tables.frame_table`) under its old name
frame_html = frame_table


class _StudyPanel(StudyPanel):
    """The overlay panels' layout: title, controls beside metrics and a table, charts below."""

    title: str
    n_charts: int = 1
    errors = (ParameterError, DataError, InfeasibleError)
    error_lead = "Cannot compute."

    def __init__(self, params: Any, study: Callable[[Any], Any], result: Any = None) -> None:
        params = params if params is not None else self.params_class()
        if "output_file" in {f.name for f in dataclass_fields(params)}:
            # the panel explores; it never rewrites the notebook's output file on every change
            if result is not None and result.params == params:
                result = replace(result, params=replace(params, output_file=""))
            params = replace(params, output_file="")
        super().__init__(params)
        self._study = study
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.table = w.HTML().add_class("tailkit-table-box")
        self.charts = [ChartView() for _ in range(self.n_charts)]
        head = w.HTML(f"<h3 style='margin:0 0 6px 0'>{html.escape(self.title)}</h3>")
        right = w.VBox([self.error_box, self.metrics, self.table])
        self.outputs = [self.metrics, self.table, *(c.widget for c in self.charts)]
        self.widget = w.VBox(
            [
                w.HTML(PANEL_CSS),
                head,
                w.HBox([self.controls_column(), right]),
                *(c.widget for c in self.charts),
            ]
        ).add_class("tailkit-panel")
        self.start(result)

    def compute(self, params: Any) -> Any:
        """The notebook's study of ``params``."""
        return self._study(params)


#: notebook-07 fields the calibration panel exposes
CALIBRATION_CONTROLS = ["start_date", "end_date", "exclude_covid", "realized_window", "fan_days", "seed"]


class OverlayCalibrationPanel(_StudyPanel):
    """Notebook 07's panel: sample window and COVID exclusion -> fit table, regression, fan.

    Parameters
    ----------
    params : OverlayCalibrationParams, optional
        Initial values (fields without a control, e.g. the files, come from here).

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        Controls for :data:`CALIBRATION_CONTROLS`.
    result : OverlayCalibrationStudy or None
        The current study; ``None`` while the inputs are invalid.
    error : str
        The message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    params_class = OverlayCalibrationParams
    fields = CALIBRATION_CONTROLS
    title = "Overlay calibration: sample window and fit"
    n_charts = 2

    def __init__(
        self, params: OverlayCalibrationParams | None = None, result: OverlayCalibrationStudy | None = None
    ) -> None:
        super().__init__(params, overlay_calibration_study, result)

    def render(self, result: OverlayCalibrationStudy) -> None:
        """Fill the fit table, the regression chart and the TLT fan."""
        d = result.to_dict()
        cal = result.calibration
        rows = [
            ("data", "data", d["data"]),
            ("n_obs", "days in sample", f"{d['n_obs']:,}"),
            ("kappa_20", "κ 20y (per year)", f"{d['kappa_20']:.3f} ± {d['kappa_20_se']:.3f}"),
            ("theta_20", "θ 20y", f"{d['theta_20']:.3%} ± {d['theta_20_se']:.3%}"),
            ("sigma_20", "σ 20y", f"{d['sigma_20']:.3%} ± {d['sigma_20_se']:.3%}"),
            ("rho", "ρ 20y/30y", f"{d['rho']:.4f} ± {d['rho_se']:.4f}"),
            ("r_squared", "TLT regression R²", f"{d['r_squared']:.4f}"),
            ("base_iv", f"base IV ({d['vol_source']})", f"{d['base_iv']:.2%}"),
            (
                "p_tlt_down_10pct",
                f"P(TLT −10% in {d['fan_days']} days)",
                f"{d['p_tlt_down_10pct']:.1%} ± {d['p_tlt_down_10pct_se']:.1%}",
            ),
        ]
        self.metrics.value = metrics_html(f"Calibration ({result.label})", rows)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in cal.warnings)
        self.table.value = f"<b>Warnings</b><ul>{notes}</ul>" if notes else ""
        self.charts[0].update(
            regression_chart(result.fitted, label=result.label, r_squared=cal.regression.r_squared)
        )
        self.charts[1].update(fan_chart(result.fan, "tlt", label=result.label))


#: notebook-08 fields the screening panel exposes
SCREENING_CONTROLS = [
    "spread_types",
    "min_pop",
    "profit_target",
    "loss_multiple",
    "dte_close",
    "rank_by",
    "kelly_fraction",
    "max_risk_pct",
]

_SCREEN_COLUMNS = ["rank", "spread", "credit", "pop", "expected_pnl", "se_expected_pnl", "cvar_95", "kelly"]


class SpreadScreeningPanel(_StudyPanel):
    """Notebook 08's panel: exit rules, POP floor and Kelly settings -> both screenings and sizes.

    Parameters
    ----------
    params : SpreadScreeningParams, optional
        Initial values (files, grids and simulation settings come from here).
    result : SpreadScreeningStudy, optional
        The study of ``params`` if already computed (shown without recomputing it).

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        Controls for :data:`SCREENING_CONTROLS`.
    result : SpreadScreeningStudy or None
        The current study; ``None`` while the inputs are invalid.
    error : str
        The message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    params_class = SpreadScreeningParams
    fields = SCREENING_CONTROLS
    title = "Spread screening: model IV vs the market chain"
    n_charts = 2

    def __init__(
        self, params: SpreadScreeningParams | None = None, result: SpreadScreeningStudy | None = None
    ) -> None:
        super().__init__(params, spread_screening_study, result)

    def render(self, result: SpreadScreeningStudy) -> None:
        """Fill the headline table, the top market candidates, the scatter and the Kelly chart."""
        d = result.to_dict()
        rows = [("data", "data", d["data"]), ("n_paths", "paths per spread", f"{d['n_paths']:,}")]
        for tag, name in (("model", "model IV"), ("market", "market chain")):
            rows.append(
                (
                    f"{tag}_n_passing",
                    f"{name}: passing / evaluated",
                    f"{d[f'{tag}_n_passing']} / {d[f'{tag}_n_evaluated']}",
                )
            )
            if d.get(f"{tag}_best"):
                rows.append(
                    (
                        f"{tag}_best",
                        f"{name}: best",
                        f"{d[f'{tag}_best']}, E[P&L] {d[f'{tag}_best_expected_pnl']:.3f} ± "
                        f"{d[f'{tag}_best_expected_pnl_se']:.3f}, POP {d[f'{tag}_best_pop']:.1%}",
                    )
                )
        self.metrics.value = metrics_html(f"Screening ({result.label})", rows)
        top = result.top(MARKET_SOURCE)[_SCREEN_COLUMNS]
        self.table.value = frame_html(top, f"Top market candidates ({result.label})", css="tailkit-screening")
        self.charts[0].update(
            screening_scatter(result.candidates, label=result.label, min_pop=result.params.min_pop)
        )
        self.charts[1].update(kelly_chart(result.sizing, label=result.label, empty_text=result.nothing_sized))


#: notebook-09 fields the exit-optimization panel exposes
EXIT_CONTROLS = [
    "spread_type",
    "delta",
    "width",
    "min_pop",
    "risk_budget",
    "allocation",
    "ranking_metric",
    "heatmap_metric",
]

_GRID_COLUMNS = [
    "rank",
    "rules",
    "expected_pnl",
    "se_expected_pnl",
    "pop",
    "cvar_95",
    "status",
    "indistinguishable",
]


class ExitOptimizationPanel(_StudyPanel):
    """Notebook 09's panel: spread and constraints -> best exit rules, heatmap, feasible region.

    Parameters
    ----------
    params : ExitOptimizationParams, optional
        Initial values (grid and simulation settings come from here).
    result : ExitOptimizationStudy, optional
        The study of ``params`` if already computed.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        Controls for :data:`EXIT_CONTROLS`.
    result : ExitOptimizationStudy or None
        The current study; ``None`` while the inputs are invalid.
    error : str
        The message of invalid inputs, ``""`` otherwise.
    widget : ipywidgets.Widget
        The layout to display.
    """

    params_class = ExitOptimizationParams
    fields = EXIT_CONTROLS
    title = "Exit-rule optimization under POP and CVaR limits"
    n_charts = 2

    def __init__(
        self, params: ExitOptimizationParams | None = None, result: ExitOptimizationStudy | None = None
    ) -> None:
        super().__init__(params, exit_optimization_study, result)

    def render(self, result: ExitOptimizationStudy) -> None:
        """Fill the best-rules table, the ranking, the heatmap and the feasible region."""
        d = result.to_dict()
        opt = result.optimization
        rows = [
            ("data", "data", d["data"]),
            ("spread", "spread", f"{d['spread']}, credit {d['initial_credit']:.3f}"),
            ("cvar_limit", "CVaR95 loss limit per share", f"{d['cvar_limit']:.3f}"),
            ("n_passing", "passing / evaluated", f"{d['n_passing']} / {d['n_evaluated']}"),
        ]
        if "expected_return" in d:
            rows += [
                (
                    "best_params",
                    "best exit rules",
                    f"{d['profit_target_pct']:.0%} target / {d['loss_multiple']:g}x loss / {d['dte_threshold']}d",
                ),
                (
                    "expected_return",
                    "E[P&L] per share",
                    f"{d['expected_return']:.4f} ± {d['expected_return_se']:.4f}",
                ),
                ("pop", "POP", f"{d['pop']:.2%} ± {d['pop_se']:.2%}"),
                ("cvar_95", "CVaR95 per share", f"{d['cvar_95']:.4f}"),
            ]
        else:
            rows.append(("binding_constraint", "no rule passes", d["binding_constraint"]))
        self.metrics.value = metrics_html(f"Exit optimization ({result.label})", rows)
        top = result.grid.head(result.params.top)[_GRID_COLUMNS]
        note = f"<div class='tailkit-note'>{html.escape(opt.budget.describe())}</div>"
        self.table.value = frame_html(top, f"Ranking ({result.label})", css="tailkit-ranking") + note
        self.charts[0].update(grid_heatmap(result.grid, result.params.heatmap_metric, label=result.label))
        self.charts[1].update(feasible_region_chart(result.grid, label=result.label))
