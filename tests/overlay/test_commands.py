"""Every overlay command end to end in a subprocess on the bundled SYNTHETIC files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tailkit.overlay.model import REQUIRED_KEYS

DATA = Path(__file__).resolve().parents[2] / "tailkit" / "data" / "synthetic_overlay"
HISTORY = DATA / "synthetic_tlt_history.csv"
CHAIN = DATA / "synthetic_tlt_chain.csv"
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tailkit.cli", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("overlay_cli")
    out = run("calibrate", "--data", str(HISTORY), "--output", "cal.json", cwd=path)
    assert out.returncode == 0, out.stderr
    assert "kappa_20" in out.stdout and "wrote cal.json" in out.stdout
    return path


def test_calibrate_writes_required_keys(workdir: Path) -> None:
    doc = json.loads((workdir / "cal.json").read_text())
    for group, keys in REQUIRED_KEYS.items():
        assert set(keys) <= set(doc[group])
    assert doc["sample"]["exclude_covid"] is True


def test_calibrate_options(workdir: Path) -> None:
    out = run("calibrate", "--data", str(HISTORY), "--output", "c2.json", "--no-covid-exclusion",
              "--start-date", "2016-01-01", "--options", str(CHAIN), cwd=workdir)  # fmt: skip
    assert out.returncode == 0, out.stderr
    doc = json.loads((workdir / "c2.json").read_text())
    assert doc["sample"]["exclude_covid"] is False and doc["sample"]["start"].startswith("2016")
    assert doc["volatility_params"]["source"] == "chain"


@pytest.mark.parametrize("estimator", ["kendall", "mle"])
def test_calibrate_prints_both_kappa_estimates_and_the_one_used(workdir: Path, estimator: str) -> None:
    out = run("calibrate", "--data", str(HISTORY), "--output", f"k_{estimator}.json",
              "--kappa-estimator", estimator, cwd=workdir)  # fmt: skip
    assert out.returncode == 0, out.stderr
    doc = json.loads((workdir / f"k_{estimator}.json").read_text())
    mr = doc["mean_reversion"]
    assert doc["sample"]["kappa_estimator"] == estimator and set(mr) == {"20y", "30y"}
    assert f"the model uses {estimator}" in out.stdout
    for tenor, rec in mr.items():
        # both estimates printed on the tenor's line, and the kappa the model uses
        line = next(ln for ln in out.stdout.splitlines() if ln.strip().startswith(f"{tenor}: MLE b = "))
        assert f"(kappa {rec['kappa_mle']:.4g})" in line and f"(kappa {rec['kappa_kendall']:.4g})" in line
        assert doc["vasicek_params"][f"kappa_{tenor[:2]}"] == rec["kappa"]
    # both yields of the bundled file mean-revert over the default window: no random walk
    assert not mr["30y"]["random_walk"] and not mr["20y"]["random_walk"]
    assert "no mean reversion detectable" not in out.stdout and "-> random walk" not in out.stdout


@pytest.mark.parametrize("estimator", ["kendall", "mle"])
def test_calibrate_says_on_screen_when_a_yield_is_a_random_walk(
    workdir: Path, random_walk_history: pd.DataFrame, estimator: str
) -> None:
    # driftless yields whose AR(1) coefficient is >= 1 (even the plain MLE's): the window shows
    # no mean reversion, the model takes each as a random walk and says so, naming the window
    path = workdir / "random_walk.csv"
    random_walk_history.to_csv(path)
    out = run("calibrate", "--data", str(path), "--output", f"rw_{estimator}.json", "--start-date",
              "2019-01-01", "--no-covid-exclusion", "--kappa-estimator", estimator, cwd=workdir)  # fmt: skip
    assert out.returncode == 0, out.stderr
    mr = json.loads((workdir / f"rw_{estimator}.json").read_text())["mean_reversion"]
    assert mr["20y"]["random_walk"] and mr["30y"]["random_walk"]
    for tenor in ("20y", "30y"):
        assert f"{tenor} yield: no mean reversion detectable over 2019-01-01" in out.stdout
    assert out.stdout.count("-> random walk, kappa = 0") == 2


def test_evaluate(workdir: Path) -> None:
    out = run("evaluate", "--calibration", "cal.json", "--n-paths", "1000", "--put-only", "--top", "3",
              "--output", "screen.json", cwd=workdir)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Kelly%" in out.stdout and "call" not in out.stdout.split("\n", 2)[2]
    doc = json.loads((workdir / "screen.json").read_text())
    assert doc["n_evaluated"] > 0 and all(c["type"] == "put" for c in doc["candidates"])


def test_evaluate_market(workdir: Path) -> None:
    out = run("evaluate-market", "--calibration", "cal.json", "--options", str(CHAIN), "--n-paths", "500",
              "--min-dte", "30", "--max-dte", "60", "--call-only", "--widths", "2", "--nav", "1000000", cwd=workdir)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "n@$1M" in out.stdout and "Kelly sizing" in out.stdout


def test_optimize_exits(workdir: Path) -> None:
    out = run("optimize-exits", "--calibration", "cal.json", "--spread-type", "call", "--n-paths", "2000",
              "--min-pop", "0.5", "--risk-budget", "0.05", "--output", "opt.json", cwd=workdir)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "per-spread CVaR95 loss limit" in out.stdout
    doc = json.loads((workdir / "opt.json").read_text())
    assert set(doc) >= {"spread", "initial_credit", "best_params", "best_result", "n_evaluated", "n_passing"}
    assert set(doc["spread"]) >= {"type", "short_strike", "long_strike", "expiration_days"}
    assert doc["n_evaluated"] == 100
    if doc["best_params"] is not None:
        assert set(doc["best_params"]) == {"profit_target_pct", "loss_multiple", "dte_threshold"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("calibrate", "--data", "missing.csv"), "missing.csv"),
        (("evaluate", "--calibration", "nope.json"), "nope.json"),
        (("optimize-exits", "--calibration", "cal.json", "--n-paths", "1"), "--n-paths=1"),
        (("optimize-exits", "--calibration", "cal.json", "--dte-thresholds", "3,50"), "--dte-thresholds="),
        (
            (
                "evaluate-market",
                "--calibration",
                "cal.json",
                "--options",
                str(CHAIN),
                "--min-dte",
                "400",
                "--max-dte",
                "500",
            ),
            "no expiry",
        ),
    ],
)
def test_bad_input_is_one_line_and_nonzero(workdir: Path, args: tuple[str, ...], needle: str) -> None:
    out = run(*args, cwd=workdir)
    assert out.returncode != 0
    errors = [line for line in out.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and needle in errors[0], out.stderr
    assert "Traceback" not in out.stderr


def test_help_shows_defaults(workdir: Path) -> None:
    out = run("optimize-exits", "--help", cwd=workdir)
    assert out.returncode == 0 and "0.02375" in out.stdout and "expected_return" in out.stdout
