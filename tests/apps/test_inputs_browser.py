"""Inputs are never changed without telling the user, in a real browser (issue 11).

Before, in the spread explorer an IV typed as 20 was clamped by the widget to 3 and the page
showed results at "IV 300.0%"; in risk_review a confidence of 95 became 99.9%. Now the page
says what it read ("IV 20% (read 20 as percent)") and shows the library's numbers for those
inputs, and an IV of 350 is refused with the text as typed while the figures are hidden.
Screenshots go to ``/tmp/tailkit-inputs-*.png``.
"""

from __future__ import annotations

import pytest

from tailkit.studies.risk_review import RiskReviewParams, run_risk_study
from tailkit.studies.spread_explorer import SpreadExplorerParams, spread_explorer_view

from .person import METRIC, metric_text, type_into

#: the apps this module opens (its server preheats these)
APPS = ("spread_explorer", "risk_review")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 60_000


def _wait_text(page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => { const e = document.querySelector(sel); return e && e.innerText.includes(text); }",
        arg=[selector, text],
        timeout=TIMEOUT_MS,
    )


def test_spread_explorer_reads_20_as_20_percent_and_refuses_350(open_app, blocked_requests):
    page = open_app("spread_explorer", ready=METRIC.format("credit"))
    assert page.locator(".tailkit-control-iv input").input_value() == "20%"

    type_into(page, "days_to_expiry", "45")  # a change, so the IV edit below is seen to redraw
    _wait_text(page, ".tailkit-metrics", "45 days to expiry")
    type_into(page, "iv", "20")
    _wait_text(page, ".tailkit-input-notes", "IV 20% (read 20 as percent)")
    _wait_text(page, ".tailkit-metrics", "IV 20%")
    assert "300" not in page.locator(".tailkit-metrics").inner_text()
    ref = spread_explorer_view(SpreadExplorerParams(iv=0.2, days_to_expiry=45)).to_dict()
    assert metric_text(page, "credit") == f"{ref['credit']:,.3f}"
    assert metric_text(page, "pop") == f"{100 * ref['pop']:,.1f}%"
    assert metric_text(page, "breakeven") == f"{ref['breakeven']:,.3f}"
    page.screenshot(path="/tmp/tailkit-inputs-1-iv-20.png", full_page=True)

    type_into(page, "iv", "350")
    error = page.locator(".tailkit-error")
    error.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "you typed '350'" in error.inner_text() and "iv=3.5 is not allowed" in error.inner_text()
    page.locator(".tailkit-metrics").wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert page.locator(".tailkit-control-iv input").input_value() == "350"  # not moved to a bound
    page.screenshot(path="/tmp/tailkit-inputs-2-iv-350.png", full_page=True)

    type_into(page, "days_to_expiry", "abc")
    _wait_text(page, ".tailkit-error", "days_to_expiry='abc' is not allowed")
    assert page.locator(".tailkit-control-days-to-expiry input").input_value() == "abc"
    blocked_requests.assert_none()


def test_risk_review_reads_95_as_95_percent(open_app, blocked_requests):
    page = open_app("risk_review", ready=METRIC.format("var"))
    type_into(page, "confidence", "95")
    _wait_text(page, ".tailkit-input-notes", "confidence 95% (read 95 as percent)")
    _wait_text(page, ".tailkit-metrics", "95% confidence")
    ref = run_risk_study(RiskReviewParams(confidence=0.95))
    assert metric_text(page, "var") == f"{ref.var.var:,.0f}"
    assert metric_text(page, "es") == f"{ref.var.es:,.0f}"
    type_into(page, "weights", "0.6, 0.6, 0.4, 0.4")
    _wait_text(page, ".tailkit-input-notes", "gross 200%, net 200%")
    _wait_text(page, ".tailkit-limits", "market regime calm")
    page.screenshot(path="/tmp/tailkit-inputs-3-risk-levered.png", full_page=True)
    blocked_requests.assert_none()
