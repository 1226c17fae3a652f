"""Backup and restore: one verified file for either backend, refused when it does not match its manifest,
consistent while writers run (real processes), and the restore time of a 100,000-quote book."""

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
from tailkit.errors import DataError

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
    _fill(book, tmp_path)
    result = backup_book(book, tmp_path / "bk" / "book.backup")
    manifest = read_manifest(result.path)
    assert manifest == result.manifest and manifest["schema_version"] == book.version
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
def test_a_backup_taken_while_two_writers_run_restores_everything_committed_before_it(tmp_path, location):
    """Two writer processes add spreads and NAVs; a backup is taken mid-way; the restored book is
    consistent (every position with its legs, fill and audit event) and holds every operation that
    was committed when the backup started."""
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
        for w in writers:
            out, err = w.communicate(timeout=300)
            assert w.returncode == 0 and "done" in out, err
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
    with Book(tmp_path / "restored.sqlite") as target:
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
        assert committed <= ids
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
