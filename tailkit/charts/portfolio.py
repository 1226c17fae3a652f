"""Chart builders for portfolio construction: frontiers, weights, Black-Litterman, Pareto, NAV.

Pure functions: frames from :mod:`tailkit.studies.portfolio_construction` in, an altair chart out. altair is
imported inside each builder so that ``import tailkit`` stays free of IPython/ipywidgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import altair as alt

__all__ = ["frontiers_chart", "weights_chart", "black_litterman_chart", "pareto_chart", "rebalancing_chart"]

_W = 260
_H = 220
_RISK_TITLES = {
    "variance": "volatility (per year)",
    "semivariance": "semi-deviation below 0 (per day)",
    "cvar": "CVaR (per day)",
}


def frontiers_chart(frontier: pd.DataFrame, *, title: str = "Efficient frontiers") -> alt.HConcatChart:
    """Three frontiers side by side: expected return against volatility, semi-deviation and CVaR.

    Parameters
    ----------
    frontier : pandas.DataFrame
        ``PortfolioStudy.frontier_frame()`` (``risk_measure, expected_return, risk``).
    title : str, default="Efficient frontiers"
        Chart title.

    Returns
    -------
    altair.HConcatChart
    """
    import altair as alt

    panels = []
    for measure, sub in frontier.groupby("risk_measure", sort=False):
        panels.append(
            alt.Chart(sub[["risk", "expected_return"]], title=str(measure))
            .mark_line(point=True)
            .encode(
                x=alt.X("risk:Q", title=_RISK_TITLES.get(str(measure), "risk"), scale=alt.Scale(zero=False)),
                y=alt.Y("expected_return:Q", title="expected return (per year)", axis=alt.Axis(format="%")),
                tooltip=[alt.Tooltip("risk:Q", format=".4f"), alt.Tooltip("expected_return:Q", format=".2%")],
            )
            .properties(width=_W, height=_H)
        )
    return alt.hconcat(*panels).properties(title=title)


def weights_chart(weights: pd.DataFrame, *, title: str = "Weights by portfolio") -> alt.Chart:
    """Stacked horizontal bars: one bar per portfolio, one colour per asset (cash included).

    Parameters
    ----------
    weights : pandas.DataFrame
        ``PortfolioStudy.weights_frame()`` (``portfolio, asset, weight``).
    title : str, default="Weights by portfolio"
        Chart title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    return (
        alt.Chart(weights, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("portfolio:N", title=None, sort=None),
            x=alt.X("weight:Q", title="weight", axis=alt.Axis(format="%")),
            color=alt.Color("asset:N", title="asset"),
            tooltip=["portfolio:N", "asset:N", alt.Tooltip("weight:Q", format=".1%")],
        )
        .properties(width=2 * _W, height=_H)
    )


def black_litterman_chart(
    table: pd.DataFrame, *, title: str = "Black-Litterman: prior and posterior"
) -> alt.Chart:
    """Grouped bars of equilibrium and posterior expected returns per asset.

    Parameters
    ----------
    table : pandas.DataFrame
        ``BlackLittermanResult.to_frame()`` (index asset; ``equilibrium``, ``posterior``).
    title : str
        Chart title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    long = table.reset_index().melt(id_vars="asset", var_name="estimate", value_name="expected_return")
    return (
        alt.Chart(long, title=title)
        .mark_bar()
        .encode(
            x=alt.X("asset:N", title=None),
            xOffset="estimate:N",
            y=alt.Y("expected_return:Q", title="expected return (per year)", axis=alt.Axis(format="%")),
            color=alt.Color("estimate:N", title=None),
            tooltip=["asset:N", "estimate:N", alt.Tooltip("expected_return:Q", format=".2%")],
        )
        .properties(width=_W, height=_H)
    )


def pareto_chart(pareto: pd.DataFrame, *, title: str = "Return, CVaR and prospect value") -> alt.Chart:
    """Candidates in the (CVaR, return) plane, coloured by prospect value, Pareto points filled.

    Parameters
    ----------
    pareto : pandas.DataFrame
        ``ParetoResult.to_frame()``.
    title : str
        Chart title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    return (
        alt.Chart(pareto[["cvar", "expected_return", "prospect", "pareto", "source"]], title=title)
        .mark_point(size=70)
        .encode(
            x=alt.X("cvar:Q", title="CVaR (per day)", scale=alt.Scale(zero=False)),
            y=alt.Y("expected_return:Q", title="expected return (per year)", axis=alt.Axis(format="%")),
            color=alt.Color("prospect:Q", title="prospect value"),
            shape=alt.Shape("source:N", title="optimizer"),
            fill=alt.condition("datum.pareto", alt.Color("prospect:Q"), alt.value("white")),
            tooltip=["source:N", "pareto:N", alt.Tooltip("prospect:Q", format=".5f")],
        )
        .properties(width=_W + 60, height=_H)
    )


def rebalancing_chart(navs: pd.DataFrame, *, title: str = "Rebalancing the risk-parity target") -> alt.Chart:
    """NAV paths (net of costs) of several rebalancing rules.

    Parameters
    ----------
    navs : pandas.DataFrame
        Index dates, one column per rule.
    title : str
        Chart title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    long = navs.rename_axis("date").reset_index().melt(id_vars="date", var_name="rule", value_name="nav")
    return (
        alt.Chart(long, title=title)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("nav:Q", title="NAV (start = 1, net of costs)"),
            color=alt.Color("rule:N", title="rule"),
        )
        .properties(width=2 * _W, height=_H)
    )
