"""tailkit.charts.pricing: each builder returns a valid vega-lite spec with the expected encodings.

``chart.to_dict()`` validates against altair's bundled vega-lite JSON schema.
"""

from __future__ import annotations

import altair as alt
import pytest

from tailkit.charts.pricing import (
    GREEK_LABELS,
    greeks_by_strike_chart,
    jump_premium_chart,
    smile_chart,
    spread_pnl_chart,
)
from tailkit.errors import ParameterError
from tailkit.studies.option_pricing import OptionPricingParams, option_pricing_study
from tailkit.studies.spread_explorer import SpreadExplorerParams, spread_explorer_view


@pytest.fixture(scope="module")
def study():
    return option_pricing_study(OptionPricingParams(n_strikes=21, expiries_days=(7, 30, 91)))


@pytest.fixture(scope="module")
def view():
    return spread_explorer_view(SpreadExplorerParams())


@pytest.mark.parametrize("greek", sorted(GREEK_LABELS))
def test_greeks_by_strike_chart(study, greek):
    chart = greeks_by_strike_chart(study.grid, greek)
    spec = chart.to_dict(validate=True)
    assert spec["mark"]["type"] == "line"
    enc = spec["encoding"]
    assert enc["x"]["field"] == "strike" and enc["x"]["type"] == "quantitative"
    assert enc["y"]["field"] == greek and enc["y"]["title"] == GREEK_LABELS[greek]
    assert enc["color"]["field"] == "expiry_days" and enc["color"]["type"] == "ordinal"
    assert len(chart.data) == 21 * 3


def test_greeks_by_strike_chart_rejects_unknown_greek(study):
    with pytest.raises(ParameterError, match=r"greek=.vanna. is not allowed"):
        greeks_by_strike_chart(study.grid, "vanna")


def test_jump_premium_chart(study):
    chart = jump_premium_chart(study.jumps)
    assert isinstance(chart, alt.HConcatChart)
    spec = chart.to_dict(validate=True)
    left, right = spec["hconcat"]
    assert left["encoding"]["color"]["field"] == "model"
    assert left["encoding"]["y"]["scale"]["type"] == "log"
    assert right["encoding"]["y"]["field"] == "crash_share"
    assert right["mark"]["type"] == "area"
    models = set(chart.hconcat[0].data["model"])
    assert models == {
        "Black-Scholes, same diffusion vol",
        "Black-Scholes, same total variance",
        "Merton jump-diffusion",
    }


def test_smile_chart_is_labelled_synthetic(study):
    chart = smile_chart(study.chain)
    spec = chart.to_dict(validate=True)
    assert "SYNTHETIC" in spec["title"]
    line, points = spec["layer"]
    assert line["encoding"]["y"]["field"] == "iv_true"
    assert points["encoding"]["y"]["field"] == "iv"
    assert points["encoding"]["color"]["field"] == "kind"


def test_spread_pnl_chart(view):
    chart = spread_pnl_chart(view.curves, spot=100.0, breakeven=float(view.metrics.breakeven))
    spec = chart.to_dict(validate=True)
    zero, lines, rules, labels = spec["layer"]
    assert zero["mark"]["type"] == "rule"
    assert lines["mark"]["type"] == "line"
    assert lines["encoding"]["x"]["field"] == "spot"
    assert lines["encoding"]["y"]["field"] == "pnl"
    assert lines["encoding"]["color"]["field"] == "horizon"
    assert lines["encoding"]["color"]["sort"] == ["today", "in 15 days", "at expiry"]
    assert rules["mark"]["type"] == "rule" and labels["mark"]["type"] == "text"
    assert set(chart.layer[2].data["what"]) == {"spot", "breakeven"}


def test_spread_pnl_chart_without_markers(view):
    spec = spread_pnl_chart(view.curves).to_dict(validate=True)
    assert len(spec["layer"]) == 2
