"""Chart builders for the risk engine: performance, drawdowns, VaR, contributions, stress, backtests.

Pure functions: frames from :mod:`tailkit.risk` in, an altair chart out. They never display
anything; ``widgets.display.show`` / ``ChartView`` or :meth:`tailkit.risk.Tearsheet.to_html` do.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

__all__ = [
    "cumulative_returns_chart",
    "drawdown_chart",
    "rolling_metric_chart",
    "return_distribution_chart",
    "contributions_chart",
    "stress_chart",
    "backtest_chart",
    "monthly_returns_chart",
]

_WIDTH = 520
_HEIGHT = 260


def _long(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    out = frame.copy()
    out.index.name = "date"
    out.columns = [str(c) for c in out.columns]
    return out.reset_index().melt(id_vars="date", var_name="series", value_name=value).dropna()


def _frame(returns: pd.Series | pd.DataFrame) -> pd.DataFrame:
    return returns.to_frame() if isinstance(returns, pd.Series) else returns


def cumulative_returns_chart(returns: pd.Series | pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Growth of 1 for each strategy (NaN returns count as 0).

    Parameters
    ----------
    returns : Series or DataFrame
        Periodic returns, one column per strategy (DatetimeIndex).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    growth = (1.0 + _frame(returns).fillna(0.0)).cumprod()
    data = _long(growth, "growth")
    return (
        alt.Chart(data, title=title or "Growth of 1")
        .mark_line(strokeWidth=1.2)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("growth:Q", title="growth of 1 (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color("series:N", title="strategy"),
            tooltip=["series:N", alt.Tooltip("date:T"), alt.Tooltip("growth:Q", format=".3f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def drawdown_chart(returns: pd.Series | pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Underwater curves: drawdown from the running peak (a negative fraction), lines only.

    Several strategies' filled areas overlap into a muddy brown; lines in distinct colours
    stay readable. The y domain runs from the deepest drawdown to 0.

    Parameters
    ----------
    returns : Series or DataFrame
        Periodic returns, one column per strategy.
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    nav = (1.0 + _frame(returns).fillna(0.0)).cumprod()
    dd = nav / np.maximum(nav.cummax(), 1.0) - 1.0
    data = _long(dd, "drawdown")
    deepest = min(float(data["drawdown"].min()), -1e-4)
    return (
        alt.Chart(data, title=title or "Drawdown from peak")
        .mark_line(strokeWidth=1.2)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y(
                "drawdown:Q",
                title="drawdown from peak",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[deepest, 0.0], nice=False),
            ),
            color=alt.Color("series:N", title="strategy"),
            tooltip=["series:N", alt.Tooltip("date:T"), alt.Tooltip("drawdown:Q", format=".1%")],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def rolling_metric_chart(rolling: pd.DataFrame, metric: str, *, title: str | None = None) -> alt.Chart:
    """One rolling metric per strategy over time.

    Parameters
    ----------
    rolling : DataFrame
        Columns are strategies, values the rolling metric (e.g. from ``rolling_metrics``).
    metric : str
        Axis title (the metric's name).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    data = _long(rolling, "value")
    return (
        alt.Chart(data, title=title or f"Rolling {metric.replace('_', ' ')}")
        .mark_line(strokeWidth=1.0)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("value:Q", title=metric.replace("_", " ")),
            color=alt.Color("series:N", title="strategy"),
            tooltip=["series:N", alt.Tooltip("date:T"), alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def return_distribution_chart(
    pnl: pd.Series | np.ndarray,
    *,
    var: float | None = None,
    es: float | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Histogram of P&L (or returns) with the VaR and ES losses marked.

    Parameters
    ----------
    pnl : Series or ndarray of shape (n,)
        P&L per scenario.
    var, es : float, optional
        VaR and ES as positive losses (drawn at ``-var`` and ``-es``).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.LayerChart
    """
    x = np.asarray(pnl, dtype=float)
    x = x[np.isfinite(x)]
    counts, edges = np.histogram(x, bins=60)
    data = pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "count": counts})
    bars = (
        alt.Chart(data)
        .mark_bar(color="#4c78a8", opacity=0.8)
        .encode(
            x=alt.X("lo:Q", title="P&L"),
            x2="hi:Q",
            y=alt.Y("count:Q", title="scenarios"),
            tooltip=[alt.Tooltip("lo:Q", format=",.0f"), alt.Tooltip("hi:Q", format=",.0f"), "count:Q"],
        )
    )
    marks = pd.DataFrame(
        [
            {"label": name, "x": -v}
            for name, v in (("VaR", var), ("ES", es))
            if v is not None and np.isfinite(v)
        ]
    )
    layers: list[alt.Chart] = [bars]
    if not marks.empty:
        rule = (
            alt.Chart(marks)
            .mark_rule(strokeWidth=2)
            .encode(
                x="x:Q",
                color=alt.Color("label:N", title="", scale=alt.Scale(range=["#e45756", "#72b7b2"])),
                tooltip=["label:N", alt.Tooltip("x:Q", format=",.0f")],
            )
        )
        layers.append(rule)
    return alt.LayerChart(layer=layers, title=title or "P&L distribution with VaR and ES").properties(
        width=_WIDTH, height=_HEIGHT
    )


#: axis titles in words with units of the contribution columns of ``VaRResult.to_frame``
_CONTRIBUTION_TITLES = {
    "component_es": "contribution to ES (currency)",
    "component_var": "contribution to VaR (currency)",
    "marginal_es": "marginal ES (per 1 of position)",
    "marginal_var": "marginal VaR (per 1 of position)",
    "es_share": "share of ES",
}


def contributions_chart(
    contrib: pd.DataFrame, *, value: str = "component_es", title: str | None = None
) -> alt.Chart:
    """Horizontal bars of each position's contribution to VaR or ES.

    Parameters
    ----------
    contrib : DataFrame
        ``VaRResult.to_frame()`` (index ``position``).
    value : str, default="component_es"
        Column to draw (``component_es``, ``component_var``, ``marginal_es``, ...).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    data = contrib[[value]].reset_index()
    data.columns = ["position", "value"]
    return (
        alt.Chart(data, title=title or f"Contribution by position ({value.replace('_', ' ')})")
        .mark_bar()
        .encode(
            y=alt.Y("position:N", sort="-x", title=None),
            x=alt.X("value:Q", title=_CONTRIBUTION_TITLES.get(value, value.replace("_", " "))),
            color=alt.condition("datum.value < 0", alt.value("#54a24b"), alt.value("#e45756")),
            tooltip=["position:N", alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(width=_WIDTH, height=max(60, 24 * len(data)))
    )


def stress_chart(table: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Stress P&L per scenario, coloured by kind.

    Parameters
    ----------
    table : DataFrame
        ``stress_table(...)`` output (index ``scenario``; columns ``kind``, ``pnl``).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    data = table[["kind", "pnl"]].reset_index()
    data.columns = ["scenario", "kind", "pnl"]
    data["label"] = data["kind"] + ": " + data["scenario"].astype(str)
    return (
        alt.Chart(data, title=title or "Stress P&L by scenario")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("pnl:Q", title="P&L (currency)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("kind:N", title="kind"),
            tooltip=["scenario:N", "kind:N", alt.Tooltip("pnl:Q", format=",.0f")],
        )
        .properties(width=_WIDTH, height=max(60, 20 * len(data)))
    )


def backtest_chart(series: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Realised P&L against minus the VaR forecast, exceptions highlighted.

    Parameters
    ----------
    series : DataFrame
        Columns ``pnl``, ``var`` and ``exception`` (bool), DatetimeIndex.
    title : str, optional
        Chart title.

    Returns
    -------
    altair.LayerChart
    """
    data = series[["pnl", "var", "exception"]].copy()
    data.index.name = "date"
    data = data.reset_index()
    data["minus_var"] = -data["var"]
    pts = (
        alt.Chart(data)
        .mark_circle(size=9)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("pnl:Q", title="return", axis=alt.Axis(format="%")),
            color=alt.Color(
                "exception:N",
                title="exception",
                scale=alt.Scale(domain=[False, True], range=["#bab0ac", "#e45756"]),
            ),
            tooltip=[
                alt.Tooltip("date:T"),
                alt.Tooltip("pnl:Q", format=".2%"),
                alt.Tooltip("var:Q", format=".2%"),
            ],
        )
    )
    line = alt.Chart(data).mark_line(color="#4c78a8", strokeWidth=1).encode(x="date:T", y="minus_var:Q")
    return alt.LayerChart(
        layer=[pts, line], title=title or "VaR backtest: returns vs -VaR forecast"
    ).properties(width=_WIDTH, height=_HEIGHT)


def monthly_returns_chart(returns: pd.Series, *, title: str | None = None) -> alt.Chart:
    """Heat map of monthly compounded returns (year x month).

    Parameters
    ----------
    returns : Series
        Daily returns (DatetimeIndex).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    m = (1.0 + returns.fillna(0.0)).resample("ME").prod() - 1.0
    data = pd.DataFrame({"year": m.index.year.astype(str), "month": m.index.month, "ret": m.to_numpy()})
    lim = float(np.nanmax(np.abs(data["ret"]))) if len(data) else 0.1
    return (
        alt.Chart(data, title=title or "Monthly returns")
        .mark_rect()
        .encode(
            x=alt.X("month:O", title="month"),
            y=alt.Y("year:O", title="year"),
            color=alt.Color(
                "ret:Q", title="return", scale=alt.Scale(scheme="redyellowgreen", domain=[-lim, lim])
            ),
            tooltip=["year:O", "month:O", alt.Tooltip("ret:Q", format=".2%")],
        )
        .properties(width=_WIDTH, height=max(60, 14 * data["year"].nunique()))
    )
