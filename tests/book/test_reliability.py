"""Reliability with real processes: kill -9 mid-import, concurrent writers, consistent readers.

Both run on SQLite and on the test PostgreSQL server (``location``).

* A process importing a large chain is killed with SIGKILL after a few batches were inserted
  (inside the import's transaction): the book is exactly as before (same SQL dump), sound
  (``PRAGMA integrity_check``), and the same file then imports completely.
* Two processes write many operations each (a spread added, a NAV set) at the same time while
  a third reads in a loop: no write is lost, nothing is corrupt, and every read sees whole
  operations only (a position always with its two legs, its fill and its audit event).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tailkit.book import Book, add_spread, import_chain, set_nav, spread_order
from tailkit.data import write_option_chain
from tailkit.synthetic.chain import synthetic_option_chain

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(REPO))

IMPORTER = """
import sys, time
from tailkit.book import Book, import_chain
book = Book(sys.argv[1], actor="importer")
def progress(done, total):
    print(f"progress {done} {total}", flush=True)
    time.sleep(0.3)
import_chain(book, sys.argv[2], progress=progress, chunk_size=2000)
print("done", flush=True)
"""

WRITER = """
import sys, time
from pathlib import Path
from tailkit.book import Book, add_spread, set_nav, spread_order
book = Book(sys.argv[1], actor=sys.argv[2])
n = int(sys.argv[3])
while not Path(sys.argv[4]).exists():
    time.sleep(0.01)
for i in range(n):
    order = spread_order(strategy="bull_put", short_strike=88, long_strike=85, expiry="2099-01-16",
                         contracts=1 + i % 5, credit=0.62, tag=f"{sys.argv[2]}-{i}")
    add_spread(book, order)
    set_nav(book, 1_000_000 + i, note=f"{sys.argv[2]}-{i}")
print("done", flush=True)
"""

READER = """
import sys, time
from pathlib import Path
from tailkit.book import Book
book = Book(sys.argv[1], actor="reader")
reads = bad = 0
while not Path(sys.argv[2]).exists():
    with book.read() as conn:
        n_pos = conn.execute("SELECT COUNT(*) FROM positions").fetchone()[0]
        n_legs = conn.execute("SELECT COUNT(*) FROM legs").fetchone()[0]
        n_fills = conn.execute("SELECT COUNT(*) FROM fills").fetchone()[0]
        n_nav = conn.execute("SELECT COUNT(*) FROM nav").fetchone()[0]
        n_add = conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'add'").fetchone()[0]
        n_set = conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'set_nav'").fetchone()[0]
    reads += 1
    if not (n_legs == 2 * n_pos and n_fills == n_pos and n_add == n_pos and n_set == n_nav):
        bad += 1
        print(f"HALF {n_pos} {n_legs} {n_fills} {n_add} {n_nav} {n_set}", flush=True)
print(f"reads {reads} bad {bad}", flush=True)
"""


def _big_chain(path: Path, n_days: int = 100) -> int:
    days = pd.bdate_range("2090-01-02", periods=n_days)
    frames = [synthetic_option_chain(100.0 + 0.05 * i, day, seed=i) for i, day in enumerate(days)]
    chain = pd.concat(frames, ignore_index=True)
    write_option_chain(chain, path)
    return len(chain)


def _dump(book: Book) -> tuple[dict[str, int], str]:
    if book.dialect == "sqlite":
        return book.row_counts(), "\n".join(book.conn.iterdump())
    return book.row_counts(), book.content_hash()


def test_kill_9_during_chain_import_leaves_book_unchanged(tmp_path, location):
    db = location
    book = Book(db)
    set_nav(book, 1_000_000)
    add_spread(
        book,
        spread_order(
            strategy="bull_put", short_strike=88, long_strike=85, expiry="2099-01-16", contracts=2, credit=0.5
        ),
    )
    before = _dump(book)
    chain = tmp_path / "big_chain.csv"
    n_quotes = _big_chain(chain)
    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(db), str(chain)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=str(REPO),
    )
    try:
        inserted = 0
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("progress"):
                inserted = int(line.split()[1])
                if inserted >= 6000:  # three batches written inside the open transaction
                    break
        assert inserted >= 6000, proc.stderr.read()  # type: ignore[union-attr]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _dump(book) == before
    book.close()
    reopened = Book(db)
    assert reopened.integrity_check() == "ok"
    assert _dump(reopened) == before
    assert reopened.conn.execute("SELECT COUNT(*) FROM chain_files").fetchone()[0] == 0
    result = import_chain(reopened, chain)  # the interrupted import left no trace: it runs in full
    assert result.n_new == n_quotes and not result.already_imported


def test_concurrent_writers_lose_nothing_and_readers_see_whole_operations(tmp_path, location):
    db = location
    Book(db).close()
    go, stop = tmp_path / "go", tmp_path / "stop"
    n = 100
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), name, str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            cwd=str(REPO),
        )
        for name in ("cli", "app")
    ]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=str(REPO),
    )
    try:
        time.sleep(0.5)
        go.touch()
        outs = [w.communicate(timeout=300) for w in writers]
        for w, (out, err) in zip(writers, outs):
            assert w.returncode == 0, err[-2000:]
            assert "done" in out
    finally:
        stop.touch()
        r_out, r_err = reader.communicate(timeout=120)
    assert reader.returncode == 0, r_err[-2000:]
    assert "HALF" not in r_out, r_out[:2000]
    reads = int(r_out.split("reads ")[1].split()[0])
    assert reads > 0
    print(f"\nreader made {reads} consistent reads during {2 * n * 2} concurrent writes")

    book = Book(db)
    assert book.integrity_check() == "ok"
    tags = {r[0] for r in book.conn.execute("SELECT tag FROM positions")}
    assert tags == {f"{w}-{i}" for w in ("cli", "app") for i in range(n)}
    notes = {r[0] for r in book.conn.execute("SELECT note FROM nav")}
    assert notes == {f"{w}-{i}" for w in ("cli", "app") for i in range(n)}
    assert book.conn.execute("SELECT COUNT(*) FROM legs").fetchone()[0] == 4 * n
    actors = dict(book.conn.execute("SELECT actor, COUNT(*) FROM audit GROUP BY actor").fetchall())
    assert actors == {"cli": 2 * n, "app": 2 * n}


CLOSER = """
import sys, time
from pathlib import Path
from tailkit.book import Book, close_position
from tailkit.errors import ParameterError
book = Book(sys.argv[1], actor=sys.argv[2])
ids = [int(x) for x in sys.argv[3].split(",")]
while not Path(sys.argv[4]).exists():
    time.sleep(0.01)
won = lost = 0
for pid in ids:
    try:
        close_position(book, pid, exit_price=0.2 if sys.argv[2] == "a" else 0.3)
        won += 1
    except ParameterError:
        lost += 1
print(f"won {won} lost {lost}", flush=True)
"""


def test_racing_closes_close_each_position_exactly_once(tmp_path, location):
    """Two processes close the same positions at once: each is closed once, by one of them (no lost update)."""
    book = Book(location)
    n = 40
    ids = [
        add_spread(
            book,
            spread_order(
                strategy="bull_put",
                short_strike=88,
                long_strike=85,
                expiry="2099-01-16",
                contracts=1,
                credit=0.6,
            ),
        )
        for _ in range(n)
    ]
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLOSER, location, name, ",".join(map(str, ids)), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            cwd=str(REPO),
        )
        for name in ("a", "b")
    ]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=300) for p in procs]
    won = 0
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        won += int(out.split()[1])
    assert won == n
    fills = dict(book.conn.execute("SELECT action, COUNT(*) FROM fills GROUP BY action").fetchall())
    assert fills == {"open": n, "close": n}
    closes = book.conn.execute(
        "SELECT object, COUNT(*) FROM audit WHERE action = 'close' GROUP BY object"
    ).fetchall()
    assert len(closes) == n and all(c == 1 for _, c in closes)
    # the exit price stored is the winner's: it matches the actor of the position's close event
    for pid in ids:
        price = book.conn.execute("SELECT exit_price_cents FROM positions WHERE id = ?", (pid,)).fetchone()[0]
        actor = book.conn.execute(
            "SELECT actor FROM audit WHERE action = 'close' AND object = ?", (f"position:{pid}",)
        ).fetchone()[0]
        assert price == {"a": 20, "b": 30}[actor]
    book.close()
