"""Backup and restore: SQLite-format and pg_dump backups verified against their manifest, refused when
they do not match it or the target holds records, consistent while writers run (real processes), and
the backup and restore times of a 100,000-quote book."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tailkit.book import Book, add_spread, import_chain, set_nav, spread_order
from tailkit.book.alerts import Alert, raise_alerts
from tailkit.book.backup import backup_book, manifest_path, read_manifest, restore_book
from tailkit.errors import DataError, ParameterError

from .conftest import EXPIRY, write_chain
from .test_reliability import ENV, WRITER

ORDER = dict(strategy="bull_put", short_strike=88, long_strike=85, expiry=EXPIRY, contracts=2, credit=0.62)


def _fill(book: Book, tmp_path: Path) -> None:
    add_spread(book, spread_order(**ORDER))
    set_nav(book, 1_000_000)
    import_chain(
        book,
        write_chain(tmp_path / "chain.csv", [("put", 88.0, 1.6, 1.7, 19.0), ("put", 85.0, 0.3, 0.34, 20.0)]),
    )
    raise_alerts(book, [Alert("loss_budget", "loss_budget", "warning", "loss budget used 85.0%")])


def test_backup_and_restore_round_trip_on_both_backends(book, tmp_path):
    """The SQLite-format backup (a SQLite book's only format; ``--format sqlite`` of a PostgreSQL book)."""
    _fill(book, tmp_path)
    result = backup_book(book, tmp_path / "bk" / "book.backup", fmt="sqlite")
    manifest = read_manifest(result.path)
    assert manifest == result.manifest and manifest["schema_version"] == book.version
    assert manifest["format"] == "tailkit-book-sqlite"
    assert not Path(result.path + "-wal").exists()  # one self-contained file
    if book.dialect == "sqlite":  # the page copy: the same content
        assert manifest["content_hash"] == book.content_hash() and manifest["rows"] == book.row_counts()
    else:  # the logical copy adds its "backup" audit event
        assert manifest["rows"]["audit"] == book.row_counts()["audit"] + 1
    with Book(tmp_path / "restored.sqlite") as target:
        restored = restore_book(result.path, target)
        assert restored.rows == manifest["rows"]
        rows = target.row_counts()
        assert rows["audit"] == manifest["rows"]["audit"] + 1  # + the "restore" event
        assert {t: n for t, n in rows.items() if t != "audit"} == {
            t: n for t, n in manifest["rows"].items() if t != "audit"
        }
        last = target.conn.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert last == "restore" and target.integrity_check() == "ok"


def test_a_backup_that_does_not_match_its_manifest_is_refused_and_nothing_is_restored(tmp_path):
    with Book(tmp_path / "book.sqlite") as book:
        _fill(book, tmp_path)
        path = backup_book(book, tmp_path / "book.backup").path
    m = manifest_path(path)
    data = json.loads(m.read_text())
    m.write_text(json.dumps({**data, "rows": {**data["rows"], "positions": 2}}))
    with Book(tmp_path / "target.sqlite") as target:
        with pytest.raises(DataError, match=r"does not match its manifest: row counts"):
            restore_book(path, target)
        assert sum(target.row_counts().values()) == 0
    m.unlink()
    with Book(tmp_path / "target.sqlite") as target, pytest.raises(DataError, match="manifest is missing"):
        restore_book(path, target)


def test_restore_into_a_book_with_records_writes_nothing(tmp_path):
    with Book(tmp_path / "book.sqlite") as book:
        _fill(book, tmp_path)
        path = backup_book(book, tmp_path / "book.backup").path
        before = book.row_counts()
        with pytest.raises(DataError, match="already holds records"):
            restore_book(path, book)
        assert book.row_counts() == before


def test_backup_and_restore_commands(tmp_path, capsys):
    from tailkit.cli import main

    db, backup, target = (str(tmp_path / n) for n in ("book.sqlite", "b.backup", "new.sqlite"))
    with Book(db) as book:
        _fill(book, tmp_path)
    assert main(["book", "backup", "--db", db, "--to", backup]) == 0
    assert main(["book", "restore", "--db", target, "--from", backup]) == 0
    out = capsys.readouterr().out
    assert "verified: row counts and content hash" in out
    assert main(["book", "restore", "--db", target, "--from", backup]) == 2  # not empty any more
    assert "already holds records" in capsys.readouterr().err


BACKUP_WHILE_WRITING = 40


@pytest.mark.slow
def test_a_backup_taken_while_two_writers_run_restores_everything_committed_before_it(
    tmp_path, location, request
):
    """Two writer processes add spreads and NAVs; a backup is taken mid-way (the default format:
    SQLite's online backup, PostgreSQL's pg_dump); the restored book is consistent (every position
    with its legs, fill and audit event) and holds every operation that was committed when the
    backup started; a pg_dump backup restores onto a PostgreSQL book, verified against the manifest
    computed in the dumped snapshot."""
    with Book(location, actor="setup"):
        pass
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, location, f"w{i}", str(BACKUP_WHILE_WRITING), str(go)],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    try:
        with Book(location, actor="backup") as book:
            go.touch()
            end = time.monotonic() + 120
            while book.conn.execute("SELECT COUNT(*) FROM positions").fetchone()[0] < 10:
                assert time.monotonic() < end, "writers did not start"
                time.sleep(0.05)
            committed = {int(r[0]) for r in book.conn.execute("SELECT id FROM positions").fetchall()}
            result = backup_book(book, tmp_path / "live.backup")
            written_during_backup = book.conn.execute("SELECT COUNT(*) FROM positions").fetchone()[0]
        for w in writers:
            out, err = w.communicate(timeout=300)
            assert w.returncode == 0 and "done" in out, err
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
    postgres = result.manifest["format"] == "tailkit-book-pg_dump"
    assert postgres == location.startswith("postgresql://")
    where = request.getfixturevalue("new_pg_url")() if postgres else tmp_path / "restored.sqlite"
    with Book(where) as target:
        restore_book(result.path, target)
        ids = {int(r[0]) for r in target.conn.execute("SELECT id FROM positions").fetchall()}
        n_pos, n_legs, n_fills, n_add, n_nav, n_set = (
            target.conn.execute(sql).fetchone()[0]
            for sql in (
                "SELECT COUNT(*) FROM positions",
                "SELECT COUNT(*) FROM legs",
                "SELECT COUNT(*) FROM fills",
                "SELECT COUNT(*) FROM audit WHERE action = 'add'",
                "SELECT COUNT(*) FROM nav",
                "SELECT COUNT(*) FROM audit WHERE action = 'set_nav'",
            )
        )
        assert committed <= ids and len(ids) <= written_during_backup
        assert n_legs == 2 * n_pos and n_fills == n_pos and n_add == n_pos and n_set == n_nav
        assert target.integrity_check() == "ok"
    with Book(location) as book:  # the writers went on after the backup
        assert book.conn.execute("SELECT COUNT(*) FROM positions").fetchone()[0] == 2 * BACKUP_WHILE_WRITING


@pytest.mark.slow
@pytest.mark.parametrize("target_kind", ["sqlite", "postgresql"])
def test_restore_time_of_a_100000_quote_book(tmp_path, target_kind, request):
    """Issue 17: restore of a 100,000-quote book well under 5 minutes (measured and printed, not asserted).

    The book is the benchmark's (``benchmarks/book.py``): 100,000 quotes and 500 open spreads.
    """
    from benchmarks.book import build_book

    book = build_book(tmp_path / "big.sqlite")
    with book:
        rows = book.row_counts()
        backup = backup_book(book, tmp_path / "big.backup")
    where = (
        str(tmp_path / "restored.sqlite") if target_kind == "sqlite" else request.getfixturevalue("pg_url")
    )
    with Book(where) as target:
        result = restore_book(backup.path, target)
        assert target.row_counts()["quotes"] == rows["quotes"] == 100_000
        assert target.row_counts()["positions"] == rows["positions"] == 500
    print(
        f"\nrestore onto {target_kind}: {rows['quotes']} quotes, {rows['positions']} positions; "
        f"backup {backup.seconds:.2f} s, restore (verify + copy + verify) {result.seconds:.2f} s"
    )


def _restored_content_matches(target: Book, manifest: dict) -> None:
    """The target holds the manifest's rows plus its one ``restore`` audit event, and nothing else."""
    rows = target.row_counts()
    assert rows == {**manifest["rows"], "audit": manifest["rows"]["audit"] + 1}
    last = target.conn.execute("SELECT action, payload FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert last[0] == "restore" and json.loads(last[1])["content_hash"] == manifest["content_hash"]
    assert target.integrity_check() == "ok"


def test_pg_dump_backup_round_trip(pg_url, new_pg_url, tmp_path):
    """A PostgreSQL book's default backup is pg_dump custom format; the manifest is the book's own
    counts and hash (nothing is added), and the restore reproduces them exactly."""
    with Book(pg_url, actor="tester") as book:
        _fill(book, tmp_path)
        rows, digest = book.row_counts(), book.content_hash()
        result = backup_book(book, tmp_path / "book.dump")
    manifest = read_manifest(result.path)
    assert manifest == result.manifest and manifest["format"] == "tailkit-book-pg_dump"
    assert manifest["rows"] == rows and manifest["content_hash"] == digest
    assert Path(result.path).read_bytes()[:5] == b"PGDMP"  # pg_dump's custom-format signature
    with Book(new_pg_url(), actor="tester") as target:
        restored = restore_book(result.path, target)
        assert restored.rows == rows and "verified" in restored.summary()
        _restored_content_matches(target, manifest)
        with target.transaction():  # ids continue after the restored ones
            new_id = target.record("note", "book")
        assert new_id == rows["audit"] + 2


def test_pg_dump_backup_is_refused_by_a_non_empty_book_and_by_a_sqlite_book(pg_url, new_pg_url, tmp_path):
    with Book(pg_url, actor="tester") as book:
        _fill(book, tmp_path)
        path = backup_book(book, tmp_path / "book.dump").path
        before = book.row_counts()
        with pytest.raises(DataError, match="already holds records"):
            restore_book(path, book)
        assert book.row_counts() == before
    with Book(tmp_path / "t.sqlite") as target:
        with pytest.raises(DataError, match="restores onto a PostgreSQL book"):
            restore_book(path, target)
        assert sum(target.row_counts().values()) == 0
        with pytest.raises(ParameterError, match="format"):
            backup_book(target, tmp_path / "x.dump", fmt="pg_dump")


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda m: {**m, "rows": {**m["rows"], "positions": 2}}, id="row-count"),
        pytest.param(lambda m: {**m, "content_hash": "0" * 64}, id="content-hash"),
    ],
)
def test_pg_dump_backup_with_a_tampered_manifest_is_refused_and_nothing_is_restored(
    pg_url, new_pg_url, tmp_path, tamper
):
    with Book(pg_url, actor="tester") as book:
        _fill(book, tmp_path)
        path = backup_book(book, tmp_path / "book.dump").path
    m = manifest_path(path)
    m.write_text(json.dumps(tamper(json.loads(m.read_text()))))
    with Book(new_pg_url(), actor="tester") as target:
        with pytest.raises(DataError, match="does not match its manifest"):
            restore_book(path, target)
        assert sum(target.row_counts().values()) == 0  # one transaction, rolled back


def test_pg_dump_backup_commands_and_the_sqlite_format_option(pg_url, new_pg_url, tmp_path, capsys):
    from tailkit.cli import main

    with Book(pg_url, actor="tester") as book:
        _fill(book, tmp_path)
    dump, copy = str(tmp_path / "b.dump"), str(tmp_path / "b.sqlite")
    assert main(["book", "backup", "--db", pg_url, "--to", dump]) == 0
    assert main(["book", "backup", "--db", pg_url, "--to", copy, "--format", "sqlite"]) == 0
    assert read_manifest(dump)["format"] == "tailkit-book-pg_dump"
    assert read_manifest(copy)["format"] == "tailkit-book-sqlite"
    assert main(["book", "restore", "--db", new_pg_url(), "--from", dump]) == 0
    assert main(["book", "restore", "--db", str(tmp_path / "r.sqlite"), "--from", copy]) == 0
    assert capsys.readouterr().out.count("verified: row counts and content hash") == 2


def test_missing_pg_dump_is_named(pg_url, tmp_path, monkeypatch):
    import tailkit.book.pgdump as pgdump

    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(pgdump, "PG_BIN_GLOB", str(tmp_path / "none" / "*" / "bin"))
    with Book(pg_url, actor="tester") as book:
        with pytest.raises(DataError, match=r"pg_dump not found on PATH .*--format sqlite"):
            backup_book(book, tmp_path / "book.dump")
    assert not list(tmp_path.glob("*book.dump*"))  # nothing left behind


@pytest.mark.slow
def test_backup_and_restore_times_of_a_100000_quote_book_on_postgresql(pg_url, new_pg_url, tmp_path):
    """Issue 17: pg_dump backup and restore of the benchmark's book (``benchmarks/book.py``: 100,000
    quotes, 500 open spreads) on PostgreSQL, measured and printed (not asserted)."""
    from benchmarks.book import build_book

    book = build_book(pg_url)
    with book:
        rows = book.row_counts()
        backup = backup_book(book, tmp_path / "big.dump")
    with Book(new_pg_url()) as target:
        result = restore_book(backup.path, target)
        assert target.row_counts()["quotes"] == rows["quotes"] == 100_000
        assert target.row_counts()["positions"] == rows["positions"] == 500
    size = Path(backup.path).stat().st_size / 1e6
    print(
        f"\npg_dump backup of a PostgreSQL book: {rows['quotes']} quotes, {rows['positions']} positions; "
        f"backup (snapshot + hash + pg_dump) {backup.seconds:.2f} s, {size:.1f} MB; "
        f"restore (pg_restore + load + verify) {result.seconds:.2f} s"
    )
