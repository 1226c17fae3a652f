"""A chart that says there is nothing to draw, in place of a bare frame or a hidden output."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import altair as alt

__all__ = ["placeholder_chart"]


def placeholder_chart(text: str, title: str, *, width: int = 460, height: int = 240) -> alt.Chart:
    """A text chart saying why there is nothing to draw (an empty dataset leaves a bare frame).

    Parameters
    ----------
    text : str
        The reason, shown in the middle of the chart.
    title : str
        The chart's title (with its data label, as the chart it stands in for would have).
    width, height : int
        Size in pixels.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    return (
        alt.Chart(pd.DataFrame({"text": [text]}), title=title)
        .mark_text(size=14, color="#666")
        .encode(text="text:N")
        .properties(width=width, height=height)
    )
