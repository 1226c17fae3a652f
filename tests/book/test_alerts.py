"""Alerts: rules over the marks and the quotes, raised once until acknowledged, delivered to a log,
a webhook (a real HTTP server on 127.0.0.1) and SMTP (a minimal SMTP server on 127.0.0.1)."""

from __future__ import annotations

import email
import email.policy
import logging
import sqlite3
from datetime import datetime

import numpy as np
import pandas as pd
import psycopg
import pytest

from tailkit.book import add_spread, import_chain, mark_book, spread_order
from tailkit.book.alerts import (
    Alert,
    acknowledge,
    exit_signal_alerts,
    loss_budget_alert,
    open_alerts,
    raise_alerts,
    regime_transition_alert,
    stale_quote_alert,
    trading_minutes,
)
from tailkit.book.notify import LogNotifier, SmtpNotifier, WebhookNotifier, notify
from tailkit.calibration.regimes import RegimeProbabilities
from tailkit.errors import DataError, ParameterError

from .conftest import EXPIRY, QUOTE_DATE, write_chain

ORDER = dict(strategy="bull_put", short_strike=88, long_strike=85, expiry=EXPIRY, contracts=2, credit=0.62)
LOSING = [
    ("put", 88.0, 1.60, 1.70, 19.0),
    ("put", 85.0, 0.30, 0.34, 20.0),
]  # mid 1.33 >= 2 x 0.62: loss limit


def _losing_book(book, tmp_path):
    pid = add_spread(book, spread_order(**ORDER))
    import_chain(book, write_chain(tmp_path / "chain.csv", LOSING))
    return pid


def test_exit_signal_alert_is_raised_once_until_acknowledged(book, tmp_path):
    pid = _losing_book(book, tmp_path)
    alerts = exit_signal_alerts(mark_book(book, as_of=QUOTE_DATE))
    assert [a.key for a in alerts] == [f"exit:position:{pid}:loss_limit"]
    a = alerts[0]
    assert a.severity == "critical" and f"position {pid}" in a.message and "loss_limit" in a.message
    # P&L at mid: (0.62 - 1.33) x 2 contracts x 100 = -142.00
    assert a.payload["pnl_mid"] == pytest.approx(-142.0) and "-142.00" in a.message
    first = raise_alerts(book, alerts)
    assert len(first) == 1 and first[0].id is not None
    assert (
        raise_alerts(book, exit_signal_alerts(mark_book(book, as_of=QUOTE_DATE))) == []
    )  # still open: quiet
    assert open_alerts(book)["key"].tolist() == [a.key]
    acknowledge(book, first[0].id, reason="seen")
    assert open_alerts(book).empty
    with pytest.raises(ParameterError, match="alert_id"):
        acknowledge(book, first[0].id)
    again = raise_alerts(book, alerts)  # the condition persists after the acknowledgement: a new alert
    assert len(again) == 1 and again[0].id != first[0].id
    actions = [
        r[0] for r in book.conn.execute("SELECT action FROM audit WHERE object LIKE 'alert:%' ORDER BY id")
    ]
    assert actions == ["alert", "acknowledge", "alert"]


def test_one_open_alert_per_key_is_enforced_by_the_database(book):
    raise_alerts(book, [Alert("loss_budget", "loss_budget", "warning", "x")])
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation), match=r"(?i)unique"):
        with book.transaction() as conn:
            conn.execute(
                "INSERT INTO alerts (rule, key, severity, message, raised_at) VALUES ('r', 'loss_budget', 'info', 'm', 't')"
            )


def test_stale_quotes_and_loss_budget_rules(book, tmp_path):
    assert stale_quote_alert(book, now=datetime(2098, 12, 1, 16, 30), max_age_minutes=60)[0].message == (
        "no TLT quote in the book"
    )
    _losing_book(book, tmp_path)  # quotes at 2098-12-01T16:00:00
    assert stale_quote_alert(book, now=datetime(2098, 12, 1, 16, 30), max_age_minutes=60) == []
    stale = stale_quote_alert(book, now=datetime(2098, 12, 1, 18, 0), max_age_minutes=60)
    assert stale[0].key == "stale_quotes:TLT" and stale[0].payload["age_minutes"] == pytest.approx(120.0)
    marks = mark_book(book, as_of=QUOTE_DATE)
    used = marks.totals.loss_budget_used
    if used is None:  # no NAV: no budget, no alert
        assert loss_budget_alert(marks, threshold=0.01) == []
    else:
        assert loss_budget_alert(marks, threshold=min(1.0, used)) != []
    with pytest.raises(ParameterError, match="threshold"):
        loss_budget_alert(marks, threshold=1.5)


def _probs(filtered):
    arr = np.asarray(filtered, dtype=float)
    index = pd.bdate_range("2024-03-01", periods=len(arr))
    return RegimeProbabilities(arr, arr, ("calm", "stressed"), index, 0.0)


def test_regime_transition_alert_fires_on_the_step_the_filtered_regime_changes():
    calm = [[0.9, 0.1], [0.8, 0.2]]
    assert regime_transition_alert(_probs(calm)) == []
    (alert,) = regime_transition_alert(_probs([*calm, [0.3, 0.7]]))
    assert alert.key == "regime:2024-03-05:calm->stressed" and alert.severity == "critical"
    assert "filtered probability 70.0%, was 20.0%" in alert.message
    assert regime_transition_alert(_probs([*calm, [0.3, 0.7]]), min_probability=0.75) == []
    assert regime_transition_alert(_probs([[0.3, 0.7], [0.3, 0.7]])) == []  # staying stressed: no new alert
    (back,) = regime_transition_alert(_probs([[0.3, 0.7], [0.6, 0.4]]))
    assert back.severity == "warning" and back.payload["to"] == "calm"
    with pytest.raises(ParameterError, match="min_probability"):
        regime_transition_alert(_probs(calm), min_probability=1.0)


def test_new_alerts_reach_the_webhook_the_mail_and_the_log(book, tmp_path, webhook, smtp_server, caplog):
    url, hook = webhook
    port, smtp = smtp_server
    _losing_book(book, tmp_path)
    new = raise_alerts(book, exit_signal_alerts(mark_book(book, as_of=QUOTE_DATE)))
    notifiers = [
        LogNotifier(),
        WebhookNotifier(url),
        SmtpNotifier("127.0.0.1", port, "book@desk.example", ("pm@desk.example", "risk@desk.example")),
    ]
    with caplog.at_level(logging.INFO, logger="tailkit.book.alerts"):
        assert notify(new, notifiers) == []
    assert len(hook.received) == 1 and hook.received[0]["type"] == "application/json"
    sent = hook.received[0]["body"]["alerts"]
    assert [a["key"] for a in sent] == [new[0].key] and sent[0]["severity"] == "critical"
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["rcpt"] == ["<pm@desk.example>", "<risk@desk.example>"]
    parsed = email.message_from_string(mail["data"], policy=email.policy.default)
    assert parsed["Subject"] == "tailkit book: 1 alert(s), critical"
    assert new[0].message in parsed.get_content()
    assert any(new[0].message in r.getMessage() and r.levelno == logging.CRITICAL for r in caplog.records)


def test_a_failing_notifier_is_reported_and_the_others_still_deliver(webhook):
    url, hook = webhook
    hook.status = 500
    alert = Alert("loss_budget", "loss_budget", "warning", "loss budget used 85.0%", id=1)
    failures = notify(
        [alert], [WebhookNotifier(url), SmtpNotifier("127.0.0.1", 1, "a@b", ("c@d",), timeout=2)]
    )
    assert len(failures) == 2
    assert f"webhook {url}: answered HTTP 500" == failures[0] and "smtp 127.0.0.1:1" in failures[1]
    with pytest.raises(DataError):
        WebhookNotifier(url).send([alert])


def test_alerts_command_sends_an_exit_signal_to_the_webhook_once(tmp_path, webhook, capsys):
    from tailkit.book import Book
    from tailkit.cli import main

    url, hook = webhook
    db = str(tmp_path / "cli.sqlite")
    with Book(db) as book:
        _losing_book(book, tmp_path)
    assert main(["book", "alerts", "--db", db, "--as-of", QUOTE_DATE, "--webhook", url]) == 0
    out = capsys.readouterr().out
    assert "1 new alert(s)" in out and "loss_limit" in out
    assert [a["key"] for a in hook.received[0]["body"]["alerts"]] == ["exit:position:1:loss_limit"]
    assert main(["book", "alerts", "--db", db, "--as-of", QUOTE_DATE, "--webhook", url]) == 0
    assert "0 new alert(s)" in capsys.readouterr().out and len(hook.received) == 1  # raised once
    assert main(["book", "alerts", "--db", db, "--ack", "1"]) == 0
    assert "no open alerts" in capsys.readouterr().out
    hook.status = 500
    assert main(["book", "alerts", "--db", db, "--as-of", QUOTE_DATE, "--webhook", url]) == 1
    assert "answered HTTP 500" in capsys.readouterr().err


# Trading time: NYSE regular session 09:30-16:00 New York. Dates checked against the NYSE holiday
# calendar (nyse.com/markets/hours-calendars): Thanksgiving 2026 is Thursday 26 November;
# 2026-12-04 is a Friday. December is EST (UTC-5), so 15:00 New York = 20:00 UTC.
@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("2026-12-01T15:00:00", "2026-12-01T16:00:00", 60.0),  # 10:00-11:00 New York, a Tuesday
        ("2026-12-04T20:00:00", "2026-12-07T14:45:00", 75.0),  # Fri 15:00 -> Mon 09:45: 60 + 15
        ("2026-11-25T20:00:00", "2026-11-27T14:45:00", 75.0),  # Wed 15:00 -> Fri 09:45 over Thanksgiving
        ("2026-12-05T15:00:00", "2026-12-06T20:00:00", 0.0),  # a whole weekend
        ("2026-12-01T22:00:00", "2026-12-02T13:00:00", 0.0),  # a night
        ("2026-12-01T14:30:00", "2026-12-02T21:00:00", 780.0),  # two whole sessions
        (
            "2026-07-02T19:00:00",
            "2026-07-06T13:45:00",
            75.0,
        ),  # EDT (UTC-4): Thu 15:00 -> Mon 09:45, Fri 3 July observed
        ("2026-12-02T12:00:00", "2026-12-01T12:00:00", 0.0),  # end before start
    ],
)
def test_trading_minutes_count_only_the_regular_session_of_trading_days(start, end, minutes):
    assert trading_minutes(start, end) == pytest.approx(minutes)


def test_quotes_are_not_stale_over_a_weekend(book, tmp_path):
    friday = "2026-12-04"
    add_spread(book, spread_order(**ORDER))
    import_chain(
        book, write_chain(tmp_path / "fri.csv", LOSING, quote_date=friday)
    )  # 16:00:00 (book time, UTC)
    # Friday 11:00 New York -> Monday 09:40: 300 + 10 trading minutes, though 70 hours passed
    monday = datetime(2026, 12, 7, 14, 40)
    assert stale_quote_alert(book, now=monday, max_age_minutes=311) == []
    stale = stale_quote_alert(book, now=monday, max_age_minutes=309)
    assert (
        stale[0].payload["age_minutes"] == pytest.approx(310.0) and "310 trading minutes" in stale[0].message
    )


def test_alerts_command_mails_through_the_smtp_options(tmp_path, smtp_server, capsys):
    from tailkit.book import Book
    from tailkit.cli import main

    port, smtp = smtp_server
    db = str(tmp_path / "cli.sqlite")
    with Book(db) as book:
        _losing_book(book, tmp_path)
    args = ["book", "alerts", "--db", db, "--as-of", QUOTE_DATE, "--smtp-host", "127.0.0.1"]
    args += [
        "--smtp-port",
        str(port),
        "--smtp-from",
        "book@desk.example",
        "--smtp-to",
        "pm@desk.example,risk@desk.example",
    ]
    assert main(args) == 0
    assert len(smtp.messages) == 1 and smtp.messages[0]["rcpt"] == [
        "<pm@desk.example>",
        "<risk@desk.example>",
    ]
    assert main(args) == 0 and len(smtp.messages) == 1  # delivered once
    assert main(["book", "alerts", "--db", db, "--smtp-host", "127.0.0.1"]) == 2
    err = capsys.readouterr().err
    assert "--smtp-to=() is not allowed: expected at least one recipient when smtp_host is set" in err


class _Recorder:
    """A notifier that records what it was sent."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    def send(self, alerts):
        self.sent.extend(int(a.id) for a in alerts)


def test_a_claim_whose_sender_died_is_taken_again_after_the_lease(book):
    from datetime import timedelta

    from tailkit.book.notify import CLAIM_LEASE, deliver_pending

    (alert,) = raise_alerts(book, [Alert("loss_budget", "loss_budget", "warning", "loss budget used 85.0%")])
    # another sender claimed the alert a minute ago and is still sending: not resent
    with book.transaction() as conn:
        conn.execute("UPDATE alerts SET notify_claimed_at = ? WHERE id = ?", (_stamp(minutes=1), alert.id))
    recorder = _Recorder()
    assert deliver_pending(book, [recorder]).alerts == () and recorder.sent == []
    # that sender was killed before recording the delivery: after the lease the alert goes out again
    with book.transaction() as conn:
        age = CLAIM_LEASE + timedelta(minutes=1)
        conn.execute("UPDATE alerts SET notify_claimed_at = ? WHERE id = ?", (_stamp(age=age), alert.id))
    delivery = deliver_pending(book, [recorder])
    assert delivery.delivered == 1 and recorder.sent == [alert.id]
    assert book.conn.execute("SELECT notified_at IS NOT NULL FROM alerts").fetchone()[0]
    assert deliver_pending(book, [recorder]).alerts == () and recorder.sent == [alert.id]  # delivered: once


def _stamp(minutes: float = 0.0, age=None) -> str:
    from datetime import UTC, timedelta

    delta = age if age is not None else timedelta(minutes=minutes)
    return (datetime.now(UTC) - delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-12-03T12:34:56.789012Z", "2026-12-03 12:34:56 UTC"),
        ("2025-01-31T15:00:00", "2025-01-31 15:00:00 UTC"),
        ("2025-01-31", "2025-01-31"),
        ("2025-01-31T10:00:00-05:00", "2025-01-31 15:00:00 UTC"),
    ],
)
def test_alert_messages_show_times_without_microseconds(stored, shown):
    from tailkit.book.alerts import shown_time

    assert shown_time(stored) == shown
