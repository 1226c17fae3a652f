"""The backtest review app in a real voila server and headless Chromium.

Checks: the app opens the SYNTHETIC demo results (institutional preset with a put overlay) and
draws its charts offline (every request to a host other than 127.0.0.1 is aborted); the premium
the hedge overlay paid equals the library's (the same run made here with
:func:`tailkit.backtest.run_regime_strategy`) and the hedge's value is drawn; typing an asset
and a date and pressing Enter shows that asset's chain of decisions up to that date, oldest
first, with the overlay's option trades; an unknown asset shows the error message and hides the
figures, and clearing it brings them back. Screenshots go to ``/tmp/tailkit-backtest-review-*.png``.
"""

from __future__ import annotations

import pytest

from tailkit.backtest import preset, run_regime_strategy
from tailkit.studies.regime_backtest import DEMO_HEDGE, DEMO_PRESET
from tailkit.synthetic.universe import synthetic_universe
from widgets.formatting import fmt_money

from .person import METRIC, RENDER_FAILURES, metric_text, type_into, wait_metric_change

APP = "backtest_review"
EQUITY_DRAWN = ".tailkit-equity-chart svg, .tailkit-equity-chart canvas"
TIMEOUT_MS = 120_000
HEDGE_METRIC = ".tailkit-hedge [data-metric='{}']"


def library_premium() -> str:
    """The demo's hedge premium straight from the library, as the app writes money."""
    u = synthetic_universe()
    res = run_regime_strategy(u.prices, u.buckets, preset(DEMO_PRESET, hedge_program=DEMO_HEDGE))
    return fmt_money(res.overlay.to_dict()["hedge_premium_paid"])


def exercise(page, premium: str | None = None) -> None:
    """What a person does in the app (shared with a manual run against any voila server).

    ``premium``: the hedge premium the app must show (``library_premium()``), unchecked if None.
    """
    assert "SYNTHETIC" in metric_text(page, "data")
    page.wait_for_selector(EQUITY_DRAWN, state="attached", timeout=TIMEOUT_MS)
    shown = page.locator(HEDGE_METRIC.format("hedge_premium_paid")).inner_text().strip()
    assert "premium paid (currency units)" in page.locator(".tailkit-hedge").inner_text()
    if premium is not None:
        assert shown == premium
    for chart in ("hedge", "drawdown", "regime", "holdings"):
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
    chain = page.locator(".tailkit-decisions").inner_text()
    assert "position_open" in chain and "hedge_open" in chain
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
    premium = library_premium()
    page = open_app(APP, ready=METRIC.format("final_equity"))
    exercise(page, premium)
    blocked_requests.assert_none()
    failures = [m for m in console_errors if RENDER_FAILURES.search(m)]
    assert not failures, failures
