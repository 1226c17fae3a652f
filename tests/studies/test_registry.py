"""The notebook -> parameter-class registry and the parameters cell of every notebook and app."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

from tailkit.studies import NOTEBOOK_PARAMETERS

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {p.stem: p for p in [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("notebooks/apps/*.ipynb")]}


def _parameter_names(path: Path) -> set[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{path.name}: expected one cell tagged 'parameters'"
    tree = ast.parse("".join(cells[0]["source"]))
    return {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


def test_every_notebook_is_registered():
    assert set(NOTEBOOKS) <= set(NOTEBOOK_PARAMETERS), sorted(set(NOTEBOOKS) - set(NOTEBOOK_PARAMETERS))


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_parameters_cell_mirrors_the_dataclass(stem: str):
    fields = {f.name for f in dataclasses.fields(NOTEBOOK_PARAMETERS[stem])}
    names = _parameter_names(NOTEBOOKS[stem])
    assert names == fields, f"{stem}: missing {sorted(fields - names)}, unknown {sorted(names - fields)}"


def _parameter_values(path: Path) -> dict[str, object]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    return {
        t.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_parameters_cell_defaults_are_the_dataclass_defaults(stem: str):
    # a run "with the defaults" means the dataclass's defaults: the notebook's own cell must agree,
    # or the notebook, its panel and the CLI would each start from a different parameter set
    defaults = NOTEBOOK_PARAMETERS[stem]()
    for name, value in _parameter_values(NOTEBOOKS[stem]).items():
        want = getattr(defaults, name)
        got = tuple(value) if isinstance(value, list) else value
        assert got == want, f"{stem}: {name} = {value!r} in the notebook, {want!r} in the dataclass"
