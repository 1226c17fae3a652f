"""Notebook 05's standalone HTML export holds the premia table and the attribution waterfall (issue 14).

``make demo`` exports every executed notebook to HTML (:func:`tailkit.sweep.runner.export_html`).
This runs notebook 05 the way ``tailkit run`` does, with static charts and a small parameter
file, and reads the export: the asymmetry table's columns, the waterfall's title and bars (inline
SVG), the what-if panel rendered statically, and the headline numbers in the summary cell.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tailkit.notebook_tools import read_summary

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "05_asymmetric_system.ipynb"
PARAMETERS = ROOT / "parameters" / "05_asymmetric_system" / "scenario_2020.yaml"


@pytest.mark.slow
@pytest.mark.notebook
def test_export_holds_the_premia_table_and_the_waterfall(tmp_path: Path) -> None:
    out = tmp_path / "05.ipynb"
    cmd = [sys.executable, "-m", "tailkit", "run", str(NOTEBOOK), "-f", str(PARAMETERS), "-o", str(out)]
    env = dict(os.environ, TAILKIT_CHARTS="static", OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    page = out.with_suffix(".html").read_text()
    # the premia asymmetry table (a DataFrame's HTML) with every premium and its crash columns
    for text in ("crisis_beta", "co_crash", "short_vol", "tail_hedge", "excess_kurtosis"):
        assert text in page, text
    # the waterfall as inline SVG: its title and a bar label of each layer
    assert "Where the return came from" in page
    for layer in ("strategic", "premia_tilts", "hedge", "behavior", "unexplained"):
        assert f">{layer}</text>" in page, layer
    # the printed headline numbers: behavior gaps with SEs, the R2, the largest layer
    summary = read_summary(out)
    assert {"timer_behavior_gap_se", "system_r2", "largest_layer"} <= set(summary)
    assert "system_r2" in page
