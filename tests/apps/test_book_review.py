"""The book-review app in a real voila server and headless Chromium, against a temporary book.

The session's voila server runs with a temporary ``HOME`` (see ``conftest._clean_env``), so the
app's default book (``~/.tailkit/book.sqlite``) is a fresh temporary file: the first render asks
for the NAV. The test then, as a person would: sets the NAV, adds a bull put spread through
the form and sees it in the positions table, uploads a (SYNTHETIC) option chain quoted today
and sees the position marked with a profit-target exit signal, closes it, and finally opens
the SQLite file to check it holds exactly those operations and their audit events. Every
request to a host other than 127.0.0.1 is aborted and asserted absent. NAV and open risk are
asserted against :func:`tailkit.studies.book_review.book_review` of the same book file. The
first render time is printed (not asserted); book_review is not preheated (serving/voila.py). Screenshots: ``/tmp/tailkit-book-review-*.png``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime

import pytest

from tailkit.data import write_option_chain
from tailkit.studies.book_review import BookReviewParams, book_review, open_review_book
from tailkit.synthetic.chain import synthetic_option_chain

from .person import assert_shows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

APP = "book_review"
TIMEOUT_MS = 90_000


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

    t0 = time.perf_counter()
    page = open_app(APP, ready=".tailkit-dashboard")
    first_render = time.perf_counter() - t0
    print(f"\nbook_review first render: {first_render:.1f} s (empty book)")

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
