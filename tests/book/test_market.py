"""Market data: chain import (idempotent, rejects reported, nothing written on a bad file), snapshots."""

from __future__ import annotations

import pytest

from tailkit.book import add_snapshot, import_chain
from tailkit.errors import DataError, ParameterError

from .conftest import EXPIRY, table_counts, write_chain

ROWS = [("put", 88.0, 0.40, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5), ("call", 95.0, 0.20, 0.25, 15.0)]


def test_import_then_reimport_adds_nothing(book, tmp_path):
    path = write_chain(tmp_path / "chain.csv", ROWS)
    first = import_chain(book, path)
    assert (first.n_new, first.n_duplicate, first.already_imported) == (3, 0, False)
    after_first = table_counts(book)
    again = import_chain(book, path)
    assert again.already_imported and again.n_new == 0
    assert table_counts(book) == after_first  # not even an audit event
    q = book.conn.execute(
        "SELECT contract, quote_time, bid_cents, ask_cents, iv, underlying_cents FROM quotes WHERE strike_cents = 8800"
    ).fetchone()
    assert tuple(q) == (f"TLT {EXPIRY} P 88.00", "2098-12-01T16:00:00", 40, 44, pytest.approx(0.16), 9000)
    snap = book.conn.execute("SELECT time, underlying_cents, source FROM snapshots").fetchall()
    assert [tuple(s) for s in snap] == [("2098-12-01T16:00:00", 9000, "chain")]
    assert [r[0] for r in book.conn.execute("SELECT action FROM audit")] == ["import_chain"]


def test_overlapping_file_adds_only_new_quotes(book, tmp_path):
    import_chain(book, write_chain(tmp_path / "a.csv", ROWS))
    more = [*ROWS, ("call", 98.0, 0.05, 0.08, 15.5)]
    result = import_chain(book, write_chain(tmp_path / "b.csv", more))
    assert (result.n_new, result.n_duplicate) == (1, 3)
    assert book.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == 4


def test_bad_rows_reported_good_rows_kept(book, tmp_path):
    rows = [*ROWS, ("put", 80.0, 0.30, 0.20, 18.0)]  # crossed quote
    result = import_chain(book, write_chain(tmp_path / "c.csv", rows))
    assert result.n_new == 3 and result.n_rejected == 1
    assert "crossed quote" in next(iter(result.reasons))


def test_unusable_file_writes_nothing(book, tmp_path):
    before = table_counts(book)
    bad = tmp_path / "bad.csv"
    bad.write_text("quote_date,strike\n2024-01-02,90\n")
    with pytest.raises(DataError, match=r"bad\.csv"):
        import_chain(book, bad)
    with pytest.raises(DataError):
        import_chain(book, tmp_path / "missing.csv")
    assert table_counts(book) == before


def test_snapshot(book):
    add_snapshot(book, underlying_price=91.23, time="2025-01-31T16:00:00", yield_20y=0.046, yield_30y=0.047)
    row = book.conn.execute("SELECT time, underlying_cents, yield_20y, yield_30y FROM snapshots").fetchone()
    assert tuple(row) == ("2025-01-31T16:00:00", 9123, 0.046, 0.047)
    before = table_counts(book)
    for kwargs, match in [
        ({"underlying_price": -1}, "underlying_price"),
        ({"underlying_price": 90, "yield_20y": 4.6}, "yield_20y=4.6"),
        ({"underlying_price": 90, "time": "someday"}, "time='someday'"),
    ]:
        with pytest.raises(ParameterError, match=match):
            add_snapshot(book, **kwargs)
    assert table_counts(book) == before
