"""The type check: mypy passes over tailkit/ and widgets/, and every remaining ignore says why."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("tailkit", "widgets")  # the `files` of [tool.mypy] in pyproject.toml

# `# type: ignore[code, ...]  # reason`: one or more error codes, then a second comment that
# says why the ignore has to stay.
_IGNORE = re.compile(r"#\s*type:\s*ignore\b")
_JUSTIFIED = re.compile(r"#\s*type:\s*ignore\[[a-z][a-z-]*(?:,\s*[a-z][a-z-]*)*\]\s+#\s*\S.*\S")


def ignore_problems(source: str) -> list[tuple[int, str]]:
    """``(line, comment)`` of every ``type: ignore`` comment without codes or without a reason.

    Only real comments count (tokenize), not text in strings or docstrings.
    """
    bad = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and _IGNORE.search(tok.string):
            if not _JUSTIFIED.search(tok.string):
                bad.append((tok.start[0], tok.string))
    return bad


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("x = f(y)  # type: ignore[arg-type]  # the stub says int; the C code takes floats\n", True),
        ("x = f(y)  # type: ignore[arg-type, call-overload]  # numba dispatch\n", True),
        ("x = f(y)  # type: ignore\n", False),  # no code
        ("x = f(y)  # type: ignore  # why\n", False),  # no code, even with a reason
        ("x = f(y)  # type: ignore[arg-type]\n", False),  # no reason
        ("x = f(y)  # type: ignore[arg-type]  #\n", False),  # an empty reason
        ("x = f(y)  # type: ignore[]  # why\n", False),  # an empty code list
        ('x = "# type: ignore"\n', True),  # inside a string: not a comment
    ],
)
def test_ignore_checker_tells_justified_from_bare(line, ok):
    assert (ignore_problems(line) == []) is ok


def test_every_type_ignore_has_a_code_and_a_reason():
    files = sorted(p for d in CHECKED for p in (ROOT / d).rglob("*.py"))
    assert len(files) > 50, "the source tree was not found"
    bad = [
        f"{p.relative_to(ROOT)}:{line}: {comment}"
        for p in files
        for line, comment in ignore_problems(p.read_text(encoding="utf-8"))
    ]
    assert not bad, "write `# type: ignore[code]  # why` (or fix the type):\n" + "\n".join(bad)


@pytest.mark.slow
def test_mypy_reports_no_error():
    # reads [tool.mypy] from pyproject.toml (files = tailkit, widgets; warn_unused_ignores, ...)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=900
    )
    assert run.returncode == 0, f"mypy found errors:\n{run.stdout}{run.stderr}"
    assert "Success: no issues found" in run.stdout
