"""Alerts over the book: rules that look at the marks and the market data, raised once until acknowledged.

A rule turns the book's state into :class:`Alert` records. Each has a ``key`` naming the
condition (``"exit:position:12:profit_target"``, ``"loss_budget"``, ``"stale_quotes:TLT"``):
:func:`raise_alerts` stores the alerts whose key has no open (unacknowledged) alert, each with
its ``alert`` audit event, in one transaction, and returns only those new ones, so a condition
that persists is notified once. :func:`acknowledge` closes an alert (with its audit event); the
same condition firing again afterwards raises a new alert. One open alert per key is enforced
in the database (a partial unique index), so two watch processes cannot both raise it.

Rules here: exit signals of the marks (profit target, loss limit, DTE), loss budget used above
a threshold, stale market data (no quote newer than N minutes) and a regime transition in the
causal (filtered) probabilities of :func:`tailkit.calibration.filter_regimes`, run by
:func:`run_rules` on the underlying's daily closes in the book (:mod:`tailkit.book.regime_rule`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from tailkit.book.marks import BookMarks
from tailkit.book.params import AlertRuleParams
from tailkit.book.store import Book, utc_now
from tailkit.calibration.regimes import RegimeProbabilities
from tailkit.errors import ParameterError, describe_bad_value
from tailkit.inputs import nyse_holiday

__all__ = [
    "Alert",
    "SEVERITIES",
    "shown_time",
    "exit_signal_alerts",
    "loss_budget_alert",
    "stale_quote_alert",
    "trading_minutes",
    "trading_day",
    "newest_quote_time",
    "regime_transition_alert",
    "raise_alerts",
    "acknowledge",
    "open_alerts",
    "evaluate_rules",
    "run_rules",
    "RuleResults",
]

SEVERITIES = ("info", "warning", "critical")
_EXIT_SEVERITY = {"loss_limit": "critical", "profit_target": "info", "dte": "warning"}


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert.

    Attributes
    ----------
    rule : str
        The rule that fired (``"exit_signal"``, ``"loss_budget"``, ``"stale_quotes"``).
    key : str
        The condition; at most one open alert per key.
    severity : {"info", "warning", "critical"}
    message : str
        For people: names the position or feed and the numbers.
    payload : dict
        The numbers, for machines (JSON).
    id : int or None
        Database id once stored.
    """

    rule: str
    key: str
    severity: str
    message: str
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ParameterError(
                describe_bad_value("severity", self.severity, "'info', 'warning' or 'critical'")
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the webhook body)."""
        return {
            "id": self.id,
            "rule": self.rule,
            "key": self.key,
            "severity": self.severity,
            "message": self.message,
            "payload": dict(self.payload),
        }


def exit_signal_alerts(marks: BookMarks) -> list[Alert]:
    """One alert per marked position with an exit signal (profit target, loss limit, DTE)."""
    out: list[Alert] = []
    frame = marks.positions
    if frame.empty:
        return out
    for row in frame.itertuples(index=False):
        signal = getattr(row, "signal", None)
        if signal is None or (isinstance(signal, float) and math.isnan(signal)):
            continue
        pid = int(row.position_id)
        pnl = float(row.pnl_mid) if row.pnl_mid is not None and not pd.isna(row.pnl_mid) else None
        pnl_text = f"{pnl:,.2f}" if pnl is not None else "n/a"
        out.append(
            Alert(
                rule="exit_signal",
                key=f"exit:position:{pid}:{signal}",
                severity=_EXIT_SEVERITY.get(str(signal), "warning"),
                message=f"position {pid}: exit signal {signal} (P&L at mid {pnl_text}, DTE {row.dte}) as of {shown_time(marks.as_of)}",
                payload={"position_id": pid, "signal": str(signal), "pnl_mid": pnl, "dte": _int(row.dte)},
            )
        )
    return out


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def loss_budget_alert(marks: BookMarks, *, threshold: float = 0.8) -> list[Alert]:
    """An alert when the loss budget used is at or above ``threshold`` (a fraction in (0, 1])."""
    if not 0.0 < float(threshold) <= 1.0:
        raise ParameterError(describe_bad_value("threshold", threshold, "a fraction in (0, 1], e.g. 0.8"))
    used = marks.totals.loss_budget_used
    if used is None or float(used) < float(threshold):
        return []
    severity = "critical" if float(used) >= 1.0 else "warning"
    return [
        Alert(
            rule="loss_budget",
            key="loss_budget",
            severity=severity,
            message=f"loss budget used {float(used):.1%} (threshold {float(threshold):.0%}) as of {shown_time(marks.as_of)}",
            payload={"loss_budget_used": float(used), "threshold": float(threshold)},
        )
    ]


#: the NYSE regular session, New York time (the stale-quote clock runs only inside it)
SESSION_OPEN = time(9, 30)
SESSION_CLOSE = time(16, 0)
_NEW_YORK = ZoneInfo("America/New_York")


def trading_day(day: date) -> bool:
    """True on a NYSE trading day: a weekday that is not a NYSE holiday (:func:`tailkit.inputs.nyse_holiday`)."""
    return day.weekday() < 5 and not nyse_holiday(day)


def trading_minutes(start: Any, end: Any) -> float:
    """Minutes of NYSE regular session (09:30-16:00 New York, trading days only) between two times.

    Parameters
    ----------
    start, end : str, datetime or Timestamp
        Times; naive ones are UTC (the book's convention, :func:`~tailkit.book.store.utc_now`).

    Returns
    -------
    float
        Session minutes in ``[start, end]`` (0 when ``end <= start``). A quote from Friday's
        close is 15 minutes old at 09:45 on Monday, and a weekend or a holiday adds nothing.
        Early closes (13:00 on some half days) are counted as full sessions.
    """
    t0, t1 = _utc(start), _utc(end)
    if t1 <= t0:
        return 0.0
    d0 = t0.astimezone(_NEW_YORK).date()
    d1 = t1.astimezone(_NEW_YORK).date()
    total = 0.0
    day = d0
    while day <= d1:
        if trading_day(day):
            open_ = datetime.combine(day, SESSION_OPEN, _NEW_YORK)
            close = datetime.combine(day, SESSION_CLOSE, _NEW_YORK)
            lo, hi = max(open_, t0), min(close, t1)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60.0
        day += timedelta(days=1)
    return total


def _utc(value: Any) -> datetime:
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        raise ParameterError(
            describe_bad_value("time", value, "a date or time such as '2025-01-31T15:00:00'")
        )
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def shown_time(value: Any) -> str:
    """A stored time as people read it: ``YYYY-MM-DD HH:MM:SS UTC`` (no microseconds, no ``T``/``Z``).

    Times are stored to the microsecond (:func:`~tailkit.book.store.utc_now`); messages show
    whole seconds, and a date alone (midnight) as the date.
    """
    t = _utc(value)
    if (t.hour, t.minute, t.second, t.microsecond) == (0, 0, 0, 0):
        return t.strftime("%Y-%m-%d")
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def newest_quote_time(book: Book, underlying: str = "TLT") -> str | None:
    """The time of the newest quote of ``underlying`` in the book (``None`` when there is none)."""
    row = book.conn.execute(
        "SELECT MAX(quote_time) FROM quotes WHERE underlying = ?", (underlying,)
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def stale_quote_alert(
    book: Book, *, now: Any, max_age_minutes: float, underlying: str = "TLT"
) -> list[Alert]:
    """An alert when the newest quote of ``underlying`` is older than ``max_age_minutes`` of trading time.

    Age is :func:`trading_minutes` from the newest quote to ``now`` (naive times are UTC): only
    minutes of the NYSE regular session on trading days count, so weekends, holidays and nights
    never make quotes stale; no quote at all is an alert too.
    """
    if not float(max_age_minutes) > 0:
        raise ParameterError(
            describe_bad_value("max_age_minutes", max_age_minutes, "a positive number of minutes")
        )
    newest = newest_quote_time(book, underlying)
    if newest is not None:
        age = trading_minutes(newest, now)
        if age <= float(max_age_minutes):
            return []
        text = (
            f"newest {underlying} quote {shown_time(newest)} is {age:,.0f} trading minutes old "
            f"(limit {float(max_age_minutes):g})"
        )
    else:
        age = None
        text = f"no {underlying} quote in the book"
    return [
        Alert(
            rule="stale_quotes",
            key=f"stale_quotes:{underlying}",
            severity="warning",
            message=text,
            payload={"underlying": underlying, "newest": newest, "age_minutes": age},
        )
    ]


def regime_transition_alert(probs: RegimeProbabilities, *, min_probability: float = 0.5) -> list[Alert]:
    """An alert when the most likely regime (filtered, i.e. causal) changed at the last observation.

    Parameters
    ----------
    probs : RegimeProbabilities
        From :func:`tailkit.calibration.filter_regimes` over returns up to now.
    min_probability : float, default=0.5
        The new regime's filtered probability must be at least this (in (0, 1)).

    Returns
    -------
    list of Alert
        Empty, or one ``regime`` alert keyed by the date and the two regimes; ``critical``
        when the new regime is the last one of ``regime_names`` (by convention the stressed one).
    """
    if not 0.0 < float(min_probability) < 1.0:
        raise ParameterError(
            describe_bad_value("min_probability", min_probability, "a probability in (0, 1)")
        )
    filtered = probs.filtered
    if filtered.shape[0] < 2:
        return []
    state = probs.most_likely(causal=True)
    before, now = int(state[-2]), int(state[-1])
    p_now = float(filtered[-1, now])
    if before == now or p_now < float(min_probability):
        return []
    names = probs.regime_names
    when = probs.index[-1]
    when_text = when.date().isoformat() if isinstance(when, pd.Timestamp) else str(when)
    severity = "critical" if now == len(names) - 1 else "warning"
    return [
        Alert(
            rule="regime",
            key=f"regime:{when_text}:{names[before]}->{names[now]}",
            severity=severity,
            message=(
                f"regime transition {names[before]} -> {names[now]} on {when_text} "
                f"(filtered probability {p_now:.1%}, was {float(filtered[-2, now]):.1%})"
            ),
            payload={"from": names[before], "to": names[now], "date": when_text, "probability": p_now},
        )
    ]


def raise_alerts(book: Book, alerts: list[Alert], *, reason: str = "") -> list[Alert]:
    """Store the alerts whose key has no open alert (each with its audit event); return those new ones."""
    new: list[Alert] = []
    with book.transaction() as conn:
        for a in alerts:
            if conn.execute(
                "SELECT 1 FROM alerts WHERE key = ? AND acknowledged_at IS NULL", (a.key,)
            ).fetchone():
                continue
            cur = conn.execute(
                "INSERT INTO alerts (rule, key, severity, message, payload, raised_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    a.rule,
                    a.key,
                    a.severity,
                    a.message,
                    json.dumps(a.payload, sort_keys=True, default=str),
                    utc_now(),
                ),
            )
            aid = int(cur.lastrowid or 0)
            book.record("alert", f"alert:{aid}", reason=reason, payload={**a.to_dict(), "id": aid})
            new.append(Alert(a.rule, a.key, a.severity, a.message, dict(a.payload), aid))
    return new


def acknowledge(book: Book, alert_id: int, *, reason: str = "") -> None:
    """Acknowledge an open alert (with its audit event); the condition may then raise a new one."""
    with book.transaction() as conn:
        row = conn.execute("SELECT acknowledged_at FROM alerts WHERE id = ?", (int(alert_id),)).fetchone()
        if row is None or row[0] is not None:
            raise ParameterError(describe_bad_value("alert_id", alert_id, "the id of an open alert"))
        conn.execute(
            "UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?",
            (utc_now(), book.actor, int(alert_id)),
        )
        book.record("acknowledge", f"alert:{int(alert_id)}", reason=reason)


def open_alerts(book: Book) -> pd.DataFrame:
    """Open alerts, oldest first: ``id``, ``raised_at``, ``severity``, ``rule``, ``key``, ``message``."""
    return book.frame(
        "SELECT id, raised_at, severity, rule, key, message FROM alerts WHERE acknowledged_at IS NULL ORDER BY id"
    )


@dataclass(frozen=True, slots=True)
class RuleResults:
    """The alerts of one evaluation of the rules and one-line notes on rules that could not run.

    Attributes
    ----------
    alerts : tuple of Alert
        Every alert found (stored once per key by :func:`raise_alerts`).
    notes : tuple of str
        One line per rule worth a word: the regime rule's current regime, or why it did not run.
    """

    alerts: tuple[Alert, ...]
    notes: tuple[str, ...]


def run_rules(book: Book, marks: BookMarks, rules: AlertRuleParams, *, now: Any) -> RuleResults:
    """Every alert rule of ``rules`` over one mark of the book (the watch loop's and ``tailkit book alerts``' rules).

    Exit signals and the loss budget always; stale quotes when ``rules.stale_minutes`` is set
    (trading time, :func:`trading_minutes`, from ``now``); the VaR/ES and exposure limits of
    :mod:`tailkit.book.risk_limits` when any of them is set; the regime transition
    (:func:`tailkit.book.regime_rule.regime_check`, on the daily closes up to the marks'
    valuation date) unless ``rules.no_regime``, with a note saying the regime or why the rule
    did not run (too few closes).
    """
    from tailkit.book.regime_rule import regime_check

    found = evaluate_rules(book, marks, rules, now=now)
    notes: list[str] = []
    if not rules.no_regime:
        check = regime_check(
            book,
            underlying=rules.regime_underlying,
            until=marks.valuation_date.isoformat() + "T23:59:59",
            n_regimes=rules.regime_states,
            window=rules.regime_window,
            min_probability=rules.regime_min_probability,
        )
        found += check.alerts
        notes.append(check.note)
    return RuleResults(tuple(found), tuple(notes))


def evaluate_rules(book: Book, marks: BookMarks, rules: AlertRuleParams, *, now: Any) -> list[Alert]:
    """The alert rules of ``rules`` that need no history fit: :func:`run_rules` without the regime rule.

    Exit signals and the loss budget always; stale quotes when ``rules.stale_minutes`` is set
    (trading time, :func:`trading_minutes`, from ``now``); the VaR/ES and exposure limits of
    :mod:`tailkit.book.risk_limits` when any of them is set.
    """
    found = exit_signal_alerts(marks) + loss_budget_alert(marks, threshold=rules.loss_budget_threshold)
    if rules.stale_minutes is not None:
        found += stale_quote_alert(
            book, now=now, max_age_minutes=rules.stale_minutes, underlying=rules.stale_underlying
        )
    if rules.exposure_limit is not None or rules.var_limit is not None or rules.es_limit is not None:
        from tailkit.book.risk_limits import book_risk, risk_limit_alerts

        needs_var = rules.var_limit is not None or rules.es_limit is not None
        risk = (
            book_risk(book, marks, confidence=rules.confidence)
            if needs_var
            else _exposure_only(marks, rules.confidence)
        )
        found += risk_limit_alerts(
            risk, var_limit=rules.var_limit, es_limit=rules.es_limit, exposure_limit=rules.exposure_limit
        )
    return found


def _exposure_only(marks: BookMarks, confidence: float) -> Any:
    from tailkit.book.risk_limits import BookRisk

    return BookRisk(float(confidence), None, None, float(marks.totals.open_risk), 0, 0, 0)
