"""Chart builders for notebook 05 (the asymmetric system).

The attribution waterfall, the premia asymmetry, wealth and risk-tolerance fans and the behavior gap.

Pure functions: frames from :class:`tailkit.studies.asymmetric_system.AsymmetricSystemStudy`
in, altair charts out (altair is imported inside each builder, see
:mod:`tailkit.charts.pricing`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "asymmetry_chart",
    "behavior_gap_chart",
    "fan_chart",
    "waterfall_chart",
    "waterfall_frame",
]

_WIDTH = 520
_HEIGHT = 300


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            describe_bad_value("frame", f"columns {list(frame.columns)}", f"{what} with {missing}")
        )


def waterfall_frame(summary: pd.Series) -> pd.DataFrame:
    """Bars of a waterfall from the parts of a decomposition and its total.

    Parameters
    ----------
    summary : Series
        :meth:`tailkit.attribution.Decomposition.summary`: each part's sum over the periods, then
        ``total`` (last).

    Returns
    -------
    DataFrame
        One row per part then ``total``: ``part``, ``value``, ``start``, ``end`` (the running sum
        before and after the part; the total runs from 0), ``kind`` (gain, loss or total), and
        ``order``.
    """
    if not isinstance(summary, pd.Series) or "total" not in summary.index:
        raise ParameterError(
            describe_bad_value(
                "summary", type(summary).__name__, "a Decomposition.summary() Series with 'total'"
            )
        )
    parts = summary.drop("total").astype(float)
    end = parts.cumsum()
    start = end.shift(1, fill_value=0.0)  # each bar starts where the previous one ended
    frame = pd.DataFrame(
        {
            "part": [str(k) for k in parts.index],
            "value": parts.to_numpy(),
            "start": start.to_numpy(),
            "end": end.to_numpy(),
            "kind": np.where(parts.to_numpy() >= 0.0, "adds", "takes away"),
        }
    )
    total = float(summary["total"])
    frame.loc[len(frame)] = ["total", total, 0.0, total, "total"]
    frame["order"] = np.arange(len(frame))
    return frame


def waterfall_chart(summary: pd.Series, *, title: str | None = None) -> alt.LayerChart:
    """Attribution waterfall: each layer's contribution stacked onto the previous ones, then the total.

    Parameters
    ----------
    summary : Series
        :meth:`tailkit.attribution.Decomposition.summary` (sums of monthly returns).
    title : str, optional

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    data = waterfall_frame(summary)
    x = alt.X("part:N", sort=list(data["part"]), title=None, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(data, title=title or "Where the return came from (sum of monthly returns)")
    bars = base.mark_bar(size=38).encode(
        x=x,
        y=alt.Y("start:Q", title="cumulative return (sum of monthly returns)", axis=alt.Axis(format="%")),
        y2="end:Q",
        color=alt.Color(
            "kind:N",
            title="",
            scale=alt.Scale(domain=["adds", "takes away", "total"], range=["#2e7d32", "#c62828", "#455a64"]),
        ),
        tooltip=["part:N", alt.Tooltip("value:Q", format=".2%"), alt.Tooltip("end:Q", format=".2%")],
    )
    labels = (
        base.mark_text(dy=-8, fontSize=11)
        .encode(x=x, y=alt.Y("top:Q"), text=alt.Text("value:Q", format="+.1%"))
        .transform_calculate(top="max(datum.start, datum.end)")
    )
    return alt.LayerChart(layer=[bars, labels]).properties(width=_WIDTH, height=_HEIGHT)


def asymmetry_chart(table: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Sharpe ratio against crisis beta, one labelled point per premium (sized by co-crash).

    Parameters
    ----------
    table : DataFrame
        :attr:`tailkit.premia.AsymmetryTable.table` (index: premium; ``sharpe``,
        ``crisis_beta``, ``co_crash``, ``skew``).
    title : str, optional

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    _require(table, ("sharpe", "crisis_beta", "co_crash", "skew"), "an AsymmetryTable.table")
    data = table.rename_axis("premium").reset_index()
    data["shape"] = np.where(data["skew"] < 0.0, "concave (negative skew)", "convex (positive skew)")
    base = alt.Chart(data, title=title or "Premia: reward against what they do in equity crashes")
    points = base.mark_point(filled=True).encode(
        x=alt.X("crisis_beta:Q", title="crisis beta (mean in the worst equity months / equity's)"),
        y=alt.Y("sharpe:Q", title="Sharpe ratio (annualised)"),
        size=alt.Size("co_crash:Q", title="co-crash probability", scale=alt.Scale(range=[60, 400])),
        color=alt.Color("shape:N", title=""),
        tooltip=[
            "premium:N",
            alt.Tooltip("sharpe:Q", format=".2f"),
            alt.Tooltip("crisis_beta:Q", format=".2f"),
            alt.Tooltip("co_crash:Q", format=".0%"),
            alt.Tooltip("skew:Q", format=".2f"),
        ],
    )
    labels = base.mark_text(align="left", dx=9, fontSize=11).encode(
        x="crisis_beta:Q", y="sharpe:Q", text="premium:N"
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#999", strokeDash=[3, 3]).encode(x="x:Q")
    return alt.LayerChart(layer=[zero, points, labels]).properties(width=_WIDTH, height=_HEIGHT)


def fan_chart(frame: pd.DataFrame, *, value: str = "wealth", title: str | None = None) -> alt.LayerChart:
    """Quantile fans over months, one colour per archetype: the 5-95% band, the quartiles, the median.

    Parameters
    ----------
    frame : DataFrame
        :meth:`tailkit.studies.asymmetric_system.AsymmetricSystemStudy.fan_frame` (columns
        ``archetype``, ``month``, ``q05``, ``q25``, ``q50``, ``q75``, ``q95``).
    value : str, default="wealth"
        What the quantiles are of, for the axis title.
    title : str, optional

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    _require(frame, ("archetype", "month", "q05", "q25", "q50", "q75", "q95"), "a fan frame")
    base = alt.Chart(
        frame,
        title=title
        or f"{value[:1].upper()}{value[1:]} by archetype on the same paths (median, 25-75%, 5-95%)",
    )
    x = alt.X("month:Q", title="month")
    color = alt.Color("archetype:N", title="archetype")
    outer = base.mark_area(opacity=0.12).encode(x=x, y=alt.Y("q05:Q", title=value), y2="q95:Q", color=color)
    inner = base.mark_area(opacity=0.25).encode(x=x, y="q25:Q", y2="q75:Q", color=color)
    median = base.mark_line(strokeWidth=2).encode(
        x=x,
        y="q50:Q",
        color=color,
        tooltip=["archetype:N", "month:Q", alt.Tooltip("q50:Q", title="median", format=".3f")],
    )
    return alt.LayerChart(layer=[outer, inner, median]).properties(width=_WIDTH, height=_HEIGHT)


def behavior_gap_chart(table: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Behavior gap and return given up per archetype, with 95% Monte Carlo intervals (± 1.96 SE).

    Parameters
    ----------
    table : DataFrame
        :meth:`tailkit.studies.asymmetric_system.AsymmetricSystemStudy.archetype_table` (index:
        archetype; ``behavior_gap``, ``behavior_gap_se``, ``given_up``, ``given_up_se``).
    title : str, optional

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    _require(table, ("behavior_gap", "behavior_gap_se", "given_up", "given_up_se"), "an archetype table")
    rows = []
    for name, row in table.iterrows():
        for measure, label in (("behavior_gap", "behavior gap"), ("given_up", "return given up")):
            mean, se = float(row[measure]), float(row[f"{measure}_se"])
            rows.append(
                {
                    "archetype": str(name),
                    "measure": label,
                    "mean": mean,
                    "lo": mean - 1.96 * se,
                    "hi": mean + 1.96 * se,
                }
            )
    data = pd.DataFrame(rows)
    data["row"] = data["archetype"] + ": " + data["measure"]
    base = alt.Chart(
        data, title=title or "Behavior gap and return given up a year (95% Monte Carlo interval)"
    )
    y = alt.Y("row:N", title=None, sort=list(data["row"]))
    bars = base.mark_bar(opacity=0.8, size=18).encode(
        x=alt.X("mean:Q", title="a year", axis=alt.Axis(format="%")),
        y=y,
        color=alt.Color("measure:N", title=""),
        tooltip=["archetype:N", "measure:N", alt.Tooltip("mean:Q", format=".2%")],
    )
    errors = base.mark_rule(color="black", strokeWidth=1.5).encode(x="lo:Q", x2="hi:Q", y=y)
    return alt.LayerChart(layer=[bars, errors]).properties(width=_WIDTH, height=200)
