r"""Export a book to JSON or CSV, and import such an export into an empty book.

An export holds the book's records (positions, legs, fills, snapshots, NAV, exit rules,
settings, saved marks and the audit log; quotes stay behind — re-import the chain files) with
their ids, money in integer cents exactly as stored:

``json``
    one file: ``{"format": "tailkit-book", "schema_version": N, "tables": {name: [rows]}}``.
``csv``
    a folder with ``<table>.csv`` per table and ``manifest.json`` (format, version, tables);
    SQL NULL is written ``\N`` so that it differs from an empty text.

:func:`import_book` loads an export into a book that holds no records yet, in one transaction
(ids kept, foreign keys checked), then appends an ``import`` audit event.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tailkit.book.schema import SCHEMA_VERSION, reset_identities, table_columns
from tailkit.book.store import Book
from tailkit.errors import DataError, ParameterError, describe_bad_value
from tailkit.params import atomic_write_text

__all__ = ["EXPORT_TABLES", "ExportResult", "export_book", "import_book", "book_is_empty"]

#: tables in an export, in foreign-key order
EXPORT_TABLES: tuple[str, ...] = (
    "positions",
    "legs",
    "fills",
    "snapshots",
    "nav",
    "exit_rules",
    "settings",
    "marks",
    "audit",
)
FORMAT = "tailkit-book"
#: how a missing value (SQL NULL) is written in the CSV files (an empty cell is an empty text)
NULL = "\\N"


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export or import moved: ``path``, ``format`` and rows per table."""

    path: str
    format: str
    rows: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"path": self.path, "format": self.format, "rows": dict(self.rows)}

    def summary(self) -> str:
        """One line."""
        return f"{self.path} ({self.format}): " + ", ".join(f"{k} {v}" for k, v in self.rows.items())


def _columns(book: Book, table: str) -> list[str]:
    return table_columns(book.conn, table)


def _key(book: Book, table: str) -> str:
    cols = _columns(book, table)
    return "id" if "id" in cols else cols[0]


def book_is_empty(book: Book) -> bool:
    """True when the book holds no record of any exported table."""
    return all(book.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() is None for t in EXPORT_TABLES)


def export_book(book: Book, path: str | os.PathLike[str], *, fmt: str = "json") -> ExportResult:
    """Write the book's records to ``path`` (a JSON file, or a folder of CSV files).

    Parameters
    ----------
    book : Book
        The book (read in one consistent snapshot).
    path : str or PathLike
        Output file (``json``) or folder (``csv``); written atomically file by file.
    fmt : {"json", "csv"}, default="json"
        Format.

    Returns
    -------
    ExportResult
    """
    if fmt not in ("json", "csv"):
        raise ParameterError(describe_bad_value("fmt", fmt, "'json' or 'csv'"))
    tables: dict[str, pd.DataFrame] = {}
    with book.read():
        for t in EXPORT_TABLES:
            tables[t] = book.frame(f"SELECT * FROM {t} ORDER BY " + _key(book, t))
    out = Path(path)
    rows = {t: len(f) for t, f in tables.items()}
    if fmt == "json":
        doc = {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "tables": {t: _records(f) for t, f in tables.items()},
        }
        atomic_write_text(out, json.dumps(doc, indent=1, sort_keys=False) + "\n")
    else:
        out.mkdir(parents=True, exist_ok=True)
        for t, f in tables.items():
            atomic_write_text(out / f"{t}.csv", f.to_csv(index=False, na_rep=NULL))
        manifest = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "tables": rows}
        atomic_write_text(out / "manifest.json", json.dumps(manifest, indent=1) + "\n")
    return ExportResult(str(out), fmt, rows)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in rec.items()})
    return out


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return v
    if hasattr(v, "item"):
        return _plain(v.item())
    return v


def _load(path: Path) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    if path.is_dir():
        manifest_path = path / "manifest.json"
        if not manifest_path.is_file():
            raise DataError(f"{path}: not a book export folder (no manifest.json)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        _check_manifest(path, manifest)
        tables: dict[str, Any] = {}
        for t in EXPORT_TABLES:
            f = path / f"{t}.csv"
            if not f.is_file():
                raise DataError(f"{f}: missing from the export")
            try:
                frame = pd.read_csv(f, dtype=object, keep_default_na=False)
            except pd.errors.EmptyDataError:
                frame = pd.DataFrame()
            tables[t] = [
                {k: (None if v == NULL else v) for k, v in rec.items()} for rec in frame.to_dict("records")
            ]
        return "csv", tables
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read the export ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(doc, dict):
        raise DataError(f"{path}: not a book export (expected a JSON object)")
    _check_manifest(path, doc)
    json_tables = doc.get("tables")
    if not isinstance(json_tables, dict):
        raise DataError(f"{path}: not a book export (no 'tables')")
    return "json", {t: list(json_tables.get(t, [])) for t in EXPORT_TABLES}


def _check_manifest(path: Path, doc: dict[str, Any]) -> None:
    if doc.get("format") != FORMAT:
        raise DataError(f"{path}: not a book export (format {doc.get('format')!r}, expected {FORMAT!r})")
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION:
        raise DataError(
            f"{path}: export of schema version {version}; this tailkit imports version {SCHEMA_VERSION} "
            "(open the source book with this tailkit and export again)"
        )


def import_book(book: Book, path: str | os.PathLike[str], *, reason: str = "") -> ExportResult:
    """Load an export (JSON file or CSV folder) into an empty book, in one transaction.

    Parameters
    ----------
    book : Book
        A book with no records.
    path : str or PathLike
        What :func:`export_book` wrote.
    reason : str, default=""
        Free text for the ``import`` audit event.

    Returns
    -------
    ExportResult
        Rows loaded per table.

    Raises
    ------
    DataError
        The book is not empty, or the export is malformed (nothing is written).
    """
    p = Path(path)
    fmt, tables = _load(p)
    rows: dict[str, int] = {}
    with book.transaction() as conn:
        if not book_is_empty(book):
            raise DataError(f"{book.path}: the book already holds records; import into an empty book")
        for t in EXPORT_TABLES:
            cols = _columns(book, t)
            records = tables[t]
            if records:
                unknown = sorted(set(records[0]) - set(cols))
                if unknown:
                    raise DataError(f"{p}: table {t} has unknown column(s) {', '.join(unknown)}")
            names = [c for c in cols if not records or c in records[0]]
            sql = f"INSERT INTO {t} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            try:
                conn.executemany(sql, [tuple(r.get(c) for c in names) for r in records])
            except Exception as exc:
                raise DataError(f"{p}: table {t} could not be loaded ({exc})") from None
            rows[t] = len(records)
        reset_identities(conn)
        bad = conn.execute("PRAGMA foreign_key_check").fetchall() if book.dialect == "sqlite" else []
        if bad:
            raise DataError(f"{p}: {len(bad)} record(s) refer to missing rows (first: {tuple(bad[0])})")
        book.record("import", "book", reason=reason, payload={"path": str(p), "format": fmt, "rows": rows})
    return ExportResult(str(p), fmt, rows)
