"""Chart builders for hedge programs: frontier, history NAV, crisis payoffs, payoff diagram.

Pure functions: frames from :mod:`tailkit.hedging` results in, altair charts out (altair is
imported inside each builder, see :mod:`tailkit.charts.pricing`). Anything resting on the
implied-vol proxy says so in its title or legend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value

if TYPE_CHECKING:
    import altair as alt

__all__ = ["frontier_chart", "history_nav_chart", "crisis_chart", "payoff_chart", "return_distribution_chart"]

_WIDTH = 520
_HEIGHT = 300


def frontier_chart(
    frame: pd.DataFrame, *, highlight: str | None = None, title: str | None = None
) -> alt.LayerChart:
    """Net cost a year vs CVaR95 reduction, one point per program, Pareto-efficient ones marked.

    Parameters
    ----------
    frame : DataFrame
        :meth:`tailkit.hedging.ProgramEvaluation.to_frame` (index ``program``).
    highlight : str, optional
        A program to ring (e.g. the chosen one).
    title : str, optional

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    for col in ("net_cost_per_year", "d_cvar95", "pareto"):
        if col not in frame.columns:
            raise ParameterError(
                describe_bad_value("frame", col, "a ProgramEvaluation.to_frame() with that column")
            )
    data = frame.reset_index()[
        ["program", "net_cost_per_year", "d_cvar95", "d_cvar95_se", "effectiveness", "pareto"]
    ].copy()
    data["protection"] = -data["d_cvar95"]
    data["efficient"] = np.where(data["pareto"], "Pareto efficient", "dominated")
    family = data["program"].str.extract(r"^(no hedge|put spread|ratio|collar|VIX call|put)", expand=False)
    data["family"] = family.fillna("combined")
    base = alt.Chart(data, title=title or "Cost vs protection (simulated; CVaR95 of 1-year returns)")
    points = base.mark_point(filled=True, size=70).encode(
        x=alt.X("net_cost_per_year:Q", title="net cost a year (fraction of NAV)", axis=alt.Axis(format="%")),
        y=alt.Y("protection:Q", title="CVaR95 reduction (fraction of NAV)", axis=alt.Axis(format="%")),
        color=alt.Color("family:N", title="program"),
        shape=alt.Shape("efficient:N", title=""),
        tooltip=[
            "program:N",
            alt.Tooltip("net_cost_per_year:Q", format=".2%"),
            alt.Tooltip("protection:Q", format=".2%"),
            alt.Tooltip("d_cvar95_se:Q", title="SE", format=".2%"),
            alt.Tooltip("effectiveness:Q", format=".2f"),
        ],
    )
    front = (
        alt.Chart(data[data["pareto"]].sort_values("net_cost_per_year"))
        .mark_line(color="black", strokeDash=[4, 3])
        .encode(x="net_cost_per_year:Q", y="protection:Q")
    )
    layers = [front, points]
    if highlight is not None:
        ring = (
            alt.Chart(data[data["program"] == highlight])
            .mark_point(size=300, color="crimson", strokeWidth=2)
            .encode(x="net_cost_per_year:Q", y="protection:Q")
        )
        layers.append(ring)
    return cast("alt.LayerChart", alt.layer(*layers).properties(width=_WIDTH, height=_HEIGHT))


def history_nav_chart(
    nav: pd.DataFrame, proxy: pd.Series | None = None, *, title: str | None = None
) -> alt.LayerChart:
    """NAV of each program on history (log scale), with the proxy-vol period shaded.

    Parameters
    ----------
    nav : DataFrame
        :attr:`tailkit.hedging.HistoryEvaluation.nav` (DatetimeIndex, one column per program).
    proxy : Series of bool, optional
        True on dates whose implied vol is the GARCH x VRP proxy.
    title : str, optional

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    weekly = nav.iloc[::5]  # every fifth trading day keeps the chart light
    long = (
        weekly.rename_axis("date").reset_index().melt(id_vars="date", var_name="portfolio", value_name="nav")
    )
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("nav:Q", title="NAV (start = 1, log scale)", scale=alt.Scale(type="log")),
            color=alt.Color("portfolio:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["portfolio:N", "date:T", alt.Tooltip("nav:Q", format=".3f")],
        )
    )
    layers = []
    if proxy is not None and bool(np.any(proxy)):
        idx = proxy.index[np.asarray(proxy, dtype=bool)]
        band = pd.DataFrame(
            {"start": [idx[0]], "end": [idx[-1]], "label": ["implied vol = GARCH x VRP proxy"]}
        )
        layers.append(
            alt.Chart(band)
            .mark_rect(opacity=0.12, color="gray")
            .encode(x="start:T", x2="end:T", tooltip=["label:N"])
        )
    layers.append(lines)
    chart = alt.layer(*layers, title=title or "Hedged vs unhedged NAV on history (shaded: proxy implied vol)")
    return cast("alt.LayerChart", chart.properties(width=_WIDTH, height=_HEIGHT))


def crisis_chart(crises: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Hedge P&L (fraction of starting NAV) per crisis window and program; proxy windows labelled.

    Parameters
    ----------
    crises : DataFrame
        :meth:`tailkit.hedging.HistoryEvaluation.crisis_frame`.
    title : str, optional

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    data = crises.copy()
    data["window_label"] = data["window"] + np.where(data["proxy"], " (proxy vol)", "")
    return (
        alt.Chart(data, title=title or "Hedge P&L in each crisis window")
        .mark_bar()
        .encode(
            y=alt.Y("window_label:N", title=None, sort=None),
            x=alt.X("hedge_pnl:Q", title="hedge P&L (fraction of starting NAV)", axis=alt.Axis(format="%")),
            color=alt.Color("program:N", title=None, legend=alt.Legend(orient="bottom")),
            yOffset="program:N",
            tooltip=[
                "program:N",
                "window:N",
                alt.Tooltip("unhedged_return:Q", format=".1%"),
                alt.Tooltip("hedge_pnl:Q", format=".2%"),
                alt.Tooltip("effectiveness:Q", format=".2f"),
                "proxy:N",
            ],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def payoff_chart(payoff: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Payoff at expiry of a program's legs per unit, against the index move.

    Parameters
    ----------
    payoff : DataFrame
        Columns ``move`` (index at expiry / spot - 1) and ``payoff`` (fraction of the hedged
        notional), e.g. from :func:`tailkit.studies.hedging_strategies.payoff_table`.
    title : str, optional

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    return (
        alt.Chart(payoff, title=title or "Payoff at expiry (equity legs, per unit of notional)")
        .mark_line()
        .encode(
            x=alt.X("move:Q", title="index move to expiry", axis=alt.Axis(format="%")),
            y=alt.Y("payoff:Q", title="payoff (fraction of notional)", axis=alt.Axis(format="%")),
            tooltip=[alt.Tooltip("move:Q", format=".1%"), alt.Tooltip("payoff:Q", format=".2%")],
        )
        .properties(width=_WIDTH * 0.6, height=_HEIGHT * 0.8)
    )


def return_distribution_chart(returns: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Histogram of 1-year returns, hedged vs unhedged (simulated).

    Parameters
    ----------
    returns : DataFrame
        Columns ``portfolio`` and ``return_1y``.
    title : str, optional

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    values = returns["return_1y"].to_numpy(dtype=float)
    edges = np.linspace(values.min(), values.max(), 61)
    rows = []
    for name, grp in returns.groupby("portfolio", sort=False):
        counts, _ = np.histogram(grp["return_1y"].to_numpy(dtype=float), bins=edges)
        rows.append(
            pd.DataFrame({"portfolio": name, "lo": edges[:-1], "hi": edges[1:], "share": counts / len(grp)})
        )
    data = pd.concat(rows, ignore_index=True)
    return (
        alt.Chart(data, title=title or "1-year returns, hedged vs unhedged (simulated)")
        .mark_rect(opacity=0.5)
        .encode(
            x=alt.X("lo:Q", title="1-year return", axis=alt.Axis(format="%")),
            x2="hi:Q",
            y=alt.Y("share:Q", title="share of paths", stack=None),
            color=alt.Color("portfolio:N", title=None, legend=alt.Legend(orient="bottom")),
        )
        .properties(width=_WIDTH, height=_HEIGHT * 0.8)
    )
