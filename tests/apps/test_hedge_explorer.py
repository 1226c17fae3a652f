"""The hedge explorer app in a real voila server and headless Chromium.

Checks: the app loads with parameters/hedge_explorer/default.yaml's opening view (the notebook's
defaults), shows the program's cost and protection and draws its charts offline (every request
to a host other than 127.0.0.1 is aborted; only Voila's Font Awesome link is tolerated); typing
a lower put strike and pressing Enter changes the program, its net cost and the frontier chart;
choosing VIX calls from the dropdown switches the program; a roll longer than the tenor shows
the error message and fixing it brings the numbers back. Screenshots:
``/tmp/tailkit-hedge-explorer-*.png``.
"""

from __future__ import annotations

import pytest

from .person import METRIC, RENDER_FAILURES, chart_png, metric_text, type_into, wait_metric_change

APP = "hedge_explorer"
FRONTIER_DRAWN = ".tailkit-frontier-chart svg, .tailkit-frontier-chart canvas"
TIMEOUT_MS = 120_000


def _pct(text: str) -> float:
    """First number of a cell like ``"1.23% ± 0.05%"``."""
    return float(text.split()[0].rstrip("%"))


@pytest.mark.browser
@pytest.mark.slow
def test_hedge_explorer_in_browser(open_app, blocked_requests, console_errors):
    page = open_app(APP, ready=METRIC.format("net_cost"))

    program0 = metric_text(page, "program")
    cost0 = metric_text(page, "net_cost")
    assert program0.startswith("put 90% 3m")
    assert _pct(metric_text(page, "premium")) > 0
    assert page.locator(".tailkit-payoff-chart svg, .tailkit-payoff-chart canvas").count() > 0
    assert "GFC" in page.locator(".tailkit-hedge-crises").inner_text()
    assert "proxy vol" in page.locator(".tailkit-hedge-crises").inner_text()
    frontier0 = chart_png(page, ".tailkit-frontier-chart", FRONTIER_DRAWN, TIMEOUT_MS, settle_ms=800)
    page.screenshot(path="/tmp/tailkit-hedge-explorer-1-initial.png", full_page=True)

    # an 80% strike: a different (cheaper) program, another point on the frontier
    type_into(page, "moneyness", "0.8")
    program1 = wait_metric_change(page, "program", program0, TIMEOUT_MS)
    assert program1.startswith("put 80%")
    cost1 = metric_text(page, "net_cost")
    assert cost1 != cost0
    frontier1 = chart_png(page, ".tailkit-frontier-chart", FRONTIER_DRAWN, TIMEOUT_MS, settle_ms=800)
    assert frontier1 != frontier0, "the frontier chart did not change with the strike"
    page.screenshot(path="/tmp/tailkit-hedge-explorer-2-strike.png", full_page=True)

    # VIX calls from the dropdown
    page.locator(".tailkit-control-program select").select_option("vix_call")
    program2 = wait_metric_change(page, "program", program1, TIMEOUT_MS)
    assert program2.startswith("VIX call")

    # a roll longer than the tenor: the message, no stale figures; then fixed
    type_into(page, "roll_months", "5")
    error = page.locator(".tailkit-error")
    error.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "roll_months=5.0" in error.inner_text()
    page.locator(".tailkit-hedge-summary").wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.screenshot(path="/tmp/tailkit-hedge-explorer-3-error.png", full_page=True)
    type_into(page, "roll_months", "1")
    error.wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.locator(".tailkit-hedge-summary").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert metric_text(page, "program").startswith("VIX call")

    blocked_requests.assert_none()
    failures = [m for m in console_errors if RENDER_FAILURES.search(m)]
    assert not failures, failures
