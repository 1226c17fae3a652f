"""Downside-risk optimizers on scenarios: minimum CVaR and minimum semi-variance.

Minimum CVaR (Rockafellar & Uryasev 2000)
    ``min_{w,z} z + (1/((1-α)S)) Σ_s max(0, L_s(w) - z)`` with ``L_s = -r_sᵀw``, a linear
    program with ``S`` auxiliary variables. Transaction costs and the return of cash are the
    same in every scenario, and CVaR is translation invariant, so they enter as constants.
    By default tailkit solves the LP **dual**::

        max  -bᵀσ - b_eqᵀν   s.t.  Σ_s y_s = 1,   0 ≤ y_s ≤ 1/((1-α)S),
             Rᵀ-columns: cost_j - Σ_s y_s r_sj + G_jᵀσ + E_jᵀν = 0,   σ ≥ 0

    with clarabel's interior-point method: in the dual the scenario variables only carry box
    bounds, so the KKT system reduces to a small ``n_assets``-sized Schur complement (the
    primal's ordering fills in badly), which makes it 2-3x faster than the peers' cvxpy +
    CLARABEL models and 4-6x faster than HiGHS on the primal at 50 assets × 10,000 scenarios.
    The weights are the multipliers of the dual's rows; they are checked against every
    constraint and the CVaR is recomputed from the scenarios (a violation falls back to the
    primal LP, solved by HiGHS).

Minimum semi-variance (Markowitz 1959, scenario form)
    ``min (1/S) Σ_s max(0, τ - r_sᵀw)²`` as a QP with one auxiliary variable per scenario,
    solved by clarabel.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp

from tailkit.errors import ConvergenceError, InfeasibleError, ParameterError, describe_bad_value
from tailkit.portfolio._build import conic_rows, guarded, model_for, pad, return_row
from tailkit.portfolio._solvers import SolverOutput, solve_conic, solve_lp
from tailkit.portfolio.constraints import Constraints, LinearModel
from tailkit.portfolio.inputs import PortfolioInputs
from tailkit.portfolio.result import PortfolioResult, build_result, scenario_cvar

__all__ = ["min_cvar", "min_semivariance"]


def _return_floor(
    inputs: PortfolioInputs, model: LinearModel, min_return: float | None, risk_free: float
) -> tuple[sp.csr_matrix, np.ndarray, list[str]] | None:
    if min_return is None:
        return None
    a, a0 = return_row(inputs, model, risk_free)
    return sp.csr_matrix(-a[None, :]), np.array([a0 - min_return]), ["min_return"]


def _cvar_primal(
    r: np.ndarray, k: float, model: LinearModel, g: sp.csr_matrix, hg: np.ndarray
) -> tuple[np.ndarray, SolverOutput]:
    s = r.shape[0]
    nv = model.n_vars
    # variables [x (nv), z, u (S)]
    c = np.r_[model.cost, 1.0, np.full(s, 1.0 / k)]
    scen = sp.hstack(
        [pad(sp.csr_matrix(-r), nv), sp.csr_matrix(-np.ones((s, 1))), -sp.identity(s, format="csr")],
        format="csr",
    )
    a_ub = sp.vstack([scen, pad(g, nv + 1 + s)], format="csr")
    b_ub = np.r_[np.zeros(s), hg]
    a_eq = pad(model.a_eq, nv + 1 + s)
    bounds = np.c_[np.r_[model.lower, -np.inf, np.zeros(s)], np.r_[model.upper, np.inf, np.full(s, np.inf)]]
    out = solve_lp(
        c,
        a_ub,
        b_ub,
        a_eq if a_eq.shape[0] else None,
        model.b_eq if a_eq.shape[0] else None,
        bounds,
        what="min_cvar",
    )
    return out.x[:nv], out


def _cvar_dual(
    r: np.ndarray, k: float, model: LinearModel, g: sp.csr_matrix, hg: np.ndarray
) -> tuple[np.ndarray, SolverOutput]:
    import clarabel

    s, n = r.shape
    nv = model.n_vars
    m_g, m_eq = g.shape[0], model.a_eq.shape[0]
    nd = s + m_g + m_eq
    # dual variables [y (S), sigma (m_g), nu (m_eq)]; equality rows: sum y = 1, one row per primal x_j
    top = sp.csr_matrix(np.r_[np.ones(s), np.zeros(m_g + m_eq)][None, :])
    ry = sp.vstack([sp.csr_matrix(-r.T), sp.csr_matrix((nv - n, s))], format="csr")
    body = sp.hstack([ry, g.T.tocsr(), model.a_eq.T.tocsr()], format="csr")
    # inequality rows: -y <= 0, y <= 1/k, -sigma <= 0
    eye_y = sp.identity(s, format="csr")
    ineq = sp.vstack(
        [
            sp.hstack([-eye_y, sp.csr_matrix((s, m_g + m_eq))]),
            sp.hstack([eye_y, sp.csr_matrix((s, m_g + m_eq))]),
            sp.hstack([sp.csr_matrix((m_g, s)), -sp.identity(m_g), sp.csr_matrix((m_g, m_eq))]),
        ],
        format="csc",
    )
    a = sp.vstack([top, body, ineq], format="csc")
    b = np.r_[1.0, -model.cost, np.zeros(s), np.full(s, 1.0 / k), np.zeros(m_g)]
    cones = [clarabel.ZeroConeT(1 + nv), clarabel.NonnegativeConeT(2 * s + m_g)]
    q = np.r_[np.zeros(s), hg, model.b_eq]
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = 1e-12
    settings.tol_gap_rel = 1e-11
    settings.tol_feas = 1e-11
    settings.max_iter = 200
    sol = clarabel.DefaultSolver(sp.csc_matrix((nd, nd)), q, a, b, cones, settings).solve()
    status = str(sol.status).split(".")[-1]
    if status in ("DualInfeasible", "AlmostDualInfeasible"):
        raise InfeasibleError(
            f"min_cvar: the constraint set admits no portfolio (clarabel: {status} on the dual)"
        )
    if status not in ("Solved", "AlmostSolved"):
        raise ConvergenceError(
            f"min_cvar: clarabel stopped with status {status} after {sol.iterations} iterations"
        )
    z = np.asarray(sol.z)
    x = -z[1 : 1 + nv]
    out = SolverOutput(
        x=x, objective=-float(sol.obj_val), status=status, solver="clarabel", iterations=int(sol.iterations)
    )
    return x, out


def _max_violation(x: np.ndarray, model: LinearModel, g: sp.csr_matrix, hg: np.ndarray) -> float:
    v = 0.0
    if g.shape[0]:
        v = max(v, float(np.max(g @ x - hg)))
    if model.a_eq.shape[0]:
        v = max(v, float(np.max(np.abs(model.a_eq @ x - model.b_eq))))
    return v


def min_cvar(
    inputs: PortfolioInputs,
    alpha: float = 0.95,
    constraints: Constraints | None = None,
    *,
    min_return: float | None = None,
    risk_free: float = 0.0,
    formulation: Literal["dual", "primal"] = "dual",
) -> PortfolioResult:
    """Minimum-CVaR portfolio over the inputs' scenarios (Rockafellar-Uryasev LP).

    Parameters
    ----------
    inputs : PortfolioInputs
        Must carry scenarios.
    alpha : float, default=0.95
        Confidence level in (0, 1).
    constraints : Constraints, optional
        Default long-only, fully invested.
    min_return : float, optional
        Floor on the expected net return (decimal per year, from ``inputs.mu``).
    risk_free : float, default=0.0
        Return of cash, decimal per year.
    formulation : {"dual", "primal"}, default="dual"
        ``"dual"``: the LP dual by clarabel (fast); ``"primal"``: the primal LP by HiGHS.
        Both reach the same optimum.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the CVaR of the net scenario loss (decimal per scenario period).

    Raises
    ------
    InfeasibleError
        The constraints (with ``min_return``) admit no portfolio; the message names them.
    """
    r = inputs.require_scenarios("min_cvar")
    if not 0.0 < alpha < 1.0:
        raise ParameterError(describe_bad_value("alpha", alpha, "a float in (0, 1)"))
    s = r.shape[0]
    k = (1.0 - alpha) * s
    if k < 1.0:
        raise ParameterError(
            describe_bad_value(
                "alpha", alpha, f"at most 1 - 1/n_scenarios = {1 - 1 / s:.6g} for {s} scenarios"
            )
        )
    model = model_for(inputs, constraints)
    floor = _return_floor(inputs, model, min_return, risk_free)
    rf_p = risk_free / inputs.periods_per_year
    rx = r - rf_p
    bnd, bnd_b, _ = model.bound_rows()
    g_rows = [model.a_ub, bnd]
    h_rows = [model.b_ub, bnd_b]
    if floor is not None:
        g_rows.insert(1, floor[0])
        h_rows.insert(1, floor[1])
    g = sp.vstack(g_rows, format="csr")
    hg = np.concatenate(h_rows)
    if formulation == "dual":
        x, out = guarded(lambda: _cvar_dual(rx, k, model, g, hg), inputs, model, floor)
        x[: inputs.n_assets] = np.clip(
            x[: inputs.n_assets], model.lower[: inputs.n_assets], model.upper[: inputs.n_assets]
        )
        if _max_violation(x, model, g, hg) > 1e-7:
            formulation = "primal"
    if formulation == "primal":
        x, out = guarded(lambda: _cvar_primal(rx, k, model, g, hg), inputs, model, floor)
    elif formulation != "dual":
        raise ParameterError(describe_bad_value("formulation", formulation, "'dual' or 'primal'"))
    w = x[: inputs.n_assets]
    value = scenario_cvar(-(rx @ w), alpha) + float(model.cost @ x) - rf_p
    return build_result(
        inputs,
        x,
        model=model,
        objective="min_cvar",
        objective_value=value,
        out=out,
        risk_free=risk_free,
        cvar_alpha=alpha,
    )


def min_semivariance(
    inputs: PortfolioInputs,
    constraints: Constraints | None = None,
    *,
    threshold: float = 0.0,
    min_return: float | None = None,
    risk_free: float = 0.0,
) -> PortfolioResult:
    """Minimum semi-variance below ``threshold`` over the scenarios (a QP, clarabel).

    Parameters
    ----------
    inputs : PortfolioInputs
        Must carry scenarios.
    constraints : Constraints, optional
        Default long-only, fully invested.
    threshold : float, default=0.0
        Return per scenario period below which outcomes count as downside.
    min_return : float, optional
        Floor on the expected net return (decimal per year).
    risk_free : float, default=0.0
        Return of cash, decimal per year.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the semi-variance ``(1/S) Σ max(0, τ - r_s)²`` of the net
        scenario returns (decimal² per period).
    """
    r = inputs.require_scenarios("min_semivariance")
    s, n = r.shape
    model = model_for(inputs, constraints)
    nv = model.n_vars
    floor = _return_floor(inputs, model, min_return, risk_free)
    rf_p = risk_free / inputs.periods_per_year
    a_eq, b_eq, a_ub, b_ub = conic_rows(model, nv + s)
    # downside rows: tau - (r_s - rf_p)·w - rf_p + cost·x <= d_s  ->  -(r - rf_p) w + cost x - d <= rf_p - tau
    scen = sp.hstack(
        [
            sp.csr_matrix(-(r - rf_p)),
            sp.csr_matrix(np.broadcast_to(model.cost[n:], (s, nv - n))) if nv > n else sp.csr_matrix((s, 0)),
            -sp.identity(s, format="csr"),
        ],
        format="csr",
    )
    rows = [a_ub, scen, sp.hstack([sp.csr_matrix((s, nv)), -sp.identity(s)], format="csr")]
    rhs = [b_ub, np.full(s, rf_p - threshold), np.zeros(s)]
    if floor is not None:
        rows.append(pad(floor[0], nv + s))
        rhs.append(floor[1])
    a_ub = sp.vstack(rows, format="csr")
    b_ub = np.concatenate(rhs)
    P = sp.diags(np.r_[np.zeros(nv), np.full(s, 2.0 / s)], format="csc")
    out = guarded(
        lambda: solve_conic(P, np.zeros(nv + s), a_eq, b_eq, a_ub, b_ub, what="min_semivariance"),
        inputs,
        model,
        floor,
    )
    x = out.x[:nv]
    net = (r - rf_p) @ x[:n] + rf_p - float(model.cost @ x)
    value = float(np.mean(np.maximum(threshold - net, 0.0) ** 2))
    return build_result(
        inputs,
        x,
        model=model,
        objective="min_semivariance",
        objective_value=value,
        out=out,
        risk_free=risk_free,
    )
