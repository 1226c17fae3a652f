"""Every notebook runs top to bottom under papermill: defaults and each parameter file.

Executions run in a subprocess each (papermill changes the process's working directory),
with static charts, and the executed notebook must print its summary JSON. For every
objective notebook the printed headline numbers are then compared with the same numbers
computed here by direct calls to its study functions in :mod:`tailkit.studies`, with the same
parameters (the dataclass defaults for the notebook's own defaults, else the parameter file):
this catches a parameters cell that drifted from its dataclass, a papermill override that did
not take, and a notebook that reports numbers other than the library's. The direct
computation runs while the notebook executes, and once per parameter set.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tailkit.notebook_tools import iter_notebooks, read_summary
from tailkit.studies import load_notebook_parameters, parameter_class_for
from tailkit.studies.asymmetric_simulation import calibrate, run_simulation
from tailkit.studies.asymmetric_system import asymmetric_system_study
from tailkit.studies.exit_optimization import exit_optimization_study
from tailkit.studies.hedge_sweep import hedge_sweep_study
from tailkit.studies.hedging_strategies import run_hedging_study
from tailkit.studies.option_pricing import option_pricing_study
from tailkit.studies.overlay_calibration import overlay_calibration_study
from tailkit.studies.portfolio_construction import portfolio_study
from tailkit.studies.regime_backtest import run_regime_backtest_study
from tailkit.studies.risk_review import run_risk_study
from tailkit.studies.spread_screening import spread_screening_study
from tailkit.studies.tearsheet import tearsheet
from tailkit.sweep.grid import is_grid_file

ROOT = Path(__file__).resolve().parents[2]


def _risk_headlines(params: Any) -> dict[str, Any]:
    # notebook 10's summary cell: the study summary plus the size of the tearsheet it writes
    study = run_risk_study(params)
    html_text = tearsheet(study.strategy_returns, title="Risk review tearsheet").to_html()
    return {**study.summary(), "tearsheet_kib": round(len(html_text) / 1024)}


#: notebook stem -> the headline numbers its summary cell prints, by direct study calls
HEADLINES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "01_option_pricing": lambda p: option_pricing_study(p).to_dict(),
    "02_asymmetric_simulation": lambda p: run_simulation(p, calibrate(p)).summary(),
    "03_portfolio_construction": lambda p: portfolio_study(p).summary(),
    "05_asymmetric_system": lambda p: asymmetric_system_study(p).summary(),
    "07_overlay_calibration": lambda p: overlay_calibration_study(p).to_dict(),
    "08_spread_screening": lambda p: spread_screening_study(p).to_dict(),
    "09_exit_optimization": lambda p: exit_optimization_study(p).to_dict(),
    "10_risk_management": _risk_headlines,
    "11_hedge_sweep": lambda p: hedge_sweep_study(p).to_dict(),
    "04_hedging_strategies": lambda p: run_hedging_study(p).to_dict(),
    "06_regime_backtest": lambda p: run_regime_backtest_study(p).summary(),
}

#: notebook stem -> summary keys that hold the wall-clock time of the run (``%Y-%m-%d %H:%M UTC``):
#: checked to fall inside the notebook's run, not against the direct call's (cached) time
WALL_CLOCK: dict[str, tuple[str, ...]] = {"11_hedge_sweep": ("generated",)}

_computed: dict[tuple[str, Any], Any] = {}


def headlines(stem: str, params: Any) -> Any:
    """Direct-call headline numbers, as the notebook's ``json.dumps`` line would read back."""
    key = (stem, params)  # frozen parameter dataclasses hash by value: defaults == default.yaml
    if key not in _computed:
        _computed[key] = json.loads(json.dumps(HEADLINES[stem](params)))
    return _computed[key]


def assert_same(printed: Any, expected: Any, where: str = "summary") -> None:
    """Equal structure; ints, bools, strings exactly; floats to 1e-9 relative (NaN == NaN)."""
    if isinstance(expected, dict):
        assert isinstance(printed, dict), f"{where}: {printed!r} is not an object"
        assert list(printed) == list(expected), f"{where}: keys {list(printed)} != {list(expected)}"
        for k in expected:
            assert_same(printed[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert isinstance(printed, list) and len(printed) == len(expected), (
            f"{where}: {printed!r} != {expected!r}"
        )
        for i, (p, e) in enumerate(zip(printed, expected)):
            assert_same(p, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(printed, float), f"{where}: {printed!r} is not a float (expected {expected!r})"
        if math.isnan(expected):
            assert math.isnan(printed), f"{where}: {printed!r} != nan"
        else:
            assert math.isclose(printed, expected, rel_tol=1e-9, abs_tol=0.0), (
                f"{where}: {printed!r} != {expected!r}"
            )
    else:
        assert type(printed) is type(expected) and printed == expected, (
            f"{where}: {printed!r} != {expected!r}"
        )


def check_wall_clock(
    summary: dict[str, Any], expected: dict[str, Any], keys: tuple[str, ...], start: datetime, end: datetime
) -> dict[str, Any]:
    """Check each wall-clock key of ``summary`` lies in [start, end] (to the minute); return ``expected`` with the printed times."""
    out = dict(expected)
    first = start.replace(second=0, microsecond=0)  # the printed time has minutes only
    for key in keys:
        assert key in summary and key in expected, f"summary.{key}: missing ({list(summary)})"
        shown = datetime.strptime(summary[key], "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)
        assert first <= shown <= end, (
            f"summary.{key}: {summary[key]!r} is not within the run ({start:%H:%M:%S}-{end:%H:%M:%S} UTC)"
        )
        out[key] = summary[key]
    return out


def test_every_objective_notebook_has_headlines() -> None:
    objective = {nb.stem for nb in iter_notebooks(ROOT / "notebooks") if "apps" not in nb.parts}
    assert objective == set(HEADLINES)


@pytest.mark.parametrize(
    ("printed", "expected", "ok"),
    [
        ({"a": 1, "b": 0.1}, {"a": 1, "b": 0.1 * (1 + 5e-10)}, True),
        ({"a": 1, "b": 0.1}, {"a": 1, "b": 0.1 * (1 + 2e-9)}, False),
        ({"a": 1}, {"a": 1.0}, False),
        ({"a": True}, {"a": 1}, False),
        ({"a": "x", "b": [1, float("nan")]}, {"a": "x", "b": [1, float("nan")]}, True),
        ({"a": 0.0}, {"a": 1e-300}, False),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),
        ({"a": [1, 2]}, {"a": [1]}, False),
    ],
)
def test_assert_same(printed: Any, expected: Any, ok: bool) -> None:
    if ok:
        assert_same(printed, expected)
    else:
        with pytest.raises(AssertionError):
            assert_same(printed, expected)


def test_wall_clock_is_checked_against_the_run_not_the_cached_call() -> None:
    start = datetime(2026, 12, 4, 0, 35, 40, tzinfo=UTC)
    end = datetime(2026, 12, 4, 0, 36, 10, tzinfo=UTC)
    cached = {"n": 1, "generated": "2026-12-04 00:20 UTC"}
    for shown in ("2026-12-04 00:35 UTC", "2026-12-04 00:36 UTC"):
        assert (
            check_wall_clock({"n": 1, "generated": shown}, cached, ("generated",), start, end)["generated"]
            == shown
        )
    for shown in ("2026-12-04 00:34 UTC", "2026-12-04 00:37 UTC"):
        with pytest.raises(AssertionError):
            check_wall_clock({"n": 1, "generated": shown}, cached, ("generated",), start, end)
    with pytest.raises(ValueError):
        check_wall_clock({"n": 1, "generated": "today"}, cached, ("generated",), start, end)


CASES = []
for nb in iter_notebooks(ROOT / "notebooks"):
    CASES.append(pytest.param(nb, None, id=f"{nb.stem}-defaults"))
    for yml in sorted((ROOT / "parameters" / nb.stem).glob("*.yaml")):
        if is_grid_file(yml):  # a sweep grid, not a parameter set (tests/sweep runs it)
            continue
        CASES.append(pytest.param(nb, yml, id=f"{nb.stem}-{yml.stem}"))


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize(("notebook", "parameters"), CASES)
def test_notebook_runs(notebook, parameters, tmp_path):
    out = tmp_path / notebook.name
    cmd = [sys.executable, "-m", "papermill", str(notebook), str(out), "--cwd", str(notebook.parent)]
    cmd += ["--kernel", "python3", "--no-progress-bar"]
    if parameters is not None:
        cmd += ["-f", str(parameters)]
    env = dict(os.environ, TAILKIT_CHARTS="static", OPENBLAS_NUM_THREADS="1")
    objective = "apps" not in notebook.parts
    log = tmp_path / "papermill.log"
    start = datetime.now(UTC)
    with log.open("w") as sink, subprocess.Popen(cmd, stdout=sink, stderr=sink, env=env, cwd=ROOT) as run:
        try:
            expected = None
            if objective:  # computed while the notebook runs
                cls = parameter_class_for(notebook.stem)
                params = cls() if parameters is None else load_notebook_parameters(parameters)
                expected = headlines(notebook.stem, params)
            run.wait(timeout=900)
        finally:
            if run.poll() is None:
                run.kill()
    end = datetime.now(UTC)
    assert run.returncode == 0, log.read_text()[-4000:]
    nb = json.loads(out.read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    if objective:
        summary = read_summary(out)
        assert summary, "summary cell printed an empty JSON object"
        expected = check_wall_clock(summary, expected, WALL_CLOCK.get(notebook.stem, ()), start, end)
        assert_same(summary, expected)
