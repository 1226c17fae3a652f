"""Positions: add, close and roll credit spreads, with validation before anything is written.

A position is a multi-leg structure held in ``contracts`` units; each leg has a kind, a strike,
an expiry and a signed quantity per unit (-1 short, +1 long). The book supports the overlay's
two credit spreads:

``bull_put``
    sell the put at ``short_strike``, buy the put at ``long_strike < short_strike``.
``bear_call``
    sell the call at ``short_strike``, buy the call at ``long_strike > short_strike``.

Money (strikes, credit, exit price, underlying, commissions) is stored in integer cents;
``entry_price_cents`` is the cash received per share at entry (a credit is positive) and
``exit_price_cents`` the cash paid per share to close, so the realized P&L is
``(entry - exit) * contracts * multiplier - commissions``, exact.

Every operation validates all its inputs first (strike order for the spread type, expiry after
the trade date, ``contracts > 0``, ``0 < credit < width``, whole cents), raising
:class:`~tailkit.errors.ParameterError` naming the input, and then writes the position, its
legs, its fill and its audit event in one transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import pandas as pd

from tailkit.book.money import from_cents, to_cents
from tailkit.book.store import Book, utc_now
from tailkit.errors import ParameterError, describe_bad_value

__all__ = [
    "STRATEGIES",
    "EXIT_REASONS",
    "SpreadOrder",
    "spread_order",
    "add_spread",
    "close_position",
    "roll_position",
    "positions_frame",
    "legs_frame",
    "contract_key",
    "parse_date",
]

Strategy = Literal["bull_put", "bear_call"]
#: spread types the book holds
STRATEGIES: tuple[str, ...] = ("bull_put", "bear_call")
#: why a position was closed
EXIT_REASONS: tuple[str, ...] = (
    "manual",
    "profit_target",
    "loss_limit",
    "dte_threshold",
    "expiration",
    "roll",
)
MULTIPLIER = 100


def parse_date(name: str, value: Any) -> date:
    """Parse a date (``date``, ``datetime``, ``Timestamp`` or ``"YYYY-MM-DD"`` text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        ts = pd.Timestamp(str(value).strip())
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise ParameterError(describe_bad_value(name, value, "a date such as '2025-03-21'"))
    return ts.date()


def contract_key(underlying: str, kind: str, strike_cents: int, expiry: date | str) -> str:
    """The contract key shared by legs and quotes, e.g. ``"TLT 2025-02-21 P 101.00"``."""
    day = expiry if isinstance(expiry, str) else expiry.isoformat()
    return f"{underlying} {day} {'P' if kind == 'put' else 'C'} {from_cents(strike_cents):.2f}"


@dataclass(frozen=True, slots=True)
class SpreadOrder:
    """A validated credit-spread order, money in cents (build with :func:`spread_order`).

    Attributes
    ----------
    strategy : {"bull_put", "bear_call"}
    underlying : str
    short_strike_cents, long_strike_cents : int
    expiry : date
    contracts : int
    credit_cents : int
        Credit received per share at entry.
    width_cents : int
        Distance between the strikes per share.
    entry_underlying_cents : int or None
    entry_iv, entry_delta : float or None
        Implied vol (decimal) and delta of the short leg at entry.
    commission_cents : int
        Commissions paid at entry (whole position).
    tag : str
        Free-text strategy tag.
    """

    strategy: Strategy
    underlying: str
    short_strike_cents: int
    long_strike_cents: int
    expiry: date
    contracts: int
    credit_cents: int
    width_cents: int
    entry_underlying_cents: int | None
    entry_iv: float | None
    entry_delta: float | None
    commission_cents: int
    tag: str

    @property
    def kind(self) -> str:
        """Option kind of both legs (``"put"`` or ``"call"``)."""
        return "put" if self.strategy == "bull_put" else "call"

    @property
    def max_loss_cents(self) -> int:
        """Maximum loss per share (width minus credit), cents."""
        return self.width_cents - self.credit_cents

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (money as decimal text)."""
        return {
            "strategy": self.strategy,
            "underlying": self.underlying,
            "short_strike": str(from_cents(self.short_strike_cents)),
            "long_strike": str(from_cents(self.long_strike_cents)),
            "expiry": self.expiry.isoformat(),
            "contracts": self.contracts,
            "credit": str(from_cents(self.credit_cents)),
            "entry_underlying": None
            if self.entry_underlying_cents is None
            else str(from_cents(self.entry_underlying_cents)),
            "entry_iv": self.entry_iv,
            "entry_delta": self.entry_delta,
            "commission": str(from_cents(self.commission_cents)),
            "tag": self.tag,
        }


def _optional_float(name: str, value: Any, lo: float, hi: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value(name, value, f"a number in [{lo}, {hi}]")) from None
    if not math.isfinite(v) or not lo <= v <= hi:
        raise ParameterError(describe_bad_value(name, value, f"a number in [{lo}, {hi}]"))
    return v


def _contracts(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ParameterError(describe_bad_value("contracts", value, "a whole number of contracts > 0"))
    try:
        v = float(value)
    except ValueError:
        raise ParameterError(
            describe_bad_value("contracts", value, "a whole number of contracts > 0")
        ) from None
    if not math.isfinite(v) or v != int(v) or v <= 0:
        raise ParameterError(describe_bad_value("contracts", value, "a whole number of contracts > 0"))
    return int(v)


def _today() -> date:
    return datetime.now(UTC).date()


def spread_order(
    *,
    strategy: str,
    short_strike: Any,
    long_strike: Any,
    expiry: Any,
    contracts: Any,
    credit: Any,
    underlying: str = "TLT",
    entry_underlying: Any = None,
    entry_iv: Any = None,
    entry_delta: Any = None,
    commission: Any = 0,
    tag: str = "",
    trade_date: Any = None,
) -> SpreadOrder:
    """Validate a credit-spread order (nothing is written).

    Parameters
    ----------
    strategy : {"bull_put", "bear_call"}
        Spread type.
    short_strike, long_strike : float or str
        Strikes, price units, whole cents; ordered for the spread type.
    expiry : date or str
        Expiry date, after ``trade_date``.
    contracts : int
        Number of spreads, > 0.
    credit : float or str
        Credit received per share, whole cents, ``0 < credit < width``.
    underlying : str, default="TLT"
        Underlying ticker.
    entry_underlying : float, optional
        Underlying price at entry.
    entry_iv : float, optional
        Implied vol of the short leg at entry, decimal (0.16 = 16%).
    entry_delta : float, optional
        Delta of the short leg at entry, in [-1, 1].
    commission : float, default=0
        Commissions paid at entry for the whole position, dollars.
    tag : str, default=""
        Free-text strategy tag.
    trade_date : date or str, optional
        Trade date (default today, UTC); the expiry must be later.

    Returns
    -------
    SpreadOrder

    Raises
    ------
    ParameterError
        Naming the first bad input and what is allowed.

    Examples
    --------
    >>> o = spread_order(strategy="bull_put", short_strike=88, long_strike=85,
    ...                  expiry="2099-01-16", contracts=10, credit=0.62)
    >>> o.width_cents, o.max_loss_cents
    (300, 238)
    """
    if strategy not in STRATEGIES:
        raise ParameterError(describe_bad_value("strategy", strategy, "one of 'bull_put', 'bear_call'"))
    valid_strategy: Strategy = "bull_put" if strategy == "bull_put" else "bear_call"
    underlying = str(underlying).strip().upper()
    if not underlying or " " in underlying:
        raise ParameterError(describe_bad_value("underlying", underlying, "a ticker such as 'TLT'"))
    short_c = to_cents("short_strike", short_strike, positive=True)
    long_c = to_cents("long_strike", long_strike, positive=True)
    if strategy == "bull_put" and not short_c > long_c:
        raise ParameterError(
            f"short_strike={from_cents(short_c)} and long_strike={from_cents(long_c)} are not allowed "
            "for a bull put spread: expected short_strike > long_strike (sell the higher put)"
        )
    if strategy == "bear_call" and not short_c < long_c:
        raise ParameterError(
            f"short_strike={from_cents(short_c)} and long_strike={from_cents(long_c)} are not allowed "
            "for a bear call spread: expected short_strike < long_strike (sell the lower call)"
        )
    day = parse_date("expiry", expiry)
    traded = _today() if trade_date is None else parse_date("trade_date", trade_date)
    if not day > traded:
        raise ParameterError(
            describe_bad_value("expiry", day.isoformat(), f"a date after {traded.isoformat()}")
        )
    n = _contracts(contracts)
    credit_c = to_cents("credit", credit)
    width = abs(short_c - long_c)
    if not 0 < credit_c < width:
        raise ParameterError(
            describe_bad_value(
                "credit", credit, f"a credit > 0 and < the width {from_cents(width)} of the spread"
            )
        )
    und_c = (
        None
        if entry_underlying in (None, "")
        else to_cents("entry_underlying", entry_underlying, positive=True)
    )
    return SpreadOrder(
        strategy=valid_strategy,
        underlying=underlying,
        short_strike_cents=short_c,
        long_strike_cents=long_c,
        expiry=day,
        contracts=n,
        credit_cents=credit_c,
        width_cents=width,
        entry_underlying_cents=und_c,
        entry_iv=_optional_float("entry_iv", entry_iv, 1e-6, 5.0),
        entry_delta=_optional_float("entry_delta", entry_delta, -1.0, 1.0),
        commission_cents=to_cents("commission", commission, nonnegative=True),
        tag=str(tag or "").strip(),
    )


def _insert(book: Book, order: SpreadOrder, opened_at: str, rolled_from: int | None = None) -> int:
    conn = book.conn
    cur = conn.execute(
        "INSERT INTO positions (opened_at, strategy, underlying, contracts, multiplier, entry_price_cents, "
        "width_cents, entry_underlying_cents, entry_iv, entry_delta, status, rolled_from, tag, commission_cents) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
        (
            opened_at,
            order.strategy,
            order.underlying,
            order.contracts,
            MULTIPLIER,
            order.credit_cents,
            order.width_cents,
            order.entry_underlying_cents,
            order.entry_iv,
            order.entry_delta,
            rolled_from,
            order.tag,
            order.commission_cents,
        ),
    )
    pid = int(cur.lastrowid or 0)
    for strike, qty in ((order.short_strike_cents, -1), (order.long_strike_cents, 1)):
        conn.execute(
            "INSERT INTO legs (position_id, kind, strike_cents, expiry, quantity, contract) VALUES (?, ?, ?, ?, ?, ?)",
            (
                pid,
                order.kind,
                strike,
                order.expiry.isoformat(),
                qty,
                contract_key(order.underlying, order.kind, strike, order.expiry),
            ),
        )
    conn.execute(
        "INSERT INTO fills (position_id, time, action, contracts, price_cents, commission_cents) "
        "VALUES (?, ?, 'open', ?, ?, ?)",
        (pid, opened_at, order.contracts, order.credit_cents, order.commission_cents),
    )
    return pid


def add_spread(book: Book, order: SpreadOrder, *, reason: str = "", opened_at: str | None = None) -> int:
    """Open a position from a validated order (position, legs, fill and audit in one transaction).

    Parameters
    ----------
    book : Book
        The book.
    order : SpreadOrder
        From :func:`spread_order`.
    reason : str, default=""
        Why, for the audit log.
    opened_at : str, optional
        Trade time (ISO text; default now, UTC).

    Returns
    -------
    int
        The new position's id.
    """
    when = opened_at or utc_now()
    with book.transaction():
        pid = _insert(book, order, when)
        book.record("add", f"position:{pid}", reason=reason, payload=order.to_dict())
    return pid


def _open_position(book: Book, position_id: Any) -> Any:
    try:
        pid = int(position_id)
    except (TypeError, ValueError):
        raise ParameterError(describe_bad_value("position_id", position_id, "a position id (int)")) from None
    row = book.conn.execute("SELECT * FROM positions WHERE id = ?", (pid,)).fetchone()
    if row is None:
        raise ParameterError(describe_bad_value("position_id", pid, "the id of a position in the book"))
    if row["status"] != "open":
        raise ParameterError(
            describe_bad_value("position_id", pid, f"an open position (position {pid} is {row['status']})")
        )
    return row


def _close(
    book: Book, row: Any, exit_c: int, commission_c: int, when: str, status: str, exit_reason: str
) -> int:
    book.conn.execute(
        "UPDATE positions SET status = ?, closed_at = ?, exit_price_cents = ?, exit_reason = ?, "
        "commission_cents = commission_cents + ? WHERE id = ? AND status = 'open'",
        (status, when, exit_c, exit_reason, commission_c, row["id"]),
    )
    book.conn.execute(
        "INSERT INTO fills (position_id, time, action, contracts, price_cents, commission_cents) "
        "VALUES (?, ?, 'close', ?, ?, ?)",
        (row["id"], when, row["contracts"], exit_c, commission_c),
    )
    total_commission = int(row["commission_cents"]) + commission_c
    return (int(row["entry_price_cents"]) - exit_c) * int(row["contracts"]) * int(
        row["multiplier"]
    ) - total_commission


def _exit_inputs(row: Any, exit_price: Any, commission: Any, exit_reason: str) -> tuple[int, int]:
    exit_c = to_cents("exit_price", exit_price, nonnegative=True)
    if exit_c > int(row["width_cents"]):
        raise ParameterError(
            describe_bad_value(
                "exit_price", exit_price, f"a price between 0 and the width {from_cents(row['width_cents'])}"
            )
        )
    if exit_reason not in EXIT_REASONS:
        raise ParameterError(
            describe_bad_value("exit_reason", exit_reason, "one of " + ", ".join(EXIT_REASONS))
        )
    return exit_c, to_cents("commission", commission, nonnegative=True)


def close_position(
    book: Book,
    position_id: int,
    *,
    exit_price: Any,
    exit_reason: str = "manual",
    reason: str = "",
    commission: Any = 0,
    closed_at: str | None = None,
) -> int:
    """Close an open position (status, exit fill and audit in one transaction).

    Parameters
    ----------
    book : Book
        The book.
    position_id : int
        An open position.
    exit_price : float or str
        Price paid per share to buy the spread back, ``0 <= exit_price <= width``, whole cents.
    exit_reason : str, default="manual"
        One of :data:`EXIT_REASONS`.
    reason : str, default=""
        Free text for the audit log.
    commission : float, default=0
        Commissions paid to close, dollars.
    closed_at : str, optional
        Close time (ISO text; default now, UTC).

    Returns
    -------
    int
        Realized P&L of the position, cents (after all commissions).
    """
    when = closed_at or utc_now()
    with book.transaction():
        row = _open_position(book, position_id)
        exit_c, commission_c = _exit_inputs(row, exit_price, commission, exit_reason)
        pnl = _close(book, row, exit_c, commission_c, when, "closed", exit_reason)
        book.record(
            "close",
            f"position:{row['id']}",
            reason=reason,
            payload={
                "exit_price": str(from_cents(exit_c)),
                "exit_reason": exit_reason,
                "commission": str(from_cents(commission_c)),
                "realized_pnl": str(from_cents(pnl)),
            },
        )
    return pnl


def roll_position(
    book: Book,
    position_id: int,
    *,
    exit_price: Any,
    order: SpreadOrder,
    reason: str = "",
    commission: Any = 0,
    when: str | None = None,
) -> int:
    """Roll: close an open position and open its replacement in one transaction.

    Parameters
    ----------
    book : Book
        The book.
    position_id : int
        The open position to roll (its status becomes ``"rolled"``).
    exit_price : float or str
        Price paid per share to close it (as in :func:`close_position`).
    order : SpreadOrder
        The new position (from :func:`spread_order`).
    reason : str, default=""
        Free text for the audit log.
    commission : float, default=0
        Commissions paid to close the old position, dollars.
    when : str, optional
        Time of the roll (default now, UTC).

    Returns
    -------
    int
        The new position's id.
    """
    at = when or utc_now()
    with book.transaction():
        row = _open_position(book, position_id)
        exit_c, commission_c = _exit_inputs(row, exit_price, commission, "roll")
        pnl = _close(book, row, exit_c, commission_c, at, "rolled", "roll")
        pid = _insert(book, order, at, rolled_from=int(row["id"]))
        book.record(
            "roll",
            f"position:{row['id']}",
            reason=reason,
            payload={
                "exit_price": str(from_cents(exit_c)),
                "realized_pnl": str(from_cents(pnl)),
                "new_position": pid,
                "order": order.to_dict(),
            },
        )
    return pid


_POSITIONS_SQL = """
SELECT p.id, p.opened_at, p.strategy, p.tag, p.underlying, p.contracts, p.multiplier,
       p.entry_price_cents, p.width_cents, p.entry_underlying_cents, p.entry_iv, p.entry_delta,
       p.status, p.closed_at, p.exit_price_cents, p.exit_reason, p.rolled_from, p.commission_cents,
       MAX(CASE WHEN l.quantity < 0 THEN l.strike_cents END) AS short_strike_cents,
       MAX(CASE WHEN l.quantity > 0 THEN l.strike_cents END) AS long_strike_cents,
       MIN(l.expiry) AS expiry
FROM positions p JOIN legs l ON l.position_id = p.id
{where}
GROUP BY p.id ORDER BY p.id
"""


def positions_frame(book: Book, status: str | None = None) -> pd.DataFrame:
    """One row per position with its strikes and expiry; money as float dollars for display.

    Parameters
    ----------
    book : Book
        The book.
    status : {"open", "closed", "rolled"}, optional
        Only positions with this status.

    Returns
    -------
    DataFrame of shape (n_positions, 24)
        ``id``, ``opened_at``, ``strategy``, ``tag``, ``underlying``, ``contracts``, ``credit``,
        ``width``, ``short_strike``, ``long_strike``, ``expiry``, ``max_loss`` (whole position,
        dollars), ``status``, ``closed_at``, ``exit_price``, ``exit_reason``, ``realized_pnl``
        (dollars, closed positions) and the raw ``*_cents`` columns.
    """
    if status is not None and status not in ("open", "closed", "rolled"):
        raise ParameterError(describe_bad_value("status", status, "'open', 'closed' or 'rolled'"))
    where = "WHERE p.status = ?" if status else ""
    frame = book.frame(_POSITIONS_SQL.format(where=where), (status,) if status else ())
    c = frame
    mult = c["contracts"] * c["multiplier"]
    frame["credit"] = c["entry_price_cents"] / 100.0
    frame["width"] = c["width_cents"] / 100.0
    frame["short_strike"] = c["short_strike_cents"] / 100.0
    frame["long_strike"] = c["long_strike_cents"] / 100.0
    frame["max_loss"] = (c["width_cents"] - c["entry_price_cents"]) * mult / 100.0
    frame["exit_price"] = c["exit_price_cents"] / 100.0
    realized = (c["entry_price_cents"] - c["exit_price_cents"]) * mult - c["commission_cents"]
    frame["realized_pnl"] = realized.where(c["status"] != "open") / 100.0
    return frame


def legs_frame(book: Book, *, open_only: bool = True) -> pd.DataFrame:
    """One row per leg (``position_id``, ``kind``, ``strike_cents``, ``expiry``, ``quantity``, ``contract``)."""
    sql = "SELECT l.* FROM legs l JOIN positions p ON p.id = l.position_id"
    if open_only:
        sql += " WHERE p.status = 'open'"
    return book.frame(sql + " ORDER BY l.position_id, l.id")
