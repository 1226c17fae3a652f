"""Charts of the hedge sweep (notebook 11): score heatmaps over two grid dimensions."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["score_heatmap"]


def score_heatmap(frame: pd.DataFrame, x: str, y: str, *, value: str = "score", title: str = "") -> Any:
    """Heatmap of ``value`` (a bounded score in [0, 1]) over the grid dimensions ``x`` and ``y``.

    Parameters
    ----------
    frame : DataFrame
        One row per (``x``, ``y``) pair with column ``value`` (e.g.
        ``HedgeSweepStudy.heatmap_frame(ticker)``: the best score over the other dimensions).
    x, y : str
        Columns of the two dimensions (shown as ordinal axes, in grid order).
    value : str, default="score"
        Column coloured, on a fixed 0-1 scale so heatmaps compare across tickers.
    title : str, default=""
        Chart title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    missing = [c for c in (x, y, value) if c not in frame.columns]
    if missing:
        raise ParameterError(
            describe_bad_value("columns", missing, "columns of the frame: " + ", ".join(frame.columns))
        )
    data = frame[[x, y, value]].copy()
    return (
        alt.Chart(data, title=title)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:O", title=x.replace("_", " "), sort=sorted(data[x].unique())),
            y=alt.Y(f"{y}:O", title=y.replace("_", " "), sort=sorted(data[y].unique(), reverse=True)),
            color=alt.Color(
                f"{value}:Q", title=value, scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen")
            ),
            tooltip=[alt.Tooltip(f"{x}:O"), alt.Tooltip(f"{y}:O"), alt.Tooltip(f"{value}:Q", format=".3f")],
        )
        .properties(width=320, height=220)
    )
