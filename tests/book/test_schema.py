"""Schema: WAL, foreign keys, user_version migrations (an old v1 book is migrated), append-only audit."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from tailkit.book import SCHEMA_VERSION, Book, book_path
from tailkit.book.schema import SCHEMA_V1, migrate, split_statements
from tailkit.errors import DataError

#: what each backend raises when a constraint or the audit trigger refuses a change
REFUSED = (sqlite3.IntegrityError, psycopg.errors.IntegrityError, psycopg.errors.RaiseException)


def test_new_book_settings(book):
    assert book.version == SCHEMA_VERSION == 4
    if book.dialect == "sqlite":
        assert book.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert book.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert book.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    else:
        assert book.conn.execute("SELECT version FROM schema_info").fetchone()[0] == SCHEMA_VERSION
    assert book.integrity_check() == "ok"


def test_book_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("TAILKIT_BOOK", str(tmp_path / "env.sqlite"))
    assert book_path(tmp_path / "arg.sqlite") == tmp_path / "arg.sqlite"
    assert book_path(None) == tmp_path / "env.sqlite"
    monkeypatch.delenv("TAILKIT_BOOK")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert book_path("") == tmp_path / ".tailkit" / "book.sqlite"


def test_v1_book_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == [1]  # the v1 script kept in the code
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.execute(
        "INSERT INTO positions (opened_at, strategy, underlying, contracts, entry_price_cents, width_cents) "
        "VALUES ('2024-01-02T10:00:00Z', 'bull_put', 'TLT', 3, 62, 300)"
    )
    conn.execute(
        "INSERT INTO legs (position_id, kind, strike_cents, expiry, quantity, contract) "
        "VALUES (1, 'put', 8800, '2024-02-16', -1, 'TLT 2024-02-16 P 88.00')"
    )
    conn.execute(
        "INSERT INTO audit (time, actor, action, object, payload) VALUES ('2024-01-02T10:00:00Z', 'old', 'add', 'position:1', '{}')"
    )
    cols_v1 = {r[1] for r in conn.execute("PRAGMA table_info(positions)")}
    assert "tag" not in cols_v1
    conn.close()

    book = Book(path)
    assert book.version == 4
    row = book.conn.execute(
        "SELECT contracts, entry_price_cents, tag, commission_cents FROM positions"
    ).fetchone()
    assert tuple(row) == (3, 62, "", 0)
    assert book.conn.execute("SELECT COUNT(*) FROM marks").fetchone()[0] == 0
    assert book.conn.execute("SELECT action FROM audit").fetchone()[0] == "add"
    assert book.integrity_check() == "ok"
    book.close()
    assert Book(path).version == 4  # idempotent re-open


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DataError, match="newer than this tailkit"):
        Book(path)


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DataError, match="not a tailkit book"):
        Book(path)


def test_audit_is_append_only(book):
    with book.transaction():
        book.record("test", "thing", reason="why", payload={"a": 1})
    with pytest.raises(REFUSED, match="append-only"):
        with book.transaction() as conn:
            conn.execute("UPDATE audit SET reason = 'rewritten'")
    with pytest.raises(REFUSED, match="append-only"):
        with book.transaction() as conn:
            conn.execute("DELETE FROM audit")
    if book.dialect == "postgresql":
        with pytest.raises(REFUSED, match="append-only"):
            with book.transaction() as conn:
                conn.execute("TRUNCATE audit")
    assert [tuple(r) for r in book.conn.execute("SELECT reason FROM audit")] == [("why",)]


def test_record_needs_a_transaction(book):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        book.record("x", "y")


def test_foreign_keys_enforced(book):
    with pytest.raises(REFUSED):
        with book.transaction() as conn:
            conn.execute(
                "INSERT INTO legs (position_id, kind, strike_cents, expiry, quantity, contract) "
                "VALUES (999, 'put', 100, '2099-01-01', 1, 'x')"
            )


def test_split_statements_keeps_triggers():
    stmts = split_statements(SCHEMA_V1)
    triggers = [s for s in stmts if s.startswith("CREATE TRIGGER")]
    assert len(triggers) == 2 and all(s.rstrip().endswith("END;") for s in triggers)
