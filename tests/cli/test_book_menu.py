"""The interactive book menu, driven through a real pseudo-terminal as a person would.

A first run asks for the NAV; then: market data, a position, a Ctrl-C in the middle of a second
position (nothing of it may be written), option prices typed by hand, a mark that shows the
profit-target exit signal, a close at the executable price. Afterwards the SQLite book must
hold exactly those operations and their audit events.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180  # a cold numba cache compiles the Greeks kernels on the first mark


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["TAILKIT_BOOK"] = str(tmp_path / "env_book.sqlite")
    env["COLUMNS"] = "200"
    return env


def _spawn(args: list[str], tmp_path: Path) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tailkit", *args],
        cwd=str(tmp_path),
        env=_env(tmp_path),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
    )
    return child


def _answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.sendline(text)


def _choose(child: pexpect.spawn, choice: str) -> None:
    _answer(child, "Enter choice: ", choice)


def test_a_day_at_the_desk_through_a_pty(tmp_path):
    db = tmp_path / "book.sqlite"
    expiry = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    child = _spawn(["book", "menu", "--db", str(db), "--actor", "desk"], tmp_path)

    # first run: the NAV
    _answer(child, "Portfolio NAV in dollars", "5,000,000")
    child.expect_exact("NAV set to $5,000,000.00")

    # 3: market data in percent, as in the original
    _choose(child, "3")
    _answer(child, "TLT price", "91.25")
    _answer(child, "20Y yield (%)", "4.38")
    _answer(child, "30Y yield (%)", "4.55")
    child.expect_exact("Market snapshot saved")

    # 2: a bull put 88/85, 5 contracts for 0.72
    _choose(child, "2")
    _answer(child, "Option type (put/call)", "")
    _answer(child, "Short strike", "88")
    _answer(child, "Long strike", "85")
    _answer(child, "Expiration date (YYYY-MM-DD)", expiry)
    _answer(child, "Entry credit per share", "0.72")
    _answer(child, "Number of contracts", "5")
    _answer(child, "TLT price at entry [91.25]", "")
    _answer(child, "Short strike IV (%, optional)", "16.8")
    _answer(child, "Short strike delta (optional)", "-0.22")
    _answer(child, "Entry date", "")
    _answer(child, "Notes (optional)", "pty test")
    child.expect_exact("max loss $1,140.00")  # (3.00 - 0.72) x 5 x 100
    _answer(child, "Save this position? (y/n)", "y")
    child.expect_exact("Position added: 1")

    # 2 again, interrupted by Ctrl-C half-way: nothing of it is written
    _choose(child, "2")
    _answer(child, "Option type (put/call)", "call")
    _answer(child, "Short strike", "95")
    child.expect_exact("Long strike")
    child.sendintr()
    child.expect_exact("Cancelled (Ctrl-C): nothing written.")

    # a rejected entry writes nothing either: a bear call with the strikes reversed
    _choose(child, "2")
    _answer(child, "Option type (put/call)", "call")
    _answer(child, "Short strike", "98")
    _answer(child, "Long strike", "95")
    _answer(child, "Expiration date (YYYY-MM-DD)", expiry)
    _answer(child, "Entry credit per share", "0.50")
    _answer(child, "Number of contracts", "1")
    _answer(child, "TLT price at entry [91.25]", "")
    _answer(child, "Short strike IV (%, optional)", "")
    _answer(child, "Short strike delta (optional)", "")
    _answer(child, "Entry date", "")
    _answer(child, "Notes (optional)", "")
    child.expect_exact("expected short_strike < long_strike")
    child.expect_exact("Nothing written.")

    # 4: option prices by hand for both legs (short 88 first, then long 85)
    _choose(child, "4")
    _answer(child, f"TLT {expiry} P 88.00  bid", "0.20")
    _answer(child, f"TLT {expiry} P 88.00  ask", "0.24")
    _answer(child, f"TLT {expiry} P 88.00  IV", "16")
    _answer(child, f"TLT {expiry} P 85.00  bid", "0.05")
    _answer(child, f"TLT {expiry} P 85.00  ask", "0.07")
    _answer(child, f"TLT {expiry} P 85.00  IV", "")  # implied from the mid
    _answer(child, "Other contract", "")
    child.expect_exact("2 option price(s) saved.")

    # 5: mark; mid value 0.22 - 0.06 = 0.16, P&L 0.56 >= 50% of 0.72: the profit target fires
    _choose(child, "5")
    child.expect_exact("EXIT position 1: profit_target")

    # 1: the dashboard shows the alert too
    _choose(child, "1")
    child.expect_exact("1 position(s) with exit signals")

    # 6: close at the executable price (buy the 88 at its ask 0.24, sell the 85 at its bid 0.05)
    _choose(child, "6")
    _answer(child, "Position id to close", "1")
    _answer(child, "Exit price paid per share [0.19]", "")
    _answer(child, "Exit reason", "")
    _answer(child, "Commission paid to close, dollars", "")
    _answer(child, "Close position 1 at 0.19? (y/n)", "y")
    child.expect_exact("realized P&L +265.00")  # (0.72 - 0.19) x 5 x 100

    _choose(child, "Q")
    child.expect_exact("Goodbye.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    conn = sqlite3.connect(db)
    audit = conn.execute("SELECT actor, action, object FROM audit ORDER BY id").fetchall()
    assert audit == [
        ("desk", "set_nav", "nav"),
        ("desk", "snapshot", audit[1][2]),
        ("desk", "add", "position:1"),
        ("desk", "quote", "quote:1"),
        ("desk", "quote", "quote:2"),
        ("desk", "mark", "book"),
        ("desk", "close", "position:1"),
    ]
    assert audit[1][2].startswith("snapshot:TLT:")
    assert conn.execute("SELECT nav_cents, note FROM nav").fetchall() == [(500_000_000, "first run")]
    assert conn.execute(
        "SELECT underlying_cents, yield_20y, yield_30y, source FROM snapshots"
    ).fetchall() == [(9125, pytest.approx(0.0438), pytest.approx(0.0455), "manual")]
    pos = conn.execute(
        "SELECT id, strategy, contracts, entry_price_cents, width_cents, entry_underlying_cents, entry_iv, "
        "entry_delta, tag, status, exit_price_cents, exit_reason FROM positions"
    ).fetchall()
    assert pos == [
        (
            1,
            "bull_put",
            5,
            72,
            300,
            9125,
            pytest.approx(0.168),
            -0.22,
            "pty test",
            "closed",
            19,
            "profit_target",
        )
    ]
    assert conn.execute("SELECT strike_cents, quantity FROM legs ORDER BY id").fetchall() == [
        (8800, -1),
        (8500, 1),
    ]
    assert conn.execute("SELECT action, contracts, price_cents FROM fills ORDER BY id").fetchall() == [
        ("open", 5, 72),
        ("close", 5, 19),
    ]
    quotes = conn.execute(
        "SELECT contract, bid_cents, ask_cents, iv, underlying_cents, chain_file_id FROM quotes ORDER BY id"
    ).fetchall()
    assert [q[:3] for q in quotes] == [(f"TLT {expiry} P 88.00", 20, 24), (f"TLT {expiry} P 85.00", 5, 7)]
    assert quotes[0][3] == pytest.approx(0.16)
    assert 0.05 < quotes[1][3] < 1.0  # implied from the mid 0.06
    assert {q[4] for q in quotes} == {9125} and {q[5] for q in quotes} == {None}
    marks = conn.execute("SELECT position_id, value_mid, value_exec, signal FROM marks").fetchall()
    assert marks == [(1, pytest.approx(0.16), pytest.approx(0.19), "profit_target")]
    conn.close()


def test_bare_book_command_opens_the_menu_on_a_terminal(tmp_path):
    child = _spawn(["book"], tmp_path)
    _answer(child, "Portfolio NAV in dollars", "")  # blank: skip
    child.expect_exact("TLT OPTIONS PORTFOLIO MANAGER")
    child.expect_exact("11. Set portfolio NAV")
    _choose(child, "Q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "env_book.sqlite").exists()  # $TAILKIT_BOOK, as for every sub-command
    conn = sqlite3.connect(tmp_path / "env_book.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0
    conn.close()


def test_ctrl_c_at_the_menu_prompt_quits_cleanly(tmp_path):
    child = _spawn(["book", "menu", "--db", str(tmp_path / "b.sqlite")], tmp_path)
    _answer(child, "Portfolio NAV in dollars", "1000000")
    child.expect_exact("Enter choice: ")
    child.sendintr()
    child.expect_exact("Goodbye.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    conn = sqlite3.connect(tmp_path / "b.sqlite")
    assert conn.execute("SELECT action FROM audit").fetchall() == [("set_nav",)]
    conn.close()


def test_bare_book_command_without_a_terminal_lists_the_sub_commands(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "tailkit", "book"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=str(tmp_path),
        timeout=TIMEOUT,
    )
    assert out.returncode == 2
    for name in ("menu", "quote", "market", "import-legacy", "export-legacy", "add", "mark"):
        assert f"\n  {name} " in out.stdout
    assert not (tmp_path / "env_book.sqlite").exists()  # nothing opened, nothing written


def test_data_dir_imports_the_legacy_folder_and_exports_it_back_on_quit(tmp_path):
    folder = tmp_path / "portfolio_data"
    folder.mkdir()
    position = {
        "position_id": "a1b2c3d4",
        "option_type": "put",
        "short_strike": 88.0,
        "long_strike": 85.0,
        "expiration_date": "2099-02-20",
        "entry_date": "2098-12-01",
        "entry_credit": 0.72,
        "contracts": 5,
        "entry_underlying": 91.5,
        "entry_short_iv": None,
        "entry_delta": None,
        "status": "open",
        "exit_date": None,
        "exit_debit": None,
        "exit_reason": None,
        "exit_underlying": None,
        "notes": "",
    }
    (folder / "positions.json").write_text(json.dumps({"positions": [position], "last_updated": "x"}))
    (folder / "portfolio_nav.json").write_text(
        json.dumps({"nav": 2500000.0, "last_updated": "2098-12-01T09:00:00"})
    )
    child = _spawn(["book", "menu", "--data-dir", str(folder), "--actor", "desk"], tmp_path)
    child.expect_exact("imported 1 positions")
    _choose(child, "7")  # no NAV prompt: the folder had one
    child.expect_exact("bull_put")
    _choose(child, "Q")
    child.expect_exact("exported 1 positions")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    book = folder / "tailkit_book.sqlite"
    conn = sqlite3.connect(book)
    assert conn.execute("SELECT action, object FROM audit ORDER BY id").fetchall() == [
        ("import_legacy", "position:1"),
        ("import_legacy", "nav:1"),
    ]
    conn.close()
    assert json.loads((folder / "positions.json").read_text())["positions"] == [position]
    assert json.loads((folder / "market_data.json").read_text())["market_snapshots"] == []


def test_the_dashboard_lists_the_open_alerts_of_the_book(tmp_path, capsys):
    from tailkit.book import Book
    from tailkit.book.alerts import Alert, acknowledge, raise_alerts
    from tailkit.cli.book_menu import run_menu

    with Book(tmp_path / "book.sqlite") as book:
        answers = iter(["", "1", "Q"])  # skip the NAV, dashboard, quit
        run_menu(book, ask=lambda prompt: next(answers))
        assert "Open alerts: none" in capsys.readouterr().out
        (a,) = raise_alerts(book, [Alert("loss_budget", "loss_budget", "warning", "loss budget used 85.0%")])
        answers = iter(["", "1", "Q"])
        run_menu(book, ask=lambda prompt: next(answers))
        out = capsys.readouterr().out
        assert "Open alerts (1; acknowledge with: tailkit book alerts --ack ID):" in out
        assert f"[warning] #{a.id} " in out and "loss budget used 85.0%" in out
        acknowledge(book, a.id)
        answers = iter(["", "1", "Q"])
        run_menu(book, ask=lambda prompt: next(answers))
        assert "Open alerts: none" in capsys.readouterr().out
