"""The DATASETS table agrees with the bundled files and what the loaders return."""

from __future__ import annotations

import doctest
import hashlib
import importlib
import json
from importlib.metadata import distribution
from pathlib import Path

import pandas as pd
import pytest

import tailkit.data as data
from tailkit.data import DATASETS, provenance
from tailkit.data.provenance import dataset
from tailkit.errors import ParameterError

DATA_DIR = Path(data.__file__).parent


def test_every_bundled_file_is_listed_once():
    on_disk = sorted(str(p.relative_to(DATA_DIR)) for p in DATA_DIR.rglob("*.csv.gz"))
    listed = sorted(d.file for d in DATASETS)
    assert on_disk == listed
    assert len({d.name for d in DATASETS}) == len(DATASETS)


@pytest.mark.parametrize("info", DATASETS, ids=lambda d: d.name)
def test_entry_matches_file_and_loader(info):
    assert info.path.is_file()
    assert info.path.stat().st_size < 400_000
    assert hashlib.sha256(info.path.read_bytes()).hexdigest() == info.sha256
    frame = info.load_function()()
    assert getattr(data, info.loader) is info.load_function()
    assert len(frame) == info.rows
    assert frame.index[0] == pd.Timestamp(info.start)
    assert frame.index[-1] == pd.Timestamp(info.end)
    assert info.frequency in ("daily", "monthly")
    assert info.source and info.license and info.units
    doc = info.load_function().__doc__
    assert "License" in doc or "license" in doc
    assert "Source" in doc


def test_provenance_table():
    table = provenance()
    assert list(table.index) == [d.name for d in DATASETS]
    assert {"loader", "source", "license", "frequency", "start", "end", "rows", "units"} <= set(table.columns)
    assert table.loc["stocks", "license"].startswith("Public domain")
    assert dataset("vix").rows == 1259
    with pytest.raises(ParameterError, match="name"):
        dataset("nope")


def test_stocks_file_is_the_one_bokeh_sampledata_records():
    # bokeh_sampledata 2026.1 licenses/datasets.json records this SHA-256 for stocks.csv.gz
    # and its license as "Public domain"
    assert dataset("stocks").sha256 == "5abadf99b2d394f920120a27de6f0df129859d71d4cfb0bf661bcc99446ab1fd"
    files = [f for f in distribution("bokeh_sampledata").files or () if f.name == "datasets.json"]
    assert files, (
        "installed bokeh_sampledata has no licenses/datasets.json inventory (the version pinned in binder/requirements.txt has)"
    )
    dist = Path(str(files[0].locate()))
    inventory = json.loads(dist.read_text())
    entries = inventory.get("datasets", inventory)
    records = entries.values() if isinstance(entries, dict) else entries
    record = next(r for r in records if r.get("module") == "stocks")
    assert record["recorded_license"] == "Public domain"
    assert record["sha256"]["stocks.csv.gz"] == dataset("stocks").sha256


@pytest.mark.parametrize("module", ["sp500", "vix", "credit_yields", "fama_french", "stocks", "provenance"])
def test_docstring_examples(module):
    mod = importlib.import_module(f"tailkit.data.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0


def test_package_data_ships_the_files():
    pyproject = (DATA_DIR.parent.parent / "pyproject.toml").read_text()
    assert '"data/**/*.csv.gz"' in pyproject
