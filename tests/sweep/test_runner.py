"""The notebook runner behind ``make demo`` and ``tailkit run``, and notebook housekeeping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tailkit.errors import DataError
from tailkit.notebook_tools import notebook_problems, read_summary, strip_notebook

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-m", "tailkit.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.notebook
def test_demo_writes_notebook_html_and_prints_headlines(tmp_path):
    run = _cli("demo", "--only", "01", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr[-3000:]
    (run_dir,) = tmp_path.glob("demo-*")
    executed, html = run_dir / "01_option_pricing.ipynb", run_dir / "01_option_pricing.html"
    assert executed.is_file() and html.is_file()
    assert "<svg" in html.read_text()  # static charts travel inside the HTML export
    summary = read_summary(executed)
    assert 0.0 < summary["otm_put_crash_share"] < 1.0
    assert "otm_put_crash_share" in run.stdout and str(html) in run.stdout
    assert (run_dir / "runs.csv").read_text().splitlines()[1].startswith("01_option_pricing,ok,")
    assert "TCP without encryption" not in run.stderr


def test_run_rejects_a_bad_parameter_file_before_running(tmp_path):
    bad = tmp_path / "01_option_pricing" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("vol: -0.2\n")
    run = _cli("run", "notebooks/01_option_pricing.ipynb", "-f", str(bad), "--out", str(tmp_path))
    assert run.returncode == 2
    assert "bad.yaml: vol=-0.2 is not allowed" in run.stderr
    assert not list(tmp_path.glob("*.ipynb"))  # nothing half-written


def test_demo_rejects_unknown_notebooks(tmp_path):
    run = _cli("demo", "--only", "99", "--out", str(tmp_path))
    assert run.returncode == 2 and "only=['99'] is not allowed" in run.stderr


def _notebook(cells):
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}, "widgets": {"state": {}}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_strip_and_check(tmp_path):
    path = tmp_path / "apps" / "x.ipynb"
    path.parent.mkdir()
    cell = {
        "cell_type": "code",
        "metadata": {"tags": ["parameters"], "scrolled": True},
        "source": "a = 1",
        "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}],
        "execution_count": 3,
    }
    path.write_text(json.dumps(_notebook([cell])))
    problems = [p.problem for p in notebook_problems(path)]
    assert "cell 0 has outputs (strip before committing)" in problems
    assert strip_notebook(path) is True
    assert strip_notebook(path) is False  # idempotent
    nb = json.loads(path.read_text())
    assert nb["cells"][0]["outputs"] == [] and nb["cells"][0]["execution_count"] is None
    assert nb["cells"][0]["metadata"] == {"tags": ["parameters"]} and "widgets" not in nb["metadata"]
    assert notebook_problems(path) == []


def test_objective_notebook_skeleton_is_checked(tmp_path):
    path = tmp_path / "05_x.ipynb"
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# T\n## Overview\n"},
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": "a = 1",
            "outputs": [],
            "execution_count": None,
        },
    ]
    path.write_text(json.dumps(_notebook(cells)))
    problems = {p.problem for p in notebook_problems(path)}
    assert "the last code cell must be tagged 'summary'" in problems
    assert (
        "missing a markdown heading 'Prerequisites'" in problems
        and "missing a markdown heading 'Summary'" in problems
    )
    with pytest.raises(DataError, match="no cell tagged 'summary'"):
        read_summary(path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_html_export_is_readable_like_any_file_written_under_the_umask(tmp_path):
    # make demo serves runs/: the export must get 0o666 & ~umask (what open(path, "w") gives),
    # not the 0600 of the temporary file it is renamed from
    import nbformat

    from tailkit.sweep.runner import export_html

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# export")])
    executed = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(executed))
    old = os.umask(0o022)
    try:
        export_html(executed, tmp_path / "runs" / "nb.html")
    finally:
        os.umask(old)
    assert (tmp_path / "runs" / "nb.html").stat().st_mode & 0o777 == 0o644
