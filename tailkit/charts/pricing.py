"""Chart builders for option pricing: Greeks across strikes, jump premium, smile, spread P&L.

Pure functions: a tidy frame from :mod:`tailkit.studies.option_pricing` in, an altair chart out. They
never display anything; ``widgets.display.show`` / ``ChartView`` do that offline.

altair is imported inside each builder: ``import altair`` imports anywidget, ipywidgets and
IPython (for ``alt.JupyterChart``) whenever anywidget is installed, and ``import tailkit``
must not pull those in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from tailkit.errors import ParameterError, describe_bad_value

if TYPE_CHECKING:
    import altair as alt

__all__ = [
    "GREEK_LABELS",
    "greeks_by_strike_chart",
    "jump_premium_chart",
    "smile_chart",
    "spread_pnl_chart",
]

#: axis titles (with units) of the columns of ``tailkit.studies.option_pricing.greeks_grid``
GREEK_LABELS = {
    "price": "price",
    "delta": "delta (per 1.00 of spot)",
    "gamma": "gamma (per 1.00 of spot, squared)",
    "vega": "vega (per vol point)",
    "theta": "theta (per calendar day)",
    "rho": "rho (per 1.00 of rate)",
}

_WIDTH = 520
_HEIGHT = 300


def greeks_by_strike_chart(
    grid: pd.DataFrame, greek: str = "delta", *, title: str | None = None
) -> alt.Chart:
    """Line chart of one Greek across strikes, one line per expiry.

    Parameters
    ----------
    grid : pandas.DataFrame
        ``tailkit.studies.option_pricing.greeks_grid`` output (``strike, expiry_days`` and the Greeks).
    greek : str, default="delta"
        Column to draw: one of :data:`GREEK_LABELS`.
    title : str, optional
        Chart title; default names the Greek.

    Returns
    -------
    altair.Chart
    """
    import altair as alt

    if greek not in GREEK_LABELS:
        raise ParameterError(
            describe_bad_value("greek", greek, "one of " + ", ".join(map(repr, GREEK_LABELS)))
        )
    data = grid[["strike", "expiry_days", greek]].copy()
    return (
        alt.Chart(data, title=title or f"Black-Scholes {greek} across strikes and expiries")
        .mark_line()
        .encode(
            x=alt.X("strike:Q", title="strike", scale=alt.Scale(zero=False)),
            y=alt.Y(f"{greek}:Q", title=GREEK_LABELS[greek]),
            color=alt.Color("expiry_days:O", title="expiry (days)", scale=alt.Scale(scheme="viridis")),
            tooltip=[
                alt.Tooltip("expiry_days:O", title="expiry (days)"),
                alt.Tooltip("strike:Q", format=".2f"),
                alt.Tooltip(f"{greek}:Q", format=".4f"),
            ],
        )
        .properties(width=_WIDTH, height=_HEIGHT)
    )


def jump_premium_chart(jumps: pd.DataFrame, *, title: str | None = None) -> alt.HConcatChart:
    """Put prices under Black-Scholes and Merton jumps (left) and the crash share (right).

    Parameters
    ----------
    jumps : pandas.DataFrame
        ``tailkit.studies.option_pricing.jump_premium_table`` output.
    title : str, optional
        Title of the left panel.

    Returns
    -------
    altair.HConcatChart
    """
    import altair as alt

    long = jumps.melt(
        id_vars=["strike"],
        value_vars=["bs_price", "bs_matched_price", "merton_price"],
        var_name="model",
        value_name="price",
    )
    names = {
        "bs_price": "Black-Scholes, same diffusion vol",
        "bs_matched_price": "Black-Scholes, same total variance",
        "merton_price": "Merton jump-diffusion",
    }
    long["model"] = long["model"].map(names)
    long = long[long["price"] > 1e-12]  # log axis: drop prices that are zero to machine precision
    prices = (
        alt.Chart(long, title=title or "Put price: Black-Scholes vs Merton jumps")
        .mark_line()
        .encode(
            x=alt.X("strike:Q", scale=alt.Scale(zero=False)),
            y=alt.Y("price:Q", title="put price (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color(
                "model:N", title="model", legend=alt.Legend(orient="bottom", direction="vertical")
            ),
            tooltip=["model:N", alt.Tooltip("strike:Q", format=".2f"), alt.Tooltip("price:Q", format=".4f")],
        )
        .properties(width=_WIDTH * 0.7, height=_HEIGHT)
    )
    share = (
        alt.Chart(jumps[["strike", "crash_share"]].dropna(), title="Crash premium share of the Merton price")
        .mark_area(opacity=0.6, line=True)
        .encode(
            x=alt.X("strike:Q", scale=alt.Scale(zero=False)),
            y=alt.Y("crash_share:Q", title="(Merton - BS) / Merton", axis=alt.Axis(format="%")),
            tooltip=[alt.Tooltip("strike:Q", format=".2f"), alt.Tooltip("crash_share:Q", format=".1%")],
        )
        .properties(width=_WIDTH * 0.6, height=_HEIGHT)
    )
    return alt.hconcat(prices, share)


def smile_chart(chain: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """The skew used to price a synthetic chain (line) and the vols recovered from its prices.

    Parameters
    ----------
    chain : pandas.DataFrame
        ``tailkit.studies.option_pricing.implied_vol_roundtrip`` output (``strike, kind, iv_true, iv``).
    title : str, optional
        Chart title; the default says the chain is synthetic.

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    data = chain[["strike", "kind", "iv_true", "iv", "iv_error"]].copy()
    base = alt.Chart(data)
    line = base.mark_line(color="#888888").encode(
        x=alt.X("strike:Q", scale=alt.Scale(zero=False)),
        y=alt.Y("iv_true:Q", title="implied vol", axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
    )
    points = base.mark_point(filled=True, size=45).encode(
        x="strike:Q",
        y=alt.Y("iv:Q"),
        color=alt.Color("kind:N", title="quoted option"),
        tooltip=[
            alt.Tooltip("strike:Q", format=".2f"),
            "kind:N",
            alt.Tooltip("iv_true:Q", title="skew vol", format=".4%"),
            alt.Tooltip("iv:Q", title="recovered vol", format=".4%"),
            alt.Tooltip("iv_error:Q", title="error", format=".2e"),
        ],
    )
    title = title or "Implied vol of a SYNTHETIC chain: skew in, vols recovered"
    return alt.LayerChart(layer=[line, points], title=title).properties(width=_WIDTH, height=_HEIGHT)


#: colour and dash of each kind of P&L curve: "at expiry" looks the same whatever the days left
CURVE_STYLES = {
    "today": ("#4c78a8", [1, 0]),
    "before expiry": ("#f58518", [6, 3]),
    "at expiry": ("#54a24b", [2, 2]),
}

#: share of the y span kept empty above the highest curve for the spot / breakeven labels
LABEL_HEADROOM = 0.18


def _curve_kind(label: str) -> str:
    return label if label in ("today", "at expiry") else "before expiry"


def spread_pnl_chart(
    curves: pd.DataFrame,
    *,
    spot: float | None = None,
    breakeven: float | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """P&L of a spread across underlying prices, one line per horizon (today ... at expiry).

    Each kind of curve keeps its colour and dash (:data:`CURVE_STYLES`) whatever the number
    of curves (a 1-day spread has no "in N days" curve). The x domain is the data's; the y
    domain keeps :data:`LABEL_HEADROOM` of empty space above the curves, where the spot and
    breakeven labels sit, so no curve runs through them.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``tailkit.studies.spread_explorer.spread_pnl_curves`` output (``horizon_days, horizon, spot, pnl``).
    spot : float, optional
        Current underlying price, drawn as a vertical rule.
    breakeven : float, optional
        Breakeven at expiry, drawn as a dashed vertical rule.
    title : str, optional
        Chart title.

    Returns
    -------
    altair.LayerChart
    """
    import altair as alt

    data = curves[["horizon_days", "horizon", "spot", "pnl"]].copy()
    order = list(dict.fromkeys(data.sort_values("horizon_days")["horizon"]))
    colors = [CURVE_STYLES[_curve_kind(h)][0] for h in order]
    dashes = [CURVE_STYLES[_curve_kind(h)][1] for h in order]
    x_lo, x_hi = float(data["spot"].min()), float(data["spot"].max())
    y_lo, y_hi = min(float(data["pnl"].min()), 0.0), max(float(data["pnl"].max()), 0.0)
    span = max(y_hi - y_lo, 1e-9)
    bottom = y_lo - 0.05 * span  # a little air below the maximum loss
    y_domain = [bottom, bottom + (y_hi - bottom) / (1.0 - LABEL_HEADROOM)]  # top LABEL_HEADROOM empty
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X(
                "spot:Q",
                title="underlying price",
                scale=alt.Scale(domain=[x_lo, x_hi], zero=False, nice=False),
            ),
            y=alt.Y("pnl:Q", title="P&L per share (USD)", scale=alt.Scale(domain=y_domain, nice=False)),
            color=alt.Color(
                "horizon:N", title="curve", sort=order, scale=alt.Scale(domain=order, range=colors)
            ),
            strokeDash=alt.StrokeDash(
                "horizon:N", title="curve", sort=order, scale=alt.Scale(domain=order, range=dashes)
            ),
            tooltip=[
                alt.Tooltip("horizon:N", title="curve"),
                alt.Tooltip("spot:Q", title="underlying", format=",.2f"),
                alt.Tooltip("pnl:Q", title="P&L", format=",.3f"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"pnl": [0.0]})).mark_rule(color="#999999").encode(y="pnl:Q")
    layers: list[alt.Chart] = [zero, lines]
    marks = []
    if spot is not None:
        marks.append({"x": float(spot), "what": "spot", "ypix": 12})
    if breakeven is not None:
        marks.append({"x": float(breakeven), "what": "breakeven", "ypix": 28})
    if marks:
        rules = (
            alt.Chart(pd.DataFrame(marks))
            .mark_rule(strokeDash=[4, 3], color="#555555")
            .encode(x="x:Q", tooltip=["what:N", alt.Tooltip("x:Q", format=",.2f")])
        )
        labels = (
            alt.Chart(pd.DataFrame(marks))
            .mark_text(align="left", dx=3, dy=-2, color="#555555")
            .encode(x="x:Q", y=alt.Y("ypix:Q", scale=None, axis=None), text="what:N")
        )
        layers += [rules, labels]
    return alt.LayerChart(layer=layers, title=title or "Spread P&L: today and at expiry").properties(
        width=_WIDTH, height=_HEIGHT
    )
