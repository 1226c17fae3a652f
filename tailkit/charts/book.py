"""Chart builders for the position book: P&L over time and open risk by expiry.

Pure functions: frames from :mod:`tailkit.studies.book_review` in, altair charts out (altair imported
inside each builder so that ``import tailkit`` stays free of IPython).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from tailkit.charts.placeholder import placeholder_chart

if TYPE_CHECKING:
    import altair as alt

__all__ = ["pnl_over_time_chart", "risk_by_expiry_chart"]

_WIDTH = 460
_HEIGHT = 240


def _placeholder(text: str, title: str) -> alt.Chart:
    return placeholder_chart(text, title, width=_WIDTH, height=_HEIGHT)


#: the P&L series in words
SERIES_WORDS = {
    "realized": "realized (after commissions)",
    "unrealized_mid": "unrealized at mid",
    "total": "total",
}


def pnl_over_time_chart(history: pd.DataFrame, *, title: str = "Overlay P&L over time") -> alt.Chart:
    """Lines of realized, unrealized (at mid) and total P&L at each saved mark.

    Parameters
    ----------
    history : pandas.DataFrame
        :func:`tailkit.book.marks_history` output (``mark_time``, ``unrealized_mid``,
        ``realized``, ``total``; dollars).
    title : str, default="Overlay P&L over time"
        Chart title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    if history.empty:
        return _placeholder("no saved marks yet (import a chain or run `tailkit book mark --save`)", title)
    frame = history.copy()
    frame["time"] = pd.to_datetime(frame["mark_time"].str.replace("Z", "", regex=False), format="ISO8601")
    tidy = frame.melt(
        id_vars=["time"],
        value_vars=["realized", "unrealized_mid", "total"],
        var_name="series",
        value_name="pnl",
    )
    tidy["series"] = tidy["series"].map(SERIES_WORDS)
    return (
        alt.Chart(tidy, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("time:T", title="mark time", axis=alt.Axis(format="%Y-%m-%d %H:%M", labelAngle=-30)),
            y=alt.Y("pnl:Q", title="P&L (USD)"),
            color=alt.Color("series:N", title=None, sort=list(SERIES_WORDS.values())),
            tooltip=["time:T", "series:N", alt.Tooltip("pnl:Q", format=",.2f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def risk_by_expiry_chart(risk: pd.DataFrame, *, title: str = "Open risk by expiry") -> alt.Chart:
    """Bars of the open positions' maximum loss per expiry date.

    Parameters
    ----------
    risk : pandas.DataFrame
        :func:`tailkit.studies.book_review.risk_by_expiry` output (``expiry``, ``max_loss``, ``n_positions``).
    title : str, default="Open risk by expiry"
        Chart title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    if risk.empty:
        return _placeholder("no open positions", title)
    return (
        alt.Chart(risk, title=title)
        .mark_bar()
        .encode(
            x=alt.X("expiry:N", title="expiry", sort=None),
            y=alt.Y("max_loss:Q", title="max loss (USD)"),
            tooltip=["expiry:N", alt.Tooltip("max_loss:Q", format=",.2f"), "n_positions:Q"],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )
