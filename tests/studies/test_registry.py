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
