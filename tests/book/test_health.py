"""``tailkit book health``: each check, and the exit codes a monitor reads (0 ok, 1 warning, 2 critical)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tailkit.book import Book, add_spread, spread_order
from tailkit.book.alerts import Alert, raise_alerts
from tailkit.book.health import check_health
from tailkit.book.params import AlertRuleParams
from tailkit.book.watch import run_cycle

from .conftest import EXPIRY, write_chain

ORDER = dict(strategy="bull_put", short_strike=88, long_strike=85, expiry=EXPIRY, contracts=2, credit=0.62)


def _statuses(report) -> dict[str, str]:
    return {c.name: c.status for c in report.checks}


def test_health_of_a_watched_book_and_what_makes_it_unhealthy(book, tmp_path):
    from tailkit.book import import_chain

    today = datetime.now(UTC)
    add_spread(book, spread_order(**ORDER))
    import_chain(
        book,
        write_chain(
            tmp_path / "c.csv", [("put", 88.0, 0.6, 0.64, 19.0)], quote_date=today.date().isoformat()
        ),
    )
    location = book.url if book.dialect == "postgresql" else book.path
    never = check_health(location, stale_minutes=1e6)
    assert _statuses(never)["watch"] == "critical" and never.exit_code == 2
    assert check_health(location, stale_minutes=1e6, check_watch=False).exit_code == 0
    run_cycle(book, rules=AlertRuleParams(), notifiers=[])
    healthy = check_health(location, stale_minutes=1e6)
    assert healthy.status == "ok" and healthy.exit_code == 0, healthy.lines()
    assert _statuses(healthy) == {
        "database": "ok",
        "schema": "ok",
        "watch": "ok",
        "quotes": "ok",
        "regime": "ok",
        "alerts": "ok",
        **({"disk": "ok"} if book.dialect == "sqlite" else {}),
    }
    later = today + timedelta(hours=1)
    assert (
        _statuses(check_health(location, stale_minutes=1e6, max_cycle_age=60, now=later))["watch"]
        == "critical"
    )
    # an alert raised but never delivered (no watch loop delivered it) is a warning after max_cycle_age
    raise_alerts(book, [Alert("loss_budget", "loss_budget", "warning", "loss budget used 85.0%")])
    late = check_health(location, stale_minutes=1e6, check_watch=False, max_cycle_age=60, now=later)
    assert _statuses(late)["alerts"] == "warning" and late.exit_code == 1
    assert "1 warning" in next(c.detail for c in late.checks if c.name == "alerts")
    # quotes: a week of trading time later they are stale
    stale = check_health(location, stale_minutes=60, check_watch=False, now=today + timedelta(days=7))
    assert _statuses(stale)["quotes"] == "warning"


def test_an_unreachable_book_is_critical(tmp_path):
    report = check_health("postgresql://desk@127.0.0.1:1/book")
    assert [c.name for c in report.checks] == ["database"] and report.exit_code == 2
    assert "cannot open the book" in report.checks[0].detail
    missing = check_health(tmp_path / "missing.sqlite")
    assert missing.exit_code == 2 and "no book file" in missing.checks[0].detail
    assert not (tmp_path / "missing.sqlite").exists()  # a health check creates nothing
    folder = tmp_path / "not-a-book.sqlite"
    folder.write_text("plain text, not SQLite")
    assert check_health(folder).exit_code == 2


def test_health_command_exit_code_and_json(tmp_path, capsys):
    from tailkit.cli import main

    db = str(tmp_path / "book.sqlite")
    Book(db).close()
    assert main(["book", "health", "--db", db, "--no-watch"]) == 1  # no quote yet: a warning
    assert "WARNING  quotes" in capsys.readouterr().out
    assert main(["book", "health", "--db", db, "--json"]) == 2  # no watch cycle
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "critical" and {c["name"] for c in report["checks"]} >= {"watch", "disk"}
