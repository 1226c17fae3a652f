"""Shared plumbing: compile constraints, pad rows, factor a covariance, explain infeasibility."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from tailkit._typing import Float1D, Float2D
from tailkit.errors import InfeasibleError
from tailkit.portfolio._solvers import solve_lp
from tailkit.portfolio.constraints import (
    Constraints,
    LinearModel,
    compile_constraints,
    diagnose_infeasibility,
)
from tailkit.portfolio.inputs import PortfolioInputs

T = TypeVar("T")


def model_for(inputs: PortfolioInputs, constraints: Constraints | None) -> LinearModel:
    """Compile ``constraints`` for ``inputs`` (correlation only computed when a cluster cap needs it)."""
    corr = inputs.correlation if constraints is not None and constraints.cluster_cap is not None else None
    return compile_constraints(constraints, inputs.assets, corr)


def pad(mat: sp.spmatrix, n_cols: int) -> sp.csr_matrix:
    """Append zero columns so that ``mat`` has ``n_cols`` columns."""
    extra = n_cols - mat.shape[1]
    if extra <= 0:
        return sp.csr_matrix(mat)
    return sp.hstack([mat, sp.csr_matrix((mat.shape[0], extra))], format="csr")


def factor(cov: Float2D) -> Float2D:
    """``F`` with ``FᵀF = Σ`` (upper Cholesky factor; eigen square root if Σ is singular)."""
    try:
        return np.asarray(np.linalg.cholesky(cov).T, dtype=np.float64)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(cov)
        vals = np.clip(vals, 0.0, None)
        return (vecs * np.sqrt(vals)).T


def return_row(inputs: PortfolioInputs, model: LinearModel, risk_free: float) -> tuple[Float1D, float]:
    """Coefficients ``a`` and constant ``a0`` with expected net return ``= a·x + a0`` (per year)."""
    a = -model.cost.copy()
    a[: model.n_assets] += inputs.mu - risk_free
    return a, risk_free


def max_return(inputs: PortfolioInputs, model: LinearModel, risk_free: float) -> float:
    """Highest expected net return over the constraint set (an LP), decimal per year."""
    a, a0 = return_row(inputs, model, risk_free)
    out = guarded(
        lambda: solve_lp(
            -a,
            model.a_ub if model.a_ub.shape[0] else None,
            model.b_ub if model.a_ub.shape[0] else None,
            model.a_eq if model.a_eq.shape[0] else None,
            model.b_eq if model.a_eq.shape[0] else None,
            np.c_[model.lower, model.upper],
            what="maximum expected return",
        ),
        inputs,
        model,
    )
    return float(a @ out.x + a0)


def guarded(
    solve: Callable[[], T],
    inputs: PortfolioInputs,
    model: LinearModel,
    extra_ub: tuple[sp.spmatrix, Float1D, list[str]] | None = None,
) -> T:
    """Run ``solve``; on infeasibility, re-raise naming the conflicting constraints."""
    try:
        return solve()
    except InfeasibleError as exc:
        names = diagnose_infeasibility(model, inputs.assets, extra_ub)
        if names:
            raise InfeasibleError(f"{exc}; conflicting constraints: {', '.join(names)}") from None
        raise


def conic_rows(model: LinearModel, n_cols: int) -> tuple[sp.csr_matrix, Float1D, sp.csr_matrix, Float1D]:
    """Equality rows and inequality rows (with finite bounds as rows), padded to ``n_cols``."""
    bnd, bnd_b, _ = model.bound_rows()
    a_ub = sp.vstack([model.a_ub, bnd], format="csr")
    b_ub = np.r_[model.b_ub, bnd_b]
    return pad(model.a_eq, n_cols), model.b_eq, pad(a_ub, n_cols), b_ub
