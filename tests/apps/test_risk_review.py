"""The risk review app: its panel headless, and in a real voila server and headless Chromium.

Checks: the app loads with the bundled demo portfolio and draws its charts offline (every
request to a host other than 127.0.0.1 is aborted; none tolerated); typing a lower confidence and pressing Enter lowers VaR and ES and redraws
the contribution chart; choosing the parametric method from the dropdown changes the
figures; VaR and ES are asserted against :func:`run_risk_study` on the same inputs, to the
digits shown, at every step; a weight list that does not match the tickers shows the error message, and fixing it
brings the numbers back. Screenshots go to ``/tmp/tailkit-risk-review-*.png``.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from tailkit.studies.risk_review import RiskReviewParams, run_risk_study

from .person import (
    METRIC,
    RENDER_FAILURES,
    assert_shows,
    chart_png,
    metric_text,
    type_into,
    wait_metric_change,
)

APP = "risk_review"
CONTRIB_DRAWN = ".tailkit-contrib-chart svg, .tailkit-contrib-chart canvas"
TIMEOUT_MS = 90_000


def _chart_png(page) -> bytes:
    return chart_png(page, ".tailkit-contrib-chart", CONTRIB_DRAWN, TIMEOUT_MS, settle_ms=800)


def _assert_headline(page, params: RiskReviewParams) -> None:
    """VaR and ES on screen equal tailkit's risk study of the same inputs (to the digits shown)."""
    study = run_risk_study(params)
    assert_shows(page, "var", study.var.var)
    assert_shows(page, "es", study.var.es)


def test_panel_headless():
    """The panel without a browser: set a control's value, read ``panel.result``."""
    from widgets.risk import RiskReviewPanel

    panel = RiskReviewPanel()
    var99 = panel.result.var.var
    panel.controls["confidence"].value = 0.95
    assert panel.result.var.var < var99
    assert 'data-metric="var"' in panel.metrics.value
    panel.controls["method"].value = "cornish_fisher"
    assert panel.result.var.method == "cornish_fisher"
    panel.controls["weights"].value = "1.0"
    assert panel.result is None and "4 tickers" in panel.error
    assert panel.metrics.layout.display == "none"
    panel.controls["tickers"].value = "IBM"
    assert panel.error == "" and panel.result.var.positions == ("IBM",)


@pytest.mark.browser
@pytest.mark.slow
def test_risk_review_in_browser(open_app, blocked_requests, console_errors):
    t0 = time.perf_counter()
    page = open_app(APP, ready=METRIC.format("var"))
    page.wait_for_selector(CONTRIB_DRAWN, state="attached", timeout=TIMEOUT_MS)
    print(f"\nrisk_review first chart: {time.perf_counter() - t0:.1f} s (preheated kernel)")

    # initial state: 99% 1-day historical VaR of the demo book, charts drawn offline
    assert page.locator(".tailkit-control-method select").input_value() == "historical"
    var0, es0 = metric_text(page, "var"), metric_text(page, "es")
    params = RiskReviewParams()
    _assert_headline(page, params)
    assert page.locator(CONTRIB_DRAWN).count() > 0, "the contribution chart was not drawn"
    assert page.locator(".tailkit-stress-chart svg, .tailkit-stress-chart canvas").count() > 0
    assert "GFC" in page.locator(".tailkit-stress").inner_text()
    assert page.locator(".tailkit-limits table").count() == 1
    assert "sharpe ratio" in page.locator(".tailkit-performance").inner_text()
    chart0 = _chart_png(page)
    page.screenshot(path="/tmp/tailkit-risk-review-1-initial.png", full_page=True)

    # type a lower confidence and press Enter: smaller VaR and ES, a new contribution chart
    type_into(page, "confidence", "0.95")
    var1 = wait_metric_change(page, "var", var0, TIMEOUT_MS)
    es1 = wait_metric_change(page, "es", es0, TIMEOUT_MS)
    assert float(var1.replace(",", "")) < float(var0.replace(",", ""))
    assert float(es1.replace(",", "")) < float(es0.replace(",", ""))
    _assert_headline(page, dataclasses.replace(params, confidence=0.95))
    chart1 = _chart_png(page)
    assert chart1 != chart0, "the contribution chart did not change with the confidence"

    # parametric method from the dropdown: different figures
    page.locator(".tailkit-control-method select").select_option("parametric")
    var2 = wait_metric_change(page, "var", var1, TIMEOUT_MS)
    assert var2 != var1
    assert "parametric" in page.locator(".tailkit-metrics").inner_text()
    _assert_headline(page, dataclasses.replace(params, confidence=0.95, method="parametric"))
    page.screenshot(path="/tmp/tailkit-risk-review-2-parametric.png", full_page=True)

    # two weights for four tickers: the message, and no stale figures
    type_into(page, "weights", "0.5, 0.5")
    error = page.locator(".tailkit-error")
    error.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "weights" in error.inner_text() and "4 tickers" in error.inner_text()
    page.locator(".tailkit-metrics").wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.screenshot(path="/tmp/tailkit-risk-review-3-error.png", full_page=True)

    # fix it: all in AAPL and MSFT
    type_into(page, "weights", "0.5, 0.5, 0, 0")
    error.wait_for(state="hidden", timeout=TIMEOUT_MS)
    page.locator(".tailkit-metrics").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert metric_text(page, "var") != var2
    fixed = dataclasses.replace(params, confidence=0.95, method="parametric", weights=(0.5, 0.5, 0.0, 0.0))
    _assert_headline(page, fixed)
    assert page.locator(CONTRIB_DRAWN).count() > 0
    page.screenshot(path="/tmp/tailkit-risk-review-4-fixed.png", full_page=True)

    blocked_requests.assert_none()
    failures = [m for m in console_errors if RENDER_FAILURES.search(m)]
    assert not failures, failures
