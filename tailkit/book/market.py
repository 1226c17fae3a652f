"""Market data: snapshots, option-chain imports, the market view.

:func:`add_snapshot` records the underlying price and the 20y/30y yields at a time; quotes
typed by hand are :mod:`tailkit.book.quotes`. :func:`market_data` is the view of the market data: the latest
snapshot, the snapshot history and the latest quote of every contract.
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
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tailkit.book.money import cents_array, from_cents, to_cents
from tailkit.book.positions import contract_key, parse_date
from tailkit.book.store import Book, utc_now
from tailkit.data import DataQualityWarning, UnitConversionWarning, read_option_chain
from tailkit.errors import ParameterError, describe_bad_value

__all__ = [
    "ChainImport",
    "MarketData",
    "import_chain",
    "add_snapshot",
    "market_data",
    "parse_contract",
    "KIND_NAMES",
    "book_time",
    "file_sha256",
    "DEFAULT_QUOTE_TIME",
]

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
    when = book_time(time)
    ys: list[float | None] = []
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


def book_time(time: str | None) -> str:
    """Return ``time`` as the book's ISO time text (``YYYY-MM-DDTHH:MM:SS``; now in UTC when None).

    Raises
    ------
    ParameterError
        When ``time`` is not a readable time (the message quotes it).
    """
    if time is None:
        return pd.Timestamp.now(tz="UTC").tz_localize(None).strftime("%Y-%m-%dT%H:%M:%S")
    try:
        ts = pd.Timestamp(str(time))
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise ParameterError(describe_bad_value("time", time, "a time such as '2025-01-31T16:00:00'"))
    return ts.strftime("%Y-%m-%dT%H:%M:%S")


# -- contracts as a person types them --------------------------------------------------------------


KIND_NAMES = {"p": "put", "put": "put", "c": "call", "call": "call"}


def parse_contract(text: Any) -> tuple[str, date, str, int]:
    """Parse a contract key ``"UNDERLYING YYYY-MM-DD P|C STRIKE"``.

    Parameters
    ----------
    text : str
        E.g. ``"TLT 2025-02-21 P 88"`` (``put``/``call`` and ``88.00`` are accepted too).

    Returns
    -------
    tuple of (str, date, str, int)
        Underlying, expiry, kind (``"put"``/``"call"``) and strike in cents.

    Raises
    ------
    ParameterError
        Not four parts, an unknown option type, a bad date or strike.

    Examples
    --------
    >>> parse_contract("TLT 2025-02-21 P 88")
    ('TLT', datetime.date(2025, 2, 21), 'put', 8800)
    """
    allowed = "a contract such as 'TLT 2025-02-21 P 88.00' (underlying, expiry, P or C, strike)"
    parts = str(text).split()
    if len(parts) != 4:
        raise ParameterError(describe_bad_value("contract", text, allowed))
    underlying, day, kind, strike = parts
    kind_name = KIND_NAMES.get(kind.lower())
    if kind_name is None:
        raise ParameterError(describe_bad_value("contract", text, allowed))
    return (
        underlying.upper(),
        parse_date("contract expiry", day),
        kind_name,
        to_cents("contract strike", strike, positive=True),
    )


# -- the market view ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MarketData:
    """The book's market data for one underlying.

    Attributes
    ----------
    underlying : str
        Ticker.
    snapshots : DataFrame of shape (n_snapshots, 5)
        History in time order: ``time``, ``underlying_price`` (dollars), ``yield_20y``,
        ``yield_30y`` (decimals, NaN when not recorded) and ``source`` (``manual``, ``chain``,
        ``legacy`` ...).
    quotes : DataFrame of shape (n, 13)
        The latest quote of every contract (or every quote of one contract, oldest first):
        ``contract``, ``quote_time``, ``kind``, ``expiry``, ``strike``, ``bid``, ``ask``,
        ``mid``, ``iv``, ``delta``, ``underlying_price``, ``source`` (``chain``/``manual``) and
        ``n_quotes`` (quotes of that contract in the book).
    """

    underlying: str
    snapshots: pd.DataFrame
    quotes: pd.DataFrame

    @property
    def latest(self) -> dict[str, Any] | None:
        """The latest snapshot as a dict, or ``None`` when there is none."""
        if self.snapshots.empty:
            return None
        return _record(self.snapshots.iloc[-1])

    @property
    def latest_yields(self) -> dict[str, Any] | None:
        """The latest snapshot that holds yields (chain snapshots carry none), or ``None``."""
        rows = self.snapshots.dropna(subset=["yield_20y", "yield_30y"], how="all")
        return None if rows.empty else _record(rows.iloc[-1])

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict: latest snapshot, latest yields, history and quotes."""

        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [_record(r) for _, r in frame.iterrows()]

        return {
            "underlying": self.underlying,
            "latest": self.latest,
            "latest_yields": self.latest_yields,
            "snapshots": rows(self.snapshots),
            "quotes": rows(self.quotes),
        }


def _record(row: pd.Series) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, float) and math.isnan(v):
            out[str(k)] = None
        elif isinstance(v, np.integer):
            out[str(k)] = int(v)
        elif isinstance(v, np.floating):
            out[str(k)] = float(v)
        else:
            out[str(k)] = v
    return out


_LATEST_QUOTES_SQL = """
SELECT q.contract, q.quote_time, q.kind, q.expiry, q.strike_cents, q.bid_cents, q.ask_cents, q.iv, q.delta,
       q.underlying_cents, CASE WHEN q.chain_file_id IS NULL THEN 'manual' ELSE 'chain' END AS source,
       (SELECT COUNT(*) FROM quotes q3 WHERE q3.contract = q.contract) AS n_quotes
FROM quotes q
WHERE q.underlying = ? AND {where}
ORDER BY {order}
"""


def market_data(book: Book, *, underlying: str = "TLT", contract: str | None = None) -> MarketData:
    """The market data view: snapshot history and latest quotes (one read transaction).

    Parameters
    ----------
    book : Book
        The book.
    underlying : str, default="TLT"
        Ticker.
    contract : str, optional
        A contract key: ``quotes`` then holds every quote of that contract (its history)
        instead of the latest quote of every contract.

    Returns
    -------
    MarketData

    Examples
    --------
    >>> from tailkit.book.store import Book
    >>> market_data(Book(":memory:")).latest is None
    True
    """
    und = str(underlying).strip().upper()
    params: tuple[Any, ...]
    if contract not in (None, ""):
        c_und, day, kind, strike_c = parse_contract(contract)
        und = c_und
        key = contract_key(c_und, kind, strike_c, day)
        sql = _LATEST_QUOTES_SQL.format(where="q.contract = ?", order="q.quote_time")
        params = (und, key)
    else:
        sql = _LATEST_QUOTES_SQL.format(
            where="q.quote_time = (SELECT MAX(q2.quote_time) FROM quotes q2 WHERE q2.contract = q.contract)",
            order="q.expiry, q.kind, q.strike_cents",
        )
        params = (und,)
    with book.read():
        snaps = book.frame(
            "SELECT time, underlying_cents, yield_20y, yield_30y, source FROM snapshots "
            "WHERE underlying = ? ORDER BY time, id",
            (und,),
        )
        quotes = book.frame(sql, params)
    snapshots = pd.DataFrame(
        {
            "time": snaps["time"],
            "underlying_price": snaps["underlying_cents"] / 100.0,
            "yield_20y": snaps["yield_20y"].astype(np.float64),
            "yield_30y": snaps["yield_30y"].astype(np.float64),
            "source": snaps["source"],
        }
    )
    bid = quotes["bid_cents"] / 100.0
    ask = quotes["ask_cents"] / 100.0
    frame = pd.DataFrame(
        {
            "contract": quotes["contract"],
            "quote_time": quotes["quote_time"],
            "kind": quotes["kind"],
            "expiry": quotes["expiry"],
            "strike": quotes["strike_cents"] / 100.0,
            "bid": bid,
            "ask": ask,
            "mid": (quotes["bid_cents"] + quotes["ask_cents"]) / 200.0,
            "iv": quotes["iv"].astype(np.float64),
            "delta": quotes["delta"].astype(np.float64),
            "underlying_price": quotes["underlying_cents"] / 100.0,
            "source": quotes["source"],
            "n_quotes": quotes["n_quotes"].astype(np.int64),
        }
    )
    return MarketData(underlying=und, snapshots=snapshots, quotes=frame)
