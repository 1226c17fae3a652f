"""The backtest review app in a real voila server and headless Chromium.

Checks: the app opens the SYNTHETIC demo results (institutional preset) and draws its charts
offline (every request to a host other than 127.0.0.1 is aborted); typing an asset and a date
and pressing Enter shows that asset's chain of decisions up to that date, oldest first; an
unknown asset shows the error message and hides the figures, and clearing it brings them
back. Screenshots go to ``/tmp/tailkit-backtest-review-*.png``.
"""

from __future__ import annotations

import pytest

from .person import METRIC, RENDER_FAILURES, metric_text, type_into, wait_metric_change

APP = "backtest_review"
EQUITY_DRAWN = ".tailkit-equity-chart svg, .tailkit-equity-chart canvas"
TIMEOUT_MS = 120_000


def exercise(page) -> None:
    """What a person does in the app (shared with a manual run against any voila server)."""
    assert "SYNTHETIC" in metric_text(page, "data")
    page.wait_for_selector(EQUITY_DRAWN, state="attached", timeout=TIMEOUT_MS)
    for chart in ("drawdown", "regime", "holdings"):
        sel = f".tailkit-{chart}-chart svg, .tailkit-{chart}-chart canvas"
        page.wait_for_selector(sel, state="attached", timeout=TIMEOUT_MS)
    trace0 = metric_text(page, "trace")
    assert trace0.startswith("RSK1 up to ")
    page.screenshot(path="/tmp/tailkit-backtest-review-1-initial.png", full_page=True)

    # an asset and a date: that asset's decisions up to the date, oldest first
    type_into(page, "asset", "DEF2")
    trace1 = wait_metric_change(page, "trace", trace0, TIMEOUT_MS)
    assert trace1.startswith("DEF2 up to ")
    type_into(page, "date", "2010-06-30")
    trace2 = wait_metric_change(page, "trace", trace1, TIMEOUT_MS)
    assert trace2.startswith("DEF2 up to 2010-06-30: ")
    n = int(trace2.rsplit(": ", 1)[1])
    rows = page.locator(".tailkit-decisions tr[data-event]")
    assert rows.count() == n > 0
    dates = [rows.nth(i).locator("td").first.inner_text() for i in range(n)]
    assert dates == sorted(dates) and dates[-1] <= "2010-06-30"
    assert "position_open" in page.locator(".tailkit-decisions").inner_text()
    page.screenshot(path="/tmp/tailkit-backtest-review-2-chain.png", full_page=True)

    # an unknown asset: the message, and no stale figures
    type_into(page, "asset", "NOPE")
    error = page.locator(".tailkit-error")
    error.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "'NOPE' is not in the results" in error.inner_text()
    page.locator(".tailkit-metrics").wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.screenshot(path="/tmp/tailkit-backtest-review-3-error.png", full_page=True)

    # clear the box (select all, Backspace, Enter): the first asset again
    box = page.locator(".tailkit-control-asset input")
    box.click()
    box.press("Control+A")
    box.press("Backspace")
    box.press("Enter")
    error.wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.locator(METRIC.format("trace")).wait_for(state="visible", timeout=TIMEOUT_MS)
    assert metric_text(page, "trace").startswith("RSK1 up to 2010-06-30")


@pytest.mark.browser
@pytest.mark.slow
def test_backtest_review_in_browser(open_app, blocked_requests, console_errors):
    page = open_app(APP, ready=METRIC.format("final_equity"))
    exercise(page)
    blocked_requests.assert_none()
    failures = [m for m in console_errors if RENDER_FAILURES.search(m)]
    assert not failures, failures
