"""A tiny notebook and its parameter class for sweep tests (fast: no tailkit numerics)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tailkit.params import param, validate


@dataclass(frozen=True, slots=True, kw_only=True)
class LightParams:
    x: float = param(1.0, ge=-100.0, le=100.0, doc="a number")
    label: str = param("a", choices=("a", "b", "c"), doc="a label")
    sleep: float = param(0.0, ge=0.0, le=60.0, doc="seconds to sleep in the notebook")
    fail: bool = param(False, doc="raise in the notebook")

    def __post_init__(self) -> None:
        validate(self)


def _code(source: str, tags: list[str] | None = None) -> dict:
    return {
        "cell_type": "code",
        "metadata": {"tags": tags or []},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def write_light_notebook(path: Path) -> Path:
    """Write the light notebook: parameters cell, a sleep, an optional failure, a summary cell."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Light\n## Overview\n"},
        _code('x = 1.0\nlabel = "a"\nsleep = 0.0\nfail = False', ["parameters"]),
        _code(
            "import json, time\ntime.sleep(sleep)\nif fail:\n    raise ValueError(f'asked to fail at x={x}')"
        ),
        _code('print(json.dumps({"x_squared": x * x, "label": label}))', ["summary"]),
    ]
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
    return path
