"""Chart builders for the TLT credit-spread overlay (notebooks 07, 08, 09 and their panels).

Pure functions: a tidy frame from the overlay study modules (:mod:`tailkit.studies.overlay_calibration`, :mod:`tailkit.studies.spread_screening`, :mod:`tailkit.studies.exit_optimization`) in, an altair chart out. Every
builder takes ``label`` (``"SYNTHETIC data"`` for the bundled files, else the file name) and
puts it in the title, so synthetic numbers are never shown unlabelled.

altair is imported inside each builder (``import altair`` imports anywidget, ipywidgets and
IPython, which ``tailkit`` must not pull in at import time).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from tailkit.charts.placeholder import placeholder_chart

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "GRID_METRICS",
    "FEASIBILITY_COLORS",
    "grid_heatmap",
    "feasible_region_chart",
    "exit_reason_chart",
    "se_band_chart",
    "screening_scatter",
    "kelly_chart",
    "history_chart",
    "regression_chart",
    "residual_chart",
    "innovation_chart",
    "fan_chart",
]

_WIDTH = 520
_HEIGHT = 260
_STATUS_COLORS = {"in sample": "#1f77b4", "excluded (COVID)": "#d62728", "outside window": "#bbbbbb"}


def _title(text: str, label: str) -> str:
    return f"{text} — {label}"


def _exit_grid_axes() -> dict[str, Any]:
    """The exit grid's cell axes: profit target across, loss multiple down (largest on top)."""
    import altair as alt

    return {
        "x": alt.X("profit_target_pct:O", title="profit target", axis=alt.Axis(format=".0%", labelAngle=0)),
        "y": alt.Y("loss_multiple:O", title="loss limit (× credit)", sort="descending"),
    }


def _facet_by_dte(chart: alt.Chart | alt.LayerChart, title: str) -> alt.FacetChart:
    """One small panel of ``chart`` per DTE threshold of the exit grid."""
    import altair as alt

    return chart.properties(width=140, height=120).facet(
        column=alt.Column("dte_threshold:O", title="close at DTE ≤"), title=title
    )


def history_chart(history: pd.DataFrame, *, label: str) -> alt.VConcatChart:
    """Yields (top) and TLT (bottom) over time, coloured by calibration status.

    Parameters
    ----------
    history : DataFrame
        ``OverlayCalibrationStudy.history``: DatetimeIndex, ``yield_20y``, ``yield_30y``
        (decimals), ``tlt_close``, ``status``.
    label : str
        Data label for the title.

    Returns
    -------
    altair.VConcatChart
    """
    import altair as alt

    frame = history.reset_index().rename(columns={history.index.name or "index": "date"})
    frame = frame.iloc[:: max(1, len(frame) // 1500)]
    yields = frame.melt(
        id_vars=["date", "status"],
        value_vars=["yield_20y", "yield_30y"],
        var_name="tenor",
        value_name="yield",
    )
    status_scale = alt.Scale(domain=list(_STATUS_COLORS), range=list(_STATUS_COLORS.values()))
    top = (
        alt.Chart(yields, title=_title("20y and 30y yields, by calibration status", label))
        .mark_point(size=6, filled=True)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("yield:Q", title="yield", axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
            color=alt.Color("status:N", scale=status_scale, title="status"),
            shape=alt.Shape("tenor:N", title="tenor"),
            tooltip=["date:T", "tenor:N", alt.Tooltip("yield:Q", format=".3%"), "status:N"],
        )
        .properties(width=_WIDTH, height=_HEIGHT - 60)
    )
    bottom = (
        alt.Chart(frame, title=_title("TLT close", label))
        .mark_point(size=6, filled=True)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("tlt_close:Q", title="TLT (USD)", scale=alt.Scale(zero=False)),
            color=alt.Color("status:N", scale=status_scale, title="status"),
            tooltip=["date:T", alt.Tooltip("tlt_close:Q", format=".2f"), "status:N"],
        )
        .properties(width=_WIDTH, height=_HEIGHT - 60)
    )
    return alt.vconcat(top, bottom)


def regression_chart(fitted: pd.DataFrame, *, label: str, r_squared: float) -> alt.LayerChart:
    """log(TLT) against the mean yield with the fitted quadratic.

    Parameters
    ----------
    fitted : DataFrame
        ``OverlayCalibrationStudy.fitted`` (``ybar``, ``log_tlt``, ``fitted``).
    label : str
        Data label for the title.
    r_squared : float
        R² of the fit, shown in the title.

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    data = fitted[["ybar", "log_tlt", "fitted"]]
    base = alt.Chart(data, title=_title(f"log(TLT) = α + β·ȳ + γ·ȳ², R² = {r_squared:.4f}", label))
    points = base.mark_point(size=8, opacity=0.4, color="#1f77b4").encode(
        x=alt.X(
            "ybar:Q",
            title="mean of 20y and 30y yields",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(zero=False),
        ),
        y=alt.Y("log_tlt:Q", title="log(TLT)", scale=alt.Scale(zero=False)),
    )
    line = base.mark_line(color="#d62728").encode(x="ybar:Q", y="fitted:Q")
    return alt.LayerChart(layer=[points, line]).properties(width=_WIDTH, height=_HEIGHT)


def residual_chart(fitted: pd.DataFrame, *, label: str) -> alt.Chart:
    """Residual of the TLT regression over time (log points).

    Parameters
    ----------
    fitted : DataFrame
        ``OverlayCalibrationStudy.fitted`` (``date``, ``residual``).
    label : str
        Data label for the title.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    return (
        alt.Chart(fitted[["date", "residual"]], title=_title("TLT regression residual (log points)", label))
        .mark_line(strokeWidth=1)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("residual:Q", title="log(TLT) − fitted"),
            tooltip=["date:T", alt.Tooltip("residual:Q", format=".4f")],
        )
        .properties(width=_WIDTH, height=_HEIGHT - 80)
    )


def innovation_chart(innovations: pd.DataFrame, *, label: str, bins: int = 40) -> alt.LayerChart:
    """Histogram (density) of the standardized Vasicek innovations per tenor against N(0, 1).

    Parameters
    ----------
    innovations : DataFrame
        ``vasicek_innovations`` output (``tenor``, ``z``).
    label : str
        Data label for the title.
    bins : int, default=40
        Number of bins over [-5, 5].

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    edges = np.linspace(-5.0, 5.0, bins + 1)
    width = edges[1] - edges[0]
    rows = []
    for tenor, g in innovations.groupby("tenor", sort=True):
        z = np.clip(g["z"].to_numpy(), -5.0, 5.0)
        counts, _ = np.histogram(z, bins=edges)
        dens = counts / (max(z.size, 1) * width)
        rows.append(pd.DataFrame({"tenor": tenor, "z": 0.5 * (edges[1:] + edges[:-1]), "density": dens}))
    hist = pd.concat(rows, ignore_index=True)
    grid = np.linspace(-5.0, 5.0, 201)
    normal = pd.DataFrame({"z": grid, "density": np.exp(-0.5 * grid**2) / math.sqrt(2 * math.pi)})
    title = _title("Standardized one-step Vasicek innovations vs N(0, 1)", label)
    bars = (
        alt.Chart(hist)
        .mark_line(interpolate="step", strokeWidth=1.5)
        .encode(
            x=alt.X("z:Q", title="innovation / model sd"),
            y=alt.Y("density:Q", title="density"),
            color=alt.Color("tenor:N", title="tenor"),
        )
    )
    curve = alt.Chart(normal).mark_line(color="black", strokeDash=[4, 3]).encode(x="z:Q", y="density:Q")
    return alt.LayerChart(layer=[bars, curve], title=title).properties(width=_WIDTH, height=_HEIGHT - 40)


def fan_chart(fan: pd.DataFrame, series: str, *, label: str, title: str | None = None) -> alt.LayerChart:
    """Quantile fan of a simulated series: 5-95% and 25-75% bands and the median.

    Parameters
    ----------
    fan : DataFrame
        ``simulated_fan`` output (``day``, ``series``, ``quantile``, ``value``), quantiles
        0.05, 0.25, 0.5, 0.75, 0.95.
    series : {"yield_20y", "yield_30y", "tlt"}
        Which series to draw.
    label : str
        Data label for the title.
    title : str, optional
        Title text (the label is appended).

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    data = fan[fan["series"] == series].pivot(index="day", columns="quantile", values="value")
    data.columns = [f"q{round(100 * q):02d}" for q in data.columns]
    data = data.reset_index()
    is_yield = series.startswith("yield")
    fmt = "%" if is_yield else ",.0f"
    y_title = series.replace("_", " ") if is_yield else "TLT (USD)"
    text = title or f"Simulated {y_title}: median, 25-75% and 5-95% bands"
    base = alt.Chart(data, title=_title(text, label))
    x = alt.X("day:Q", title="trading days ahead")
    outer = base.mark_area(opacity=0.2, color="#1f77b4").encode(
        x=x,
        y=alt.Y("q05:Q", title=y_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
        y2="q95:Q",
    )
    inner = base.mark_area(opacity=0.35, color="#1f77b4").encode(x=x, y="q25:Q", y2="q75:Q")
    median = base.mark_line(color="#1f4e79").encode(x=x, y="q50:Q")
    return alt.LayerChart(layer=[outer, inner, median]).properties(width=_WIDTH, height=_HEIGHT - 40)


# ------------------------------------------------------------------ notebook 09: exit grids

#: column titles of the grid metrics drawn by :func:`grid_heatmap`
GRID_METRICS = {
    "expected_pnl": ("E[P&L] per share ($)", ",.3f"),
    "pop": ("probability of profit", ".0%"),
    "cvar_95": ("CVaR95 per share ($, signed)", ",.2f"),
    "risk_adjusted_return": ("E[P&L] / |CVaR95|", ".3f"),
    "avg_days_held": ("average days held", ".1f"),
}

#: colours of the feasibility status drawn by :func:`feasible_region_chart`
FEASIBILITY_COLORS = {
    "passes": "#2ca02c",
    "POP too low": "#ff7f0e",
    "CVaR beyond limit": "#d62728",
    "both fail": "#7f7f7f",
}

_REASON_COLORS = {
    "profit target": "#2ca02c",
    "loss limit": "#d62728",
    "DTE threshold": "#1f77b4",
    "expiration": "#9467bd",
}


def grid_heatmap(grid: pd.DataFrame, metric: str, *, label: str, title: str | None = None) -> alt.FacetChart:
    """Heatmap of one statistic over the exit grid: profit target × loss multiple, one panel per DTE.

    Cells that fail the constraints are drawn faded (``feasible`` column, when present).

    Parameters
    ----------
    grid : DataFrame
        One row per combination: ``profit_target_pct``, ``loss_multiple``, ``dte_threshold``,
        ``metric`` and optionally ``feasible`` (bool).
    metric : str
        One of :data:`GRID_METRICS`.
    label : str
        Data label for the title.
    title : str, optional
        Title text (the label is appended).

    Returns
    -------
    altair.FacetChart
    """
    import altair as alt

    if metric not in GRID_METRICS:
        raise ValueError(f"metric={metric!r} is not allowed: expected one of {', '.join(GRID_METRICS)}")
    axis_title, fmt = GRID_METRICS[metric]
    cols = ["profit_target_pct", "loss_multiple", "dte_threshold", metric]
    data = grid[cols].copy()
    data["feasible"] = grid["feasible"].to_numpy() if "feasible" in grid.columns else True
    scheme: Literal["redyellowgreen", "blues"] = "redyellowgreen" if metric != "avg_days_held" else "blues"
    base = alt.Chart(data).encode(**_exit_grid_axes())
    rect = base.mark_rect().encode(
        color=alt.Color(f"{metric}:Q", title=axis_title, scale=alt.Scale(scheme=scheme)),
        opacity=alt.condition("datum.feasible", alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("profit_target_pct:Q", format=".0%", title="profit target"),
            alt.Tooltip("loss_multiple:Q", title="loss multiple"),
            alt.Tooltip("dte_threshold:Q", title="DTE threshold"),
            alt.Tooltip(f"{metric}:Q", format=fmt),
            alt.Tooltip("feasible:N"),
        ],
    )
    text = base.mark_text(fontSize=9).encode(text=alt.Text(f"{metric}:Q", format=fmt))
    head = title or f"{axis_title} over the exit grid (faded: fails the constraints)"
    return _facet_by_dte(alt.LayerChart(layer=[rect, text]), _title(head, label))


def feasible_region_chart(grid: pd.DataFrame, *, label: str, title: str | None = None) -> alt.FacetChart:
    """Which exit-rule combinations pass the constraints, and which constraint binds where.

    Parameters
    ----------
    grid : DataFrame
        One row per combination with ``profit_target_pct``, ``loss_multiple``,
        ``dte_threshold`` and ``status`` (one of :data:`FEASIBILITY_COLORS`).
    label : str
        Data label for the title.
    title : str, optional
        Title text (the label is appended).

    Returns
    -------
    altair.FacetChart
    """
    import altair as alt

    data = grid[["profit_target_pct", "loss_multiple", "dte_threshold", "status", "pop", "cvar_95"]].copy()
    scale = alt.Scale(domain=list(FEASIBILITY_COLORS), range=list(FEASIBILITY_COLORS.values()))
    head = title or "Feasible region: min POP and the CVaR limit"
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="white")
        .encode(
            **_exit_grid_axes(),
            color=alt.Color("status:N", scale=scale, title="constraint status"),
            tooltip=[
                "status:N",
                alt.Tooltip("pop:Q", format=".1%"),
                alt.Tooltip("cvar_95:Q", format=",.3f"),
            ],
        )
    )
    return _facet_by_dte(cells, _title(head, label))


def exit_reason_chart(grid: pd.DataFrame, *, label: str, title: str | None = None) -> alt.Chart:
    """Stacked bars of how each combination's paths exit (shares of paths).

    Parameters
    ----------
    grid : DataFrame
        Rows to draw (e.g. the top ten), with ``rules`` (a text label) and the shares
        ``exit_profit_target``, ``exit_loss_limit``, ``exit_dte_threshold``, ``exit_expiration``.
    label : str
        Data label for the title.
    title : str, optional
        Title text (the label is appended).

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    names = {
        "exit_profit_target": "profit target",
        "exit_loss_limit": "loss limit",
        "exit_dte_threshold": "DTE threshold",
        "exit_expiration": "expiration",
    }
    data = grid[["rules", *names]].rename(columns=names)
    order = list(data["rules"])
    long = data.melt(id_vars="rules", var_name="exit reason", value_name="share")
    scale = alt.Scale(domain=list(_REASON_COLORS), range=list(_REASON_COLORS.values()))
    return (
        alt.Chart(long, title=_title(title or "Exit-reason mix", label))
        .mark_bar()
        .encode(
            y=alt.Y("rules:N", sort=order, title="exit rules (target / loss / DTE)"),
            x=alt.X("share:Q", stack="normalize", title="share of paths", axis=alt.Axis(format="%")),
            color=alt.Color("exit reason:N", scale=scale),
            tooltip=["rules:N", "exit reason:N", alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(width=_WIDTH - 120, height=max(120, 22 * len(order)))
    )


def se_band_chart(
    grid: pd.DataFrame,
    *,
    label: str,
    metric: str = "expected_pnl",
    se: str = "se_expected_pnl",
    title: str | None = None,
) -> alt.LayerChart:
    """Point estimates with ±1.96 standard-error bars, best first, and the best's band shaded.

    Combinations whose interval overlaps the shaded band of the best are not clearly worse.
    When ``grid`` has ``indistinguishable`` (from paired differences on common random numbers,
    a sharper test than overlapping intervals) it colours the points.

    Parameters
    ----------
    grid : DataFrame
        Rows to draw, ranked: ``rules`` (label), ``metric`` and ``se`` columns, optionally
        ``indistinguishable`` (bool).
    label : str
        Data label for the title.
    metric : str, default="expected_pnl"
        Column of the estimate.
    se : str, default="se_expected_pnl"
        Column of its Monte Carlo standard error.
    title : str, optional
        Title text (the label is appended).

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    data = grid[["rules", metric, se]].copy()
    data["lo"] = data[metric] - 1.959963984540054 * data[se]
    data["hi"] = data[metric] + 1.959963984540054 * data[se]
    data["vs best"] = (
        np.where(grid["indistinguishable"].to_numpy(), "indistinguishable from best", "worse than best")
        if "indistinguishable" in grid.columns
        else "estimate"
    )
    order = list(data["rules"])
    best = data.iloc[[0]]
    y = alt.Y("rules:N", sort=order, title="exit rules (target / loss / DTE)")
    band = alt.Chart(best).mark_rect(opacity=0.15, color="#2ca02c").encode(x=alt.X("lo:Q"), x2="hi:Q")
    bars = (
        alt.Chart(data)
        .mark_rule()
        .encode(
            y=y,
            x=alt.X("lo:Q", title=f"{metric.replace('_', ' ')} ± 1.96 SE", scale=alt.Scale(zero=False)),
            x2="hi:Q",
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=50)
        .encode(
            y=y,
            x=f"{metric}:Q",
            color=alt.Color("vs best:N", title=None),
            tooltip=[
                "rules:N",
                alt.Tooltip(f"{metric}:Q", format=",.4f"),
                alt.Tooltip(f"{se}:Q", format=",.4f"),
            ],
        )
    )
    head = title or "Monte Carlo standard errors of the ranking"
    return alt.LayerChart(layer=[band, bars, points], title=_title(head, label)).properties(
        width=_WIDTH - 120, height=max(120, 22 * len(order))
    )


# ------------------------------------------------------------------ notebook 08: screening


def screening_scatter(
    candidates: pd.DataFrame, *, label: str, min_pop: float | None = None, title: str | None = None
) -> alt.FacetChart:
    """POP against expected P&L per candidate, dot size = CVaR95 loss, one panel per source.

    Parameters
    ----------
    candidates : DataFrame
        ``SpreadScreeningStudy.candidates``: ``source``, ``spread``, ``type``, ``pop``,
        ``expected_pnl``, ``cvar_95``, ``credit``, ``se_expected_pnl``, ``kelly``.
    label : str
        Data label for the title.
    min_pop : float, optional
        Draws the POP threshold as a dashed line.
    title : str, optional
        Title text (the label is appended).

    Returns
    -------
    altair.FacetChart
    """
    import altair as alt

    cols = [
        "source",
        "spread",
        "type",
        "pop",
        "expected_pnl",
        "cvar_95",
        "credit",
        "se_expected_pnl",
        "kelly",
    ]
    data = candidates[cols].copy()
    data["cvar_loss"] = -data["cvar_95"]
    points = (
        alt.Chart()
        .mark_circle(opacity=0.65)
        .encode(
            x=alt.X(
                "pop:Q", title="probability of profit", axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)
            ),
            y=alt.Y("expected_pnl:Q", title="E[P&L] per share ($)"),
            size=alt.Size("cvar_loss:Q", title="CVaR95 loss ($/share)", scale=alt.Scale(range=[15, 300])),
            color=alt.Color(
                "type:N",
                title="spread",
                scale=alt.Scale(domain=["put", "call"], range=["#d62728", "#1f77b4"]),
            ),
            tooltip=[
                "spread:N",
                alt.Tooltip("credit:Q", format=".3f"),
                alt.Tooltip("pop:Q", format=".1%"),
                alt.Tooltip("expected_pnl:Q", format=".4f"),
                alt.Tooltip("se_expected_pnl:Q", format=".4f", title="MC s.e."),
                alt.Tooltip("cvar_95:Q", format=".3f"),
                alt.Tooltip("kelly:Q", format=".3f"),
            ],
        )
    )
    zero = alt.Chart().mark_rule(color="#888").encode(y=alt.datum(0))
    layers = [points, zero]
    if min_pop is not None:
        layers.append(alt.Chart().mark_rule(color="#888", strokeDash=[4, 3]).encode(x=alt.datum(min_pop)))
    head = title or "Screened spreads: POP vs E[P&L] (size: CVaR95 loss)"
    return (
        alt.LayerChart(layer=layers, data=data)
        .properties(width=330, height=260)
        .facet(column=alt.Column("source:N", title=None), title=_title(head, label))
    )


def kelly_chart(
    sizing: pd.DataFrame,
    *,
    label: str,
    title: str | None = None,
    empty_text: str = "no spread passes the screen: nothing to size",
) -> alt.Chart:
    """Contracts per NAV for the sized candidates (fractional Kelly with the NAV-at-risk cap).

    Parameters
    ----------
    sizing : DataFrame
        ``SpreadScreeningStudy.sizing``: ``spread`` and ``contracts_<nav>`` columns.
    label : str
        Data label for the title.
    title : str, optional
        Title text (the label is appended).
    empty_text : str
        What the chart says when nothing is sized (``sizing`` empty).

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    if sizing.empty:
        return placeholder_chart(empty_text, _title(title or "Kelly-sized contracts per NAV", label))
    cols = [c for c in sizing.columns if c.startswith("contracts_")]
    order = list(sizing["spread"])
    long = sizing[["spread", *cols]].melt(id_vars="spread", var_name="nav", value_name="contracts")
    long["nav"] = "NAV $" + long["nav"].str.removeprefix("contracts_")
    return (
        alt.Chart(long, title=_title(title or "Kelly-sized contracts per NAV", label))
        .mark_bar()
        .encode(
            y=alt.Y("spread:N", sort=order, title=None),
            x=alt.X("contracts:Q", title="contracts (spreads)"),
            color=alt.Color("nav:N", title=None),
            yOffset="nav:N",
            tooltip=["spread:N", "nav:N", "contracts:Q"],
        )
        .properties(width=_WIDTH - 140, height=max(120, 30 * len(order)))
    )
