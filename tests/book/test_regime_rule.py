"""The regime-transition rule on the daily closes stored in the book: raised once by the watch loop when
the regime switches on the last close, not refitted while no new close arrives, and skipped with a
one-line reason when the book holds too few closes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

import tailkit.book.regime_rule as regime_rule
from tailkit.book import Book
from tailkit.book.alerts import acknowledge, open_alerts
from tailkit.book.health import check_health
from tailkit.book.params import MIN_REGIME_CLOSES, AlertRuleParams
from tailkit.book.regime_rule import clear_regime_cache, regime_check
from tailkit.book.risk_limits import daily_closes

YESTERDAY = datetime.now(UTC).date() - timedelta(days=1)


def _closes(n_calm1: int = 150, n_crisis: int = 40, n_calm2: int = 109, last: float = -0.08) -> pd.Series:
    """Closes (cents) on business days up to yesterday: calm (0.4% daily vol), a crisis (3%), calm
    again, and on the last day a ``last`` log return (-8%: 20 calm sigmas, under 3 crisis sigmas)."""
    rng = np.random.default_rng(7)
    r = np.concatenate(
        [
            rng.normal(0.0, 0.004, n_calm1),
            rng.normal(0.0, 0.03, n_crisis),
            rng.normal(0.0, 0.004, n_calm2),
            [last],
        ]
    )
    days = pd.bdate_range(end=YESTERDAY, periods=len(r) + 1)
    return pd.Series(np.round(9000 * np.exp(np.concatenate([[0.0], np.cumsum(r)]))), index=days)


def _store(book: Book, closes: pd.Series) -> None:
    with book.transaction() as conn:
        conn.executemany(
            "INSERT INTO snapshots (time, underlying, underlying_cents, source) VALUES (?, 'TLT', ?, 'test')",
            [(f"{d.date().isoformat()}T16:00:00", int(c)) for d, c in closes.items()]
            + [(f"{closes.index[-1].date().isoformat()}T10:00:00", 1)],  # earlier that day: not the close
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_regime_cache()
    yield
    clear_regime_cache()


@pytest.fixture
def fits(monkeypatch):
    """Counts the regime fits (the real fit runs)."""
    calls: list[int] = []
    real = regime_rule.fit_regimes

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(regime_rule, "fit_regimes", counted)
    return calls


def test_the_rule_fires_on_the_last_close_of_a_switching_history(book, fits):
    closes = _closes()
    _store(book, closes)
    until = YESTERDAY.isoformat() + "T23:59:59"
    assert daily_closes(book, "TLT", until=until).tolist() == closes.tolist()  # the last snapshot of each day
    check = regime_check(book, until=until)
    assert check.fitted and check.n_closes == len(closes) and len(fits) == 1
    assert [a.rule for a in check.alerts] == ["regime"]
    alert = check.alerts[0]
    assert alert.payload["from"] == "calm" and alert.payload["to"] == "crisis"
    assert alert.payload["date"] == YESTERDAY.isoformat() == check.last_close
    assert alert.severity == "critical" and alert.payload["probability"] > 0.99
    assert check.note.startswith("regime crisis")
    # the day before, the same history shows no transition (calm for 109 days)
    before = regime_check(book, until=closes.index[-2].date().isoformat() + "T23:59:59")
    assert before.alerts == () and before.note.startswith("regime calm") and len(fits) == 2
    # a cached fit: same closes, no refit
    again = regime_check(book, until=until)
    assert not again.fitted and again.alerts == check.alerts and len(fits) == 2


def test_a_calm_last_day_raises_nothing(book):
    _store(book, _closes(last=0.001))
    check = regime_check(book, until=YESTERDAY.isoformat() + "T23:59:59")
    assert check.alerts == () and check.note.startswith("regime calm")


def test_watch_once_raises_the_regime_alert_once_and_does_not_refit_without_a_new_close(
    tmp_path, fits, caplog
):
    from tailkit.cli import main

    caplog.set_level(logging.INFO, logger="tailkit.book.watch")
    db = str(tmp_path / "book.sqlite")
    with Book(db) as book:
        _store(book, _closes())
    assert main(["book", "watch", "--db", db, "--once"]) == 0
    assert main(["book", "watch", "--db", db, "--once"]) == 0
    with Book(db) as book:
        stored = book.frame("SELECT key, severity, message FROM alerts WHERE rule = 'regime'")
        cycles = book.conn.execute("SELECT cycles, alerts_raised FROM watch_state").fetchone()
    assert len(stored) == 1 and stored["key"][0] == f"regime:{YESTERDAY.isoformat()}:calm->crisis"
    assert "regime transition calm -> crisis" in stored["message"][0]
    assert tuple(cycles) == (2, 0)  # the second cycle raised nothing
    assert len(fits) == 1  # and did not refit: no new close arrived
    assert sum("regime crisis (filtered probability" in r.getMessage() for r in caplog.records) == 2


def test_an_acknowledged_transition_is_not_raised_again(book):
    _store(book, _closes())
    until = YESTERDAY.isoformat() + "T23:59:59"
    from tailkit.book.alerts import raise_alerts

    (alert,) = raise_alerts(book, list(regime_check(book, until=until).alerts))
    acknowledge(book, alert.id)
    assert regime_check(book, until=until).alerts == ()
    assert open_alerts(book).empty


def test_too_few_closes_no_regime_alert_and_one_line_why(tmp_path, capsys):
    from tailkit.cli import main

    db = str(tmp_path / "book.sqlite")
    closes = _closes().iloc[-(MIN_REGIME_CLOSES - 1) :]
    with Book(db) as book:
        _store(book, closes)
        check = regime_check(book, until=YESTERDAY.isoformat() + "T23:59:59")
        assert check.alerts == () and not check.fitted
        want = (
            f"regime rule not run: {MIN_REGIME_CLOSES - 1} daily close(s) of TLT in the book, "
            f"it needs at least {MIN_REGIME_CLOSES}"
        )
        assert check.note == want
        health = {c.name: c for c in check_health(db, check_watch=False).checks}
        assert health["regime"].status == "ok" and health["regime"].detail == want
    assert main(["book", "alerts", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "0 new alert(s)" in out and want in out
    assert main(["book", "alerts", "--db", db, "--no-regime"]) == 0
    assert "regime rule" not in capsys.readouterr().out


def test_the_rule_options_are_checked():
    with pytest.raises(Exception, match="regime_window"):
        AlertRuleParams(regime_window=MIN_REGIME_CLOSES - 1)
    with pytest.raises(Exception, match="regime_states"):
        AlertRuleParams(regime_states=4)
