"""Chart builders for the TLT credit-spread overlay (notebooks 07, 08, 09 and their panels).

Pure functions: a tidy frame from :mod:`tailkit.overlay.study` in, an altair chart out. Every
builder takes ``label`` (``"SYNTHETIC data"`` for the bundled files, else the file name) and
puts it in the title, so synthetic numbers are never shown unlabelled.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

__all__ = [
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
    return alt.layer(points, line).properties(width=_WIDTH, height=_HEIGHT)


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
    return alt.layer(bars, curve, title=title).properties(width=_WIDTH, height=_HEIGHT - 40)


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
    return alt.layer(outer, inner, median).properties(width=_WIDTH, height=_HEIGHT - 40)
