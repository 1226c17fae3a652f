"""Option quotes typed by hand: parsed, checked and stored exactly like imported chain rows.

:func:`manual_quote` checks what a person typed (a contract as ``"TLT 2025-02-21 P 88"`` or as
kind/strike/expiry; bid and ask in whole cents, ``0 <= bid <= ask``, ``ask > 0``; an optional
IV and delta) without writing anything; :func:`add_quote` / :func:`add_quotes` store quotes in
the book's ``quotes`` table under the same contract key and cent rounding as
:func:`tailkit.book.market.import_chain`, in one transaction with one ``quote`` audit event
each, so marks use manual and imported quotes alike (a manual quote has no ``chain_file_id``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tailkit.book.market import KIND_NAMES, book_time, parse_contract
from tailkit.book.money import from_cents, to_cents
from tailkit.book.positions import contract_key, parse_date
from tailkit.book.store import Book
from tailkit.errors import ParameterError, describe_bad_value

__all__ = ["ManualQuote", "add_quote", "add_quotes", "manual_quote"]


@dataclass(frozen=True, slots=True)
class ManualQuote:
    """A validated option quote typed by hand, money in cents (build with :func:`manual_quote`).

    Attributes
    ----------
    contract : str
        Contract key (:func:`~tailkit.book.positions.contract_key`), e.g. ``"TLT 2025-02-21 P 88.00"``.
    underlying : str
        Ticker.
    kind : {"put", "call"}
        Option type.
    strike_cents : int
        Strike, cents.
    expiry : date
        Expiry date.
    quote_time : str
        ``YYYY-MM-DDTHH:MM:SS``.
    underlying_cents : int
        Underlying price at the quote, cents (typed, or the latest snapshot's).
    bid_cents, ask_cents : int
        Bid and ask per share, cents (``0 <= bid <= ask``, ``ask > 0``).
    iv : float
        Implied vol, decimal (typed, or implied from the mid).
    iv_source : {"given", "implied"}
        Where ``iv`` came from.
    delta : float or None
        Delta, if typed.
    underlying_source : {"given", "snapshot"}
        Where ``underlying_cents`` came from.
    """

    contract: str
    underlying: str
    kind: str
    strike_cents: int
    expiry: date
    quote_time: str
    underlying_cents: int
    bid_cents: int
    ask_cents: int
    iv: float
    iv_source: str
    delta: float | None
    underlying_source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (money as exact decimal text)."""
        return {
            "contract": self.contract,
            "quote_time": self.quote_time,
            "bid": str(from_cents(self.bid_cents)),
            "ask": str(from_cents(self.ask_cents)),
            "iv": self.iv,
            "iv_source": self.iv_source,
            "delta": self.delta,
            "underlying_price": str(from_cents(self.underlying_cents)),
            "underlying_source": self.underlying_source,
            "source": "manual",
        }

    def summary(self) -> str:
        """One line for the CLI and the menu."""
        return (
            f"quote {self.contract} at {self.quote_time}: bid {from_cents(self.bid_cents)} "
            f"ask {from_cents(self.ask_cents)}, IV {self.iv:.2%} ({self.iv_source}), "
            f"underlying {from_cents(self.underlying_cents)} ({self.underlying_source})"
        )


def _optional_number(name: str, value: Any, low: float, high: float, allowed: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value(name, value, allowed)) from None
    if not math.isfinite(v) or not low <= v <= high:
        raise ParameterError(describe_bad_value(name, value, allowed))
    return v


def manual_quote(
    book: Book,
    *,
    bid: Any,
    ask: Any,
    contract: Any = None,
    kind: Any = None,
    strike: Any = None,
    expiry: Any = None,
    underlying: str = "TLT",
    iv: Any = None,
    delta: Any = None,
    underlying_price: Any = None,
    time: str | None = None,
) -> ManualQuote:
    """Validate an option quote typed by hand (reads the book, writes nothing).

    The contract is given either as ``contract`` (``"TLT 2025-02-21 P 88"``) or as ``kind``,
    ``strike``, ``expiry`` (and ``underlying``). Bid and ask must be whole cents (as typed, a
    value like ``0.455`` is refused; chain files are rounded instead, being the exchange's
    prices). Without ``underlying_price`` the latest snapshot of the underlying at or before
    the quote time is used; without ``iv`` the Black-Scholes implied vol of the mid is used
    (the book's ``risk_free_rate``, calendar days / 365, as in marks).

    Parameters
    ----------
    book : Book
        The book (for the snapshot, the settings and the duplicate check).
    bid, ask : float or str
        Prices per share, ``0 <= bid <= ask``, ``ask > 0``.
    contract : str, optional
        Contract key; excludes ``kind``/``strike``/``expiry``.
    kind : {"put", "call", "p", "c"}, optional
    strike : float or str, optional
    expiry : date or str, optional
    underlying : str, default="TLT"
    iv : float, optional
        Implied vol, decimal in (0, 5] (0.168 = 16.8%).
    delta : float, optional
        Delta in [-1, 1].
    underlying_price : float, optional
        Underlying price at the quote, whole cents, > 0.
    time : str, optional
        Quote time (default now, UTC); the expiry must not be before its date.

    Returns
    -------
    ManualQuote

    Raises
    ------
    ParameterError
        Naming the first bad input and what is allowed.
    """
    if contract not in (None, ""):
        if any(v not in (None, "") for v in (kind, strike, expiry)):
            raise ParameterError(
                describe_bad_value(
                    "contract", contract, "either a contract or kind, strike and expiry, not both"
                )
            )
        und, day, kind_name, strike_c = parse_contract(contract)
    else:
        for name, value in (("kind", kind), ("strike", strike), ("expiry", expiry)):
            if value in (None, ""):
                raise ParameterError(
                    describe_bad_value(
                        name, value, "a value (or give the contract, e.g. 'TLT 2025-02-21 P 88')"
                    )
                )
        kind_name = KIND_NAMES.get(str(kind).strip().lower(), "")
        if not kind_name:
            raise ParameterError(describe_bad_value("kind", kind, "'put' or 'call'"))
        und = str(underlying).strip().upper()
        if not und or " " in und:
            raise ParameterError(describe_bad_value("underlying", underlying, "a ticker such as 'TLT'"))
        day = parse_date("expiry", expiry)
        strike_c = to_cents("strike", strike, positive=True)
    bid_c = to_cents("bid", bid, nonnegative=True)
    ask_c = to_cents("ask", ask, positive=True)
    if ask_c < bid_c:
        raise ParameterError(describe_bad_value("ask", ask, f"an ask >= the bid {from_cents(bid_c)}"))
    when = book_time(time)
    quote_day = date.fromisoformat(when[:10])
    if day < quote_day:
        raise ParameterError(
            describe_bad_value("expiry", day.isoformat(), f"a date on or after the quote date {quote_day}")
        )
    key = contract_key(und, kind_name, strike_c, day)
    if underlying_price not in (None, ""):
        und_c = to_cents("underlying_price", underlying_price, positive=True)
        und_source = "given"
    else:
        row = book.conn.execute(
            "SELECT underlying_cents FROM snapshots WHERE underlying = ? AND time <= ? ORDER BY time DESC LIMIT 1",
            (und, when),
        ).fetchone()
        if row is None:
            raise ParameterError(
                describe_bad_value(
                    "underlying_price",
                    underlying_price,
                    f"a price (the book has no {und} snapshot up to {when})",
                )
            )
        und_c = int(row[0])
        und_source = "snapshot"
    vol = _optional_number("iv", iv, 1e-6, 5.0, "an implied vol as a decimal in (0, 5], e.g. 0.168")
    iv_source = "given"
    if vol is None:
        vol = _implied_from_mid(book, kind_name, bid_c, ask_c, und_c, strike_c, (day - quote_day).days)
        iv_source = "implied"
    return ManualQuote(
        contract=key,
        underlying=und,
        kind=kind_name,
        strike_cents=strike_c,
        expiry=day,
        quote_time=when,
        underlying_cents=und_c,
        bid_cents=bid_c,
        ask_cents=ask_c,
        iv=vol,
        iv_source=iv_source,
        delta=_optional_number("delta", delta, -1.0, 1.0, "a delta in [-1, 1]"),
        underlying_source=und_source,
    )


def _implied_from_mid(
    book: Book, kind: str, bid_c: int, ask_c: int, und_c: int, strike_c: int, days: int
) -> float:
    from tailkit.book.settings import get_settings
    from tailkit.pricing import IV_STATUS, implied_vol

    mid = (bid_c + ask_c) / 200.0
    if days <= 0:
        raise ParameterError(describe_bad_value("iv", None, "an implied vol (the option expires today)"))
    rate = get_settings(book).risk_free_rate
    result = implied_vol(mid, kind, und_c / 100.0, strike_c / 100.0, days / 365.0, rate)
    status = int(result.status)
    if status != 0:
        raise ParameterError(
            describe_bad_value(
                "iv",
                None,
                f"an implied vol: none can be implied from the mid {mid:.3f} ({IV_STATUS[status]})",
            )
        )
    return float(result.vol)


def add_quote(book: Book, quote: ManualQuote, *, reason: str = "") -> int:
    """Store a manual quote like an imported chain row (one transaction with its ``quote`` audit event).

    Parameters
    ----------
    book : Book
        The book.
    quote : ManualQuote
        From :func:`manual_quote`.
    reason : str, default=""
        Free text for the audit log.

    Returns
    -------
    int
        The quote's id.

    Raises
    ------
    ParameterError
        The book already holds a quote of this contract at this time (nothing is written).
    """
    return add_quotes(book, [quote], reason=reason)[0]


def add_quotes(book: Book, quotes: Sequence[ManualQuote], *, reason: str = "") -> list[int]:
    """Store several manual quotes in one transaction (one ``quote`` audit event each).

    Parameters
    ----------
    book : Book
        The book.
    quotes : sequence of ManualQuote
        From :func:`manual_quote`; no two for the same contract and time.
    reason : str, default=""
        Free text for the audit log.

    Returns
    -------
    list of int
        The quotes' ids.

    Raises
    ------
    ParameterError
        Two quotes of one contract at one time, here or in the book (nothing is written).
    """
    keys = [(q.contract, q.quote_time) for q in quotes]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            raise ParameterError(
                describe_bad_value("contract", key[0], f"one quote per contract at {key[1]} (given twice)")
            )
    ids = []
    with book.transaction() as conn:
        for quote in quotes:
            if conn.execute(
                "SELECT 1 FROM quotes WHERE contract = ? AND quote_time = ?",
                (quote.contract, quote.quote_time),
            ).fetchone():
                raise ParameterError(
                    describe_bad_value(
                        "time", quote.quote_time, f"a time with no quote of {quote.contract} in the book yet"
                    )
                )
            cur = conn.execute(
                "INSERT INTO quotes (contract, quote_time, underlying, kind, strike_cents, expiry, underlying_cents, "
                "bid_cents, ask_cents, iv, delta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    quote.contract,
                    quote.quote_time,
                    quote.underlying,
                    quote.kind,
                    quote.strike_cents,
                    quote.expiry.isoformat(),
                    quote.underlying_cents,
                    quote.bid_cents,
                    quote.ask_cents,
                    quote.iv,
                    quote.delta,
                ),
            )
            qid = int(cur.lastrowid or 0)
            book.record("quote", f"quote:{qid}", reason=reason, payload=quote.to_dict())
            ids.append(qid)
    return ids
