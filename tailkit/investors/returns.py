"""Time-weighted and money-weighted returns, the internal rate of return and the behavior gap.

Conventions (per period; annualise with ``(1 + r)^periods_per_year - 1``):

* **time-weighted return** of period returns ``r_1..r_n``: ``prod(1 + r_t)^(1/n) - 1``;
* **cash flows** ``c_0..c_n`` are the investor's: negative when money goes in, positive when it
  comes out (numpy-financial's ``irr`` convention); the **IRR** is the ``r > -1`` with
  ``sum_t c_t / (1 + r)^t = 0``, found by Brent's method on a bracket where the NPV changes
  sign (unique when the flows change sign once);
* a **holding** with deposits ``d_0..d_{n-1}`` (made at the start of each period, negative for
  withdrawals) and period returns ``r_t`` has value ``V_t = (V_{t-1} + d_{t-1}) (1 + r_t)``;
  its **money-weighted return** is the IRR of ``(-d_0, ..., -d_{n-1}, V_n)``;
* the **behavior gap** is money-weighted minus time-weighted: zero when the only deposit is the
  first, positive when money arrived before good periods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from tailkit._validation import as_float_array, check_finite
from tailkit.errors import ConvergenceError, ParameterError, describe_bad_value

__all__ = [
    "BehaviorGap",
    "behavior_gap",
    "holding_values",
    "irr",
    "money_weighted_return",
    "time_weighted_return",
]


def _vector(name: str, value: object, min_len: int = 1) -> np.ndarray:
    arr = as_float_array(name, value)
    if arr.ndim != 1 or arr.size < min_len:
        raise ParameterError(
            describe_bad_value(name, f"shape {arr.shape}", f"a 1-D array with at least {min_len} values")
        )
    check_finite(name, arr)
    return arr


def irr(cash_flows: object) -> float:
    """Internal rate of return per period of ``cash_flows`` (see the module docstring).

    Parameters
    ----------
    cash_flows : array_like of shape (n + 1,)
        ``c_0..c_n``, one per period boundary.

    Returns
    -------
    float
        The rate per period, > -1.

    Raises
    ------
    ConvergenceError
        The NPV does not change sign for rates in the bracket (see the code): no IRR found.
        With several sign changes, the lowest root is returned.

    Examples
    --------
    >>> round(irr([-100.0, 39.0, 59.0, 55.0, 20.0]), 8)
    0.28094842
    """
    raw = _vector("cash_flows", cash_flows, 2)
    scale = float(np.max(np.abs(raw)))
    if scale == 0.0:
        raise ConvergenceError(describe_bad_value("cash_flows", raw.tolist(), "flows that are not all zero"))
    c = raw / scale  # the IRR does not depend on the scale; this keeps the NPV inside float64
    t = np.arange(c.size, dtype=float)

    def npv(log1p_r: float) -> float:
        with np.errstate(under="ignore"):
            return float(np.sum(c * np.exp(-t * log1p_r)))

    # solve in x = log(1 + r): the NPV is smooth there. The bracket covers r from
    # exp(-min(30, 700 / n)) - 1 (as close to -1 as float64 allows for n periods) to 1e6.
    lo = -min(30.0, 690.0 / (c.size - 1))
    grid = np.linspace(lo, np.log1p(1e6), 2001)
    with np.errstate(under="ignore"):
        values = (c[None, :] * np.exp(-np.outer(grid, t))).sum(axis=1)
    change = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0)
    if change.size == 0:
        raise ConvergenceError(
            describe_bad_value(
                "cash_flows",
                raw.tolist(),
                f"flows whose NPV changes sign for a rate in ({np.expm1(lo):.3g}, 1e6)",
            )
        )
    i = int(change[0])
    if values[i] == 0.0:
        return float(np.expm1(grid[i]))
    x = brentq(npv, grid[i], grid[i + 1], xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    return float(np.expm1(x))


def time_weighted_return(returns: object) -> float:
    """Geometric mean return per period, ``prod(1 + r)^(1/n) - 1``.

    Parameters
    ----------
    returns : array_like of shape (n,)
        Period returns (decimal, > -1).

    Returns
    -------
    float
    """
    r = _vector("returns", returns)
    if (r <= -1.0).any():
        raise ParameterError(describe_bad_value("returns", float(r.min()), "returns > -1"))
    return float(np.expm1(np.mean(np.log1p(r))))


def holding_values(returns: object, deposits: object) -> np.ndarray:
    """Values ``V_1..V_n`` of a holding with start-of-period ``deposits`` (module docstring).

    Parameters
    ----------
    returns : array_like of shape (n,)
    deposits : array_like of shape (n,)

    Returns
    -------
    ndarray of shape (n,)
    """
    r = _vector("returns", returns)
    d = _vector("deposits", deposits)
    if d.size != r.size:
        raise ParameterError(
            describe_bad_value("deposits", f"{d.size} values", f"{r.size} values, one per return")
        )
    v = np.empty_like(r)
    prev = 0.0
    for t in range(r.size):
        prev = (prev + d[t]) * (1.0 + r[t])
        v[t] = prev
    return v


def money_weighted_return(returns: object, deposits: object) -> float:
    """IRR of a holding's deposits and its final value (module docstring), per period."""
    v = holding_values(returns, deposits)
    d = as_float_array("deposits", deposits)
    return irr(np.r_[-d, v[-1]])


@dataclass(frozen=True, slots=True)
class BehaviorGap:
    """Money-weighted and time-weighted returns of one holding, per period.

    Parameters
    ----------
    money_weighted, time_weighted : float
    gap : float
        ``money_weighted - time_weighted``.
    """

    money_weighted: float
    time_weighted: float
    gap: float

    def to_dict(self) -> dict[str, float]:
        """The three numbers by name."""
        return {"money_weighted": self.money_weighted, "time_weighted": self.time_weighted, "gap": self.gap}


def behavior_gap(returns: object, deposits: object) -> BehaviorGap:
    """Money-weighted minus time-weighted return of a holding (module docstring).

    Examples
    --------
    >>> g = behavior_gap([0.1, -0.05, 0.02], [100.0, 0.0, 0.0])
    >>> abs(g.gap) < 1e-12
    True
    """
    mwr = money_weighted_return(returns, deposits)
    twr = time_weighted_return(returns)
    return BehaviorGap(money_weighted=mwr, time_weighted=twr, gap=mwr - twr)
