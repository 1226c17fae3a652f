"""Mean-variance optimizers: minimum variance, maximum Sharpe, utility, target return/risk.

Every problem is a quadratic program (or a second-order-cone program for a target
volatility) handed to clarabel directly, with the constraint rows of
:mod:`tailkit.portfolio.constraints`. Maximum Sharpe uses the Cornuéjols-Tütüncü
homogenisation ``y = κ w``: ``min yᵀΣy`` s.t. ``(μ - r_f)ᵀy - cost·y = 1`` and every
constraint row ``a·x ≤ b`` written as ``a·y ≤ b κ``, ``κ ≥ 0`` — one convex QP, exact, no
search over the frontier.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from tailkit.errors import ConvergenceError, InfeasibleError, ParameterError, describe_bad_value
from tailkit.portfolio._build import conic_rows, factor, guarded, model_for, pad, return_row
from tailkit.portfolio._solvers import SolverOutput, solve_conic
from tailkit.portfolio.constraints import Constraints, LinearModel
from tailkit.portfolio.inputs import PortfolioInputs
from tailkit.portfolio.result import PortfolioResult, build_result

__all__ = ["min_variance", "max_sharpe", "mean_variance", "efficient_return", "efficient_risk"]


def _quad(inputs: PortfolioInputs, model: LinearModel, n_cols: int, scale: float) -> sp.csc_matrix:
    n = inputs.n_assets
    P = sp.lil_matrix((n_cols, n_cols))
    P[:n, :n] = scale * inputs.cov
    return sp.csc_matrix(P)


def _obj_scale(inputs: PortfolioInputs) -> float:
    """``n / mean variance``: brings a diversified portfolio's variance to order one."""
    d = float(np.mean(np.diag(inputs.cov)))
    return inputs.n_assets / d if d > 0 else 1.0


def _qp(
    inputs: PortfolioInputs,
    model: LinearModel,
    *,
    scale: float,
    q: np.ndarray,
    extra: tuple[sp.spmatrix, np.ndarray, list[str]] | None,
    what: str,
) -> tuple[np.ndarray, SolverOutput]:
    nv = model.n_vars
    a_eq, b_eq, a_ub, b_ub = conic_rows(model, nv)
    if extra is not None:
        a_ub = sp.vstack([a_ub, pad(extra[0], nv)], format="csr")
        b_ub = np.r_[b_ub, extra[1]]
    P = sp.triu(sp.csc_matrix(_quad(inputs, model, nv, scale)), format="csc")
    sc = _obj_scale(inputs)
    out = guarded(
        lambda: solve_conic(P, q, a_eq, b_eq, a_ub, b_ub, what=what, obj_scale=sc), inputs, model, extra
    )
    return out.x, out


def min_variance(inputs: PortfolioInputs, constraints: Constraints | None = None) -> PortfolioResult:
    """Minimum-variance portfolio ``min wᵀΣw`` under the constraints.

    Parameters
    ----------
    inputs : PortfolioInputs
        Moments (annualized).
    constraints : Constraints, optional
        Default long-only, fully invested.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the variance (decimal² per year). Transaction costs are not in
        the objective (no return term) but are reported.

    Raises
    ------
    InfeasibleError
        The constraints admit no portfolio (the message names the conflicting ones).
    ConvergenceError
        The solver did not reach an optimum.

    Examples
    --------
    >>> import numpy as np
    >>> inp = PortfolioInputs.from_moments(np.array([0.05, 0.07]), np.diag([0.04, 0.09]), assets=["a", "b"])
    >>> round(float(min_variance(inp).weights["a"]), 6)
    0.692308
    """
    model = model_for(inputs, constraints)
    x, out = _qp(inputs, model, scale=2.0, q=np.zeros(model.n_vars), extra=None, what="min_variance")
    w = x[: inputs.n_assets]
    return build_result(
        inputs, x, model=model, objective="min_variance", objective_value=float(w @ inputs.cov @ w), out=out
    )


def mean_variance(
    inputs: PortfolioInputs,
    risk_aversion: float,
    constraints: Constraints | None = None,
    *,
    risk_free: float = 0.0,
) -> PortfolioResult:
    """Maximize the mean-variance utility ``μᵀw + r_f·cash − cost − (γ/2) wᵀΣw``.

    Parameters
    ----------
    inputs : PortfolioInputs
        Moments (annualized).
    risk_aversion : float
        ``γ > 0``.
    constraints : Constraints, optional
        Default long-only, fully invested.
    risk_free : float, default=0.0
        Return of cash, decimal per year.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the utility (decimal per year).
    """
    if not risk_aversion > 0:
        raise ParameterError(describe_bad_value("risk_aversion", risk_aversion, "a float > 0"))
    model = model_for(inputs, constraints)
    a, a0 = return_row(inputs, model, risk_free)
    x, out = _qp(inputs, model, scale=risk_aversion, q=-a, extra=None, what="mean_variance")
    w = x[: inputs.n_assets]
    util = float(a @ x + a0 - 0.5 * risk_aversion * w @ inputs.cov @ w)
    return build_result(
        inputs,
        x,
        model=model,
        objective="mean_variance",
        objective_value=util,
        out=out,
        risk_free=risk_free,
    )


def efficient_return(
    inputs: PortfolioInputs,
    target_return: float,
    constraints: Constraints | None = None,
    *,
    risk_free: float = 0.0,
) -> PortfolioResult:
    """Minimum variance subject to expected net return ``≥ target_return``.

    Parameters
    ----------
    inputs : PortfolioInputs
        Moments (annualized).
    target_return : float
        Decimal per year, net of transaction costs.
    constraints : Constraints, optional
        Default long-only, fully invested.
    risk_free : float, default=0.0
        Return of cash, decimal per year.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the variance.

    Raises
    ------
    InfeasibleError
        The target is above what the constraints allow (the message names ``min_return``
        and the constraints that cap the return).
    """
    model = model_for(inputs, constraints)
    a, a0 = return_row(inputs, model, risk_free)
    extra = (sp.csr_matrix(-a[None, :]), np.array([a0 - target_return]), ["min_return"])
    x, out = _qp(inputs, model, scale=2.0, q=np.zeros(model.n_vars), extra=extra, what="efficient_return")
    w = x[: inputs.n_assets]
    return build_result(
        inputs,
        x,
        model=model,
        objective="efficient_return",
        objective_value=float(w @ inputs.cov @ w),
        out=out,
        risk_free=risk_free,
    )


def efficient_risk(
    inputs: PortfolioInputs,
    target_volatility: float,
    constraints: Constraints | None = None,
    *,
    risk_free: float = 0.0,
) -> PortfolioResult:
    """Maximum expected net return subject to volatility ``≤ target_volatility`` (an SOCP).

    Parameters
    ----------
    inputs : PortfolioInputs
        Moments (annualized).
    target_volatility : float
        Decimal per year.
    constraints : Constraints, optional
        Default long-only, fully invested.
    risk_free : float, default=0.0
        Return of cash, decimal per year.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the expected net return.
    """
    if not target_volatility >= 0:
        raise ParameterError(describe_bad_value("target_volatility", target_volatility, "a float >= 0"))
    model = model_for(inputs, constraints)
    n, nv = inputs.n_assets, model.n_vars
    a, a0 = return_row(inputs, model, risk_free)
    a_eq, b_eq, a_ub, b_ub = conic_rows(model, nv)
    F = factor(inputs.cov)
    soc_a = sp.vstack([sp.csr_matrix((1, nv)), pad(sp.csr_matrix(-F), nv)], format="csr")
    soc_b = np.r_[target_volatility, np.zeros(n)]
    out = guarded(
        lambda: solve_conic(
            None,
            -a,
            a_eq,
            b_eq,
            a_ub,
            b_ub,
            [(soc_a, soc_b)],
            what="efficient_risk",
            obj_scale=1.0 / max(float(np.max(np.abs(a))), 1e-12),
        ),
        inputs,
        model,
    )
    return build_result(
        inputs,
        out.x,
        model=model,
        objective="efficient_risk",
        objective_value=float(a @ out.x + a0),
        out=out,
        risk_free=risk_free,
    )


def max_sharpe(
    inputs: PortfolioInputs,
    constraints: Constraints | None = None,
    *,
    risk_free: float = 0.0,
) -> PortfolioResult:
    """Tangency portfolio: maximize ``(expected net return − r_f) / volatility``.

    Solved exactly as one QP through the homogenisation ``y = κ w`` (see the module docstring).

    Parameters
    ----------
    inputs : PortfolioInputs
        Moments (annualized).
    constraints : Constraints, optional
        Default long-only, fully invested. Cash bounds and turnover rows are homogenised too.
    risk_free : float, default=0.0
        Risk-free rate, decimal per year.

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the Sharpe ratio (per year).

    Raises
    ------
    InfeasibleError
        No feasible portfolio earns more than ``risk_free``, or the constraints conflict.
    """
    model = model_for(inputs, constraints)
    n, nv = inputs.n_assets, model.n_vars
    a, _ = return_row(inputs, model, risk_free)
    a_eq0, b_eq0, a_ub0, b_ub0 = conic_rows(model, nv)
    # variables [y (nv), kappa]
    a_eq = sp.vstack(
        [sp.hstack([a_eq0, sp.csr_matrix(-b_eq0[:, None])]), sp.csr_matrix(np.r_[a, 0.0][None, :])],
        format="csr",
    )
    b_eq = np.r_[np.zeros(a_eq0.shape[0]), 1.0]
    a_ub = sp.vstack(
        [
            sp.hstack([a_ub0, sp.csr_matrix(-b_ub0[:, None])]),
            sp.csr_matrix(([-1.0], ([0], [nv])), shape=(1, nv + 1)),
        ],
        format="csr",
    )
    b_ub = np.zeros(a_ub.shape[0])
    P = sp.lil_matrix((nv + 1, nv + 1))
    P[:n, :n] = 2.0 * inputs.cov
    P = sp.triu(sp.csc_matrix(P), format="csc")
    try:
        out = solve_conic(
            P, np.zeros(nv + 1), a_eq, b_eq, a_ub, b_ub, what="max_sharpe", obj_scale=_obj_scale(inputs)
        )
    except InfeasibleError:
        guarded(lambda: _feasible_point(model), inputs, model)
        raise InfeasibleError(
            f"max_sharpe: no feasible portfolio has expected net return above risk_free={risk_free}"
        ) from None
    kappa = out.x[nv]
    if not kappa > 1e-12:
        raise ConvergenceError(f"max_sharpe: homogenising scale κ={kappa:.3g} is not positive")
    x = out.x[:nv] / kappa
    w = x[:n]
    vol = float(np.sqrt(w @ inputs.cov @ w))
    a_full, a0 = return_row(inputs, model, risk_free)
    sharpe = float((a_full @ x + a0 - risk_free) / vol) if vol > 0 else float("inf")
    return build_result(
        inputs, x, model=model, objective="max_sharpe", objective_value=sharpe, out=out, risk_free=risk_free
    )


def _feasible_point(model: LinearModel) -> None:
    from tailkit.portfolio._solvers import solve_lp

    solve_lp(
        np.zeros(model.n_vars),
        model.a_ub if model.a_ub.shape[0] else None,
        model.b_ub if model.a_ub.shape[0] else None,
        model.a_eq if model.a_eq.shape[0] else None,
        model.b_eq if model.a_eq.shape[0] else None,
        np.c_[model.lower, model.upper],
        what="constraint feasibility",
    )
