"""``tailkit hedge evaluate`` end to end in a subprocess, and its error style."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tailkit", "hedge", "evaluate", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hedge_evaluate_writes_results_and_field_options_override_the_file(tmp_path):
    program = tmp_path / "program.yaml"
    program.write_text(
        "program: collar\nmoneyness: 0.9\nsizing: notional\nn_paths: 60\nfrontier: false\nhistory: false\n"
    )
    out = tmp_path / "results.json"
    proc = run(
        "--program",
        str(program),
        "--n-paths",
        "40",
        "--horizon-days",
        "63",
        "--output",
        str(out),
        "--quiet",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["parameters"]["n_paths"] == 40 and data["parameters"]["program"] == "collar"
    assert data["simulated"]["n_paths"] == 40
    labels = [row["program"] for row in data["simulated"]["programs"]]
    assert labels == ["no hedge", "collar 90%/zero-cost 3m x1"]
    assert [row["framing"][:3] for row in data["framing"]] == ["(a)", "(b)", "(c)", "(d)"]
    assert "history" not in data
    assert "best_program_per_cost" in proc.stdout


def test_hedge_evaluate_bad_program_is_one_clear_line(tmp_path):
    proc = run("--budget", "-0.01", "--output", str(tmp_path / "x.json"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "budget=-0.01 is not allowed" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.json").exists()
    proc = run(
        "--vix",
        str(tmp_path / "missing.csv"),
        "--prices",
        str(tmp_path / "missing.csv"),
        "--n-paths",
        "20",
        "--frontier-types",
        "put",
        "--no-frontier",
        "--output",
        str(tmp_path / "y.json"),
        "--quiet",
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "missing.csv" in proc.stderr and "Traceback" not in proc.stderr
