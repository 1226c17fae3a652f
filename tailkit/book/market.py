"""Market data: snapshots by hand and option-chain imports (idempotent, one transaction each).

:func:`add_snapshot` records the underlying price and the 20y/30y yields at a time.
:func:`import_chain` reads an option-chain CSV in the overlay's format with
:func:`tailkit.data.read_option_chain` (bad rows are reported and left out there) and stores
every usable quote under its contract key (:func:`~tailkit.book.positions.contract_key`) and
quote time (``quote_date`` + ``quote_time``, ``16:00:00`` when the file has no time). Bid and ask
are rounded to the nearest cent. The import is idempotent twice over: the file's SHA-256 is
recorded (the same file again adds nothing and writes nothing), and quotes are unique per
(contract, quote time) so an overlapping file adds only what is new. One import is one
transaction: a process killed in the middle leaves the book exactly as it was.
"""

from __future__ import annotations

import hashlib
import math
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit.book.money import cents_array, from_cents, to_cents
from tailkit.book.store import Book, utc_now
from tailkit.data import DataQualityWarning, UnitConversionWarning, read_option_chain
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["ChainImport", "import_chain", "add_snapshot", "file_sha256", "DEFAULT_QUOTE_TIME"]

#: quote time assumed when the chain file has no ``quote_time``
DEFAULT_QUOTE_TIME = "16:00:00"


@dataclass(frozen=True, slots=True)
class ChainImport:
    """What an option-chain import did.

    Attributes
    ----------
    path : str
        The file.
    sha256 : str
        Its hash (the idempotency key).
    n_rows : int
        Data rows in the file.
    n_rejected : int
        Rows left out by the reader (see ``reasons``).
    n_new : int
        Quotes added to the book.
    n_duplicate : int
        Usable quotes already in the book (same contract and quote time).
    already_imported : bool
        The same file was imported before: nothing was written.
    reasons : dict of str to int
        Rejected rows per reason.
    """

    path: str
    sha256: str
    n_rows: int
    n_rejected: int
    n_new: int
    n_duplicate: int
    already_imported: bool
    reasons: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "n_rows": self.n_rows,
            "n_rejected": self.n_rejected,
            "n_new": self.n_new,
            "n_duplicate": self.n_duplicate,
            "already_imported": self.already_imported,
            "reasons": dict(self.reasons),
        }

    def summary(self) -> str:
        """One line for the CLI and the app."""
        if self.already_imported:
            return f"{self.path}: already imported (sha256 {self.sha256[:12]}); nothing added"
        text = f"{self.path}: {self.n_new} quotes added, {self.n_duplicate} already in the book"
        if self.n_rejected:
            text += (
                f", {self.n_rejected} rows rejected ("
                + "; ".join(f"{k}: {v}" for k, v in self.reasons.items())
                + ")"
            )
        return text


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _quote_rows(chain: pd.DataFrame, underlying: str) -> list[tuple[Any, ...]]:
    """Turn the reader's frame into insert tuples (vectorised key building)."""
    day = chain["quote_date"].dt.strftime("%Y-%m-%d")
    qtime = chain["quote_time"].where(chain["quote_time"].notna(), DEFAULT_QUOTE_TIME).astype(str)
    when = (day + "T" + qtime).to_numpy(dtype=object)
    kind = chain["option_type"].to_numpy(dtype=object)
    expiry = chain["expiration_date"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    strike_c = cents_array(chain["strike"])
    letter = np.where(kind == "put", "P", "C")
    strike_txt = [f"{c // 100}.{c % 100:02d}" for c in strike_c.tolist()]
    contract = [f"{underlying} {e} {k} {s}" for e, k, s in zip(expiry, letter, strike_txt)]
    und_c = cents_array(chain["underlying_price"]).tolist()
    bid_c = cents_array(chain["bid"]).tolist()
    ask_c = cents_array(chain["ask"]).tolist()

    def opt(col: str, as_int: bool = False) -> list[Any]:
        vals = chain[col].to_numpy(dtype=np.float64)
        if as_int:
            return [None if math.isnan(v) else int(v) for v in vals]
        return [None if math.isnan(v) else float(v) for v in vals]

    iv = chain["implied_vol"].to_numpy(dtype=np.float64).tolist()
    cols = [
        opt("delta"),
        opt("gamma"),
        opt("theta"),
        opt("vega"),
        opt("volume", True),
        opt("open_interest", True),
    ]
    return list(
        zip(
            contract,
            when,
            [underlying] * len(contract),
            kind,
            strike_c.tolist(),
            expiry,
            und_c,
            bid_c,
            ask_c,
            iv,
            *cols,
        )
    )


def import_chain(
    book: Book,
    path: str | os.PathLike[str],
    *,
    underlying: str = "TLT",
    reason: str = "",
    chunk_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> ChainImport:
    """Import an option-chain CSV into the book (one transaction; idempotent).

    Parameters
    ----------
    book : Book
        The book.
    path : str or PathLike
        The option-chain CSV (format: :mod:`tailkit.data.option_chain`).
    underlying : str, default="TLT"
        Ticker the file's quotes are for (the file format has no ticker column).
    reason : str, default=""
        Free text for the audit log.
    chunk_size : int, default=5000
        Quotes inserted per batch (between ``progress`` calls).
    progress : callable, optional
        ``progress(done, total)`` called after each batch, inside the transaction.

    Returns
    -------
    ChainImport

    Raises
    ------
    DataError
        The file is unreadable or has no usable quote (nothing is written).
    """
    p = Path(path)
    underlying = str(underlying).strip().upper()
    if not underlying or " " in underlying:
        raise ParameterError(describe_bad_value("underlying", underlying, "a ticker such as 'TLT'"))
    digest = file_sha256(p) if p.is_file() else ""
    if digest and book.conn.execute("SELECT 1 FROM chain_files WHERE sha256 = ?", (digest,)).fetchone():
        return ChainImport(str(p), digest, 0, 0, 0, 0, True, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        warnings.simplefilter("ignore", UnitConversionWarning)
        read = read_option_chain(p, iv_units="auto")
    rows = _quote_rows(read.chain, underlying)
    snaps = (
        read.chain.assign(
            when=read.chain["quote_date"].dt.strftime("%Y-%m-%d")
            + "T"
            + read.chain["quote_time"].where(read.chain["quote_time"].notna(), DEFAULT_QUOTE_TIME).astype(str)
        )
        .groupby("when", sort=True)["underlying_price"]
        .first()
    )
    total = len(rows)
    new = 0
    with book.transaction() as conn:
        if conn.execute("SELECT 1 FROM chain_files WHERE sha256 = ?", (digest,)).fetchone():
            return ChainImport(str(p), digest, 0, 0, 0, 0, True, {})
        cur = conn.execute(
            "INSERT INTO chain_files (sha256, path, imported_at, n_quotes) VALUES (?, ?, ?, 0)",
            (digest, str(p), utc_now()),
        )
        file_id = int(cur.lastrowid or 0)
        before = conn.total_changes
        for start in range(0, total, chunk_size):
            batch = [(*r, file_id) for r in rows[start : start + chunk_size]]
            conn.executemany(
                "INSERT OR IGNORE INTO quotes (contract, quote_time, underlying, kind, strike_cents, expiry, "
                "underlying_cents, bid_cents, ask_cents, iv, delta, gamma, theta, vega, volume, open_interest, "
                "chain_file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            if progress is not None:
                progress(min(start + chunk_size, total), total)
        new = conn.total_changes - before
        conn.execute("UPDATE chain_files SET n_quotes = ? WHERE id = ?", (new, file_id))
        for when, price in snaps.items():
            conn.execute(
                "INSERT OR IGNORE INTO snapshots (time, underlying, underlying_cents, source) VALUES (?, ?, ?, 'chain')",
                (when, underlying, int(cents_array([price])[0])),
            )
        result = ChainImport(
            str(p), digest, read.n_rows, read.n_rejected, new, total - new, False, read.reasons()
        )
        book.record("import_chain", f"chain_file:{file_id}", reason=reason, payload=result.to_dict())
    return result


def add_snapshot(
    book: Book,
    *,
    underlying_price: Any,
    time: str | None = None,
    yield_20y: Any = None,
    yield_30y: Any = None,
    underlying: str = "TLT",
    reason: str = "",
) -> int:
    """Record a market snapshot by hand (one transaction with its audit event).

    Parameters
    ----------
    book : Book
        The book.
    underlying_price : float
        Underlying price, whole cents, > 0.
    time : str, optional
        Snapshot time (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``; default now, UTC).
    yield_20y, yield_30y : float, optional
        Yields, decimals (0.045 = 4.5%).
    underlying : str, default="TLT"
        Ticker.
    reason : str, default=""
        Free text for the audit log.

    Returns
    -------
    int
        The snapshot's id.
    """
    price_c = to_cents("underlying_price", underlying_price, positive=True)
    when = _snapshot_time(time)
    ys = []
    for name, y in (("yield_20y", yield_20y), ("yield_30y", yield_30y)):
        if y is None or y == "":
            ys.append(None)
            continue
        try:
            v = float(y)
        except (TypeError, ValueError):
            raise ParameterError(describe_bad_value(name, y, "a decimal yield such as 0.045")) from None
        if not math.isfinite(v) or not -0.05 < v < 0.5:
            raise ParameterError(describe_bad_value(name, y, "a decimal yield in (-0.05, 0.5), e.g. 0.045"))
        ys.append(v)
    with book.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO snapshots (time, underlying, underlying_cents, yield_20y, yield_30y, source) "
            "VALUES (?, ?, ?, ?, ?, 'manual') ON CONFLICT (underlying, time) DO UPDATE SET "
            "underlying_cents = excluded.underlying_cents, yield_20y = excluded.yield_20y, "
            "yield_30y = excluded.yield_30y, source = excluded.source",
            (when, underlying, price_c, ys[0], ys[1]),
        )
        sid = int(cur.lastrowid or 0)
        book.record(
            "snapshot",
            f"snapshot:{underlying}:{when}",
            reason=reason,
            payload={"underlying_price": str(from_cents(price_c)), "yield_20y": ys[0], "yield_30y": ys[1]},
        )
    return sid


def _snapshot_time(time: str | None) -> str:
    if time is None:
        return pd.Timestamp.now(tz="UTC").tz_localize(None).strftime("%Y-%m-%dT%H:%M:%S")
    try:
        ts = pd.Timestamp(str(time))
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise ParameterError(describe_bad_value("time", time, "a time such as '2025-01-31T16:00:00'"))
    return ts.strftime("%Y-%m-%dT%H:%M:%S")
