"""The book on PostgreSQL: SQL translation, the twin schemas, and ``tailkit book migrate``.

The rest of the book suite already runs on both backends (the ``book`` fixture); these tests
cover what only exists because there are two.
"""

from __future__ import annotations

import sqlite3

import pytest

from tailkit.book import Book
from tailkit.book.migration import copy_book
from tailkit.book.postgres import redact_url, translate
from tailkit.book.schema import MIGRATIONS, table_columns
from tailkit.book.schema_postgres import PG_MIGRATIONS
from tailkit.cli import main
from tailkit.errors import DataError


def test_translate_placeholders_literals_and_insert_or_ignore():
    sql, returns = translate(
        "SELECT object FROM audit WHERE action = ? AND object LIKE 'position:%' AND x = '?'"
    )
    assert sql == "SELECT object FROM audit WHERE action = %s AND object LIKE 'position:%%' AND x = '?'"
    assert not returns
    sql, returns = translate("INSERT OR IGNORE INTO quotes (contract, quote_time) VALUES (?, ?)")
    assert (
        sql == "INSERT INTO quotes (contract, quote_time) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING id"
    )
    assert returns
    sql, returns = translate("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
    assert not returns and "RETURNING" not in sql


def test_redact_url_hides_the_password():
    assert (
        redact_url("postgresql://desk:s3cret@db.example:5432/book")
        == "postgresql://desk:***@db.example:5432/book"
    )
    assert redact_url("postgresql://desk@db/book") == "postgresql://desk@db/book"


def test_both_backends_have_the_same_tables_and_columns(tmp_path, pg_url):
    assert len(MIGRATIONS) == len(PG_MIGRATIONS)
    lite, pg = Book(tmp_path / "b.sqlite"), Book(pg_url)
    assert lite.tables() == pg.tables()
    for table in lite.tables():
        assert table_columns(lite.conn, table) == table_columns(pg.conn, table), table
    assert lite.version == pg.version
    lite.close()
    pg.close()


def test_unreachable_server_names_the_url_not_the_password():
    with pytest.raises(DataError, match=r"postgresql://u:\*\*\*@127\.0\.0\.1:1/x: cannot open the book"):
        Book("postgresql://u:pw@127.0.0.1:1/x")


def test_migrate_command_sqlite_to_postgresql_and_back(tmp_path, pg_url, pg_server, capsys):
    src = str(tmp_path / "demo.sqlite")
    assert main(["book", "demo", "--db", src]) == 0
    with Book(src) as book:
        want_rows, want_hash = book.row_counts(), book.content_hash()
    assert want_rows["audit"] > 0 and want_rows["quotes"] > 0
    capsys.readouterr()
    assert main(["book", "migrate", "--from", f"sqlite:///{src}", "--to", pg_url, "--reason", "desk"]) == 0
    out = capsys.readouterr().out
    assert f"content hash {want_hash[:16]}" in out
    with Book(pg_url) as pg:
        rows = pg.row_counts()
        assert rows == {**want_rows, "audit": want_rows["audit"] + 1}  # plus the migrate_from event
        last = pg.conn.execute("SELECT action, reason FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        assert tuple(last) == ("migrate_from", "desk")
        # the id generators moved past the copied ids: a new write gets a fresh id
        with pg.transaction():
            new_id = pg.record("check", "book")
        assert new_id == rows["audit"] + 1
    back = tmp_path / "back.sqlite"
    assert main(["book", "migrate", "--from", pg_url, "--to", str(back)]) == 0
    with Book(back) as lite:
        assert lite.row_counts()["audit"] == want_rows["audit"] + 3
        assert lite.integrity_check() == "ok"


def test_migrate_into_a_non_empty_book_writes_nothing(tmp_path, pg_url, capsys):
    src = str(tmp_path / "demo.sqlite")
    assert main(["book", "demo", "--db", src]) == 0
    with Book(src) as a, Book(pg_url) as b:
        copy_book(a, b)
        before = b.row_counts()
        with pytest.raises(DataError, match="already holds records"):
            copy_book(a, b)
        assert b.row_counts() == before
    capsys.readouterr()
    assert main(["book", "migrate", "--from", src, "--to", pg_url]) == 2
    assert "already holds records" in capsys.readouterr().err


def test_copy_refuses_a_book_of_another_schema_version(tmp_path, pg_url):
    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(old, isolation_level=None)
    from tailkit.book.schema import migrate

    migrate(conn, target=1)
    conn.close()
    src = Book.__new__(Book)  # open without migrating forward: read the v1 file as it is
    src.dialect, src.path, src.actor = "sqlite", old, "t"
    src.conn = sqlite3.connect(old, isolation_level=None)
    with Book(pg_url) as target, pytest.raises(DataError, match="unexpected tables"):
        copy_book(src, target)
    src.conn.close()
