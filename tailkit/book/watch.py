"""The watch loop: import new chain files, mark the book, evaluate the alert rules, notify, sleep.

One cycle (:func:`run_cycle`):

1. every ``*.csv`` file of the chains folder that is new or changed since the loop last saw it
   (and unchanged for ``settle`` seconds, so a file still being copied is left for the next
   cycle) is imported with :func:`~tailkit.book.market.import_chain` (one transaction per
   file, idempotent by SHA-256). A bad file is reported and skipped: its import writes
   nothing, and it is not retried until it changes;
2. the book is marked (:func:`~tailkit.book.marks.mark_book`, stored with ``save_marks``);
3. the alert rules run (:func:`~tailkit.book.alerts.run_rules`, the regime-transition rule
   included: fitted to the underlying's daily closes in the book when there are enough of
   them, refitted only when a new close arrived; the cycle logs one line with the regime or
   why the rule did not run) and the new alerts are stored once per condition
   (:func:`~tailkit.book.alerts.raise_alerts`);
4. every open alert not yet delivered is sent (:func:`~tailkit.book.notify.deliver_pending`);
   a failed delivery is retried next cycle;
5. the cycle's times and counts are written to ``watch_state`` (read by ``tailkit book health``).

:func:`watch` repeats cycles every ``interval`` seconds (start to start) until ``stop`` is set
(the command line sets it on SIGTERM or Ctrl-C: the current cycle finishes, then the loop
exits). A database error (the server restarted, the file is locked past the busy timeout)
closes the book; the loop reopens it with exponential backoff (1 s, 2 s, 4 s ... up to
``max_backoff``) and carries on.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailkit.book.alerts import raise_alerts, run_rules
from tailkit.book.market import import_chain
from tailkit.book.marks import mark_book
from tailkit.book.notify import Notifier, deliver_pending
from tailkit.book.params import AlertRuleParams
from tailkit.book.store import Book, utc_now
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["CycleReport", "ChainFolder", "parse_interval", "run_cycle", "watch", "watch_state"]

LOGGER = logging.getLogger("tailkit.book.watch")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([smh]?)\s*$", re.IGNORECASE)
_UNIT = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_interval(text: str | float) -> float:
    """Seconds from ``"60s"``, ``"5m"``, ``"1h"`` or a plain number of seconds (positive).

    Examples
    --------
    >>> parse_interval("5m"), parse_interval("90"), parse_interval("0.5s")
    (300.0, 90.0, 0.5)
    """
    m = _INTERVAL.match(str(text))
    seconds = float(m.group(1)) * _UNIT[m.group(2).lower()] if m else 0.0
    if not seconds > 0:
        raise ParameterError(
            describe_bad_value(
                "every", text, "a positive duration: seconds, or a number with s, m or h (60s, 5m)"
            )
        )
    return seconds


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one watch cycle did.

    Attributes
    ----------
    watcher : str
        The loop's name.
    started_at, finished_at : str
        UTC times.
    duration_ms : float
        Wall time of the cycle, milliseconds.
    imported : tuple of str
        Chain files imported (or found already imported).
    rejected : tuple of str
        ``"path: reason"`` of each bad file skipped.
    alerts_raised : int
        New alerts stored this cycle.
    alerts_delivered : int
        Alerts delivered to every notifier this cycle.
    failures : tuple of str
        Notifier failures (those alerts are retried next cycle).
    n_open, n_signals : int
        Open positions and exit signals in the cycle's mark.
    notes : tuple of str
        One line per rule worth a word (the regime, or why the regime rule did not run).
    """

    watcher: str
    started_at: str
    finished_at: str
    duration_ms: float
    imported: tuple[str, ...]
    rejected: tuple[str, ...]
    alerts_raised: int
    alerts_delivered: int
    failures: tuple[str, ...]
    n_open: int
    n_signals: int
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "watcher": self.watcher,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_ms": self.duration_ms,
            "imported": list(self.imported),
            "rejected": list(self.rejected),
            "alerts_raised": self.alerts_raised,
            "alerts_delivered": self.alerts_delivered,
            "failures": list(self.failures),
            "n_open": self.n_open,
            "n_signals": self.n_signals,
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        """One line for the log."""
        text = (
            f"cycle {self.finished_at}: {self.duration_ms:,.0f} ms, {len(self.imported)} file(s) imported, "
            f"{len(self.rejected)} rejected, {self.n_open} open position(s), {self.n_signals} exit signal(s), "
            f"{self.alerts_raised} new alert(s), {self.alerts_delivered} delivered"
        )
        if self.failures:
            text += f", {len(self.failures)} notifier failure(s)"
        return text


class ChainFolder:
    """The chain files of a folder the loop has not handled yet (by path, size and modification time).

    Parameters
    ----------
    folder : str or PathLike
        The folder (must exist).
    settle : float, default=2.0
        A file is taken only once its modification time is at least this many seconds old.
    """

    def __init__(self, folder: str | os.PathLike[str], *, settle: float = 2.0) -> None:
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise ParameterError(describe_bad_value("chains", str(folder), "an existing folder"))
        self.settle = float(settle)
        self._seen: dict[Path, tuple[int, int]] = {}

    def pending(self) -> list[Path]:
        """Files to import now, by name (hidden files, e.g. a copy in progress, are skipped)."""
        now = time.time()
        out = []
        for path in sorted(self.folder.glob("*.csv")):
            if path.name.startswith("."):
                continue
            try:
                st = path.stat()
            except OSError:  # removed meanwhile
                continue
            if self._seen.get(path) == (st.st_size, st.st_mtime_ns) or now - st.st_mtime < self.settle:
                continue
            out.append(path)
        return out

    def handled(self, path: Path) -> None:
        """Remember ``path`` as handled (imported or rejected) in its current state."""
        try:
            st = path.stat()
        except OSError:
            return
        self._seen[path] = (st.st_size, st.st_mtime_ns)


def run_cycle(
    book: Book,
    *,
    rules: AlertRuleParams,
    notifiers: list[Notifier],
    folder: ChainFolder | None = None,
    underlying: str = "TLT",
    save_marks: bool = False,
    watcher: str = "watch",
    reason: str = "",
    as_of: Any = None,
) -> CycleReport:
    """Run one cycle (see the module docstring) and record it in ``watch_state``.

    Parameters
    ----------
    book : Book
        The book.
    rules : AlertRuleParams
        Thresholds of the alert rules.
    notifiers : list of Notifier
        Where alerts go.
    folder : ChainFolder, optional
        The chains folder (no import when ``None``).
    underlying : str, default="TLT"
        Ticker of the chain files.
    save_marks : bool, default=False
        Store the marks.
    watcher : str, default="watch"
        This loop's name in ``watch_state``.
    reason : str, default=""
        Audit text for the imports, marks and alerts.
    as_of : str or datetime, optional
        Valuation time of the marks and the stale-quote clock (default now, UTC).

    Returns
    -------
    CycleReport

    Raises
    ------
    sqlite3.Error, psycopg.Error, DataError
        The database failed (the caller reconnects); a bad chain file never raises.
    """
    t0 = time.perf_counter()
    started = utc_now()
    imported: list[str] = []
    rejected: list[str] = []
    pending = [] if folder is None else [(folder, path) for path in folder.pending()]
    for watched, path in pending:
        try:
            result = import_chain(book, path, underlying=underlying, reason=reason or "watch")
        except (DataError, ParameterError) as exc:
            if _is_database_error(exc):
                raise
            rejected.append(f"{path}: {exc}")
            LOGGER.warning("skipped chain file %s: %s", path, exc)
        else:
            imported.append(str(path))
            LOGGER.info("%s", result.summary())
        watched.handled(path)
    now = as_of if as_of is not None else utc_now()
    marks = mark_book(book, as_of=now, save=save_marks, reason=reason or "watch")
    results = run_rules(book, marks, rules, now=now)
    new = raise_alerts(book, list(results.alerts), reason=reason or "watch")
    delivery = deliver_pending(book, notifiers)
    finished = utc_now()
    report = CycleReport(
        watcher=watcher,
        started_at=started,
        finished_at=finished,
        duration_ms=(time.perf_counter() - t0) * 1000.0,
        imported=tuple(imported),
        rejected=tuple(rejected),
        alerts_raised=len(new),
        alerts_delivered=delivery.delivered,
        failures=delivery.failures,
        n_open=marks.totals.n_open,
        n_signals=marks.totals.n_signals,
        notes=results.notes,
    )
    _record(book, report)
    return report


def _is_database_error(exc: BaseException) -> bool:
    """A DataError raised because the book's database is unreachable (not because of a file)."""
    return "cannot open the book" in str(exc)


def _record(book: Book, r: CycleReport) -> None:
    errors = "; ".join([*r.rejected, *r.failures])
    with book.transaction() as conn:
        conn.execute(
            "INSERT INTO watch_state (watcher, started_at, finished_at, duration_ms, cycles, files_imported, "
            "files_rejected, alerts_raised, errors) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?) "
            "ON CONFLICT (watcher) DO UPDATE SET started_at = excluded.started_at, "
            "finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, "
            "cycles = watch_state.cycles + 1, files_imported = excluded.files_imported, "
            "files_rejected = excluded.files_rejected, alerts_raised = excluded.alerts_raised, "
            "errors = excluded.errors",
            (
                r.watcher,
                r.started_at,
                r.finished_at,
                r.duration_ms,
                len(r.imported),
                len(r.rejected),
                r.alerts_raised,
                errors,
            ),
        )


def watch_state(book: Book, watcher: str = "watch") -> dict[str, Any] | None:
    """The last cycle recorded by ``watcher`` (``None`` when it never ran)."""
    row = book.conn.execute(
        "SELECT watcher, started_at, finished_at, duration_ms, cycles, files_imported, files_rejected, "
        "alerts_raised, errors FROM watch_state WHERE watcher = ?",
        (watcher,),
    ).fetchone()
    if row is None:
        return None
    keys = (
        "watcher",
        "started_at",
        "finished_at",
        "duration_ms",
        "cycles",
        "files_imported",
        "files_rejected",
        "alerts_raised",
        "errors",
    )
    return dict(zip(keys, tuple(row), strict=True))


def _database_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (sqlite3.Error, DataError)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return errors
    return (*errors, psycopg.Error)


def watch(
    open_book: Callable[[], Book],
    *,
    interval: float,
    rules: AlertRuleParams,
    notifiers: list[Notifier],
    chains: str | os.PathLike[str] | None = None,
    settle: float = 2.0,
    underlying: str = "TLT",
    save_marks: bool = False,
    watcher: str = "watch",
    reason: str = "",
    once: bool = False,
    max_backoff: float = 60.0,
    stop: threading.Event | None = None,
    on_cycle: Callable[[CycleReport], None] | None = None,
) -> int:
    """Run cycles every ``interval`` seconds until ``stop`` is set (or one cycle with ``once``).

    Parameters
    ----------
    open_book : callable
        Returns an open :class:`Book` (called again to reconnect after a database error).
    interval : float
        Seconds from one cycle's start to the next one's.
    rules, notifiers, chains, settle, underlying, save_marks, watcher, reason
        As :func:`run_cycle` (``chains`` is the folder, ``settle`` its settle time).
    once : bool, default=False
        One cycle, then return.
    max_backoff : float, default=60
        Longest wait between reconnection attempts, seconds.
    stop : threading.Event, optional
        Set it to end the loop after the current cycle (a signal handler does).
    on_cycle : callable, optional
        Called with each :class:`CycleReport`.

    Returns
    -------
    int
        Number of failed cycles (0 when every cycle ran).
    """
    stop = stop if stop is not None else threading.Event()
    folder = ChainFolder(chains, settle=settle) if chains is not None else None
    errors = _database_errors()
    book: Book | None = None
    backoff = 1.0
    failed = 0
    try:
        while not stop.is_set():
            start = time.monotonic()
            try:
                if book is None:
                    book = open_book()
                report = run_cycle(
                    book,
                    rules=rules,
                    notifiers=notifiers,
                    folder=folder,
                    underlying=underlying,
                    save_marks=save_marks,
                    watcher=watcher,
                    reason=reason,
                )
            except errors as exc:
                failed += 1
                LOGGER.error("watch cycle failed (%s); reconnecting in %g s", str(exc).strip(), backoff)
                _close(book)
                book = None
                if once:
                    break
                stop.wait(min(backoff, max_backoff))
                backoff = min(backoff * 2.0, max_backoff)
                continue
            backoff = 1.0
            LOGGER.info("%s", report.summary())
            for note in report.notes:
                LOGGER.info("%s", note)
            if on_cycle is not None:
                on_cycle(report)
            if once:
                break
            stop.wait(max(0.0, interval - (time.monotonic() - start)))
    finally:
        _close(book)
    return failed


def _close(book: Book | None) -> None:
    if book is None:
        return
    try:
        book.close()
    except Exception as exc:  # a broken connection may fail to close; nothing is left to do
        LOGGER.debug("closing the book failed: %s", exc)
