"""What a person does in an app, for the browser tests: read a number, type into a box, wait."""

from __future__ import annotations

import re

#: the metrics table cell of a named metric (panels write ``data-metric="<name>"``)
METRIC = ".tailkit-metrics [data-metric='{}']"
#: console messages that mean a widget or a chart failed to render
RENDER_FAILURES = re.compile(r"Could not create a view|Failed to fetch dynamically imported module|esm\.sh")


def metric_text(page, metric: str) -> str:
    """The text shown for ``metric``."""
    return page.locator(METRIC.format(metric)).inner_text().strip()


def metric_number(page, metric: str) -> float:
    """The number shown for ``metric`` (thousands separators and a trailing % dropped)."""
    return float(metric_text(page, metric).replace(",", "").rstrip("%"))


def type_into(page, field: str, value: str) -> None:
    """Type ``value`` into the box of control ``field`` and press Enter, as a person would."""
    box = page.locator(f".tailkit-control-{field.replace('_', '-')} input")
    box.click()
    box.press("Control+A")
    box.type(value)
    box.press("Enter")


def wait_metric_change(page, metric: str, old: str, timeout_ms: float) -> str:
    """Wait until ``metric`` shows something other than ``old``; return the new text."""
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText.trim() !== old; }",
        arg=[METRIC.format(metric), old],
        timeout=timeout_ms,
    )
    return metric_text(page, metric)


def chart_png(page, container: str, drawn: str, timeout_ms: float, settle_ms: int = 500) -> bytes:
    """Screenshot of the first ``container`` once ``drawn`` (its svg/canvas) exists and vega settled."""
    page.wait_for_selector(drawn, state="attached", timeout=timeout_ms)
    page.wait_for_timeout(settle_ms)
    return page.locator(container).first.screenshot()


def shown_value(text: str) -> tuple[float, float]:
    """The number a cell shows and half a unit of its last digit (its display resolution).

    ``"1,234.56"`` -> (1234.56, 0.005); ``"+800.00"`` -> (800.0, 0.005); ``"12.3%"`` ->
    (0.123, 0.0005); ``"1,235"`` -> (1235.0, 0.5).
    """
    s = text.strip().replace(",", "").replace("\u2212", "-")
    pct = s.endswith("%")
    s = s.rstrip("%").strip()
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    value, half = float(s), 0.5 * 10.0**-decimals
    return (value / 100.0, half / 100.0) if pct else (value, half)


def assert_shows(page, metric: str, expected: float, container: str = ".tailkit-metrics") -> None:
    """Assert ``metric`` shows ``expected`` (a direct library result) to its displayed precision.

    The displayed number must equal ``expected`` rounded to the digits shown: off by at most
    half a unit of the last digit (plus 1e-9 relative for binary rounding), not a range.
    """
    text = page.locator(f"{container} [data-metric='{metric}']").inner_text().strip()
    value, half = shown_value(text)
    assert abs(value - expected) <= half + 1e-9 * abs(expected), (
        f"{metric} shows {text!r}; the library gives {expected!r}"
    )
