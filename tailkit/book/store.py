"""Opening a book: the SQLite file, its connection settings and transactions with audit events.

A :class:`Book` is a handle on one SQLite file: WAL journal (readers never block the writer
and always see a committed state), foreign keys on, a ``busy_timeout`` so concurrent writers
(the CLI and the app) wait for each other instead of failing, and the forward migrations of
:mod:`tailkit.book.schema` run on open. Every change goes through :meth:`Book.transaction`
(``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error) and writes its audit event
with :meth:`Book.record` inside that same transaction, so a change and its audit row are
committed together or not at all. Multi-statement reads use :meth:`Book.read` (one read
transaction: one consistent snapshot).

Where the book lives: the ``--db`` option / ``path`` argument, else ``$TAILKIT_BOOK``, else
``~/.tailkit/book.sqlite`` (:func:`book_location`). The location is a file (or a
``sqlite:///path`` URL) for SQLite, or a ``postgresql://user@host/dbname`` URL for a book
shared by a desk: then ``conn`` is a :class:`~tailkit.book.postgres.PgConnection` that runs
the same SQL, write transactions are serialised by an advisory lock (the twin of ``BEGIN
IMMEDIATE``) and reads are ``REPEATABLE READ`` snapshots.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tailkit.book.postgres import WRITER_LOCK, PgConnection, is_postgres_url, redact_url
from tailkit.book.schema import migrate, schema_version, table_columns, table_names
from tailkit.errors import DataError

__all__ = ["Book", "book_path", "book_location", "DEFAULT_BOOK", "BOOK_ENV", "utc_now"]

#: environment variable naming the book file
BOOK_ENV = "TAILKIT_BOOK"
#: the book used when neither ``--db`` nor ``$TAILKIT_BOOK`` is given
DEFAULT_BOOK = "~/.tailkit/book.sqlite"
#: milliseconds a writer waits for another writer's transaction before giving up
BUSY_TIMEOUT_MS = 60_000


def book_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the book file: ``path`` if given, else ``$TAILKIT_BOOK``, else ``~/.tailkit/book.sqlite``."""
    if path is not None and str(path).strip():
        return Path(str(path)).expanduser()
    env = os.environ.get(BOOK_ENV, "").strip()
    return Path(env or DEFAULT_BOOK).expanduser()


def book_location(target: str | os.PathLike[str] | None = None) -> Path | str:
    """Where the book lives: a file :class:`Path` (SQLite) or a ``postgresql://`` URL (str).

    ``target`` if given, else ``$TAILKIT_BOOK``, else ``~/.tailkit/book.sqlite``; a
    ``sqlite:///path`` URL names a file.
    """
    text = str(target).strip() if target is not None else ""
    if not text:
        text = os.environ.get(BOOK_ENV, "").strip() or DEFAULT_BOOK
    if is_postgres_url(text):
        return text
    if text.lower().startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    if text == ":memory:":
        return text
    return Path(text).expanduser()


def utc_now() -> str:
    """Current UTC time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (sorts as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database in some containers
        return "unknown"


class Book:
    """An open position book (one SQLite file).

    Parameters
    ----------
    path : str or PathLike, optional
        The SQLite file (created with its folder if missing); default :func:`book_path`.
        ``":memory:"`` gives a private in-memory book (tests, demos); a ``postgresql://`` URL
        opens a shared book on a PostgreSQL server (the database must exist).
    actor : str, optional
        Who makes the changes, written to every audit event (default: the OS user).
    upgrade : bool, default=True
        Run the forward migrations on open (``False`` only to read a SQLite file as it is,
        e.g. to verify a backup against its manifest).

    Attributes
    ----------
    path : Path or str
        The file.
    actor : str
        Audit actor.
    conn : sqlite3.Connection or PgConnection
        The connection (autocommit mode; transactions are explicit).
    dialect : {"sqlite", "postgresql"}
        The backend.
    url : str
        The location as a URL (with its password; ``path`` is the printable form).

    Examples
    --------
    >>> book = Book(":memory:")
    >>> book.version
    4
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, actor: str | None = None, upgrade: bool = True
    ) -> None:
        location = book_location(path)
        self.actor = actor or _default_actor()
        if isinstance(location, str) and location != ":memory:":
            self.dialect = "postgresql"
            self.url = location
            self.path: Path | str = redact_url(location)
            self.conn: Any = PgConnection(location)
            try:
                if upgrade:
                    migrate(self.conn)
            except BaseException:
                self.conn.close()
                raise
            return
        self.dialect = "sqlite"
        self.url = f"sqlite:///{location}"
        memory = location == ":memory:"
        self.path = location
        if not memory:
            assert isinstance(self.path, Path)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DataError(f"{self.path}: cannot create the book's folder ({exc.strerror})") from None
        try:
            self.conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise DataError(f"{self.path}: cannot open the book ({exc})") from None
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if not memory:
            try:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                self.conn.close()
                raise DataError(f"{self.path}: not a tailkit book ({exc})") from None
            if str(mode).lower() != "wal":
                raise DataError(f"{self.path}: could not switch the book to WAL mode (got {mode!r})")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        if upgrade:
            migrate(self.conn)

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Book({str(self.path)!r}, actor={self.actor!r})"

    @property
    def version(self) -> int:
        """The schema version of the file (``PRAGMA user_version``)."""
        return schema_version(self.conn)

    # -- transactions ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on error.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so two writers never deadlock on a
        lock upgrade; a second writer waits up to ``busy_timeout`` for the first.
        """
        if self.conn.in_transaction:
            raise RuntimeError("nested book transactions are not supported")
        if self.dialect == "postgresql":
            self.conn.execute("BEGIN")
        else:
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            if self.dialect == "postgresql":
                self.conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITER_LOCK,))
            yield self.conn
        except BaseException:
            self._rollback()
            raise
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self.dialect == "postgresql" and self.conn.closed:
            return
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same committed state."""
        if self.conn.in_transaction:
            yield self.conn
            return
        if self.dialect == "postgresql":
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            self.conn.execute("BEGIN")
        try:
            yield self.conn
        except BaseException:
            self._rollback()
            raise
        self.conn.execute("COMMIT")

    def frame(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> pd.DataFrame:
        """Run a query (``?`` placeholders) and return its rows as a DataFrame (both backends)."""
        if self.dialect == "sqlite":
            return pd.read_sql_query(sql, self.conn, params=tuple(params))
        cur = self.conn.execute(sql, tuple(params))
        names = [d.name for d in cur.description or ()]
        return pd.DataFrame.from_records([tuple(r) for r in cur.fetchall()], columns=names, coerce_float=True)

    def tables(self) -> list[str]:
        """The book's tables, sorted."""
        return table_names(self.conn)

    def row_counts(self) -> dict[str, int]:
        """Rows per table (one snapshot)."""
        with self.read() as conn:
            return {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in self.tables()}

    def content_hash(self) -> str:
        """SHA-256 of every table's rows in key order, the same for the same book on either backend.

        Each row is hashed as JSON of its values in column order (integers as integers, reals by
        their shortest repr), so a book copied from SQLite to PostgreSQL hashes the same.
        """
        digest = hashlib.sha256()
        with self.read() as conn:
            for table in self.tables():
                cols = table_columns(conn, table)
                key = "id" if "id" in cols else cols[0]
                digest.update(f"{table}:{','.join(cols)}\n".encode())
                for row in conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {key}"):
                    digest.update(json.dumps(list(row), default=str).encode() + b"\n")
        return digest.hexdigest()

    def record(
        self,
        action: str,
        obj: str,
        *,
        reason: str = "",
        payload: dict[str, Any] | None = None,
        time: str | None = None,
    ) -> int:
        """Append an audit event; must be called inside :meth:`transaction` (same commit as the change).

        Parameters
        ----------
        action : str
            What was done (``"add"``, ``"close"``, ``"import_chain"``...).
        obj : str
            What it was done to (``"position:12"``, ``"nav"``...).
        reason : str, default=""
            Why (free text from the user).
        payload : dict, optional
            The change's details, stored as JSON.
        time : str, optional
            Event time (default now, UTC).

        Returns
        -------
        int
            The audit event's id.
        """
        if not self.conn.in_transaction:
            raise RuntimeError("audit events are written inside the transaction of the change they record")
        cur = self.conn.execute(
            "INSERT INTO audit (time, actor, action, object, reason, payload) VALUES (?, ?, ?, ?, ?, ?)",
            (
                time or utc_now(),
                self.actor,
                action,
                obj,
                reason or "",
                json.dumps(payload or {}, sort_keys=True, default=str),
            ),
        )
        return int(cur.lastrowid or 0)

    def integrity_check(self) -> str:
        """Return ``"ok"`` when the book is sound, else what is wrong.

        SQLite: ``PRAGMA integrity_check``. PostgreSQL (which checks pages itself): the schema
        version is current and the three append-only triggers on ``audit`` are in place.
        """
        if self.dialect == "postgresql":
            from tailkit.book.schema import SCHEMA_VERSION

            problems = []
            if self.version != SCHEMA_VERSION:
                problems.append(f"schema version {self.version}, expected {SCHEMA_VERSION}")
            n = self.conn.execute(
                "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'audit'::regclass AND NOT tgisinternal"
            ).fetchone()[0]
            if int(n) != 3:
                problems.append(f"{n} audit triggers, expected 3")
            return "; ".join(problems) or "ok"
        rows = self.conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)
