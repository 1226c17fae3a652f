"""Risk budgeting and risk parity (equal risk contribution).

The long-only, fully invested portfolio whose variance shares ``w_i (Σw)_i / wᵀΣw`` equal the
budgets ``b_i`` is ``w = y / Σy`` with ``y`` the unique minimiser of the strictly convex
``½ yᵀΣy − Σ b_i log y_i`` (Spinu 2013), found by cyclical coordinate descent with a closed-form
coordinate step (Griveau-Billion, Richard & Roncalli 2013) in a numba kernel. Only the budget
constraint applies (risk budgeting with extra constraints is a different, non-unique problem).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tailkit.errors import ConvergenceError, ParameterError, describe_bad_value
from tailkit.portfolio._kernels import risk_budget_ccd
from tailkit.portfolio.inputs import PortfolioInputs
from tailkit.portfolio.result import PortfolioResult, build_result

__all__ = ["risk_budgeting", "risk_parity"]


def risk_budgeting(
    inputs: PortfolioInputs,
    budgets: Mapping[str, float] | np.ndarray | None = None,
    *,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> PortfolioResult:
    """Long-only portfolio whose risk contributions equal ``budgets``.

    Parameters
    ----------
    inputs : PortfolioInputs
        Covariance (annualized); every asset needs a positive variance.
    budgets : mapping of str to float or ndarray of shape (n_assets,), optional
        Positive risk budgets (normalised to sum to one); default equal (risk parity).
    tol : float, default=1e-12
        Stop when no coordinate moves by more than ``tol`` relative.
    max_iter : int, default=10000
        Maximum sweeps.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the largest deviation ``max |RC_i − b_i|``.

    Examples
    --------
    >>> import numpy as np
    >>> inp = PortfolioInputs.from_moments(np.zeros(2), np.diag([0.04, 0.16]), assets=["a", "b"])
    >>> [round(float(v), 6) for v in risk_parity(inp).weights]
    [0.666667, 0.333333]
    """
    n = inputs.n_assets
    if budgets is None:
        b = np.full(n, 1.0 / n)
    elif isinstance(budgets, Mapping):
        unknown = sorted(set(budgets) - set(inputs.assets))
        if unknown:
            raise ParameterError(describe_bad_value("budgets", unknown, "asset names of the inputs"))
        b = np.array([float(budgets.get(a, 0.0)) for a in inputs.assets])
    else:
        b = np.asarray(budgets, dtype=np.float64)
    if b.shape != (n,) or not np.all(np.isfinite(b)) or np.any(b <= 0):
        raise ParameterError(describe_bad_value("budgets", b, f"{n} positive numbers"))
    b = b / b.sum()
    if np.any(np.diag(inputs.cov) <= 0):
        raise ParameterError("risk_budgeting needs a positive variance for every asset")
    w, it = risk_budget_ccd(np.ascontiguousarray(inputs.cov), b, float(tol), int(max_iter))
    if it >= max_iter:
        raise ConvergenceError(f"risk_budgeting: no convergence in {max_iter} sweeps")
    m = inputs.cov @ w
    rc = w * m / float(w @ m)
    dev = float(np.max(np.abs(rc - b)))
    if not np.all(np.isfinite(w)) or dev > 1e-6:
        raise ConvergenceError(f"risk_budgeting: risk contributions miss the budgets by {dev:.3g}")
    return build_result(
        inputs,
        w,
        model=None,
        objective="risk_budgeting",
        objective_value=dev,
        status="converged",
        solver="coordinate descent",
        iterations=int(it),
    )


def risk_parity(inputs: PortfolioInputs) -> PortfolioResult:
    """Equal-risk-contribution portfolio (:func:`risk_budgeting` with equal budgets).

    Parameters
    ----------
    inputs : PortfolioInputs
        Covariance (annualized).

    Returns
    -------
    PortfolioResult
    """
    return risk_budgeting(inputs)
