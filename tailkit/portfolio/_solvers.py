"""Thin wrappers over the two solvers tailkit uses directly.

* **clarabel** (interior-point conic solver) for quadratic programs and second-order-cone
  programs: minimum variance, maximum Sharpe, target-risk frontiers, semi-variance.
  Called directly with sparse CSC matrices: no modelling layer, so a 20-asset problem is
  solved in well under a millisecond of overhead.
* **HiGHS** through :func:`scipy.optimize.linprog` for linear programs (minimum CVaR and the
  infeasibility diagnosis).

Both wrappers return a :class:`SolverOutput` or raise :class:`~tailkit.errors.InfeasibleError`
(certified infeasible) or :class:`~tailkit.errors.ConvergenceError` (anything else that is
not an optimal solution): weights are never returned from a failed solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from tailkit._typing import Float1D
from tailkit.errors import ConvergenceError, InfeasibleError

__all__ = ["SolverOutput", "solve_conic", "solve_lp"]


@dataclass(frozen=True, slots=True)
class SolverOutput:
    """Primal solution of one solve.

    Attributes
    ----------
    x : ndarray of shape (n_variables,)
        Primal solution.
    objective : float
        Objective value at ``x`` as the solver reports it.
    status : str
        Solver status text (``"Solved"``, ``"optimal"``, ...).
    solver : str
        ``"clarabel"`` or ``"highs"``.
    iterations : int
        Solver iterations.
    duals : ndarray of shape (n_rows,) or None
        Row multipliers where the caller asked for them.
    """

    x: Float1D
    objective: float
    status: str
    solver: str
    iterations: int
    duals: Float1D | None = None


def _settings(tol: float) -> object:
    import clarabel

    s = clarabel.DefaultSettings()
    s.verbose = False
    # absolute gap far below the relative one: objectives such as a 500-asset variance are ~1e-5
    s.tol_gap_abs = tol * 1e-4
    s.tol_gap_rel = tol
    s.tol_feas = tol
    s.max_iter = 200
    return s


def solve_conic(
    P: sp.spmatrix | None,
    q: Float1D,
    a_eq: sp.spmatrix | None,
    b_eq: Float1D | None,
    a_ub: sp.spmatrix | None,
    b_ub: Float1D | None,
    soc: list[tuple[sp.spmatrix, Float1D]] | None = None,
    *,
    what: str,
    tol: float = 1e-10,
    obj_scale: float = 1.0,
) -> SolverOutput:
    """Solve ``min ½xᵀPx + qᵀx`` s.t. ``A_eq x = b_eq``, ``A_ub x ≤ b_ub``, ``b - A x ∈ SOC`` with clarabel.

    Parameters
    ----------
    P : sparse matrix of shape (n, n) or None
        Positive semidefinite quadratic term (only the upper triangle is read).
    q : ndarray of shape (n,)
        Linear term.
    a_eq, b_eq : sparse matrix of shape (m_eq, n), ndarray of shape (m_eq,), or None
        Equality rows.
    a_ub, b_ub : sparse matrix of shape (m_ub, n), ndarray of shape (m_ub,), or None
        Inequality rows.
    soc : list of (sparse matrix of shape (k, n), ndarray of shape (k,)), optional
        Second-order cones ``(b - A x)[0] ≥ ‖(b - A x)[1:]‖``.
    what : str
        Name of the problem, used in error messages.
    tol : float, default=1e-10
        Feasibility and relative gap tolerance (absolute gap ``1e-4 · tol``).
    obj_scale : float, default=1.0
        The objective is multiplied by this before solving (bring tiny objectives such as a
        daily variance to order one, so the gap tolerances are relative in effect).

    Returns
    -------
    SolverOutput

    Raises
    ------
    InfeasibleError
        When clarabel certifies the problem primal infeasible.
    ConvergenceError
        On any other non-optimal termination.
    """
    import clarabel

    n = q.shape[0]
    blocks: list[sp.spmatrix] = []
    rhs: list[np.ndarray] = []
    cones: list[object] = []
    if a_eq is not None and a_eq.shape[0]:
        blocks.append(sp.csr_matrix(a_eq))
        rhs.append(np.asarray(b_eq, dtype=np.float64))
        cones.append(clarabel.ZeroConeT(a_eq.shape[0]))
    if a_ub is not None and a_ub.shape[0]:
        blocks.append(sp.csr_matrix(a_ub))
        rhs.append(np.asarray(b_ub, dtype=np.float64))
        cones.append(clarabel.NonnegativeConeT(a_ub.shape[0]))
    for a_c, b_c in soc or []:
        blocks.append(sp.csr_matrix(a_c))
        rhs.append(np.asarray(b_c, dtype=np.float64))
        cones.append(clarabel.SecondOrderConeT(a_c.shape[0]))
    A = sp.vstack(blocks, format="csc") if blocks else sp.csc_matrix((0, n))
    b = np.concatenate(rhs) if rhs else np.zeros(0)
    Pm = sp.triu(P, format="csc") * obj_scale if P is not None else sp.csc_matrix((n, n))
    qs = np.asarray(q, dtype=np.float64) * obj_scale
    solver = clarabel.DefaultSolver(Pm, qs, A, b, cones, _settings(tol))
    sol = solver.solve()
    status = str(sol.status).split(".")[-1]
    if status in ("Solved", "AlmostSolved"):
        return SolverOutput(
            x=np.asarray(sol.x, dtype=np.float64),
            objective=float(sol.obj_val) / obj_scale,
            status=status,
            solver="clarabel",
            iterations=int(sol.iterations),
        )
    if status in ("PrimalInfeasible", "AlmostPrimalInfeasible"):
        raise InfeasibleError(f"{what}: the constraint set admits no portfolio (clarabel: {status})")
    raise ConvergenceError(f"{what}: clarabel stopped with status {status} after {sol.iterations} iterations")


def solve_lp(
    c: Float1D,
    a_ub: sp.spmatrix | np.ndarray | None,
    b_ub: Float1D | None,
    a_eq: sp.spmatrix | np.ndarray | None,
    b_eq: Float1D | None,
    bounds: np.ndarray,
    *,
    what: str,
    method: str = "highs",
    presolve: bool = True,
    dual_of: bool = False,
) -> SolverOutput:
    """Solve ``min cᵀx`` s.t. ``A_ub x ≤ b_ub``, ``A_eq x = b_eq``, ``lo ≤ x ≤ hi`` with HiGHS.

    Parameters
    ----------
    c : ndarray of shape (n,)
        Cost vector.
    a_ub, b_ub : matrix of shape (m_ub, n), ndarray of shape (m_ub,), or None
        Inequality rows.
    a_eq, b_eq : matrix of shape (m_eq, n), ndarray of shape (m_eq,), or None
        Equality rows.
    bounds : ndarray of shape (n, 2)
        Variable bounds (``±inf`` for none).
    what : str
        Name of the problem, used in error messages.
    method : str, default="highs"
        scipy ``linprog`` HiGHS method.
    presolve : bool, default=True
        Run HiGHS presolve (off pays for LPs with few rows and many bounded columns).
    dual_of : bool, default=False
        The LP is the dual of the caller's problem: unbounded means the caller's problem is
        infeasible.

    Returns
    -------
    SolverOutput
        ``duals`` holds the inequality multipliers followed by the equality multipliers
        (scipy's sign convention: derivative of the optimum with respect to the right-hand side).

    Raises
    ------
    InfeasibleError
        When HiGHS reports the LP infeasible.
    ConvergenceError
        On any other non-optimal termination (unbounded, iteration limit, numerical trouble).
    """
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=bounds,
        method=method,
        options={
            "primal_feasibility_tolerance": 1e-10,
            "dual_feasibility_tolerance": 1e-10,
            "presolve": presolve,
        },
    )
    if res.status == 0:
        duals = []
        if a_ub is not None and getattr(a_ub, "shape", (0,))[0]:
            duals.append(np.asarray(res.ineqlin.marginals))
        if a_eq is not None and getattr(a_eq, "shape", (0,))[0]:
            duals.append(np.asarray(res.eqlin.marginals))
        return SolverOutput(
            x=np.asarray(res.x, dtype=np.float64),
            objective=float(res.fun),
            status="optimal",
            solver="highs",
            iterations=int(getattr(res, "nit", 0) or 0),
            duals=np.concatenate(duals) if duals else None,
        )
    if res.status == 2 or (dual_of and res.status == 3):
        raise InfeasibleError(f"{what}: the constraint set admits no portfolio (HiGHS: {res.message})")
    raise ConvergenceError(f"{what}: HiGHS stopped with status {res.status}: {res.message}")
