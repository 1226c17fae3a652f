"""The one tail-risk convention: VaR and ES of equally likely scenarios (kernels and plain twins).

Every VaR and ES in tailkit goes through this module: the risk engine (``tailkit.risk``,
which re-exports :func:`tail_risk` and :class:`TailRisk`), the rolling VaR backtest, the
simulation path summary, the minimum-CVaR portfolio and the overlay's CVaR column. It sits in
the base layer (it imports only ``tailkit._numba`` and ``tailkit.errors``) so that core and
domain packages, and their numba kernels, can all call it.

Convention
----------
* **Losses are positive.** A figure that is naturally a return or a P&L (an empyrical-style
  ``value_at_risk``, the overlay's signed ``cvar_95``) is converted at its edge
  (``loss = -pnl``) and says so in its docstring.
* **confidence** is the VaR level ``c`` in (0, 1), e.g. 0.95; the tail probability is ``1 - c``.
* With ``n`` equally likely scenarios the tail holds ``t = n (1 - c)`` of them (snapped to an
  integer when within 1e-9 of one, so 1,000 scenarios at 95% give exactly 50), split into
  ``m = floor(t)`` and ``f = t - m``.
* **VaR** is the ``ceil(t)``-th largest loss (the largest when ``t < 1``).
* **ES** is the Acerbi-Tasche tail mean: the ``m`` largest losses with weight 1 and the next
  one with weight ``f``, divided by ``t`` (Acerbi and Tasche, "On the coherence of expected
  shortfall", J. Banking & Finance 26, 2002, eq. 3.3). It equals Rockafellar-Uryasev's
  ``min_z z + E[(L - z)+] / (1 - c)``, the objective of the minimum-CVaR linear program, and
  ES >= VaR always.

Kernels are plain functions ``foo_python`` with jitted twins ``foo`` (``tests/risk/test_tail.py``
checks they agree). The selection takes an optional index array: pass ``None`` when only the
values matter (numba compiles that case without the index swaps).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from tailkit._numba import jit
from tailkit.errors import DataError, ParameterError, describe_bad_value

__all__ = [
    "TailRisk",
    "tail_risk",
    "tail_size",
    "tail_split",
    "select_descending",
    "select_descending_python",
    "tail_stats",
    "tail_stats_python",
    "tail_es",
    "tail_es_python",
    "tail_var_es",
    "tail_var_es_python",
]


def tail_size(n: int, confidence: float) -> float:
    """Tail size ``n (1 - confidence)`` in scenarios, snapped to an integer within 1e-9.

    Parameters
    ----------
    n : int
        Scenarios.
    confidence : float
        VaR level in (0, 1).

    Returns
    -------
    float
        ``t`` with ``0 < t < n``.

    Examples
    --------
    >>> tail_size(1000, 0.95), tail_size(500, 0.99)  # not 50.000000000000004, 5.000000000000004
    (50.0, 5.0)
    """
    t = n * (1.0 - confidence)
    near = round(t)
    return float(near) if abs(t - near) < 1e-9 else float(t)


def tail_split(n: int, confidence: Any) -> tuple[np.ndarray, np.ndarray]:
    """Split the tail size ``n (1 - confidence)`` of each level into ``m = floor`` and ``f``.

    Parameters
    ----------
    n : int
        Scenarios.
    confidence : ndarray of shape (n_levels,)
        VaR levels in (0, 1).

    Returns
    -------
    m : ndarray of shape (n_levels,), int64
        Scenarios with full weight, at most ``n - 1``.
    frac : ndarray of shape (n_levels,), float64
        Weight of the next scenario, in [0, 1).
    """
    c = np.atleast_1d(np.asarray(confidence, dtype=np.float64))
    t = np.array([tail_size(n, float(x)) for x in c])
    m = np.floor(t).astype(np.int64)
    frac = t - m
    return np.minimum(m, n - 1), frac


def select_descending_python(a, idx, lo, hi, kth):  # type: ignore[no-untyped-def]  # numba kernel twin: numba fixes the array types at dispatch
    """Partially order ``a[lo:hi + 1]`` in place, descending (and ``idx`` alongside unless None).

    Afterwards ``a[kth]`` holds the value a full descending sort would put there and
    ``a[lo:kth] >= a[kth] >= a[kth + 1:hi + 1]``. Hoare partition with a median-of-three pivot
    (quickselect), expected O(n); equal keys are swapped, so many ties stay O(n).
    """
    while hi > lo:
        mid = (lo + hi) // 2
        x = a[lo]
        y = a[mid]
        z = a[hi]
        if x < y:
            x, y = y, x
        if y < z:
            y = z
            if x < y:
                y = x
        pivot = y
        i = lo
        j = hi
        while i <= j:
            while a[i] > pivot:
                i += 1
            while a[j] < pivot:
                j -= 1
            if i <= j:
                t = a[i]
                a[i] = a[j]
                a[j] = t
                if idx is not None:
                    ti = idx[i]
                    idx[i] = idx[j]
                    idx[j] = ti
                i += 1
                j -= 1
        if kth <= j:
            hi = j
        elif kth >= i:
            lo = i
        else:
            return


select_descending = jit(select_descending_python)


def tail_stats_python(losses, idx, m_max, m, frac):  # type: ignore[no-untyped-def]  # numba kernel twin: numba fixes the array types at dispatch
    """VaR, ES and VaR-scenario position of one level, given ``losses`` selected at ``m_max``.

    ``losses[:m_max + 1]`` must hold the ``m_max + 1`` largest losses (one call of
    :func:`select_descending` at ``m_max`` serves every level with ``m <= m_max``); this
    re-selects that prefix at ``m``. Returns ``(var, es, scen)`` where ``scen`` is
    ``idx[pos]`` of the VaR scenario, or its position ``pos`` in ``losses`` when ``idx`` is None.
    """
    select_descending(losses, idx, 0, m_max, m)
    total = 0.0
    for i in range(m):
        total += losses[i]
    if frac > 0.0 or m == 0:
        pos = m
    else:
        pos = 0
        for i in range(1, m):
            if losses[i] < losses[pos]:
                pos = i
    var = losses[pos]
    scen = pos
    if idx is not None:
        scen = idx[pos]
    if frac > 0.0:
        total += frac * losses[m]
    return var, total / (m + frac), scen


tail_stats = jit(tail_stats_python)


def tail_es_python(losses, m, frac):  # type: ignore[no-untyped-def]  # numba kernel twin: numba fixes the array types at dispatch
    """ES of the losses in ``losses`` (reordered in place) with tail ``m + frac`` scenarios.

    ``losses`` may be a subset of the scenarios that holds at least the ``m + 1`` largest
    (``m`` when ``frac == 0``); the tail size counts scenarios of the full sample.
    """
    n = losses.shape[0]
    k = m if m < n else n - 1
    select_descending(losses, None, 0, n - 1, k)
    total = 0.0
    for i in range(m):
        total += losses[i]
    if frac > 0.0:
        total += frac * losses[m]
    return total / (m + frac)


tail_es = jit(tail_es_python)


def tail_var_es_python(losses, m, frac, var_out, es_out, scen_out):  # type: ignore[no-untyped-def]  # numba kernel twin: numba fixes the array types at dispatch
    """VaR and ES of ``losses`` (n,) for every level, one full selection for all levels.

    ``losses`` is copied; ``m`` (n_levels,) int64 and ``frac`` (n_levels,) float64 come from
    :func:`tail_split`; ``scen_out`` receives each VaR scenario's index into ``losses``.
    """
    n = losses.shape[0]
    work = losses.copy()
    idx = np.arange(n)
    m_max = 0
    for lev in range(m.shape[0]):
        m_max = max(m_max, m[lev])
    select_descending(work, idx, 0, n - 1, m_max)
    for lev in range(m.shape[0]):
        var, es, scen = tail_stats(work, idx, m_max, m[lev], frac[lev])
        var_out[lev] = var
        es_out[lev] = es
        scen_out[lev] = scen


tail_var_es = jit(tail_var_es_python)


@dataclass(frozen=True, slots=True)
class TailRisk:
    """VaR and ES of a sample of equally likely losses (the module's convention).

    Attributes
    ----------
    confidence : float
        VaR level, e.g. 0.95.
    var, es : float
        Value at Risk and Expected Shortfall, losses as positive numbers (units of the input).
    n_scenarios : int
        Scenarios in the sample.
    """

    confidence: float
    var: float
    es: float
    n_scenarios: int

    def to_dict(self) -> dict[str, float | int]:
        """All fields as a JSON-friendly dict."""
        return {
            "confidence": self.confidence,
            "var": self.var,
            "es": self.es,
            "n_scenarios": self.n_scenarios,
        }


def tail_risk(losses: Any, *, confidence: float = 0.95) -> TailRisk:
    """VaR and ES of equally likely losses (positive = a loss), Acerbi-Tasche ES.

    Pass ``-returns`` (or ``-pnl``) for a sample of returns.

    Parameters
    ----------
    losses : array_like of shape (n,)
        Losses per scenario (finite).
    confidence : float, default=0.95
        VaR level in (0, 1).

    Returns
    -------
    TailRisk

    Raises
    ------
    ParameterError
        If ``confidence`` is not in (0, 1).
    DataError
        If ``losses`` is empty or has a non-finite value.

    Examples
    --------
    >>> tr = tail_risk([1.0, 5.0, 3.0, 4.0, 2.0], confidence=0.7)  # tail 1.5 scenarios
    >>> tr.var, round(tr.es, 6)
    (4.0, 4.666667)
    """
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not 0.0 < float(confidence) < 1.0:
        raise ParameterError(describe_bad_value("confidence", confidence, "a float in (0, 1), e.g. 0.95"))
    x = np.ascontiguousarray(np.asarray(losses, dtype=np.float64).ravel())
    if x.size == 0:
        raise DataError("losses is empty; need at least one scenario")
    if not np.isfinite(x).all():
        bad = int(np.flatnonzero(~np.isfinite(x))[0])
        raise DataError(
            f"losses has a non-finite value {float(x[bad])} at position {bad}; all must be finite"
        )
    m, frac = tail_split(x.size, float(confidence))
    var, es, scen = np.empty(1), np.empty(1), np.empty(1, dtype=np.int64)
    tail_var_es(x, m, frac, var, es, scen)
    return TailRisk(float(confidence), float(var[0]), float(es[0]), int(x.size))
