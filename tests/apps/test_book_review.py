"""The book-review app in a real voila server and headless Chromium, against a temporary book.

The session's voila server runs with a temporary ``HOME`` (see ``conftest._clean_env``), so the
app's default book (``~/.tailkit/book.sqlite``) is a fresh temporary file: the first render asks
for the NAV. The test then, as a person would: sets the NAV, adds a bull put spread through
the form and sees it in the positions table, uploads a (SYNTHETIC) option chain quoted today
and sees the position marked with a profit-target exit signal, closes it, and finally opens
the SQLite file to check it holds exactly those operations and their audit events. Every
request to a host other than 127.0.0.1 is aborted and asserted absent. NAV and open risk are
asserted against :func:`tailkit.studies.book_review.book_review` of the same book file, and
the dashboard's alerts list the profit-target exit signal once the chain is uploaded.

book_review is preheated (serving/voila.py) but reads the book only once the page is requested:
the first test checks the pool kernel created no book file before the page was opened; the
second writes a NAV into the book after the pool kernel has run as far as it can (and waits),
then opens the page from that kernel and must see the new NAV. A kernel that read the book
before waiting would show the book as it was. Time to the first chart is printed (not
asserted). Screenshots: ``/tmp/tailkit-book-review-*.png``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime

import pytest

from tailkit.book import Book
from tailkit.book.nav import set_nav
from tailkit.data import write_option_chain
from tailkit.studies.book_review import BookReviewParams, book_review, open_review_book
from tailkit.synthetic.chain import synthetic_option_chain

from .person import assert_shows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = "book_review"
TIMEOUT_MS = 90_000
CHART_DRAWN = ".tailkit-chart-pnl svg.marks, .tailkit-chart-pnl canvas.marks"
#: seconds for Voila to refill the app's pool after a page view (kernel start + imports on busy cores)
POOL_REFILL_TIMEOUT_S = 240.0


def _book_file(voila_server):
    # conftest starts voila with HOME=<tmp>/home; the app's default book lives under it
    return voila_server.log_path.parent / "home" / ".tailkit" / "book.sqlite"


def _assert_headline(page, book_file) -> None:
    """NAV and open risk on screen equal tailkit's review of the same book file."""
    book = open_review_book(BookReviewParams(db_path=str(book_file), actor="test"))
    try:
        totals = book_review(book).marks.totals
    finally:
        book.close()
    assert_shows(page, "nav", totals.nav, container=".tailkit-dashboard")
    assert_shows(page, "open_risk", totals.open_risk, container=".tailkit-dashboard")


def _fill(page, css: str, value: str) -> None:
    box = page.locator(f"{css} input").first
    box.fill(value)
    box.press("Tab")


def test_book_review_in_browser(open_app, voila_server, blocked_requests, console_errors, tmp_path):
    book_file = _book_file(voila_server)
    assert not book_file.exists(), "the temporary book should not exist before the app's first render"
    today = datetime.now(UTC).date().isoformat()
    chain = synthetic_option_chain(118.2, today)  # SYNTHETIC quotes dated today
    expiry = str(chain["expiration_date"].min().date())
    chain_file = tmp_path / "synthetic_chain_today.csv"
    write_option_chain(chain, chain_file)

    uses = voila_server.pool_uses(APP)
    t0 = time.perf_counter()
    page = open_app(APP, ready=".tailkit-dashboard")
    page.wait_for_selector(CHART_DRAWN, state="attached", timeout=TIMEOUT_MS)
    print(f"\nbook_review first chart: {time.perf_counter() - t0:.1f} s (preheated kernel, empty book)")
    assert voila_server.pool_uses(APP) == uses + 1, voila_server.log_tail()

    # first run on an empty book: the app asks for the NAV
    prompt = page.locator(".tailkit-nav-prompt")
    assert prompt.is_visible()
    assert "no NAV" in prompt.inner_text()
    page.screenshot(path="/tmp/tailkit-book-review-1-empty.png", full_page=True)
    _fill(page, ".tailkit-nav-input", "1000000")
    page.locator(".tailkit-nav-button").click()
    prompt.wait_for(state="hidden", timeout=TIMEOUT_MS)
    nav = page.locator(".tailkit-dashboard [data-metric='nav']")
    assert nav.inner_text().strip() == "1,000,000.00"

    # add a bull put spread through the form; it appears in the positions table
    page.locator(".tailkit-add-strategy select").select_option(label="bull put")
    _fill(page, ".tailkit-add-short-strike", "110")
    _fill(page, ".tailkit-add-long-strike", "105")
    _fill(page, ".tailkit-add-expiry", expiry)
    _fill(page, ".tailkit-add-contracts", "5")
    _fill(page, ".tailkit-add-credit", "2.00")
    page.locator(".tailkit-add-button").click()
    row = page.locator(".tailkit-positions tr[data-position='1']")
    row.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "110/105" in row.inner_text()
    assert not page.locator(".tailkit-positions tr.tailkit-signal").count()
    _assert_headline(page, book_file)

    # upload the chain: the position is marked and the profit target fires (credit 2.00, mark ~0.4)
    with page.expect_file_chooser(timeout=TIMEOUT_MS) as chooser:
        page.locator(".tailkit-upload").first.click()
    chooser.value.set_files(str(chain_file))
    signal = page.locator(".tailkit-positions tr.tailkit-signal[data-position='1']")
    signal.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "profit_target" in signal.inner_text()
    assert "210 quotes added" in page.locator(".tailkit-message").inner_text()
    unrealized = page.locator(".tailkit-dashboard [data-metric='unrealized_mid']").inner_text()
    assert unrealized.startswith("+"), unrealized
    # the dashboard's alerts: the exit signal, in words, with the book's own severity for it
    alert = page.locator(".tailkit-dashboard .tailkit-alerts tr[data-alert='exit:position:1:profit_target']")
    alert.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert alert.get_attribute("data-severity") == "info"
    assert alert.inner_text().startswith("info") and "position 1: profit target reached" in alert.inner_text()
    assert page.locator(".tailkit-alerts tr[data-alert]").count() == 1
    page.screenshot(path="/tmp/tailkit-book-review-2-marked.png", full_page=True)

    # close it at 0.40: it leaves the open table and appears among the closed positions
    _fill(page, ".tailkit-close-price", "0.40")
    page.locator(".tailkit-close-reason select").select_option(label="profit target")
    page.locator(".tailkit-close-button").click()
    # nothing is written before the user confirms which position, price and reason
    ask = page.locator(".tailkit-close-result")
    ask.get_by_text("Close position #1").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "0.40 USD/share" in ask.inner_text() and "profit target" in ask.inner_text()
    page.locator(".tailkit-close-confirm-button").click()
    page.locator(".tailkit-closed tr[data-position='1']").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "No open positions" in page.locator(".tailkit-positions").inner_text()
    realized = page.locator(".tailkit-dashboard [data-metric='realized_pnl']").inner_text().strip()
    assert realized == "+800.00"  # (2.00 - 0.40) x 5 contracts x 100 shares
    assert page.locator(".tailkit-alerts tr[data-alert]").count() == 0
    assert "No alert" in page.locator(".tailkit-alerts").inner_text()
    page.screenshot(path="/tmp/tailkit-book-review-3-closed.png", full_page=True)

    # the database holds exactly those operations and their audit events
    conn = sqlite3.connect(book_file)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        positions = conn.execute(
            "SELECT strategy, contracts, entry_price_cents, status, exit_price_cents, exit_reason FROM positions"
        ).fetchall()
        assert positions == [("bull_put", 5, 200, "closed", 40, "profit_target")]
        assert conn.execute("SELECT kind, strike_cents, quantity FROM legs ORDER BY id").fetchall() == [
            ("put", 11000, -1),
            ("put", 10500, 1),
        ]
        assert conn.execute("SELECT action, price_cents FROM fills ORDER BY id").fetchall() == [
            ("open", 200),
            ("close", 40),
        ]
        assert conn.execute("SELECT nav_cents FROM nav").fetchall() == [(100_000_000,)]
        assert conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == len(chain)
        marks = conn.execute("SELECT position_id, signal FROM marks").fetchall()
        assert marks == [(1, "profit_target")]
        audit = conn.execute("SELECT actor, action, object, payload FROM audit ORDER BY id").fetchall()
        assert [a[1] for a in audit] == ["set_nav", "add", "import_chain", "mark", "close"]
        assert {a[0] for a in audit} == {"app"}
        assert json.loads(audit[4][3])["realized_pnl"] == "800.00"
    finally:
        conn.close()

    blocked_requests.assert_none()
    failures = [m for m in console_errors if "Could not create a view" in m]
    assert not failures, failures


def test_book_review_reads_the_book_when_the_page_is_opened(open_app, voila_server, blocked_requests):
    """A NAV written after the pool kernel ran its notebook (and waits) is on the page it serves."""
    book_file = _book_file(voila_server)
    voila_server.wait_for_pool(APP, POOL_REFILL_TIMEOUT_S)
    uses = voila_server.pool_uses(APP)
    book_file.parent.mkdir(parents=True, exist_ok=True)
    with Book(book_file, actor="test") as book:
        set_nav(book, "2345678.9", reason="written between the kernel's preheating and the page view")

    t0 = time.perf_counter()
    page = open_app(APP, ready=".tailkit-dashboard [data-metric='nav']")
    page.wait_for_selector(CHART_DRAWN, state="attached", timeout=TIMEOUT_MS)
    print(
        f"\nbook_review first chart: {time.perf_counter() - t0:.1f} s (preheated kernel, book written after)"
    )
    assert voila_server.pool_uses(APP) == uses + 1, "the page was not served by the preheated kernel"
    assert page.locator(".tailkit-dashboard [data-metric='nav']").inner_text().strip() == "2,345,678.90"
    assert not page.locator(".tailkit-nav-prompt").is_visible()
    _assert_headline(page, book_file)
    blocked_requests.assert_none()
