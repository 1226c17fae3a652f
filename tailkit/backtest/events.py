"""The event log: every decision of a regime backtest, in SQLite.

One row per event in ``portfolio_events`` (the original's table and column names, so its
documented SQL works as written)::

    id INTEGER PRIMARY KEY, timestamp TEXT (ISO date of the bar), bar INTEGER,
    session_id TEXT, trace_id TEXT, event_type TEXT, event_category TEXT, asset TEXT,
    action TEXT, reason TEXT, score_before REAL, score_after REAL, size_before REAL,
    size_after REAL, system TEXT, regime TEXT, execution_time_ms REAL, metadata TEXT (JSON)

Event types: ``position_open``, ``position_close``, ``position_adjust``, ``action_blocked``,
``grace_start``, ``grace_decay``, ``grace_end``, ``core_grant``, ``core_revoke``,
``regime_transition``, ``regime_override``, ``score_degraded``, ``hedge_open``,
``hedge_close`` (the hedge overlay's option trades); categories ``position``, ``protection``,
``core``, ``regime``, ``scoring``, ``hedge``. A rebalance's events share a ``trace_id``
(``<session>-<bar>``) and are written in one transaction (``executemany``).

Examples of the documented queries (they work as written)::

    SELECT * FROM portfolio_events WHERE asset = 'AAPL' ORDER BY timestamp;
    SELECT event_type, COUNT(*) AS events, AVG(execution_time_ms) AS avg_time_ms
      FROM portfolio_events WHERE event_category = 'protection' GROUP BY event_type;
    SELECT regime, COUNT(*) AS transitions,
           json_extract(metadata, '$.override_authorizations') AS overrides
      FROM portfolio_events WHERE event_type = 'regime_transition' ORDER BY timestamp DESC;
    SELECT timestamp, action, reason, json_extract(metadata, '$.cash_flow') AS cash_flow
      FROM portfolio_events WHERE event_category = 'hedge' ORDER BY bar, id;

Timestamps are the bars' dates: the original's ``timestamp >= date('now', '-30 days')`` filter
selects nothing on a historical run (filter on the dates of the run instead).
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = ["EVENT_TYPES", "Event", "EventLog", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1

EVENT_TYPES: dict[str, str] = {
    "position_open": "position",
    "position_close": "position",
    "position_adjust": "position",
    "action_blocked": "protection",
    "grace_start": "protection",
    "grace_decay": "protection",
    "grace_end": "protection",
    "core_grant": "core",
    "core_revoke": "core",
    "regime_transition": "regime",
    "regime_override": "regime",
    "score_degraded": "scoring",
    "hedge_open": "hedge",
    "hedge_close": "hedge",
}

_COLUMNS = (
    "timestamp", "bar", "session_id", "trace_id", "event_type", "event_category", "asset", "action",
    "reason", "score_before", "score_after", "size_before", "size_after", "system", "regime",
    "execution_time_ms", "metadata",
)  # fmt: skip

_SCHEMA = """
CREATE TABLE IF NOT EXISTS portfolio_events (
    id INTEGER PRIMARY KEY,
    timestamp TEXT NOT NULL,
    bar INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event_category TEXT NOT NULL,
    asset TEXT,
    action TEXT,
    reason TEXT NOT NULL,
    score_before REAL,
    score_after REAL,
    size_before REAL,
    size_after REAL,
    system TEXT,
    regime TEXT,
    execution_time_ms REAL,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS ix_events_asset ON portfolio_events (asset, bar);
CREATE INDEX IF NOT EXISTS ix_events_type ON portfolio_events (event_type);
CREATE INDEX IF NOT EXISTS ix_events_trace ON portfolio_events (trace_id);
"""


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


@dataclass(frozen=True, slots=True)
class Event:
    """One decision.

    Parameters
    ----------
    timestamp : str
        ISO date of the bar.
    bar : int
        Bar index.
    event_type : str
        One of :data:`EVENT_TYPES`.
    asset : str
        Ticker ("" for portfolio-wide events).
    action : str
        ``open``, ``close``, ``adjust``, ``decay``, ``grant``, ``revoke``, ``transition`` ...
    reason : str
        Why, in words.
    system : str
        Deciding system (a protection's name, ``strategy``, ``regime_detector``).
    regime : str
        Daily regime at the bar.
    score_before, score_after, size_before, size_after : float
        Scores and target weights around the decision (NaN = not applicable).
    execution_time_ms : float
        Time the decision took, milliseconds.
    metadata : dict
        JSON payload.
    """

    timestamp: str
    bar: int
    event_type: str
    asset: str
    action: str
    reason: str
    system: str
    regime: str = ""
    score_before: float = math.nan
    score_after: float = math.nan
    size_before: float = math.nan
    size_after: float = math.nan
    execution_time_ms: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.event_type not in EVENT_TYPES:
            raise ParameterError(
                describe_bad_value("event_type", self.event_type, "one of " + ", ".join(EVENT_TYPES))
            )

    @property
    def category(self) -> str:
        """Event category."""
        return EVENT_TYPES[self.event_type]

    def key(self) -> tuple[Any, ...]:
        """The decision content (no timing), for comparing runs."""
        return (
            self.bar, self.event_type, self.asset, self.action, self.reason, self.system,
            _num(self.size_before), _num(self.size_after),
        )  # fmt: skip

    def row(self, session_id: str, trace_id: str) -> tuple[Any, ...]:
        """The database row."""
        return (
            self.timestamp, self.bar, session_id, trace_id, self.event_type, self.category, self.asset,
            self.action, self.reason, _num(self.score_before), _num(self.score_after),
            _num(self.size_before), _num(self.size_after), self.system, self.regime,
            float(self.execution_time_ms), json.dumps(self.metadata, sort_keys=True, default=float),
        )  # fmt: skip


class EventLog:
    """A SQLite event store (a file, or ``":memory:"``).

    Parameters
    ----------
    path : str or PathLike, default=":memory:"
        Database file (created with its schema; WAL mode for files).
    session_id : str, default="session"
        Identifies the run; trace ids are ``<session_id>-<bar>``.
    """

    def __init__(self, path: str | os.PathLike[str] = ":memory:", session_id: str = "session") -> None:
        self.path = str(path)
        self.session_id = str(session_id)
        try:
            self._con = sqlite3.connect(self.path)
        except sqlite3.Error as exc:
            raise DataError(f"{self.path}: cannot open the event log ({exc})") from None
        if self.path != ":memory:":
            self._con.execute("PRAGMA journal_mode=WAL")
        self._con.executescript(_SCHEMA)
        self._con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._con.commit()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def write_batch(self, events: Iterable[Event], bar: int) -> int:
        """Write one rebalance's events in one transaction; return how many."""
        trace = f"{self.session_id}-{bar}"
        rows = [e.row(self.session_id, trace) for e in events]
        if rows:
            marks = ", ".join("?" * len(_COLUMNS))
            with self._con:
                self._con.executemany(
                    f"INSERT INTO portfolio_events ({', '.join(_COLUMNS)}) VALUES ({marks})", rows
                )
        return len(rows)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> pd.DataFrame:
        """Run a read query and return a frame."""
        try:
            cur = self._con.execute(sql, params)
        except sqlite3.Error as exc:
            raise DataError(f"{self.path}: query failed ({exc}): {sql.strip()[:120]}") from None
        cols = [d[0] for d in cur.description or ()]
        return pd.DataFrame(cur.fetchall(), columns=cols)

    def asset_timeline(self, asset: str, until: str | None = None) -> pd.DataFrame:
        """Every event of ``asset`` (up to the ISO date ``until``), in order: the chain of decisions."""
        sql = "SELECT * FROM portfolio_events WHERE asset = ?"
        args: tuple[Any, ...] = (asset,)
        if until is not None:
            sql += " AND timestamp <= ?"
            args += (until,)
        return self.query(sql + " ORDER BY bar, id", args)

    def protection_effectiveness(self) -> pd.DataFrame:
        """Per deciding system: blocked and approved decisions and mean decision time."""
        return self.query(
            "SELECT system, SUM(event_type = 'action_blocked') AS blocked, "
            "SUM(event_type IN ('position_open', 'position_close', 'position_adjust')) AS executed, "
            "SUM(event_type LIKE 'grace_%') AS grace_events, COUNT(*) AS events, "
            "AVG(execution_time_ms) AS avg_time_ms FROM portfolio_events "
            "WHERE system IS NOT NULL GROUP BY system ORDER BY system"
        )

    def regime_transitions(self) -> pd.DataFrame:
        """Regime transitions with severity and override authority."""
        return self.query(
            "SELECT timestamp, bar, regime, reason, json_extract(metadata, '$.source') AS source, "
            "json_extract(metadata, '$.severity') AS severity, "
            "json_extract(metadata, '$.override_authorizations') AS override_authorizations "
            "FROM portfolio_events WHERE event_type = 'regime_transition' ORDER BY bar"
        )

    def count(self) -> int:
        """Number of events stored."""
        return int(self._con.execute("SELECT COUNT(*) FROM portfolio_events").fetchone()[0])
