r"""The original portfolio manager's data folder: import it into a book, export a book back to it.

The tool tailkit replaces (``portfolio_manager.py --data-dir DIR``) keeps its state in three
JSON files. :func:`import_legacy` reads them into a book; :func:`export_legacy` writes a book
back in that layout. Both are safe to repeat:

* **Import** validates all three files first (a malformed file raises
  :class:`~tailkit.errors.DataError` naming the file, the record and the field, and nothing is
  written), then writes every new record in **one transaction**, each with its own
  ``import_legacy`` audit event whose payload holds the file and the record as read. It is
  **idempotent**: a position is recognised by its ``position_id`` (kept in its audit event), a
  snapshot by its time, a quote by contract and time, the NAV by value; re-importing the same
  folder writes nothing, not even an audit event. A position found open in the book and
  closed in the folder is closed (the folder's later state); any other disagreement (the
  folder says open what the book closed, different prices for the same record) keeps the
  book's record and is reported in :attr:`LegacyTransfer.conflicts`.
  (Reading and validating the files: :mod:`tailkit.book.legacy_files`.)
* **Export** writes the three files atomically (temp file, then rename); importing an export
  into an empty book gives the same positions, snapshots, quotes and NAV.

Money enters the book as integer cents (:mod:`tailkit.book.money`): what a person typed into the
original (strikes, credits, exit debits, TLT at entry, NAV) must be whole cents and is refused
otherwise; market prices (snapshot TLT price, quote bid/ask/underlying) are rounded to the
nearest cent, half to even, as chain files are. Dates and times: ``YYYY-MM-DD`` dates,
ISO timestamps stored to the second (``YYYY-MM-DDTHH:MM:SS``). Only the underlying TLT exists
in the original; exports hold the book's TLT records.

``positions.json`` — ``{"positions": [record, ...], "last_updated": time}``
    ==================  ==========================================================================
    original field      book
    ==================  ==========================================================================
    position_id         audit event ``import_legacy`` of the position (payload ``legacy_id``);
                        exported as that id, or ``tailkit-<id>`` for a position opened in tailkit
    option_type         ``positions.strategy``: ``put`` -> ``bull_put``, ``call`` -> ``bear_call``;
                        legs ``kind``
    short_strike        short leg ``legs.strike_cents`` (quantity -1), whole cents
    long_strike         long leg ``legs.strike_cents`` (quantity +1), whole cents
    expiration_date     ``legs.expiry`` of both legs
    entry_date          ``positions.opened_at`` = ``<entry_date>T00:00:00Z`` (and the open fill's time)
    entry_credit        ``positions.entry_price_cents`` and the open fill's ``price_cents``
    contracts           ``positions.contracts`` and the fills' ``contracts``
    entry_underlying    ``positions.entry_underlying_cents`` (null allowed)
    entry_short_iv      ``positions.entry_iv`` (decimal, as the original stores it)
    entry_delta         ``positions.entry_delta``
    status              ``open`` -> ``open``; ``closed`` -> ``closed``; ``expired`` -> ``closed`` with
                        exit reason ``expiration``. Export: ``rolled`` -> ``closed``, and a position
                        closed with reason ``expiration`` -> ``expired``
    exit_date           ``positions.closed_at`` = ``<exit_date>T00:00:00Z`` (and the close fill's time)
    exit_debit          ``positions.exit_price_cents`` and the close fill's ``price_cents``
    exit_reason         ``positions.exit_reason`` (``profit_target``, ``loss_limit``,
                        ``dte_threshold``, ``manual``, ``expiration``; ``roll`` on export);
                        default ``manual`` (``expiration`` for ``expired``)
    exit_underlying     not a book column: kept in the audit payload and exported from it
                        (null for positions closed in tailkit)
    notes               ``positions.tag``
    (none)              commissions: 0 on import; export drops them (the original has none)
    last_updated        not read; written as the export time
    ==================  ==========================================================================

``market_data.json`` — ``{"market_snapshots": [...], "option_prices": {key: quote},
"option_history": {key: [quote, ...]}, "last_updated": time}``
    ==================  ==========================================================================
    original field      book
    ==================  ==========================================================================
    market_snapshots    table ``snapshots`` (underlying ``TLT``), one row per time
    .timestamp          ``snapshots.time`` (to the second)
    .tlt_price          ``snapshots.underlying_cents`` (rounded to the cent)
    .yield_20y          ``snapshots.yield_20y`` (decimal; null allowed, e.g. chain snapshots)
    .yield_30y          ``snapshots.yield_30y``
    .source             ``snapshots.source`` (``manual``, ``bloomberg_import``, ``chain`` ...)
    .notes              not a book column: kept in the audit payload; exported as ``""``
    option_history      table ``quotes``, one row per contract and time (``chain_file_id`` null)
    option_prices       the latest quote per contract: read as more history (duplicates of
                        ``option_history`` are the same rows); written as the latest of each
    key                 ``<option_type>_<expiration_date>_<strike>``: not read (the fields say
                        it); written from the fields, strike as a float (``put_2025-02-21_88.0``)
    .timestamp          ``quotes.quote_time`` (to the second)
    .option_type        ``quotes.kind``
    .expiration_date    ``quotes.expiry``
    .strike             ``quotes.strike_cents`` (whole cents); with the above, the contract key
                        ``TLT <expiry> P|C <strike>``
    .bid, .ask          ``quotes.bid_cents``, ``quotes.ask_cents`` (rounded to the cent)
    .implied_vol        ``quotes.iv`` (decimal)
    .delta .gamma       ``quotes.delta``, ``quotes.gamma``, ``quotes.theta``, ``quotes.vega``
    .theta .vega        (null allowed)
    .underlying_price   ``quotes.underlying_cents``; when null, the TLT snapshot at or before the
                        quote time (an error when there is none)
    last_updated        not read; written as the export time
    ==================  ==========================================================================

``portfolio_nav.json`` — ``{"nav": amount, "last_updated": time}``
    ==================  ==========================================================================
    nav                 a ``nav`` row, ``nav_cents`` (whole cents, > 0), note ``legacy import``;
                        export: the latest NAV
    last_updated        the row's ``time`` (import time when absent); export: the latest NAV's time
    ==================  ==========================================================================

Not in the original and so not exported: book settings, saved marks, commissions, chain-file
records, the audit log (see :mod:`tailkit.book.transfer` for a full export).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tailkit.book.legacy_files import (
    LEGACY_FILES,
    LEGACY_UNDERLYING,
    MARKET_FILE,
    NAV_FILE,
    POSITION_FIELDS,
    POSITIONS_FILE,
    QUOTE_FIELDS,
    SNAPSHOT_FIELDS,
    STRATEGY_TO_KIND,
    LegacyFolder,
    LegacyPosition,
    LegacyQuote,
    LegacySnapshot,
    read_legacy,
)
from tailkit.book.money import from_cents
from tailkit.book.positions import SpreadOrder, _close, _insert
from tailkit.book.store import Book, utc_now
from tailkit.errors import DataError
from tailkit.params import atomic_write_text

__all__ = [
    "LEGACY_FILES",
    "LEGACY_UNDERLYING",
    "LegacyTransfer",
    "import_legacy",
    "export_legacy",
    "read_legacy",
    "LegacyFolder",
]

#: audit action of every imported record
AUDIT_ACTION = "import_legacy"


@dataclass(frozen=True, slots=True)
class LegacyTransfer:
    """What an import or export of a legacy data folder did.

    Attributes
    ----------
    data_dir : str
        The folder.
    direction : {"import", "export"}
    added : dict of str to int
        Records written per kind (``positions``, ``closes``, ``snapshots``, ``quotes``, ``nav``);
        for an export, records written to the files.
    unchanged : dict of str to int
        Records already in the book (import only).
    conflicts : tuple of str
        Records the folder and the book disagree on (the book's record is kept).
    files : tuple of str
        Files read or written.
    """

    data_dir: str
    direction: str
    added: dict[str, int]
    unchanged: dict[str, int] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def n_added(self) -> int:
        """Total records written."""
        return sum(self.added.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "data_dir": self.data_dir,
            "direction": self.direction,
            "added": dict(self.added),
            "unchanged": dict(self.unchanged),
            "conflicts": list(self.conflicts),
            "files": list(self.files),
        }

    def summary(self) -> str:
        """One line (plus one per conflict) for the CLI and the menu."""
        counts = ", ".join(f"{v} {k}" for k, v in self.added.items())
        if self.direction == "export":
            text = f"{self.data_dir}: exported {counts}"
        else:
            same = sum(self.unchanged.values())
            text = f"{self.data_dir}: imported {counts}; {same} records already in the book"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflicts (book kept):\n  " + "\n  ".join(self.conflicts)
        return text


# -- import ---------------------------------------------------------------------------------------


def _legacy_ids(book: Book) -> dict[str, tuple[int, dict[str, Any]]]:
    """``legacy position_id -> (book position id, latest legacy record)`` from the audit log."""
    rows = book.conn.execute(
        "SELECT object, payload FROM audit WHERE action = ? AND object LIKE 'position:%' ORDER BY id",
        (AUDIT_ACTION,),
    ).fetchall()
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for obj, text in rows:
        payload = json.loads(text) if text else {}
        legacy_id = payload.get("legacy_id") if isinstance(payload, dict) else None
        if legacy_id is not None:
            record = payload.get("record")
            out[str(legacy_id)] = (int(str(obj).split(":", 1)[1]), record if isinstance(record, dict) else {})
    return out


def _same_order(row: Any, order: SpreadOrder) -> bool:
    return (
        row["strategy"] == order.strategy
        and int(row["short_strike_cents"]) == order.short_strike_cents
        and int(row["long_strike_cents"]) == order.long_strike_cents
        and row["expiry"] == order.expiry.isoformat()
        and int(row["contracts"]) == order.contracts
        and int(row["entry_price_cents"]) == order.credit_cents
    )


_POSITION_ROW = """
SELECT p.*, MAX(CASE WHEN l.quantity < 0 THEN l.strike_cents END) AS short_strike_cents,
       MAX(CASE WHEN l.quantity > 0 THEN l.strike_cents END) AS long_strike_cents, MIN(l.expiry) AS expiry
FROM positions p JOIN legs l ON l.position_id = p.id WHERE p.id = ? GROUP BY p.id
"""


def _match_position(book: Book, pos: LegacyPosition, known: dict[str, tuple[int, dict[str, Any]]]) -> Any:
    """The book's row for a legacy position, or ``None`` when it is new."""
    if pos.legacy_id in known:
        return book.conn.execute(_POSITION_ROW, (known[pos.legacy_id][0],)).fetchone()
    m = re.fullmatch(r"tailkit-(\d+)", pos.legacy_id)
    if m:  # exported from a tailkit book: the same book knows it by id
        row = book.conn.execute(_POSITION_ROW, (int(m.group(1)),)).fetchone()
        if row is not None and _same_order(row, pos.order):
            return row
    return None


def import_legacy(book: Book, data_dir: str | os.PathLike[str], *, reason: str = "") -> LegacyTransfer:
    """Import a legacy data folder into the book (validated first; one transaction; idempotent).

    See the module docstring for the field mapping and the matching rules.

    Parameters
    ----------
    book : Book
        The book.
    data_dir : str or PathLike
        The original tool's ``--data-dir`` folder.
    reason : str, default=""
        Free text for the audit events.

    Returns
    -------
    LegacyTransfer
        Records added, unchanged and in conflict.

    Raises
    ------
    DataError
        A malformed file (nothing is written).
    """
    folder = read_legacy(data_dir)
    added = {"positions": 0, "closes": 0, "snapshots": 0, "quotes": 0, "nav": 0}
    unchanged = {"positions": 0, "snapshots": 0, "quotes": 0, "nav": 0}
    conflicts: list[str] = []
    with book.transaction():
        known = _legacy_ids(book)
        for pos in folder.positions:
            _import_position(book, folder, pos, known, added, unchanged, conflicts, reason)
        for snap in folder.snapshots:
            _import_snapshot(book, folder, snap, added, unchanged, conflicts, reason)
        for q in folder.quotes:
            _import_quote(book, folder, q, added, unchanged, conflicts, reason)
        if folder.nav_cents is not None:
            _import_nav(book, folder, added, unchanged, conflicts, reason)
    return LegacyTransfer(
        data_dir=str(folder.data_dir),
        direction="import",
        added=added,
        unchanged=unchanged,
        conflicts=tuple(conflicts),
        files=folder.files,
    )


def _audit(
    book: Book, folder: LegacyFolder, file: str, obj: str, record: dict[str, Any], reason: str, **extra: Any
) -> None:
    book.record(
        AUDIT_ACTION,
        obj,
        reason=reason,
        payload={"file": str(folder.data_dir / file), "record": record, **extra},
    )


def _import_position(
    book: Book,
    folder: LegacyFolder,
    pos: LegacyPosition,
    known: dict[str, tuple[int, dict[str, Any]]],
    added: dict[str, int],
    unchanged: dict[str, int],
    conflicts: list[str],
    reason: str,
) -> None:
    row = _match_position(book, pos, known)
    if row is None:
        pid = _insert(book, pos.order, pos.opened_at)
        if pos.closed:
            _close_from_legacy(book, pid, pos)
            added["closes"] += 1
        added["positions"] += 1
        _audit(book, folder, POSITIONS_FILE, f"position:{pid}", pos.record, reason, legacy_id=pos.legacy_id)
        known[pos.legacy_id] = (pid, pos.record)
        return
    pid = int(row["id"])
    label = f"position {pos.legacy_id} (book position {pid})"
    if not _same_order(row, pos.order):
        conflicts.append(f"{label}: strikes, expiry, contracts or credit differ")
        return
    book_open = row["status"] == "open"
    if book_open and pos.closed:
        _close_from_legacy(book, pid, pos)
        added["closes"] += 1
        _audit(book, folder, POSITIONS_FILE, f"position:{pid}", pos.record, reason, legacy_id=pos.legacy_id)
        return
    if book_open == (not pos.closed) and (not pos.closed or int(row["exit_price_cents"]) == pos.exit_cents):
        unchanged["positions"] += 1
        return
    state = "closed" if pos.closed else "open"
    conflicts.append(
        f"{label}: the folder has it {state}, the book {row['status']} (exit {row['exit_price_cents']} cents)"
    )


def _close_from_legacy(book: Book, pid: int, pos: LegacyPosition) -> None:
    assert pos.closed_at is not None and pos.exit_cents is not None and pos.exit_reason is not None
    row = book.conn.execute("SELECT * FROM positions WHERE id = ?", (pid,)).fetchone()
    _close(book, row, pos.exit_cents, 0, pos.closed_at, "closed", pos.exit_reason)


def _import_snapshot(
    book: Book,
    folder: LegacyFolder,
    snap: LegacySnapshot,
    added: dict[str, int],
    unchanged: dict[str, int],
    conflicts: list[str],
    reason: str,
) -> None:
    row = book.conn.execute(
        "SELECT underlying_cents, yield_20y, yield_30y FROM snapshots WHERE underlying = ? AND time = ?",
        (LEGACY_UNDERLYING, snap.time),
    ).fetchone()
    if row is None:
        cols = [c for _, c in SNAPSHOT_FIELDS]
        cur = book.conn.execute(
            f"INSERT INTO snapshots (underlying, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})",
            (LEGACY_UNDERLYING, *(getattr(snap, c) for c in cols)),
        )
        added["snapshots"] += 1
        _audit(book, folder, MARKET_FILE, f"snapshot:{int(cur.lastrowid or 0)}", snap.record, reason)
    elif (int(row[0]), row[1], row[2]) == (snap.underlying_cents, snap.yield_20y, snap.yield_30y):
        unchanged["snapshots"] += 1
    else:
        conflicts.append(f"snapshot {snap.time}: the folder's TLT price or yields differ from the book's")


def _import_quote(
    book: Book,
    folder: LegacyFolder,
    q: LegacyQuote,
    added: dict[str, int],
    unchanged: dict[str, int],
    conflicts: list[str],
    reason: str,
) -> None:
    row = book.conn.execute(
        "SELECT bid_cents, ask_cents FROM quotes WHERE contract = ? AND quote_time = ?",
        (q.contract, q.quote_time),
    ).fetchone()
    if row is not None:
        if (int(row[0]), int(row[1])) == (q.bid_cents, q.ask_cents):
            unchanged["quotes"] += 1
        else:
            conflicts.append(
                f"quote {q.contract} at {q.quote_time}: the folder's bid/ask differ from the book's"
            )
        return
    und = q.underlying_cents
    if und is None:
        snap = book.conn.execute(
            "SELECT underlying_cents FROM snapshots WHERE underlying = ? AND time <= ? ORDER BY time DESC LIMIT 1",
            (LEGACY_UNDERLYING, q.quote_time),
        ).fetchone()
        if snap is None:
            raise DataError(
                f"{folder.data_dir / MARKET_FILE}: quote {q.contract} at {q.quote_time}: "
                "underlying_price=None is not allowed: expected a price (no TLT snapshot at or before the quote)"
            )
        und = int(snap[0])
    cols = [c for _, c in QUOTE_FIELDS]
    values = (und if c == "underlying_cents" else getattr(q, c) for c in cols)
    cur = book.conn.execute(
        f"INSERT INTO quotes (contract, underlying, {', '.join(cols)}) VALUES (?, ?{', ?' * len(cols)})",
        (q.contract, LEGACY_UNDERLYING, *values),
    )
    added["quotes"] += 1
    _audit(book, folder, MARKET_FILE, f"quote:{int(cur.lastrowid or 0)}", q.record, reason)


def _import_nav(
    book: Book,
    folder: LegacyFolder,
    added: dict[str, int],
    unchanged: dict[str, int],
    conflicts: list[str],
    reason: str,
) -> None:
    assert folder.nav_cents is not None
    latest = book.conn.execute(
        "SELECT time, nav_cents FROM nav ORDER BY time DESC, id DESC LIMIT 1"
    ).fetchone()
    when = folder.nav_time or utc_now()
    if latest is not None and int(latest[1]) == folder.nav_cents:
        unchanged["nav"] += 1
        return
    if latest is not None and str(latest[0]) >= when:
        conflicts.append(
            f"NAV {from_cents(folder.nav_cents)} of {when}: the book's NAV {from_cents(int(latest[1]))} "
            f"of {latest[0]} is later"
        )
        return
    cur = book.conn.execute(
        "INSERT INTO nav (time, nav_cents, note) VALUES (?, ?, 'legacy import')", (when, folder.nav_cents)
    )
    added["nav"] += 1
    record = {"nav": float(from_cents(folder.nav_cents)), "last_updated": folder.nav_time}
    _audit(book, folder, NAV_FILE, f"nav:{int(cur.lastrowid or 0)}", record, reason)


# -- export ---------------------------------------------------------------------------------------


def _money(cents: Any) -> float | None:
    return (
        None
        if cents is None or (isinstance(cents, float) and math.isnan(cents))
        else float(from_cents(int(cents)))
    )


def _opt(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _export_positions(book: Book) -> list[dict[str, Any]]:
    known = {pid: (legacy_id, rec) for legacy_id, (pid, rec) in _legacy_ids(book).items()}
    frame = book.frame(
        "SELECT p.*, MAX(CASE WHEN l.quantity < 0 THEN l.strike_cents END) AS short_strike_cents, "
        "MAX(CASE WHEN l.quantity > 0 THEN l.strike_cents END) AS long_strike_cents, MIN(l.expiry) AS expiry "
        "FROM positions p JOIN legs l ON l.position_id = p.id WHERE p.underlying = ? GROUP BY p.id ORDER BY p.id",
        (LEGACY_UNDERLYING,),
    )
    out = []
    for r in frame.to_dict(orient="records"):
        pid = int(r["id"])
        legacy_id, rec = known.get(pid, (f"tailkit-{pid}", {}))
        open_ = r["status"] == "open"
        reason = None if open_ else str(r["exit_reason"])
        status = "open" if open_ else ("expired" if reason == "expiration" else "closed")
        record: dict[str, Any] = {"position_id": legacy_id}
        record.update((name, _position_value(column, r[column])) for name, column, _ in POSITION_FIELDS)
        record.update(
            {
                "status": status,
                "exit_date": None if open_ else str(r["closed_at"])[:10],
                "exit_debit": None if open_ else _money(r["exit_price_cents"]),
                "exit_reason": reason,
                "exit_underlying": None if open_ else rec.get("exit_underlying"),
            }
        )
        record["notes"] = record.pop("notes")  # last, where the original writes it
        out.append(record)
    return out


def _position_value(column: str, value: Any) -> Any:
    """A book value of a column of :data:`POSITION_FIELDS` as the original writes it."""
    if column == "strategy":
        return STRATEGY_TO_KIND[str(value)]
    if column.endswith("_cents"):
        return _money(value)
    if column == "opened_at":
        return str(value)[:10]
    if column == "contracts":
        return int(value)
    if column == "tag":
        return str(value or "")
    if column in ("entry_iv", "entry_delta"):
        return _opt(value)
    return value


def _to_legacy(fields: tuple[tuple[str, str], ...], row: Any) -> dict[str, Any]:
    """A book row (columns in the order of ``fields``) as the original's record: cents to dollars."""
    out: dict[str, Any] = {}
    for (name, column), value in zip(fields, tuple(row), strict=True):
        if column.endswith("_cents"):
            out[name] = _money(value)
        elif column == "iv":
            out[name] = float(value)
        else:
            out[name] = value
    return out


def _legacy_key(kind: str, expiry: str, strike_cents: int) -> str:
    return f"{kind}_{expiry}_{float(from_cents(strike_cents))}"


def _export_market(book: Book) -> dict[str, Any]:
    snaps = book.conn.execute(
        f"SELECT {', '.join(c for _, c in SNAPSHOT_FIELDS)} FROM snapshots WHERE underlying = ? ORDER BY time, id",
        (LEGACY_UNDERLYING,),
    ).fetchall()
    snapshots = [{**_to_legacy(SNAPSHOT_FIELDS, s), "notes": ""} for s in snaps]
    rows = book.conn.execute(
        f"SELECT {', '.join(c for _, c in QUOTE_FIELDS)} FROM quotes WHERE underlying = ? "
        "ORDER BY contract, quote_time",
        (LEGACY_UNDERLYING,),
    ).fetchall()
    history: dict[str, list[dict[str, Any]]] = {}
    for q in rows:
        rec = _to_legacy(QUOTE_FIELDS, q)
        key = _legacy_key(rec["option_type"], rec["expiration_date"], int(q[3]))
        history.setdefault(key, []).append(rec)
    latest = {key: recs[-1] for key, recs in history.items()}
    return {
        "market_snapshots": snapshots,
        "option_prices": latest,
        "option_history": history,
        "last_updated": _now_local(),
    }


def _now_local() -> str:
    return datetime.now().isoformat(timespec="seconds")


def export_legacy(book: Book, data_dir: str | os.PathLike[str]) -> LegacyTransfer:
    """Write the book's TLT positions, market data and NAV in the original tool's layout.

    The three files are written atomically (temp file, then rename) after all three are
    built from one read transaction; ``portfolio_nav.json`` only when the book has a NAV.

    Parameters
    ----------
    book : Book
        The book.
    data_dir : str or PathLike
        Folder (created if missing).

    Returns
    -------
    LegacyTransfer
        Records written per kind.
    """
    folder = Path(data_dir).expanduser()
    with book.read():
        positions = _export_positions(book)
        market = _export_market(book)
        nav = book.conn.execute(
            "SELECT time, nav_cents FROM nav ORDER BY time DESC, id DESC LIMIT 1"
        ).fetchone()
    texts = {
        POSITIONS_FILE: {"positions": positions, "last_updated": _now_local()},
        MARKET_FILE: market,
    }
    if nav is not None:
        texts[NAV_FILE] = {"nav": _money(nav[1]), "last_updated": nav[0]}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in texts.items():
            atomic_write_text(folder / name, json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise DataError(f"{folder}: cannot write the legacy files ({exc.strerror})") from None
    n_quotes = sum(len(v) for v in market["option_history"].values())
    return LegacyTransfer(
        data_dir=str(folder),
        direction="export",
        added={
            "positions": len(positions),
            "snapshots": len(market["market_snapshots"]),
            "quotes": n_quotes,
            "nav": int(nav is not None),
        },
        files=tuple(texts),
    )
