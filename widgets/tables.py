"""HTML tables for the panels: one way to write a ``tailkit-table``.

Callbacks format numbers into strings; these helpers only put the strings into markup. Every
table carries the ``tailkit-table`` class (styled by :data:`widgets.panel.PANEL_CSS`) plus the
caller's own class, so browser tests can find it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = ["table_html", "metrics_table", "frame_table"]


def table_html(rows: Iterable[str], *, css: str = "", head: Sequence[str] | None = None) -> str:
    """Wrap ready-made ``<tr>`` rows in a ``tailkit-table`` (with a header row if ``head``).

    Parameters
    ----------
    rows : iterable of str
        ``<tr>...</tr>`` markup, one string a row.
    css : str, default=""
        Extra CSS class(es) of the table.
    head : sequence of str, optional
        Column captions (escaped here); no ``<thead>`` when omitted.

    Returns
    -------
    str
    """
    classes = f"tailkit-table {css}" if css else "tailkit-table"
    thead = (
        ""
        if head is None
        else "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead>"
    )
    return f'<table class="{classes}">{thead}<tbody>{"".join(rows)}</tbody></table>'


def metrics_table(title: str, rows: Iterable[tuple[str, str, str]]) -> str:
    """An HTML table of headline metrics under a bold caption: ``(key, label, formatted value)`` rows.

    Parameters
    ----------
    title : str
        Bold caption above the table.
    rows : iterable of tuple of str
        ``(key, label, value)``; ``key`` becomes the cell's ``data-metric``.

    Returns
    -------
    str
    """
    body = (
        f'<tr><td>{html.escape(label)}</td><td data-metric="{html.escape(key)}">{html.escape(value)}</td></tr>'
        for key, label, value in rows
    )
    return f"<b>{html.escape(title)}</b>" + table_html(body, css="tailkit-metrics-table")


def frame_table(
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
    rows = []
    for _, row in frame.iterrows():
        cells = "".join(
            f"<td>{html.escape(float_format.format(v) if isinstance(v, float) else str(v))}</td>"
            for v in (row[c] for c in frame.columns)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<b>{html.escape(title)}</b>" + table_html(rows, css=css, head=[str(c) for c in frame.columns])
