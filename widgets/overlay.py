"""Panels over the TLT credit-spread overlay: notebooks 07, 08 and 09.

Each panel takes its parameter dataclass (:mod:`tailkit.overlay.study`), builds controls
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
from dataclasses import replace
from typing import Any

import ipywidgets as w
import pandas as pd

from tailkit.charts.overlay import fan_chart, regression_chart
from tailkit.errors import DataError, InfeasibleError, ParameterError
from tailkit.overlay.study import (
    OverlayCalibrationParams,
    OverlayCalibrationStudy,
    overlay_calibration_study,
)
from widgets.controls import controls_for, params_from_controls
from widgets.display import ChartView
from widgets.pricing import PANEL_CSS

__all__ = ["OverlayCalibrationPanel", "metrics_html", "frame_html"]

_ERRORS = (ParameterError, DataError, InfeasibleError)


def _tag_controls(controls: dict[str, w.Widget]) -> None:
    for name, ctl in controls.items():
        ctl.add_class("tailkit-control")
        ctl.add_class(f"tailkit-control-{name.replace('_', '-')}")


def metrics_html(title: str, rows: list[tuple[str, str, str]]) -> str:
    """An HTML table of headline metrics: ``(key, label, formatted value)`` rows.

    Parameters
    ----------
    title : str
        Bold caption above the table.
    rows : list of tuple of str
        ``(key, label, value)``; ``key`` becomes the cell's ``data-metric``.

    Returns
    -------
    str
    """
    body = "".join(
        f'<tr><td>{html.escape(label)}</td><td data-metric="{html.escape(key)}">{html.escape(value)}</td></tr>'
        for key, label, value in rows
    )
    return (
        f"<b>{html.escape(title)}</b>"
        f'<table class="tailkit-table tailkit-metrics-table"><tbody>{body}</tbody></table>'
    )


def frame_html(
    frame: pd.DataFrame, title: str, *, css: str = "tailkit-results", float_format: str = "{:,.4f}"
) -> str:
    """A small DataFrame as an HTML table with a caption (numbers formatted, index dropped).

    Parameters
    ----------
    frame : DataFrame
        Rows to show.
    title : str
        Caption.
    css : str, default="tailkit-results"
        Extra CSS class of the table.
    float_format : str, default="{:,.4f}"
        Format of float cells.

    Returns
    -------
    str
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            v = row[c]
            text = float_format.format(v) if isinstance(v, float) else str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<b>{html.escape(title)}</b>"
        f'<table class="tailkit-table {css}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _error_html(message: str) -> str:
    return f'<div class="tailkit-error-banner"><b>Cannot compute.</b> {html.escape(message)}</div>'


class _StudyPanel:
    """Shared machinery: controls -> params -> study -> render; errors shown in a banner."""

    params_class: type
    controls_list: list[str]
    title: str
    n_charts: int = 1

    def __init__(self, params: Any, study: Callable[[Any], Any]) -> None:
        self.params = params if params is not None else self.params_class()
        self._base = self.params
        self._study = study
        self.controls = controls_for(self.params_class, self.params, include=self.controls_list)
        _tag_controls(self.controls)
        self.result: Any = None
        self.error = ""
        self.metrics = w.HTML().add_class("tailkit-metrics")
        self.table = w.HTML().add_class("tailkit-table-box")
        self.error_box = w.HTML().add_class("tailkit-error")
        self.error_box.layout.display = "none"
        self.charts = [ChartView() for _ in range(self.n_charts)]
        controls = w.VBox(list(self.controls.values())).add_class("tailkit-controls")
        controls.layout.min_width = "400px"
        head = w.HTML(f"<h3 style='margin:0 0 6px 0'>{html.escape(self.title)}</h3>")
        right = w.VBox([self.error_box, self.metrics, self.table])
        self.widget = w.VBox(
            [w.HTML(PANEL_CSS), head, w.HBox([controls, right]), *(c.widget for c in self.charts)]
        ).add_class("tailkit-panel")
        for ctl in self.controls.values():
            ctl.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, _change: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the controls, recompute the study and redraw; show the message of a failure."""
        try:
            params = params_from_controls(self.params_class, self.controls, base=self._base)
            result = self._study(params)
        except _ERRORS as exc:
            self.result = None
            self.error = str(exc)
            self.error_box.value = _error_html(self.error)
            self.error_box.layout.display = None
            for box in (self.metrics, self.table, *(c.widget for c in self.charts)):
                box.layout.display = "none"
            return
        self.params, self.result, self.error = params, result, ""
        self.render(result)
        self.error_box.value = ""
        self.error_box.layout.display = "none"
        for box in (self.metrics, self.table, *(c.widget for c in self.charts)):
            box.layout.display = None

    def render(self, result: Any) -> None:  # pragma: no cover - overridden
        """Fill the tables and charts from ``result``."""
        raise NotImplementedError


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
    controls_list = CALIBRATION_CONTROLS
    title = "Overlay calibration: sample window and fit"
    n_charts = 2

    def __init__(self, params: OverlayCalibrationParams | None = None) -> None:
        base = params if params is not None else OverlayCalibrationParams()
        # the panel explores; it never rewrites the notebook's output file on every change
        super().__init__(replace(base, output_file=""), overlay_calibration_study)

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
