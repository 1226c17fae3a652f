"""HTML tables for the panels: one way to write a ``tailkit-table``.

Callbacks format numbers into strings with :mod:`widgets.formatting`; these helpers only put
the strings into markup. Every table carries the ``tailkit-table`` class (styled by
:data:`widgets.panel.PANEL_CSS`: numbers right-aligned) plus the caller's own class, so browser
tests can find it. Column names become words (:func:`column_label`), never ``es_share``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

from widgets.formatting import fmt_cell, fmt_number

__all__ = ["table_html", "metrics_table", "frame_table", "column_label"]


def column_label(name: str, labels: dict[str, str] | None = None) -> str:
    """Words for a column: ``labels[name]`` if given, else the name with spaces."""
    if labels and name in labels:
        return labels[name]
    return name.replace("_", " ")


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
    frame: pd.DataFrame,
    title: str,
    *,
    css: str = "tailkit-results",
    float_format: str = "{:,.4f}",
    labels: dict[str, str] | None = None,
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
        Format of float cells (its decimals are used; a value rounding to zero shows unsigned).
    labels : dict of str to str, optional
        Column captions in words with units (default: names with spaces).

    Returns
    -------
    str
    """
    decimals = _decimals(float_format)
    rows = []
    for _, row in frame.iterrows():
        cells = "".join(
            f"<td>{html.escape(_cell(v, float_format, decimals))}</td>"
            for v in (row[c] for c in frame.columns)
        )
        rows.append(f"<tr>{cells}</tr>")
    head = [column_label(str(c), labels) for c in frame.columns]
    return f"<b>{html.escape(title)}</b>" + table_html(rows, css=css, head=head)


def _decimals(float_format: str) -> int | None:
    """The fixed decimals of a ``"{:,.4f}"`` format, ``None`` for other formats."""
    spec = float_format.strip("{}:")
    if spec.endswith("f") and "." in spec:
        return int(spec.rsplit(".", 1)[1][:-1])
    return None


def _cell(value: object, float_format: str, decimals: int | None) -> str:
    if isinstance(value, float) and decimals is not None:
        return fmt_number(value, decimals)
    if isinstance(value, float):
        return float_format.format(value)
    return fmt_cell(value)
