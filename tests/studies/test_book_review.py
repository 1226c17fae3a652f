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
