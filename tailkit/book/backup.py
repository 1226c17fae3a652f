"""Backups of the book and their restore, verified against a manifest.

A backup is one file plus its manifest ``FILE.manifest.json`` (format, schema version, rows per
table, :meth:`~tailkit.book.store.Book.content_hash`, source, time). Two formats:

``tailkit-book-sqlite`` (``--format sqlite``; the only format of a SQLite book)
    **one SQLite book file**, which restores onto either backend and opens with any tailkit:

    * a SQLite book is copied with SQLite's online backup API in one step, i.e. inside one read
      transaction: writers keep writing (WAL), and the copy is the committed state at the moment
      the step started;
    * a PostgreSQL book is copied with :func:`~tailkit.book.migration.copy_book` (the code of
      ``tailkit book migrate``): one ``REPEATABLE READ`` snapshot, row counts and content hash
      checked before the copy commits; the copy adds one ``backup`` audit event to the file.
      The portable choice for a PostgreSQL book (e.g. to hand a desk's book to one person).

``tailkit-book-pg_dump`` (the default for a PostgreSQL book)
    ``pg_dump`` custom format of the book's tables (data only), taken by
    :func:`tailkit.book.pgdump.dump_book` in an exported ``REPEATABLE READ`` snapshot inside
    which the manifest is computed too, so dump and manifest agree exactly while writers run.
    It restores onto an empty PostgreSQL book of the same schema version.

The backup is written to a temporary name in the destination folder, its manifest computed
(from the file itself for the SQLite format, from the dumped snapshot for pg_dump), and both
renamed into place, so a failed backup leaves nothing behind.

:func:`restore_book` reads the manifest's format. SQLite format: it checks the backup (SQLite
integrity check, schema version, row counts and content hash equal to the manifest's) on a
private copy, migrates that copy forward if it was written by an older tailkit, and copies it
into an empty book with ``copy_book``: one transaction, committed only when the target's row
counts and content hash equal the backup's. pg_dump format: :func:`tailkit.book.pgdump.load_dump`
loads the archive (read by ``pg_restore``) into the empty PostgreSQL book in one transaction
and commits only when the integrity check, row counts and content hash equal the manifest's.
Either way the target gets one ``restore`` audit event.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailkit.book.migration import copy_book
from tailkit.book.store import Book, utc_now
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "BackupResult",
    "RestoreResult",
    "backup_book",
    "restore_book",
    "read_manifest",
    "manifest_path",
    "BACKUP_FORMATS",
    "FORMAT_NAMES",
]

MANIFEST_SUFFIX = ".manifest.json"
#: the ``format`` argument -> the manifest's ``format``
FORMAT_NAMES = {"sqlite": "tailkit-book-sqlite", "pg_dump": "tailkit-book-pg_dump"}
#: backup formats: ``sqlite`` (either backend) and ``pg_dump`` (PostgreSQL books)
BACKUP_FORMATS = tuple(FORMAT_NAMES)


def manifest_path(backup: str | os.PathLike[str]) -> Path:
    """The manifest next to a backup file: ``FILE.manifest.json``."""
    p = Path(backup).expanduser()
    return p.with_name(p.name + MANIFEST_SUFFIX)


@dataclass(frozen=True, slots=True)
class BackupResult:
    """A backup written.

    Attributes
    ----------
    path : str
        The backup file (a SQLite book, or a pg_dump custom-format archive).
    manifest : dict
        ``format``, ``schema_version``, ``rows``, ``content_hash``, ``source``, ``created_at``.
    seconds : float
        Wall time.
    """

    path: str
    manifest: dict[str, Any]
    seconds: float

    def summary(self) -> str:
        """One line."""
        total = sum(self.manifest["rows"].values())
        return (
            f"backup {self.path}: {total} rows from {self.manifest['source']} in {self.seconds:.2f} s; "
            f"content hash {self.manifest['content_hash'][:16]}"
        )


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """A restore done and verified.

    Attributes
    ----------
    source, target : str
        The backup file and the restored book (printable, no password).
    rows : dict of str to int
        Rows restored per table (equal to the manifest's).
    content_hash : str
        The manifest's content hash, equal to the restored book's before its ``restore`` event.
    seconds : float
        Wall time.
    """

    source: str
    target: str
    rows: dict[str, int]
    content_hash: str
    seconds: float

    def summary(self) -> str:
        """One line."""
        return (
            f"restored {sum(self.rows.values())} rows from {self.source} into {self.target} in "
            f"{self.seconds:.2f} s; verified: row counts and content hash {self.content_hash[:16]} match the manifest"
        )


def _manifest(book: Book, source: str, fmt: str = "sqlite") -> dict[str, Any]:
    with book.read():
        return {
            "format": FORMAT_NAMES[fmt],
            "schema_version": book.version,
            "rows": book.row_counts(),
            "content_hash": book.content_hash(),
            "source": source,
            "created_at": utc_now(),
        }


def backup_book(
    book: Book, to: str | os.PathLike[str], *, reason: str = "", fmt: str | None = None
) -> BackupResult:
    """Back up ``book`` to the file ``to`` and write its manifest (see the module docstring).

    Parameters
    ----------
    book : Book
        The book (either backend; writers may keep running).
    to : str or PathLike
        The backup file (replaced atomically if it exists).
    reason : str, default=""
        Written to the backup's ``backup`` audit event (PostgreSQL book, SQLite format).
    fmt : {"sqlite", "pg_dump"}, optional
        Backup format; default ``"sqlite"`` for a SQLite book and ``"pg_dump"`` for a
        PostgreSQL book (``"pg_dump"`` needs a PostgreSQL book).

    Returns
    -------
    BackupResult

    Raises
    ------
    DataError
        The destination cannot be written, or pg_dump is missing or failed (nothing is left behind).
    ParameterError
        ``fmt`` is not a format, or ``"pg_dump"`` for a SQLite book.
    """
    t0 = time.perf_counter()
    if fmt is None:
        fmt = "pg_dump" if book.dialect == "postgresql" else "sqlite"
    if fmt not in FORMAT_NAMES or (fmt == "pg_dump" and book.dialect != "postgresql"):
        allowed = "'sqlite' or 'pg_dump'" if book.dialect == "postgresql" else "'sqlite' (a SQLite book)"
        raise ParameterError(describe_bad_value("format", fmt, allowed))
    dest = Path(to).expanduser()
    if dest.is_dir():
        raise DataError(f"{dest}: is a folder; name the backup file to write")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise DataError(f"{dest}: cannot write the backup ({exc.strerror})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fmt == "pg_dump":
            from tailkit.book.pgdump import dump_book

            manifest = dump_book(book, tmp, lambda b: _manifest(b, str(book.path), fmt))
            os.replace(tmp, dest)
            _write_json(manifest_path(dest), manifest)
            return BackupResult(str(dest), manifest, time.perf_counter() - t0)
        if book.dialect == "sqlite":
            tmp.unlink()
            target = sqlite3.connect(str(tmp))
            try:
                book.conn.backup(target, pages=-1)  # one step: one read transaction, one snapshot
            finally:
                target.close()
            copy = Book(tmp, actor=book.actor, upgrade=False)
        else:
            tmp.unlink()
            copy = Book(tmp, actor=book.actor)
            copy_book(book, copy, reason=reason, action="backup")
        with copy:
            manifest = _manifest(copy, str(book.path))
        _checkpointed(tmp)
        os.replace(tmp, dest)
        _write_json(manifest_path(dest), manifest)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return BackupResult(str(dest), manifest, time.perf_counter() - t0)


def _checkpointed(path: Path) -> None:
    """Leave the backup as one self-contained file (no ``-wal``/``-shm`` beside it)."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(backup: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a backup file (DataError naming the file when missing or unreadable)."""
    path = manifest_path(backup)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"{path}: the backup's manifest is missing (written by tailkit book backup)"
        ) from None
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the backup's manifest ({exc})") from None
    need = {"format", "schema_version", "rows", "content_hash"}
    if not isinstance(data, dict) or not need <= set(data):
        raise DataError(f"{path}: not a tailkit backup manifest (needs keys {sorted(need)})")
    return data


def restore_book(source: str | os.PathLike[str], target: Book, *, reason: str = "") -> RestoreResult:
    """Verify the backup ``source`` against its manifest and copy it into the empty book ``target``.

    Parameters
    ----------
    source : str or PathLike
        A backup file written by :func:`backup_book` (not changed).
    target : Book
        An empty book: either backend for the SQLite format, PostgreSQL for pg_dump.
    reason : str, default=""
        Written to the target's ``restore`` audit event.

    Returns
    -------
    RestoreResult

    Raises
    ------
    DataError
        The backup or its manifest is missing, the backup does not match its manifest, the
        target is not empty, or a pg_dump backup meets a SQLite book or another schema
        version (nothing is written to the target).
    """
    t0 = time.perf_counter()
    src = Path(source).expanduser()
    if not src.is_file():
        raise DataError(f"{src}: no such backup file")
    manifest = read_manifest(src)
    if manifest["format"] == FORMAT_NAMES["pg_dump"]:
        rows = _restore_dump(src, manifest, target, reason)
        return RestoreResult(
            str(src), str(target.path), rows, manifest["content_hash"], time.perf_counter() - t0
        )
    if manifest["format"] != FORMAT_NAMES["sqlite"]:
        raise DataError(
            f"{manifest_path(src)}: unknown backup format {manifest['format']!r} "
            f"(this tailkit restores {sorted(FORMAT_NAMES.values())})"
        )
    with tempfile.TemporaryDirectory(prefix="tailkit-restore-") as work:
        copy_path = Path(work) / "backup.sqlite"
        shutil.copyfile(src, copy_path)
        try:
            check = Book(copy_path, actor=target.actor, upgrade=False)
        except DataError as exc:
            raise DataError(f"{src}: not a readable book backup ({exc})") from None
        with check:
            problems = _differences(check, manifest)
        if problems:
            raise DataError(f"{src}: the backup does not match its manifest: " + "; ".join(problems))
        with Book(copy_path, actor=target.actor) as book:  # migrated forward when older
            copied = copy_book(book, target, reason=reason, action="restore")
    return RestoreResult(
        str(src), str(target.path), copied.rows, manifest["content_hash"], time.perf_counter() - t0
    )


def _differences(book: Book, manifest: dict[str, Any]) -> list[str]:
    """How ``book`` differs from a backup's manifest: integrity check, schema version, row counts, content hash."""
    problems = []
    with book.read():
        integrity = book.integrity_check()
        if integrity != "ok":
            problems.append(f"integrity check: {integrity}")
        if book.version != int(manifest["schema_version"]):
            problems.append(f"schema version {book.version}, manifest {manifest['schema_version']}")
        rows = book.row_counts()
        if rows != manifest["rows"]:
            problems.append(f"row counts {rows}, manifest {manifest['rows']}")
        digest = book.content_hash()
        if digest != manifest["content_hash"]:
            problems.append(f"content hash {digest[:16]}, manifest {str(manifest['content_hash'])[:16]}")
    return problems


def _restore_dump(src: Path, manifest: dict[str, Any], target: Book, reason: str) -> dict[str, int]:
    """Restore a pg_dump backup into the empty PostgreSQL book ``target`` (one transaction, verified)."""
    from tailkit.book.pgdump import load_dump

    if target.dialect != "postgresql":
        raise DataError(
            f"{src}: a pg_dump backup restores onto a PostgreSQL book, not {target.path} (restore it into "
            "an empty PostgreSQL database, or back up the book with --format sqlite)"
        )
    if target.version != int(manifest["schema_version"]):
        raise DataError(
            f"{src}: a pg_dump backup of schema version {manifest['schema_version']} restores onto the "
            f"same version; {target.path} has version {target.version} (restore with the tailkit that "
            "wrote it, or back up with --format sqlite, which migrates forward)"
        )

    def record() -> None:
        target.record(
            "restore",
            "book",
            reason=reason,
            payload={"source": str(src), "rows": manifest["rows"], "content_hash": manifest["content_hash"]},
        )

    load_dump(src, target, lambda b: _differences(b, manifest), record)
    return {t: int(n) for t, n in manifest["rows"].items()}
