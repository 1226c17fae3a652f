"""The apps' charts: axis domains and encodings of each, and the issue-11 findings.

Findings (issue 11): the spread explorer's spot label was struck through by the expiry line,
the at-expiry line changed style at 1 day to expiry, and a 300% IV squeezed the payoff into
the left edge; notebook 02's put P&L had an unreadable symlog axis; risk_review's overlapping
drawdown fills turned muddy.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from tailkit.charts.book import pnl_over_time_chart, risk_by_expiry_chart
from tailkit.charts.pricing import CURVE_STYLES, LABEL_HEADROOM, spread_pnl_chart
from tailkit.charts.risk import contributions_chart, cumulative_returns_chart, drawdown_chart, stress_chart
from tailkit.charts.simulation import put_pnl_chart
from tailkit.studies.book_review import BookReviewParams, book_review, open_review_book
from tailkit.studies.risk_review import RiskReviewParams, run_risk_study
from tailkit.studies.spread_explorer import SpreadExplorerParams, spread_explorer_view

_HEIGHT = 300  # tailkit.charts.pricing._HEIGHT


def _spread_spec(**kw):
    view = spread_explorer_view(SpreadExplorerParams(**kw))
    chart = spread_pnl_chart(view.curves, spot=view.params.spot, breakeven=view.metrics.breakeven)
    return view, chart.to_dict(validate=True)


def _layer(spec, mark):
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == mark or layer["mark"] == mark)


def _styles(spec):
    enc = _layer(spec, "line")["encoding"]
    colors = dict(zip(enc["color"]["scale"]["domain"], enc["color"]["scale"]["range"], strict=True))
    dashes = dict(zip(enc["strokeDash"]["scale"]["domain"], enc["strokeDash"]["scale"]["range"], strict=True))
    return colors, dashes


@pytest.mark.parametrize("days", [1, 2, 3, 30, 365])
def test_each_curve_keeps_its_style_whatever_the_days_left(days):
    _, spec = _spread_spec(days_to_expiry=days)
    colors, dashes = _styles(spec)
    assert colors["at expiry"] == CURVE_STYLES["at expiry"][0]
    assert dashes["at expiry"] == CURVE_STYLES["at expiry"][1]
    assert (colors["today"], dashes["today"]) == CURVE_STYLES["today"]
    assert set(colors) <= {"today", "at expiry"} | {f"in {d} day{'s' * (d != 1)}" for d in range(1, days)}


def test_spread_axes_encodings_and_domains():
    view, spec = _spread_spec()
    enc = _layer(spec, "line")["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"], enc["x"]["title"]) == (
        "spot",
        "quantitative",
        "underlying price",
    )
    assert (enc["y"]["field"], enc["y"]["title"]) == ("pnl", "P&L per share (USD)")
    assert enc["color"]["title"] == "curve"
    assert enc["x"]["scale"]["domain"] == [view.curves["spot"].min(), view.curves["spot"].max()]
    lo, hi = enc["y"]["scale"]["domain"]
    assert lo < view.curves["pnl"].min() and hi > view.curves["pnl"].max()


@pytest.mark.parametrize("iv", [0.05, 0.2, 1.0, 3.0])
@pytest.mark.parametrize("days", [1, 30, 730])
def test_labels_sit_above_every_curve(iv, days):
    view, spec = _spread_spec(iv=iv, days_to_expiry=days)
    lo, hi = _layer(spec, "line")["encoding"]["y"]["scale"]["domain"]
    top_curve_px = (hi - view.curves["pnl"].max()) / (hi - lo) * _HEIGHT
    assert top_curve_px >= LABEL_HEADROOM * _HEIGHT - 1e-9
    labels = spec["layer"][-1]
    assert labels["mark"]["type"] == "text" and labels["encoding"]["y"]["scale"] is None
    rows = spec["datasets"][labels["data"]["name"]]
    for row in rows:  # text centred at ypix + dy, about 11 px tall: it ends above the top curve
        assert row["ypix"] + labels["mark"]["dy"] + 6 < top_curve_px, row


@pytest.mark.parametrize("iv", [0.2, 1.0, 3.0])
def test_high_iv_keeps_the_payoff_in_the_middle(iv):
    view, spec = _spread_spec(iv=iv)
    x_lo, x_hi = _layer(spec, "line")["encoding"]["x"]["scale"]["domain"]
    p = view.params
    for x in (p.long_strike, p.short_strike, p.spot):
        assert 0.15 < (x - x_lo) / (x_hi - x_lo) < 0.85, (iv, x, x_lo, x_hi)


def test_put_pnl_log_axis_is_readable():
    rng = np.random.default_rng(2)
    spot = 100 * np.exp(rng.normal(-0.02, 0.2, 20_000))
    premium = 1.1
    pnl = np.maximum(85.0 - spot, 0.0) / 100 - premium / 100
    spec = put_pnl_chart(pd.DataFrame({"pnl": pnl}), premium=premium / 100).to_dict(validate=True)
    bars = spec["layer"][0]
    y = bars["encoding"]["y"]
    rows = spec["datasets"][bars["data"]["name"]]
    shares = np.array([r["share"] for r in rows])
    assert y["scale"]["type"] == "log"
    lo, hi = y["scale"]["domain"]
    assert hi == 1.0 and lo <= shares.min() and (shares > 0).all()
    ticks = y["axis"]["values"]
    assert all(np.isclose(np.log10(t), round(np.log10(t))) for t in ticks) and ticks[-1] == 1.0
    assert "%" in y["axis"]["format"]
    assert sum(r["share"] for r in rows) == pytest.approx(1.0, abs=1e-12)


@pytest.fixture(scope="module")
def study():
    return run_risk_study(RiskReviewParams())


def test_drawdown_lines_not_muddy_fills(study):
    with alt.data_transformers.enable("default", max_rows=None):
        spec = drawdown_chart(study.strategy_returns).to_dict(validate=True)
    assert spec["mark"]["type"] == "line"
    enc = spec["encoding"]
    assert enc["color"]["field"] == "series" and enc["x"]["type"] == "temporal"
    lo, hi = enc["y"]["scale"]["domain"]
    nav = (1 + study.strategy_returns.fillna(0)).cumprod()
    deepest = float((nav / np.maximum(nav.cummax(), 1.0) - 1).min().min())
    assert hi == 0.0 and lo == pytest.approx(deepest, abs=1e-12)


def test_risk_charts_encodings(study):
    contrib = contributions_chart(study.var.to_frame()).to_dict(validate=True)
    assert contrib["encoding"]["x"]["title"] == "contribution to ES (currency)"
    assert contrib["encoding"]["y"]["field"] == "position"
    stress = stress_chart(study.stress).to_dict(validate=True)
    assert stress["encoding"]["x"]["field"] == "pnl" and stress["encoding"]["x"]["title"] == "P&L (currency)"
    with alt.data_transformers.enable("default", max_rows=None):
        growth = cumulative_returns_chart(study.strategy_returns).to_dict(validate=True)
    assert growth["encoding"]["x"]["type"] == "temporal"


def test_book_charts_encodings():
    review = book_review(open_review_book(BookReviewParams(db_path=":memory:", demo=True)), demo=True)
    pnl = pnl_over_time_chart(review.pnl_history).to_dict(validate=True)
    enc = pnl.get("encoding") or pnl["layer"][0]["encoding"]
    assert enc["x"]["type"] == "temporal" and enc["y"]["title"] == "P&L (USD)"
    series = {r["series"] for r in pnl["datasets"][(pnl.get("data") or pnl["layer"][0]["data"])["name"]]}
    assert series == {"realized (after commissions)", "unrealized at mid", "total"}  # words, not columns
    risk = risk_by_expiry_chart(review.risk_by_expiry).to_dict(validate=True)
    enc = risk.get("encoding") or risk["layer"][0]["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["y"]["title"]) == (
        "expiry",
        "max_loss",
        "max loss (USD)",
    )
