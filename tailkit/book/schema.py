"""The book's SQLite schema and its forward migrations.

The schema version lives in ``PRAGMA user_version``. :data:`MIGRATIONS` is the list of SQL
scripts that take a database from version ``i`` to ``i + 1``; a new book is built by running
all of them from version 0, so every database (new or old) reaches the current schema through
the same scripts. Each migration runs in one ``BEGIN IMMEDIATE`` transaction together with the
``user_version`` bump: an interrupted migration leaves the previous version intact.

Version 1 (the first release)
    ``positions`` (one row per multi-leg position; money in integer cents), ``legs`` (kind,
    strike, expiry, signed quantity per unit, contract key), ``fills``, ``snapshots``
    (underlying price and 20y/30y yields at a time), ``chain_files`` (imported chain files by
    SHA-256), ``quotes`` (one per contract and quote time), ``nav``, ``exit_rules`` (one row)
    and the append-only ``audit`` log (update and delete refused by triggers).
Version 2
    ``marks`` (saved marks per position and mark time), ``settings`` (key/value: base yield,
    loss-budget fraction, Kelly fraction, max % of NAV at risk, risk-free rate), and a
    ``tag`` and ``commission_cents`` column on ``positions``.
Version 3
    ``alerts`` (rule, key, severity, message, payload; open until acknowledged: one open alert
    per key, enforced by a partial unique index).
Version 4
    ``alerts.notify_claimed_at`` and ``alerts.notified_at`` (a sender claims an alert before
    sending and records the delivery after it; a failed delivery releases the claim and a claim
    older than the lease is taken again, so an alert is retried until delivered and two
    watchers never both send it) and ``watch_state`` (one row per watcher: its last cycle's
    start, end, duration, counts and errors, read by ``tailkit book health``; operational
    state, not a change of the book, so it has no audit event).

Never edit a released migration; append a new one.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tailkit.book.schema_postgres import PG_BOOTSTRAP, PG_MIGRATIONS
from tailkit.errors import DataError

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SCHEMA_V1",
    "migrate",
    "split_statements",
    "schema_version",
    "table_names",
    "table_columns",
    "reset_identities",
]

SCHEMA_V1 = """
CREATE TABLE positions (
    id INTEGER PRIMARY KEY,
    opened_at TEXT NOT NULL,
    strategy TEXT NOT NULL CHECK (strategy IN ('bull_put', 'bear_call')),
    underlying TEXT NOT NULL,
    contracts INTEGER NOT NULL CHECK (contracts > 0),
    multiplier INTEGER NOT NULL DEFAULT 100 CHECK (multiplier > 0),
    entry_price_cents INTEGER NOT NULL,
    width_cents INTEGER NOT NULL CHECK (width_cents > 0),
    entry_underlying_cents INTEGER CHECK (entry_underlying_cents > 0),
    entry_iv REAL,
    entry_delta REAL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'rolled')),
    closed_at TEXT,
    exit_price_cents INTEGER,
    exit_reason TEXT,
    rolled_from INTEGER REFERENCES positions(id),
    CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX positions_status ON positions(status);
CREATE TABLE legs (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    kind TEXT NOT NULL CHECK (kind IN ('put', 'call')),
    strike_cents INTEGER NOT NULL CHECK (strike_cents > 0),
    expiry TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity != 0),
    contract TEXT NOT NULL
);
CREATE INDEX legs_position ON legs(position_id);
CREATE TABLE fills (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    time TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('open', 'close')),
    contracts INTEGER NOT NULL CHECK (contracts > 0),
    price_cents INTEGER NOT NULL,
    commission_cents INTEGER NOT NULL DEFAULT 0 CHECK (commission_cents >= 0)
);
CREATE INDEX fills_position ON fills(position_id);
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    underlying TEXT NOT NULL,
    underlying_cents INTEGER NOT NULL CHECK (underlying_cents > 0),
    yield_20y REAL,
    yield_30y REAL,
    source TEXT NOT NULL DEFAULT 'manual',
    UNIQUE (underlying, time)
);
CREATE TABLE chain_files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    n_quotes INTEGER NOT NULL
);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    contract TEXT NOT NULL,
    quote_time TEXT NOT NULL,
    underlying TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('put', 'call')),
    strike_cents INTEGER NOT NULL,
    expiry TEXT NOT NULL,
    underlying_cents INTEGER NOT NULL,
    bid_cents INTEGER NOT NULL CHECK (bid_cents >= 0),
    ask_cents INTEGER NOT NULL CHECK (ask_cents >= bid_cents),
    iv REAL NOT NULL,
    delta REAL,
    gamma REAL,
    theta REAL,
    vega REAL,
    volume INTEGER,
    open_interest INTEGER,
    chain_file_id INTEGER REFERENCES chain_files(id),
    UNIQUE (contract, quote_time)
);
CREATE TABLE nav (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    nav_cents INTEGER NOT NULL CHECK (nav_cents > 0),
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE exit_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    profit_target_pct REAL NOT NULL,
    loss_multiple REAL NOT NULL,
    dte_threshold INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload))
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be updated');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be deleted');
END;
"""

SCHEMA_V2 = """
CREATE TABLE marks (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    mark_time TEXT NOT NULL,
    underlying_cents INTEGER,
    value_mid REAL,
    value_exec REAL,
    pnl_mid REAL,
    pnl_exec REAL,
    delta REAL,
    gamma REAL,
    theta REAL,
    vega REAL,
    dte INTEGER,
    signal TEXT,
    message TEXT NOT NULL DEFAULT '',
    UNIQUE (position_id, mark_time)
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
ALTER TABLE positions ADD COLUMN tag TEXT NOT NULL DEFAULT '';
ALTER TABLE positions ADD COLUMN commission_cents INTEGER NOT NULL DEFAULT 0;
"""

SCHEMA_V3 = """
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    key TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    message TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    raised_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT
);
CREATE UNIQUE INDEX alerts_open_key ON alerts(key) WHERE acknowledged_at IS NULL;
"""

SCHEMA_V4 = """
ALTER TABLE alerts ADD COLUMN notified_at TEXT;
ALTER TABLE alerts ADD COLUMN notify_claimed_at TEXT;
CREATE TABLE watch_state (
    watcher TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    duration_ms REAL NOT NULL CHECK (duration_ms >= 0),
    cycles INTEGER NOT NULL CHECK (cycles >= 1),
    files_imported INTEGER NOT NULL DEFAULT 0,
    files_rejected INTEGER NOT NULL DEFAULT 0,
    alerts_raised INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT ''
);
"""

#: ``MIGRATIONS[i]`` takes a database from schema version ``i`` to ``i + 1``
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4)
#: the schema version this code reads and writes
SCHEMA_VERSION = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (triggers keep their inner semicolons)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _is_postgres(conn: Any) -> bool:
    return getattr(conn, "dialect", "sqlite") == "postgresql"


def schema_version(conn: Any) -> int:
    """Return the book's schema version (SQLite ``PRAGMA user_version``; PostgreSQL ``schema_info``)."""
    if _is_postgres(conn):
        if conn.execute("SELECT to_regclass('schema_info')").fetchone()[0] is None:
            return 0
        row = conn.execute("SELECT version FROM schema_info").fetchone()
        return int(row[0]) if row else 0
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def table_names(conn: Any) -> list[str]:
    """The book's tables (without the version table), sorted."""
    if _is_postgres(conn):
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' AND table_name != 'schema_info'"
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return sorted(str(r[0]) for r in rows)


def table_columns(conn: Any, table: str) -> list[str]:
    """A table's columns in definition order."""
    if _is_postgres(conn):
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        return [str(r[0]) for r in rows]
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]


def reset_identities(conn: Any) -> None:
    """After rows were loaded with explicit ids, move PostgreSQL's id generators past them (no-op on SQLite)."""
    if not _is_postgres(conn):
        return
    for table in table_names(conn):
        if "id" in table_columns(conn, table) and table != "exit_rules":
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def migrate(conn: Any, target: int = SCHEMA_VERSION) -> list[int]:
    """Run the forward migrations up to ``target``; return the versions reached.

    Parameters
    ----------
    conn : sqlite3.Connection or PgConnection
        An autocommit connection (``isolation_level=None``) or a PostgreSQL book connection.
    target : int, default=SCHEMA_VERSION
        Version to reach (tests build old books with a lower target).

    Returns
    -------
    list of int
        The versions applied, in order (empty when the database was up to date).

    Raises
    ------
    DataError
        The database is newer than this code (written by a later tailkit).
    """
    if _is_postgres(conn):
        return _migrate_postgres(conn, target)
    applied: list[int] = []
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise DataError(
                    f"book schema version {version} is newer than this tailkit ({SCHEMA_VERSION}); upgrade tailkit"
                )
            if version >= target:
                conn.execute("COMMIT")
                return applied
            for statement in split_statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version + 1)


def _migrate_postgres(conn: Any, target: int) -> list[int]:
    """PostgreSQL: the same forward migrations, serialised across processes by an advisory lock."""
    from tailkit.book.postgres import WRITER_LOCK

    applied: list[int] = []
    while True:
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))
            conn.script(PG_BOOTSTRAP)
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise DataError(
                    f"book schema version {version} is newer than this tailkit ({SCHEMA_VERSION}); upgrade tailkit"
                )
            if version >= target:
                conn.execute("COMMIT")
                return applied
            conn.script(PG_MIGRATIONS[version])
            conn.execute("UPDATE schema_info SET version = ?", (version + 1,))
            conn.execute("COMMIT")
        except BaseException:
            if not conn.closed and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version + 1)
