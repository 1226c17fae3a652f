"""Chart builders for Monte Carlo paths: fans, return histograms, drawdowns, regimes, put P&L.

Pure functions: arrays, :class:`~tailkit.simulation.Paths` or frames in, an altair chart out.
Simulated series are labelled "simulated (synthetic)"; historical series name their source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from tailkit.simulation.paths import Paths

__all__ = [
    "fan_chart",
    "return_histogram_chart",
    "drawdown_distribution_chart",
    "regime_chart",
    "put_pnl_chart",
]

_WIDTH = 520
_HEIGHT = 240


def fan_chart(
    paths: Paths,
    *,
    asset: int = 0,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    n_sample: int = 5,
    time_unit: str = "days",
    title: str | None = None,
    y_title: str = "level",
) -> alt.LayerChart:
    """Quantile fan of simulated paths with a few sample paths.

    Parameters
    ----------
    paths : Paths
        Simulated paths.
    asset : int, default=0
        Asset (or tenor) position.
    quantiles : sequence of float, default=(0.05, 0.25, 0.5, 0.75, 0.95)
        Symmetric quantiles: outer pair, inner pair and the median.
    n_sample : int, default=5
        Individual paths drawn on top.
    time_unit : {"days", "months", "years"}, default="days"
        Label of the x axis: steps counted from 0 ("days", "months") or the time grid ("years").
    title : str, optional
        Chart title (default names the asset and says synthetic).
    y_title : str, default="level"
        Y axis title.

    Returns
    -------
    altair.LayerChart
    """
    v = paths.values[:, :, asset]
    q = np.quantile(v, np.asarray(quantiles), axis=0)
    x = paths.times if time_unit == "years" else np.arange(v.shape[1], dtype=float)
    band = pd.DataFrame(
        {"t": x, "lo_out": q[0], "hi_out": q[-1], "lo_in": q[1], "hi_in": q[-2], "median": q[len(q) // 2]}
    )
    sample = pd.DataFrame(
        {
            "t": np.tile(x, min(n_sample, v.shape[0])),
            "value": v[: min(n_sample, v.shape[0])].ravel(),
            "path": np.repeat(np.arange(min(n_sample, v.shape[0])), v.shape[1]).astype(str),
        }
    )
    name = paths.names[asset]
    title = title or f"{name}: simulated (synthetic) paths, {quantiles[0]:.0%}-{quantiles[-1]:.0%} fan"
    base = alt.Chart(band).encode(x=alt.X("t:Q", title=time_unit))
    outer = base.mark_area(opacity=0.18, color="#1f77b4").encode(
        y=alt.Y("lo_out:Q", title=y_title), y2="hi_out:Q"
    )
    inner = base.mark_area(opacity=0.35, color="#1f77b4").encode(y="lo_in:Q", y2="hi_in:Q")
    median = base.mark_line(color="#0b3d91", strokeWidth=2).encode(y="median:Q")
    lines = (
        alt.Chart(sample)
        .mark_line(strokeWidth=0.7, opacity=0.7)
        .encode(x="t:Q", y="value:Q", color=alt.Color("path:N", legend=None))
    )
    return alt.LayerChart(layer=[outer, inner, lines, median]).properties(
        width=_WIDTH, height=_HEIGHT, title=title
    )


def return_histogram_chart(
    historical: pd.Series | np.ndarray,
    simulated: Mapping[str, np.ndarray],
    *,
    bins: int = 80,
    clip: float = 0.12,
    title: str | None = None,
) -> alt.Chart:
    """Density of daily log returns on a log scale: history against each simulated model.

    Parameters
    ----------
    historical : Series or ndarray
        Historical daily log returns.
    simulated : mapping of str to ndarray
        Model name -> simulated daily log returns (any shape; flattened).
    bins : int, default=80
        Histogram bins on ``[-clip, clip]``.
    clip : float, default=0.12
        Range of returns shown (returns beyond are counted in the end bins).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    edges = np.linspace(-clip, clip, bins + 1)
    mids = 0.5 * (edges[1:] + edges[:-1])
    width = edges[1] - edges[0]
    rows = []
    sources = {"historical (S&P 500)": np.asarray(historical, dtype=float)}
    sources.update({f"{k} (simulated, synthetic)": np.asarray(v, dtype=float) for k, v in simulated.items()})
    for name, r in sources.items():
        flat = np.clip(r.ravel(), -clip, clip)
        counts, _ = np.histogram(flat, bins=edges)
        dens = counts / (flat.size * width)
        rows.append(pd.DataFrame({"return": mids, "density": dens, "source": name}))
    data = pd.concat(rows)
    data = data[data["density"] > 0]
    return (
        alt.Chart(data, title=title or "Daily log returns: density on a log scale (tails)")
        .mark_line(interpolate="step", strokeWidth=1.3)
        .encode(
            x=alt.X("return:Q", title="daily log return"),
            y=alt.Y("density:Q", title="density (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color("source:N", title=None),
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def drawdown_distribution_chart(
    max_drawdown: pd.DataFrame, *, bins: int = 50, title: str | None = None
) -> alt.Chart:
    """Distribution of the maximum drawdown over the horizon, one line per model.

    Parameters
    ----------
    max_drawdown : DataFrame
        Max drawdown (positive fraction) per path, one column per model.
    bins : int, default=50
        Histogram bins on [0, max].
    title : str, optional
        Chart title.

    Returns
    -------
    altair.Chart
    """
    hi = float(np.nanmax(max_drawdown.to_numpy())) if max_drawdown.size else 1.0
    edges = np.linspace(0.0, max(hi, 1e-6), bins + 1)
    mids = 0.5 * (edges[1:] + edges[:-1])
    rows = []
    for col in max_drawdown.columns:
        counts, _ = np.histogram(max_drawdown[col].to_numpy(), bins=edges)
        rows.append(
            pd.DataFrame({"max_drawdown": mids, "share": counts / max(counts.sum(), 1), "model": str(col)})
        )
    return (
        alt.Chart(pd.concat(rows), title=title or "Maximum drawdown over the horizon (simulated, synthetic)")
        .mark_line(interpolate="step", strokeWidth=1.3)
        .encode(
            x=alt.X("max_drawdown:Q", title="max drawdown", axis=alt.Axis(format="%")),
            y=alt.Y("share:Q", title="share of paths"),
            color=alt.Color("model:N"),
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def regime_chart(
    probabilities: pd.DataFrame, price: pd.Series, *, every: int = 5, title: str | None = None
) -> alt.VConcatChart:
    """Index level above the filtered (causal) regime probabilities over time.

    Parameters
    ----------
    probabilities : DataFrame
        Columns ``filtered_<regime>`` (from ``RegimeProbabilities.to_frame()``), DatetimeIndex.
    price : Series
        Index level on the same dates (historical).
    every : int, default=5
        Keep every ``every``-th date (smaller charts).
    title : str, optional
        Chart title.

    Returns
    -------
    altair.VConcatChart
    """
    cols = [c for c in probabilities.columns if c.startswith("filtered_")]
    probs = probabilities[cols].iloc[::every]
    long = probs.rename(columns=lambda c: c.removeprefix("filtered_"))
    long.index.name = "date"
    long = long.reset_index().melt(id_vars="date", var_name="regime", value_name="probability")
    order = [c.removeprefix("filtered_") for c in cols]
    px = price.iloc[::every].rename("level").rename_axis("date").reset_index()
    top = (
        alt.Chart(px, title=title or "S&P 500 (historical) and filtered regime probabilities")
        .mark_line(strokeWidth=1, color="#333")
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("level:Q", title="index (log scale)", scale=alt.Scale(type="log")),
        )
        .properties(width=_WIDTH, height=150)
    )
    bottom = (
        alt.Chart(long)
        .mark_area()
        .encode(
            x=alt.X("date:T", title="date"),
            y=alt.Y("probability:Q", stack="normalize", title="P(regime | data to date)"),
            color=alt.Color(
                "regime:N",
                sort=order,
                scale=alt.Scale(domain=order, range=["#9ecae1", "#fdae6b", "#d62728"][: len(order)]),
            ),
            order=alt.Order("regime_order:Q"),
        )
        .transform_calculate(regime_order=f"indexof({order!r}, datum.regime)")
        .properties(width=_WIDTH, height=120)
    )
    return alt.vconcat(top, bottom)


def put_pnl_chart(
    put: pd.DataFrame, *, premium: float, bins: int = 60, title: str | None = None
) -> alt.LayerChart:
    """Distribution of a long OTM put's P&L at expiry on simulated paths.

    Parameters
    ----------
    put : DataFrame
        Column ``pnl`` (per 1 of index notional), one row per path.
    premium : float
        Price paid (marked as the maximum loss).
    bins : int, default=60
        Histogram bins.
    title : str, optional
        Chart title.

    Returns
    -------
    altair.LayerChart
    """
    pnl = put["pnl"].to_numpy()
    edges = np.linspace(pnl.min(), max(pnl.max(), pnl.min() + 1e-9), bins + 1)
    counts, _ = np.histogram(pnl, bins=edges)
    data = pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "share": counts / counts.sum()})
    data = data[data["share"] > 0]  # an empty bin has no place on a log axis
    lowest = 10.0 ** np.floor(np.log10(float(data["share"].min())))
    ticks = [float(10.0**k) for k in range(int(np.log10(lowest)), 1)]
    bars = (
        alt.Chart(data)
        .mark_bar(color="#2c7fb8")
        .encode(
            x=alt.X("lo:Q", title="P&L at expiry per 1 of notional"),
            x2="hi:Q",
            y=alt.Y(
                "share:Q",
                title="share of paths (log scale)",
                scale=alt.Scale(type="log", domain=[lowest, 1.0], nice=False),
                axis=alt.Axis(values=ticks, format="~%", grid=True),
            ),
            y2=alt.Y2(datum=lowest),
            tooltip=[
                alt.Tooltip("lo:Q", title="P&L from", format=".3f"),
                alt.Tooltip("hi:Q", title="P&L to", format=".3f"),
                alt.Tooltip("share:Q", title="share of paths", format=".3%"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [-premium]}))
        .mark_rule(color="#d62728", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return alt.LayerChart(layer=[bars, rule]).properties(
        width=_WIDTH, height=_HEIGHT, title=title or "Long OTM put: P&L on simulated (synthetic) paths"
    )
