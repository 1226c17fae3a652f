"""Portfolio constraints, compiled to linear rows every optimizer shares.

:class:`Constraints` holds the investor's rules; :func:`compile_constraints` turns them into
sparse linear rows over the variable vector ``x = [w, t, d]``:

* ``w`` (n_assets) — the weights of the risky assets; cash is ``1 - sum(w)``;
* ``t`` (n_assets, only with ``max_leverage`` and shorts allowed) — ``t ≥ |w|``;
* ``d`` (n_assets, only with a turnover cap or costs) — ``d ≥ |w - w_current|``, the trade.

Definitions
-----------
budget
    ``sum(w) = 1 - cash`` with ``min_cash ≤ cash ≤ max_cash`` (default ``0 ≤ cash ≤ 0``:
    fully invested). A negative ``min_cash`` allows borrowing (leverage through cash).
leverage
    gross exposure ``sum(|w|) ≤ max_leverage``.
turnover
    ``sum(|w - w_current|) ≤ max_turnover`` (one-way sum of trades, as a fraction of NAV).
transaction costs
    proportional: trading ``|Δw_i|`` costs ``cost_i · |Δw_i|`` of NAV; every objective with a
    return term (mean-variance, Sharpe, CVaR, semi-variance, prospect utility) is computed on
    returns net of this cost. Minimum variance and risk budgeting have no return term and
    ignore costs.
correlation-cluster cap
    assets are linked when their pairwise correlation exceeds ``correlation_threshold``; a
    cluster is a connected component (size ≥ 2) of that graph (so a chain a–b–c is one cluster
    even if corr(a, c) ≤ threshold — conservative, and independent of the order of assets).
    The combined (net) weight of every cluster is at most ``cluster_cap``. The clusters are
    fixed before optimizing, so the constraint is linear (convex).

Infeasibility
-------------
:func:`check_feasibility` tests cheap necessary conditions first (lower > upper, bounds vs
budget, group and cluster limits vs bounds, leverage, turnover reachability) and raises
:class:`~tailkit.errors.InfeasibleError` naming the constraints in conflict. When a solver
still finds the set infeasible, :func:`diagnose_infeasibility` solves an elastic LP (every
row may be violated at a unit price) and names the rows with non-zero multipliers — the
constraints that jointly conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from tailkit._typing import Float1D, Float2D
from tailkit.errors import InfeasibleError, ParameterError, describe_bad_value

_CONFLICT = "conflicting constraints: "

__all__ = [
    "Group",
    "Constraints",
    "LinearModel",
    "correlation_clusters",
    "compile_constraints",
    "check_feasibility",
    "diagnose_infeasibility",
]


@dataclass(frozen=True, slots=True)
class Group:
    """A sector, bucket or any set of assets with a minimum and maximum combined weight.

    Parameters
    ----------
    name : str
        Name used in error messages.
    assets : tuple of str
        Member assets.
    lower : float, default=0.0
        Minimum combined weight.
    upper : float, default=1.0
        Maximum combined weight.
    """

    name: str
    assets: tuple[str, ...]
    lower: float = 0.0
    upper: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraints:
    """The investor's constraint set (see the module docstring for exact definitions).

    Parameters
    ----------
    lower : float or mapping of str to float, default=0.0
        Per-asset lower bound (a mapping names some assets; the others get 0). Long-only by default.
    upper : float or mapping of str to float, default=1.0
        Per-asset upper bound (a mapping names some assets; the others get 1).
    groups : tuple of Group, default=()
        Group minimum/maximum combined weights.
    current_weights : mapping of str to float, optional
        Current holdings (fractions of NAV); default all cash (zeros).
    max_turnover : float, optional
        Cap on ``sum(|w - current|)``.
    cost : float or mapping of str to float, default=0.0
        Proportional transaction cost per unit traded (0.001 = 10 bp).
    min_cash : float, default=0.0
        Minimum cash weight; negative allows borrowing.
    max_cash : float, default=0.0
        Maximum cash weight.
    max_leverage : float, optional
        Cap on gross exposure ``sum(|w|)``.
    correlation_threshold : float, optional
        Correlation above which two assets are linked into a cluster.
    cluster_cap : float, optional
        Maximum combined weight of each correlation cluster (needs ``correlation_threshold``).
    """

    lower: float | Mapping[str, float] = 0.0
    upper: float | Mapping[str, float] = 1.0
    groups: tuple[Group, ...] = ()
    current_weights: Mapping[str, float] | None = None
    max_turnover: float | None = None
    cost: float | Mapping[str, float] = 0.0
    min_cash: float = 0.0
    max_cash: float = 0.0
    max_leverage: float | None = None
    correlation_threshold: float | None = None
    cluster_cap: float | None = None

    def __post_init__(self) -> None:
        if self.min_cash > self.max_cash:
            raise InfeasibleError(
                f"cash: min_cash={self.min_cash} > max_cash={self.max_cash}; "
                "conflicting constraints: min_cash, max_cash"
            )
        if self.max_turnover is not None and not self.max_turnover >= 0:
            raise ParameterError(
                describe_bad_value("max_turnover", self.max_turnover, "a float >= 0 or None")
            )
        if self.max_leverage is not None and not self.max_leverage > 0:
            raise ParameterError(describe_bad_value("max_leverage", self.max_leverage, "a float > 0 or None"))
        if (self.correlation_threshold is None) != (self.cluster_cap is None):
            raise ParameterError(
                "correlation_threshold and cluster_cap go together: set both (or neither) "
                f"(got correlation_threshold={self.correlation_threshold}, cluster_cap={self.cluster_cap})"
            )
        if self.correlation_threshold is not None and not -1.0 <= self.correlation_threshold < 1.0:
            raise ParameterError(
                describe_bad_value("correlation_threshold", self.correlation_threshold, "a float in [-1, 1)")
            )
        for g in self.groups:
            if not isinstance(g, Group):
                raise ParameterError(describe_bad_value("groups", g, "a tuple of Group"))

    @property
    def is_default(self) -> bool:
        """True for the plain long-only, fully invested set."""
        return self == Constraints()


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Linear rows of a compiled constraint set over ``x = [w, t, d]``.

    Attributes
    ----------
    n_assets, n_vars : int
        Number of assets and of variables.
    t_slice, d_slice : slice or None
        Where ``t`` (absolute weights) and ``d`` (trades) live in ``x``.
    lower, upper : ndarray of shape (n_vars,)
        Variable bounds (``±inf`` for none).
    a_ub, b_ub, ub_labels : sparse matrix (m_ub, n_vars), ndarray (m_ub,), list of str
        Inequality rows ``a_ub x ≤ b_ub`` and their names.
    a_eq, b_eq, eq_labels : sparse matrix (m_eq, n_vars), ndarray (m_eq,), list of str
        Equality rows.
    cost : ndarray of shape (n_vars,)
        Linear transaction-cost vector (``cost · x`` is the cost in NAV fraction).
    current : ndarray of shape (n_assets,)
        Current weights.
    clusters : list of ndarray of int
        Correlation clusters (asset indices).
    """

    n_assets: int
    n_vars: int
    t_slice: slice | None
    d_slice: slice | None
    lower: Float1D
    upper: Float1D
    a_ub: sp.csr_matrix
    b_ub: Float1D
    ub_labels: list[str]
    a_eq: sp.csr_matrix
    b_eq: Float1D
    eq_labels: list[str]
    cost: Float1D
    current: Float1D
    clusters: list[np.ndarray] = field(default_factory=list)

    @property
    def has_cost(self) -> bool:
        """Whether any transaction cost is non-zero."""
        return bool(np.any(self.cost != 0.0))

    def bound_rows(self) -> tuple[sp.csr_matrix, Float1D, list[str]]:
        """The finite variable bounds written as rows ``±x_j ≤ b`` (for solvers without bounds)."""
        rows, rhs, labels = [], [], []
        n = self.n_vars
        for j in range(n):
            if np.isfinite(self.upper[j]):
                rows.append((j, 1.0))
                rhs.append(self.upper[j])
                labels.append(f"upper bound of x[{j}]")
            if np.isfinite(self.lower[j]):
                rows.append((j, -1.0))
                rhs.append(-self.lower[j])
                labels.append(f"lower bound of x[{j}]")
        m = len(rows)
        if m == 0:
            return sp.csr_matrix((0, n)), np.zeros(0), []
        cols = np.array([r[0] for r in rows])
        vals = np.array([r[1] for r in rows])
        mat = sp.csr_matrix((vals, (np.arange(m), cols)), shape=(m, n))
        return mat, np.asarray(rhs, dtype=np.float64), labels


def correlation_clusters(corr: Float2D, threshold: float) -> list[np.ndarray]:
    """Connected components (size ≥ 2) of the graph linking assets with correlation > ``threshold``.

    Parameters
    ----------
    corr : ndarray of shape (n_assets, n_assets)
        Correlation matrix.
    threshold : float
        Link threshold in [-1, 1).

    Returns
    -------
    list of ndarray of int
        Asset indices of each cluster, sorted, clusters ordered by their first asset.
    """
    c = np.asarray(corr, dtype=np.float64)
    adj = c > threshold
    np.fill_diagonal(adj, False)
    n_comp, labels = connected_components(sp.csr_matrix(adj), directed=False)
    out = []
    for k in range(n_comp):
        idx = np.flatnonzero(labels == k)
        if idx.size >= 2:
            out.append(idx)
    out.sort(key=lambda a: int(a[0]))
    return out


def _per_asset(
    name: str, value: float | Mapping[str, float], assets: Sequence[str], default: float
) -> Float1D:
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(assets))
        if unknown:
            raise ParameterError(describe_bad_value(name, unknown, "asset names among " + ", ".join(assets)))
        return np.array([float(value.get(a, default)) for a in assets])
    return np.full(len(assets), float(value))


def _bounds(c: Constraints, assets: Sequence[str]) -> tuple[Float1D, Float1D]:
    lo = _per_asset("lower", c.lower, assets, 0.0)
    hi = _per_asset("upper", c.upper, assets, 1.0)
    if np.any(np.isnan(lo)) or np.any(np.isnan(hi)):
        raise ParameterError("lower/upper bounds must not be NaN")
    return lo, hi


def _group_index(g: Group, assets: Sequence[str]) -> np.ndarray:
    pos = {a: i for i, a in enumerate(assets)}
    unknown = [a for a in g.assets if a not in pos]
    if unknown:
        raise ParameterError(
            describe_bad_value(f"group {g.name!r} assets", unknown, "asset names among " + ", ".join(assets))
        )
    return np.array([pos[a] for a in g.assets], dtype=np.int64)


def _dist_to_box(x: Float1D, lo: Float1D, hi: Float1D) -> Float1D:
    return np.maximum(lo - x, 0.0) + np.maximum(x - hi, 0.0)


def check_feasibility(c: Constraints, assets: Sequence[str], corr: Float2D | None = None) -> None:
    """Raise :class:`InfeasibleError` if a cheap necessary condition fails.

    Parameters
    ----------
    c : Constraints
        The constraint set.
    assets : sequence of str
        Asset names.
    corr : ndarray of shape (n_assets, n_assets), optional
        Correlation matrix (for the cluster cap).

    Raises
    ------
    InfeasibleError
        Naming the conflicting constraints and the numbers that conflict.
    """
    lo, hi = _bounds(c, assets)
    tol = 1e-12
    bad = np.flatnonzero(lo > hi + tol)
    if bad.size:
        i = int(bad[0])
        raise InfeasibleError(
            _CONFLICT + f"lower bound and upper bound of {assets[i]!r} (lower {lo[i]} > upper {hi[i]})"
        )
    b_lo, b_hi = 1.0 - c.max_cash, 1.0 - c.min_cash
    if lo.sum() > b_hi + tol:
        raise InfeasibleError(
            _CONFLICT + f"per-asset lower bounds sum to {lo.sum():.6g} > 1 - min_cash = {b_hi:.6g} (budget)"
        )
    if hi.sum() < b_lo - tol:
        raise InfeasibleError(
            _CONFLICT + f"per-asset upper bounds sum to {hi.sum():.6g} < 1 - max_cash = {b_lo:.6g} (budget)"
        )
    for g in c.groups:
        idx = _group_index(g, assets)
        if g.lower > g.upper + tol:
            raise InfeasibleError(_CONFLICT + f"group {g.name!r} minimum {g.lower} > its maximum {g.upper}")
        if g.lower > hi[idx].sum() + tol:
            raise InfeasibleError(
                _CONFLICT + f"group {g.name!r} minimum {g.lower} > sum of its assets' upper bounds "
                f"{hi[idx].sum():.6g}"
            )
        if g.upper < lo[idx].sum() - tol:
            raise InfeasibleError(
                _CONFLICT + f"group {g.name!r} maximum {g.upper} < sum of its assets' lower bounds "
                f"{lo[idx].sum():.6g}"
            )
        others = np.setdiff1d(np.arange(len(assets)), idx)
        if g.upper + hi[others].sum() < b_lo - tol:
            raise InfeasibleError(
                _CONFLICT + f"group {g.name!r} maximum {g.upper} plus the other assets' upper bounds "
                f"{hi[others].sum():.6g} < 1 - max_cash = {b_lo:.6g} (budget)"
            )
        if g.lower + lo[others].sum() > b_hi + tol:
            raise InfeasibleError(
                _CONFLICT + f"group {g.name!r} minimum {g.lower} plus the other assets' lower bounds "
                f"{lo[others].sum():.6g} > 1 - min_cash = {b_hi:.6g} (budget)"
            )
    if c.max_leverage is not None:
        gross_min = float(_dist_to_box(np.zeros(len(assets)), lo, hi).sum())
        budget_min = 0.0 if b_lo <= 0.0 <= b_hi else min(abs(b_lo), abs(b_hi))
        need = max(gross_min, budget_min)
        if need > c.max_leverage + tol:
            raise InfeasibleError(
                _CONFLICT + f"max_leverage={c.max_leverage} but bounds and budget need gross exposure "
                f">= {need:.6g}"
            )
    if c.max_turnover is not None:
        w0 = _per_asset("current_weights", c.current_weights or {}, assets, 0.0)
        need = float(_dist_to_box(w0, lo, hi).sum())
        s0 = w0.sum()
        need = max(need, b_lo - s0, s0 - b_hi)
        if need > c.max_turnover + tol:
            raise InfeasibleError(
                _CONFLICT + f"max_turnover={c.max_turnover} but reaching the bounds and budget from "
                f"current_weights needs turnover >= {need:.6g}"
            )
    # Constraints sets correlation_threshold and cluster_cap together (or neither)
    if c.cluster_cap is not None and c.correlation_threshold is not None and corr is not None:
        for k, idx in enumerate(correlation_clusters(corr, c.correlation_threshold)):
            if lo[idx].sum() > c.cluster_cap + tol:
                names = ", ".join(assets[i] for i in idx)
                raise InfeasibleError(
                    _CONFLICT + f"cluster_cap={c.cluster_cap} and the lower bounds of correlation "
                    f"cluster {k} ({names}) summing to {lo[idx].sum():.6g}"
                )
            others = np.setdiff1d(np.arange(len(assets)), idx)
            if c.cluster_cap + hi[others].sum() < b_lo - tol:
                names = ", ".join(assets[i] for i in idx)
                raise InfeasibleError(
                    _CONFLICT + f"cluster_cap={c.cluster_cap} on cluster {k} ({names}) and the other "
                    f"assets' upper bounds {hi[others].sum():.6g} cannot reach the budget {b_lo:.6g}"
                )


def compile_constraints(
    c: Constraints | None, assets: Sequence[str], corr: Float2D | None = None
) -> LinearModel:
    """Check ``c`` and compile it to linear rows over ``x = [w, t, d]``.

    Parameters
    ----------
    c : Constraints or None
        Constraint set; ``None`` means long-only, fully invested.
    assets : sequence of str
        Asset names.
    corr : ndarray of shape (n_assets, n_assets), optional
        Correlation matrix (needed with ``cluster_cap``).

    Returns
    -------
    LinearModel

    Raises
    ------
    InfeasibleError
        When a cheap necessary condition fails (see :func:`check_feasibility`).
    """
    c = c if c is not None else Constraints()
    if c.cluster_cap is not None and corr is None:
        raise ParameterError("cluster_cap needs a correlation matrix (the inputs' covariance)")
    check_feasibility(c, assets, corr)
    n = len(assets)
    lo, hi = _bounds(c, assets)
    w0 = _per_asset("current_weights", c.current_weights or {}, assets, 0.0)
    cost_rate = _per_asset("cost", c.cost, assets, 0.0)
    if np.any(cost_rate < 0):
        raise ParameterError(describe_bad_value("cost", c.cost, "rates >= 0"))
    need_t = c.max_leverage is not None and bool(np.any(lo < 0))
    need_d = c.max_turnover is not None or bool(np.any(cost_rate > 0))
    nv = n
    t_slice = d_slice = None
    if need_t:
        t_slice = slice(nv, nv + n)
        nv += n
    if need_d:
        d_slice = slice(nv, nv + n)
        nv += n
    lower = np.full(nv, 0.0)
    upper = np.full(nv, np.inf)
    lower[:n], upper[:n] = lo, hi
    ub_rows: list[sp.spmatrix] = []
    ub_rhs: list[Float1D] = []
    ub_labels: list[str] = []
    eq_rows: list[sp.spmatrix] = []
    eq_rhs: list[Float1D] = []
    eq_labels: list[str] = []

    def row(cols: np.ndarray, vals: np.ndarray | float) -> sp.csr_matrix:
        v = np.broadcast_to(np.asarray(vals, dtype=np.float64), cols.shape)
        return sp.csr_matrix((v, (np.zeros(cols.size, dtype=np.int64), cols)), shape=(1, nv))

    allw = np.arange(n)
    b_lo, b_hi = 1.0 - c.max_cash, 1.0 - c.min_cash
    if b_lo == b_hi:
        eq_rows.append(row(allw, 1.0))
        eq_rhs.append(np.array([b_lo]))
        eq_labels.append("budget")
    else:
        ub_rows += [row(allw, 1.0), row(allw, -1.0)]
        ub_rhs.append(np.array([b_hi, -b_lo]))
        ub_labels += ["budget (min_cash)", "budget (max_cash)"]
    for g in c.groups:
        idx = _group_index(g, assets)
        ub_rows += [row(idx, 1.0), row(idx, -1.0)]
        ub_rhs.append(np.array([g.upper, -g.lower]))
        ub_labels += [f"group {g.name!r} maximum", f"group {g.name!r} minimum"]
    eye = sp.identity(n, format="csr")
    zero = sp.csr_matrix((n, nv))
    if need_t:
        assert t_slice is not None
        sel_w = sp.hstack([eye, sp.csr_matrix((n, nv - n))], format="csr")
        sel_t = zero.copy().tolil()
        sel_t[:, t_slice] = eye
        sel_t = sel_t.tocsr()
        ub_rows += [sel_w - sel_t, -sel_w - sel_t]
        ub_rhs += [np.zeros(n), np.zeros(n)]
        ub_labels += [f"|w| definition ({a})" for a in assets] * 2
        ub_rows.append(row(np.arange(t_slice.start, t_slice.stop), 1.0))
        ub_rhs.append(np.array([c.max_leverage]))
        ub_labels.append("max_leverage")
    elif c.max_leverage is not None:
        ub_rows.append(row(allw, 1.0))
        ub_rhs.append(np.array([c.max_leverage]))
        ub_labels.append("max_leverage")
    cost = np.zeros(nv)
    if need_d:
        assert d_slice is not None
        sel_w = sp.hstack([eye, sp.csr_matrix((n, nv - n))], format="csr")
        sel_d = zero.copy().tolil()
        sel_d[:, d_slice] = eye
        sel_d = sel_d.tocsr()
        ub_rows += [sel_w - sel_d, -sel_w - sel_d]
        ub_rhs += [w0, -w0]
        ub_labels += [f"trade definition ({a})" for a in assets] * 2
        cost[d_slice] = cost_rate
        if c.max_turnover is not None:
            ub_rows.append(row(np.arange(d_slice.start, d_slice.stop), 1.0))
            ub_rhs.append(np.array([c.max_turnover]))
            ub_labels.append("max_turnover")
    clusters: list[np.ndarray] = []
    # cluster_cap comes with correlation_threshold (Constraints) and corr (checked above)
    if c.cluster_cap is not None and c.correlation_threshold is not None and corr is not None:
        clusters = correlation_clusters(corr, c.correlation_threshold)
        for k, idx in enumerate(clusters):
            ub_rows.append(row(idx, 1.0))
            ub_rhs.append(np.array([c.cluster_cap]))
            ub_labels.append(f"cluster_cap (cluster {k}: {', '.join(assets[i] for i in idx)})")
    a_ub = sp.vstack(ub_rows, format="csr") if ub_rows else sp.csr_matrix((0, nv))
    a_eq = sp.vstack(eq_rows, format="csr") if eq_rows else sp.csr_matrix((0, nv))
    return LinearModel(
        n_assets=n,
        n_vars=nv,
        t_slice=t_slice,
        d_slice=d_slice,
        lower=lower,
        upper=upper,
        a_ub=a_ub,
        b_ub=np.concatenate(ub_rhs) if ub_rhs else np.zeros(0),
        ub_labels=ub_labels,
        a_eq=a_eq,
        b_eq=np.concatenate(eq_rhs) if eq_rhs else np.zeros(0),
        eq_labels=eq_labels,
        cost=cost,
        current=w0,
        clusters=clusters,
    )


def diagnose_infeasibility(
    model: LinearModel,
    assets: Sequence[str],
    extra_ub: tuple[sp.spmatrix, Float1D, list[str]] | None = None,
) -> list[str]:
    """Names of the constraints that jointly conflict (elastic-LP certificate).

    Every row (including the per-asset bounds and ``extra_ub`` rows such as a return
    target) gets a non-negative slack priced at 1; the rows whose multipliers are non-zero at
    the optimum of this always-feasible LP form the conflicting set.

    Parameters
    ----------
    model : LinearModel
        Compiled constraints.
    assets : sequence of str
        Asset names (to name bounds).
    extra_ub : (sparse matrix, ndarray, list of str), optional
        Objective-specific rows ``A x ≤ b`` over the model's variables, with names.

    Returns
    -------
    list of str
        Conflicting constraint names (empty if the set is in fact feasible).
    """
    from scipy.optimize import linprog

    n, nv = model.n_assets, model.n_vars
    rows = [model.a_ub]
    rhs = [model.b_ub]
    labels = list(model.ub_labels)
    if extra_ub is not None:
        rows.append(sp.csr_matrix(extra_ub[0]))
        rhs.append(np.asarray(extra_ub[1], dtype=np.float64))
        labels += list(extra_ub[2])
    for j in range(n):
        if np.isfinite(model.upper[j]):
            rows.append(sp.csr_matrix(([1.0], ([0], [j])), shape=(1, nv)))
            rhs.append(np.array([model.upper[j]]))
            labels.append(f"upper bound of {assets[j]!r}")
        if np.isfinite(model.lower[j]):
            rows.append(sp.csr_matrix(([-1.0], ([0], [j])), shape=(1, nv)))
            rhs.append(np.array([-model.lower[j]]))
            labels.append(f"lower bound of {assets[j]!r}")
    a_ub = sp.vstack(rows, format="csr")
    b_ub = np.concatenate(rhs)
    m_ub, m_eq = a_ub.shape[0], model.a_eq.shape[0]
    # x, s_ub (m_ub), s_eq+ (m_eq), s_eq- (m_eq)
    a1 = sp.hstack([a_ub, -sp.identity(m_ub), sp.csr_matrix((m_ub, 2 * m_eq))], format="csr")
    a2 = sp.hstack(
        [model.a_eq, sp.csr_matrix((m_eq, m_ub)), -sp.identity(m_eq), sp.identity(m_eq)], format="csr"
    )
    c = np.r_[np.zeros(nv), np.ones(m_ub + 2 * m_eq)]
    lower = np.r_[np.where(np.arange(nv) < n, -np.inf, model.lower), np.zeros(m_ub + 2 * m_eq)]
    upper = np.r_[np.where(np.arange(nv) < n, np.inf, model.upper), np.full(m_ub + 2 * m_eq, np.inf)]
    res = linprog(
        c,
        A_ub=a1,
        b_ub=b_ub,
        A_eq=a2 if m_eq else None,
        b_eq=model.b_eq if m_eq else None,
        bounds=np.c_[lower, upper],
        method="highs",
    )
    if res.status != 0 or res.fun <= 1e-9:
        return []
    found: list[str] = []
    duals = np.abs(np.asarray(res.ineqlin.marginals))
    for i in np.flatnonzero(duals > 1e-9):
        if labels[i] not in found:
            found.append(labels[i])
    if m_eq:
        for i in np.flatnonzero(np.abs(np.asarray(res.eqlin.marginals)) > 1e-9):
            if model.eq_labels[i] not in found:
                found.append(model.eq_labels[i])
    return _summarize(found)


def _summarize(names: list[str], keep: int = 4) -> list[str]:
    """Collapse long runs of per-asset bound names into one entry."""
    out: list[str] = []
    for kind in ("lower bound of ", "upper bound of "):
        hits = [n for n in names if n.startswith(kind)]
        if len(hits) > keep:
            shown = ", ".join(h[len(kind) :] for h in hits[:keep])
            out.append(f"{kind.replace('bound', 'bounds')}{len(hits)} assets ({shown}, ...)")
        else:
            out.extend(hits)
    rest = [n for n in names if not n.startswith(("lower bound of ", "upper bound of "))]
    return rest + out
