"""``tailkit book ...`` end to end: in-process for the workflow, one real subprocess for exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tailkit.cli import main

from .conftest import EXPIRY, QUOTE_DATE, write_chain

REPO = Path(__file__).resolve().parents[2]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["book", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_workflow(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "cli.sqlite")
    monkeypatch.setenv("TAILKIT_BOOK", db)  # every command below finds the book through the environment
    assert run(capsys, "init")[0] == 0
    assert run(capsys, "nav", "set", "1,000,000", "--note", "start")[0] == 0
    code, out, _ = run(
        capsys,
        "add",
        "--strategy",
        "bull_put",
        "--short",
        "88",
        "--long",
        "85",
        "--expiry",
        EXPIRY,
        "--contracts",
        "10",
        "--credit",
        "0.62",
        "--tag",
        "core",
        "--reason",
        "test entry",
    )
    assert code == 0 and "position 1" in out
    code, _, err = run(
        capsys,
        "add",
        "--strategy",
        "bull_put",
        "--short",
        "85",
        "--long",
        "88",
        "--expiry",
        EXPIRY,
        "--contracts",
        "10",
        "--credit",
        "0.62",
    )
    assert code == 2 and "short_strike > long_strike" in err and err.count("\n") == 1
    chain = write_chain(
        tmp_path / "c.csv", [("put", 88.0, 0.40, 0.44, 16.0), ("put", 85.0, 0.15, 0.17, 17.5)]
    )
    assert "2 quotes added" in run(capsys, "import-chain", str(chain))[1]
    assert "already imported" in run(capsys, "import-chain", str(chain))[1]
    code, out, _ = run(capsys, "mark", "--as-of", QUOTE_DATE, "--save")
    assert code == 0 and "EXIT position 1: profit_target" in out and "loss budget 23,750.00" in out
    code, out, _ = run(capsys, "mark", "--as-of", QUOTE_DATE, "--json")
    assert json.loads(out)["positions"][0]["signal"] == "profit_target"
    assert "83 contracts" in run(capsys, "size", "--credit", "0.60", "--width", "3", "--pop", "0.85")[1]
    assert run(capsys, "rules", "set", "--dte-close", "10")[0] == 0
    assert "'dte_threshold': 10" in run(capsys, "rules", "show")[1]
    code, out, _ = run(
        capsys,
        "roll",
        "1",
        "--price",
        "0.30",
        "--strategy",
        "bull_put",
        "--short",
        "86",
        "--long",
        "83",
        "--expiry",
        EXPIRY,
        "--contracts",
        "10",
        "--credit",
        "0.55",
    )
    assert code == 0 and "rolled into position 2" in out
    assert "realized P&L +350.00" in run(capsys, "close", "2", "--price", "0.20")[1]
    assert run(capsys, "snapshot", "--price", "90.5", "--yield-20y", "0.046")[0] == 0
    out = run(capsys, "positions")[1]
    assert "rolled" in out and "closed" in out
    out = run(capsys, "audit", "--limit", "100")[1]
    for action in ("set_nav", "add", "import_chain", "mark", "set_rules", "roll", "close", "snapshot"):
        assert action in out
    assert "1,000,000.00" in run(capsys, "nav", "show")[1]
    export = tmp_path / "export.json"
    assert run(capsys, "export", str(export))[0] == 0
    code, out, _ = run(capsys, "import", str(export), "--db", str(tmp_path / "copy.sqlite"))
    assert code == 0 and "positions 2" in out
    code, _, err = run(capsys, "import", str(export))
    assert code == 2 and "already holds records" in err


def test_demo_command(tmp_path, capsys):
    db = str(tmp_path / "demo.sqlite")
    code, out, _ = run(capsys, "demo", "--db", db)
    assert code == 0 and "SYNTHETIC" in out and "3 positions" in out
    code, _, err = run(capsys, "demo", "--db", db)
    assert code == 2 and "already holds records" in err
    code, out, _ = run(capsys, "mark", "--db", db)
    assert code == 0 and "open risk" in out


@pytest.mark.slow
def test_subprocess_exit_codes(tmp_path):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", TAILKIT_BOOK=str(tmp_path / "p.sqlite"))
    bad = subprocess.run(
        [sys.executable, "-m", "tailkit.cli", "book", "nav", "set", "-5"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("tailkit book: error: nav=")
    good = subprocess.run(
        [sys.executable, "-m", "tailkit.cli", "book", "nav", "set", "1000000"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert good.returncode == 0 and (tmp_path / "p.sqlite").exists()
