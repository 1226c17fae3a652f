"""book_review driven headless: feedback where the user looks, confirmation, provenance (issue 11)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tailkit.studies.book_review import BookReviewParams, market_header
from widgets.book import BookReviewPanel


@pytest.fixture(autouse=True)
def _static_charts(monkeypatch):
    monkeypatch.setenv("TAILKIT_CHARTS", "static")


@pytest.fixture
def demo():
    return BookReviewPanel(BookReviewParams(db_path=":memory:", demo=True))


@pytest.fixture
def empty(tmp_path):
    panel = BookReviewPanel(BookReviewParams(db_path=str(tmp_path / "b.sqlite")))
    panel.nav_input.value = "1,000,000"
    panel.nav_button.click()
    return panel


def _fill(panel, **values):
    for name, value in values.items():
        panel.add_fields[name].value = value


def _count(panel) -> int:
    return int(panel.book.conn.execute("SELECT COUNT(*) FROM positions").fetchone()[0])


def test_header_names_underlying_price_time_source_and_synthetic(demo):
    h = market_header(demo.book, demo=True)
    text = demo.header.value
    assert h.underlying == "TLT" and h.synthetic
    assert 'data-metric="underlying">TLT<' in text
    assert f'data-metric="last_price">{h.last_price:,.2f}<' in text
    assert "SYNTHETIC" in text and "source" in text
    shown = re.search(r'data-metric="quote_time">([^<]*)<', text).group(1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}( UTC)?)?", shown), shown  # no microseconds


def test_a_real_book_is_not_labelled_synthetic(empty):
    assert "SYNTHETIC" not in empty.header.value
    assert "No market data yet" in empty.header.value


def test_result_of_each_form_shows_next_to_its_button(empty):
    assert "NAV set to 1,000,000.00 USD" in empty.nav_result.value
    _fill(empty, short_strike="88", long_strike="85", expiry="2099-01-16", contracts="10", credit="3.10")
    empty.add_button.click()
    assert "credit" in empty.error
    assert "tailkit-error-banner" in empty.add_result.value and "credit" in empty.add_result.value
    assert empty.nav_result.value == "" or "NAV" in empty.nav_result.value
    assert _count(empty) == 0


@pytest.mark.parametrize("typed", ["17/01/2027", "01/02/2027"])
def test_ambiguous_dates_are_refused_with_the_expected_format(empty, typed):
    _fill(empty, short_strike="88", long_strike="85", expiry=typed, contracts="1", credit="0.60")
    empty.add_button.click()
    assert f"expiry={typed!r}" in empty.error and "YYYY-MM-DD" in empty.error
    assert "YYYY-MM-DD" in empty.add_result.value
    assert _count(empty) == 0


def test_weekend_expiry_is_warned_and_written_only_after_add_anyway(empty):
    saturday = "2099-01-17"
    assert dt.date.fromisoformat(saturday).weekday() == 5
    _fill(empty, short_strike="88", long_strike="85", expiry=saturday, contracts="1", credit="0.60")
    empty.add_button.click()
    assert "Saturday" in empty.add_result.value and _count(empty) == 0
    assert empty.add_confirm.layout.display is None
    empty.add_confirm_button.click()
    assert _count(empty) == 1 and "position 1 added" in empty.add_result.value
    # a successful add clears the form
    assert empty.add_fields["short_strike"].value == "" and empty.add_fields["expiry"].value == ""
    assert empty.add_fields["contracts"].value == "1" and empty.add_confirm.layout.display == "none"


def test_credit_far_from_the_latest_mid_is_warned(demo):
    pos = demo.review.positions.query("status == 'open'").iloc[0]
    strategy = pos["strategy"]
    _fill(
        demo,
        strategy=strategy,
        short_strike=f"{pos['short_strike']:g}",
        long_strike=f"{pos['long_strike']:g}",
        expiry=str(pos["expiry"]),
        contracts="1",
        credit="1.00",
    )
    before = _count(demo)
    demo.add_button.click()
    assert "far from the latest mid credit" in demo.add_result.value
    assert _count(demo) == before
    demo.add_cancel_button.click()
    assert demo.add_confirm.layout.display == "none" and demo.add_result.value == ""


def test_close_asks_for_confirmation_and_shows_commissions(demo):
    pid = demo.close_position.value
    pos = demo.review.positions.set_index("id").loc[pid]
    demo.close_price.value = "0.05"
    demo.close_commission.value = "13"
    demo.close_button.click()
    ask = demo.close_result.value
    assert f"Close position #{pid}" in ask and "0.05 USD/share" in ask and "reason manual" in ask
    assert demo.review.positions.set_index("id").loc[pid, "status"] == "open"  # nothing written yet
    demo.close_confirm_button.click()
    assert demo.review.positions.set_index("id").loc[pid, "status"] == "closed"
    paid = (int(pos["commission_cents"]) + 1300) / 100
    gross = (pos["credit"] - 0.05) * int(pos["contracts"]) * 100
    msg = demo.close_result.value
    assert f"after {paid:,.2f} of commissions" in msg
    assert f"realized P&amp;L {gross - paid:+,.2f}" in msg and f"({gross:+,.2f} before commissions)" in msg
    row = re.search(rf'<tr data-position="{pid}">.*?</tr>', demo.closed.value).group(0)
    assert f'data-col="commissions">{paid:,.2f}<' in row


def test_changing_the_close_form_cancels_a_pending_confirmation(demo):
    demo.close_price.value = "0.05"
    demo.close_button.click()
    assert demo.close_confirm.layout.display is None
    demo.close_price.value = "0.06"
    assert demo.close_confirm.layout.display == "none"


def test_profit_target_of_50_is_50_percent_and_confirmed_in_words(demo):
    demo.rule_controls["profit_target_pct"].value = "50"
    demo.rules_button.click()
    assert demo.review.rules.profit_target_pct == 0.5
    assert "profit target 50% of the maximum profit" in demo.message
    assert "read 50 as percent" in demo.message and "{" not in demo.message
    demo.rule_controls["profit_target_pct"].value = "150"
    demo.rules_button.click()
    assert "you typed '150'" in demo.error and demo.review.rules.profit_target_pct == 0.5


def test_labels_and_numbers_read_as_words_and_figures(demo):
    page = demo.dashboard.value + demo.positions.value + demo.closed.value + demo.header.value
    for raw in ("np.float64", "-0.00<", "bear_call", "bull_put", "1 days", "unrealized_mid<"):
        assert raw not in page, raw
    assert "Commissions paid" in demo.dashboard.value
    assert '<td data-col="2">demo (synthetic)</td>' in demo.positions.value  # the tag is shown
    assert "<td>demo (synthetic)</td>" in demo.closed.value
    assert "commissions paid (USD)" in demo.positions.value
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", page)  # no microseconds


def test_unopened_panel_touches_no_book_until_open(tmp_path):
    """The preheated app builds the panel before the page is requested: the book is read by open()."""
    path = tmp_path / "later.sqlite"
    panel = BookReviewPanel(BookReviewParams(db_path=str(path)), open_book=False)
    assert not path.exists()
    assert "tailkit-kpi" not in panel.dashboard.value
    # a change written after the panel was built is what open() shows
    from tailkit.book import Book
    from tailkit.book.nav import set_nav

    with Book(path) as book:
        set_nav(book, "2500000")
    panel.open()
    assert not panel.review.needs_nav and panel.prompt.layout.display == "none"
    assert 'data-metric="nav">2,500,000.00<' in panel.dashboard.value
    assert str(path) in panel.title.value


def _days_to_expiry(panel, position_id: int) -> int:
    """Calendar days from the dashboard's valuation date (today, UTC) to the position's expiry, from its legs."""
    day = panel.review.marks.valuation_date
    today = dt.datetime.now(dt.UTC).date()
    assert 0 <= (today - day).days <= 1, day  # marked now (a test started just before midnight: yesterday)
    (expiry,) = {
        r[0] for r in panel.book.conn.execute("SELECT expiry FROM legs WHERE position_id = ?", (position_id,))
    }
    return (dt.date.fromisoformat(expiry[:10]) - day).days


def test_dashboard_shows_the_alerts(demo):
    # the demo's dates are moved by whole weeks to end within the last week, so the days left
    # to expiry depend on the weekday the test runs on (17 days on the demo's last day, so from 11 to 17)
    text = demo.dashboard.value
    row = re.search(r'<tr data-alert="exit:position:2:loss_limit" data-severity="critical">(.*?)</tr>', text)
    assert row is not None, text
    days = _days_to_expiry(demo, 2)
    assert 11 <= days <= 17
    assert (
        f"position 2: loss limit reached (P&amp;L at mid -1,780.00 USD, {days} days to expiry)"
        in row.group(1)
    )
    row = re.search(r'<tr data-alert="exit:position:3:profit_target" data-severity="info">(.*?)</tr>', text)
    assert row is not None, text
    days = _days_to_expiry(demo, 3)
    assert (
        f"position 3: profit target reached (P&amp;L at mid +240.00 USD, {days} days to expiry)"
        in row.group(1)
    )
    # the critical alert is listed before the informational one
    assert text.index("exit:position:2:loss_limit") < text.index("exit:position:3:profit_target")
    assert "data-open-alert" not in text


def test_dashboard_lists_stored_alerts_and_says_when_there_is_none(empty):
    from tailkit.book.alerts import Alert, raise_alerts

    assert "No alert: no exit signal, loss budget used below 80%." in empty.dashboard.value
    (stored,) = raise_alerts(
        empty.book,
        [
            Alert(
                "loss_budget",
                "loss_budget",
                "critical",
                "loss budget used 104.0% (threshold 80%) as of 2026-12-03T09:46:06Z",
                {"loss_budget_used": 1.04, "threshold": 0.8},
            )
        ],
    )
    empty.refresh()
    text = empty.dashboard.value
    assert f'<tr data-open-alert="{stored.id}">' in text and "loss budget used 104.0%" in text
    assert "tailkit book alerts --ack ID" in text


def test_alert_text_in_words():
    from tailkit.book.alerts import Alert
    from widgets.book import alert_text

    budget = Alert(
        "loss_budget", "loss_budget", "critical", "raw", {"loss_budget_used": 1.0021, "threshold": 0.8}
    )
    assert alert_text(budget) == "loss budget used 100.2% (alert at 80% of the budget)"
    exit_ = Alert(
        "exit_signal",
        "exit:position:7:loss_limit",
        "critical",
        "raw",
        {"position_id": 7, "signal": "loss_limit", "pnl_mid": -1234.5, "dte": 1},
    )
    assert alert_text(exit_) == "position 7: loss limit reached (P&L at mid -1,234.50 USD, 1 day to expiry)"
    other = Alert("regime", "regime:x", "warning", "regime transition calm -> stressed")
    assert alert_text(other) == "regime transition calm -> stressed"
