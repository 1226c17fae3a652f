"""Export to JSON/CSV and import into an empty book: every record comes back unchanged."""

from __future__ import annotations

import pytest

from tailkit.book import Book, add_spread, close_position, import_chain, mark_book, set_nav, spread_order
from tailkit.book.transfer import EXPORT_TABLES, export_book, import_book
from tailkit.errors import DataError

from .conftest import EXPIRY, QUOTE_DATE, table_counts, write_chain


def _fill(book, tmp_path):
    set_nav(book, 1_000_000)
    a = add_spread(
        book,
        spread_order(
            strategy="bull_put",
            short_strike=88,
            long_strike=85,
            expiry=EXPIRY,
            contracts=10,
            credit=0.62,
            tag="",
        ),
    )
    add_spread(
        book,
        spread_order(
            strategy="bear_call",
            short_strike=95,
            long_strike=98,
            expiry=EXPIRY,
            contracts=3,
            credit=0.41,
            tag='calls, "quoted"',
        ),
    )
    import_chain(
        book,
        write_chain(tmp_path / "c.csv", [("put", 88.0, 0.4, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5)]),
    )
    mark_book(book, as_of=QUOTE_DATE, save=True)
    close_position(book, a, exit_price=0.25, commission=1.3)


def _dump(book):
    return {
        t: [
            tuple(r)
            for r in book.conn.execute(f"SELECT * FROM {t} ORDER BY " + ("key" if t == "settings" else "id"))
        ]
        for t in EXPORT_TABLES
    }


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip(book, tmp_path, fmt):
    _fill(book, tmp_path)
    out = tmp_path / ("export.json" if fmt == "json" else "export")
    exported = export_book(book, out, fmt=fmt)
    assert exported.rows["positions"] == 2 and exported.rows["audit"] == 6
    target = Book(tmp_path / f"copy-{fmt}.sqlite")
    result = import_book(target, out)
    assert result.rows == exported.rows
    copy = _dump(target)
    audit = copy.pop("audit")
    original = _dump(book)
    assert audit[:-1] == original.pop("audit")  # the copied log, then one "import" event
    assert audit[-1][3] == "import"
    assert copy == original
    assert target.integrity_check() == "ok"


def test_import_into_non_empty_book_writes_nothing(book, tmp_path):
    _fill(book, tmp_path)
    export_book(book, tmp_path / "e.json")
    before = table_counts(book)
    with pytest.raises(DataError, match="already holds records"):
        import_book(book, tmp_path / "e.json")
    assert table_counts(book) == before


def test_bad_exports(tmp_path):
    target = Book(tmp_path / "t.sqlite")
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(DataError, match="not valid JSON"):
        import_book(target, tmp_path / "x.json")
    (tmp_path / "y.json").write_text('{"format": "something"}')
    with pytest.raises(DataError, match="not a book export"):
        import_book(target, tmp_path / "y.json")
    (tmp_path / "z.json").write_text(
        '{"format": "tailkit-book", "schema_version": 2, "tables": {"legs": [{"id": 1, "position_id": 9, '
        '"kind": "put", "strike_cents": 100, "expiry": "2099-01-01", "quantity": 1, "contract": "x"}]}}'
    )
    with pytest.raises(DataError):
        import_book(target, tmp_path / "z.json")
    assert all(v == 0 for v in table_counts(target).values())
