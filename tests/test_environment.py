"""The house: pinned environment, import boundaries, clean notebooks, CLI."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tailkit.notebook_tools import iter_notebooks, notebook_problems

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[\s\[<>=!~;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_every_pyproject_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for reqs in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in reqs}
    pins = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[_name(name)] = version.strip()
    missing = sorted(wanted - set(pins))
    assert not missing, f"not pinned in binder/requirements.txt: {missing} (run `make pins`)"
    assert all(pins[n] for n in wanted), "every pin must be an exact version"


def test_import_tailkit_stays_light():
    # Every numerical, data, storage and CLI module imports without Jupyter. Chart builders
    # (tailkit.charts.*) import altair, which itself loads IPython/anywidget when they are
    # installed; so domain code imports chart modules inside the functions that draw.
    code = (
        "import sys, pkgutil, importlib, tailkit\n"
        "for m in pkgutil.walk_packages(tailkit.__path__, 'tailkit.'):\n"
        "    if not m.name.startswith('tailkit.charts'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'ipywidgets', 'IPython', 'jupyter_client', 'ipykernel', 'dask', 'distributed', 'papermill', "
        "'voila', 'nbconvert', 'anywidget', 'playwright'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"tailkit imports {out.stdout.strip()}"


NOTEBOOKS = list(iter_notebooks(ROOT / "notebooks"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_clean(path):
    problems = notebook_problems(path)
    assert not problems, "\n".join(map(str, problems))


def test_cli_help_and_bad_input():
    run = subprocess.run(
        [sys.executable, "-m", "tailkit.cli", "params", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("tailkit params: error:") and len(run.stderr.strip().splitlines()) == 1
    helptext = subprocess.run(
        [sys.executable, "-m", "tailkit.cli", "demo", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "parent folder of runs/demo-<timestamp>/ (default: runs)" in " ".join(helptext.split())


def test_makefile_and_ci_use_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    first = re.findall(r"^make (\w+)", readme, flags=re.M)
    assert first[:2] == ["demo", "test"], first[:2]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
