"""Is the book healthy? One report for a person, cron, systemd or a container health check.

:func:`check_health` runs these checks, each ``ok``, ``warning`` or ``critical``:

``database``
    The book opens (critical when not: nothing else can be checked).
``schema``
    Its schema version is this tailkit's and the integrity check passes (critical otherwise).
``watch``
    The watch loop's last cycle (``watch_state``) finished at most ``max_cycle_age`` seconds
    ago (critical when older or never); a warning when that cycle skipped files or failed to
    notify. Reports its duration.
``quotes``
    The newest quote of the underlying is at most ``stale_minutes`` of trading time old
    (:func:`~tailkit.book.alerts.trading_minutes`: weekends, holidays and nights do not count);
    a warning otherwise.
``regime``
    Whether the regime-transition rule can run: the underlying's daily closes in the book
    against :data:`~tailkit.book.params.MIN_REGIME_CLOSES` (always ``ok``: one line saying why
    the rule does not run when there are too few).
``alerts``
    Open alerts by severity (an open alert is the desk's business, not a fault: ``ok``), and
    a warning when alerts raised more than ``max_cycle_age`` ago are still not delivered.
``disk``
    Free space on the SQLite book's file system at least ``min_free_mb`` (critical below; not
    checked for PostgreSQL, whose server watches its own disk).

The exit status (:attr:`HealthReport.exit_code`) follows the monitoring-plugin convention:
0 healthy, 1 warning, 2 critical.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tailkit.book.alerts import newest_quote_time, trading_minutes
from tailkit.book.schema import SCHEMA_VERSION
from tailkit.book.store import Book, book_location
from tailkit.book.watch import watch_state
from tailkit.errors import DataError

__all__ = ["Check", "HealthReport", "check_health", "STATUSES"]

STATUSES = ("ok", "warning", "critical")


@dataclass(frozen=True, slots=True)
class Check:
    """One health check: ``name``, ``status`` (ok, warning, critical), ``detail`` and its numbers."""

    name: str
    status: str
    detail: str
    values: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {"name": self.name, "status": self.status, "detail": self.detail, "values": dict(self.values)}


@dataclass(frozen=True, slots=True)
class HealthReport:
    """All the checks of one book.

    Attributes
    ----------
    book : str
        The book (printable, no password).
    checked_at : str
        UTC time of the check.
    checks : tuple of Check
    """

    book: str
    checked_at: str
    checks: tuple[Check, ...]

    @property
    def status(self) -> str:
        """The worst status."""
        return max((c.status for c in self.checks), key=STATUSES.index, default="ok")

    @property
    def exit_code(self) -> int:
        """0 ok, 1 warning, 2 critical."""
        return STATUSES.index(self.status)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``--json``)."""
        return {
            "book": self.book,
            "checked_at": self.checked_at,
            "status": self.status,
            "checks": [c.to_dict() for c in self.checks],
        }

    def lines(self) -> list[str]:
        """One line per check, then the overall status."""
        out = [f"{c.status.upper():8} {c.name:8} {c.detail}" for c in self.checks]
        out.append(f"book {self.book}: {self.status}")
        return out


def _age_seconds(then: str, now: datetime) -> float:
    t = pd.Timestamp(then)
    t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
    return (pd.Timestamp(now) - t).total_seconds()


def check_health(
    location: Any,
    *,
    watcher: str = "watch",
    max_cycle_age: float = 300.0,
    stale_minutes: float = 60.0,
    underlying: str = "TLT",
    min_free_mb: float = 500.0,
    check_watch: bool = True,
    now: datetime | None = None,
) -> HealthReport:
    """Run the health checks of the book at ``location`` (see the module docstring).

    Parameters
    ----------
    location : str or PathLike
        The book (file or URL, as ``--db``).
    watcher : str, default="watch"
        The watch loop whose last cycle is checked.
    max_cycle_age : float, default=300
        Seconds.
    stale_minutes : float, default=60
        Trading minutes.
    underlying : str, default="TLT"
        Ticker whose quotes are checked.
    min_free_mb : float, default=500
        MB, SQLite only.
    check_watch : bool, default=True
        Check the watch loop.
    now : datetime, optional
        The time to check at (default now; aware, or naive UTC).

    Returns
    -------
    HealthReport
    """
    now = now or datetime.now(UTC)
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    where = book_location(location)
    if isinstance(where, Path) and not where.is_file():
        return HealthReport(str(where), stamp, (Check("database", "critical", f"{where}: no book file", {}),))
    try:
        book = Book(where, actor="health", upgrade=False)
    except (DataError, OSError) as exc:
        return HealthReport(str(location), stamp, (Check("database", "critical", str(exc), {}),))
    checks = [Check("database", "ok", f"{book.dialect} book opens", {"dialect": book.dialect})]
    with book:
        try:
            checks += _checks(
                book, watcher, max_cycle_age, stale_minutes, underlying, min_free_mb, check_watch, now
            )
        except Exception as exc:  # a broken book must still give a report, not a traceback
            checks.append(Check("database", "critical", f"query failed: {str(exc).strip()}", {}))
        return HealthReport(str(book.path), stamp, tuple(checks))


def _checks(
    book: Book,
    watcher: str,
    max_cycle_age: float,
    stale_minutes: float,
    underlying: str,
    min_free_mb: float,
    check_watch: bool,
    now: datetime,
) -> list[Check]:
    out: list[Check] = []
    version = book.version
    integrity = book.integrity_check() if version == SCHEMA_VERSION else "not checked"
    if version != SCHEMA_VERSION:
        out.append(
            Check(
                "schema",
                "critical",
                f"schema version {version}, this tailkit needs {SCHEMA_VERSION} (run tailkit book init)",
                {"version": version},
            )
        )
        return out
    status = "ok" if integrity == "ok" else "critical"
    out.append(Check("schema", status, f"version {version}, integrity {integrity}", {"version": version}))

    if check_watch:
        state = watch_state(book, watcher)
        if state is None:
            out.append(Check("watch", "critical", f"watch loop {watcher!r} never completed a cycle", {}))
        else:
            age = _age_seconds(state["finished_at"], now)
            values = {**state, "age_seconds": age}
            detail = (
                f"last cycle of {watcher!r} finished {state['finished_at']} ({age:,.0f} s ago), "
                f"took {float(state['duration_ms']):,.0f} ms; {state['cycles']} cycles"
            )
            if age > max_cycle_age:
                status, detail = "critical", detail + f"; older than {max_cycle_age:g} s"
            elif state["errors"]:
                status, detail = "warning", detail + f"; errors: {state['errors']}"
            else:
                status = "ok"
            out.append(Check("watch", status, detail, values))

    newest = newest_quote_time(book, underlying)
    if newest is None:
        out.append(Check("quotes", "warning", f"no {underlying} quote in the book", {"newest": None}))
    else:
        age_min = trading_minutes(newest, now)
        status = "ok" if age_min <= stale_minutes else "warning"
        out.append(
            Check(
                "quotes",
                status,
                f"newest {underlying} quote {newest}: {age_min:,.0f} trading minutes old (limit {stale_minutes:g})",
                {"newest": newest, "age_trading_minutes": age_min},
            )
        )

    from tailkit.book.regime_rule import regime_readiness

    n_closes, line = regime_readiness(
        book, underlying, until=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    )
    out.append(Check("regime", "ok", line, {"daily_closes": n_closes}))

    rows = book.conn.execute(
        "SELECT severity, COUNT(*) FROM alerts WHERE acknowledged_at IS NULL GROUP BY severity"
    ).fetchall()
    counts = {str(r[0]): int(r[1]) for r in rows}
    pending = book.conn.execute(
        "SELECT raised_at FROM alerts WHERE acknowledged_at IS NULL AND notified_at IS NULL ORDER BY id"
    ).fetchall()
    late = [r[0] for r in pending if _age_seconds(str(r[0]), now) > max_cycle_age]
    text = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("critical", "warning", "info"))
    detail = f"open alerts: {text}"
    status = "ok"
    if late:
        status, detail = "warning", detail + f"; {len(late)} not delivered since {late[0]}"
    out.append(Check("alerts", status, detail, {"open": counts, "undelivered": len(pending)}))

    if book.dialect == "sqlite" and isinstance(book.path, Path):
        free_mb = shutil.disk_usage(book.path.parent).free / 1e6
        status = "ok" if free_mb >= min_free_mb else "critical"
        out.append(
            Check(
                "disk",
                status,
                f"{free_mb:,.0f} MB free at {book.path.parent} (minimum {min_free_mb:g})",
                {"free_mb": free_mb},
            )
        )
    return out
