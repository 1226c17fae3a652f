"""The book on PostgreSQL: a connection that speaks the book's SQL (the sqlite3 subset it uses).

Every book module writes plain SQL with ``?`` placeholders against ``book.conn`` and reads
rows by position or by column name. :class:`PgConnection` wraps a psycopg (v3) connection so
that the same SQL runs on PostgreSQL; the dialect differences are handled here, in one place
(:func:`translate`):

* ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``), string literals kept;
* ``INSERT OR IGNORE INTO ...`` becomes ``INSERT INTO ... ON CONFLICT DO NOTHING``;
* an ``INSERT`` into a table with an ``id`` column gets ``RETURNING id``, which gives
  :attr:`PgCursor.lastrowid` the meaning it has in sqlite3 (the new row's id).

Transactions are explicit (the connection is in autocommit mode, as the SQLite one is):
the book's write transaction takes a transaction-scoped advisory lock first
(:data:`WRITER_LOCK`), so writers are serialised exactly like SQLite's ``BEGIN IMMEDIATE``
while readers keep reading committed snapshots (MVCC): a read-modify-write never loses an
update. A read transaction is ``REPEATABLE READ READ ONLY``: one consistent snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tailkit.errors import DataError

__all__ = ["PgConnection", "PgCursor", "Row", "translate", "is_postgres_url", "redact_url", "WRITER_LOCK"]

#: advisory lock key taken by every write transaction (serialises writers; readers never wait)
WRITER_LOCK = 0x7A11_B00C
#: tables without an ``id`` column (no ``RETURNING id`` on insert)
_NO_ID_TABLES = frozenset({"settings", "schema_info", "watch_state"})
_INSERT = re.compile(r"^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)


def is_postgres_url(target: object) -> bool:
    """True when ``target`` is a ``postgresql://`` (or ``postgres://``) URL."""
    text = str(target).strip().lower()
    return (
        text.startswith("postgresql://") or text.startswith("postgres://") or text.startswith("postgresql+")
    )


def redact_url(url: str) -> str:
    """The URL without its password (for messages and ``Book.path``)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _placeholders(sql: str) -> str:
    """``?`` -> ``%s`` and ``%`` -> ``%%`` outside string literals and quoted identifiers."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def translate(sql: str, *, returning: bool = True) -> tuple[str, bool]:
    """Translate one statement of the book's SQL to PostgreSQL.

    Parameters
    ----------
    sql : str
        One statement with ``?`` placeholders (SQLite's syntax for the features the book uses).
    returning : bool, default=True
        Add ``RETURNING id`` to an ``INSERT`` into a table with an ``id`` column.

    Returns
    -------
    sql : str
        The PostgreSQL statement (``%s`` placeholders).
    returns_id : bool
        Whether the statement now returns the inserted row's id.

    Examples
    --------
    >>> translate("INSERT OR IGNORE INTO quotes (contract) VALUES (?)")[0]
    'INSERT INTO quotes (contract) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id'
    """
    text = sql.strip().rstrip(";")
    returns_id = False
    m = _INSERT.match(text)
    if m:
        if m.group(1):
            text = text[: m.start(1)] + text[m.end(1) :] + " ON CONFLICT DO NOTHING"
        if (
            returning
            and m.group(2).lower() not in _NO_ID_TABLES
            and not re.search(r"\bRETURNING\b", text, re.I)
        ):
            text += " RETURNING id"
            returns_id = True
    return _placeholders(text), returns_id


class Row(tuple):
    """A result row read by position or by column name (like ``sqlite3.Row``)."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """Column names."""
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = tuple(d.name for d in cursor.description or ())
    cls = type("Row", (Row,), {"_names": names})

    def make(values: Sequence[Any]) -> Row:
        return cls(values)

    return make


class PgCursor:
    """The result of :meth:`PgConnection.execute` (the sqlite3 cursor subset the book uses)."""

    def __init__(self, cursor: Any, returns_id: bool) -> None:
        self._cursor = cursor
        self.lastrowid: int | None = None
        if returns_id:
            row = cursor.fetchone()
            self.lastrowid = int(row[0]) if row is not None else None

    @property
    def description(self) -> Any:
        """Column descriptions (DB-API)."""
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        """Rows changed by the statement."""
        return int(self._cursor.rowcount)

    def fetchone(self) -> Row | None:
        """Next row or ``None``."""
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Row]:
        """Remaining rows."""
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class PgConnection:
    """A psycopg connection in autocommit mode that runs the book's SQL.

    Parameters
    ----------
    url : str
        ``postgresql://user[:password]@host[:port]/dbname``.
    connect_timeout : int, default=10
        Seconds to wait for the server.

    Raises
    ------
    DataError
        psycopg is missing or the server cannot be reached (the message names the URL, never
        the password).
    """

    dialect = "postgresql"

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg is a dependency
            raise DataError("a PostgreSQL book needs psycopg: pip install 'psycopg[binary]'") from None
        self.url = url
        self.psycopg = psycopg
        dsn = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url.strip())
        try:
            self.raw = psycopg.connect(dsn, autocommit=True, connect_timeout=connect_timeout)
        except psycopg.Error as exc:
            raise DataError(f"{redact_url(url)}: cannot open the book ({str(exc).strip()})") from None
        self.raw.row_factory = _row_factory
        #: rows inserted, updated or deleted through this connection (like ``sqlite3.Connection.total_changes``)
        self.total_changes = 0

    @property
    def in_transaction(self) -> bool:
        """True inside an explicit transaction (also after an error inside one)."""
        status = self.raw.info.transaction_status
        return status != self.psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> PgCursor:
        """Run one statement (``?`` placeholders); inserts report ``lastrowid``."""
        text, returns_id = translate(sql)
        cur = self.raw.cursor()
        cur.execute(text, tuple(params or ()))
        if (cur.rowcount > 0 and not cur.description) or returns_id:
            self.total_changes += max(cur.rowcount, 0)
        return PgCursor(cur, returns_id)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> None:
        """Run one statement for every parameter tuple."""
        text, _ = translate(sql, returning=False)
        with self.raw.cursor() as cur:
            cur.executemany(text, [tuple(p) for p in seq])
            self.total_changes += max(cur.rowcount, 0)

    def script(self, sql: str) -> None:
        """Run a multi-statement script verbatim (migrations; no placeholders)."""
        self.raw.execute(sql)

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()

    @property
    def closed(self) -> bool:
        """True once closed or broken."""
        return bool(self.raw.closed or self.raw.broken)
