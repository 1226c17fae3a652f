"""The spread explorer app in a real voila server and headless Chromium, driven like a person.

Checks: the app loads and draws its chart offline (every request to a host other than
127.0.0.1 is aborted, none tolerated), typing a
new IV and pressing Enter changes the credit and the probability of profit and redraws the
chart, switching put -> call works, and a bad strike order shows the ParameterError message.
Credit, probability of profit and max loss are asserted against
:func:`tailkit.pricing.credit_spread_metrics` on the same inputs, to the digits shown; the time
to the first chart is printed. Screenshots go to ``/tmp/tailkit-spread-explorer-*.png``.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from tailkit.pricing import credit_spread_metrics
from tailkit.studies.spread_explorer import SpreadExplorerParams

from .person import (
    METRIC,
    RENDER_FAILURES,
    assert_shows,
    chart_png,
    metric_number,
    metric_text,
    type_into,
    wait_metric_change,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = "spread_explorer"
#: vega draws into <svg class="marks"> or <canvas class="marks">; the actions menu has its own svg icon
CHART_DRAWN = ".tailkit-chart svg.marks, .tailkit-chart canvas.marks"
TIMEOUT_MS = 60_000


def _chart_png(page) -> bytes:
    return chart_png(page, ".tailkit-chart", CHART_DRAWN, TIMEOUT_MS, settle_ms=500)


def _assert_headline(page, p: SpreadExplorerParams) -> None:
    """Credit, probability of profit and max loss on screen equal tailkit's for ``p``."""
    ref = credit_spread_metrics(
        p.kind, p.short_strike, p.long_strike, p.spot, p.days_to_expiry / 365.0, p.rate, p.iv
    )
    assert_shows(page, "credit", ref.credit)
    assert_shows(page, "pop", ref.pop)
    assert_shows(page, "max_loss", ref.max_loss)


def test_spread_explorer_in_browser(open_app, blocked_requests, console_errors):
    t0 = time.perf_counter()
    page = open_app(APP, ready=METRIC.format("credit"))
    page.wait_for_selector(CHART_DRAWN, state="attached", timeout=TIMEOUT_MS)
    print(f"\nspread_explorer first chart: {time.perf_counter() - t0:.1f} s (preheated kernel)")

    # initial state: the default 95/90 put credit spread, a chart drawn offline
    assert page.locator(".tailkit-control-kind select").input_value() == "put"
    credit0, pop0 = metric_text(page, "credit"), metric_text(page, "pop")
    params = SpreadExplorerParams()
    _assert_headline(page, params)
    page.wait_for_selector(CHART_DRAWN, state="attached", timeout=TIMEOUT_MS)
    if page.locator(".tailkit-chart svg.marks").count():  # SVG renderer: the three P&L curves
        assert page.locator(".tailkit-chart svg.marks g.mark-line path").count() >= 3
    chart0 = _chart_png(page)
    assert page.locator(".tailkit-greeks table").count() == 1
    page.screenshot(path="/tmp/tailkit-spread-explorer-1-initial.png", full_page=True)

    # type a higher IV and press Enter: more premium, lower probability of profit, new chart
    type_into(page, "iv", "0.35")
    credit1 = wait_metric_change(page, "credit", credit0, TIMEOUT_MS)
    pop1 = wait_metric_change(page, "pop", pop0, TIMEOUT_MS)
    assert float(credit1) > float(credit0)
    assert metric_number(page, "pop") < float(pop0.rstrip("%"))
    assert pop1 != pop0
    _assert_headline(page, dataclasses.replace(params, iv=0.35))
    chart1 = _chart_png(page)
    assert chart1 != chart0, "the chart did not change with the IV"

    # put -> call from the dropdown: 95/90 is the wrong order for a call spread -> message
    page.locator(".tailkit-control-kind select").select_option("call")
    error = page.locator(".tailkit-error")
    error.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "call credit spread" in error.inner_text()
    assert "short_strike" in error.inner_text()
    page.locator(".tailkit-metrics").wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.locator(".tailkit-chart").first.wait_for(state="hidden", timeout=TIMEOUT_MS)  # no stale curves
    page.screenshot(path="/tmp/tailkit-spread-explorer-2-error.png", full_page=True)

    # fix the strikes for a bear call spread: the numbers come back
    type_into(page, "short_strike", "105")
    type_into(page, "long_strike", "110")
    error.wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => (document.querySelector('.tailkit-metrics') || {}).innerText?.includes('Call credit spread')",
        timeout=TIMEOUT_MS,
    )
    assert metric_number(page, "breakeven") > 105.0
    _assert_headline(
        page, dataclasses.replace(params, iv=0.35, kind="call", short_strike=105.0, long_strike=110.0)
    )
    assert "Call credit spread" in page.locator(".tailkit-metrics").inner_text()
    assert page.locator(CHART_DRAWN).count() > 0
    assert _chart_png(page) != chart1
    page.screenshot(path="/tmp/tailkit-spread-explorer-3-call.png", full_page=True)

    # nothing left 127.0.0.1, and no widget or chart failed to render
    blocked_requests.assert_none()
    failures = [m for m in console_errors if RENDER_FAILURES.search(m)]
    assert not failures, failures
