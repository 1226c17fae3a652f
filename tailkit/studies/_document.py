"""The pieces every standalone document shares: page HTML, tables in HTML and Markdown, number formats.

The tearsheet (:mod:`tailkit.studies.tearsheet`) and the periodic reports
(:mod:`tailkit.studies.report`) build their files from these: one style sheet, one page
skeleton (title, notes, sections; charts as inline SVG from
:func:`tailkit.charts.render.chart_to_svg`, so no JavaScript and no CDN), one table renderer per
format with the same number formatting.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CSS",
    "PERCENT_METRICS",
    "Formatter",
    "format_metric",
    "format_value",
    "frame_html",
    "frame_markdown",
    "html_page",
]

#: metrics shown as percentages (returns, vols, drawdowns, shares)
PERCENT_METRICS = frozenset(
    {
        "total_return",
        "annual_return",
        "cagr",
        "annual_volatility",
        "downside_risk",
        "max_drawdown",
        "ulcer_index",
        "time_under_water",
        "value_at_risk",
        "cvar",
        "alpha",
        "tracking_error",
        "hit_rate",
        "best_period",
        "worst_period",
        "avg_win",
        "avg_loss",
    }
)

CSS = """
body { font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart { margin: 12px 0; }
.note { color: #666; font-size: 12px; }
"""

Formatter = Callable[[Any], str]


def format_value(value: Any, spec: str = ",.4g") -> str:
    """A number with ``spec`` (``"–"`` for None/NaN/inf), text as it is."""
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        return format(v, spec) if np.isfinite(v) else "–"
    return str(value)


def format_metric(metric: str, value: Any) -> str:
    """A performance metric: percentages for :data:`PERCENT_METRICS`, else 3 decimals."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if metric in PERCENT_METRICS:
        return f"{value:.2%}"
    if metric == "max_drawdown_duration":
        return f"{value:,.0f}"
    return f"{value:.3f}"


def _cells(frame: pd.DataFrame, formats: Mapping[str, str | Formatter] | None) -> list[list[str]]:
    formats = formats or {}
    out = []
    for _, row in frame.iterrows():
        cells = []
        for col, value in row.items():
            spec = formats.get(str(col), ",.4g")
            cells.append(spec(value) if callable(spec) else format_value(value, spec))
        out.append(cells)
    return out


def frame_html(
    frame: pd.DataFrame,
    formats: Mapping[str, str | Formatter] | None = None,
    *,
    index_name: str | None = None,
    css_class: str = "",
) -> str:
    """A DataFrame as an HTML ``<table>`` (index first), each column formatted by ``formats``.

    ``formats`` maps a column to a format spec (``".2%"``) or a function; others use ``",.4g"``.
    """
    label = index_name if index_name is not None else (frame.index.name or "")
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [label, *frame.columns])
    body = []
    for name, cells in zip(frame.index, _cells(frame, formats)):
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in cells)
        body.append(f"<tr><td>{html.escape(str(name))}</td>{tds}</tr>")
    cls = f' class="{css_class}"' if css_class else ""
    return f"<table{cls}><tr>{head}</tr>{''.join(body)}</table>"


def frame_markdown(
    frame: pd.DataFrame,
    formats: Mapping[str, str | Formatter] | None = None,
    *,
    index_name: str | None = None,
) -> str:
    """A DataFrame as a GitHub-flavoured Markdown table, formatted like :func:`frame_html`."""
    label = index_name if index_name is not None else (frame.index.name or "")
    header = [str(label), *(str(c) for c in frame.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([" --- "] + [" ---: "] * frame.shape[1]) + "|"]
    for name, cells in zip(frame.index, _cells(frame, formats)):
        lines.append("| " + " | ".join([str(name), *cells]).replace("\n", " ") + " |")
    return "\n".join(lines)


def html_page(title: str, notes: Sequence[str], sections: Sequence[tuple[str, str]]) -> str:
    """A standalone HTML page: title, notes, then ``(heading, html fragment)`` sections.

    Fragments are inserted as they are (tables from :func:`frame_html`, SVG from
    :func:`tailkit.charts.render.chart_to_svg` wrapped in ``<div class="chart">``).
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in notes]
    for heading, fragment in sections:
        parts += [f"<h2>{html.escape(heading)}</h2>", fragment]
    parts.append("</body></html>")
    return "\n".join(parts)
