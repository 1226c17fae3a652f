"""Chart builders for backtests: equity, drawdown, regimes, performance by regime, holdings.

Pure functions: frames in, an altair chart out. Daily series longer than ``max_points`` are
thinned to every k-th row (the last row kept) so a 20-year run stays well below altair's
5,000-row limit and renders quickly in a notebook or a Voila page.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = [
    "equity_chart",
    "drawdown_chart",
    "regime_timeline_chart",
    "regime_performance_chart",
    "rolling_sharpe_chart",
    "holdings_chart",
    "counterfactual_chart",
    "hedge_value_chart",
    "REGIME_COLORS",
]

_WIDTH = 560
_HEIGHT = 240

REGIME_COLORS = {
    "goldilocks": "#2e7d32",
    "volatile_bull": "#f9a825",
    "correction": "#ef6c00",
    "crisis": "#c62828",
}


def _thin(frame: pd.DataFrame, max_points: int) -> pd.DataFrame:
    if len(frame) <= max_points:
        return frame
    step = -(-len(frame) // max_points)
    keep = list(range(0, len(frame), step))
    if keep[-1] != len(frame) - 1:
        keep.append(len(frame) - 1)
    return frame.iloc[keep]


def _long(frame: pd.DataFrame, value: str, max_points: int) -> pd.DataFrame:
    out = _thin(frame, max_points).copy()
    out.index.name = "date"
    out.columns = [str(c) for c in out.columns]
    data = out.reset_index().melt(id_vars="date", var_name="series", value_name="__value")
    return data.rename(columns={"__value": value}).dropna()


def equity_chart(
    equity: pd.DataFrame, *, title: str = "Equity (rebased to 1)", max_points: int = 1500
) -> alt.Chart:
    """Equity curves, one line per column (log scale).

    Parameters
    ----------
    equity : DataFrame of shape (n_bars, n_strategies)
        Equity (any scale), DatetimeIndex.
    title : str
        Chart title.
    max_points : int, default=1500
        Rows kept per series.
    """
    data = _long(equity, "equity", max_points)
    return (
        alt.Chart(data, title=title)
        .mark_line(strokeWidth=1.2)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("equity:Q", title="equity (log scale)", scale=alt.Scale(type="log", zero=False)),
            color=alt.Color("series:N", title="strategy"),
            tooltip=["series:N", alt.Tooltip("date:T"), alt.Tooltip("equity:Q", format=",.3f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def drawdown_chart(equity: pd.DataFrame, *, title: str = "Drawdown", max_points: int = 1500) -> alt.Chart:
    """Drawdown from the running peak of each equity column (a negative fraction)."""
    dd = equity / equity.cummax() - 1.0
    data = _long(dd, "drawdown", max_points)
    return (
        alt.Chart(data, title=title)
        .mark_line(strokeWidth=1.0)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("drawdown:Q", title="drawdown", axis=alt.Axis(format="%")),
            color=alt.Color("series:N", title="strategy"),
            tooltip=["series:N", alt.Tooltip("date:T"), alt.Tooltip("drawdown:Q", format=".1%")],
        )
        .properties(width=_WIDTH, height=_HEIGHT * 2 // 3)
    )


def regime_timeline_chart(
    timeline: pd.DataFrame,
    *,
    title: str = "Detected regime and its confidence (filtered, causal)",
    max_points: int = 2000,
) -> alt.Chart:
    """Confidence of the detected regime over time, coloured by regime.

    Parameters
    ----------
    timeline : DataFrame
        Columns ``regime`` and ``confidence`` on a DatetimeIndex (rows without a regime dropped).
    """
    frame = timeline[["regime", "confidence"]].dropna()
    data = _thin(frame, max_points).rename_axis("date").reset_index()
    names = [n for n in REGIME_COLORS if n in set(data["regime"])]
    return (
        alt.Chart(data, title=title)
        .mark_bar(width=1.5)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("confidence:Q", title="confidence", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "regime:N",
                title="regime",
                scale=alt.Scale(domain=names, range=[REGIME_COLORS[n] for n in names]),
            ),
            tooltip=[alt.Tooltip("date:T"), "regime:N", alt.Tooltip("confidence:Q", format=".2f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT // 2)
    )


def regime_performance_chart(
    by_regime: pd.DataFrame, *, metric: str = "sharpe", title: str | None = None
) -> alt.Chart:
    """Grouped bars of ``metric`` per regime and strategy (frame of ``performance_by_regime`` rows)."""
    data = by_regime[["regime", "strategy", metric, "days"]].copy()
    return (
        alt.Chart(data, title=title or f"{metric.replace('_', ' ')} by regime")
        .mark_bar()
        .encode(
            x=alt.X("strategy:N", title=None, axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y(f"{metric}:Q", title=metric.replace("_", " ")),
            color=alt.Color("strategy:N", title="strategy"),
            column=alt.Column("regime:N", title="regime", sort=list(REGIME_COLORS)),
            tooltip=["regime:N", "strategy:N", alt.Tooltip(f"{metric}:Q", format=".2f"), "days:Q"],
        )
        .properties(width=110, height=_HEIGHT * 2 // 3)
    )


def rolling_sharpe_chart(rolling: pd.DataFrame, *, window: int = 252, max_points: int = 1500) -> alt.Chart:
    """Rolling Sharpe ratio of each column."""
    data = _long(rolling, "sharpe", max_points)
    return (
        alt.Chart(data, title=f"Rolling {window}-day Sharpe ratio")
        .mark_line(strokeWidth=1.0)
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("sharpe:Q", title="Sharpe (annualised)"),
            color=alt.Color("series:N", title="strategy"),
            tooltip=["series:N", alt.Tooltip("date:T"), alt.Tooltip("sharpe:Q", format=".2f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT * 2 // 3)
    )


def hedge_value_chart(
    value: pd.Series,
    *,
    title: str = "Hedge overlay value: option marks + overlay cash",
    max_points: int = 1500,
) -> alt.Chart:
    """The hedge overlay's value over time (hedged minus unhedged equity, currency units)."""
    data = _long(value.rename("hedge value").to_frame(), "value", max_points)
    return (
        alt.Chart(data, title=title)
        .mark_line(strokeWidth=1.0, interpolate="step-after")
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("value:Q", title="hedge value (currency units)"),
            color=alt.Color("series:N", title=None),
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT * 2 // 3)
    )


def holdings_chart(
    weights: pd.DataFrame, *, title: str = "Target weights on decision dates", max_points: int = 600
) -> alt.Chart:
    """Stacked areas of the target weight of each asset over time."""
    data = _long(weights.fillna(0.0), "weight", max_points)
    return (
        alt.Chart(data, title=title)
        .mark_area(interpolate="step-after")
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("weight:Q", title="weight", stack="zero", axis=alt.Axis(format="%")),
            color=alt.Color("series:N", title="asset"),
            tooltip=["series:N", alt.Tooltip("date:T"), alt.Tooltip("weight:Q", format=".1%")],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def counterfactual_chart(table: pd.DataFrame) -> alt.Chart:
    """Cycles prevented and final-equity effect of each protection (rows ``without_<rule>``)."""
    data = table[table["run"] != "base"].copy()
    data["protection"] = data["run"].str.replace("without_", "", regex=False)
    data = data.melt(
        id_vars="protection", value_vars=["cycles_prevented", "equity_effect"], var_name="measure"
    )
    return (
        alt.Chart(data, title="What each protection changed (vs a run without it)")
        .mark_bar()
        .encode(
            y=alt.Y("protection:N", title=None),
            x=alt.X("value:Q", title=None),
            color=alt.Color("protection:N", legend=None),
            column=alt.Column("measure:N", title=None),
            tooltip=["protection:N", "measure:N", alt.Tooltip("value:Q", format=",.1f")],
        )
        .resolve_scale(x="independent")
        .properties(width=220, height=140)
    )
