"""Helpers for the data tests: write small files into pytest's tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write_text(tmp_path: Path):
    """Return a function writing ``text`` to ``tmp_path/name`` and returning the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
