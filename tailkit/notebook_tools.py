"""Notebook housekeeping without Jupyter: strip outputs, check the house skeleton, read summaries.

Notebooks are committed as ``.ipynb`` without outputs or execution counts; Voila and
papermill read the committed files directly. This module works on the JSON with the
standard library only, so ``tailkit`` keeps its promise not to import Jupyter.

Command line::

    python -m tailkit.notebook_tools strip notebooks      # strip in place (atomic writes)
    python -m tailkit.notebook_tools check notebooks      # exit 1 if any is not clean
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailkit.errors import DataError
from tailkit.params import atomic_write_text

__all__ = [
    "NotebookProblem",
    "iter_notebooks",
    "strip_notebook",
    "notebook_problems",
    "read_summary",
    "cell_source",
    "tagged_cells",
]

#: metadata keys kept on a committed notebook (others, e.g. widget state, are dropped)
_KEEP_NB_META = ("kernelspec", "language_info", "jupytext")
_KEEP_CELL_META = ("tags", "jupyter")
REQUIRED_HEADINGS = ("Overview", "Prerequisites", "Summary")


@dataclass(frozen=True, slots=True)
class NotebookProblem:
    """One way a committed notebook breaks the house rules."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def iter_notebooks(root: str | Path) -> Iterator[Path]:
    """Yield every ``.ipynb`` under ``root`` (sorted; checkpoints skipped)."""
    for p in sorted(Path(root).rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in p.parts:
            yield p


def _load(path: Path) -> dict[str, Any]:
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return doc
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not a readable notebook JSON file ({exc})") from None


def cell_source(cell: dict[str, Any]) -> str:
    """Return a cell's source as one string."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def tagged_cells(nb: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    """Return the cells carrying ``tag`` in their metadata."""
    return [c for c in nb.get("cells", []) if tag in c.get("metadata", {}).get("tags", [])]


def strip_notebook(path: str | Path) -> bool:
    """Remove outputs, execution counts and volatile metadata in place; return True if changed."""
    p = Path(path)
    nb = _load(p)
    before = json.dumps(nb, sort_keys=True)
    nb["metadata"] = {k: v for k, v in nb.get("metadata", {}).items() if k in _KEEP_NB_META}
    for cell in nb.get("cells", []):
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in _KEEP_CELL_META}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    if json.dumps(nb, sort_keys=True) == before:
        return False
    atomic_write_text(p, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return True


def notebook_problems(path: str | Path) -> list[NotebookProblem]:
    """List the ways notebook ``path`` breaks the house rules (empty when clean).

    Checks: no outputs or execution counts; kernel ``python3``; exactly one cell tagged
    ``parameters``; a last code cell tagged ``summary``; markdown headings Overview,
    Prerequisites and Summary (objective notebooks; apps under ``apps/`` need only the
    parameters cell).
    """
    p = Path(path)
    nb = _load(p)
    out: list[NotebookProblem] = []
    cells = nb.get("cells", [])
    for i, cell in enumerate(cells):
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                out.append(NotebookProblem(str(p), f"cell {i} has outputs (strip before committing)"))
            if cell.get("execution_count") is not None:
                out.append(NotebookProblem(str(p), f"cell {i} has an execution count"))
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        out.append(NotebookProblem(str(p), f"kernelspec name is {kernel!r}, expected 'python3'"))
    if len(tagged_cells(nb, "parameters")) != 1:
        out.append(NotebookProblem(str(p), "needs exactly one cell tagged 'parameters'"))
    if "apps" not in p.parts:
        code = [c for c in cells if c.get("cell_type") == "code"]
        if not code or "summary" not in code[-1].get("metadata", {}).get("tags", []):
            out.append(NotebookProblem(str(p), "the last code cell must be tagged 'summary'"))
        text = "\n".join(cell_source(c) for c in cells if c.get("cell_type") == "markdown")
        for heading in REQUIRED_HEADINGS:
            if f"# {heading}" not in text:
                out.append(NotebookProblem(str(p), f"missing a markdown heading '{heading}'"))
    return out


def read_summary(path: str | Path) -> dict[str, Any]:
    """Return the headline numbers an executed notebook printed from its ``summary`` cell.

    The cell prints one line of JSON; the last JSON object printed to stdout is returned.
    """
    p = Path(path)
    nb = _load(p)
    cells = tagged_cells(nb, "summary")
    if not cells:
        raise DataError(f"{p}: no cell tagged 'summary'")
    found: dict[str, Any] | None = None
    for output in cells[-1].get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            for line in text.splitlines():
                line = line.strip()
                if line.startswith("{"):
                    try:
                        found = json.loads(line)
                    except json.JSONDecodeError:
                        continue
    if found is None:
        raise DataError(f"{p}: the 'summary' cell printed no JSON line")
    return found


def _main(argv: Iterable[str]) -> int:
    args = list(argv)
    if len(args) < 2 or args[0] not in ("strip", "check"):
        print("usage: python -m tailkit.notebook_tools {strip|check} PATH...", file=sys.stderr)
        return 2
    paths = [q for a in args[1:] for q in (iter_notebooks(a) if Path(a).is_dir() else [Path(a)])]
    if args[0] == "strip":
        for q in paths:
            if strip_notebook(q):
                print(f"stripped {q}")
        return 0
    problems = [pr for q in paths for pr in notebook_problems(q)]
    for pr in problems:
        print(pr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
