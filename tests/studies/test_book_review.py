"""The app's view (study) and its panel driven headless: NAV prompt, add, upload, close, errors, demo."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from book.conftest import EXPIRY, chain_frame  # tests/book/conftest.py (tests/ is on sys.path)

from tailkit.book import Book
from tailkit.errors import ParameterError
from tailkit.studies import load_notebook_parameters
from tailkit.studies.book_review import BookReviewParams, book_review, open_review_book


def test_params_validation_and_files():
    assert BookReviewParams().db_path == ""
    with pytest.raises(ParameterError):
        BookReviewParams(demo="yes")  # type: ignore[arg-type]
    from pathlib import Path

    for f in sorted((Path(__file__).resolve().parents[2] / "parameters" / "book_review").glob("*.yaml")):
        assert isinstance(load_notebook_parameters(f), BookReviewParams)


def test_demo_review():
    book = open_review_book(BookReviewParams(db_path=":memory:", demo=True))
    review = book_review(book)
    assert not review.needs_nav and len(review.positions) == 3
    assert (review.positions["tag"] == "demo (synthetic)").all()
    assert len(review.pnl_history) == 26 and review.risk_by_expiry["max_loss"].sum() > 0
    assert book.actor == "app"


def test_panel_headless(tmp_path):
    from widgets.book import BookReviewPanel

    panel = BookReviewPanel(BookReviewParams(db_path=str(tmp_path / "p.sqlite")))
    assert panel.review.needs_nav and panel.prompt.layout.display is None
    panel.nav_input.value = "1000000"
    panel.nav_button.click()
    assert not panel.review.needs_nav and panel.prompt.layout.display == "none"
    f = panel.add_fields
    f["short_strike"].value, f["long_strike"].value, f["expiry"].value = "88", "85", EXPIRY
    f["contracts"].value, f["credit"].value = "10", "3.10"
    panel.add_button.click()
    assert "credit" in panel.error and panel.error_box.layout.display is None
    assert panel.review.positions.empty
    f["credit"].value = "0.62"
    panel.add_button.click()
    assert panel.error == "" and 'data-position="1"' in panel.positions.value
    csv = chain_frame([("put", 88.0, 0.40, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5)]).to_csv(index=False)
    panel.upload.value = (
        {
            "name": "chain.csv",
            "type": "text/csv",
            "size": len(csv),
            "content": csv.encode(),
            "last_modified": datetime(2098, 12, 1, tzinfo=UTC),
        },
    )
    assert "2 quotes added" in panel.message
    panel.close_price.value = "0.30"
    panel.close_button.click()  # asks for confirmation first: nothing is written yet
    assert "Close position #1" in panel.message and panel.review.positions["status"].eq("open").all()
    panel.close_confirm_button.click()
    assert "realized P&L +320.00" in panel.message
    book = Book(tmp_path / "p.sqlite")
    actions = [r[0] for r in book.conn.execute("SELECT action FROM audit ORDER BY id")]
    assert actions == ["set_nav", "add", "import_chain", "mark", "close"]
    panel.rule_controls["dte_threshold"].value = 10
    panel.rules_button.click()
    assert panel.review.rules.dte_threshold == 10


def test_charts_for_empty_and_demo_books():
    from tailkit.charts.book import pnl_over_time_chart, risk_by_expiry_chart

    empty = book_review(Book(":memory:"))
    for chart in (
        pnl_over_time_chart(empty.pnl_history.iloc[:0]),
        risk_by_expiry_chart(empty.risk_by_expiry),
    ):
        spec = chart.to_dict()
        assert spec["mark"]["type"] == "text"  # a placeholder, not a bare frame
    demo = book_review(open_review_book(BookReviewParams(db_path=":memory:", demo=True)))
    pnl = pnl_over_time_chart(demo.pnl_history).to_dict()
    assert pnl["mark"]["type"] == "line" and len(next(iter(pnl["datasets"].values()))) == 3 * 26
    risk = risk_by_expiry_chart(demo.risk_by_expiry).to_dict()
    assert risk["mark"]["type"] == "bar"


def _losing_book(nav: str = "10000") -> Book:
    """A book whose realized loss (238.00) exceeds its loss budget (2.375% of a 10,000 NAV = 237.50)."""
    from tailkit.book.nav import set_nav
    from tailkit.book.positions import add_spread, close_position, spread_order

    book = Book(":memory:")
    set_nav(book, nav)
    order = spread_order(
        strategy="bull_put", short_strike="88", long_strike="85", expiry=EXPIRY, contracts="1", credit="0.62"
    )
    pid = add_spread(book, order)
    close_position(book, pid, exit_price="3.00", exit_reason="loss_limit")
    return book


def test_review_alerts_are_the_book_rules_on_the_marks():
    from tailkit.book.alerts import exit_signal_alerts, loss_budget_alert

    # the demo book: position 2 (the bear call) has reached its loss limit, position 3 (the
    # second bull put) its profit target; the loss budget is 6.3% used, so no loss-budget alert
    book = open_review_book(BookReviewParams(db_path=":memory:", demo=True))
    review = book_review(book)
    expected = exit_signal_alerts(review.marks) + loss_budget_alert(review.marks, threshold=0.8)
    keys = ["exit:position:2:loss_limit", "exit:position:3:profit_target"]
    assert [a.key for a in review.alerts] == [a.key for a in expected] == keys
    assert [(a.severity, a.payload["position_id"]) for a in review.alerts] == [("critical", 2), ("info", 3)]
    assert review.open_alerts.empty  # evaluating the rules for the app stores nothing
    assert book.conn.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 0

    # realized loss 238.00 against a 237.50 budget: used 100.2%, critical, listed first
    losing = book_review(_losing_book())
    assert losing.marks.totals.loss_budget_used == pytest.approx(238.0 / 237.5, rel=1e-12)
    assert [(a.rule, a.severity) for a in losing.alerts] == [("loss_budget", "critical")]
    # at 95,000 NAV the budget is 2,256.25: 10.5% used, below the 80% default, above a 10% threshold
    assert book_review(_losing_book("95000")).alerts == ()
    low = book_review(_losing_book("95000"), loss_budget_threshold=0.1)
    assert [(a.rule, a.severity) for a in low.alerts] == [("loss_budget", "warning")]
    with pytest.raises(ParameterError, match="threshold"):
        book_review(book, loss_budget_threshold=0.0)


def test_review_lists_stored_alerts_until_acknowledged():
    from tailkit.book.alerts import acknowledge, raise_alerts

    book = _losing_book()
    review = book_review(book)
    (stored,) = raise_alerts(book, list(review.alerts), reason="tailkit book alerts")
    shown = book_review(book).open_alerts
    assert shown["id"].tolist() == [stored.id] and shown["severity"].tolist() == ["critical"]
    acknowledge(book, int(stored.id))
    assert book_review(book).open_alerts.empty
    assert book_review(book).to_dict()["n_open_alerts"] == 0
