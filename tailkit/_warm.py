"""Compile (or load) tailkit's cached numba kernels once: ``python -m tailkit._warm``.

numba compiles a kernel the first time it is called with a new type signature and caches the
machine code next to the module (``__pycache__/*.nbi``/``*.nbc``). On a fresh clone every
command therefore pays 10-15 s of compilation before any work. The install step (``make
install`` and ``binder/postBuild``) runs this module once, so later commands load the cache.

It runs the real code paths on tiny inputs, so the cached signatures are exactly the ones the
commands use: the four overlay commands (``calibrate``, ``evaluate``, ``evaluate-market``,
``optimize-exits`` for a put and a call spread, each with 200 paths, on the bundled SYNTHETIC
files), the pricing entry points (Black-Scholes Greeks and implied vol) and the study functions
of notebooks 01, 02, 03 and 10 at their smallest sizes (simulation, calibration, risk, portfolio
and prospect-theory kernels). Output is discarded; files go to a temporary folder.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

__all__ = ["main", "warm_kernels"]


def _pricing() -> None:
    from tailkit.pricing import bs_greeks, implied_vol

    bs_greeks("call", 100.0, 100.0, 1.0, 0.0, 0.2)
    implied_vol(10.0, "call", 100.0, 100.0, 1.0, 0.0)


def _overlay_commands(folder: Path) -> None:
    from tailkit.cli import main as cli_main
    from tailkit.data.synthetic import synthetic_paths

    files = synthetic_paths()
    cal = str(folder / "calibration.json")
    runs = [
        ["calibrate", "--data", str(files.history), "--output", cal],
        ["evaluate", "--calibration", cal, "--n-paths", "200"],
        ["evaluate-market", "--calibration", cal, "--options", str(files.chain), "--n-paths", "200"],
    ]
    for kind in ("put", "call"):
        runs.append(
            [
                "optimize-exits",
                "--calibration",
                cal,
                "--spread-type",
                kind,
                "--n-paths",
                "200",
                "--output",
                str(folder / f"exits_{kind}.json"),
            ]
        )
    for argv in runs:
        code = cli_main(argv)
        if code not in (0, None):
            raise RuntimeError(f"tailkit {' '.join(argv)} exited with status {code}")


def _studies() -> None:
    # the notebooks' study functions reach the simulation, calibration, risk, portfolio and
    # behavioral kernels with the signatures the notebooks use; smallest allowed sizes
    from tailkit.studies.asymmetric_simulation import SimulationStudyParams, calibrate, run_simulation
    from tailkit.studies.option_pricing import OptionPricingParams, option_pricing_study
    from tailkit.studies.portfolio_construction import PortfolioStudyParams, portfolio_study
    from tailkit.studies.risk_management import RiskStudyParams, run_risk_study

    option_pricing_study(OptionPricingParams())
    sim = SimulationStudyParams(n_paths=100)
    run_simulation(sim, calibrate(sim))
    portfolio_study(PortfolioStudyParams())
    run_risk_study(RiskStudyParams(n_sims=1000))


def warm_kernels(*, verbose: bool = True) -> dict[str, float]:
    """Run every warmed code path once; return seconds taken by each.

    Parameters
    ----------
    verbose : bool, default=True
        Print one line per path to stdout.

    Returns
    -------
    dict of str to float
        Path name -> wall-clock seconds (compilation on a cold cache, loading on a warm one).
    """
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("pricing (bs_greeks, implied_vol)", _pricing),
            (
                "overlay commands (calibrate, evaluate, evaluate-market, optimize-exits)",
                lambda: _overlay_commands(Path(tmp)),
            ),
            ("notebook studies 01, 02, 03, 10 (simulation, calibration, risk, portfolio)", _studies),
        ]
        for name, step in steps:
            t0 = time.perf_counter()
            sink = io.StringIO()
            with (
                warnings.catch_warnings(),
                contextlib.redirect_stdout(sink),
                contextlib.redirect_stderr(sink),
            ):
                warnings.simplefilter("ignore")
                step()
            times[name] = time.perf_counter() - t0
            if verbose:
                print(f"tailkit kernels warm: {name} in {times[name]:.1f} s")
    return times


def main() -> int:
    """Entry point of ``python -m tailkit._warm``; returns the exit status."""
    warm_kernels(verbose=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
