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
``~/.tailkit/book.sqlite`` (:func:`book_path`).
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tailkit.book.schema import migrate, schema_version
from tailkit.errors import DataError

__all__ = ["Book", "book_path", "DEFAULT_BOOK", "BOOK_ENV", "utc_now"]

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
        ``":memory:"`` gives a private in-memory book (tests, demos).
    actor : str, optional
        Who makes the changes, written to every audit event (default: the OS user).

    Attributes
    ----------
    path : Path or str
        The file.
    actor : str
        Audit actor.
    conn : sqlite3.Connection
        The connection (autocommit mode; transactions are explicit).

    Examples
    --------
    >>> book = Book(":memory:")
    >>> book.version
    2
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, actor: str | None = None) -> None:
        memory = str(path) == ":memory:"
        self.path: Path | str = ":memory:" if memory else book_path(path)
        self.actor = actor or _default_actor()
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
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same committed state."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

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
        """Return SQLite's ``PRAGMA integrity_check`` answer (``"ok"`` when sound)."""
        rows = self.conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)
