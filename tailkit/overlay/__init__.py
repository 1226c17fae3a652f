"""The TLT credit-spread income overlay: calibrate, simulate, exit, evaluate, optimize, size.

Workflow: :func:`calibrate_overlay` fits the bivariate Vasicek 20y/30y yields, the TLT
regression on yields and a volatility model; the simulation turns yield paths into TLT paths
and marks a credit spread every day with Black-Scholes; :class:`ExitRules` close it; metrics
rank strategies; :func:`optimize_exits` searches exit rules on one fast kernel.
"""

from tailkit.overlay.exits import (
    EXIT_REASONS,
    ExitOutcome,
    ExitRules,
    ExitSignal,
    apply_exit_rules,
    exit_signal,
)
from tailkit.overlay.fills import FillModel

__all__ = [
    "EXIT_REASONS",
    "ExitOutcome",
    "ExitRules",
    "ExitSignal",
    "FillModel",
    "apply_exit_rules",
    "exit_signal",
]
