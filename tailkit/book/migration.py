"""Copy a whole book to another backend (SQLite -> PostgreSQL or back), audit trail included.

:func:`copy_book` reads the source in one snapshot, writes every table with its ids into an
empty target in one transaction, moves the target's id generators past the copied ids, and
checks — before committing — that the target holds the same row counts and the same
:meth:`~tailkit.book.store.Book.content_hash` as the source. A mismatch rolls everything back.
The copy then records one ``migrate_from`` audit event (after the check, same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tailkit.book.schema import reset_identities, table_columns
from tailkit.book.store import Book
from tailkit.errors import DataError

__all__ = ["CopyResult", "copy_book", "COPY_ORDER"]

#: tables in an order that satisfies the foreign keys (parents first)
COPY_ORDER: tuple[str, ...] = (
    "positions",
    "legs",
    "fills",
    "snapshots",
    "chain_files",
    "quotes",
    "nav",
    "exit_rules",
    "marks",
    "settings",
    "alerts",
    "watch_state",
    "audit",
)
_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class CopyResult:
    """What :func:`copy_book` copied.

    Attributes
    ----------
    source, target : str
        The two books (printable locations, no passwords).
    rows : dict of str to int
        Rows copied per table (equal in source and target).
    content_hash : str
        SHA-256 of the copied content (equal in source and target).
    """

    source: str
    target: str
    rows: dict[str, int]
    content_hash: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "source": self.source,
            "target": self.target,
            "rows": dict(self.rows),
            "hash": self.content_hash,
        }

    def summary(self) -> str:
        """One line."""
        total = sum(self.rows.values())
        return (
            f"copied {total} rows from {self.source} to {self.target}; content hash {self.content_hash[:16]}"
        )


def copy_book(source: Book, target: Book, *, reason: str = "", action: str = "migrate_from") -> CopyResult:
    """Copy every row of ``source`` into the empty book ``target`` and verify the copy.

    Parameters
    ----------
    source : Book
        The book to copy (read in one consistent snapshot; not changed).
    target : Book
        An empty book on either backend.
    reason : str, default=""
        Written to the target's audit event.
    action : str, default="migrate_from"
        The audit event's action (``"restore"`` when :mod:`tailkit.book.backup` restores).

    Returns
    -------
    CopyResult

    Raises
    ------
    DataError
        The target is not empty, the two schemas differ, or the copy does not verify
        (nothing is written).
    """
    tables = source.tables()
    if sorted(tables) != sorted(COPY_ORDER) or sorted(target.tables()) != sorted(COPY_ORDER):
        raise DataError(
            f"{source.path} -> {target.path}: unexpected tables {tables} (schema versions differ?)"
        )
    with source.read() as src:
        want_rows = source.row_counts()
        want_hash = source.content_hash()
        with target.transaction() as dst:
            have = {t: int(dst.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in COPY_ORDER}
            if any(have.values()):
                raise DataError(
                    f"{target.path}: the target book already holds records; copy into an empty book"
                )
            for table in COPY_ORDER:
                cols = table_columns(src, table)
                if cols != table_columns(dst, table):
                    raise DataError(f"{table}: columns differ between {source.path} and {target.path}")
                key = "id" if "id" in cols else cols[0]
                insert = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                rows = src.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {key}").fetchall()
                for start in range(0, len(rows), _BATCH):
                    dst.executemany(insert, [tuple(r) for r in rows[start : start + _BATCH]])
            reset_identities(dst)
            got_rows = target.row_counts()
            got_hash = target.content_hash()
            if got_rows != want_rows:
                raise DataError(f"{target.path}: row counts {got_rows} differ from the source's {want_rows}")
            if got_hash != want_hash:
                raise DataError(
                    f"{target.path}: content hash {got_hash} differs from the source's {want_hash}"
                )
            target.record(
                action,
                "book",
                reason=reason,
                payload={"source": str(source.path), "rows": want_rows, "content_hash": want_hash},
            )
    return CopyResult(str(source.path), str(target.path), want_rows, want_hash)
