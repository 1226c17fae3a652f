"""Reading the original portfolio manager's data files: parse and validate, write nothing.

:func:`read_legacy` reads ``positions.json``, ``market_data.json`` and ``portfolio_nav.json`` of a
data folder of the original tool into a :class:`LegacyFolder` of validated records, money in
integer cents; any malformed record raises :class:`~tailkit.errors.DataError` naming the file,
the record and the field. :mod:`tailkit.book.legacy` imports the result into a book (its
docstring documents the mapping of every field).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tailkit.book.money import from_cents, round_cents, to_cents
from tailkit.book.positions import EXIT_REASONS, SpreadOrder, contract_key, spread_order
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "LEGACY_FILES",
    "LEGACY_UNDERLYING",
    "POSITIONS_FILE",
    "MARKET_FILE",
    "NAV_FILE",
    "LegacyFolder",
    "LegacyPosition",
    "LegacySnapshot",
    "LegacyQuote",
    "SNAPSHOT_FIELDS",
    "POSITION_FIELDS",
    "KIND_TO_STRATEGY",
    "STRATEGY_TO_KIND",
    "QUOTE_FIELDS",
    "read_legacy",
]

#: the original's files in its data folder
POSITIONS_FILE = "positions.json"
MARKET_FILE = "market_data.json"
NAV_FILE = "portfolio_nav.json"
LEGACY_FILES: tuple[str, ...] = (POSITIONS_FILE, MARKET_FILE, NAV_FILE)
#: the only underlying the original knows
LEGACY_UNDERLYING = "TLT"
#: the original's ``option_type`` -> the book's ``positions.strategy``
KIND_TO_STRATEGY = {"put": "bull_put", "call": "bear_call"}
#: the book's ``positions.strategy`` -> the original's ``option_type``
STRATEGY_TO_KIND = {v: k for k, v in KIND_TO_STRATEGY.items()}
#: the original's position fields that map one to one: (field, the book's column in the export
#: query of :mod:`tailkit.book.legacy`, :func:`~tailkit.book.positions.spread_order`'s argument).
#: The one map behind the export's records and the import's error messages; ``status`` and the
#: ``exit_*`` fields depend on the status and are handled apart.
POSITION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("option_type", "strategy", "strategy"),
    ("short_strike", "short_strike_cents", "short_strike"),
    ("long_strike", "long_strike_cents", "long_strike"),
    ("expiration_date", "expiry", "expiry"),
    ("entry_date", "opened_at", "trade_date"),
    ("entry_credit", "entry_price_cents", "credit"),
    ("contracts", "contracts", "contracts"),
    ("entry_underlying", "entry_underlying_cents", "entry_underlying"),
    ("entry_short_iv", "entry_iv", "entry_iv"),
    ("entry_delta", "entry_delta", "entry_delta"),
    ("notes", "tag", "tag"),
)
#: spread_order's input names -> the original's field names (for error messages)
_ORDER_FIELDS = {arg: name for name, _, arg in POSITION_FIELDS}


#: the original's ``market_snapshots`` fields -> the book's ``snapshots`` columns (and the
#: :class:`LegacySnapshot` attributes): the one map the import and the export both use
SNAPSHOT_FIELDS: tuple[tuple[str, str], ...] = (
    ("timestamp", "time"),
    ("tlt_price", "underlying_cents"),
    ("yield_20y", "yield_20y"),
    ("yield_30y", "yield_30y"),
    ("source", "source"),
)
#: the original's quote fields -> the book's ``quotes`` columns (and the :class:`LegacyQuote`
#: attributes): the one map the import and the export both use
QUOTE_FIELDS: tuple[tuple[str, str], ...] = (
    ("timestamp", "quote_time"),
    ("option_type", "kind"),
    ("expiration_date", "expiry"),
    ("strike", "strike_cents"),
    ("bid", "bid_cents"),
    ("ask", "ask_cents"),
    ("implied_vol", "iv"),
    ("delta", "delta"),
    ("gamma", "gamma"),
    ("theta", "theta"),
    ("vega", "vega"),
    ("underlying_price", "underlying_cents"),
)


class _Where:
    """Location of a record, for messages: file and record."""

    def __init__(self, path: Path, record: str) -> None:
        self.path = path
        self.record = record

    def error(self, name: str, value: Any, allowed: str) -> DataError:
        return DataError(f"{self.path}: {self.record}: {describe_bad_value(name, value, allowed)}")

    def wrap(self, name: str, exc: ParameterError) -> DataError:
        return DataError(f"{self.path}: {self.record}: field {name!r}: {exc}")


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _number(w: _Where, rec: dict[str, Any], name: str, *, required: bool = True) -> float | None:
    value = rec.get(name)
    if value is None:
        if required:
            raise w.error(name, value, "a number")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise w.error(name, value, "a finite number")
    return float(value)


def _exact_cents(w: _Where, rec: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    value = _number(w, rec, name, required=required)
    if value is None:
        return None
    try:
        return to_cents(name, rec[name], nonnegative=True)
    except ParameterError as exc:
        raise w.wrap(name, exc) from None


def _market_cents(
    w: _Where, rec: dict[str, Any], name: str, *, required: bool = True, positive: bool
) -> int | None:
    value = _number(w, rec, name, required=required)
    if value is None:
        return None
    cents = round_cents(value)
    if cents < 0 or (positive and cents == 0):
        raise w.error(name, rec[name], "a price > 0" if positive else "a price >= 0")
    return cents


def _text(w: _Where, rec: dict[str, Any], name: str, *, required: bool = True, default: str = "") -> str:
    value = rec.get(name)
    if value is None:
        if required:
            raise w.error(name, value, "a text value")
        return default
    if not isinstance(value, str):
        raise w.error(name, value, "a text value")
    return value


def _day(w: _Where, rec: dict[str, Any], name: str, *, required: bool = True) -> date | None:
    value = rec.get(name)
    if value is None and not required:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise w.error(name, value, "a date such as '2025-02-21'") from None


def _time(w: _Where, rec: dict[str, Any], name: str) -> str:
    value = rec.get(name)
    try:
        if not isinstance(value, str):
            raise ValueError
        return datetime.fromisoformat(value.replace("Z", "+00:00")).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise w.error(name, value, "an ISO time such as '2025-01-02T10:30:00'") from None


def _object(path: Path, data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DataError(f"{path}: {what} is not allowed: expected a JSON object")
    return data


@dataclass(frozen=True, slots=True)
class LegacyPosition:
    """A validated ``positions.json`` record.

    Attributes
    ----------
    legacy_id : str
        ``position_id``.
    order : SpreadOrder
        The spread (strikes, expiry, contracts, credit, entry data), money in cents.
    opened_at : str
        ``<entry_date>T00:00:00Z``.
    closed : bool
        ``status`` is ``closed`` or ``expired``.
    closed_at : str or None
        ``<exit_date>T00:00:00Z``.
    exit_cents : int or None
        ``exit_debit`` in cents.
    exit_reason : str or None
        ``exit_reason`` (default ``manual``; ``expiration`` for ``expired``).
    record : dict
        The record as read.
    """

    legacy_id: str
    order: SpreadOrder
    opened_at: str
    closed: bool
    closed_at: str | None
    exit_cents: int | None
    exit_reason: str | None
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LegacySnapshot:
    """A validated ``market_snapshots`` record (time to the second, TLT price in cents, decimal yields)."""

    time: str
    underlying_cents: int
    yield_20y: float | None
    yield_30y: float | None
    source: str
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LegacyQuote:
    """A validated option quote of ``option_history`` / ``option_prices`` (contract key, cents, decimal IV).

    ``underlying_cents`` is ``None`` when the record has no ``underlying_price``; the import then
    uses the TLT snapshot at or before ``quote_time``.
    """

    contract: str
    quote_time: str
    kind: str
    strike_cents: int
    expiry: str
    underlying_cents: int | None
    bid_cents: int
    ask_cents: int
    iv: float
    delta: float | None
    gamma: float | None
    theta: float | None
    vega: float | None
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LegacyFolder:
    """The validated contents of a legacy data folder (from :func:`read_legacy`).

    Attributes
    ----------
    data_dir : Path
    positions, snapshots, quotes : tuple
        Parsed records, in file order (quotes deduplicated by contract and time).
    nav_cents : int or None
        NAV from ``portfolio_nav.json``.
    nav_time : str or None
        Its ``last_updated``.
    files : tuple of str
        Files found.
    """

    data_dir: Path
    positions: tuple[LegacyPosition, ...]
    snapshots: tuple[LegacySnapshot, ...]
    quotes: tuple[LegacyQuote, ...]
    nav_cents: int | None
    nav_time: str | None
    files: tuple[str, ...]


def _parse_position(path: Path, i: int, rec: Any) -> LegacyPosition:
    if not isinstance(rec, dict):
        raise DataError(f"{path}: positions[{i}]={rec!r} is not allowed: expected a JSON object")
    pid = rec.get("position_id")
    w = _Where(path, f"positions[{i}] (position_id {pid!r})")
    if not isinstance(pid, str) or not pid.strip():
        raise w.error("position_id", pid, "a non-empty text id")
    kind = _text(w, rec, "option_type").strip().lower()
    if kind not in KIND_TO_STRATEGY:
        raise w.error("option_type", rec.get("option_type"), "'put' or 'call'")
    entry_day = _day(w, rec, "entry_date")
    for name in ("short_strike", "long_strike", "entry_credit"):
        _number(w, rec, name)
    contracts = rec.get("contracts")
    if isinstance(contracts, bool) or not isinstance(contracts, int) or contracts <= 0:
        raise w.error("contracts", contracts, "a whole number of contracts > 0")
    for name in ("entry_underlying", "entry_short_iv", "entry_delta"):
        _number(w, rec, name, required=False)
    notes = _text(w, rec, "notes", required=False)
    try:
        order = spread_order(
            strategy=KIND_TO_STRATEGY[kind],
            short_strike=rec["short_strike"],
            long_strike=rec["long_strike"],
            expiry=_text(w, rec, "expiration_date"),
            contracts=contracts,
            credit=rec["entry_credit"],
            underlying=LEGACY_UNDERLYING,
            entry_underlying=rec.get("entry_underlying"),
            entry_iv=rec.get("entry_short_iv"),
            entry_delta=rec.get("entry_delta"),
            tag=notes,
            trade_date=entry_day,
        )
    except ParameterError as exc:
        match = re.match(r"(\w+)=", str(exc))
        name = _ORDER_FIELDS.get(match.group(1), match.group(1)) if match else "position"
        raise w.wrap(name, exc) from None
    status = _text(w, rec, "status", required=False, default="open").strip().lower()
    if status not in ("open", "closed", "expired"):
        raise w.error("status", rec.get("status"), "'open', 'closed' or 'expired'")
    opened_at = f"{entry_day}T00:00:00Z"
    if status == "open":
        return LegacyPosition(pid, order, opened_at, False, None, None, None, rec)
    exit_day = _day(w, rec, "exit_date")
    assert exit_day is not None and entry_day is not None
    if exit_day < entry_day:
        raise w.error("exit_date", rec.get("exit_date"), f"a date on or after entry_date {entry_day}")
    exit_c = _exact_cents(w, rec, "exit_debit")
    assert exit_c is not None
    if exit_c > order.width_cents:
        raise w.error(
            "exit_debit",
            rec.get("exit_debit"),
            f"a debit between 0 and the width {from_cents(order.width_cents)}",
        )
    default_reason = "expiration" if status == "expired" else "manual"
    reason = _text(w, rec, "exit_reason", required=False, default=default_reason).strip() or default_reason
    if reason not in EXIT_REASONS:
        raise w.error("exit_reason", reason, "one of " + ", ".join(EXIT_REASONS))
    _number(w, rec, "exit_underlying", required=False)
    return LegacyPosition(pid, order, opened_at, True, f"{exit_day}T00:00:00Z", exit_c, reason, rec)


def _parse_snapshot(path: Path, i: int, rec: Any) -> LegacySnapshot:
    w = _Where(path, f"market_snapshots[{i}]")
    if not isinstance(rec, dict):
        raise w.error("market_snapshots", rec, "a JSON object")
    yields = []
    for name in ("yield_20y", "yield_30y"):
        y = _number(w, rec, name, required=False)
        if y is not None and not -0.05 < y < 0.5:
            raise w.error(name, rec[name], "a decimal yield in (-0.05, 0.5), e.g. 0.0438")
        yields.append(y)
    _text(w, rec, "notes", required=False)
    price = _market_cents(w, rec, "tlt_price", positive=True)
    assert price is not None
    return LegacySnapshot(
        time=_time(w, rec, "timestamp"),
        underlying_cents=price,
        yield_20y=yields[0],
        yield_30y=yields[1],
        source=_text(w, rec, "source", required=False, default="manual").strip() or "manual",
        record=rec,
    )


def _parse_quote(path: Path, where: str, rec: Any) -> LegacyQuote:
    w = _Where(path, where)
    if not isinstance(rec, dict):
        raise w.error("quote", rec, "a JSON object")
    kind = _text(w, rec, "option_type").strip().lower()
    if kind not in KIND_TO_STRATEGY:
        raise w.error("option_type", rec.get("option_type"), "'put' or 'call'")
    when = _time(w, rec, "timestamp")
    expiry = _day(w, rec, "expiration_date")
    assert expiry is not None
    if expiry < date.fromisoformat(when[:10]):
        raise w.error(
            "expiration_date", rec.get("expiration_date"), f"a date on or after the quote date {when[:10]}"
        )
    strike = _number(w, rec, "strike")
    if strike is None or strike <= 0:
        raise w.error("strike", rec.get("strike"), "a strike > 0")
    try:
        strike_c = to_cents("strike", rec["strike"], positive=True)
    except ParameterError as exc:
        raise w.wrap("strike", exc) from None
    bid = _market_cents(w, rec, "bid", positive=False)
    ask = _market_cents(w, rec, "ask", positive=False)
    assert bid is not None and ask is not None
    if ask < bid:
        raise w.error("ask", rec.get("ask"), f"an ask >= the bid {rec.get('bid')}")
    iv = _number(w, rec, "implied_vol")
    if iv is None or not 0 < iv <= 5:
        raise w.error("implied_vol", rec.get("implied_vol"), "a decimal implied vol in (0, 5], e.g. 0.162")
    delta, gamma, theta, vega = (
        _number(w, rec, g, required=False) for g in ("delta", "gamma", "theta", "vega")
    )
    return LegacyQuote(
        contract=contract_key(LEGACY_UNDERLYING, kind, strike_c, expiry),
        quote_time=when,
        kind=kind,
        strike_cents=strike_c,
        expiry=expiry.isoformat(),
        underlying_cents=_market_cents(w, rec, "underlying_price", required=False, positive=True),
        bid_cents=bid,
        ask_cents=ask,
        iv=iv,
        delta=delta,
        gamma=gamma,
        theta=theta,
        vega=vega,
        record=rec,
    )


def read_legacy(data_dir: str | os.PathLike[str]) -> LegacyFolder:
    """Read and validate a legacy data folder (writes nothing).

    Parameters
    ----------
    data_dir : str or PathLike
        Folder holding some of ``positions.json``, ``market_data.json``, ``portfolio_nav.json``.

    Returns
    -------
    LegacyFolder

    Raises
    ------
    DataError
        The folder holds none of the files, or a file is malformed (the message names the
        file, the record and the field).
    """
    folder = Path(data_dir).expanduser()
    found = tuple(name for name in LEGACY_FILES if (folder / name).is_file())
    if not found:
        raise DataError(
            f"{folder}: no legacy data files (expected one of {', '.join(LEGACY_FILES)} from portfolio_manager.py)"
        )
    positions: list[LegacyPosition] = []
    snapshots: list[LegacySnapshot] = []
    quotes: dict[tuple[str, str], LegacyQuote] = {}
    nav_cents: int | None = None
    nav_time: str | None = None
    if POSITIONS_FILE in found:
        path = folder / POSITIONS_FILE
        data = _object(path, _read_json(path), "the file's top level")
        records = data.get("positions", [])
        if not isinstance(records, list):
            raise DataError(f"{path}: field 'positions' is not allowed: expected a JSON list")
        seen: set[str] = set()
        for i, rec in enumerate(records):
            pos = _parse_position(path, i, rec)
            if pos.legacy_id in seen:
                raise DataError(f"{path}: positions[{i}]: position_id={pos.legacy_id!r} appears twice")
            seen.add(pos.legacy_id)
            positions.append(pos)
    if MARKET_FILE in found:
        path = folder / MARKET_FILE
        data = _object(path, _read_json(path), "the file's top level")
        snaps = data.get("market_snapshots", [])
        if not isinstance(snaps, list):
            raise DataError(f"{path}: field 'market_snapshots' is not allowed: expected a JSON list")
        snapshots = [_parse_snapshot(path, i, rec) for i, rec in enumerate(snaps)]
        history = data.get("option_history", {})
        latest = data.get("option_prices", {})
        for name, value in (("option_history", history), ("option_prices", latest)):
            if not isinstance(value, dict):
                raise DataError(
                    f"{path}: field {name!r} is not allowed: expected a JSON object keyed by contract"
                )
        for key, recs in history.items():
            if not isinstance(recs, list):
                raise DataError(f"{path}: option_history[{key!r}] is not allowed: expected a JSON list")
            for j, rec in enumerate(recs):
                q = _parse_quote(path, f"option_history[{key!r}][{j}]", rec)
                quotes.setdefault((q.contract, q.quote_time), q)
        for key, rec in latest.items():
            q = _parse_quote(path, f"option_prices[{key!r}]", rec)
            quotes.setdefault((q.contract, q.quote_time), q)
    if NAV_FILE in found:
        path = folder / NAV_FILE
        data = _object(path, _read_json(path), "the file's top level")
        w = _Where(path, "NAV")
        nav_cents = _exact_cents(w, data, "nav")
        if not nav_cents:
            raise w.error("nav", data.get("nav"), "an amount > 0")
        nav_time = _time(w, data, "last_updated") if data.get("last_updated") is not None else None
    return LegacyFolder(
        data_dir=folder,
        positions=tuple(positions),
        snapshots=tuple(sorted(snapshots, key=lambda s: s.time)),
        quotes=tuple(sorted(quotes.values(), key=lambda q: (q.quote_time, q.contract))),
        nav_cents=nav_cents,
        nav_time=nav_time,
        files=found,
    )
