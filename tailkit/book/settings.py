"""The book's configuration: exit rules and the overlay's budget and sizing settings.

Both live in the book (tables ``exit_rules`` and ``settings``) so that the CLI and the app use
the same values; every change is a transaction with its audit event. Until set, the defaults
apply: :class:`~tailkit.overlay.ExitRules` ``()`` and :class:`BookSettings` ``()``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from tailkit.book.store import Book, utc_now
from tailkit.overlay.exits import ExitRules
from tailkit.params import param, parameters_from_dict, parameters_to_dict, validate

__all__ = ["BookSettings", "get_exit_rules", "set_exit_rules", "get_settings", "set_settings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BookSettings:
    """The overlay's budget, sizing and pricing settings kept in the book.

    Parameters
    ----------
    base_yield : float, default=0.0475
        Yield of the base fixed-income portfolio, decimal per year.
    loss_budget_fraction : float, default=0.5
        Fraction of the base yield the overlay may lose: loss budget =
        ``loss_budget_fraction * base_yield * NAV`` (default 2.375% of NAV).
    kelly_fraction : float, default=0.25
        Fraction of the full Kelly stake used when sizing.
    max_risk_pct : float, default=0.02
        Cap on the maximum loss of one new trade, as a fraction of NAV.
    risk_free_rate : float, default=0.045
        Continuously compounded rate used for model Greeks in marks.
    """

    base_yield: float = param(0.0475, ge=0.0, le=0.5, doc="yield of the base portfolio, decimal per year")
    loss_budget_fraction: float = param(
        0.5, gt=0.0, le=1.0, doc="fraction of the base yield the overlay may lose"
    )
    kelly_fraction: float = param(0.25, gt=0.0, le=1.0, doc="fraction of full Kelly used for sizing")
    max_risk_pct: float = param(0.02, gt=0.0, le=1.0, doc="max loss of one trade, fraction of NAV")
    risk_free_rate: float = param(0.045, ge=-0.05, le=0.5, doc="rate for model Greeks, decimal")

    def __post_init__(self) -> None:
        validate(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return parameters_to_dict(self)


def get_exit_rules(book: Book) -> ExitRules:
    """Return the book's exit rules (the defaults of :class:`ExitRules` until set)."""
    row = book.conn.execute(
        "SELECT profit_target_pct, loss_multiple, dte_threshold FROM exit_rules WHERE id = 1"
    ).fetchone()
    if row is None:
        return ExitRules()
    return ExitRules(profit_target_pct=float(row[0]), loss_multiple=float(row[1]), dte_threshold=int(row[2]))


def set_exit_rules(book: Book, rules: ExitRules, *, reason: str = "") -> ExitRules:
    """Store new exit rules (one transaction with its ``set_rules`` audit event).

    Parameters
    ----------
    book : Book
        The book.
    rules : ExitRules
        The rules (validated by their own class).
    reason : str, default=""
        Why, for the audit log.

    Returns
    -------
    ExitRules
        The rules stored.
    """
    with book.transaction() as conn:
        old = get_exit_rules(book)
        conn.execute(
            "INSERT INTO exit_rules (id, profit_target_pct, loss_multiple, dte_threshold, updated_at) "
            "VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET profit_target_pct = excluded.profit_target_pct, "
            "loss_multiple = excluded.loss_multiple, dte_threshold = excluded.dte_threshold, "
            "updated_at = excluded.updated_at",
            (rules.profit_target_pct, rules.loss_multiple, rules.dte_threshold, utc_now()),
        )
        book.record(
            "set_rules", "exit_rules", reason=reason, payload={"old": old.to_dict(), "new": rules.to_dict()}
        )
    return rules


def get_settings(book: Book) -> BookSettings:
    """Return the book's :class:`BookSettings` (defaults for keys never set)."""
    rows = book.conn.execute("SELECT key, value FROM settings").fetchall()
    names = {f.name for f in dataclasses.fields(BookSettings)}
    data = {str(k): json.loads(v) for k, v in rows if k in names}
    return parameters_from_dict(BookSettings, data, source=f"book {book.path} settings")


def set_settings(book: Book, settings: BookSettings, *, reason: str = "") -> BookSettings:
    """Store new settings (one transaction with its ``set_settings`` audit event).

    Parameters
    ----------
    book : Book
        The book.
    settings : BookSettings
        The settings (validated by their class); build from the current ones with
        ``dataclasses.replace(get_settings(book), max_risk_pct=0.01)``.
    reason : str, default=""
        Why, for the audit log.

    Returns
    -------
    BookSettings
        The settings stored.
    """
    with book.transaction() as conn:
        old = get_settings(book).to_dict()
        new = settings.to_dict()
        for key, value in new.items():
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
        changed = {k: {"old": old[k], "new": v} for k, v in new.items() if old[k] != v}
        book.record("set_settings", "settings", reason=reason, payload=changed)
    return settings
