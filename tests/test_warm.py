"""``python -m tailkit._warm`` loads every kernel that tailkit calls from Python code."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

numba = pytest.importorskip("numba")

from numba.core.registry import CPUDispatcher  # noqa: E402

from tailkit._numba import HAS_NUMBA  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KERNEL_MODULES = (
    "tailkit.behavioral._kernels",
    "tailkit.calibration._kernels",
    "tailkit.overlay._kernels",
    "tailkit.portfolio._kernels",
    "tailkit.risk._kernels",
    "tailkit.simulation._kernels",
    "tailkit.pricing._kernels.black_scholes",
    "tailkit.pricing._kernels.implied_vol",
    "tailkit.pricing._kernels.kinds",
    "tailkit.pricing._kernels.merton",
    "tailkit.pricing._kernels.normal",
)
# Kernels named outside the kernel modules that no command or notebook reaches:
# combo_exits only through MarkedPaths.outcome (a per-rule detail nothing in tailkit calls);
# exit_reason is also a column name of the book, which is where the name occurs.
NOT_REACHED = {"combo_exits", "exit_reason"}


def _dispatchers() -> dict[str, CPUDispatcher]:
    out = {}
    for name in KERNEL_MODULES:
        mod = importlib.import_module(name)
        for attr, obj in vars(mod).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == name:
                out[attr] = obj
    return out


def _called_from_python(names: set[str]) -> set[str]:
    """Kernel names that occur in tailkit's non-kernel source files (entry points from Python)."""
    sources = [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tailkit").rglob("*.py")
        if "_kernels" not in p.parts and p.stem != "_kernels" and p.name != "_warm.py"
    ]
    text = "\n".join(sources)
    return {n for n in names if re.search(rf"\b{re.escape(n)}\b", text)}


@pytest.mark.slow
@pytest.mark.skipif(not HAS_NUMBA, reason="kernels run as plain Python")
def test_warm_loads_every_kernel_called_from_python():
    from tailkit._warm import warm_kernels

    times = warm_kernels(verbose=False)
    assert len(times) == 3
    kernels = _dispatchers()
    entry = _called_from_python(set(kernels)) - NOT_REACHED
    # the list is not trivially small: pricing arrays, overlay paths and grids, simulation paths
    assert {"implied_vol_array", "tlt_paths", "evaluate_combos", "vasicek_paths"} <= entry
    # bs_price's kernels are called by a plain-Python wrapper inside the kernel module
    entry |= {"_bs_price_blocks", "_bs_price_blocks_serial"}
    cold = sorted(n for n in entry if not kernels[n].signatures)
    assert not cold, f"not compiled by python -m tailkit._warm: {cold}"
