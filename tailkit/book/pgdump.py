"""PostgreSQL backups in ``pg_dump`` custom format, with a manifest from the very snapshot dumped.

:func:`dump_book` opens a ``REPEATABLE READ`` transaction on the book's connection, exports
its snapshot (``pg_export_snapshot()``), computes the manifest's row counts and
:meth:`~tailkit.book.store.Book.content_hash` inside that transaction, and runs
``pg_dump --format=custom --data-only --snapshot=ID`` on the book's tables while the
transaction stays open: the dump and the manifest see the same committed state exactly, while
writers keep writing.

:func:`load_dump` restores such a dump into an empty PostgreSQL book in **one transaction** of
the book's own connection: ``pg_restore --data-only --file=-`` turns the archive into its
``COPY`` data streams, which are loaded table by table (the book's current schema and triggers
stay in place; ids are kept and the id generators moved past them); the row counts, the
content hash and the integrity check are compared with the manifest before the transaction
commits, so a dump that does not match its manifest writes nothing.

The client programs are found by :func:`find_tool`: on ``PATH``, else in Debian's
``/usr/lib/postgresql/<version>/bin`` (newest version first).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tailkit.book.schema import reset_identities, table_columns
from tailkit.book.store import Book
from tailkit.errors import DataError

__all__ = ["find_tool", "dump_book", "load_dump", "PG_BIN_GLOB"]

#: where Debian's postgresql packages put the client programs (one folder per major version)
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
_COPY = re.compile(rb"^COPY (?P<table>\S+) \((?P<cols>[^)]*)\) FROM stdin;\n?$")
_CHUNK = 1 << 20


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client program (``pg_dump``, ``pg_restore``).

    Parameters
    ----------
    name : str
        The program.

    Returns
    -------
    str
        Its path: on ``PATH``, else in the newest ``/usr/lib/postgresql/<version>/bin``.

    Raises
    ------
    DataError
        Not found; the message names the program and where it was looked for.
    """
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(glob.glob(PG_BIN_GLOB), key=_major, reverse=True)
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise DataError(
        f"{name} not found on PATH or in {PG_BIN_GLOB}: a PostgreSQL book's pg_dump backup needs the "
        "PostgreSQL client programs pg_dump and pg_restore (Debian: apt-get install postgresql-client), "
        "or back up with --format sqlite"
    )


def _major(folder: str) -> int:
    m = re.search(r"/postgresql/(\d+)", folder)
    return int(m.group(1)) if m else -1


def _client_env(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and an environment carrying it (not in ``ps``)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    dsn = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url.strip())
    params = {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    env = dict(os.environ)
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = password
    return make_conninfo(**params), env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise DataError(f"{what} failed (exit {proc.returncode}): {proc.stderr.strip()}")


def dump_book(book: Book, dest: Path, manifest: Callable[[Book], dict[str, Any]]) -> dict[str, Any]:
    """Write ``pg_dump`` custom format of the book's tables to ``dest``; return the manifest of the same snapshot.

    Parameters
    ----------
    book : Book
        A PostgreSQL book (writers may keep running).
    dest : Path
        The archive to write (overwritten).
    manifest : callable
        ``manifest(book)`` computes the manifest; it is called inside the exported snapshot.

    Returns
    -------
    dict
        The manifest (row counts and content hash of exactly what was dumped).

    Raises
    ------
    DataError
        pg_dump is missing or failed.
    """
    pg_dump = find_tool("pg_dump")
    conninfo, env = _client_env(book.url)
    conn = book.conn
    if conn.in_transaction:
        raise RuntimeError("backup inside a transaction is not supported")
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        snapshot = str(conn.execute("SELECT pg_export_snapshot()").fetchone()[0])
        schema = str(conn.execute("SELECT current_schema()").fetchone()[0])
        out = manifest(book)  # the same snapshot: book.read() joins the open transaction
        tables = [a for t in book.tables() for a in ("--table", f'"{schema}"."{t}"')]
        _run(
            [pg_dump, "--format=custom", "--data-only", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={dest}", *tables, f"--dbname={conninfo}"],
            env,
            "pg_dump",
        )  # fmt: skip
    finally:
        if not conn.closed and conn.in_transaction:
            conn.execute("ROLLBACK")
    return out


def load_dump(
    source: Path, target: Book, verify: Callable[[Book], list[str]], record: Callable[[], None]
) -> dict[str, int]:
    """Load the ``pg_dump`` archive ``source`` into the empty PostgreSQL book ``target`` in one transaction.

    Parameters
    ----------
    source : Path
        An archive written by :func:`dump_book`.
    target : Book
        An empty PostgreSQL book (its schema is kept; only rows are loaded).
    verify : callable
        ``verify(target)`` returns the differences from the manifest (empty when it matches);
        called inside the transaction, after the load. Any difference rolls everything back.
    record : callable
        Writes the ``restore`` audit event (inside the transaction, after the check).

    Returns
    -------
    dict of str to int
        Rows loaded per table.

    Raises
    ------
    DataError
        pg_restore is missing or cannot read the archive, the target is not empty, a table or
        column of the archive is not in the book, or ``verify`` reports a difference
        (nothing is written).
    """
    pg_restore = find_tool("pg_restore")
    known = set(target.tables())
    loaded: dict[str, int] = {}
    with tempfile.TemporaryFile() as err, target.transaction() as conn:
        if any(conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in sorted(known)):
            raise DataError(
                f"{target.path}: the target book already holds records; restore into an empty book"
            )
        proc = subprocess.Popen(
            [pg_restore, "--data-only", "--no-owner", "--no-privileges", "--file=-", str(source)],
            stdout=subprocess.PIPE,
            stderr=err,
        )
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                m = _COPY.match(line)
                if m is None:
                    continue  # comments, SET and setval statements: the book's own session and ids rule
                table = m.group("table").decode().rsplit(".", 1)[-1].strip('"')
                cols = m.group("cols").decode()
                names = [c.strip().strip('"') for c in cols.split(",")]
                if table not in known or set(names) != set(table_columns(conn, table)):
                    raise DataError(
                        f"{source}: table {table} ({', '.join(names)}) is not in this book's schema"
                    )
                loaded[table] = _copy_block(conn, proc.stdout, f"COPY {table} ({cols}) FROM STDIN", source)
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            err.seek(0)
            raise DataError(
                f"{source}: pg_restore cannot read the backup (exit {code}): {err.read().decode(errors='replace').strip()}"
            )
        reset_identities(conn)
        problems = verify(target)
        if problems:
            raise DataError(f"{source}: the backup does not match its manifest: " + "; ".join(problems))
        record()
    return loaded


def _copy_block(conn: Any, lines: Any, statement: str, source: Path) -> int:
    r"""Feed one ``COPY ... FROM stdin`` data block (up to its ``\.`` line) to the server; return its rows."""
    n = 0
    buf: list[bytes] = []
    size = 0
    with conn.raw.cursor() as cur, cur.copy(statement) as copy:
        for line in lines:
            if line in (b"\\.\n", b"\\."):
                break
            buf.append(line)
            size += len(line)
            n += 1
            if size >= _CHUNK:
                copy.write(b"".join(buf))
                buf, size = [], 0
        else:
            raise DataError(f"{source}: the backup ends inside the data of {statement.split()[1]}")
        if buf:
            copy.write(b"".join(buf))
    return n
