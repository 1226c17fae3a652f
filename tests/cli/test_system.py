"""``tailkit system run``: notebook 05's chain from the command line (issue 14)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tailkit.cli import build_parser, main
from tailkit.cli._options import SOURCES, walk
from tailkit.studies.asymmetric_system import AsymmetricSystemParams

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}


def _run_parser() -> argparse.ArgumentParser:
    for path, parser in walk(build_parser()):
        if path == ("system", "run"):
            return parser
    raise AssertionError("tailkit system run is not registered")


def test_every_field_is_an_option_with_the_dataclass_default() -> None:
    parser = _run_parser()
    sources = getattr(parser, SOURCES, {})
    by_dest = {a.dest: a for a in parser._actions}
    for f in dataclasses.fields(AsymmetricSystemParams):
        assert sources.get(f.name) is AsymmetricSystemParams, f.name
        assert by_dest[f.name].default == f.default, f.name
    # the only hand-written options are the file in and the file out
    hand = {a.dest for a in parser._actions} - set(sources) - {"help"}
    assert hand == {"config", "output"}


def test_run_with_a_scenario_file_writes_the_headline_numbers(tmp_path: Path, capsys) -> None:
    out = tmp_path / "system.json"
    config = ROOT / "parameters" / "05_asymmetric_system" / "scenario_2008.yaml"
    argv = ["system", "run", "--config", str(config), "--n-paths", "6", "--path-months", "36"]
    assert main([*argv, "--output", str(out)]) == 0
    doc = json.loads(out.read_text())
    # the file's scenario fields and the options given on the command line both arrive
    assert doc["parameters"]["scenario"] == "regimes"
    assert doc["parameters"]["crisis_duration_multiplier"] == 3.0
    assert doc["parameters"]["n_paths"] == 6 and doc["parameters"]["path_months"] == 36
    assert set(doc["archetypes"]) == {"strategic", "timer", "myopic"}
    assert "short_vol" in doc["asymmetry"] and "system_r2" in doc["summary"]
    total = doc["layers"].pop("total")
    assert sum(doc["layers"].values()) == pytest.approx(total, abs=1e-10)
    assert "system_r2" in capsys.readouterr().out


def test_bad_option_names_the_option(capsys) -> None:
    assert main(["system", "run", "--loss-aversion", "0", "--output", os.devnull]) == 2
    err = capsys.readouterr().err
    assert "--loss-aversion" in err and "0" in err


def test_system_help_imports_no_numerical_code() -> None:
    code = (
        "import sys\n"
        "from tailkit.cli import main\n"
        "try:\n"
        "    main(['system', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY', sorted(m for m in ('numpy', 'pandas', 'numba', 'scipy') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr, proc.stderr
