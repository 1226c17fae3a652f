"""Headless tests of the pricing panels: set a control's value, read ``panel.result``.

Reference values: every number a panel shows is compared with a direct call of the tailkit
function it wraps (``tailkit.pricing.credit_spread_metrics``, ``bs_greeks``, ``merton_jump_price``).
"""

from __future__ import annotations

import numpy as np
import pytest

from tailkit.pricing import bs_greeks, credit_spread_metrics, merton_jump_price
from tailkit.studies.option_pricing import DAYS_PER_YEAR, OptionPricingParams
from tailkit.studies.spread_explorer import SpreadExplorerParams
from widgets.pricing import OptionPricingPanel, SpreadExplorerPanel


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    """SVG charts (vl-convert): the panels' chart slot is an HTML widget holding an <svg>."""
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


def _direct(p: SpreadExplorerParams):
    return credit_spread_metrics(
        p.kind, p.short_strike, p.long_strike, p.spot, p.days_to_expiry / 365.0, p.rate, p.iv
    )


def _assert_matches(panel: SpreadExplorerPanel, p: SpreadExplorerParams) -> None:
    ref = _direct(p)
    got = panel.result.metrics
    for name in ("credit", "width", "max_profit", "max_loss", "breakeven", "pop"):
        assert getattr(got, name) == pytest.approx(getattr(ref, name), rel=1e-12, abs=1e-14), name
    net = panel.result.greeks.loc["net spread"]
    assert net["delta"] == pytest.approx(ref.greeks.delta, rel=1e-10, abs=1e-14)
    assert net["price"] == pytest.approx(-ref.credit, rel=1e-10)


def test_spread_panel_initial_state_matches_tailkit():
    panel = SpreadExplorerPanel()
    assert panel.error == ""
    _assert_matches(panel, SpreadExplorerParams())
    assert set(panel.controls) == {
        "kind",
        "spot",
        "short_strike",
        "long_strike",
        "days_to_expiry",
        "iv",
        "rate",
    }
    assert 'data-metric="credit"' in panel.metrics.value
    assert "<svg" in panel.chart.widget.value


def test_spread_panel_follows_controls():
    panel = SpreadExplorerPanel()
    before = panel.result.to_dict()
    panel.controls["iv"].value = 0.35
    after = panel.result.to_dict()
    assert after["credit"] > before["credit"]  # more vol, more premium for the short spread
    assert after["pop"] != before["pop"]
    _assert_matches(panel, SpreadExplorerParams(iv=0.35))
    panel.controls["days_to_expiry"].value = 60
    panel.controls["spot"].value = 102.0
    _assert_matches(panel, SpreadExplorerParams(iv=0.35, days_to_expiry=60, spot=102.0))
    assert f"{panel.result.metrics.credit:,.3f}" in panel.metrics.value


def test_spread_panel_switches_to_call_spread():
    panel = SpreadExplorerPanel()
    panel.controls["kind"].value = "call"  # 95/90 is the wrong order for a call spread
    assert panel.result is None
    assert "short_strike" in panel.error and "call credit spread" in panel.error
    panel.controls["short_strike"].value = 105.0
    panel.controls["long_strike"].value = 110.0
    assert panel.error == ""
    _assert_matches(panel, SpreadExplorerParams(kind="call", short_strike=105.0, long_strike=110.0))
    assert panel.result.metrics.breakeven > 105.0


def test_spread_panel_shows_parameter_error_instead_of_raising():
    panel = SpreadExplorerPanel()
    panel.controls["long_strike"].value = 99.0  # above the short put strike 95
    assert panel.result is None
    assert "short_strike=95.0 is not allowed" in panel.error
    assert panel.error_box.layout.display is None
    assert "Invalid input" in panel.error_box.value
    assert panel.metrics.layout.display == "none"
    assert panel.chart.widget.layout.display == "none"
    panel.controls["long_strike"].value = 85.0  # valid again
    assert panel.error == "" and panel.result is not None
    assert panel.error_box.layout.display == "none"
    _assert_matches(panel, SpreadExplorerParams(long_strike=85.0))


def test_spread_panel_curves_hit_max_profit_and_loss_at_expiry():
    panel = SpreadExplorerPanel()
    m = panel.result.metrics
    expiry = panel.result.curves.query("horizon == 'at expiry'")
    assert expiry["pnl"].max() == pytest.approx(m.max_profit, rel=1e-12)
    assert expiry["pnl"].min() == pytest.approx(-m.max_loss, rel=1e-12)
    assert set(panel.result.curves["horizon"]) == {"today", "in 15 days", "at expiry"}


def test_option_pricing_panel_follows_controls():
    params = OptionPricingParams()
    panel = OptionPricingPanel(params)
    T = params.jump_expiry_days / DAYS_PER_YEAR
    K = params.otm_put_moneyness * params.spot
    ref = merton_jump_price("put", params.spot, K, T, params.rate, params.vol, 0.25, -0.10, 0.15)
    assert panel.result.otm_put["merton_price"] == pytest.approx(ref, rel=1e-12)
    before = panel.result.otm_put["crash_share"]
    panel.controls["jump_intensity"].value = 1.0
    after = panel.result.otm_put["crash_share"]
    assert after > before  # more crashes, more of the put's price is crash premium
    ref = merton_jump_price("put", params.spot, K, T, params.rate, params.vol, 1.0, -0.10, 0.15)
    assert panel.result.otm_put["merton_price"] == pytest.approx(ref, rel=1e-12)

    panel.controls["vol"].value = 0.3
    grid = panel.result.grid
    row = grid[(grid["expiry_days"] == 30)].iloc[10]
    g = bs_greeks("put", params.spot, row["strike"], 30 / DAYS_PER_YEAR, params.rate, 0.3)
    assert row["delta"] == pytest.approx(g.delta, rel=1e-12)
    assert row["vega"] == pytest.approx(g.vega_per_point(), rel=1e-12)
    assert np.isfinite(grid[["price", "delta", "gamma", "vega", "theta", "rho"]].to_numpy()).all()


def test_option_pricing_panel_keeps_uncontrolled_fields_and_reports_errors():
    params = OptionPricingParams(n_strikes=11, expiries_days=(30, 60))
    panel = OptionPricingPanel(params)
    panel.controls["greek"].value = "gamma"
    assert panel.result.params.n_strikes == 11
    assert sorted(panel.result.grid["expiry_days"].unique()) == [30, 60]
    panel.controls["kind"].value = "call"
    assert panel.result.params.kind == "call"
    assert (panel.result.grid["delta"] > 0).all()
    panel.controls["spot"].value = 0.0  # the control's bounds include 0; the dataclass says > 0
    assert panel.result is None
    assert panel.error.startswith("you typed '0' in underlying price: spot=0.0 is not allowed")
    # the figures of the last valid inputs are hidden, not left on screen (issue 11)
    assert all(out.layout.display == "none" for out in panel.outputs)
    assert {panel.summary, panel.greeks_chart.widget, panel.jump_chart.widget} <= set(panel.outputs)
    panel.controls["spot"].value = 100.0
    assert panel.error == "" and panel.result.params.spot == 100.0


# --- the study functions the panels display (tailkit.studies.option_pricing) -------------------------


def test_spread_params_reject_strikes_in_the_wrong_order():
    from tailkit.errors import ParameterError

    with pytest.raises(ParameterError, match=r"short_strike=95.0 is not allowed: a call credit spread"):
        SpreadExplorerParams(kind="call", short_strike=95.0, long_strike=90.0)
    with pytest.raises(ParameterError, match=r"put credit spread sells the higher strike"):
        SpreadExplorerParams(kind="put", short_strike=90.0, long_strike=95.0)


def test_greeks_grid_satisfies_put_call_parity():
    # put-call parity C - P = S e^{-qT} - K e^{-rT} (Hull, Options, Futures and Other Derivatives, ch. 11)
    from tailkit.studies.option_pricing import greeks_grid

    strikes, days = np.array([80.0, 100.0, 125.0]), [7, 365]
    calls = greeks_grid("call", 100.0, strikes, days, 0.04, 0.25, 0.01)
    puts = greeks_grid("put", 100.0, strikes, days, 0.04, 0.25, 0.01)
    assert len(calls) == 6
    T, K = calls["T"].to_numpy(), calls["strike"].to_numpy()
    parity = 100.0 * np.exp(-0.01 * T) - K * np.exp(-0.04 * T)
    np.testing.assert_allclose(calls["price"] - puts["price"], parity, rtol=0, atol=1e-10)


def test_jump_premium_vanishes_without_jumps():
    # Merton (1976): with jump intensity 0 the price is the Black-Scholes price
    from tailkit.studies.option_pricing import jump_premium_table

    table = jump_premium_table(100.0, [80.0, 90.0, 100.0], 0.25, 0.04, 0.2, 0.0, -0.1, 0.15)
    np.testing.assert_allclose(table["crash_premium"], 0.0, atol=1e-12)
    crashes = jump_premium_table(100.0, [80.0, 90.0, 100.0], 0.25, 0.04, 0.2, 0.5, -0.1, 0.15)
    assert (crashes["crash_premium"] > 0).all()
    assert crashes["crash_share"].is_monotonic_decreasing  # deeper OTM, more of the price is crash


def test_synthetic_chain_is_labelled_and_quotes_otm_options():
    from tailkit.studies.option_pricing import synthetic_chain

    chain = synthetic_chain(100.0, np.linspace(80, 120, 9), 30 / 365, 0.04, 0.2, -0.8, 0.5)
    assert (chain["source"] == "synthetic").all()
    forward = 100.0 * np.exp(0.04 * 30 / 365)
    assert (chain.loc[chain["strike"] < forward, "kind"] == "put").all()
    assert (chain.loc[chain["strike"] >= forward, "kind"] == "call").all()
