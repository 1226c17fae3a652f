"""What a loss-averse investor holds: the portfolio maximising prospect value over scenarios.

The cumulative-prospect-theory value of a portfolio is neither concave nor smooth in the
weights (S-shaped value function, rank-dependent weights), so the optimum is found by SLSQP
over the linear constraint set (exact gradient for the current ranking of scenarios) from
several starting portfolios — equal weights, minimum CVaR, minimum variance, maximum return —
keeping the best. The result is a local optimum; the starting points make it robust in
practice, not certified global.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import LinearConstraint, minimize

from tailkit.behavioral._kernels import cpt_value_grad
from tailkit.behavioral.prospect import ProspectParams
from tailkit.errors import ConvergenceError
from tailkit.portfolio._build import guarded, model_for, return_row
from tailkit.portfolio._solvers import solve_lp
from tailkit.portfolio.constraints import Constraints
from tailkit.portfolio.inputs import PortfolioInputs
from tailkit.portfolio.result import PortfolioResult, build_result

__all__ = ["max_prospect_value"]


def max_prospect_value(
    inputs: PortfolioInputs,
    params: ProspectParams | None = None,
    constraints: Constraints | None = None,
    *,
    min_return: float | None = None,
    risk_free: float = 0.0,
    starts: int = 4,
) -> PortfolioResult:
    """Portfolio maximising the cumulative-prospect-theory value of its scenario returns.

    Parameters
    ----------
    inputs : PortfolioInputs
        Must carry scenarios (returns per period).
    params : ProspectParams, optional
        Preferences; default Tversky & Kahneman (1992), reference 0.
    constraints : Constraints, optional
        Default long-only, fully invested (allow cash with ``max_cash`` to let the investor
        stay out of the market).
    min_return : float, optional
        Floor on the expected net return (decimal per year), for ε-constraint sweeps.
    risk_free : float, default=0.0
        Return of cash, decimal per year.
    starts : int, default=4
        Number of starting portfolios tried (1-4).

    Returns
    -------
    PortfolioResult
        ``objective_value`` is the prospect value of the net scenario returns.

    Raises
    ------
    InfeasibleError
        The constraints admit no portfolio.
    ConvergenceError
        SLSQP failed from every start.
    """
    from tailkit.portfolio.downside import min_cvar
    from tailkit.portfolio.mean_variance import efficient_return, min_variance

    p = params or ProspectParams()
    r = inputs.require_scenarios("max_prospect_value")
    model = model_for(inputs, constraints)
    n, nv = inputs.n_assets, model.n_vars
    rf_p = risk_free / inputs.periods_per_year
    rx = r - rf_p

    def outcomes(x: np.ndarray) -> np.ndarray:
        return rx @ x[:n] + rf_p - float(model.cost @ x) - p.reference

    scale = max(float(np.mean(np.abs(rx))) ** p.alpha, 1e-12)
    prob = np.full(rx.shape[0], 1.0 / rx.shape[0])  # scenarios are equally likely

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        v, coef = cpt_value_grad(outcomes(x), prob, p.alpha, p.beta, p.loss_aversion, p.gamma, p.delta)
        g = np.zeros(nv)
        g[:n] = rx.T @ coef
        g -= model.cost * coef.sum()
        return -v / scale, -g / scale

    a_ub, b_ub = model.a_ub, model.b_ub
    floor = None
    if min_return is not None:
        a, a0 = return_row(inputs, model, risk_free)
        floor = (sp.csr_matrix(-a[None, :]), np.array([a0 - min_return]), ["min_return"])
        a_ub = sp.vstack([a_ub, floor[0]], format="csr")
        b_ub = np.r_[b_ub, floor[1]]
    cons = []
    if a_ub.shape[0]:
        cons.append(LinearConstraint(a_ub.toarray(), -np.inf, b_ub))
    if model.a_eq.shape[0]:
        cons.append(LinearConstraint(model.a_eq.toarray(), model.b_eq, model.b_eq))
    bounds = list(zip(model.lower, model.upper))

    def lp_point(c: np.ndarray) -> np.ndarray:
        return solve_lp(
            c,
            a_ub if a_ub.shape[0] else None,
            b_ub if a_ub.shape[0] else None,
            model.a_eq if model.a_eq.shape[0] else None,
            model.b_eq if model.a_eq.shape[0] else None,
            np.c_[model.lower, model.upper],
            what="max_prospect_value start",
        ).x

    x_ret = guarded(lambda: lp_point(np.r_[-(inputs.mu - risk_free), model.cost[n:]]), inputs, model, floor)
    candidates = [x_ret]
    if starts >= 2:
        x_eq = np.zeros(nv)
        x_eq[:n] = np.clip(np.full(n, 1.0 / n), model.lower[:n], model.upper[:n])
        candidates.append(x_eq)
    if starts >= 3:
        x_cv = np.zeros(nv)
        x_cv[:n] = min_cvar(
            inputs, 0.95, constraints, min_return=min_return, risk_free=risk_free
        ).weights.to_numpy()
        candidates.append(x_cv)
    if starts >= 4:
        x_mv = np.zeros(nv)
        if min_return is None:
            x_mv[:n] = min_variance(inputs, constraints).weights.to_numpy()
        else:
            x_mv[:n] = efficient_return(
                inputs, min_return, constraints, risk_free=risk_free
            ).weights.to_numpy()
        candidates.append(x_mv)
    best = None
    for x0 in candidates:
        if nv > n and model.d_slice is not None:
            x0[model.d_slice] = np.abs(x0[:n] - model.current)
        if model.t_slice is not None:
            x0[model.t_slice] = np.abs(x0[:n])
        res = minimize(
            fun,
            x0,
            jac=True,
            method="SLSQP",
            bounds=bounds,
            constraints=cons,
            options={"maxiter": 500, "ftol": 1e-12},
        )
        x = res.x
        viol = 0.0
        if a_ub.shape[0]:
            viol = max(viol, float(np.max(a_ub @ x - b_ub)))
        if model.a_eq.shape[0]:
            viol = max(viol, float(np.max(np.abs(model.a_eq @ x - model.b_eq))))
        viol = max(viol, float(np.max(model.lower - x)), float(np.max(x - model.upper)))
        if viol > 1e-7 or not np.all(np.isfinite(x)):
            continue
        val, _ = fun(x)
        if best is None or val < best[0]:
            best = (val, x, int(res.nit))
    if best is None:
        raise ConvergenceError("max_prospect_value: SLSQP found no feasible optimum from any start")
    _, x, nit = best
    x = x.copy()
    x[:n] = np.clip(x[:n], model.lower[:n], model.upper[:n])
    value, _ = cpt_value_grad(outcomes(x), prob, p.alpha, p.beta, p.loss_aversion, p.gamma, p.delta)
    return build_result(
        inputs,
        x,
        model=model,
        objective="max_prospect_value",
        objective_value=float(value),
        status="converged",
        solver="SLSQP (multi-start)",
        iterations=nit,
        risk_free=risk_free,
    )
