"""Every notebook runs top to bottom under papermill: defaults and each parameter file.

Executions run in a subprocess each (papermill changes the process's working directory),
with static charts, and the executed notebook must print its summary JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tailkit.notebook_tools import iter_notebooks, read_summary
from tailkit.sweep.grid import is_grid_file

ROOT = Path(__file__).resolve().parents[2]

CASES = []
for nb in iter_notebooks(ROOT / "notebooks"):
    CASES.append(pytest.param(nb, None, id=f"{nb.stem}-defaults"))
    for yml in sorted((ROOT / "parameters" / nb.stem).glob("*.yaml")):
        if is_grid_file(yml):  # a sweep grid, not a parameter set (tests/sweep runs it)
            continue
        CASES.append(pytest.param(nb, yml, id=f"{nb.stem}-{yml.stem}"))


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize(("notebook", "parameters"), CASES)
def test_notebook_runs(notebook, parameters, tmp_path):
    out = tmp_path / notebook.name
    cmd = [sys.executable, "-m", "papermill", str(notebook), str(out), "--cwd", str(notebook.parent)]
    cmd += ["--kernel", "python3", "--no-progress-bar"]
    if parameters is not None:
        cmd += ["-f", str(parameters)]
    env = dict(os.environ, TAILKIT_CHARTS="static", OPENBLAS_NUM_THREADS="1")
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-4000:]
    nb = json.loads(out.read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    if "apps" not in notebook.parts:
        summary = read_summary(out)
        assert summary, "summary cell printed an empty JSON object"
