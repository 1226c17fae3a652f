"""Issue 10, "Crashes and wrong messages": every --help works, messages name the option typed,
a closed pipe ends quietly, and --help/--version import no numerical code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tailkit.cli import EXIT_BROKEN_PIPE, build_parser, main
from tailkit.cli._options import walk

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}

COMMANDS = [path for path, _ in walk(build_parser())]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "tailkit")
def test_help_of_every_command_and_sub_command(path, capsys):
    """`tailkit book --help` crashed on the '%' of a sub-command's help text (issue 10)."""
    with pytest.raises(SystemExit) as info:
        main([*path, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tailkit") and "Traceback" not in out


def test_book_help_lists_size_with_its_percent_sign(capsys):
    with pytest.raises(SystemExit):
        main(["book", "--help"])
    assert "max % of NAV at risk" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["optimize-exits", "-c", "cal.json", "--expiration", "-5"],
            "tailkit optimize-exits: error: --expiration=-5 is not allowed: expected a number >= 5 and <= 730",
        ),
        (
            ["optimize-exits", "-c", "cal.json", "--expiration", "10"],
            "tailkit optimize-exits: error: --dte-thresholds=(3, 5, 7, 10, 14) is not allowed: expected values < "
            "--expiration=10",
        ),
        (
            ["evaluate", "-c", "cal.json", "--expiration", "7", "--dte-close", "7"],
            "tailkit evaluate: error: --dte-close=7 is not allowed: expected an int < --expiration=7",
        ),
        (
            ["evaluate-market", "-c", "cal.json", "--options", "x.csv", "--min-dte", "60", "--max-dte", "30"],
            "tailkit evaluate-market: error: --max-dte=30 is not allowed: expected an int >= --min-dte=60",
        ),
        (
            ["calibrate", "--data", "h.csv", "--start-date", "2024-01-01", "--end-date", "2020-01-01"],
            "tailkit calibrate: error: --start-date='2024-01-01' is not allowed: expected a date on or before "
            "--end-date='2020-01-01'",
        ),
        (
            ["book", "rules", "set", "--dte-close", "-1"],
            "tailkit book: error: --dte-close=-1 is not allowed: expected a number >= 0",
        ),
        (
            ["book", "size", "--credit", "0.5", "--width", "3", "--pop", "1.5"],
            "tailkit book: error: --pop=1.5 is not allowed: expected a number >= 0.0 and <= 1.0",
        ),
    ],
)
def test_errors_name_the_option_the_user_typed(argv, expected, capsys):
    """Before: "dte_threshold=0 is not allowed: expected an int < expiration_days=-5" (the wrong option)."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(expected), err
    assert "np.float64" not in err and "Traceback" not in err


def test_bad_calibration_file_is_one_line(tmp_path, capsys):
    assert main(["optimize-exits", "-c", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read calibration file" in err


def test_closed_pipe_ends_quietly(tmp_path):
    """`tailkit book mark --json | head` ended in a BrokenPipeError traceback (issue 10).

    The reader of a real OS pipe is closed before the command writes, so its first write
    fails with EPIPE whatever the size of the output.
    """
    db = tmp_path / "demo.sqlite"
    made = subprocess.run([sys.executable, "-m", "tailkit", "book", "demo", "--db", str(db)], env=ENV,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert made.returncode == 0, made.stderr
    for argv in (
        ["book", "mark", "--db", str(db), "--json"],
        ["book", "positions", "--db", str(db)],
        ["--help"],
    ):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.run([sys.executable, "-m", "tailkit", *argv], env=ENV, stdout=write_end,
                                  stderr=subprocess.PIPE, text=True, timeout=300)  # fmt: skip
        finally:
            os.close(write_end)
        assert proc.returncode in (0, EXIT_BROKEN_PIPE), (argv, proc.returncode, proc.stderr)
        assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr


def test_closed_pipe_in_a_shell_pipeline(tmp_path):
    """The issue's own command line, through `head -c 1` (which exits after one byte)."""
    db = tmp_path / "demo.sqlite"
    subprocess.run([sys.executable, "-m", "tailkit", "book", "demo", "--db", str(db)], env=ENV, check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    proc = subprocess.run(
        f'"{sys.executable}" -m tailkit book mark --db "{db}" --json | head -c 1',
        shell=True,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.stdout == "{"
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["book", "--help"]])
def test_help_and_version_import_no_numerical_code(argv):
    """`tailkit --version` took 1.7 s importing numerical code (issue 10)."""
    code = (
        "import sys\n"
        "from tailkit.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('numpy', 'pandas', 'numba', 'scipy') if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr, proc.stderr


def test_python_dash_m_tailkit_version():
    proc = subprocess.run([sys.executable, "-m", "tailkit", "--version"], env=ENV, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0 and proc.stdout.startswith("tailkit ")
