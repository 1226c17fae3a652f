"""Compile (or load) tailkit's cached numba kernels once: ``python -m tailkit._warm``.

numba compiles a kernel the first time it is called with a new type signature and caches the
machine code next to the module (``__pycache__/*.nbi``/``*.nbc``). On a fresh clone every
command therefore pays 10-15 s of compilation before any work. The install step (``make
install`` and ``binder/postBuild``) runs this module once, so later commands load the cache.

It runs the real code paths on tiny inputs, so the cached signatures are exactly the ones the
commands use: the four overlay commands (``calibrate``, ``evaluate``, ``evaluate-market``,
``optimize-exits`` for a put and a call spread, each with 200 paths, on the bundled SYNTHETIC
files), the pricing entry points (Black-Scholes prices, Greeks and implied vol, on one option and on
``SERIAL_THRESHOLD`` options so that both the serial and the parallel kernels load) and the
study functions of notebooks 01-03 and 07-10 at their smallest sizes (simulation, calibration,
risk, portfolio and overlay kernels) and the prospect-theory probability weight. Output is discarded; files go to a temporary folder.
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
    import numpy as np

    from tailkit.pricing import bs_greeks, bs_price, implied_vol
    from tailkit.pricing._inputs import SERIAL_THRESHOLD

    # below the threshold the serial kernels run, at or above it the parallel ones: warm both
    for n in (1, SERIAL_THRESHOLD):
        strikes = np.linspace(80.0, 120.0, n)
        prices = bs_price("call", 100.0, strikes, 1.0, 0.0, 0.2)
        # more than 16 option kinds given as strings are decoded by a kernel
        bs_price(np.where(np.arange(n) % 2 == 0, "call", "put"), 100.0, strikes, 1.0, 0.0, 0.2)
        bs_greeks("call", 100.0, strikes, 1.0, 0.0, 0.2)
        implied_vol(prices, "call", 100.0, strikes, 1.0, 0.0)


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
    # the overlay's public one-leg delta (scalar Greeks kernel), not used by the commands
    from tailkit.overlay.spreads import leg_delta

    leg_delta("put", 100.0, 95.0, 45, 0.15, 0.05, 0.0)
    for argv in runs:
        code = cli_main(argv)
        if code not in (0, None):
            raise RuntimeError(f"tailkit {' '.join(argv)} exited with status {code}")


def _studies() -> None:
    # the notebooks' study functions reach the simulation, calibration, risk, portfolio and
    # overlay kernels with the signatures the notebooks use; smallest allowed sizes
    import numpy as np

    from tailkit.behavioral import probability_weight
    from tailkit.studies.asymmetric_simulation import SimulationStudyParams, calibrate, run_simulation
    from tailkit.studies.exit_optimization import ExitOptimizationParams, exit_optimization_study
    from tailkit.studies.option_pricing import OptionPricingParams, option_pricing_study
    from tailkit.studies.overlay_calibration import OverlayCalibrationParams, overlay_calibration_study
    from tailkit.studies.portfolio_construction import PortfolioStudyParams, portfolio_study
    from tailkit.studies.risk_management import RiskStudyParams, run_risk_study
    from tailkit.studies.spread_screening import SpreadScreeningParams, spread_screening_study

    probability_weight(np.array([0.05, 0.5, 0.95]), 0.65)
    option_pricing_study(OptionPricingParams())
    overlay_calibration_study(OverlayCalibrationParams(fan_paths=100))
    spread_screening_study(SpreadScreeningParams(n_paths=100))
    exit_optimization_study(ExitOptimizationParams(n_paths=100))
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
            ("pricing (bs_price, bs_greeks, implied_vol; serial and parallel kernels)", _pricing),
            (
                "overlay commands (calibrate, evaluate, evaluate-market, optimize-exits)",
                lambda: _overlay_commands(Path(tmp)),
            ),
            ("notebook studies 01-03, 07-10 (simulation, calibration, risk, portfolio, overlay)", _studies),
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
